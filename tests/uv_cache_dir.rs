//! Which cache uv uses (`uv_cache_dir::resolve`), every rule of uv's order
//! and every bad input, on a real filesystem: the environment, the known
//! folders and the working directory are given, the uv.toml files are real
//! files, so it runs off Windows too.

mod common;

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use common::*;
use mcp_uv_cache_cleanup::known_folder::KnownFolder;
use mcp_uv_cache_cleanup::uv_cache_dir::{
    resolve, resolve_drop_in_caches_for_this_process, resolve_every_cache, Resolution, UvEnvironment,
    MACOS_LEGACY_RULE, NOT_WINDOWS_RULE,
};

/// A machine inside a scratch directory. For Windows: AppData\Local,
/// AppData\Roaming and ProgramData, and the variables pointing at them; for
/// Unix: a home (`home/`, given as the password database's, no `HOME`) and
/// an `etc/` in place of `/etc`.
struct Machine {
    _scratch: Scratch,
    root: PathBuf,
    vars: HashMap<String, OsString>,
    known_folders: bool,
    home: Option<PathBuf>,
}

impl Machine {
    fn new(label: &str) -> Machine {
        let scratch = Scratch::new(label);
        let root = scratch.path().to_path_buf();
        let mut machine = Machine {
            _scratch: scratch,
            root,
            vars: HashMap::new(),
            known_folders: true,
            home: None,
        };
        machine.home = Some(machine.path("home"));
        for (name, dir) in [
            ("LOCALAPPDATA", "AppData/Local"),
            ("APPDATA", "AppData/Roaming"),
            ("PROGRAMDATA", "ProgramData"),
        ] {
            let path = machine.path(dir);
            std::fs::create_dir_all(&path).unwrap();
            machine.set(name, &path);
        }
        machine
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn set(&mut self, name: &str, value: impl AsRef<std::ffi::OsStr>) {
        self.vars.insert(name.to_owned(), value.as_ref().to_owned());
    }

    fn unset(&mut self, name: &str) {
        self.vars.remove(name);
    }

    /// Writes the user uv.toml, at the path the resolution builds from
    /// `APPDATA` (component by component, so it also matches on Windows).
    fn user_toml(&self, text: &str) -> PathBuf {
        let file = self.path("AppData/Roaming").join("uv").join("uv.toml");
        write(&file, text);
        file
    }

    fn system_toml(&self, text: &str) -> PathBuf {
        let file = self.path("ProgramData").join("uv").join("uv.toml");
        write(&file, text);
        file
    }

    fn resolve_on(&self, os_name: &str) -> Resolution {
        self.with_environment(os_name, resolve)
    }

    fn resolve(&self) -> Resolution {
        self.resolve_on("Windows")
    }

    /// `resolve_every_cache` on this machine (Windows).
    fn every_cache(&self) -> Vec<Resolution> {
        self.with_environment("Windows", resolve_every_cache)
    }

    fn with_environment<T>(&self, os_name: &str, run: impl FnOnce(&UvEnvironment) -> T) -> T {
        let var = |name: &str| self.vars.get(name).cloned();
        let known = |folder: KnownFolder| {
            let dir = match folder {
                KnownFolder::LocalAppData => "Known/Local",
                KnownFolder::RoamingAppData => "Known/Roaming",
                KnownFolder::ProgramData => "Known/ProgramData",
            };
            self.known_folders.then(|| self.path(dir))
        };
        run(&UvEnvironment {
            os_name,
            var: &var,
            known_folder: &known,
            current_dir: Some(self.path("project")),
            home: self.home.clone(),
            etc: self.path("etc"),
        })
    }
}

fn builds(cache: &Path) -> Option<PathBuf> {
    Some(cache.join("builds-v0"))
}

fn toml_path(path: &Path) -> String {
    // A TOML basic string: backslashes of Windows paths escaped.
    path.display().to_string().replace('\\', "\\\\")
}

#[track_caller]
fn assert_swept(resolution: &Resolution, cache: &Path, rule: &str) {
    assert_eq!(resolution.builds_root, builds(cache), "{resolution:?}");
    assert_eq!(resolution.rule, rule, "{resolution:?}");
}

#[track_caller]
fn assert_nothing(resolution: &Resolution, rule: &str, warning_part: Option<&str>) {
    assert_eq!(resolution.builds_root, None, "{resolution:?}");
    assert_eq!(resolution.rule, rule, "{resolution:?}");
    match warning_part {
        Some(part) => assert!(
            resolution.warnings.len() == 1 && resolution.warnings[0].contains(part),
            "want one warning with {part:?}: {resolution:?}"
        ),
        None => assert!(resolution.warnings.is_empty(), "{resolution:?}"),
    }
}

// --- the order -------------------------------------------------------------

#[test]
fn the_default_is_localappdata() {
    let machine = Machine::new("uvdir-default");
    assert_swept(
        &machine.resolve(),
        &machine.path("AppData/Local/uv/cache"),
        "LOCALAPPDATA",
    );
}

#[test]
fn without_localappdata_the_known_folder() {
    let mut machine = Machine::new("uvdir-known");
    machine.unset("LOCALAPPDATA");
    let resolution = machine.resolve();
    assert_swept(
        &resolution,
        &machine.path("Known/Local/uv/cache"),
        "FOLDERID_LocalAppData",
    );
    assert!(resolution.warnings.is_empty());

    machine.set("LOCALAPPDATA", "");
    let resolution = machine.resolve();
    assert_swept(
        &resolution,
        &machine.path("Known/Local/uv/cache"),
        "FOLDERID_LocalAppData",
    );
    assert!(
        resolution.warnings[0].contains("LOCALAPPDATA is set but empty"),
        "{resolution:?}"
    );

    machine.known_folders = false;
    assert_nothing(&machine.resolve(), "no cache directory", Some("LOCALAPPDATA"));
}

#[test]
fn uv_cache_dir_comes_before_the_configuration_files() {
    let mut machine = Machine::new("uvdir-env-first");
    let env_cache = machine.path("D/uv-env");
    machine.user_toml(&format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-user"))));
    machine.set("UV_CACHE_DIR", &env_cache);
    assert_swept(&machine.resolve(), &env_cache, "UV_CACHE_DIR");
}

#[test]
fn a_relative_uv_cache_dir_is_relative_to_the_working_directory_uvx_inherits() {
    let mut machine = Machine::new("uvdir-env-relative");
    machine.set("UV_CACHE_DIR", "cache/uv");
    assert_swept(&machine.resolve(), &machine.path("project/cache/uv"), "UV_CACHE_DIR");
}

#[test]
fn the_user_file_comes_before_the_system_file_and_localappdata() {
    let machine = Machine::new("uvdir-user");
    machine.user_toml(&format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-user"))));
    machine.system_toml(&format!(
        "cache-dir = \"{}\"\n",
        toml_path(&machine.path("D/uv-system"))
    ));
    assert_swept(&machine.resolve(), &machine.path("D/uv-user"), "user uv.toml");
}

#[test]
fn the_system_file_applies_when_the_user_file_has_no_cache_dir() {
    let machine = Machine::new("uvdir-system");
    machine.user_toml("python-preference = \"managed\"\n");
    machine.system_toml(&format!(
        "cache-dir = \"{}\"\n",
        toml_path(&machine.path("D/uv-system"))
    ));
    assert_swept(&machine.resolve(), &machine.path("D/uv-system"), "system uv.toml");
}

#[test]
fn without_appdata_the_user_file_is_in_the_known_folder() {
    let mut machine = Machine::new("uvdir-user-known");
    machine.unset("APPDATA");
    let file = machine.path("Known/Roaming/uv/uv.toml");
    write(
        &file,
        &format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-known"))),
    );
    assert_swept(&machine.resolve(), &machine.path("D/uv-known"), "user uv.toml");
}

#[test]
fn uv_config_file_replaces_both_files() {
    let mut machine = Machine::new("uvdir-config-file");
    machine.user_toml(&format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-user"))));
    let named = machine.path("elsewhere/my-uv.toml");
    write(
        &named,
        &format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-named"))),
    );
    machine.set("UV_CONFIG_FILE", &named);
    assert_swept(&machine.resolve(), &machine.path("D/uv-named"), "UV_CONFIG_FILE");

    // It applies even with UV_NO_CONFIG, as uv's --config-file does.
    machine.set("UV_NO_CONFIG", "1");
    assert_swept(&machine.resolve(), &machine.path("D/uv-named"), "UV_CONFIG_FILE");

    // Without a cache-dir in it, the default, not the user file.
    write(&named, "\n");
    machine.unset("UV_NO_CONFIG");
    assert_swept(
        &machine.resolve(),
        &machine.path("AppData/Local/uv/cache"),
        "LOCALAPPDATA",
    );
}

#[test]
fn uv_no_config_turns_the_files_off() {
    let mut machine = Machine::new("uvdir-no-config");
    machine.user_toml(&format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-user"))));
    for value in ["1", "true", "YES", "on"] {
        machine.set("UV_NO_CONFIG", value);
        assert_swept(
            &machine.resolve(),
            &machine.path("AppData/Local/uv/cache"),
            "LOCALAPPDATA",
        );
    }
    machine.set("UV_NO_CONFIG", "0");
    assert_swept(&machine.resolve(), &machine.path("D/uv-user"), "user uv.toml");
}

#[test]
fn no_cache_means_nothing_to_sweep() {
    let mut machine = Machine::new("uvdir-no-cache");
    machine.set("UV_CACHE_DIR", machine.path("D/uv-env"));
    for value in ["1", "true", "Y", "on"] {
        machine.set("UV_NO_CACHE", value);
        assert_nothing(&machine.resolve(), "UV_NO_CACHE", None);
    }
    machine.set("UV_NO_CACHE", "false");
    assert_swept(&machine.resolve(), &machine.path("D/uv-env"), "UV_CACHE_DIR");

    machine.unset("UV_CACHE_DIR");
    machine.unset("UV_NO_CACHE");
    machine.system_toml("no-cache = true\n");
    assert_nothing(&machine.resolve(), "no-cache in system uv.toml", None);
}

#[test]
fn systems_without_uv_never_resolve() {
    let mut machine = Machine::new("uvdir-other-os");
    machine.set("UV_CACHE_DIR", machine.path("D/uv-env"));
    for os in ["Android", "iOS", "Web", "windows", "linux", ""] {
        assert_nothing(&machine.resolve_on(os), &format!("no uv on {os}"), None);
    }
}

// --- bad input: nothing swept, one warning naming the cause -----------------

#[test]
fn a_file_that_does_not_parse_sweeps_nothing() {
    let machine = Machine::new("uvdir-bad-toml");
    let file = machine.user_toml("cache-dir = \"unterminated\n");
    let resolution = machine.resolve();
    assert_nothing(&resolution, "user uv.toml", Some("not valid TOML"));
    assert!(
        resolution.warnings[0].contains(&file.display().to_string()),
        "{resolution:?}"
    );
    assert!(resolution.warnings[0].contains("nothing is swept"), "{resolution:?}");
}

#[test]
fn a_cache_dir_that_is_not_a_string_sweeps_nothing() {
    let machine = Machine::new("uvdir-not-string");
    machine.system_toml("cache-dir = 42\n");
    assert_nothing(
        &machine.resolve(),
        "system uv.toml",
        Some("cache-dir must be a string, not a integer"),
    );
}

#[test]
fn a_no_cache_that_is_not_a_boolean_sweeps_nothing() {
    let machine = Machine::new("uvdir-no-cache-type");
    machine.user_toml("no-cache = \"yes\"\n");
    assert_nothing(&machine.resolve(), "user uv.toml", Some("no-cache must be a boolean"));
}

#[test]
fn a_relative_cache_dir_in_a_file_sweeps_nothing() {
    let machine = Machine::new("uvdir-relative-file");
    machine.user_toml("cache-dir = \"uv-cache\"\n");
    assert_nothing(&machine.resolve(), "user uv.toml", Some("is relative"));
}

#[test]
fn a_file_named_by_uv_config_file_must_exist() {
    let mut machine = Machine::new("uvdir-config-missing");
    machine.set("UV_CONFIG_FILE", machine.path("missing/uv.toml"));
    assert_nothing(&machine.resolve(), "UV_CONFIG_FILE", Some("cannot be read"));
}

#[test]
fn a_file_that_cannot_be_read_sweeps_nothing() {
    let machine = Machine::new("uvdir-unreadable");
    // A directory where the file should be: reading it fails, not "missing".
    std::fs::create_dir_all(machine.path("AppData/Roaming/uv/uv.toml")).unwrap();
    assert_nothing(&machine.resolve(), "user uv.toml", Some("cannot be read"));
}

#[test]
fn empty_variables_sweep_nothing_or_fall_back_as_uv_does() {
    for name in ["UV_CACHE_DIR", "UV_CONFIG_FILE"] {
        let mut machine = Machine::new("uvdir-empty");
        machine.set(name, "");
        assert_nothing(&machine.resolve(), name, Some(&format!("{name} is set but empty")));
    }
    // An empty APPDATA falls back to the known folder for the user file.
    let mut machine = Machine::new("uvdir-empty-appdata");
    machine.set("APPDATA", "");
    write(
        machine.path("Known/Roaming/uv/uv.toml"),
        &format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-known"))),
    );
    assert_swept(&machine.resolve(), &machine.path("D/uv-known"), "user uv.toml");
}

#[test]
fn boolean_variables_uv_would_refuse_sweep_nothing() {
    for name in ["UV_NO_CACHE", "UV_NO_CONFIG"] {
        for value in ["", "maybe", "2"] {
            let mut machine = Machine::new("uvdir-bad-bool");
            machine.set(name, value);
            let resolution = machine.resolve();
            assert_eq!(resolution.builds_root, None, "{name}={value:?}: {resolution:?}");
            assert!(resolution.warnings[0].contains(name), "{resolution:?}");
        }
    }
}

// Every cache a uv of this user may build in: the editor's and the one
// godot-ai 4's `uvx --isolated --no-config` server uses, each once.

#[test]
fn with_no_setting_the_editor_and_the_isolated_server_share_one_cache() {
    let machine = Machine::new("uvdir-every-default");
    let every = machine.every_cache();
    assert_eq!(every.len(), 1, "{every:?}");
    assert_swept(&every[0], &machine.path("AppData/Local/uv/cache"), "LOCALAPPDATA");
}

#[test]
fn uv_cache_dir_adds_uvs_default_cache_second() {
    let mut machine = Machine::new("uvdir-every-env");
    machine.set("UV_CACHE_DIR", machine.path("D/uv-env"));
    let every = machine.every_cache();
    assert_eq!(every.len(), 2, "{every:?}");
    assert_swept(&every[0], &machine.path("D/uv-env"), "UV_CACHE_DIR");
    assert_swept(
        &every[1],
        &machine.path("AppData/Local/uv/cache"),
        "uv default: LOCALAPPDATA",
    );
}

#[test]
fn a_configured_cache_adds_uvs_default_cache_which_reads_no_configuration() {
    for variable in [false, true] {
        let mut machine = Machine::new("uvdir-every-config");
        let toml = format!("cache-dir = \"{}\"\n", toml_path(&machine.path("D/uv-config")));
        let rule = if variable {
            let file = machine.path("D/config.toml");
            write(&file, &toml);
            machine.set("UV_CONFIG_FILE", &file);
            "UV_CONFIG_FILE"
        } else {
            machine.user_toml(&toml);
            "user uv.toml"
        };
        let every = machine.every_cache();
        assert_eq!(every.len(), 2, "{every:?}");
        assert_swept(&every[0], &machine.path("D/uv-config"), rule);
        assert_swept(
            &every[1],
            &machine.path("AppData/Local/uv/cache"),
            "uv default: LOCALAPPDATA",
        );
    }
}

#[test]
fn a_cache_dir_naming_the_default_cache_counts_once() {
    let mut machine = Machine::new("uvdir-every-same");
    machine.set("UV_CACHE_DIR", machine.path("AppData/Local/uv/cache"));
    let every = machine.every_cache();
    assert_eq!(every.len(), 1, "{every:?}");
    assert_swept(&every[0], &machine.path("AppData/Local/uv/cache"), "UV_CACHE_DIR");
}

#[test]
fn uv_no_cache_reaches_the_isolated_server_too() {
    let mut machine = Machine::new("uvdir-every-nocache");
    machine.set("UV_NO_CACHE", "1");
    let every = machine.every_cache();
    assert_eq!(every.len(), 1, "{every:?}");
    assert_nothing(&every[0], "UV_NO_CACHE", None);
}

#[test]
fn a_configuration_uv_refuses_still_leaves_the_isolated_servers_cache() {
    let machine = Machine::new("uvdir-every-broken");
    machine.user_toml("cache-dir = [\n");
    let every = machine.every_cache();
    assert_eq!(every.len(), 2, "{every:?}");
    assert_eq!(every[0].builds_root, None, "{every:?}");
    assert_swept(
        &every[1],
        &machine.path("AppData/Local/uv/cache"),
        "uv default: LOCALAPPDATA",
    );
    assert!(every[1].warnings.is_empty(), "{every:?}");
}

#[test]
fn the_default_caches_own_fallback_is_warned_about() {
    let mut machine = Machine::new("uvdir-every-warn");
    machine.set("LOCALAPPDATA", "");
    machine.set("UV_CACHE_DIR", machine.path("D/uv-env"));
    let every = machine.every_cache();
    assert_eq!(every.len(), 2, "{every:?}");
    assert_swept(
        &every[1],
        &machine.path("Known/Local/uv/cache"),
        "uv default: FOLDERID_LocalAppData",
    );
    let all: Vec<&String> = every.iter().flat_map(|r| &r.warnings).collect();
    assert_eq!(all.len(), 1, "{every:?}");
    assert!(all[0].contains("LOCALAPPDATA is set but empty"), "{every:?}");
}

#[test]
fn the_drop_in_sweeps_nothing_off_windows() {
    // The real process environment: whatever it holds, off Windows the
    // drop-in's answer is the GDScript class's (nothing, rule "not Windows").
    for os in ["Linux", "macOS", "FreeBSD", "Android"] {
        let every = resolve_drop_in_caches_for_this_process(os);
        assert_eq!(every.len(), 1, "{every:?}");
        assert_nothing(&every[0], NOT_WINDOWS_RULE, None);
    }
}

// --- Unix: uv's XDG rules ---------------------------------------------------

/// The Unix systems Godot names, each resolved by the XDG rules.
const UNIX: [&str; 5] = ["Linux", "macOS", "FreeBSD", "NetBSD", "OpenBSD"];

#[test]
fn on_unix_the_default_is_dot_cache_in_the_home() {
    let machine = Machine::new("uvdir-unix-default");
    for os in UNIX {
        assert_swept(&machine.resolve_on(os), &machine.path("home/.cache/uv"), "HOME");
    }
}

#[test]
fn on_unix_an_absolute_xdg_cache_home_comes_first() {
    let mut machine = Machine::new("uvdir-unix-xdg-cache");
    machine.set("XDG_CACHE_HOME", machine.path("xdg-cache"));
    for os in UNIX {
        assert_swept(&machine.resolve_on(os), &machine.path("xdg-cache/uv"), "XDG_CACHE_HOME");
    }
    // A relative or empty one is invalid, so ignored (the XDG specification).
    for value in ["relative/cache", ""] {
        machine.set("XDG_CACHE_HOME", value);
        assert_swept(&machine.resolve_on("Linux"), &machine.path("home/.cache/uv"), "HOME");
    }
}

#[test]
fn on_macos_the_legacy_library_caches_wins_when_it_exists() {
    let mut machine = Machine::new("uvdir-macos-legacy");
    machine.set("XDG_CACHE_HOME", machine.path("xdg-cache"));
    assert_swept(
        &machine.resolve_on("macOS"),
        &machine.path("xdg-cache/uv"),
        "XDG_CACHE_HOME",
    );
    std::fs::create_dir_all(machine.path("home/Library/Caches/uv")).unwrap();
    assert_swept(
        &machine.resolve_on("macOS"),
        &machine.path("home/Library/Caches/uv"),
        MACOS_LEGACY_RULE,
    );
    // Only macOS has it.
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("xdg-cache/uv"),
        "XDG_CACHE_HOME",
    );
    // UV_CACHE_DIR still comes first.
    machine.set("UV_CACHE_DIR", machine.path("env-cache"));
    assert_swept(&machine.resolve_on("macOS"), &machine.path("env-cache"), "UV_CACHE_DIR");
}

#[test]
fn on_unix_without_a_home_nothing_is_swept() {
    let mut machine = Machine::new("uvdir-unix-homeless");
    machine.home = None;
    assert_nothing(
        &machine.resolve_on("Linux"),
        "no cache directory",
        Some("home directory"),
    );
    machine.set("XDG_CACHE_HOME", machine.path("xdg-cache"));
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("xdg-cache/uv"),
        "XDG_CACHE_HOME",
    );
}

#[test]
fn on_unix_uv_cache_dir_and_uv_no_cache_come_first() {
    let mut machine = Machine::new("uvdir-unix-env");
    let from_file = format!("cache-dir = \"{}\"\n", toml_path(&machine.path("from-file")));
    write(machine.path("home/.config/uv/uv.toml"), &from_file);
    machine.set("UV_CACHE_DIR", "relative-cache");
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("project/relative-cache"),
        "UV_CACHE_DIR",
    );
    machine.set("UV_NO_CACHE", "1");
    assert_nothing(&machine.resolve_on("Linux"), "UV_NO_CACHE", None);
}

#[test]
fn on_unix_the_user_file_is_under_xdg_config_home_else_dot_config() {
    let mut machine = Machine::new("uvdir-unix-user-file");
    let dot_config = machine.path("home/.config/uv/uv.toml");
    write(
        &dot_config,
        &format!("cache-dir = \"{}\"\n", toml_path(&machine.path("dot"))),
    );
    assert_swept(&machine.resolve_on("Linux"), &machine.path("dot"), "user uv.toml");
    machine.set("XDG_CONFIG_HOME", machine.path("xdg-config"));
    assert_swept(&machine.resolve_on("Linux"), &machine.path("home/.cache/uv"), "HOME");
    write(
        machine.path("xdg-config/uv/uv.toml"),
        &format!("cache-dir = \"{}\"\n", toml_path(&machine.path("xdg"))),
    );
    assert_swept(&machine.resolve_on("macOS"), &machine.path("xdg"), "user uv.toml");
}

#[test]
fn on_unix_the_system_file_is_the_first_of_xdg_config_dirs_then_etc() {
    let mut machine = Machine::new("uvdir-unix-system-file");
    let root = machine.path("");
    let cache_in = |name: &str| format!("cache-dir = \"{}\"\n", toml_path(&root.join(name)));
    write(machine.path("etc/uv/uv.toml"), &cache_in("from-etc"));
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("from-etc"),
        "system uv.toml",
    );
    // XDG_CONFIG_DIRS unset: /etc/xdg comes before /etc.
    write(machine.path("etc/xdg/uv/uv.toml"), &cache_in("from-etc-xdg"));
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("from-etc-xdg"),
        "system uv.toml",
    );
    // Listed: the first that has the file; an empty entry ends the list.
    // Split at `:` as uv does on Unix, which a Windows path holds itself.
    if cfg!(unix) {
        write(machine.path("second/uv/uv.toml"), &cache_in("from-second"));
        let listed = format!(
            "{}:{}",
            machine.path("first").display(),
            machine.path("second").display()
        );
        machine.set("XDG_CONFIG_DIRS", &listed);
        assert_swept(
            &machine.resolve_on("Linux"),
            &machine.path("from-second"),
            "system uv.toml",
        );
        machine.set(
            "XDG_CONFIG_DIRS",
            format!(
                "{}::{}",
                machine.path("first").display(),
                machine.path("second").display()
            ),
        );
        assert_swept(
            &machine.resolve_on("Linux"),
            &machine.path("from-etc"),
            "system uv.toml",
        );
        machine.unset("XDG_CONFIG_DIRS");
    }
    // The user file comes first.
    write(machine.path("home/.config/uv/uv.toml"), &cache_in("from-user"));
    assert_swept(&machine.resolve_on("Linux"), &machine.path("from-user"), "user uv.toml");
    // UV_NO_CONFIG turns both off; UV_CONFIG_FILE replaces both.
    machine.set("UV_NO_CONFIG", "1");
    assert_swept(&machine.resolve_on("Linux"), &machine.path("home/.cache/uv"), "HOME");
    let named = machine.path("named.toml");
    write(&named, &cache_in("from-named"));
    machine.set("UV_CONFIG_FILE", &named);
    assert_swept(
        &machine.resolve_on("Linux"),
        &machine.path("from-named"),
        "UV_CONFIG_FILE",
    );
}

