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
//! A class name reaches a shim as a Godot `StringName`, compared by
//! [`godot_interface::string_name_is`]. Each shim looks Godot's own function
//! up when it is called, so the filter keeps no state of its own:
//! registration calls are few (a few dozen per start).

use std::ffi::{c_char, c_void};

use godot::sys;

use super::godot_interface;
use crate::script_conflict::NATIVE_CLASS_NAME;

/// A `get_proc_address` for gdext that leaves out `McpUvCacheCleanup`: Godot's
/// own answer, or the shim standing in for it. A shim is answered only where
/// Godot has the function it stands in for.
///
/// # Safety
/// Called by gdext only, with a NUL-terminated name, after the entry point
/// kept Godot's `get_proc_address` ([`godot_interface::keep_get_proc_address`]).
pub(super) unsafe extern "C" fn get_proc_address_without_cleanup_class(
    name: *const c_char,
) -> sys::GDExtensionInterfaceFunctionPtr {
    let function = godot_interface::raw_function(name)?;
    // SAFETY: gdext passes NUL-terminated names.
    let name = unsafe { std::ffi::CStr::from_ptr(name) };
    Some(shim_for(name.to_bytes()).unwrap_or(function))
}

/// True if `class_name` is `McpUvCacheCleanup`. False if the name cannot be
/// compared (Godot lacks a function): then the call goes through.
///
/// # Safety
/// `class_name` points to a live `StringName`.
unsafe fn is_left_out(class_name: sys::GDExtensionConstStringNamePtr) -> bool {
    let wanted = std::ffi::CString::new(NATIVE_CLASS_NAME).expect("no NUL in a class name");
    // SAFETY: forwarded from the caller.
    unsafe { godot_interface::string_name_is(class_name, &wanted) }
}

/// The shims that pass a call on to Godot's function unless it names the
/// class left out, each written once as: its name, Godot's function it
/// stands in for (name and signature), its parameters, and which parameter is
/// the class name. Also defines `shim_for`, which answers each by name, with
/// the two shims written by hand below.
macro_rules! shims_skipping_left_out_class {
    ($(
        fn $shim:ident = $godot_name:literal as $signature:ty,
            ($($arg:ident: $arg_type:ty),* $(,)?), class: $class:ident;
    )*) => {
        $(
            unsafe extern "C" fn $shim($($arg: $arg_type),*) {
                // SAFETY: gdext's arguments, for Godot's function of this name
                // and signature; `$class` is a live StringName.
                unsafe {
                    if !is_left_out($class) {
                        if let Some(godot) = godot_interface::function::<$signature>($godot_name) {
                            godot($($arg),*);
                        }
                    }
                }
            }
        )*

        /// The shim standing in for the interface function `name`, if any.
        fn shim_for(name: &[u8]) -> Option<unsafe extern "C" fn()> {
            let shim: *const () = match name {
                $(name if name == $godot_name.to_bytes() => $shim as *const (),)*
                b"classdb_get_class_tag" => get_class_tag as *const (),
                b"editor_help_load_xml_from_utf8_chars_and_len" => load_help as *const (),
                _ => return None,
            };
            // SAFETY: a function pointer, returned as the generic one Godot
            // hands out; gdext casts it back to the name's signature.
            Some(unsafe { std::mem::transmute::<*const (), unsafe extern "C" fn()>(shim) })
        }
    };
}

shims_skipping_left_out_class! {
    fn register_class = c"classdb_register_extension_class3" as sys::GDExtensionInterfaceClassdbRegisterExtensionClass3,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
            parent: sys::GDExtensionConstStringNamePtr,
            info: *const sys::GDExtensionClassCreationInfo3,
        ), class: class_name;
    fn register_method = c"classdb_register_extension_class_method"
        as sys::GDExtensionInterfaceClassdbRegisterExtensionClassMethod,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
            info: *const sys::GDExtensionClassMethodInfo,
        ), class: class_name;
    fn register_constant = c"classdb_register_extension_class_integer_constant"
        as sys::GDExtensionInterfaceClassdbRegisterExtensionClassIntegerConstant,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
            enum_name: sys::GDExtensionConstStringNamePtr,
            constant_name: sys::GDExtensionConstStringNamePtr,
            value: sys::GDExtensionInt,
            is_bitfield: sys::GDExtensionBool,
        ), class: class_name;
    fn register_property = c"classdb_register_extension_class_property"
        as sys::GDExtensionInterfaceClassdbRegisterExtensionClassProperty,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
            info: *const sys::GDExtensionPropertyInfo,
            setter: sys::GDExtensionConstStringNamePtr,
            getter: sys::GDExtensionConstStringNamePtr,
        ), class: class_name;
    fn register_signal = c"classdb_register_extension_class_signal"
        as sys::GDExtensionInterfaceClassdbRegisterExtensionClassSignal,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
            signal_name: sys::GDExtensionConstStringNamePtr,
            arguments: *const sys::GDExtensionPropertyInfo,
            argument_count: sys::GDExtensionInt,
        ), class: class_name;
    fn unregister_class = c"classdb_unregister_extension_class"
        as sys::GDExtensionInterfaceClassdbUnregisterExtensionClass,
        (
            library: sys::GDExtensionClassLibraryPtr,
            class_name: sys::GDExtensionConstStringNamePtr,
        ), class: class_name;
}

/// The tag answered for the class left out: any non-null address of ours.
static LEFT_OUT_TAG: u8 = 0;

/// `classdb_get_class_tag`: a tag of ours for the class left out (gdext
/// checks registration by asking for it), Godot's answer for the others.
unsafe extern "C" fn get_class_tag(class_name: sys::GDExtensionConstStringNamePtr) -> *mut c_void {
    // SAFETY: gdext's live StringName, for Godot's function of this signature.
    unsafe {
        if is_left_out(class_name) {
            return (&raw const LEFT_OUT_TAG).cast_mut().cast();
        }
        godot_interface::function::<sys::GDExtensionInterfaceClassdbGetClassTag>(c"classdb_get_class_tag")
            .map_or(std::ptr::null_mut(), |godot| godot(class_name))
    }
}

/// `editor_help_load_xml_from_utf8_chars_and_len`: every help page but the
/// left-out class's, so the script's own documentation stays.
unsafe extern "C" fn load_help(xml: *const c_char, length: sys::GDExtensionInt) {
    // SAFETY: gdext passes UTF-8 of `length` bytes.
    let page = unsafe { std::slice::from_raw_parts(xml.cast::<u8>(), usize::try_from(length).unwrap_or(0)) };
    if is_help_page_of_left_out(page) {
        return;
    }
    // SAFETY: the name is paired with its signature; gdext's arguments.
    unsafe {
        if let Some(godot) = godot_interface::function::<sys::GDExtensionInterfaceEditorHelpLoadXmlFromUtf8CharsAndLen>(
            c"editor_help_load_xml_from_utf8_chars_and_len",
        ) {
            godot(xml, length);
        }
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
