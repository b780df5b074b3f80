//! The extension's entry point: the start-up decision, and its four paths.
//!
//! Godot calls `gdext_rust_init` (the `entry_symbol` of the `.gdextension`)
//! before any class exists. If a project script already declares
//! `class_name McpUvCacheCleanup` ([`crate::script_conflict`]), registering
//! the native class would make that script, and every script that preloads
//! it, fail to compile; and on Godot 4.4+ an import-only run that discovers
//! the extension would crash at exit ([`crate::first_import`]). So the entry
//! point asks [`crate::startup::decide`] first, and takes one of four paths:
//!
//! 1. **register**: gdext's own entry registers every class as usual;
//! 2. **register all but `McpUvCacheCleanup`** (a script conflict): gdext
//!    registers through the class filter ([`super::class_filter`]), so the
//!    editor plugin still sweeps through `McpUvCacheSweep`, and one warning
//!    says why ([`super::announcement`]);
//! 3. **register nothing** (a script conflict in a crash-prone import): gdext
//!    is never initialised, and one line says why;
//! 4. **decide at the scene level** (a crash-prone import): gdext's entry
//!    runs, but its callbacks wait for the scene level, where Godot can be
//!    asked whether the running editor discovered the library; then the run
//!    registers as usual, or registers nothing and says so (a first import).
//!
//! This module and the two beside it (`godot_interface`, `class_filter`)
//! hold the binding's `unsafe` code outside gdext's macros: the raw
//! GDExtension calls these paths need where gdext is not (yet) initialised.

use std::ffi::c_void;
use std::sync::OnceLock;

use godot::prelude::*;
use godot::sys;

use super::{announcement, class_docs, class_filter, godot_interface};
use crate::panic_guard;
use crate::startup::{at_scene_level, decide, StandAside, Startup};

struct McpUvCacheCleanupExtension;

// gdext's own entry, under another name: `gdext_rust_init` below calls it
// when the classes may be registered.
#[gdextension(entry_symbol = mcp_uv_cache_cleanup_gdext_init)]
// SAFETY: one ExtensionLibrary in the crate, as gdext requires; its entry is
// called only by `gdext_rust_init`, with Godot's own arguments.
unsafe impl ExtensionLibrary for McpUvCacheCleanupExtension {
    fn on_stage_init(stage: InitStage) {
        // The help pages, which gdext would load here with register-docs
        // (class_docs says why it does not).
        if stage == InitStage::Editor {
            class_docs::load_into_editor();
        }
    }
}

/// An initialisation callback, as in `GDExtensionInitialization`.
type LevelCallback = Option<unsafe extern "C" fn(*mut c_void, sys::GDExtensionInitializationLevel)>;

/// gdext's own `initialize` and `deinitialize`. Written once by paths 2 and 4,
/// right after gdext fills them in and before Godot calls any; read by the
/// callbacks of ours that stand in front of them.
static GDEXT_CALLBACKS: OnceLock<(LevelCallback, LevelCallback)> = OnceLock::new();

/// Whether path 4 stands aside for this run. Written once, by the first
/// initialisation callback (the scene level, gdext's minimum); read by the
/// later ones and by deinitialisation.
static FIRST_IMPORT_STANDS_ASIDE: OnceLock<bool> = OnceLock::new();

/// The entry symbol named in `mcp_uv_cache_cleanup.gdextension`.
///
/// # Safety
/// Called by Godot only, with the pointers of the GDExtension interface.
#[no_mangle]
pub(crate) unsafe extern "C" fn gdext_rust_init(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
) -> sys::GDExtensionBool {
    godot_interface::keep_get_proc_address(get_proc_address);
    // Deciding must never stop the extension from loading: if it fails in
    // any way, load as before.
    let startup = panic_guard::catch(|| {
        // SAFETY: Godot's library pointer, as passed to this entry point.
        let library_path = unsafe { godot_interface::library_path(library) };
        decide(
            library_path.as_deref(),
            std::env::args_os(),
            std::env::current_dir().ok(),
            godot_interface::godot_version(),
        )
    })
    .unwrap_or(Startup::Register);
    match startup {
        // SAFETY: Godot's arguments, forwarded unchanged.
        Startup::Register => unsafe { mcp_uv_cache_cleanup_gdext_init(get_proc_address, library, init) },
        // SAFETY: as above.
        Startup::StandAside(reason) if reason.registers_other_classes() => unsafe {
            register_all_but_cleanup_class(library, init, &reason)
        },
        // SAFETY: as above.
        Startup::StandAside(reason) => unsafe { register_nothing(library, init, &reason) },
        // SAFETY: as above.
        Startup::DecideAtSceneLevel => unsafe { decide_at_scene_level(get_proc_address, library, init) },
    }
}