#[test]
fn on_unix_a_file_uv_would_refuse_sweeps_nothing() {
    let machine = Machine::new("uvdir-unix-bad-file");
    // Built component by component, as the resolution builds it (so it also
    // matches on Windows).
    let file = machine.path("home").join(".config").join("uv").join("uv.toml");
    write(&file, "cache-dir = [\n");
    let resolution = machine.resolve_on("Linux");
    assert_nothing(&resolution, "user uv.toml", Some("not valid TOML"));
    assert!(
        resolution.warnings[0].contains(&file.display().to_string()),
        "{resolution:?}"
    );
}

#[test]
fn on_unix_uv_cache_dir_adds_uvs_default_cache_second() {
    let mut machine = Machine::new("uvdir-unix-every");
    machine.set("UV_CACHE_DIR", machine.path("env-cache"));
    let every = machine.with_environment("Linux", resolve_every_cache);
    assert_eq!(every.len(), 2, "{every:?}");
    assert_swept(&every[0], &machine.path("env-cache"), "UV_CACHE_DIR");
    assert_swept(&every[1], &machine.path("home/.cache/uv"), "uv default: HOME");
    // Without it, one cache.
    machine.unset("UV_CACHE_DIR");
    let every = machine.with_environment("Linux", resolve_every_cache);
    assert_eq!(every.len(), 1, "{every:?}");
    assert_swept(&every[0], &machine.path("home/.cache/uv"), "HOME");
}
