//! Systems without a process check here (the BSDs, …): the sweep falls back
//! to its age rule and says so in its report.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::SystemTime;

use super::ProcessUse;

/// Always the reason there is no check.
pub(super) fn visit_processes(
    _except: u32,
    _full_read_after: Option<SystemTime>,
    _visit: &mut dyn FnMut(ProcessUse) -> ControlFlow<()>,
) -> Result<usize, String> {
    Err(format!("no process check on {}", std::env::consts::OS))
}

/// Who holds uv's locks cannot be told here.
pub(super) fn lock_holder_starts(_locks: &[PathBuf]) -> Option<Vec<Option<SystemTime>>> {
    None
}
