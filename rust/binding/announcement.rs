//! The stand-aside line ([`crate::startup::StandAside::message`]), printed
//! once, where the user sees it: when the main loop starts on Godot 4.5+, so
//! that the editor's Output, which does not exist earlier, shows it; on older
//! versions, which have no main-loop callbacks, when the scene level loads
//! (the terminal and the log file).
//!
//! gdext is not initialised when the extension stands aside entirely, so
//! this goes through the raw interface ([`super::godot_interface`]).

use std::ffi::{c_void, CString};
use std::sync::OnceLock;

use godot::sys;

use super::godot_interface;
use crate::startup::StandAside;

/// What to print, and where to register the callback for it.
struct Announcement {
    /// The line, without NULs.
    line: CString,
    /// A warning (`print_warning`) or information (standard output).
    is_warning: bool,
    /// The library pointer Godot passed to the entry point, as an address.
    library: usize,
}

/// Written once by the entry point ([`prepare`]), before Godot can call any
/// callback of ours; read by the callbacks.
static ANNOUNCEMENT: OnceLock<Announcement> = OnceLock::new();

/// The first Godot version with `register_main_loop_callbacks`.
const MAIN_LOOP_CALLBACKS_SINCE: (u32, u32) = (4, 5);

/// Godot 4.5's `GDExtensionMainLoopCallbacks`; the extension is built against
/// the 4.3 API, whose bindings do not have it.
#[repr(C)]
struct MainLoopCallbacks {
    startup: Option<unsafe extern "C" fn()>,
    frame: Option<unsafe extern "C" fn()>,
    shutdown: Option<unsafe extern "C" fn()>,
}

type RegisterMainLoopCallbacks = unsafe extern "C" fn(sys::GDExtensionClassLibraryPtr, *const MainLoopCallbacks);

/// A static, as Godot keeps the pointer.
static PRINT_AT_STARTUP: MainLoopCallbacks = MainLoopCallbacks {
    startup: Some(print),
    frame: None,
    shutdown: None,
};

/// Keeps `reason`'s line for the callbacks. Call it once, from the entry
/// point, before handing Godot the callbacks that announce it.
pub(super) fn prepare(library: sys::GDExtensionClassLibraryPtr, reason: &StandAside) {
    let line = CString::new(reason.message().replace('\0', " ")).expect("NULs replaced");
    let _ = ANNOUNCEMENT.set(Announcement {
        line,
        is_warning: reason.is_warning(),
        library: library as usize,
    });
}

/// At the scene level: prints the line now, or has Godot call [`print`] when
/// its main loop starts (4.5+). Other levels do nothing.
pub(super) fn at_level(level: sys::GDExtensionInitializationLevel) {
    if level != sys::GDEXTENSION_INITIALIZATION_SCENE {
        return;
    }
    let Some(announcement) = ANNOUNCEMENT.get() else {
        return;
    };
    // Asking an older Godot for a function it lacks logs an ERROR line, so
    // only a Godot that has it is asked.
    let register = if godot_interface::godot_is_at_least(MAIN_LOOP_CALLBACKS_SINCE) {
        // SAFETY: the name is paired with its signature (Godot 4.5's).
        unsafe { godot_interface::function::<RegisterMainLoopCallbacks>(c"register_main_loop_callbacks") }
    } else {
        None
    };
    match register {
        // SAFETY: the library pointer given to the entry point; the
        // callbacks are a static.
        Some(register) => unsafe {
            register(
                announcement.library as sys::GDExtensionClassLibraryPtr,
                &raw const PRINT_AT_STARTUP,
            )
        },
        // SAFETY: no arguments; reads the static set before this runs.
        None => unsafe { print() },
    }
}

/// The initialisation callback of a library that registers nothing: the
/// line at the scene level, nothing else.
pub(super) unsafe extern "C" fn initialize(_userdata: *mut c_void, level: sys::GDExtensionInitializationLevel) {
    at_level(level);
}

/// The deinitialisation callback of a library that registers nothing.
pub(super) unsafe extern "C" fn deinitialize(_userdata: *mut c_void, _level: sys::GDExtensionInitializationLevel) {}

/// Prints the line: a warning through Godot, or information on standard
/// output, as Godot's `print`.
unsafe extern "C" fn print() {
    let Some(announcement) = ANNOUNCEMENT.get() else {
        return;
    };
    // SAFETY: the name is paired with its interface signature.
    let print_warning = announcement
        .is_warning
        .then(|| unsafe { godot_interface::function::<sys::GDExtensionInterfacePrintWarning>(c"print_warning") })
        .flatten();
    match print_warning {
        // SAFETY: NUL-terminated strings that outlive the call.
        Some(print_warning) => unsafe {
            print_warning(
                announcement.line.as_ptr(),
                c"gdext_rust_init".as_ptr(),
                c"mcp_uv_cache_cleanup".as_ptr(),
                0,
                1,
            )
        },
        None => println!("{}", announcement.line.to_string_lossy()),
    }
}
