//! The extension's entry point: register the classes, or stand aside.
//!
//! Godot calls `gdext_rust_init` (the `entry_symbol` of the `.gdextension`)
//! before any class exists. If a project script already declares
//! `class_name McpUvCacheCleanup` ([`crate::script_conflict`]), registering
//! the native class would make that script, and every script that preloads
//! it, fail to compile; and an import-only run that discovers the extension
//! would crash at exit ([`crate::first_import`]). So the entry point decides
//! first:
//!
//! - [`Startup::Register`]: it hands over to gdext's own entry, which
//!   registers every class as usual;
//! - [`Startup::StandAside`] for a script conflict: gdext registers every
//!   class but `McpUvCacheCleanup` ([`super::class_filter`]), so the editor
//!   plugin still sweeps through `McpUvCacheSweep`, and one warning says why;
//! - [`Startup::StandAside`] for a first import, or a script conflict in an
//!   import-only run, on a Godot whose editor may crash at exit there
//!   ([`crate::first_import::EXIT_CRASH_SINCE`]: 4.4 on, not 4.3): gdext
//!   is never initialised, nothing is registered, and one line says why.
//!
//! The line is printed when the main loop starts on Godot 4.5+, so the
//! editor's Output shows it; on older versions, when the scene level is
//! loaded ([`crate::startup`] words it).
//!
//! This is the binding's only `unsafe` code outside gdext's macros and the
//! class filter: the few raw GDExtension interface calls the stand-aside path
//! needs, because gdext itself is not initialised there.

use std::ffi::{c_char, c_void, CStr, CString};
use std::path::PathBuf;
use std::sync::OnceLock;

use godot::prelude::*;
use godot::sys;

use super::class_filter;
use crate::panic_guard;
use crate::startup::{at_scene_level, decide, StandAside, Startup};

struct McpUvCacheCleanupExtension;

// gdext's own entry, under another name: `gdext_rust_init` below calls it
// when the classes may be registered.
#[gdextension(entry_symbol = mcp_uv_cache_cleanup_gdext_init)]
// SAFETY: one ExtensionLibrary in the crate, as gdext requires; its entry is
// called only by `gdext_rust_init`, with Godot's own arguments.
unsafe impl ExtensionLibrary for McpUvCacheCleanupExtension {}

/// The line printed when standing aside; set once, before Godot can call
/// the stand-aside callbacks.
static STAND_ASIDE_MESSAGE: OnceLock<CString> = OnceLock::new();

/// The address of `print_warning`, kept for the callbacks; unset when the
/// line is information, printed to standard output.
static PRINT_WARNING: OnceLock<sys::GDExtensionInterfacePrintWarning> = OnceLock::new();

/// The address of `register_main_loop_callbacks` (Godot 4.5+), if the
/// running Godot has it.
static REGISTER_MAIN_LOOP_CALLBACKS: OnceLock<Option<RegisterMainLoopCallbacks>> = OnceLock::new();

/// Godot 4.5's `GDExtensionMainLoopCallbacks`; the extension is built against
/// the 4.3 API, whose bindings do not have it.
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
pub(crate) unsafe extern "C" fn gdext_rust_init(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
) -> sys::GDExtensionBool {
    // Deciding must never stop the extension from loading: if it fails in
    // any way, load as before.
    let startup = panic_guard::catch(|| {
        // SAFETY: the arguments are Godot's, as passed to this entry point.
        let (library_path, version) =
            unsafe { (library_path(get_proc_address, library), godot_version(get_proc_address)) };
        decide(
            library_path.as_deref(),
            std::env::args_os(),
            std::env::current_dir().ok(),
            version,
        )
    })
    .unwrap_or(Startup::Register);
    match startup {
        // SAFETY: forwarded unchanged from Godot.
        Startup::Register => unsafe { mcp_uv_cache_cleanup_gdext_init(get_proc_address, library, init) },
        // SAFETY: as above.
        Startup::StandAside(reason) if reason.registers_other_classes() => unsafe {
            register_all_but_cleanup_class(get_proc_address, library, init, &reason)
        },
        // SAFETY: as above.
        Startup::StandAside(reason) => unsafe { stand_aside(get_proc_address, library, init, &reason) },
        // SAFETY: as above.
        Startup::DecideAtSceneLevel => unsafe { decide_at_scene_level(get_proc_address, library, init) },
    }
}

