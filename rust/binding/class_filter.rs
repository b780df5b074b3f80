//! Registers every class of the extension but `McpUvCacheCleanup`.
//!
//! When a project script declares `class_name McpUvCacheCleanup` (godot-ai
//! 2.x and 3.x do), the native class of that name must not exist, or the
//! script stops compiling ([`crate::script_conflict`]). The other classes,
//! `McpUvCacheSweep` above all, are still wanted: the addon's editor plugin
//! sweeps through them. gdext registers the classes it was built with and has
//! no switch to leave one out, so gdext is handed a `get_proc_address` of
//! ours ([`get_proc_address_without_cleanup_class`]): it answers with Godot's
//! own functions, except for the `classdb_*` functions that take a class name
//! (and the one that loads class documentation), which it answers with shims
//! that pass every call on unless it names `McpUvCacheCleanup`. For that
//! class:
//!
//! - registering the class, its methods, constants, properties and signals,
//!   and unregistering it, do nothing;
//! - `classdb_get_class_tag` answers a non-null tag, as gdext checks
//!   registration that way and would log an error otherwise; the tag is never
//!   used, as nothing of ours constructs or casts to that class;
//! - its help page (the editor build's XML) is not loaded, so the script's
//!   own documentation stays.
//!
//! A class name reaches a shim as a Godot `StringName`, which is one pointer
//! to interned data: two `StringName`s are equal exactly when those pointers
//! are (Godot's own `operator==`). Each shim makes the name it compares
//! with, compares, and destroys it; registration calls are few.

use std::ffi::{c_char, c_void, CStr};
use std::sync::OnceLock;

use godot::sys;

use crate::script_conflict::NATIVE_CLASS_NAME;

/// Godot's `get_proc_address`, set once before gdext is handed ours.
static GODOT_GET_PROC_ADDRESS: OnceLock<sys::GDExtensionInterfaceGetProcAddress> = OnceLock::new();

/// Makes [`get_proc_address_without_cleanup_class`] answer with `godot`'s
/// functions. Call it once, before handing that function to gdext; later
/// calls are ignored.
pub(crate) fn use_godot_get_proc_address(godot: sys::GDExtensionInterfaceGetProcAddress) {
    let _ = GODOT_GET_PROC_ADDRESS.set(godot);
}

/// A `get_proc_address` for gdext that leaves out `McpUvCacheCleanup`.
///
/// # Safety
/// Called by gdext only, with a NUL-terminated name, after
/// [`use_godot_get_proc_address`].
pub(crate) unsafe extern "C" fn get_proc_address_without_cleanup_class(
    name: *const c_char,
) -> sys::GDExtensionInterfaceFunctionPtr {
    let godot = GODOT_GET_PROC_ADDRESS.get().copied().flatten()?;
    // SAFETY: forwarded unchanged; Godot's get_proc_address takes this name.
    let function = unsafe { godot(name) };
    // SAFETY: gdext passes NUL-terminated names.
    let name = unsafe { CStr::from_ptr(name) };
    // Each shim keeps Godot's function in its static; a shim is answered
    // only when Godot has the function it stands in for.
    macro_rules! shim {
        ($static:ident, $shim:ident) => {{
            // SAFETY: the static's type is this interface function's signature.
            let _ = $static.set(unsafe { std::mem::transmute_copy(&function?) });
            // SAFETY: a function pointer, returned as the generic one Godot uses.
            Some(unsafe { std::mem::transmute::<*const (), unsafe extern "C" fn()>($shim as *const ()) })
        }};
    }
    match name.to_bytes() {
        b"classdb_register_extension_class3" => shim!(REGISTER_CLASS, register_class),
        b"classdb_register_extension_class_method" => shim!(REGISTER_METHOD, register_method),
        b"classdb_register_extension_class_integer_constant" => shim!(REGISTER_CONSTANT, register_constant),
        b"classdb_register_extension_class_property" => shim!(REGISTER_PROPERTY, register_property),
        b"classdb_register_extension_class_signal" => shim!(REGISTER_SIGNAL, register_signal),
        b"classdb_unregister_extension_class" => shim!(UNREGISTER_CLASS, unregister_class),
        b"classdb_get_class_tag" => shim!(GET_CLASS_TAG, get_class_tag),
        b"editor_help_load_xml_from_utf8_chars_and_len" => shim!(LOAD_HELP, load_help),
        _ => function,
    }
}

