//! The extension's entry point: register the classes, or stand aside.
//!
//! Godot calls `gdext_rust_init` (the `entry_symbol` of the `.gdextension`)
//! before any class exists. If a project script already declares
//! `class_name McpUvCacheCleanup` ([`crate::script_conflict`]), registering
//! the native class would make that script, and every script that preloads
//! it, fail to compile. So the entry point decides first:
//!
//! - no conflict: it hands over to gdext's own entry, which registers every
//!   class as usual;
//! - a conflict: gdext is never initialised, nothing is registered, and one
//!   warning line says what was found and the fix. On Godot 4.5+ the line is
//!   printed when the main loop starts, so the editor's Output shows it; on
//!   older versions, when the scene level is loaded.
//!
//! This is the crate's only `unsafe` code outside gdext's macros: the few
//! raw GDExtension interface calls the stand-aside path needs, because gdext
//! itself is not initialised there.

use std::ffi::{c_char, c_void, CStr, CString};
use std::path::PathBuf;
use std::sync::OnceLock;

use godot::prelude::*;
use godot::sys;

use crate::panic_guard;
use crate::script_conflict::{find_conflict, project_dir_of, Conflict};

struct McpUvCacheCleanupExtension;

// gdext's own entry, under another name: `gdext_rust_init` below calls it
// when the classes may be registered.
#[gdextension(entry_symbol = mcp_uv_cache_cleanup_gdext_init)]
unsafe impl ExtensionLibrary for McpUvCacheCleanupExtension {}

/// The warning printed when standing aside; set once, before Godot can call
/// the stand-aside callbacks.
static STAND_ASIDE_MESSAGE: OnceLock<CString> = OnceLock::new();

/// The address of `print_warning`, kept for the callbacks.
static PRINT_WARNING: OnceLock<sys::GDExtensionInterfacePrintWarning> = OnceLock::new();

/// The address of `register_main_loop_callbacks` (Godot 4.5+), if the
/// running Godot has it.
static REGISTER_MAIN_LOOP_CALLBACKS: OnceLock<Option<RegisterMainLoopCallbacks>> = OnceLock::new();

/// Godot 4.5's `GDExtensionMainLoopCallbacks`; the extension is built against
/// the 4.2 API, whose bindings do not have it.
#[repr(C)]
struct MainLoopCallbacks {
    startup: Option<unsafe extern "C" fn()>,
    frame: Option<unsafe extern "C" fn()>,
    shutdown: Option<unsafe extern "C" fn()>,
}

type RegisterMainLoopCallbacks = unsafe extern "C" fn(sys::GDExtensionClassLibraryPtr, *const MainLoopCallbacks);

static STAND_ASIDE_CALLBACKS: MainLoopCallbacks = MainLoopCallbacks {
    startup: Some(print_stand_aside_message),
    frame: None,
    shutdown: None,
};

/// The entry symbol named in `mcp_uv_cache_cleanup.gdextension`.
///
/// # Safety
/// Called by Godot only, with the pointers of the GDExtension interface.
#[no_mangle]
pub unsafe extern "C" fn gdext_rust_init(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
) -> sys::GDExtensionBool {
    // Deciding must never stop the extension from loading: if it fails in
    // any way, load as before.
    let conflict = panic_guard::catch(|| {
        // SAFETY: the arguments are Godot's, as passed to this entry point.
        let library_path = unsafe { library_path(get_proc_address, library) };
        library_path
            .and_then(|path| project_dir_of(&path))
            .or_else(|| std::env::current_dir().ok())
            .and_then(|project| find_conflict(&project))
    })
    .ok()
    .flatten();
    match conflict {
        // SAFETY: forwarded unchanged from Godot.
        None => unsafe { mcp_uv_cache_cleanup_gdext_init(get_proc_address, library, init) },
        // SAFETY: as above.
        Some(conflict) => unsafe { stand_aside(get_proc_address, library, init, &conflict) },
    }
}

