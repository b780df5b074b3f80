//! Which cache directory uv uses, resolved as uv resolves it for the `uvx`
//! that godot-ai starts from the editor (so from the editor's own environment
//! and working directory), on Windows, macOS, Linux and the BSDs.
//!
//! uv's order (uv's documentation, "Storage" and "Configuration files"; uv's
//! `Cache::from_settings`, `uv-dirs` and its settings resolution for `uv
//! tool` commands, which read user- and system-level configuration only):
//!
//! 1. `UV_NO_CACHE` (or `no-cache = true` in a configuration file): a
//!    throwaway cache, so there is no `builds-v0` to sweep;
//! 2. `UV_CACHE_DIR`;
//! 3. `cache-dir` in the configuration: the file `UV_CONFIG_FILE` names, or
//!    else the user-level file over the system-level one; `UV_NO_CONFIG`
//!    turns the files off. On Windows `%APPDATA%\uv\uv.toml` and
//!    `%PROGRAMDATA%\uv\uv.toml`; on Unix `$XDG_CONFIG_HOME/uv/uv.toml`
//!    (or `~/.config/uv/uv.toml`) and the first `uv/uv.toml` of the
//!    `$XDG_CONFIG_DIRS` that exists (or `/etc/uv/uv.toml`);
//! 4. the system's default: on Windows `%LOCALAPPDATA%\uv\cache`, else `uv\cache` in
//!    the known folder `FOLDERID_LocalAppData`; on macOS the legacy
//!    `~/Library/Caches/uv` if it exists; on Unix `$XDG_CACHE_HOME/uv`, else
//!    `~/.cache/uv` (an `XDG_*` variable counts only when it is an absolute
//!    path, as the XDG specification and uv's `etcetera` say).
//!
//! A user's uv may also build in uv's default cache whatever this process's
//! environment says: godot-ai 4 starts its server with `uvx --isolated
//! --no-config` and `UV_CACHE_DIR`, `UV_CONFIG_FILE`, `UV_NO_CONFIG` and
//! `UV_LINK_MODE` removed from its environment. [`resolve_every_cache`] gives
//! both, each once.
//!
//! Where uv itself would refuse to run (a configuration file that does not
//! parse, a value of the wrong type, a variable uv cannot read), no `uvx`
//! builds anything, so nothing is swept, with a warning naming the cause.
//! Where uv's answer is not certain (a relative `cache-dir` in a file, an
//! empty variable), nothing is swept either: never a directory uv would not
//! use. The environment, the known folders and the files are inputs, so every
//! rule is tested on any OS.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::known_folder::{known_folder, KnownFolder};
use crate::location::{System, WINDOWS_OS_NAME};

/// The builds directory below uv's cache directory.
pub const BUILDS_DIR: &str = "builds-v0";

/// What the resolution reads: all of it injected, so tests control it.
pub struct UvEnvironment<'a> {
    /// `OS.get_name()`: `"Windows"`, `"macOS"`, `"Linux"` and the BSDs
    /// resolve a cache; Android, iOS and the Web have no uv.
    pub os_name: &'a str,
    /// An environment variable, usually `std::env::var_os`.
    pub var: &'a dyn Fn(&str) -> Option<OsString>,
    /// A known folder's path, if Windows has it.
    pub known_folder: &'a dyn Fn(KnownFolder) -> Option<PathBuf>,
    /// The working directory `uvx` inherits, for a relative `UV_CACHE_DIR`.
    pub current_dir: Option<PathBuf>,
    /// The user's home on Unix, as uv finds it (`$HOME`, else the password
    /// database): `std::env::home_dir`.
    pub home: Option<PathBuf>,
    /// Where the system-wide `uv/uv.toml` is on Unix when `XDG_CONFIG_DIRS`
    /// names none: `/etc`.
    pub etc: PathBuf,
}

impl UvEnvironment<'_> {
    /// This process's environment, known folders, working directory and
    /// home, on the system Godot calls `os_name`.
    fn of_this_process(os_name: &str, run: impl FnOnce(&UvEnvironment) -> Vec<Resolution>) -> Vec<Resolution> {
        run(&UvEnvironment {
            os_name,
            var: &|name| std::env::var_os(name),
            known_folder: &known_folder,
            current_dir: std::env::current_dir().ok(),
            home: std::env::home_dir(),
            etc: PathBuf::from("/etc"),
        })
    }
}

