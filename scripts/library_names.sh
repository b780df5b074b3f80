# Sourced by the build scripts: the names of the libraries, in one place.
#
# Each platform ships two builds of the same code: the editor's, with the
# classes' help pages compiled in (cargo feature editor-docs), and the one
# export templates load. mcp_uv_cache_cleanup.gdextension names both.

# The cargo features of VARIANT (editor or template), as arguments.
variant_features() {
    case "$1" in
        editor) echo "--features editor-docs" ;;
        template) echo "" ;;
        *) echo "library_names: unknown variant '$1'" >&2; return 2 ;;
    esac
}

# The file cargo writes for OS (linux, macos or windows).
cargo_library_name() {
    case "$1" in
        linux) echo libmcp_uv_cache_cleanup.so ;;
        macos) echo libmcp_uv_cache_cleanup.dylib ;;
        windows) echo mcp_uv_cache_cleanup.dll ;;
        *) echo "library_names: unknown OS '$1'" >&2; return 2 ;;
    esac
}

# The file the addon ships for OS and VARIANT, in bin/.
shipped_library_name() {
    local name
    name="$(cargo_library_name "$1")" || return
    if [[ "$2" == editor ]]; then
        echo "${name%.*}_editor.${name##*.}"
    else
        echo "$name"
    fi
}
