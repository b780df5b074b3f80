# Sourced by the toolchain files: checks that Debian packages are installed.

# Fails with one line naming the missing packages among PACKAGE... and the
# apt-get command that installs them.
require_debian_packages() {
    local missing=()
    for package in "$@"; do
        dpkg -s "$package" > /dev/null 2>&1 || missing+=("$package")
    done
    if ((${#missing[@]})); then
        echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
        return 1
    fi
}
