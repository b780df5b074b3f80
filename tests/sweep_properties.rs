//! The sweep's promises, checked on generated caches against a model.
//!
//! Each case is a random `builds-v0`: `.tmp*` and `_dead_*` directories and
//! files at the root and below, names that collide with existing `_dead_`
//! names, hidden and non-UTF-8 names, empty directories, read-only files and
//! directories, symlinks to files and directories inside and outside the root
//! (an outside canary tree), dangling links, a link to the root itself, deep
//! chains, and files made undeletable with `chattr +i` (a Windows lock's
//! stand-in). For each case:
//!
//! 1. everything outside the swept set (the root's other entries and the
//!    canary tree) is snapshotted: paths, types, modes, bytes, link targets;
//! 2. a sweep must give the model's counts, leave the snapshot identical, and
//!    leave in the root exactly the unswept entries plus one `_dead_*`
//!    directory per locked tree, with its locked files intact;
//! 3. after the locks are released, a second sweep removes exactly those
//!    (`0, 0, remaining, 0`), and a third finds nothing to do.
//!
//! Cases: `MCP_UVCC_PROPTEST_CASES` (default 256, a few seconds);
//! docs/sweep.md, "Its promises", gives the long runs. proptest shrinks a failure to a minimal
//! cache and prints it as the `Vec<Entry>` below.

#![cfg(target_os = "linux")]

mod common;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, SystemTime};

use common::*;
use mcp_uv_cache_cleanup::names::{is_dead_name, is_tmp_name};
use mcp_uv_cache_cleanup::{sweep, SweepCounts, SweepError, SweepOptions};
use proptest::prelude::*;

/// One entry of a generated tree.
#[derive(Debug, Clone)]
enum Entry {
    File {
        name: OsString,
        bytes: Vec<u8>,
        read_only: bool,
        /// `chattr +i`: cannot be removed until released.
        locked: bool,
    },
    Dir {
        name: OsString,
        read_only: bool,
        children: Vec<Entry>,
    },
    /// `depth` nested directories named `d`, with one file at the bottom.
    Chain {
        name: OsString,
        depth: usize,
    },
    Link {
        name: OsString,
        target: Target,
    },
}

#[derive(Debug, Clone, Copy)]
enum Target {
    OutsideDir,
    OutsideFile,
    Dangling,
    /// The root itself: a loop for anything that follows links.
    Root,
}

impl Entry {
    fn name(&self) -> &OsStr {
        match self {
            Entry::File { name, .. }
            | Entry::Dir { name, .. }
            | Entry::Chain { name, .. }
            | Entry::Link { name, .. } => name,
        }
    }

    /// True for what the sweep acts on: a real directory named `.tmp*` or
    /// `_dead_*` (a chain is a directory too).
    fn is_swept(&self) -> bool {
        matches!(self, Entry::Dir { .. } | Entry::Chain { .. })
            && (is_tmp_name(self.name()) || is_dead_name(self.name()))
    }

    fn has_lock(&self) -> bool {
        match self {
            Entry::File { locked, .. } => *locked,
            Entry::Dir { children, .. } => children.iter().any(Entry::has_lock),
            _ => false,
        }
    }
}

/// Names below the root: a small alphabet, so that names repeat, plus
/// hidden and non-UTF-8 ones.
fn child_name() -> impl Strategy<Value = OsString> {
    prop_oneof![
        4 => "[ab]{1,2}".prop_map(OsString::from),
        1 => "\\.[ab]".prop_map(OsString::from),
        1 => Just(OsString::from_vec(b"n\xff\xfe".to_vec())),
    ]
}

/// Root names: uv's prefixes, the sweep's own `_dead_` names for those (so
/// renames collide), near misses, and siblings.
fn root_name() -> impl Strategy<Value = OsString> {
    let prefix = prop_oneof![
        Just(".tmp"),
        Just("_dead_"),
        Just("_dead_.tmp"),
        Just("_dead_1_.tmp"),
        Just(".TMP"),
        Just("archive-v0"),
        Just(".hidden"),
    ];
    let suffix = prop_oneof![
        6 => "[ab]{0,1}".prop_map(|s| s.into_bytes()),
        1 => Just(b"\xff".to_vec()),
    ];
    (prefix, suffix).prop_map(|(prefix, suffix)| {
        let mut name = prefix.as_bytes().to_vec();
        name.extend(suffix);
        OsString::from_vec(name)
    })
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        Just(Target::OutsideDir),
        Just(Target::OutsideFile),
        Just(Target::Dangling),
        Just(Target::Root)
    ]
}

