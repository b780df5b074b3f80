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
//!    directory was created. While uv builds a distribution, or makes a
//!    cached environment for `uvx`, it holds a lock inside the cache (the
//!    distribution's shard, the environment's entry); between the steps (while
//!    it installs the build requirements, or downloads the tool's packages)
//!    no process refers to the directory, and this rule is what covers those
//!    moments. It reads uv's locks, not the processes ([`uv_locks`]), so it
//!    holds on every system. A `uvx` whose tool runs (a server, an MCP
//!    bridge) holds neither lock, so it does not keep other directories
//!    alive.
//!
//! What each system can see:
//!
//! | | executable | command line | cwd | open files | mapped files | lock holders |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | Linux (`/proc`) | yes | yes | yes | yes | yes | `/proc/locks` |
//! | macOS (libproc) | yes | yes | yes | yes | yes | no (start unknown) |
//! | Windows (Tool Help) | yes | no | no | no | loaded modules | Restart Manager |
//!
//! On Windows the OS itself refuses to rename a directory while a file in it
//! is open, so the open files it cannot list here are protected by the
//! rename failing.
//!
//! On Linux, a process that started before every candidate was created is
//! read for rule 1 by its executable, working directory and command line
//! only, not its open and mapped files (the costly part: `maps` and `fd/`
//! are most of the check's time). A build dir's path is made at random when
//! the dir is made, so a process older than the dir knows it only if it made
//! it, which is uv (rule 2's business while it builds) or was told it later;
//! every process uv starts in a build dir is younger than the dir.
//!
//! Processes this user cannot inspect (another user's, or protected ones) are
//! skipped: a uv sharing this user's cache runs as this user. When the
//! process list itself cannot be read at all, the check is
//! [`LivenessCheck::Unavailable`] and the sweep falls back to its age rule
//! alone, saying so in its report.

mod text;
pub mod uv_locks;

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
use uv_locks::BuildingUvs;

/// What one running process uses, as far as liveness is concerned. Read by
/// each system's `visit_processes`; public so tests can state processes
/// directly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessUse {
    /// Its process ID.
    pub pid: u32,
    /// Every text that may name a path it uses, each in [`comparable`] form,
    /// NUL-separated: executable, working directory, command line, open and
    /// mapped files (whatever the system shows).
    pub mentions: Vec<u8>,
}