/// True if `class_name` is `McpUvCacheCleanup`. False if the name cannot be
/// compared (Godot lacks a function): then the call goes through.
///
/// # Safety
/// `class_name` points to a live `StringName`.
unsafe fn is_left_out(class_name: sys::GDExtensionConstStringNamePtr) -> bool {
    let Some(godot) = GODOT_GET_PROC_ADDRESS.get().copied().flatten() else {
        return false;
    };
    // SAFETY: each name is paired with its interface signature.
    let (Some(new_name), Some(destroy_name)) = (unsafe {
        (
            interface_fn::<sys::GDExtensionInterfaceStringNameNewWithUtf8Chars>(
                godot,
                c"string_name_new_with_utf8_chars",
            ),
            interface_fn::<sys::GDExtensionInterfaceVariantGetPtrDestructor>(godot, c"variant_get_ptr_destructor")
                .and_then(|get| get(sys::GDEXTENSION_VARIANT_TYPE_STRING_NAME)),
        )
    }) else {
        return false;
    };
    let wanted = std::ffi::CString::new(NATIVE_CLASS_NAME).expect("no NUL in a class name");
    let mut ours = std::mem::MaybeUninit::<*const c_void>::uninit();
    // SAFETY: `ours` is writable storage of a StringName's size (one
    // pointer), made here and destroyed below; `class_name` is live.
    unsafe {
        new_name(ours.as_mut_ptr().cast(), wanted.as_ptr());
        let same = ours.assume_init() == class_name.cast::<*const c_void>().read();
        destroy_name(ours.as_mut_ptr().cast());
        same
    }
}

/// The interface function `name`, cast to its signature `F`.
///
/// # Safety
/// `F` must be the function-pointer type of the interface function `name`.
unsafe fn interface_fn<F: Copy>(
    godot: unsafe extern "C" fn(*const c_char) -> sys::GDExtensionInterfaceFunctionPtr,
    name: &CStr,
) -> Option<F> {
    // SAFETY: a NUL-terminated name.
    let function = unsafe { godot(name.as_ptr())? };
    // SAFETY: the caller guarantees `F` is the function's real signature.
    Some(unsafe { std::mem::transmute_copy::<unsafe extern "C" fn(), F>(&function) })
}

static REGISTER_CLASS: OnceLock<sys::GDExtensionInterfaceClassdbRegisterExtensionClass3> = OnceLock::new();
static REGISTER_METHOD: OnceLock<sys::GDExtensionInterfaceClassdbRegisterExtensionClassMethod> = OnceLock::new();
static REGISTER_CONSTANT: OnceLock<sys::GDExtensionInterfaceClassdbRegisterExtensionClassIntegerConstant> =
    OnceLock::new();
static REGISTER_PROPERTY: OnceLock<sys::GDExtensionInterfaceClassdbRegisterExtensionClassProperty> = OnceLock::new();
static REGISTER_SIGNAL: OnceLock<sys::GDExtensionInterfaceClassdbRegisterExtensionClassSignal> = OnceLock::new();
static UNREGISTER_CLASS: OnceLock<sys::GDExtensionInterfaceClassdbUnregisterExtensionClass> = OnceLock::new();
static GET_CLASS_TAG: OnceLock<sys::GDExtensionInterfaceClassdbGetClassTag> = OnceLock::new();
static LOAD_HELP: OnceLock<sys::GDExtensionInterfaceEditorHelpLoadXmlFromUtf8CharsAndLen> = OnceLock::new();

/// The tag answered for the class left out: any non-null address of ours.
static LEFT_OUT_TAG: u8 = 0;

