//! Sets the emulation cfgs the cross test runners ask for, on this crate only.
//!
//! `tests/cross/*.sh` run the test suite under Wine or qemu-user, where a few
//! tests cannot run as written (`cfg(under_wine)`, `cfg(under_qemu)`). They
//! name the emulator in `MCP_UVCC_EMULATOR` rather than in `RUSTFLAGS`:
//! `RUSTFLAGS` reaches every crate and so rebuilds every dependency, while a
//! build script's cfg reaches this crate alone. The test builds then reuse the
//! dependencies (and the standard library) the release build of the same
//! target has compiled. Unset, as in every build users get, it sets nothing.

use std::env;

fn main() {
    println!("cargo::rerun-if-env-changed=MCP_UVCC_EMULATOR");
    match env::var("MCP_UVCC_EMULATOR").as_deref() {
        Ok("wine") => println!("cargo::rustc-cfg=under_wine"),
        Ok("qemu") => println!("cargo::rustc-cfg=under_qemu"),
        Ok("") | Err(env::VarError::NotPresent) => {}
        Ok(other) => panic!("MCP_UVCC_EMULATOR is '{other}': 'wine', 'qemu' or unset"),
        Err(env::VarError::NotUnicode(value)) => {
            panic!("MCP_UVCC_EMULATOR is not UTF-8: {value:?}")
        }
    }
}