/// An initialisation callback, as in `GDExtensionInitialization`.
type LevelCallback = Option<unsafe extern "C" fn(*mut c_void, sys::GDExtensionInitializationLevel)>;

/// gdext's own `initialize` and `deinitialize`, kept while the decision
/// waits for the scene level.
static GDEXT_CALLBACKS: OnceLock<(LevelCallback, LevelCallback)> = OnceLock::new();

/// `get_proc_address`, kept for the scene-level decision.
static GET_PROC_ADDRESS: OnceLock<sys::GDExtensionInterfaceGetProcAddress> = OnceLock::new();

/// Whether this run stands aside; decided once, at the scene level.
static FIRST_IMPORT_STANDS_ASIDE: OnceLock<bool> = OnceLock::new();

/// Loads through gdext's entry, but with callbacks of ours in front of its
/// own: at the scene level they ask Godot whether the running editor is
/// loading the library ([`crate::startup::at_scene_level`]), and either
/// stand aside for the rest of the run or hand every level to gdext.
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
        let _ = GET_PROC_ADDRESS.set(get_proc_address);
        (*init).initialize = Some(initialize_unless_first_import);
        (*init).deinitialize = Some(deinitialize_unless_first_import);
    }
    loaded
}

/// gdext's `initialize`, unless the first level it sees (the scene level,
/// gdext's minimum) finds this run is a first import.
unsafe extern "C" fn initialize_unless_first_import(userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    let stands_aside = *FIRST_IMPORT_STANDS_ASIDE.get_or_init(|| {
        let decision = panic_guard::catch(|| {
            // SAFETY: Godot's own get_proc_address, kept at entry.
            let running = GET_PROC_ADDRESS
                .get()
                .is_some_and(|&get_proc_address| unsafe { editor_is_running(get_proc_address) });
            at_scene_level(running)
        });
        match decision {
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

/// gdext's `deinitialize`, for the levels it was initialised at.
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

/// Loads with no classes: fills `init` with callbacks that only print the
/// reason's line once.
unsafe fn stand_aside(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
    reason: &StandAside,
) -> sys::GDExtensionBool {
    // SAFETY: forwarded unchanged from Godot.
    unsafe {
        prepare_announcement(get_proc_address, library, reason);
        *init = sys::GDExtensionInitialization {
            minimum_initialization_level: sys::GDEXTENSION_INITIALIZATION_SCENE,
            userdata: std::ptr::null_mut(),
            initialize: Some(stand_aside_initialize),
            deinitialize: Some(stand_aside_deinitialize),
        };
    }
    1
}

/// Loads through gdext's entry with every class but `McpUvCacheCleanup`
/// ([`class_filter`]), and prints the reason's line once, as
/// [`stand_aside`] does.
unsafe fn register_all_but_cleanup_class(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    init: *mut sys::GDExtensionInitialization,
    reason: &StandAside,
) -> sys::GDExtensionBool {
    class_filter::use_godot_get_proc_address(get_proc_address);
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
    // SAFETY: Godot's pointers; gdext filled `init`, which Godot gave us.
    unsafe {
        prepare_announcement(get_proc_address, library, reason);
        let _ = GDEXT_CALLBACKS.set(((*init).initialize, (*init).deinitialize));
        (*init).initialize = Some(initialize_and_announce);
    }
    loaded
}

/// gdext's `initialize`, then the stand-aside line at the scene level.
unsafe extern "C" fn initialize_and_announce(userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    if let Some(initialize) = GDEXT_CALLBACKS.get().and_then(|&(initialize, _)| initialize) {
        // SAFETY: gdext's callback, with Godot's arguments.
        unsafe { initialize(userdata, level) };
    }
    // SAFETY: reads statics set before Godot calls this.
    unsafe { stand_aside_initialize(std::ptr::null_mut(), level) };
}

/// The library pointer, kept (as an address) to register the main-loop
/// callbacks with.
static LIBRARY: OnceLock<usize> = OnceLock::new();

/// Keeps what printing `reason`'s line once needs: the line, Godot's
/// `print_warning` when it is a warning, and `register_main_loop_callbacks`
/// when this Godot has it.
unsafe fn prepare_announcement(
    get_proc_address: sys::GDExtensionInterfaceGetProcAddress,
    library: sys::GDExtensionClassLibraryPtr,
    reason: &StandAside,
) {
    let message = reason.message().replace('\0', " ");
    let _ = STAND_ASIDE_MESSAGE.set(CString::new(message).expect("NULs replaced"));
    let _ = LIBRARY.set(library as usize);
    // SAFETY: the names are interface functions with these signatures.
    unsafe {
        if reason.is_warning() {
            if let Some(print) =
                interface_fn::<sys::GDExtensionInterfacePrintWarning>(get_proc_address, c"print_warning")
            {
                let _ = PRINT_WARNING.set(print);
            }
        }
        // Asking an older Godot for a function it lacks logs an ERROR line,
        // so ask only a Godot that has it.
        let main_loop_callbacks = if godot_is_at_least(get_proc_address, MAIN_LOOP_CALLBACKS_SINCE) {
            interface_fn::<RegisterMainLoopCallbacks>(get_proc_address, c"register_main_loop_callbacks")
        } else {
            None
        };
        let _ = REGISTER_MAIN_LOOP_CALLBACKS.set(main_loop_callbacks);
    }
}

/// At the scene level: print now, or when the main loop starts (4.5+), so
/// that the editor's Output, which does not exist yet, shows the line.
unsafe extern "C" fn stand_aside_initialize(_userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    if level != sys::GDEXTENSION_INITIALIZATION_SCENE {
        return;
    }
    let library = LIBRARY.get().copied();
    match REGISTER_MAIN_LOOP_CALLBACKS.get().copied().flatten().zip(library) {
        // SAFETY: the library pointer given to the entry point; the callbacks
        // are a static, as Godot keeps the pointer.
        Some((register, library)) => unsafe {
            register(
                library as sys::GDExtensionClassLibraryPtr,
                &raw const STAND_ASIDE_CALLBACKS,
            )
        },
        // SAFETY: no arguments; reads statics set before this runs.
        None => unsafe { print_stand_aside_message() },
    }
}

unsafe extern "C" fn stand_aside_deinitialize(_userdata: *mut c_void, _level: sys::GDExtensionInitializationLevel) {}

unsafe extern "C" fn print_stand_aside_message() {
    let Some(message) = STAND_ASIDE_MESSAGE.get() else {
        return;
    };
    let Some(print) = PRINT_WARNING.get() else {
        // Information, not a warning: standard output, as Godot's `print`.
        println!("{}", message.to_string_lossy());
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

/// The first Godot version with `register_main_loop_callbacks`.
const MAIN_LOOP_CALLBACKS_SINCE: (u32, u32) = (4, 5);

/// True if the running Godot is `(major, minor)` or newer; false if its
/// version cannot be read.
unsafe fn godot_is_at_least(get_proc_address: sys::GDExtensionInterfaceGetProcAddress, since: (u32, u32)) -> bool {
    // SAFETY: forwarded unchanged.
    unsafe { godot_version(get_proc_address) }.is_some_and(|version| version >= since)
}

/// The running Godot's `(major, minor)`, if it can be read.
unsafe fn godot_version(get_proc_address: sys::GDExtensionInterfaceGetProcAddress) -> Option<(u32, u32)> {
    // SAFETY: the name is paired with its interface signature.
    let get_version =
        unsafe { interface_fn::<sys::GDExtensionInterfaceGetGodotVersion>(get_proc_address, c"get_godot_version")? };
    let mut version = sys::GDExtensionGodotVersion {
        major: 0,
        minor: 0,
        patch: 0,
        string: std::ptr::null(),
    };
    // SAFETY: Godot fills the struct it is given.
    unsafe { get_version(&raw mut version) };
    Some((version.major, version.minor))
}

/// The hash of `Engine.has_singleton(name: StringName) -> bool`, the same in
/// every Godot 4 API (`extension_api.json`).
const ENGINE_HAS_SINGLETON_HASH: i64 = 2_619_796_661;

/// True if the editor already exists (`Engine.has_singleton("EditorInterface")`):
/// the running editor is loading this library because it discovered it. A
/// library Godot loads while starting up comes before the editor; a template
/// never has one. False if Godot cannot be asked. Call it at the scene level
/// or later: before, Godot 4.3 has no `Engine` singleton yet (and logs an
/// error when asked for it).
unsafe fn editor_is_running(get_proc_address: sys::GDExtensionInterfaceGetProcAddress) -> bool {
    // SAFETY: each name is paired with its interface signature.
    let Some((new_name, get_singleton, get_method_bind, ptrcall, destroy_name)) = (unsafe {
        (|| {
            Some((
                interface_fn::<sys::GDExtensionInterfaceStringNameNewWithLatin1Chars>(
                    get_proc_address,
                    c"string_name_new_with_latin1_chars",
                )?,
                interface_fn::<sys::GDExtensionInterfaceGlobalGetSingleton>(get_proc_address, c"global_get_singleton")?,
                interface_fn::<sys::GDExtensionInterfaceClassdbGetMethodBind>(
                    get_proc_address,
                    c"classdb_get_method_bind",
                )?,
                interface_fn::<sys::GDExtensionInterfaceObjectMethodBindPtrcall>(
                    get_proc_address,
                    c"object_method_bind_ptrcall",
                )?,
                interface_fn::<sys::GDExtensionInterfaceVariantGetPtrDestructor>(
                    get_proc_address,
                    c"variant_get_ptr_destructor",
                )?(sys::GDEXTENSION_VARIANT_TYPE_STRING_NAME)?,
            ))
        })()
    }) else {
        return false;
    };
    // A StringName is one pointer wide; Godot constructs it in place, and
    // each is destroyed with its own destructor below.
    let names = [c"Engine", c"has_singleton", c"EditorInterface"].map(|text| {
        let mut name = std::mem::MaybeUninit::<*mut c_void>::uninit();
        // SAFETY: `name` is writable storage of a StringName's size; `text`
        // is NUL-terminated. Not marked static: Godot would report destroying
        // a static name as a bug.
        unsafe { new_name(name.as_mut_ptr().cast(), text.as_ptr(), 0) };
        name
    });
    let [engine_class, method, editor_interface] = &names;
    // SAFETY: initialised StringNames; the method bind takes one StringName
    // and returns a bool (GDExtensionBool, one byte).
    let running = unsafe {
        let engine = get_singleton(engine_class.as_ptr().cast());
        let bind = get_method_bind(
            engine_class.as_ptr().cast(),
            method.as_ptr().cast(),
            ENGINE_HAS_SINGLETON_HASH,
        );
        if engine.is_null() || bind.is_null() {
            false
        } else {
            let args: [sys::GDExtensionConstTypePtr; 1] = [editor_interface.as_ptr().cast()];
            let mut result: sys::GDExtensionBool = 0;
            ptrcall(bind, engine, args.as_ptr(), (&raw mut result).cast());
            result != 0
        }
    };
    for mut name in names {
        // SAFETY: each was initialised above and is destroyed once.
        unsafe { destroy_name(name.as_mut_ptr().cast()) };
    }
    running
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
