//! Conversions between Godot values and the plain Rust types of the sweep:
//! arguments read and checked, Dictionaries built.

use std::path::{Path, PathBuf};

use godot::classes::Engine;
use godot::prelude::*;

use crate::background::SweepOutcome;
use crate::location::climbs_out_of_godot_tree;
use crate::options::{parse_options, CallOptions, OptionError, OptionKey, OptionValue};
use crate::sweep::{SweepCounts, SweepOptions, SweepReport};
use crate::uv_cache_dir::{swept_roots, Resolution};

/// Why an argument was refused before anything was swept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ArgumentError {
    /// `builds_root` was not a `String` (or `StringName`).
    #[error("builds_root must be a String, got {found}")]
    RootNotAString {
        /// The Godot type it was.
        found: String,
    },
    /// A `res://` or `user://` path with a `..` component.
    #[error("builds_root \"{path}\" climbs out of its res:// or user:// tree with \"..\"")]
    RootClimbsOut {
        /// The path as given.
        path: String,
    },
    /// `options` was not a `Dictionary`.
    #[error("options must be a Dictionary, got {found}")]
    OptionsNotADictionary {
        /// The Godot type it was.
        found: String,
    },
    /// The options Dictionary itself was refused.
    #[error(transparent)]
    Option(#[from] OptionError),
}

/// Reads the `builds_root` argument: a `String` or `StringName`, a Godot path
/// (`user://`, `res://`) or OS path, converted to an OS path. An empty string
/// stays empty (and is refused by the sweep) rather than becoming the project
/// directory, which is what `globalize_path("")` gives.
pub(crate) fn root_argument(value: &Variant) -> Result<PathBuf, ArgumentError> {
    let path: GString = match value.get_type() {
        VariantType::STRING => value.to(),
        VariantType::STRING_NAME => GString::from(&value.to::<StringName>()),
        other => {
            return Err(ArgumentError::RootNotAString {
                found: type_name(other),
            })
        }
    };
    if path.is_empty() {
        return Ok(PathBuf::new());
    }
    let text = path.to_string();
    if climbs_out_of_godot_tree(&text) {
        return Err(ArgumentError::RootClimbsOut { path: text });
    }
    Ok(PathBuf::from(globalize_path(&path).to_string()))
}

/// `ProjectSettings.globalize_path(path)`, called by name: the crate builds
/// gdext's minimal class set (no `__codegen-full`, a third of the compile
/// time), which has no `ProjectSettings` type. A Godot without the singleton
/// (none ships one) gives the path unchanged.
fn globalize_path(path: &GString) -> GString {
    let engine = Engine::singleton();
    if !engine.has_singleton("ProjectSettings") {
        return path.clone();
    }
    match engine.get_singleton("ProjectSettings") {
        Some(mut settings) => settings.call("globalize_path", &[path.to_variant()]).to(),
        None => path.clone(),
    }
}

/// Reads the `options` argument, a Dictionary, on top of the default sweep
/// options (see [`options_from_dictionary`]).
pub(crate) fn options_argument(value: &Variant) -> Result<CallOptions, ArgumentError> {
    match value.get_type() {
        VariantType::DICTIONARY => Ok(options_from_dictionary(SweepOptions::default(), &value.to())?),
        other => Err(ArgumentError::OptionsNotADictionary {
            found: type_name(other),
        }),
    }
}

/// `{scanned, renamed, deleted, remaining}`, in that order, as ints.
pub(crate) fn counts_to_dictionary(counts: &SweepCounts) -> VarDictionary {
    vdict! {
        "scanned" => to_int(counts.scanned),
        "renamed" => to_int(counts.renamed),
        "deleted" => to_int(counts.deleted),
        "remaining" => to_int(counts.remaining),
    }
}

/// The four counts plus `files_removed`, `bytes_freed`, `elapsed_usec`,
/// `errors` (at most [`crate::sweep::DEFAULT_ERROR_CAPACITY`] strings, each
/// `"<path>: <operation>: <OS error>"`), `live` (directories spared because a
/// running process uses them) and `liveness` (`"processes"`, `"not needed"`,
/// or `"unavailable: <why>"` when only the age rule applied).
pub(crate) fn report_to_dictionary(report: &SweepReport) -> VarDictionary {
    report_dictionary(report, report.errors.kept().iter().map(ToString::to_string))
}

