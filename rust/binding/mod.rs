//! The Godot binding: everything that touches Godot types, and nothing else.
//!
//! Each module converts and reports; the rules live in the plain Rust modules
//! of the crate. The modules import in one direction only:
//! `cleanup_class` → `sweep_class` → `convert` and `outcome`; `entry` needs
//! only `class_filter` (gdext registers the classes itself).
//!
//! - [`entry`]: the entry point Godot calls; registers the classes, or stands
//!   aside with one line when a project script already declares the name;
//! - [`class_filter`]: what lets gdext register every class but that one;
//! - [`cleanup_class`]: `McpUvCacheCleanup`, the static methods;
//! - [`sweep_class`]: `McpUvCacheSweep`, a sweep running in the background;
//! - [`convert`]: arguments read and checked, Dictionaries built;
//! - [`outcome`]: how a sweep ended, told to the Output (the one place every
//!   entry point reports through).

pub mod class_filter;
pub mod cleanup_class;
pub mod convert;
pub mod entry;
pub mod live_caches;
pub mod outcome;
pub mod sweep_class;
