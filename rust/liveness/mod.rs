//! Which build directories a running process still uses.
//!
//! Age is not liveness: uv's build venv (`builds-v0/.tmp*`) is written in its
//! first moments and then left untouched until the build ends, which for a
//! source build with C extensions can be minutes. Sweeping it mid-build makes
//! the build fail (uv then blames a missing build dependency). So before a
//! sweep renames or removes anything, it asks the running processes.
//!
//! # The rule
//!
//! A `.tmp*` or `_dead_*` directory of the swept root is **live**, and is
//! neither renamed nor removed, when a process other than the sweeping one
//!
//! 1. **refers to a path inside it**: its executable, its working directory,
//!    a file it has open or mapped, or any part of its command line (uv runs
//!    the build's `<.tmp>/bin/python -c <script>`, and the script names the
//!    wheel's output directory, a second `.tmp*`); or
//! 2. **is a uv building with this cache** and started before the `.tmp*`
//!    directory was created. A uv holds the cache-wide `<cache>/.lock` for as
//!    long as it runs, and while it builds a distribution also the lock of
//!    that distribution's shard inside the cache; between the steps of a
//!    build (while it installs the build requirements, say) no process refers
//!    to the build directory, and this rule is what covers those moments. A
//!    `uvx` that only runs a tool (a server, an MCP bridge) holds just the
//!    cache-wide lock, so it does not keep other directories alive.
//!
//! What each system can see:
//!
//! | | executable | command line | cwd | open files | mapped files |
//! | --- | --- | --- | --- | --- | --- |
//! | Linux (`/proc`) | yes | yes | yes | yes | yes |
//! | macOS (libproc) | yes | yes | yes | yes | yes |
//! | Windows (Tool Help) | yes | no | no | no | loaded modules |
//!
//! On Windows the OS itself refuses to rename a directory while a file in it
//! is open, so the open files it cannot list here are protected by the
//! rename failing; rule 2 needs open files, so it does not apply there, and
//! the moments between a build's steps are covered only by `min_age_sec`.
//!
//! Processes this user cannot inspect (another user's, or protected ones) are
//! skipped: a uv sharing this user's cache runs as this user. When the
//! process list itself cannot be read at all, the check is
//! [`LivenessCheck::Unavailable`] and the sweep falls back to its age rule
//! alone, saying so in its report.

mod text;

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod platform;
#[cfg(target_os = "macos")]
#[path = "macos.rs"]
mod platform;
#[cfg(windows)]
#[path = "windows.rs"]
mod platform;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
#[path = "unsupported.rs"]
mod platform;

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::names::is_tmp_name;

pub use text::comparable;

/// What one running process uses, as far as liveness is concerned. Read by
/// each system's `visit_processes`; public so tests can state processes
/// directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessUse {
    /// Its process ID.
    pub pid: u32,
    /// When it started, if the system says.
    pub started: Option<SystemTime>,
    /// Every text that may name a path it uses, each in [`comparable`] form,
    /// NUL-separated: executable, working directory, command line, open and
    /// mapped files (whatever the system shows).
    pub mentions: Vec<u8>,
    /// The files it holds open, each in [`comparable`] form (empty where the
    /// system does not show them).
    pub open_files: Vec<Vec<u8>>,
}

impl ProcessUse {
    /// Adds one text to [`ProcessUse::mentions`].
    pub fn mention(&mut self, text: &[u8]) {
        self.mentions.extend_from_slice(text);
        self.mentions.push(0);
    }

    /// Adds an open file, to both [`ProcessUse::open_files`] and the
    /// mentions.
    pub fn open_file(&mut self, path: Vec<u8>) {
        self.mention(&path);
        self.open_files.push(path);
    }
}

/// Whether the process check could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LivenessCheck {
    /// Not needed: no directory was a candidate, so no process was looked at.
    NotNeeded,
    /// The running processes were read: this many (the sweeper excluded).
    Processes(usize),
    /// The processes could not be read; only the age rule applied.
    Unavailable(String),
}

impl fmt::Display for LivenessCheck {
    /// `"not needed"`, `"processes"` or `"unavailable: <why>"`: the report's
    /// `liveness` value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LivenessCheck::NotNeeded => f.write_str("not needed"),
            LivenessCheck::Processes(_) => f.write_str("processes"),
            LivenessCheck::Unavailable(why) => write!(f, "unavailable: {why}"),
        }
    }
}

/// A directory of the root that the sweep would act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its name in the root.
    pub name: OsString,
    /// When it was created (its modification time where the filesystem
    /// keeps no creation time: never earlier than the creation).
    pub created: Option<SystemTime>,
}

impl Candidate {
    /// The candidate `name` in `root`, with its creation time read from disk.
    pub fn read(root: &Path, name: OsString) -> Candidate {
        let created = std::fs::symlink_metadata(root.join(&name))
            .ok()
            .and_then(|meta| meta.created().or_else(|_| meta.modified()).ok());
        Candidate { name, created }
    }
}