/// `{calls, builds_root, rule}`: what the last live sweep looked at.
pub(crate) fn live_sweep_dictionary(calls: u64, resolutions: &[Resolution]) -> VarDictionary {
    let mut dict = VarDictionary::new();
    dict.set("calls", to_int(calls));
    if let Some(own) = resolutions.first() {
        dict.set("builds_root", &GString::from(&root_text(own.builds_root.as_deref())));
        dict.set("rule", &GString::from(&own.rule));
    }
    let roots: Array<VarDictionary> = swept_roots(resolutions)
        .map(|(root, rule)| root_entry(root, rule))
        .collect();
    dict.set("roots", &roots);
    dict
}

/// One swept directory of `purge_stale_builds_report`'s `roots`:
/// `{builds_root, rule, scanned, renamed, deleted, remaining}`.
pub(crate) fn root_dictionary(root: &Path, rule: &str, counts: &SweepCounts) -> VarDictionary {
    let mut dict = root_entry(root, rule);
    for (key, value) in counts_to_dictionary(counts).iter_shared() {
        dict.set(&key, &value);
    }
    dict
}

/// `{builds_root, rule}` of one swept directory.
fn root_entry(root: &Path, rule: &str) -> VarDictionary {
    let mut dict = VarDictionary::new();
    dict.set("builds_root", &GString::from(&root_text(Some(root))));
    dict.set("rule", &GString::from(rule));
    dict
}

/// A directory as the reports show it; `""` for none.
pub(crate) fn root_text(root: Option<&Path>) -> String {
    root.map(|path| path.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The full report Dictionary of a sweep's outcome: the report of a sweep,
/// or zeros with the refusal (or nothing) in `errors`.
pub(crate) fn outcome_report_dictionary(outcome: &SweepOutcome) -> VarDictionary {
    match outcome {
        SweepOutcome::Swept(report) => report_to_dictionary(report),
        SweepOutcome::Refused(err) => report_dictionary(&SweepReport::empty(), std::iter::once(err.to_string())),
        SweepOutcome::Panicked(_) => report_to_dictionary(&SweepReport::empty()),
    }
}

fn report_dictionary(report: &SweepReport, errors: impl Iterator<Item = String>) -> VarDictionary {
    let mut dict = counts_to_dictionary(&report.counts);
    dict.set("files_removed", to_int(report.removal.files_removed));
    dict.set("bytes_freed", to_int(report.removal.bytes_freed));
    dict.set(
        "elapsed_usec",
        to_int(report.elapsed.as_micros().try_into().unwrap_or(u64::MAX)),
    );
    let errors: Array<GString> = errors.map(|text| GString::from(&text)).collect();
    dict.set("errors", &errors);
    dict.set("live", to_int(report.live));
    dict.set("liveness", &GString::from(&report.liveness.to_string()));
    dict
}

/// Reads an options Dictionary on top of `base`. Keys and values are only
/// classified here; [`parse_options`] decides.
pub(crate) fn options_from_dictionary(base: SweepOptions, dict: &VarDictionary) -> Result<CallOptions, OptionError> {
    let entries = dict.iter_shared().map(|(key, value)| {
        let key = match key.get_type() {
            VariantType::STRING | VariantType::STRING_NAME => OptionKey::Name(key.to_string()),
            other => OptionKey::NotAString(type_name(other)),
        };
        let value = match value.get_type() {
            VariantType::INT => OptionValue::Int(value.to::<i64>()),
            VariantType::BOOL => OptionValue::Bool(value.to::<bool>()),
            other => OptionValue::Other(type_name(other)),
        };
        (key, value)
    });
    parse_options(base, entries)
}

fn type_name(variant_type: VariantType) -> String {
    match variant_type {
        VariantType::NIL => "null".to_owned(),
        VariantType::FLOAT => "float".to_owned(),
        VariantType::STRING => "String".to_owned(),
        VariantType::STRING_NAME => "StringName".to_owned(),
        VariantType::INT => "int".to_owned(),
        VariantType::BOOL => "bool".to_owned(),
        VariantType::DICTIONARY => "Dictionary".to_owned(),
        VariantType::ARRAY => "Array".to_owned(),
        VariantType::OBJECT => "Object".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Godot ints are `i64`; a count never comes near the limit, but saturate
/// rather than wrap if it ever did.
pub(crate) fn to_int(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