fn file(name: impl Strategy<Value = OsString>) -> impl Strategy<Value = Entry> {
    (
        name,
        prop::collection::vec(any::<u8>(), 0..16),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.06),
    )
        .prop_map(|(name, bytes, read_only, locked)| Entry::File {
            name,
            bytes,
            read_only,
            locked,
        })
}

/// A tree below a root entry: files, links, chains and nested directories.
fn subtree() -> impl Strategy<Value = Vec<Entry>> {
    let leaf = prop_oneof![
        6 => file(child_name()),
        2 => (child_name(), target()).prop_map(|(name, target)| Entry::Link { name, target }),
        1 => (child_name(), 1..40_usize).prop_map(|(name, depth)| Entry::Chain { name, depth }),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            child_name(),
            prop::bool::weighted(0.2),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(name, read_only, children)| Entry::Dir {
                name,
                read_only,
                children: dedup(children),
            })
    })
    .prop_map(|entry| vec![entry])
}

fn root_entries() -> impl Strategy<Value = Vec<Entry>> {
    let entry = prop_oneof![
        6 => (root_name(), prop::bool::weighted(0.2), prop::collection::vec(subtree(), 0..3))
            .prop_map(|(name, read_only, trees)| Entry::Dir {
                name,
                read_only,
                children: dedup(trees.into_iter().flatten().collect()),
            }),
        1 => file(root_name()),
        1 => (root_name(), target()).prop_map(|(name, target)| Entry::Link { name, target }),
        1 => (root_name(), 1..60_usize).prop_map(|(name, depth)| Entry::Chain { name, depth }),
    ];
    prop::collection::vec(entry, 0..8).prop_map(dedup)
}

/// Keeps the first entry of each name: a directory cannot hold two.
fn dedup(entries: Vec<Entry>) -> Vec<Entry> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|entry| seen.insert(entry.name().to_owned()))
        .collect()
}

/// A generated cache on disk, with its canary tree outside the root.
struct Cache {
    scratch: Scratch,
    root: PathBuf,
    outside: PathBuf,
    locked: Vec<PathBuf>,
}

impl Cache {
    fn build(entries: &[Entry]) -> Cache {
        let scratch = Scratch::new("properties");
        let outside = scratch.dir("outside");
        write(outside.join("canary.txt"), "alive");
        write(outside.join("sub/deeper.txt"), "alive");
        let root = scratch.dir("builds-v0");
        let mut cache = Cache {
            scratch,
            root,
            outside,
            locked: Vec::new(),
        };
        let root = cache.root.clone();
        for entry in entries {
            cache.create(&root, entry);
        }
        cache
    }

    fn create(&mut self, parent: &Path, entry: &Entry) {
        let path = parent.join(entry.name());
        match entry {
            Entry::File {
                bytes,
                read_only,
                locked,
                ..
            } => {
                fs::write(&path, bytes).unwrap();
                if *read_only {
                    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
                }
                if *locked {
                    assert!(chattr("+i", &path), "chattr +i {} (needs root on ext4)", path.display());
                    self.locked.push(path);
                }
            }
            Entry::Dir {
                read_only, children, ..
            } => {
                fs::create_dir(&path).unwrap();
                for child in children {
                    self.create(&path, child);
                }
                if *read_only {
                    fs::set_permissions(&path, fs::Permissions::from_mode(0o555)).unwrap();
                }
            }
            Entry::Chain { depth, .. } => {
                let bottom = (0..*depth).fold(path.clone(), |dir, _| dir.join("d"));
                write(bottom.join("bottom.txt"), "x");
            }
            Entry::Link { target, .. } => {
                let to = match target {
                    Target::OutsideDir => self.outside.clone(),
                    Target::OutsideFile => self.outside.join("canary.txt"),
                    Target::Dangling => PathBuf::from("/nonexistent/dangling"),
                    Target::Root => self.root.clone(),
                };
                symlink(to, &path).unwrap();
            }
        }
    }

