//! The raw GDExtension interface, for the moments gdext cannot serve: the
//! entry point before gdext is initialised (or when it never is), and the
//! class filter's shims, which stand between gdext and Godot.
//!
//! Everything here goes through Godot's `get_proc_address`, kept once in
//! [`GET_PROC_ADDRESS`]. Asking an older Godot for a function it lacks logs
//! an `ERROR` line, so callers ask only for functions every Godot from 4.3
//! has, or check [`godot_version`] first.

use std::ffi::{c_char, c_void, CStr};
use std::path::PathBuf;
use std::sync::OnceLock;

use godot::sys;

/// Godot's `get_proc_address`. Written once, by the entry point
/// (`gdext_rust_init`) before it hands anything to gdext; read by every
/// function here, from the entry point and from the class filter's shims.
static GET_PROC_ADDRESS: OnceLock<sys::GDExtensionInterfaceGetProcAddress> = OnceLock::new();

/// Keeps Godot's `get_proc_address`. The entry point calls it first; later
/// calls are ignored (Godot loads the library once).
pub(super) fn keep_get_proc_address(get_proc_address: sys::GDExtensionInterfaceGetProcAddress) {
    let _ = GET_PROC_ADDRESS.set(get_proc_address);
}

/// Godot's own function `name`, as Godot's `get_proc_address` answers it
/// (`None` before [`keep_get_proc_address`], or where Godot lacks it).
pub(super) fn raw_function(name: *const c_char) -> sys::GDExtensionInterfaceFunctionPtr {
    let get_proc_address = GET_PROC_ADDRESS.get().copied().flatten()?;
    // SAFETY: Godot's get_proc_address takes a NUL-terminated name, which
    // every caller passes (a `CStr`, or gdext's own names).
    unsafe { get_proc_address(name) }
}

/// The interface function `name`, cast to its signature `F`, if this Godot
/// has it.
///
/// # Safety
/// `F` must be the function-pointer type of the interface function `name`.
pub(super) unsafe fn function<F: Copy>(name: &CStr) -> Option<F> {
    let function = raw_function(name.as_ptr())?;
    debug_assert_eq!(size_of::<F>(), size_of_val(&function));
    // SAFETY: the caller guarantees `F` is the function's real signature.
    Some(unsafe { std::mem::transmute_copy::<unsafe extern "C" fn(), F>(&function) })
}

/// The running Godot's `(major, minor)`, if it can be read.
pub(super) fn godot_version() -> Option<(u32, u32)> {
    // SAFETY: the name is paired with its interface signature.
    let get_version = unsafe { function::<sys::GDExtensionInterfaceGetGodotVersion>(c"get_godot_version")? };
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

/// True if the running Godot is `(major, minor)` or newer; false if its
/// version cannot be read.
pub(super) fn godot_is_at_least(since: (u32, u32)) -> bool {
    godot_version().is_some_and(|version| version >= since)
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
pub(super) fn editor_is_running() -> bool {
    // SAFETY: each name is paired with its interface signature.
    let Some((new_name, get_singleton, get_method_bind, ptrcall, destroy_name)) = (unsafe {
        (|| {
            Some((
                function::<sys::GDExtensionInterfaceStringNameNewWithLatin1Chars>(
                    c"string_name_new_with_latin1_chars",
                )?,
                function::<sys::GDExtensionInterfaceGlobalGetSingleton>(c"global_get_singleton")?,
                function::<sys::GDExtensionInterfaceClassdbGetMethodBind>(c"classdb_get_method_bind")?,
                function::<sys::GDExtensionInterfaceObjectMethodBindPtrcall>(c"object_method_bind_ptrcall")?,
                string_name_destructor()?,
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

/// True if `class_name` is the StringName of `text`. False if Godot cannot be
/// asked. Two StringNames are equal exactly when their one pointer to
/// interned data is (Godot's own `operator==`), so this makes the name of
/// `text`, compares the pointers, and destroys it.
///
/// # Safety
/// `class_name` points to a live `StringName`.
pub(super) unsafe fn string_name_is(class_name: sys::GDExtensionConstStringNamePtr, text: &CStr) -> bool {
    // SAFETY: the name is paired with its interface signature.
    let new_name =
        unsafe { function::<sys::GDExtensionInterfaceStringNameNewWithUtf8Chars>(c"string_name_new_with_utf8_chars") };
    let (Some(new_name), Some(destroy_name)) = (new_name, string_name_destructor()) else {
        return false;
    };
    let mut ours = std::mem::MaybeUninit::<*const c_void>::uninit();
    // SAFETY: `ours` is writable storage of a StringName's size (one
    // pointer), made here and destroyed below; `class_name` is live.
    unsafe {
        new_name(ours.as_mut_ptr().cast(), text.as_ptr());
        let same = ours.assume_init() == class_name.cast::<*const c_void>().read();
        destroy_name(ours.as_mut_ptr().cast());
        same
    }
}

/// The destructor of a StringName, if Godot has one.
fn string_name_destructor() -> sys::GDExtensionPtrDestructor {
    // SAFETY: the name is paired with its interface signature.
    let get = unsafe { function::<sys::GDExtensionInterfaceVariantGetPtrDestructor>(c"variant_get_ptr_destructor") }?;
    // SAFETY: a plain lookup by variant type.
    unsafe { get(sys::GDEXTENSION_VARIANT_TYPE_STRING_NAME) }
}

/// The absolute path of this library, as Godot loaded it.
///
/// # Safety
/// `library` is the pointer Godot passed to the entry point.
pub(super) unsafe fn library_path(library: sys::GDExtensionClassLibraryPtr) -> Option<PathBuf> {
    // SAFETY: each name is paired with its interface signature.
    let (get_library_path, to_utf8, get_destructor) = unsafe {
        (
            function::<sys::GDExtensionInterfaceGetLibraryPath>(c"get_library_path")?,
            function::<sys::GDExtensionInterfaceStringToUtf8Chars>(c"string_to_utf8_chars")?,
            function::<sys::GDExtensionInterfaceVariantGetPtrDestructor>(c"variant_get_ptr_destructor")?,
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