impl ProcessUse {
    /// Adds one text to [`ProcessUse::mentions`].
    pub fn mention(&mut self, text: &[u8]) {
        self.mentions.extend_from_slice(text);
        self.mentions.push(0);
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
/// documentation). Rule 2 first, from uv's locks; then the processes, read
/// once, one at a time, until every candidate is live: memory stays that of
/// one process, however many run.
pub fn check(root: &Path, candidates: &[Candidate]) -> Liveness {
    if candidates.is_empty() {
        return Liveness {
            live: BTreeSet::new(),
            check: LivenessCheck::NotNeeded,
        };
    }
    let building = root.parent().map_or(BuildingUvs::None, uv_locks::building_uvs);
    let mut judge = Judge::new(root, candidates, &building);
    if judge.all_live() {
        return Liveness {
            live: judge.live,
            check: LivenessCheck::Processes(0),
        };
    }
    let full_read_after = oldest_creation(candidates).and_then(|oldest| oldest.checked_sub(START_TIME_SLACK));
    let visit = &mut |process: ProcessUse| {
        judge.add(&process);
        // Once every candidate is live, no further process can change it.
        if judge.all_live() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    match platform::visit_processes(std::process::id(), full_read_after, visit) {
        Ok(count) => Liveness {
            live: judge.live,
            check: LivenessCheck::Processes(count),
        },
        Err(why) => Liveness {
            live: rule_two(candidates, &building),
            check: LivenessCheck::Unavailable(why),
        },
    }
}

/// When the oldest candidate was created; `None` if any time is unknown (then
/// every process is read in full).
fn oldest_creation(candidates: &[Candidate]) -> Option<SystemTime> {
    candidates
        .iter()
        .map(|candidate| candidate.created)
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .min()
}

/// The rules on what is already known: the names of the `candidates` of
/// `root` that one of `processes` uses (rule 1) or that a uv `building`
/// since before their creation owns (rule 2).
pub fn live_candidates(
    root: &Path,
    candidates: &[Candidate],
    processes: &[ProcessUse],
    building: &BuildingUvs,
) -> BTreeSet<OsString> {
    let mut judge = Judge::new(root, candidates, building);
    for process in processes {
        judge.add(process);
    }
    judge.live
}

/// Rule 2 alone: the `.tmp*` candidates created since the earliest building
/// uv started (every one when its start is unknown).
fn rule_two(candidates: &[Candidate], building: &BuildingUvs) -> BTreeSet<OsString> {
    let BuildingUvs::Since(started) = building else {
        return BTreeSet::new();
    };
    let threshold = started.and_then(|started| started.checked_sub(START_TIME_SLACK));
    candidates
        .iter()
        .filter(|candidate| is_tmp_name(&candidate.name))
        .filter(|candidate| created_after(candidate.created, threshold))
        .map(|candidate| candidate.name.clone())
        .collect()
}

/// Applies rule 1 to one process after another, starting from rule 2's
/// verdict.
struct Judge<'c> {
    roots: Vec<Vec<u8>>,
    candidates: Vec<(Vec<u8>, &'c Candidate)>,
    live: BTreeSet<OsString>,
}

impl<'c> Judge<'c> {
    fn new(root: &Path, candidates: &'c [Candidate], building: &BuildingUvs) -> Judge<'c> {
        Judge {
            roots: text::root_forms(root),
            candidates: candidates
                .iter()
                .map(|candidate| (comparable(&candidate.name), candidate))
                .collect(),
            live: rule_two(candidates, building),
        }
    }

    fn all_live(&self) -> bool {
        self.live.len() == self.candidates.len()
    }

    fn add(&mut self, process: &ProcessUse) {
        for root in &self.roots {
            for rest in text::after_root(&process.mentions, root) {
                if let Some((_, candidate)) = self
                    .candidates
                    .iter()
                    .find(|(name, _)| text::starts_with_name(rest, name))
                {
                    self.live.insert(candidate.name.clone());
                }
            }
        }
    }
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

    fn process(mentions: &[&str]) -> ProcessUse {
        let mut process = ProcessUse {
            pid: 42,
            ..ProcessUse::default()
        };
        // As the readers do: every text in comparable form (on Windows
        // backslashed and lower case).
        for text in mentions {
            process.mention(&comparable(OsStr::new(text)));
        }
        process
    }

    fn live_by_processes(candidates: &[Candidate], processes: &[ProcessUse]) -> BTreeSet<OsString> {
        live_candidates(&root(), candidates, processes, &BuildingUvs::None)
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
        let processes = [process(&["/nonexistent-cache/builds-v0/.tmpA/bin/python", script])];
        assert_eq!(names(&live_by_processes(&candidates, &processes)), [".tmpA", ".tmpB"]);
    }

    #[test]
    fn a_longer_name_sharing_a_prefix_is_not_the_candidate() {
        let candidates = [candidate(".tmpA", None)];
        let processes = [process(&["/nonexistent-cache/builds-v0/.tmpAB/x"])];
        assert!(live_by_processes(&candidates, &processes).is_empty());
        let processes = [process(&["/nonexistent-cache/builds-v0/.tmpA (deleted)"])];
        assert_eq!(names(&live_by_processes(&candidates, &processes)), [".tmpA"]);
    }

    #[test]
    fn a_path_outside_the_root_keeps_nothing_alive() {
        let candidates = [candidate(".tmpA", None)];
        let processes = [process(&[
            "/elsewhere/builds-v0/.tmpA/bin/python",
            "/nonexistent-cache/.tmpA",
        ])];
        assert!(live_by_processes(&candidates, &processes).is_empty());
    }

    #[test]
    fn a_building_uv_keeps_the_build_dirs_created_after_its_start() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let candidates = [
            candidate(".tmpOld", Some(start - Duration::from_secs(60))),
            candidate(".tmpNew", Some(start + Duration::from_secs(5))),
            candidate(".tmpJustBefore", Some(start - Duration::from_secs(1))),
            candidate("_dead_.tmpNew2", Some(start + Duration::from_secs(5))),
            candidate(".tmpUnknown", None),
        ];
        let building = BuildingUvs::Since(Some(start));
        assert_eq!(
            names(&live_candidates(&root(), &candidates, &[], &building)),
            [".tmpJustBefore", ".tmpNew", ".tmpUnknown"]
        );
    }

    #[test]
    fn no_shard_lock_held_keeps_nothing_alive() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let candidates = [candidate(".tmpNew", Some(start + Duration::from_secs(5)))];
        assert!(live_candidates(&root(), &candidates, &[], &BuildingUvs::None).is_empty());
    }

    #[test]
    fn a_building_uv_of_unknown_start_keeps_every_build_dir() {
        let candidates = [
            candidate(".tmpOld", Some(SystemTime::UNIX_EPOCH + Duration::from_secs(5))),
            candidate("_dead_.tmpOld", Some(SystemTime::UNIX_EPOCH + Duration::from_secs(5))),
        ];
        assert_eq!(
            names(&live_candidates(&root(), &candidates, &[], &BuildingUvs::Since(None))),
            [".tmpOld"]
        );
    }

    #[test]
    fn the_full_read_starts_at_the_oldest_candidate_and_needs_every_time() {
        let at = |secs| Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        let candidates = [candidate(".tmpA", at(50)), candidate(".tmpB", at(20))];
        assert_eq!(oldest_creation(&candidates), at(20));
        let candidates = [candidate(".tmpA", at(50)), candidate(".tmpB", None)];
        assert_eq!(oldest_creation(&candidates), None);
    }

    #[test]
    fn no_candidates_reads_no_process() {
        let liveness = check(&root(), &[]);
        assert_eq!(liveness.check, LivenessCheck::NotNeeded);
        assert!(liveness.live.is_empty());
    }
}