/// The answer: the builds directory to sweep (or none), which rule decided,
/// and what the user should know about the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// `<cache>/builds-v0`, or `None` when nothing is to be swept.
    pub builds_root: Option<PathBuf>,
    /// The rule that decided, as the report shows it: `"UV_CACHE_DIR"`,
    /// `"user uv.toml"`, `"LOCALAPPDATA"`, `"UV_NO_CACHE"`, `"not Windows"`…
    pub rule: String,
    /// Warnings for the Output, each naming the variable or file and what
    /// was done instead.
    pub warnings: Vec<String>,
}

impl Resolution {
    fn sweep(cache_dir: PathBuf, rule: impl Into<String>, warnings: Vec<String>) -> Resolution {
        Resolution {
            builds_root: Some(cache_dir.join(BUILDS_DIR)),
            rule: rule.into(),
            warnings,
        }
    }

    fn nothing(rule: impl Into<String>, warnings: Vec<String>) -> Resolution {
        Resolution {
            builds_root: None,
            rule: rule.into(),
            warnings,
        }
    }
}

/// Resolves uv's builds directory as the `uvx` this process starts would:
/// from this process's environment, known folders and working directory.
/// `os_name` is Godot's `OS.get_name()`.
pub fn resolve_for_this_process(os_name: &str) -> Resolution {
    UvEnvironment::of_this_process(os_name, |env| vec![resolve(env)]).swap_remove(0)
}

/// Every builds directory a uv of this user may build in, each once: the one
/// `env` resolves ([`resolve`]: what the `uvx` this process starts uses),
/// then uv's default one, as a `uvx --isolated --no-config` started without
/// [`DEFAULT_CACHE_UNSET`] resolves it (godot-ai 4's server). The second is
/// left out when it is the first's directory or resolves to nothing (so any
/// warning it shares with the first, which comes from a fallback both take,
/// is never given twice); its rule says which server uses it (`"uv default:
/// LOCALAPPDATA"`).
pub fn resolve_every_cache(env: &UvEnvironment) -> Vec<Resolution> {
    let own = resolve(env);
    let without_configuration = |name: &str| match name {
        // `--no-config`: no uv.toml is read.
        "UV_NO_CONFIG" => Some(OsString::from("1")),
        name if DEFAULT_CACHE_UNSET.contains(&name) => None,
        name => (env.var)(name),
    };
    let default = resolve(&UvEnvironment {
        os_name: env.os_name,
        var: &without_configuration,
        known_folder: env.known_folder,
        current_dir: env.current_dir.clone(),
        home: env.home.clone(),
        etc: env.etc.clone(),
    });
    if default.builds_root.is_none() || default.builds_root == own.builds_root {
        return vec![own];
    }
    let default = Resolution {
        rule: format!("{DEFAULT_CACHE_RULE_PREFIX}{}", default.rule),
        ..default
    };
    vec![own, default]
}

/// The directories of `resolutions` that are swept, each with its rule, in
/// order.
pub fn swept_roots(resolutions: &[Resolution]) -> impl Iterator<Item = (&Path, &str)> {
    resolutions.iter().filter_map(|resolution| {
        let root = resolution.builds_root.as_deref()?;
        Some((root, resolution.rule.as_str()))
    })
}

/// [`resolve_every_cache`] for this process (see [`resolve_for_this_process`]).
pub fn resolve_every_cache_for_this_process(os_name: &str) -> Vec<Resolution> {
    UvEnvironment::of_this_process(os_name, resolve_every_cache)
}

/// What the drop-in `McpUvCacheCleanup.purge_stale_builds()` sweeps: as
/// [`resolve_every_cache_for_this_process`] on Windows, nothing elsewhere
/// (rule `"not Windows"`), which is the GDScript class's contract and what
/// godot-ai's own tests expect off Windows.
pub fn resolve_drop_in_caches_for_this_process(os_name: &str) -> Vec<Resolution> {
    if os_name != WINDOWS_OS_NAME {
        return vec![Resolution::nothing(NOT_WINDOWS_RULE, Vec::new())];
    }
    resolve_every_cache_for_this_process(os_name)
}

