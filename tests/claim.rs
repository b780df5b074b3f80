//! `RootClaim`: one sweep per builds directory at a time, on a real filesystem.

use std::fs;

use mcp_uv_cache_cleanup::claim::{claim_each, RootClaim};

#[test]
fn a_claimed_directory_cannot_be_claimed_again_until_released() {
    let scratch = tempfile_dir("claim_release");
    let first = RootClaim::try_claim(&scratch).expect("a free directory is claimed");
    assert!(RootClaim::try_claim(&scratch).is_none(), "claimed twice");
    drop(first);
    assert!(RootClaim::try_claim(&scratch).is_some(), "released by the drop");
    fs::remove_dir_all(&scratch).unwrap();
}

#[test]
fn another_path_to_the_same_directory_is_the_same_claim() {
    let scratch = tempfile_dir("claim_alias");
    let _held = RootClaim::try_claim(&scratch).expect("free");
    let alias = scratch.join("sub").join("..");
    fs::create_dir_all(scratch.join("sub")).unwrap();
    assert!(
        RootClaim::try_claim(&alias).is_none(),
        "{} names the claimed directory",
        alias.display()
    );
    #[cfg(unix)]
    {
        let link = scratch.with_extension("link");
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&scratch, &link).unwrap();
        assert!(RootClaim::try_claim(&link).is_none(), "a link to the claimed directory");
        fs::remove_file(&link).unwrap();
    }
    fs::remove_dir_all(&scratch).unwrap();
}

#[test]
fn different_directories_are_claimed_independently() {
    let one = tempfile_dir("claim_one");
    let two = tempfile_dir("claim_two");
    let _one = RootClaim::try_claim(&one).expect("free");
    assert!(RootClaim::try_claim(&two).is_some(), "another directory");
    fs::remove_dir_all(&one).unwrap();
    fs::remove_dir_all(&two).unwrap();
}

#[test]
fn claim_each_claims_free_directories_once_and_names_the_busy_ones() {
    let free = tempfile_dir("claim_each_free");
    let held = tempfile_dir("claim_each_held");
    let _other_sweep = RootClaim::try_claim(&held).expect("free");
    let claimed = claim_each([free.clone(), held.clone(), free.join(".")]);
    let roots: Vec<_> = claimed.claimed.iter().map(|(root, _)| root.clone()).collect();
    assert_eq!(roots, std::slice::from_ref(&free), "the free one, once");
    assert_eq!(claimed.busy, std::slice::from_ref(&held), "the held one is busy");
    assert!(RootClaim::try_claim(&free).is_none(), "held while the claims live");
    drop(claimed);
    assert!(RootClaim::try_claim(&free).is_some(), "released with them");
    fs::remove_dir_all(&free).unwrap();
    fs::remove_dir_all(&held).unwrap();
}

/// A fresh directory of this test binary's own under the system temp dir.
fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mcp_claim_{}_{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}
