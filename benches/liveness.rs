//! What the process check costs (rust/liveness): with a few hundred extra
//! processes running, the check on its own (for a build dir made after the
//! processes started, and for a leftover older than all of them, for which
//! every process is read in full), a sweep with nothing to do (it must not
//! read a single process), the editor plugin's periodic look when nothing is
//! stale (that sweep on its worker thread, started and joined), and a sweep
//! of one stale build dir.
//!
//! `cargo bench -p mcp_uv_cache_cleanup_benches --bench liveness` runs it;
//! `MCP_UVCC_BENCH_PROCESSES` sets how many extra processes it starts (default 300 `sleep`s). Unix only (the
//! Windows check is measured in no benchmark here: Wine's process list is
//! not Windows'). Under `cargo test` it runs each case once, as a smoke test.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use mcp_uv_cache_cleanup::background::{BackgroundSweep, SweepOutcome};
use mcp_uv_cache_cleanup::liveness::{self, Candidate, LivenessCheck};
use mcp_uv_cache_cleanup::{sweep, SweepOptions};

/// Extra processes kept running for the whole benchmark, killed on drop.
struct Crowd(Vec<Child>);

impl Crowd {
    fn start(count: usize) -> Crowd {
        let children = (0..count)
            .map(|_| {
                Command::new("sleep")
                    .arg("600")
                    .stdout(Stdio::null())
                    .spawn()
                    .expect("start a sleep")
            })
            .collect();
        Crowd(children)
    }
}

impl Drop for Crowd {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn scratch_root(label: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-liveness-{label}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let root = dir.join("builds-v0");
    fs::create_dir_all(&root).unwrap();
    root
}

fn make_build_dir(dir: &Path) {
    fs::create_dir_all(dir.join("lib/site-packages/pkg")).unwrap();
    fs::write(dir.join("pyvenv.cfg"), "home = /usr\n").unwrap();
    fs::write(dir.join("lib/site-packages/pkg/__init__.py"), "").unwrap();
}

fn main() {
    let extra: usize = std::env::var("MCP_UVCC_BENCH_PROCESSES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(300);
    // A leftover older than every process (a killed build's, from before
    // they started): each process is read in full.
    let old_root = scratch_root("check-old");
    make_build_dir(&old_root.join(".tmpLeftover"));
    std::thread::sleep(liveness::START_TIME_SLACK + Duration::from_secs(1));
    let crowd = Crowd::start(extra);
    let mut criterion = Criterion::default()
        .configure_from_args()
        .measurement_time(Duration::from_secs(5))
        .sample_size(30);

    // A build dir made now, after the processes started (a build in
    // progress, or one killed since): the older processes are read without
    // their open and mapped files.
    std::thread::sleep(liveness::START_TIME_SLACK + Duration::from_secs(1));
    let root = scratch_root("check");
    make_build_dir(&root.join(".tmpCandidate"));
    let candidate = [Candidate::read(&root, ".tmpCandidate".into())];
    let processes = match liveness::check(&root, &candidate).check {
        LivenessCheck::Processes(count) => count,
        other => panic!("the check must run here: {other:?}"),
    };
    let leftover = [Candidate::read(&old_root, ".tmpLeftover".into())];
    eprintln!("liveness bench: {processes} processes besides this one ({extra} extra sleeps)");

    let mut group = criterion.benchmark_group("liveness");
    group.bench_function(format!("check, {processes} processes"), |b| {
        b.iter(|| liveness::check(&root, &candidate))
    });
    group.bench_function(
        format!("check, {processes} processes, a leftover older than all"),
        |b| b.iter(|| liveness::check(&old_root, &leftover)),
    );

    let idle_root = scratch_root("idle");
    fs::create_dir_all(idle_root.join("../archive-v0")).unwrap();
    fs::write(idle_root.join(".tmpfile-not-a-dir"), "").unwrap();
    group.bench_function("sweep with nothing to do", |b| {
        b.iter(|| {
            let report = sweep(&idle_root, &SweepOptions::default()).unwrap();
            assert_eq!(report.liveness, LivenessCheck::NotNeeded, "no process is read");
            report
        })
    });

    // The plugin's look: its sweep on a worker thread, with the plugin's
    // default minimum age, and a build younger than that (uv at work).
    make_build_dir(&idle_root.join(".tmpYoung"));
    let look_options = SweepOptions {
        min_age: Duration::from_secs(30),
        ..SweepOptions::default()
    };
    group.bench_function("the plugin's look, nothing stale (worker thread)", |b| {
        b.iter(|| {
            let mut look = BackgroundSweep::start(idle_root.clone(), look_options.clone());
            match look.wait() {
                SweepOutcome::Swept(report) => assert_eq!(report.counts.deleted, 0, "nothing was stale"),
                other => panic!("the look must sweep: {other:?}"),
            }
        })
    });

    let stale_root = scratch_root("stale");
    group.bench_function(format!("sweep of one stale dir, {processes} processes"), |b| {
        b.iter_batched(
            || make_build_dir(&stale_root.join(".tmpStale")),
            |()| {
                let report = sweep(&stale_root, &SweepOptions::default()).unwrap();
                assert_eq!(report.counts.deleted, 1);
                report
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
    criterion.final_summary();
    drop(crowd);
    for root in [root, old_root, idle_root, stale_root] {
        let _ = fs::remove_dir_all(root.parent().unwrap());
    }
}