/// The rule of the drop-in's answer off Windows.
pub const NOT_WINDOWS_RULE: &str = "not Windows";

/// The variables godot-ai 4 removes from its server's environment, so that
/// its `uvx --isolated --no-config` uses uv's default cache.
pub const DEFAULT_CACHE_UNSET: [&str; 4] = ["UV_CACHE_DIR", "UV_CONFIG_FILE", "UV_NO_CONFIG", "UV_LINK_MODE"];

/// How the rule of uv's default cache begins, when it is a second cache.
pub const DEFAULT_CACHE_RULE_PREFIX: &str = "uv default: ";

/// Resolves uv's builds directory for `env`; see the module documentation
/// for the order.
pub fn resolve(env: &UvEnvironment) -> Resolution {
    let system = System::from_os_name(env.os_name);
    if system == System::WithoutUv {
        return Resolution::nothing(format!("no uv on {}", env.os_name), Vec::new());
    }
    let warnings = Vec::new();
    let no_cache_env = match boolish(env, "UV_NO_CACHE") {
        Ok(value) => value.unwrap_or(false),
        Err(warning) => return refuse("UV_NO_CACHE", warning),
    };
    let cache_dir_env = match env_path(env, "UV_CACHE_DIR") {
        Ok(value) => value,
        Err(warning) => return refuse("UV_CACHE_DIR", warning),
    };
    let config = match read_configuration(env, system) {
        Ok(config) => config,
        Err((rule, warning)) => return refuse(&rule, warning),
    };
    if no_cache_env {
        return Resolution::nothing("UV_NO_CACHE", warnings);
    }
    if let Some(source) = config.no_cache_from {
        return Resolution::nothing(format!("no-cache in {source}"), warnings);
    }
    if let Some(dir) = cache_dir_env {
        let dir = match (dir.is_absolute(), &env.current_dir) {
            (true, _) => dir,
            (false, Some(cwd)) => cwd.join(dir),
            (false, None) => {
                return refuse(
                    "UV_CACHE_DIR",
                    format!(
                        "UV_CACHE_DIR is the relative path {} and the working directory is unknown",
                        dir.display()
                    ),
                )
            }
        };
        return Resolution::sweep(dir, "UV_CACHE_DIR", warnings);
    }
    if let Some((dir, source)) = config.cache_dir {
        return Resolution::sweep(dir, source, warnings);
    }
    match system {
        System::Windows => windows_default(env, warnings),
        System::MacOs | System::OtherUnix => unix_default(env, system, warnings),
        System::WithoutUv => unreachable!("returned above"),
    }
}

/// uv's default cache on Windows: `%LOCALAPPDATA%\uv\cache`, else the known
/// folder's.
fn windows_default(env: &UvEnvironment, mut warnings: Vec<String>) -> Resolution {
    match non_empty(env, "LOCALAPPDATA") {
        Some(local) => Resolution::sweep(PathBuf::from(local).join("uv").join("cache"), "LOCALAPPDATA", warnings),
        None => match (env.known_folder)(KnownFolder::LocalAppData) {
            Some(local) => {
                if (env.var)("LOCALAPPDATA").is_some() {
                    warnings.push(format!(
                        "LOCALAPPDATA is set but empty; using the known folder FOLDERID_LocalAppData ({}), as uv does",
                        local.display()
                    ));
                }
                Resolution::sweep(local.join("uv").join("cache"), "FOLDERID_LocalAppData", warnings)
            }
            None => {
                warnings.push(
                    "LOCALAPPDATA is unset or empty and Windows has no FOLDERID_LocalAppData; uv's cache directory \
                     is unknown, so nothing is swept"
                        .to_owned(),
                );
                Resolution::nothing("no cache directory", warnings)
            }
        },
    }
}

