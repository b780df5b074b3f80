//! The Godot binding: everything that touches Godot types, and nothing else.
//!
//! Each module converts and reports; the rules live in the plain Rust modules
//! of the crate. The modules import in one direction only:
//! `cleanup_class` → `sweep_class` → `convert` and `outcome`; `entry` →
//! `class_filter` and `announcement` → `godot_interface` (gdext registers
//! the classes itself), and `entry` → `class_docs`; `export_guard` needs
//! none.
//!
//! - [`entry`]: the entry point Godot calls, and the start-up decision's four
//!   paths (register; all but `McpUvCacheCleanup`; nothing; decide at the
//!   scene level);
//! - [`class_filter`]: what lets gdext register every class but that one;
//! - [`announcement`]: the one line that says why the extension stands aside;
//! - [`class_docs`]: the classes' help pages, loaded into the editor;
//! - [`godot_interface`]: the raw GDExtension calls where gdext cannot serve
//!   (Godot's `get_proc_address`, kept once; its version; whether the editor
//!   runs; the library's path);
//! - [`cleanup_class`]: `McpUvCacheCleanup`, the static methods;
//! - [`sweep_class`]: `McpUvCacheSweep`, a sweep running in the background;
//! - [`export_guard`]: `McpUvCacheExportGuard`, the editor-only class that
//!   keeps the addon out of exported games;
//! - [`convert`]: arguments read and checked, Dictionaries built;
//! - [`outcome`]: how a sweep ended, told to the Output (the one place every
//!   entry point reports through);
//! - here, [`guarded`] and [`checked`]: the panic guard and the argument
//!   report every static method of both classes goes through.

pub(crate) mod announcement;
pub(crate) mod class_docs;
pub(crate) mod class_filter;
pub(crate) mod cleanup_class;
pub(crate) mod convert;
pub(crate) mod entry;
pub(crate) mod export_guard;
pub(crate) mod godot_interface;
pub(crate) mod live_caches;
pub(crate) mod outcome;
pub(crate) mod sweep_class;

use godot::prelude::godot_error;

use crate::panic_guard;
use convert::ArgumentError;

/// Runs `body` of the method `class.method` with panics caught: a panic
/// becomes `fallback()` and a `godot_error!` naming the method. Every static
/// method of both classes runs in it, so a bug never takes the editor down.
pub(crate) fn guarded<T>(class: &str, method: &str, fallback: impl FnOnce() -> T, body: impl FnOnce() -> T) -> T {
    panic_guard::catch(body).unwrap_or_else(|message| {
        godot_error!("{class}.{method}: internal error, nothing reported: {message}");
        fallback()
    })
}

/// The value of a read argument of `class.method`; a refused one is reported
/// with `push_error` naming the method and what was wrong, and gives `None`.
pub(crate) fn checked<T>(class: &str, method: &str, argument: Result<T, ArgumentError>) -> Option<T> {
    argument
        .map_err(|err| godot_error!("{class}.{method}: {err}; nothing swept"))
        .ok()
}
