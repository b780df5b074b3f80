//! Which directory names the sweep acts on, and the `_dead_` names it renames
//! them to.
//!
//! uv names its throwaway build venvs `.tmp` + random characters. The sweep
//! renames each one to a name that starts with [`DEAD_PREFIX`] before deleting
//! it, so a directory that cannot be deleted yet never collides with a future
//! uv build and is retried by the next sweep. Names are compared as raw bytes
//! (`OsStr`), so names that are not valid Unicode are handled like any other.

use std::ffi::{OsStr, OsString};

/// The prefix of uv's throwaway build directories.
pub const TMP_PREFIX: &str = ".tmp";

/// The prefix the sweep gives a build directory before deleting it.
pub const DEAD_PREFIX: &str = "_dead_";

/// How many alternative `_dead_` names [`dead_name_for`] tries before giving
/// up. Far more than any real cache needs; it only bounds the loop.
pub const MAX_DEAD_NAME_ATTEMPTS: u32 = 10_000;

/// True if `name` is a uv build directory name (`.tmp*`, case-sensitive, as
/// uv writes it).
pub fn is_tmp_name(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(TMP_PREFIX.as_bytes())
}

/// True if `name` is a directory the sweep renamed earlier (`_dead_*`).
pub fn is_dead_name(name: &OsStr) -> bool {
    name.as_encoded_bytes().starts_with(DEAD_PREFIX.as_bytes())
}

/// Chooses the `_dead_` name to rename the build directory `name` to.
///
/// The first choice is `_dead_<name>`, as the GDScript sweep used. If
/// `is_taken` says that name is already in use (by a directory an earlier sweep
/// could not delete, or by anything else), the next choices are
/// `_dead_1_<name>`, `_dead_2_<name>`, …: they still start with `_dead_`, so a
/// later sweep retries them, and they can never be the first choice of another
/// `.tmp*` directory, because those all continue with `.tmp`.
///
/// Returns `None` if all [`MAX_DEAD_NAME_ATTEMPTS`] names are taken.
pub fn dead_name_for(name: &OsStr, mut is_taken: impl FnMut(&OsStr) -> bool) -> Option<OsString> {
    let first = prefixed(DEAD_PREFIX, name);
    if !is_taken(&first) {
        return Some(first);
    }
    (1..MAX_DEAD_NAME_ATTEMPTS)
        .map(|n| prefixed(&format!("{DEAD_PREFIX}{n}_"), name))
        .find(|candidate| !is_taken(candidate))
}

fn prefixed(prefix: &str, name: &OsStr) -> OsString {
    let mut out = OsString::with_capacity(prefix.len() + name.len());
    out.push(prefix);
    out.push(name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_prefixes_case_sensitively() {
        assert!(is_tmp_name(OsStr::new(".tmpAbC123")));
        assert!(is_tmp_name(OsStr::new(".tmp")));
        assert!(!is_tmp_name(OsStr::new(".TMPabc")));
        assert!(!is_tmp_name(OsStr::new("x.tmpabc")));
        assert!(is_dead_name(OsStr::new("_dead_.tmpabc")));
        assert!(is_dead_name(OsStr::new("_dead_3_.tmpabc")));
        assert!(!is_dead_name(OsStr::new("dead_.tmpabc")));
        assert!(!is_tmp_name(OsStr::new("_dead_.tmpabc")));
    }

    #[test]
    fn first_choice_is_plain_prefix() {
        let name = dead_name_for(OsStr::new(".tmpA"), |_| false).unwrap();
        assert_eq!(name, OsString::from("_dead_.tmpA"));
    }

    #[test]
    fn taken_names_are_skipped_and_alternatives_stay_dead_and_not_tmp() {
        let taken = ["_dead_.tmpA", "_dead_1_.tmpA"];
        let name = dead_name_for(OsStr::new(".tmpA"), |c| taken.iter().any(|t| OsStr::new(t) == c)).unwrap();
        assert_eq!(name, OsString::from("_dead_2_.tmpA"));
        assert!(is_dead_name(&name));
        assert!(!is_tmp_name(&name));
    }

    #[test]
    fn gives_up_when_every_name_is_taken() {
        let mut asked = 0;
        let name = dead_name_for(OsStr::new(".tmpA"), |_| {
            asked += 1;
            true
        });
        assert_eq!(name, None);
        assert_eq!(asked, MAX_DEAD_NAME_ATTEMPTS);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_keep_their_bytes() {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let raw = OsStr::from_bytes(b".tmp\xff\xfe");
        assert!(is_tmp_name(raw));
        let dead = dead_name_for(raw, |_| false).unwrap();
        assert_eq!(dead.into_vec(), b"_dead_.tmp\xff\xfe".to_vec());
    }
}