/// uv's default cache on Unix: on macOS the legacy `~/Library/Caches/uv`
/// when it exists (uv keeps using a cache made by an older uv), then
/// `$XDG_CACHE_HOME/uv`, then `~/.cache/uv`.
fn unix_default(env: &UvEnvironment, system: System, mut warnings: Vec<String>) -> Resolution {
    if system == System::MacOs {
        if let Some(legacy) = env
            .home
            .as_ref()
            .map(|home| home.join("Library").join("Caches").join("uv"))
        {
            if legacy.is_dir() {
                return Resolution::sweep(legacy, MACOS_LEGACY_RULE, warnings);
            }
        }
    }
    if let Some(cache_home) = xdg_dir(env, "XDG_CACHE_HOME") {
        return Resolution::sweep(cache_home.join("uv"), "XDG_CACHE_HOME", warnings);
    }
    match &env.home {
        Some(home) => Resolution::sweep(home.join(".cache").join("uv"), "HOME", warnings),
        None => {
            warnings.push(
                "neither XDG_CACHE_HOME nor a home directory is known; uv's cache directory is unknown, so nothing \
                 is swept"
                    .to_owned(),
            );
            Resolution::nothing("no cache directory", warnings)
        }
    }
}

/// The rule of macOS's legacy cache, `~/Library/Caches/uv`.
pub const MACOS_LEGACY_RULE: &str = "Library/Caches";

/// An XDG base directory variable, counted only when it is an absolute path
/// (the XDG specification: a relative one is invalid and ignored).
fn xdg_dir(env: &UvEnvironment, name: &str) -> Option<PathBuf> {
    non_empty(env, name).map(PathBuf::from).filter(|dir| dir.is_absolute())
}

/// Nothing swept, with one warning that says so.
fn refuse(rule: &str, warning: String) -> Resolution {
    Resolution::nothing(
        rule,
        vec![format!(
            "{warning}; uv's cache directory is unknown, so nothing is swept"
        )],
    )
}

/// The value of `name` unless unset or empty.
fn non_empty(env: &UvEnvironment, name: &str) -> Option<OsString> {
    (env.var)(name).filter(|value| !value.is_empty())
}

/// A path variable: `Ok(None)` when unset, an error when set but empty
/// (uv's answer for an empty path is not documented).
fn env_path(env: &UvEnvironment, name: &str) -> Result<Option<PathBuf>, String> {
    match (env.var)(name) {
        None => Ok(None),
        Some(value) if value.is_empty() => Err(format!("{name} is set but empty")),
        Some(value) => Ok(Some(PathBuf::from(value))),
    }
}

/// A boolean variable as uv reads it (clap's boolish values, any case):
/// `Ok(None)` when unset, an error for a value uv refuses to start with.
fn boolish(env: &UvEnvironment, name: &str) -> Result<Option<bool>, String> {
    let Some(value) = (env.var)(name) else {
        return Ok(None);
    };
    match value.to_string_lossy().to_ascii_lowercase().as_str() {
        "y" | "yes" | "t" | "true" | "on" | "1" => Ok(Some(true)),
        "n" | "no" | "f" | "false" | "off" | "0" => Ok(Some(false)),
        other => Err(format!(
            "{name} is \"{other}\", which uv does not accept as true or false"
        )),
    }
}

/// What the configuration files say about the cache.
#[derive(Debug, Default)]
struct Configuration {
    /// `cache-dir` and the file it came from.
    cache_dir: Option<(PathBuf, String)>,
    /// The file that set `no-cache = true`, if any.
    no_cache_from: Option<String>,
}

/// One configuration file's settings.
#[derive(Debug, Default)]
struct FileSettings {
    cache_dir: Option<PathBuf>,
    no_cache: Option<bool>,
}

/// Reads the configuration files uv reads for `uvx`, the first one listed
/// winning for each setting. An error is `(rule, warning)`.
fn read_configuration(env: &UvEnvironment, system: System) -> Result<Configuration, (String, String)> {
    let files = match configuration_files(env, system) {
        Ok(files) => files,
        Err(warning) => return Err(("UV_CONFIG_FILE".to_owned(), warning)),
    };
    let mut config = Configuration::default();
    for (path, label, required) in files {
        let settings = read_settings(&path, &label, required).map_err(|warning| (label.clone(), warning))?;
        if config.cache_dir.is_none() {
            if let Some(dir) = settings.cache_dir {
                config.cache_dir = Some((dir, label.clone()));
            }
        }
        if config.no_cache_from.is_none() && settings.no_cache == Some(true) {
            config.no_cache_from = Some(label);
        }
    }
    Ok(config)
}

