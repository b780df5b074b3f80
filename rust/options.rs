//! The options Dictionary of `purge_directory_with`, checked in plain Rust.
//!
//! The Godot layer turns each entry into a `(key, OptionValue)` pair; this
//! module decides what it means. Anything it does not understand is an error
//! naming the key, and the caller then sweeps nothing: a typo in an option
//! must not silently fall back to a sweep the user did not ask for.

use std::num::NonZeroUsize;
use std::time::Duration;

use crate::sweep::SweepOptions;

/// `min_age_sec`: seconds; a `.tmp*` dir touched more recently is spared.
pub(crate) const MIN_AGE_SEC: &str = "min_age_sec";
/// `dry_run`: report, touch nothing.
pub(crate) const DRY_RUN: &str = "dry_run";
/// `threads`: how many threads remove dead dirs at once.
pub(crate) const THREADS: &str = "threads";
/// `log_summary`: print one line to the Output when anything was swept or
/// remains.
pub(crate) const LOG_SUMMARY: &str = "log_summary";
/// Every key the options Dictionary accepts.
pub(crate) const KNOWN_KEYS: [&str; 4] = [MIN_AGE_SEC, DRY_RUN, THREADS, LOG_SUMMARY];

/// What an options Dictionary asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallOptions {
    /// How to sweep.
    pub sweep: SweepOptions,
    /// Whether to print a summary line when done.
    pub log_summary: bool,
}

/// Upper bound of the `threads` option: more threads than this only contend
/// for the same disk.
pub(crate) const MAX_THREADS: usize = 16;

/// One option value, as far as the options care about its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OptionValue {
    /// A Godot `int`.
    Int(i64),
    /// A Godot `bool`.
    Bool(bool),
    /// Anything else, by its Godot type name (`float`, `String`, …).
    Other(String),
}

/// A key of the options Dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OptionKey {
    /// A `String` or `StringName` key.
    Name(String),
    /// A key of another type, by its Godot type name.
    NotAString(String),
}

/// Why an options Dictionary was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum OptionError {
    /// A key that is not one of [`KNOWN_KEYS`].
    #[error("unknown option \"{key}\" (known: {})", KNOWN_KEYS.join(", "))]
    UnknownKey {
        /// The key as given.
        key: String,
    },
    /// A key that is not a string at all.
    #[error("option keys must be strings, got a key of type {type_name}")]
    KeyNotAString {
        /// The Godot type of the key.
        type_name: String,
    },
    /// A known key with a value of the wrong type.
    #[error("option \"{key}\" must be {expected}, got {found}")]
    WrongType {
        /// The key.
        key: &'static str,
        /// The type it takes.
        expected: &'static str,
        /// The type it was given.
        found: String,
    },
    /// A known key with a value outside its range.
    #[error("option \"{key}\" must be {}, got {value}", IntRange { min: *min, max: *max })]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// The smallest value it takes.
        min: i64,
        /// The largest value it takes; `None`: no limit.
        max: Option<i64>,
        /// The value it was given.
        value: i64,
    },
}

/// Reads the entries of an options Dictionary, on top of the sweep options
/// `base` (and no summary line).
///
/// # Errors
/// The first entry that is not understood, naming its key.
pub(crate) fn parse_options(
    base: SweepOptions,
    entries: impl IntoIterator<Item = (OptionKey, OptionValue)>,
) -> Result<CallOptions, OptionError> {
    let mut options = base;
    let mut log_summary = false;
    for (key, value) in entries {
        let key = match key {
            OptionKey::Name(name) => name,
            OptionKey::NotAString(type_name) => return Err(OptionError::KeyNotAString { type_name }),
        };
        match key.as_str() {
            MIN_AGE_SEC => {
                let seconds = int_in(MIN_AGE_SEC, value, 0, None)?;
                options.min_age = Duration::from_secs(seconds.unsigned_abs());
            }
            DRY_RUN => options.dry_run = bool_of(DRY_RUN, value)?,
            LOG_SUMMARY => log_summary = bool_of(LOG_SUMMARY, value)?,
            THREADS => {
                let threads = int_in(THREADS, value, 1, Some(MAX_THREADS as i64))?;
                options.threads = NonZeroUsize::new(threads as usize).expect("checked >= 1");
            }
            _ => return Err(OptionError::UnknownKey { key }),
        }
    }
    Ok(CallOptions {
        sweep: options,
        log_summary,
    })
}