/// Path 2: gdext's entry, handed the class filter's `get_proc_address`, then
/// the stand-aside line at the scene level.
unsafe fn register_all_but_cleanup_class(
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
    reason: &StandAside,
) -> sys::GDExtensionBool {
    // SAFETY: gdext gets Godot's library and `init`, and a get_proc_address
    // that answers Godot's functions or shims of the same signatures.
    let loaded = unsafe {
        mcp_uv_cache_cleanup_gdext_init(
            Some(class_filter::get_proc_address_without_cleanup_class),
            library,
            init,
        )
    };
    if loaded == 0 {
        return loaded;
    }
    announcement::prepare(library, reason);
    // SAFETY: gdext filled `init`, which Godot gave us to fill.
    unsafe {
        let _ = GDEXT_CALLBACKS.set(((*init).initialize, (*init).deinitialize));
        (*init).initialize = Some(initialize_and_announce);
    }
    loaded
}

/// gdext's `initialize`, then the stand-aside line (path 2).
unsafe extern "C" fn initialize_and_announce(userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    if let Some(initialize) = GDEXT_CALLBACKS.get().and_then(|&(initialize, _)| initialize) {
        // SAFETY: gdext's callback, with Godot's arguments.
        unsafe { initialize(userdata, level) };
    }
    announcement::at_level(level);
}

/// Path 3: loads with no classes; the callbacks only print the line once.
unsafe fn register_nothing(
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
    reason: &StandAside,
) -> sys::GDExtensionBool {
    announcement::prepare(library, reason);
    // SAFETY: Godot gave us `init` to fill.
    unsafe {
        *init = sys::GDExtensionInitialization {
            minimum_initialization_level: sys::GDEXTENSION_INITIALIZATION_SCENE,
            userdata: std::ptr::null_mut(),
            initialize: Some(announcement::initialize),
            deinitialize: Some(announcement::deinitialize),
        };
    }
    1
}

/// Path 4: gdext's entry, with callbacks of ours in front of its own: at the
/// scene level they ask Godot whether the running editor is loading the
/// library ([`crate::startup::at_scene_level`]), and either stand aside for
/// the rest of the run or hand every level to gdext.
unsafe fn decide_at_scene_level(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
) -> sys::GDExtensionBool {
    // SAFETY: forwarded unchanged from Godot.
    let loaded = unsafe { mcp_uv_cache_cleanup_gdext_init(get_proc_address, library, init) };
    if loaded == 0 {
        return loaded;
    }
    // SAFETY: gdext filled `init`, which Godot gave us to fill.
    unsafe {
        let _ = GDEXT_CALLBACKS.set(((*init).initialize, (*init).deinitialize));
        (*init).initialize = Some(initialize_unless_first_import);
        (*init).deinitialize = Some(deinitialize_unless_first_import);
    }
    loaded
}

/// gdext's `initialize`, unless the first level it sees (the scene level,
/// gdext's minimum) finds this run is a first import (path 4).
unsafe extern "C" fn initialize_unless_first_import(userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    let stands_aside = *FIRST_IMPORT_STANDS_ASIDE.get_or_init(|| {
        match panic_guard::catch(|| at_scene_level(godot_interface::editor_is_running())) {
            Ok(Some(reason)) => {
                println!("{}", reason.message());
                true
            }
            _ => false,
        }
    });
    if stands_aside {
        return;
    }
    if let Some(initialize) = GDEXT_CALLBACKS.get().and_then(|&(initialize, _)| initialize) {
        // SAFETY: gdext's callback, with Godot's arguments.
        unsafe { initialize(userdata, level) };
    }
}

/// gdext's `deinitialize`, for the levels it was initialised at (path 4).
unsafe extern "C" fn deinitialize_unless_first_import(
    userdata: *mut c_void,
    level: sys::GDExtensionInitializationLevel,
) {
    if FIRST_IMPORT_STANDS_ASIDE.get().copied().unwrap_or(true) {
        return;
    }
    if let Some(deinitialize) = GDEXT_CALLBACKS.get().and_then(|&(_, deinitialize)| deinitialize) {
        // SAFETY: gdext's callback, with Godot's arguments.
        unsafe { deinitialize(userdata, level) };
    }
}
