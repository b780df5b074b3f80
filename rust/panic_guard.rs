//! Keeps Rust panics from unwinding into Godot.
//!
//! A panic that crosses the GDExtension boundary aborts the editor. The Godot
//! layer runs every call through [`catch`] and turns a panic into zeros plus an
//! error message. The crate is built with the default `panic = "unwind"` for
//! exactly this reason (a `panic = "abort"` build could not catch anything).

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

/// Runs `f`, returning its value, or the panic's message if it panicked.
///
/// `f` is treated as unwind-safe: its callers discard all state it touched
/// when it panics.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| panic_message(payload.as_ref()))
}

/// The text of a panic payload (`&str` or `String`), or a placeholder.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value_when_nothing_panics() {
        assert_eq!(catch(|| 41 + 1), Ok(42));
    }

    #[test]
    fn turns_str_and_string_panics_into_their_message() {
        assert_eq!(catch(|| -> u8 { panic!("static text") }), Err("static text".to_owned()));
        let n = 7;
        assert_eq!(
            catch(|| -> u8 { panic!("formatted {n}") }),
            Err("formatted 7".to_owned())
        );
    }

    #[test]
    fn other_payloads_get_a_placeholder() {
        let err = catch(|| -> u8 { std::panic::panic_any(12_u32) }).unwrap_err();
        assert_eq!(err, "panic with a non-text payload");
    }
}