fn bool_of(key: &'static str, value: OptionValue) -> Result<bool, OptionError> {
    match value {
        OptionValue::Bool(flag) => Ok(flag),
        other => Err(wrong_type(key, "a bool", other)),
    }
}

/// An int from `min` to `max` (no upper limit when `None`).
fn int_in(key: &'static str, value: OptionValue, min: i64, max: Option<i64>) -> Result<i64, OptionError> {
    match value {
        OptionValue::Int(n) if n >= min && max.is_none_or(|max| n <= max) => Ok(n),
        OptionValue::Int(n) => Err(OptionError::OutOfRange {
            key,
            min,
            max,
            value: n,
        }),
        other => Err(wrong_type(key, "an int", other)),
    }
}

/// The range of an int option, as its error message says it.
struct IntRange {
    min: i64,
    max: Option<i64>,
}

impl std::fmt::Display for IntRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max {
            Some(max) => write!(f, "an int from {} to {max}", self.min),
            None => write!(f, "an int >= {}", self.min),
        }
    }
}

fn wrong_type(key: &'static str, expected: &'static str, found: OptionValue) -> OptionError {
    let found = match found {
        OptionValue::Int(_) => "int".to_owned(),
        OptionValue::Bool(_) => "bool".to_owned(),
        OptionValue::Other(type_name) => type_name,
    };
    OptionError::WrongType { key, expected, found }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(key: &str, value: OptionValue) -> (OptionKey, OptionValue) {
        (OptionKey::Name(key.to_owned()), value)
    }

    #[test]
    fn no_entries_keep_the_base() {
        let parsed = parse_options(SweepOptions::default(), []).unwrap();
        assert_eq!(parsed.sweep, SweepOptions::default());
        assert!(!parsed.log_summary);
    }

    #[test]
    fn known_keys_set_their_options() {
        let options = parse_options(
            SweepOptions::default(),
            [
                named("min_age_sec", OptionValue::Int(30)),
                named("dry_run", OptionValue::Bool(true)),
                named("threads", OptionValue::Int(3)),
                named("log_summary", OptionValue::Bool(true)),
            ],
        )
        .unwrap();
        assert!(options.log_summary);
        let options = options.sweep;
        assert_eq!(options.min_age, Duration::from_secs(30));
        assert!(options.dry_run);
        assert_eq!(options.threads.get(), 3);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused_naming_the_key() {
        let refuse = |entry| parse_options(SweepOptions::default(), [entry]).unwrap_err();
        let err = refuse(named("min_age", OptionValue::Int(1)));
        assert_eq!(err, OptionError::UnknownKey { key: "min_age".into() });
        assert!(err.to_string().contains("\"min_age\""));
        let err = refuse(named("min_age_sec", OptionValue::Other("float".into())));
        assert!(
            err.to_string().contains("\"min_age_sec\" must be an int, got float"),
            "{err}"
        );
        let err = refuse(named("min_age_sec", OptionValue::Bool(true)));
        assert!(err.to_string().contains("got bool"), "{err}");
        let err = refuse(named("dry_run", OptionValue::Int(1)));
        assert!(err.to_string().contains("\"dry_run\" must be a bool, got int"), "{err}");
        let err = refuse(named("min_age_sec", OptionValue::Int(-1)));
        assert!(matches!(
            err,
            OptionError::OutOfRange {
                key: "min_age_sec",
                value: -1,
                ..
            }
        ));
        let err = refuse(named("threads", OptionValue::Int(0)));
        assert!(matches!(err, OptionError::OutOfRange { key: "threads", .. }));
        let err = refuse((OptionKey::NotAString("int".into()), OptionValue::Int(1)));
        assert!(matches!(err, OptionError::KeyNotAString { .. }));
    }

    #[test]
    fn messages_list_every_known_key_and_state_each_range() {
        let refuse = |entry| parse_options(SweepOptions::default(), [entry]).unwrap_err().to_string();
        let unknown = refuse(named("bogus", OptionValue::Int(1)));
        assert_eq!(
            unknown,
            format!("unknown option \"bogus\" (known: {})", KNOWN_KEYS.join(", "))
        );
        for key in KNOWN_KEYS {
            assert!(unknown.contains(key), "{unknown}");
        }
        assert_eq!(
            refuse(named(THREADS, OptionValue::Int(17))),
            format!("option \"threads\" must be an int from 1 to {MAX_THREADS}, got 17")
        );
        assert_eq!(
            refuse(named(MIN_AGE_SEC, OptionValue::Int(-5))),
            "option \"min_age_sec\" must be an int >= 0, got -5"
        );
    }
}