/// The configuration files to read, most important first, as
/// `(path, label, required)`: a required file (named by `UV_CONFIG_FILE`)
/// must exist.
fn configuration_files(env: &UvEnvironment, system: System) -> Result<Vec<(PathBuf, String, bool)>, String> {
    if let Some(file) = env_path(env, "UV_CONFIG_FILE")? {
        return Ok(vec![(file, "UV_CONFIG_FILE".to_owned(), true)]);
    }
    if boolish(env, "UV_NO_CONFIG")?.unwrap_or(false) {
        return Ok(Vec::new());
    }
    if system != System::Windows {
        return Ok(unix_configuration_files(env));
    }
    let mut files = Vec::new();
    let folder = |name: &str, known: KnownFolder| {
        non_empty(env, name)
            .map(PathBuf::from)
            .or_else(|| (env.known_folder)(known))
    };
    if let Some(app_data) = folder("APPDATA", KnownFolder::RoamingAppData) {
        files.push((app_data.join("uv").join("uv.toml"), "user uv.toml".to_owned(), false));
    }
    if let Some(program_data) = folder("PROGRAMDATA", KnownFolder::ProgramData) {
        files.push((
            program_data.join("uv").join("uv.toml"),
            "system uv.toml".to_owned(),
            false,
        ));
    }
    Ok(files)
}

/// The user file (`$XDG_CONFIG_HOME/uv/uv.toml`, else
/// `~/.config/uv/uv.toml`), then the system file, as uv's settings find it:
/// the first `<dir>/uv/uv.toml` that is a file among the `XDG_CONFIG_DIRS`
/// (split at `:`, up to the first empty entry; `/etc/xdg` when unset or
/// empty), else `/etc/uv/uv.toml`.
fn unix_configuration_files(env: &UvEnvironment) -> Vec<(PathBuf, String, bool)> {
    let uv_toml = |dir: &Path| dir.join("uv").join("uv.toml");
    let mut files = Vec::new();
    let user_dir = xdg_dir(env, "XDG_CONFIG_HOME").or_else(|| env.home.as_ref().map(|home| home.join(".config")));
    if let Some(dir) = user_dir {
        files.push((uv_toml(&dir), "user uv.toml".to_owned(), false));
    }
    let listed = non_empty(env, "XDG_CONFIG_DIRS").and_then(|dirs| dirs.into_string().ok());
    let listed: Vec<PathBuf> = match listed {
        Some(dirs) => dirs
            .split(':')
            .take_while(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .collect(),
        None => vec![env.etc.join("xdg")],
    };
    let system_file = listed
        .iter()
        .map(|dir| uv_toml(dir))
        .find(|file| file.is_file())
        .unwrap_or_else(|| uv_toml(&env.etc));
    files.push((system_file, "system uv.toml".to_owned(), false));
    files
}

/// Reads `cache-dir` and `no-cache` from the uv.toml at `path`. A missing
/// optional file has no settings; anything uv would refuse is an error.
fn read_settings(path: &Path, label: &str, required: bool) -> Result<FileSettings, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound && !required => return Ok(FileSettings::default()),
        Err(err) => return Err(format!("{label} {}: cannot be read: {err}", path.display())),
    };
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| format!("{label} {}: not valid TOML: {}", path.display(), err.message()))?;
    let cache_dir = match table.get("cache-dir") {
        None => None,
        Some(toml::Value::String(dir)) if Path::new(dir).is_absolute() => Some(PathBuf::from(dir)),
        Some(toml::Value::String(dir)) => {
            return Err(format!(
                "{label} {}: cache-dir \"{dir}\" is relative, and uv's base for it is not documented",
                path.display()
            ))
        }
        Some(other) => {
            return Err(format!(
                "{label} {}: cache-dir must be a string, not a {}",
                path.display(),
                other.type_str()
            ))
        }
    };
    let no_cache = match table.get("no-cache") {
        None => None,
        Some(toml::Value::Boolean(value)) => Some(*value),
        Some(other) => {
            return Err(format!(
                "{label} {}: no-cache must be a boolean, not a {}",
                path.display(),
                other.type_str()
            ))
        }
    };
    Ok(FileSettings { cache_dir, no_cache })
}