/// The outcome of a liveness check: which candidates are live, and how the
/// check went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liveness {
    /// Names of the live candidates.
    pub live: BTreeSet<OsString>,
    /// How the check went.
    pub check: LivenessCheck,
}

/// Process start times are known to the clock tick, and on Linux the boot
/// time they count from only to the second: a directory created up to this
/// long before a building uv started still counts as its own.
pub const START_TIME_SLACK: Duration = Duration::from_secs(2);

/// Checks which `candidates` of `root` a running process uses (see the module
/// documentation). Reads the processes once, one at a time, and stops once
/// every candidate is live: memory stays that of one process, however many
/// run.
pub fn check(root: &Path, candidates: &[Candidate]) -> Liveness {
    if candidates.is_empty() {
        return Liveness {
            live: BTreeSet::new(),
            check: LivenessCheck::NotNeeded,
        };
    }
    let mut judge = Judge::new(root, candidates);
    let visit = &mut |process: ProcessUse| {
        judge.add(&process);
        // Once every candidate is live, no further process can change it.
        if judge.live.len() == candidates.len() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    match platform::visit_processes(std::process::id(), visit) {
        Ok(count) => Liveness {
            live: judge.live,
            check: LivenessCheck::Processes(count),
        },
        Err(why) => Liveness {
            live: BTreeSet::new(),
            check: LivenessCheck::Unavailable(why),
        },
    }
}

/// The rule itself, on processes already read: the names of the
/// `candidates` of `root` that one of `processes` uses.
pub fn live_candidates(root: &Path, candidates: &[Candidate], processes: &[ProcessUse]) -> BTreeSet<OsString> {
    let mut judge = Judge::new(root, candidates);
    for process in processes {
        judge.add(process);
    }
    judge.live
}

/// Applies the rule to one process after another.
struct Judge<'c> {
    roots: Vec<RootForm>,
    candidates: Vec<(Vec<u8>, &'c Candidate)>,
    live: BTreeSet<OsString>,
}

/// One form the root may appear in, with what rule 2 compares against it,
/// worked out once per sweep rather than once per process.
struct RootForm {
    root: Vec<u8>,
    /// The cache holding the root, and that cache's `.lock`.
    cache: Option<(Vec<u8>, Vec<u8>)>,
}

impl RootForm {
    fn new(root: Vec<u8>) -> RootForm {
        let cache = text::parent(&root).map(|cache| (cache.to_vec(), text::join(cache, b".lock")));
        RootForm { root, cache }
    }
}

impl<'c> Judge<'c> {
    fn new(root: &Path, candidates: &'c [Candidate]) -> Judge<'c> {
        Judge {
            roots: text::root_forms(root).into_iter().map(RootForm::new).collect(),
            candidates: candidates
                .iter()
                .map(|candidate| (comparable(&candidate.name), candidate))
                .collect(),
            live: BTreeSet::new(),
        }
    }

    fn add(&mut self, process: &ProcessUse) {
        for form in &self.roots {
            for rest in text::after_root(&process.mentions, &form.root) {
                if let Some((_, candidate)) = self
                    .candidates
                    .iter()
                    .find(|(name, _)| text::starts_with_name(rest, name))
                {
                    self.live.insert(candidate.name.clone());
                }
            }
        }
        if let Some(started) = building_since(process, &self.roots) {
            let threshold = started.checked_sub(START_TIME_SLACK);
            self.live.extend(
                self.candidates
                    .iter()
                    .map(|(_, candidate)| *candidate)
                    .filter(|candidate| is_tmp_name(&candidate.name))
                    .filter(|candidate| created_after(candidate.created, threshold))
                    .map(|candidate| candidate.name.clone()),
            );
        }
    }
}

/// Rule 2: if `process` is a uv building with the cache that holds the root
/// (it holds the cache-wide `.lock` and another file of the cache outside
/// the root), since when; `UNIX_EPOCH` when its start is unknown, so that
/// every build directory counts as its own.
fn building_since(process: &ProcessUse, roots: &[RootForm]) -> Option<SystemTime> {
    let building = roots.iter().any(|form| {
        let Some((cache, cache_lock)) = &form.cache else {
            return false;
        };
        let holds_cache_lock = process.open_files.contains(cache_lock);
        let holds_a_shard = process
            .open_files
            .iter()
            .any(|file| file != cache_lock && text::is_inside(file, cache) && !text::is_inside(file, &form.root));
        holds_cache_lock && holds_a_shard
    });
    building.then(|| process.started.unwrap_or(SystemTime::UNIX_EPOCH))
}

/// True if a directory created at `created` is no older than `threshold`;
/// an unknown time on either side counts as after (the safe side).
fn created_after(created: Option<SystemTime>, threshold: Option<SystemTime>) -> bool {
    match (created, threshold) {
        (Some(created), Some(threshold)) => created >= threshold,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        // Not on disk: root_forms falls back to the path as given.
        PathBuf::from("/nonexistent-cache/builds-v0")
    }

    fn candidate(name: &str, created: Option<SystemTime>) -> Candidate {
        Candidate {
            name: name.into(),
            created,
        }
    }

    fn process(mentions: &[&str], open: &[&str], started: Option<SystemTime>) -> ProcessUse {
        let mut process = ProcessUse {
            pid: 42,
            started,
            ..ProcessUse::default()
        };
        // As the readers do: every text in comparable form (on Windows
        // backslashed and lower case).
        for text in mentions {
            process.mention(&comparable(OsStr::new(text)));
        }
        for file in open {
            process.open_file(comparable(OsStr::new(file)));
        }
        process
    }

    fn names(set: &BTreeSet<OsString>) -> Vec<&str> {
        set.iter().map(|name| name.to_str().unwrap()).collect()
    }

    #[test]
    fn a_path_inside_a_candidate_makes_it_live_wherever_it_stands() {
        let candidates = [
            candidate(".tmpA", None),
            candidate(".tmpB", None),
            candidate(".tmpC", None),
        ];
        let script = "python -c import x\nbuild(b\"/nonexistent-cache/builds-v0/.tmpB\", {})";
        let processes = [process(
            &["/nonexistent-cache/builds-v0/.tmpA/bin/python", script],
            &[],
            None,
        )];
        assert_eq!(
            names(&live_candidates(&root(), &candidates, &processes)),
            [".tmpA", ".tmpB"]
        );
    }

    #[test]
    fn a_longer_name_sharing_a_prefix_is_not_the_candidate() {
        let candidates = [candidate(".tmpA", None)];
        let processes = [process(&["/nonexistent-cache/builds-v0/.tmpAB/x"], &[], None)];
        assert!(live_candidates(&root(), &candidates, &processes).is_empty());
        let processes = [process(&["/nonexistent-cache/builds-v0/.tmpA (deleted)"], &[], None)];
        assert_eq!(names(&live_candidates(&root(), &candidates, &processes)), [".tmpA"]);
    }

    #[test]
    fn a_path_outside_the_root_keeps_nothing_alive() {
        let candidates = [candidate(".tmpA", None)];
        let processes = [process(
            &["/elsewhere/builds-v0/.tmpA/bin/python", "/nonexistent-cache/.tmpA"],
            &[],
            None,
        )];
        assert!(live_candidates(&root(), &candidates, &processes).is_empty());
    }

    #[test]
    fn a_building_uv_keeps_the_build_dirs_created_after_its_start() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let candidates = [
            candidate(".tmpOld", Some(start - Duration::from_secs(60))),
            candidate(".tmpNew", Some(start + Duration::from_secs(5))),
            candidate(".tmpJustBefore", Some(start - Duration::from_secs(1))),
            candidate("_dead_.tmpNew2", Some(start + Duration::from_secs(5))),
        ];
        let building = process(
            &[],
            &[
                "/nonexistent-cache/.lock",
                "/nonexistent-cache/sdists-v11/path/128fb08b91c141a2/.lock",
            ],
            Some(start),
        );
        assert_eq!(
            names(&live_candidates(&root(), &candidates, &[building])),
            [".tmpJustBefore", ".tmpNew"]
        );
    }

    #[test]
    fn a_uv_that_only_runs_a_tool_keeps_nothing_alive() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let candidates = [candidate(".tmpNew", Some(start + Duration::from_secs(5)))];
        let tool_runner = process(&[], &["/nonexistent-cache/.lock"], Some(start));
        assert!(live_candidates(&root(), &candidates, &[tool_runner]).is_empty());
        // A shard lock without the cache lock is not a uv of this cache either.
        let other = process(&[], &["/nonexistent-cache/sdists-v11/x/.lock"], Some(start));
        assert!(live_candidates(&root(), &candidates, &[other]).is_empty());
        // Files open inside the swept root itself are rule 1's business.
        let sweeper = process(
            &[],
            &["/nonexistent-cache/.lock", "/nonexistent-cache/builds-v0/_dead_.tmpX/f"],
            Some(start),
        );
        assert!(live_candidates(&root(), &candidates, &[sweeper]).is_empty());
    }

    #[test]
    fn a_building_uv_of_unknown_start_keeps_every_build_dir() {
        let candidates = [candidate(
            ".tmpOld",
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(5)),
        )];
        let building = process(
            &[],
            &["/nonexistent-cache/.lock", "/nonexistent-cache/sdists-v11/x/.lock"],
            None,
        );
        assert_eq!(names(&live_candidates(&root(), &candidates, &[building])), [".tmpOld"]);
    }

    #[test]
    fn no_candidates_reads_no_process() {
        let liveness = check(&root(), &[]);
        assert_eq!(liveness.check, LivenessCheck::NotNeeded);
        assert!(liveness.live.is_empty());
    }
}
