//! A generator of realistic `builds-v0` caches, for benchmarks and tests.
//!
//! Each `.tmp*` venv is shaped like a uv build venv: `pyvenv.cfg`, `Scripts/`,
//! and `Lib/site-packages/<package>/<subpackage>/…` holding mostly small `.py`
//! files (a few hundred bytes to a few KiB) with a tail of larger binaries
//! (`.pyd`, 64–256 KiB, about 1 file in 200), a `__pycache__` per package,
//! hidden entries, and some read-only files. Next to the venvs: leftover
//! `_dead_*` dirs of the same shape and untouched siblings (`archive-v0`,
//! `wheels-v5`, a `.tmp` *file*). The content is a pure function of the spec,
//! so every copy of a fixture is the same.

#![allow(dead_code)] // each user takes a subset

use std::fs;
use std::io::Write;
use std::path::Path;

/// The shape of a generated cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixtureSpec {
    /// How many `.tmp*` build venvs.
    pub venvs: usize,
    /// Files in each venv (and in each leftover dead dir).
    pub files_per_venv: usize,
    /// How many leftover `_dead_*` dirs from earlier sweeps.
    pub dead_dirs: usize,
    /// Seed for names and sizes.
    pub seed: u64,
}

impl Default for FixtureSpec {
    /// 20 venvs × 3,000 files, 2 leftover dead dirs.
    fn default() -> Self {
        FixtureSpec {
            venvs: 20,
            files_per_venv: 3_000,
            dead_dirs: 2,
            seed: 0x5eed,
        }
    }
}

/// What a generated cache holds in its sweepable dirs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixtureStats {
    /// Files in `.tmp*` and `_dead_*` dirs.
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
}

/// Files per package directory, and packages per subpackage level: roughly
/// what pip leaves in site-packages.
const FILES_PER_DIR: usize = 25;
const SUBDIRS_PER_PACKAGE: usize = 4;

/// Builds a cache of shape `spec` in the directory `root` (created if
/// missing). Returns what the `.tmp*` and `_dead_*` dirs hold.
pub(crate) fn build_cache(root: &Path, spec: &FixtureSpec) -> FixtureStats {
    fs::create_dir_all(root).unwrap();
    let mut rng = XorShift(spec.seed | 1);
    let mut stats = FixtureStats::default();
    for i in 0..spec.venvs {
        // The index keeps names unique; the token makes them look like uv's.
        let name = format!(".tmp{i:03}{}", rng.token(6));
        build_venv(&root.join(name), spec.files_per_venv, &mut rng, &mut stats);
    }
    for i in 0..spec.dead_dirs {
        let name = format!("_dead_.tmpOld{i:03}{}", rng.token(6));
        build_venv(&root.join(name), spec.files_per_venv, &mut rng, &mut stats);
    }
    write_file(&root.join("archive-v0/a1b2c3/pydantic_core/__init__.py"), 300, &mut rng);
    write_file(&root.join("wheels-v5/index/pypi/pydantic/meta.json"), 200, &mut rng);
    write_file(&root.join(".tmp-not-a-dir"), 10, &mut rng);
    stats
}

fn build_venv(venv: &Path, files: usize, rng: &mut XorShift, stats: &mut FixtureStats) {
    let mut made = 0;
    let mut add = |path: &Path, size: usize, rng: &mut XorShift| {
        write_file(path, size, rng);
        stats.files += 1;
        stats.bytes += size as u64;
    };
    add(&venv.join("pyvenv.cfg"), 120, rng);
    add(&venv.join("Scripts/python.exe"), 4_096, rng);
    add(&venv.join(".lock"), 0, rng);
    made += 3;
    let site = venv.join("Lib/site-packages");
    let mut package = 0;
    while made < files {
        let pkg_dir = site.join(format!("pkg{package}_{}", rng.token(4)));
        let mut dirs = vec![pkg_dir.clone(), pkg_dir.join("__pycache__")];
        dirs.extend((0..SUBDIRS_PER_PACKAGE).map(|s| pkg_dir.join(format!("sub{s}"))));
        for dir in dirs {
            for f in 0..FILES_PER_DIR {
                if made >= files {
                    break;
                }
                let (name, size) = if rng.below(200) == 0 {
                    (
                        format!("_ext{f}.cp313-win_amd64.pyd"),
                        65_536 + rng.below(196_608) as usize,
                    )
                } else if f == 0 {
                    (".hidden_marker".to_owned(), 0)
                } else {
                    (format!("module{f}.py"), 200 + rng.below(4_000) as usize)
                };
                let path = dir.join(name);
                add(&path, size, rng);
                if rng.below(20) == 0 {
                    make_read_only(&path);
                }
                made += 1;
            }
        }
        package += 1;
    }
}

fn write_file(path: &Path, size: usize, rng: &mut XorShift) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = fs::File::create(path).unwrap();
    let byte = b'a' + rng.below(26) as u8;
    file.write_all(&vec![byte; size]).unwrap();
}

fn make_read_only(path: &Path) {
    let mut permissions = fs::metadata(path).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(path, permissions).unwrap();
}

/// A tiny deterministic generator: the fixture needs repeatability, not
/// statistical quality.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn token(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len() as u64) as usize] as char)
            .collect()
    }
}
