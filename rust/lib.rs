//! Native `McpUvCacheCleanup` for Godot 4: sweeps the stale `.tmp*` build venvs
//! that uv leaves in `%LOCALAPPDATA%\uv\cache\builds-v0` on Windows.
//!
//! The sweep itself is plain Rust with no Godot types, so it can be tested and
//! benchmarked without an engine:
//!
//! - `sweep`: the sweep rules (scan, rename, remove, count), entered through
//!   [`sweep()`];
//! - [`remove`]: contents-first removal of one tree;
//! - `parallel`: sharing the removal of trees among threads;
//! - [`names`]: the `.tmp` / `_dead_` naming rules;
//! - [`liveness`]: which build directories a running process still uses;
//! - [`uv_cache_dir`]: which cache directory uv uses, in uv's own order;
//! - [`known_folder`]: the Windows known folders uv falls back to;
//! - `location`: on which OS to sweep, and which Godot paths are refused;
//! - `error`: the error type and the capped error log;
//! - `options`: the options Dictionary, checked;
//! - [`background`]: a sweep on a worker thread;
//! - [`claim`]: one sweep at a time per builds directory;
//! - `panic_guard`: turns a panic into a value before it can reach Godot;
//! - [`startup`]: on load, register the classes or stand aside, by the rules
//!   of [`script_conflict`] (a project script already declares the class
//!   name) and `first_import` (an import-only run discovering the
//!   extension, which Godot would crash at exit).
//!
//! The Godot surface lives in one folder, `binding/`: a thin layer that only
//! converts types and reports (see its module documentation).
//!
//! What is public is what the tests and benchmarks (`tests/`, `benches/`)
//! call without Godot: [`sweep()`] and its types, re-exported here, and the
//! modules whose rules they check one by one (`background`, `claim`, `known_folder`,
//! `liveness`, `names`, `remove`, `script_conflict`, `startup`,
//! `uv_cache_dir`). The rest is `pub(crate)`, reached only through those.
//! No other crate builds on this one: it ships as a Godot extension.
//!
//! `unsafe` code is only where the crate calls what no safe wrapper in its
//! dependencies covers, each call with its `SAFETY` note: the system calls
//! of [`known_folder`] (`SHGetKnownFolderPath`), of the process check's
//! Windows and macOS readers (Tool Help; libproc and sysctl), and the raw
//! GDExtension calls of `binding/godot_interface.rs`, `binding/entry.rs` and
//! `binding/announcement.rs`, where gdext is not initialised, and the shims
//! of `binding/class_filter.rs`, which stand between gdext and Godot.
//!
//! `Cargo.toml`'s `[lints]` keep both rules, and `.ci/run` runs clippy with
//! `-D warnings`: `unreachable_pub` (nothing `pub` that no test reaches),
//! `missing_docs`, `unsafe_op_in_unsafe_fn`, and clippy's
//! `undocumented_unsafe_blocks` (every `unsafe` block and impl has its
//! `SAFETY` note) and `missing_safety_doc` (every public `unsafe fn` its
//! `# Safety`).

pub mod background;
pub mod claim;
pub(crate) mod error;
pub(crate) mod first_import;
pub mod known_folder;
pub mod liveness;
pub(crate) mod location;
pub mod names;
pub(crate) mod options;
pub(crate) mod panic_guard;
pub(crate) mod parallel;
pub mod remove;
pub mod script_conflict;
pub mod startup;
pub(crate) mod sweep;
pub mod uv_cache_dir;

mod binding;

pub use error::{ErrorLog, Operation, SweepError};
pub use sweep::{default_threads, sweep, sweep_cancellable, SweepCounts, SweepOptions, SweepReport};