    /// Releases every lock, wherever the sweep moved its file.
    fn release_locks(&mut self) {
        if !self.locked.is_empty() {
            run_child(Command::new("chattr").args(["-R", "-f", "-i"]).arg(&self.root)).unwrap();
            self.locked.clear();
        }
    }

    /// Everything outside the swept set: the canary tree and the root's
    /// unswept entries, keyed by path relative to the scratch directory.
    fn snapshot(&self, unswept: &[OsString]) -> BTreeMap<Vec<u8>, String> {
        let mut found = BTreeMap::new();
        record(self.scratch.path(), &self.outside, &mut found);
        for name in unswept {
            record(self.scratch.path(), &self.root.join(name), &mut found);
        }
        found
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        self.release_locks();
    }
}

/// Records `path` and, for a real directory, everything below it: type,
/// permission bits, bytes or link target. Links are never followed.
fn record(base: &Path, path: &Path, found: &mut BTreeMap<Vec<u8>, String>) {
    let meta = fs::symlink_metadata(path).unwrap();
    let mode = meta.permissions().mode() & 0o7777;
    let description = if meta.file_type().is_symlink() {
        format!("link {mode:o} -> {:?}", fs::read_link(path).unwrap())
    } else if meta.is_dir() {
        for entry in fs::read_dir(path).unwrap() {
            record(base, &entry.unwrap().path(), found);
        }
        format!("dir {mode:o}")
    } else {
        format!("file {mode:o} {:?}", fs::read(path).unwrap())
    };
    let relative = path.strip_prefix(base).unwrap().as_os_str().as_bytes().to_vec();
    found.insert(relative, description);
}

fn sorted_names(dir: &Path) -> Vec<OsString> {
    let mut names: Vec<OsString> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    names.sort();
    names
}

fn cases() -> u32 {
    std::env::var("MCP_UVCC_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

fn sweep_ok(root: &Path, options: &SweepOptions) -> SweepCounts {
    sweep(root, options).expect("the root is a directory").counts
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn generated_caches_keep_every_promise(entries in root_entries()) {
        let mut cache = Cache::build(&entries);
        let unswept: Vec<OsString> = entries.iter().filter(|e| !e.is_swept()).map(|e| e.name().to_owned()).collect();
        let builds = entries.iter().filter(|e| e.is_swept() && is_tmp_name(e.name())).count() as u64;
        let swept = entries.iter().filter(|e| e.is_swept()).count() as u64;
        let locked = entries.iter().filter(|e| e.is_swept() && e.has_lock()).count() as u64;
        let before = cache.snapshot(&unswept);
        let options = SweepOptions::default();

        let first = sweep_ok(&cache.root, &options);
        prop_assert_eq!(first, counts(builds, builds, swept - locked, locked), "first sweep");
        prop_assert_eq!(&cache.snapshot(&unswept), &before, "outside the swept set, after the first sweep");
        let left = sorted_names(&cache.root);
        let dead_left: Vec<&OsString> = left.iter().filter(|name| !unswept.contains(name)).collect();
        prop_assert_eq!(dead_left.len() as u64, locked, "left in the root: {:?}", left);
        prop_assert!(dead_left.iter().all(|name| is_dead_name(name)), "left in the root: {:?}", left);

        cache.release_locks();
        let second = sweep_ok(&cache.root, &options);
        prop_assert_eq!(second, counts(0, 0, locked, 0), "second sweep, locks released");
        let third = sweep_ok(&cache.root, &options);
        prop_assert_eq!(third, counts(0, 0, 0, 0), "third sweep");
        prop_assert_eq!(&cache.snapshot(&unswept), &before, "outside the swept set, at the end");
        let mut expected = unswept.clone();
        expected.sort();
        prop_assert_eq!(sorted_names(&cache.root), expected, "the root at the end");
    }

    #[test]
    fn two_sweepers_racing_leave_the_same_end_state(entries in root_entries()) {
        let cache = Cache::build(&entries);
        let unswept: Vec<OsString> = entries.iter().filter(|e| !e.is_swept()).map(|e| e.name().to_owned()).collect();
        let locked = entries.iter().filter(|e| e.is_swept() && e.has_lock()).count() as u64;
        let before = cache.snapshot(&unswept);
        let results: Vec<Result<SweepCounts, String>> = thread::scope(|scope| {
            let sweepers: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| sweep(&cache.root, &SweepOptions::default()).map(|r| r.counts).map_err(|e| e.to_string())))
                .collect();
            sweepers.into_iter().map(|sweeper| sweeper.join().expect("no panic")).collect()
        });
        for result in &results {
            prop_assert!(result.is_ok(), "a sweeper was refused: {:?}", result);
        }
        prop_assert_eq!(&cache.snapshot(&unswept), &before, "outside the swept set");
        let settled = sweep_ok(&cache.root, &SweepOptions::default());
        prop_assert_eq!(settled.remaining, locked, "after both, one more sweep");
        prop_assert_eq!(settled.scanned, 0, "no build dir left to rename");
    }
}

