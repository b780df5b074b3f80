#!/usr/bin/env python3
"""Checks the Asset Library listing (asset_library/) against the project:

- listing.json's version and download file name carry the version of
  Cargo.toml, its Godot version is the .gdextension's compatibility_minimum,
  its licence is Cargo.toml's, and its category is one the Asset Library has;
- the description exists and fits the Asset Library's form;
- the icon is a square PNG of at least 128 pixels, exactly as make_icon.py
  draws it.

    check_listing.py    fails with one line per problem
"""

import json
import re
import struct
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GDEXTENSION = ROOT / "addons/mcp_uv_cache_cleanup/mcp_uv_cache_cleanup.gdextension"
# The Asset Library's categories for addons (projects have their own).
CATEGORIES = {"2D Tools", "3D Tools", "Shaders", "Materials", "Tools", "Scripts", "Misc"}
# The Asset Library's description field holds at most this many characters.
DESCRIPTION_LIMIT = 65535


def cargo_field(name):
    package = re.search(r"^\[package\]\n(.*?)(?=^\[)", (ROOT / "Cargo.toml").read_text(), re.S | re.M).group(1)
    return re.search(rf'^{name} = "([^"]*)"$', package, re.M).group(1)


def png_size(path):
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def problems():
    found = []
    listing = json.loads((HERE / "listing.json").read_text())
    version = cargo_field("version")
    if listing.get("version_string") != version:
        found.append(f"version_string {listing.get('version_string')!r} is not Cargo.toml's {version!r}")
    if listing.get("download_file") != f"mcp_uv_cache_cleanup-{version}.zip":
        found.append(f"download_file {listing.get('download_file')!r} is not the archive of {version}")
    minimum = re.search(r"^compatibility_minimum = (\S+)$", GDEXTENSION.read_text(), re.M).group(1)
    if listing.get("godot_version") != minimum:
        found.append(f"godot_version {listing.get('godot_version')!r} is not the .gdextension's {minimum!r}")
    if listing.get("cost") != cargo_field("license"):
        found.append(f"cost (licence) {listing.get('cost')!r} is not Cargo.toml's {cargo_field('license')!r}")
    if listing.get("category") not in CATEGORIES:
        found.append(f"category {listing.get('category')!r} is not one of {sorted(CATEGORIES)}")
    description = HERE / listing.get("description_file", "")
    if not description.is_file() or not description.read_text().strip():
        found.append(f"no description at {description}")
    elif len(description.read_text()) > DESCRIPTION_LIMIT:
        found.append(f"{description} is longer than {DESCRIPTION_LIMIT} characters")
    icon = HERE / listing.get("icon_file", "")
    size = png_size(icon) if icon.is_file() else None
    if size is None:
        found.append(f"no PNG icon at {icon}")
    elif size[0] != size[1] or size[0] < 128:
        found.append(f"icon {icon} is {size[0]}x{size[1]}, not square and at least 128")
    elif subprocess.run([sys.executable, str(HERE / "make_icon.py"), "--check"]).returncode != 0:
        found.append(f"icon {icon} is not what make_icon.py draws")
    return found


def main():
    found = problems()
    for problem in found:
        print(f"check_listing: {problem}", file=sys.stderr)
    if not found:
        print("check_listing: asset_library/ matches Cargo.toml and the .gdextension")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