unsafe extern "C" fn register_class(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
    parent: sys::GDExtensionConstStringNamePtr,
    info: *const sys::GDExtensionClassCreationInfo3,
) {
    // SAFETY: Godot's function, with gdext's arguments.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = REGISTER_CLASS.get() {
                godot(library, class_name, parent, info);
            }
        }
    }
}

unsafe extern "C" fn register_method(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
    info: *const sys::GDExtensionClassMethodInfo,
) {
    // SAFETY: as above.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = REGISTER_METHOD.get() {
                godot(library, class_name, info);
            }
        }
    }
}

unsafe extern "C" fn register_constant(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
    enum_name: sys::GDExtensionConstStringNamePtr,
    constant_name: sys::GDExtensionConstStringNamePtr,
    value: sys::GDExtensionInt,
    is_bitfield: sys::GDExtensionBool,
) {
    // SAFETY: as above.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = REGISTER_CONSTANT.get() {
                godot(library, class_name, enum_name, constant_name, value, is_bitfield);
            }
        }
    }
}

unsafe extern "C" fn register_property(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
    info: *const sys::GDExtensionPropertyInfo,
    setter: sys::GDExtensionConstStringNamePtr,
    getter: sys::GDExtensionConstStringNamePtr,
) {
    // SAFETY: as above.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = REGISTER_PROPERTY.get() {
                godot(library, class_name, info, setter, getter);
            }
        }
    }
}

unsafe extern "C" fn register_signal(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
    signal_name: sys::GDExtensionConstStringNamePtr,
    arguments: *const sys::GDExtensionPropertyInfo,
    argument_count: sys::GDExtensionInt,
) {
    // SAFETY: as above.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = REGISTER_SIGNAL.get() {
                godot(library, class_name, signal_name, arguments, argument_count);
            }
        }
    }
}

unsafe extern "C" fn unregister_class(
    library: sys::GDExtensionClassLibraryPtr,
    class_name: sys::GDExtensionConstStringNamePtr,
) {
    // SAFETY: as above.
    unsafe {
        if !is_left_out(class_name) {
            if let Some(godot) = UNREGISTER_CLASS.get() {
                godot(library, class_name);
            }
        }
    }
}

unsafe extern "C" fn get_class_tag(class_name: sys::GDExtensionConstStringNamePtr) -> *mut c_void {
    // SAFETY: as above.
    unsafe {
        if is_left_out(class_name) {
            return (&raw const LEFT_OUT_TAG).cast_mut().cast();
        }
        GET_CLASS_TAG
            .get()
            .map_or(std::ptr::null_mut(), |godot| godot(class_name))
    }
}

unsafe extern "C" fn load_help(xml: *const c_char, length: sys::GDExtensionInt) {
    // SAFETY: gdext passes UTF-8 of `length` bytes.
    let page = unsafe { std::slice::from_raw_parts(xml.cast::<u8>(), usize::try_from(length).unwrap_or(0)) };
    if is_help_page_of_left_out(page) {
        return;
    }
    if let Some(godot) = LOAD_HELP.get() {
        // SAFETY: as above.
        unsafe { godot(xml, length) };
    }
}

/// True if the help page `page` (gdext's XML: a declaration line, then
/// `<class name="..."`) is that of `McpUvCacheCleanup`.
fn is_help_page_of_left_out(page: &[u8]) -> bool {
    let tag = format!("<class name=\"{NATIVE_CLASS_NAME}\"");
    page.windows(tag.len()).take(200).any(|window| window == tag.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::is_help_page_of_left_out;

    #[test]
    fn only_the_left_out_class_help_page_is_recognised() {
        let page = |class: &str| {
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<class name=\"{class}\" inherits=\"RefCounted\">")
        };
        assert!(is_help_page_of_left_out(page("McpUvCacheCleanup").as_bytes()));
        assert!(!is_help_page_of_left_out(page("McpUvCacheSweep").as_bytes()));
        assert!(!is_help_page_of_left_out(page("McpUvCacheCleanupX").as_bytes()));
    }
}