/// A sweep racing a writer that keeps creating build dirs as uv does, with
/// `min_age_sec` > 0: every old build goes, every fresh one and every file
/// the writer wrote stays, and the only errors are the documented transient
/// ones (an entry that vanished under the walk is not an error at all).
#[test]
fn a_sweep_racing_a_uv_writer_spares_every_fresh_build() {
    let scratch = Scratch::new("racing-writer");
    let root = scratch.dir("builds-v0");
    let old = SystemTime::now() - Duration::from_secs(3600);
    for n in 0..20 {
        let dir = root.join(format!(".tmpOld{n}"));
        build_venv(&dir);
        for path in [
            dir.clone(),
            dir.join("Lib"),
            dir.join("pyvenv.cfg"),
            dir.join(".lock"),
            dir.join("Scripts"),
        ] {
            fs::File::open(&path).unwrap().set_modified(old).unwrap();
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (root, stop) = (root.clone(), Arc::clone(&stop));
        thread::spawn(move || {
            let mut written = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n < 50 {
                let dir = root.join(format!(".tmpNew{n}"));
                for file in 0..5 {
                    let path = dir.join(format!("Lib/site-packages/pkg{file}/mod.py"));
                    write(&path, &format!("build {n} file {file}"));
                    written.push(path);
                }
                n += 1;
            }
            written
        })
    };
    let options = SweepOptions {
        min_age: Duration::from_secs(60),
        ..SweepOptions::default()
    };
    let mut total = SweepCounts::default();
    for _ in 0..10 {
        let report = sweep(&root, &options).expect("root is a directory");
        assert_eq!(report.errors.total(), 0, "errors: {:?}", report.errors.kept());
        total.scanned += report.counts.scanned;
        total.deleted += report.counts.deleted;
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("the writer does not panic");
    assert_eq!(total.scanned, 20, "only the old builds are scanned: {total:?}");
    assert_eq!(total.deleted, 20, "{total:?}");
    for path in &written {
        assert!(path.is_file(), "the writer's {} is gone", path.display());
    }
    let left = names_in(&root);
    assert!(left.iter().all(|name| name.starts_with(".tmpNew")), "left: {left:?}");
}

#[test]
fn a_refused_root_is_an_error_not_a_panic() {
    let scratch = Scratch::new("refused");
    let file = scratch.path().join("file");
    write(&file, "x");
    assert!(matches!(
        sweep(&file, &SweepOptions::default()),
        Err(SweepError::RootNotADirectory { .. })
    ));
    assert!(matches!(
        sweep(Path::new(""), &SweepOptions::default()),
        Err(SweepError::EmptyPath)
    ));
    // A NUL cannot be in a path: the OS is never asked, and it says so.
    let with_nul = scratch.path().join("a\0b");
    let err = sweep(&with_nul, &SweepOptions::default()).unwrap_err();
    assert!(matches!(&err, SweepError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("NUL byte"), "{err}");
}