/// Loads with no classes: fills `init` with callbacks that only print the
/// conflict's message once.
unsafe fn stand_aside(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
    conflict: &Conflict,
) -> sys::GDExtensionBool {
    let message = conflict.message().replace('\0', " ");
    let _ = STAND_ASIDE_MESSAGE.set(CString::new(message).expect("NULs replaced"));
    // SAFETY: the names are interface functions with these signatures.
    unsafe {
        if let Some(print) = interface_fn::<sys::GDExtensionInterfacePrintWarning>(get_proc_address, c"print_warning") {
            let _ = PRINT_WARNING.set(print);
        }
        let _ = REGISTER_MAIN_LOOP_CALLBACKS.set(interface_fn::<RegisterMainLoopCallbacks>(
            get_proc_address,
            c"register_main_loop_callbacks",
        ));
        *init = sys::GDExtensionInitialization {
            minimum_initialization_level: sys::GDEXTENSION_INITIALIZATION_SCENE,
            userdata: library.cast::<c_void>(),
            initialize: Some(stand_aside_initialize),
            deinitialize: Some(stand_aside_deinitialize),
        };
    }
    1
}

/// At the scene level: print now, or when the main loop starts (4.5+), so
/// that the editor's Output, which does not exist yet, shows the line.
unsafe extern "C" fn stand_aside_initialize(userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    if level != sys::GDEXTENSION_INITIALIZATION_SCENE {
        return;
    }
    match REGISTER_MAIN_LOOP_CALLBACKS.get().copied().flatten() {
        // SAFETY: `userdata` is the library pointer given to the entry point;
        // the callbacks are a static, as Godot keeps the pointer.
        Some(register) => unsafe { register(userdata.cast(), &raw const STAND_ASIDE_CALLBACKS) },
        // SAFETY: no arguments; reads statics set before this runs.
        None => unsafe { print_stand_aside_message() },
    }
}

unsafe extern "C" fn stand_aside_deinitialize(_userdata: *mut c_void, _level: sys::GDExtensionInitializationLevel) {}

unsafe extern "C" fn print_stand_aside_message() {
    let (Some(print), Some(message)) = (PRINT_WARNING.get(), STAND_ASIDE_MESSAGE.get()) else {
        return;
    };
    // SAFETY: NUL-terminated strings that outlive the call.
    unsafe {
        print(
            message.as_ptr(),
            c"gdext_rust_init".as_ptr(),
            c"mcp_uv_cache_cleanup".as_ptr(),
            0,
            1,
        )
    };
}

/// The interface function `name`, cast to its signature `F`, if this Godot
/// has it.
///
/// # Safety
/// `F` must be the function-pointer type of the interface function `name`.
unsafe fn interface_fn<F: Copy>(get_proc_address: sys::GDExtensionInterfaceGetProcAddress, name: &CStr) -> Option<F> {
    // SAFETY: Godot's get_proc_address takes a NUL-terminated name.
    let function = unsafe { get_proc_address?(name.as_ptr())? };
    debug_assert_eq!(size_of::<F>(), size_of_val(&function));
    // SAFETY: the caller guarantees `F` is the function's real signature.
    Some(unsafe { std::mem::transmute_copy::<unsafe extern "C" fn(), F>(&function) })
}

/// The absolute path of this library, as Godot loaded it.
unsafe fn library_path(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
) -> Option<PathBuf> {
    // SAFETY: each name is paired with its interface signature.
    let (get_library_path, to_utf8, get_destructor) = unsafe {
        (
            interface_fn::<sys::GDExtensionInterfaceGetLibraryPath>(get_proc_address, c"get_library_path")?,
            interface_fn::<sys::GDExtensionInterfaceStringToUtf8Chars>(get_proc_address, c"string_to_utf8_chars")?,
            interface_fn::<sys::GDExtensionInterfaceVariantGetPtrDestructor>(
                get_proc_address,
                c"variant_get_ptr_destructor",
            )?,
        )
    };
    // A Godot String is one pointer wide; Godot constructs it in place.
    let mut string = std::mem::MaybeUninit::<*mut c_void>::uninit();
    // SAFETY: `string` is writable storage of a String's size; the String is
    // read, then destroyed with its own destructor.
    unsafe {
        get_library_path(library, string.as_mut_ptr().cast());
        let length = to_utf8(string.as_ptr().cast(), std::ptr::null_mut(), 0);
        let mut bytes = vec![0_u8; usize::try_from(length).unwrap_or(0)];
        to_utf8(string.as_ptr().cast(), bytes.as_mut_ptr().cast::<c_char>(), length);
        if let Some(destroy) = get_destructor(sys::GDEXTENSION_VARIANT_TYPE_STRING) {
            destroy(string.as_mut_ptr().cast());
        }
        let path = String::from_utf8(bytes).ok()?;
        (!path.is_empty()).then(|| PathBuf::from(path))
    }
}
