//! Sweep speed against `std::fs::remove_dir_all` and `rm -rf` (the practical
//! limit), on fresh copies of the same generated cache, and peak memory.
//!
//! `cargo bench -p mcp_uv_cache_cleanup_benches --bench sweep` runs it (this
//! directory is a package of its own, benches/Cargo.toml);
//! `MCP_UVCC_BENCH_VENVS` and `MCP_UVCC_BENCH_FILES` change the fixture
//! (default 20 venvs × 3,000 files), `MCP_UVCC_BENCH_DIR` where it is built
//! (default: Cargo's target tmp dir). At the end it prints a Markdown table of medians and ratios to `rm -rf`, and
//! the peak heap of a sweep of a 10,000- and a 100,000-file tree. Under
//! `cargo test` it runs each case once on a small fixture, as a smoke test.

#[path = "../tests/common/fixture.rs"]
mod fixture;
#[path = "../tests/common/heap.rs"]
mod heap;

use std::fs;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BatchSize, Criterion, SamplingMode};
use fixture::{build_cache, FixtureSpec};
use heap::{peak_heap_during, CountingAllocator};
use mcp_uv_cache_cleanup::{sweep, SweepOptions};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

const GROUP: &str = "sweep";

/// A generated cache in its own directory, removed when dropped.
struct FreshCache {
    dir: PathBuf,
    root: PathBuf,
}

impl FreshCache {
    fn new(spec: &FixtureSpec) -> FreshCache {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let base = std::env::var_os("MCP_UVCC_BENCH_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")), PathBuf::from);
        let dir = base.join(format!(
            "bench-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let root = dir.join("builds-v0");
        build_cache(&root, spec);
        FreshCache { dir, root }
    }

    /// The `.tmp*` and `_dead_*` directories: what every contender removes.
    fn sweepable_dirs(&self) -> Vec<PathBuf> {
        fs::read_dir(&self.root)
            .unwrap()
            .map(|entry| entry.unwrap())
            .filter(|entry| entry.file_type().unwrap().is_dir())
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path.file_name().unwrap().to_string_lossy();
                name.starts_with(".tmp") || name.starts_with("_dead_")
            })
            .collect()
    }
}

impl Drop for FreshCache {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

fn sweep_on(root: &Path, threads: usize) {
    let options = SweepOptions {
        threads: NonZeroUsize::new(threads).unwrap(),
        ..SweepOptions::default()
    };
    let report = sweep(root, &options).unwrap();
    assert_eq!(report.counts.remaining, 0);
}

fn bench_sweep(c: &mut Criterion, spec: &FixtureSpec) {
    let mut group = c.benchmark_group(GROUP);
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    // Every contender gets a fresh cache; the setup is not timed.
    let setup = || FreshCache::new(spec);
    let setup_with_dirs = || {
        let cache = setup();
        let dirs = cache.sweepable_dirs();
        (cache, dirs)
    };
    let threads = cores().max(2);
    for sweep_threads in [1, threads] {
        let label = if sweep_threads == 1 {
            "purge_directory, 1 thread".to_owned()
        } else {
            format!("purge_directory, {sweep_threads} threads")
        };
        group.bench_function(label, |b| {
            b.iter_batched(
                setup,
                |cache| {
                    sweep_on(&cache.root, sweep_threads);
                    cache
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.bench_function("std::fs::remove_dir_all", |b| {
        b.iter_batched(
            setup_with_dirs,
            |(cache, dirs)| {
                for dir in &dirs {
                    fs::remove_dir_all(dir).unwrap();
                }
                cache
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("rm -rf", |b| {
        b.iter_batched(
            setup_with_dirs,
            |(cache, dirs)| {
                let status = Command::new("rm").arg("-rf").args(&dirs).status().unwrap();
                assert!(status.success());
                cache
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// Median in seconds of one case, from criterion's saved estimates.
fn median_seconds(case: &str) -> Option<f64> {
    // criterion's directory name for a case: these characters become '_'.
    let dir_name: String = case
        .chars()
        .map(|ch| if "?\"/\\*<>:|^".contains(ch) { '_' } else { ch })
        .collect();
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()?
        .join("criterion")
        .join(GROUP)
        .join(dir_name)
        .join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).ok()?).ok()?;
    Some(json["median"]["point_estimate"].as_f64()? / 1e9)
}

fn print_table(spec: &FixtureSpec) {
    let threads = cores().max(2);
    let cases = [
        "purge_directory, 1 thread".to_owned(),
        format!("purge_directory, {threads} threads"),
        "std::fs::remove_dir_all".to_owned(),
        "rm -rf".to_owned(),
    ];
    let Some(rm) = median_seconds("rm -rf") else {
        println!("(no saved estimates found; table skipped)");
        return;
    };
    println!(
        "\nfixture: {} venvs x {} files + {} dead dirs; {} cores",
        spec.venvs,
        spec.files_per_venv,
        spec.dead_dirs,
        cores()
    );
    println!("| case | median | / rm -rf |\n| --- | ---: | ---: |");
    for case in &cases {
        if let Some(median) = median_seconds(case) {
            println!("| {case} | {:.1} ms | {:.2} |", median * 1e3, median / rm);
        }
    }
}

fn print_peak_memory() {
    println!("\npeak heap of one sweep (1 thread), by tree size:");
    for files_per_venv in [500, 5_000] {
        let spec = FixtureSpec {
            venvs: 18,
            files_per_venv,
            dead_dirs: 2,
            seed: 9,
        };
        let cache = FreshCache::new(&spec);
        let (_, peak) = peak_heap_during(|| sweep_on(&cache.root, 1));
        println!("  {:>7} files: {:>6} B", 20 * files_per_venv, peak);
    }
}

fn main() {
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let env_or = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let defaults = FixtureSpec::default();
    let spec = if benchmarking {
        FixtureSpec {
            venvs: env_or("MCP_UVCC_BENCH_VENVS", defaults.venvs),
            files_per_venv: env_or("MCP_UVCC_BENCH_FILES", defaults.files_per_venv),
            ..defaults
        }
    } else {
        FixtureSpec {
            venvs: 2,
            files_per_venv: 100,
            ..defaults
        }
    };
    let mut criterion = Criterion::default().configure_from_args();
    bench_sweep(&mut criterion, &spec);
    criterion.final_summary();
    if benchmarking {
        print_table(&spec);
        print_peak_memory();
    }
}
