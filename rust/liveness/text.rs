//! Paths as the process check compares them: bytes, in one form per system.
//!
//! A process shows its paths as text (a `/proc` link, a module path, a
//! command line), so the check compares bytes. On Windows paths are
//! case-insensitive and come with or without the `\\?\` prefix and with either
//! slash, so the comparable form there is lower case, backslashed and
//! unprefixed. A directory name stands in a text when the root is followed by
//! a separator, then the name, then the end of the text or a byte that cannot
//! continue a path component (a separator, NUL, white space or a quote).

use std::ffi::OsStr;
use std::path::Path;

/// The separator of [`comparable`] paths.
#[cfg(windows)]
pub(super) const SEPARATOR: u8 = b'\\';
/// The separator of [`comparable`] paths.
#[cfg(not(windows))]
pub(super) const SEPARATOR: u8 = b'/';

/// `text` in the form the check compares: on Windows lower case, with `\`
/// for `/` and without a `\\?\` or `\??\` prefix; elsewhere the bytes as
/// they are.
pub fn comparable(text: &OsStr) -> Vec<u8> {
    #[cfg(windows)]
    {
        comparable_windows(&text.to_string_lossy())
    }
    #[cfg(not(windows))]
    {
        text.as_encoded_bytes().to_vec()
    }
}

/// The Windows form of [`comparable`] (also built for tests, so it is
/// tested on every system).
#[cfg(any(windows, test))]
pub(super) fn comparable_windows(text: &str) -> Vec<u8> {
    let text = text.replace('/', "\\");
    let text = if let Some(unc) = text.strip_prefix(r"\\?\UNC\") {
        format!(r"\\{unc}")
    } else if let Some(rest) = text.strip_prefix(r"\\?\").or_else(|| text.strip_prefix(r"\??\")) {
        rest.to_owned()
    } else {
        text
    };
    text.to_lowercase().into_bytes()
}

/// The forms `root` may appear in: as given, and with every link resolved
/// (what `/proc` shows), without a trailing separator.
pub(super) fn root_forms(root: &Path) -> Vec<Vec<u8>> {
    let mut forms = vec![trimmed(comparable(root.as_os_str()))];
    if let Ok(canonical) = std::fs::canonicalize(root) {
        let canonical = trimmed(comparable(canonical.as_os_str()));
        if !forms.contains(&canonical) {
            forms.push(canonical);
        }
    }
    forms
}

fn trimmed(mut path: Vec<u8>) -> Vec<u8> {
    while path.len() > 1 && path.last().is_some_and(|byte| is_separator(*byte)) {
        path.pop();
    }
    path
}

fn is_separator(byte: u8) -> bool {
    byte == SEPARATOR || byte == b'/'
}

/// True if `byte` cannot continue a path component in a text.
fn ends_component(byte: u8) -> bool {
    is_separator(byte) || matches!(byte, 0 | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'')
}

/// Every place in `text` right after `root` and a separator: where a
/// directory of the root's would be named.
pub(super) fn after_root<'t>(text: &'t [u8], root: &[u8]) -> impl Iterator<Item = &'t [u8]> + 't {
    let root = root.to_vec();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = find(&text[from..], &root) {
            let end = from + found + root.len();
            from = from + found + 1;
            if text.get(end).is_some_and(|byte| is_separator(*byte)) {
                return Some(&text[end + 1..]);
            }
        }
        from = text.len();
        None
    })
}

/// True if `rest` begins with the whole component `name`.
pub(super) fn starts_with_name(rest: &[u8], name: &[u8]) -> bool {
    rest.starts_with(name) && rest.get(name.len()).is_none_or(|byte| ends_component(*byte))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, _) = needle.split_first()?;
    let mut start = 0;
    while let Some(offset) = haystack.get(start..)?.iter().position(|byte| *byte == first) {
        let at = start + offset;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_form_folds_case_slashes_and_prefixes() {
        assert_eq!(
            comparable_windows(r"\\?\C:\Users\Me\AppData\Local\uv\cache/builds-v0"),
            br"c:\users\me\appdata\local\uv\cache\builds-v0"
        );
        assert_eq!(comparable_windows(r"\??\C:\X"), br"c:\x");
        assert_eq!(comparable_windows(r"\\?\UNC\server\share\X"), br"\\server\share\x");
    }

    #[test]
    fn every_place_after_the_root_is_found() {
        let text = b"/c/b/.tmpA/x\0/c/b-other/.tmpB\0\"/c/b/.tmpC\"";
        let found: Vec<&[u8]> = after_root(text, b"/c/b").collect();
        assert_eq!(found.len(), 2);
        assert!(starts_with_name(found[0], b".tmpA"));
        assert!(starts_with_name(found[1], b".tmpC"));
        assert!(!starts_with_name(found[1], b".tmp"));
    }
}
