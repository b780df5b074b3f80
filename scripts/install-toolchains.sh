#!/usr/bin/env bash
# Installs what scripts/build-libraries.sh needs to build every platform's
# library on Debian 12 (run as root): Debian's Rust 1.96 with its std source,
# mingw-w64 (Windows x86_64), LLVM 22's ld64.lld and tools (macOS, and the
# library checks), zip, and zig with cargo-zigbuild from PyPI (Linux, Windows
# arm64). .ci/run and .github/workflows/release.yml both call it, so CI
# checks the toolchain releases are built with.
#
#   scripts/install-toolchains.sh [PIP...]   PIP: the pip command (default: python3 -m pip)
set -euo pipefail
cd "$(dirname "$0")/.."
# The lists: scripts/toolchains.sh.
source scripts/toolchains.sh

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${BUILD_DEBIAN[@]}" > /dev/null
pip=("$@")
((${#pip[@]})) || pip=(python3 -m pip)
"${pip[@]}" install -q --disable-pip-version-check "${BUILD_PYPI[@]}"
