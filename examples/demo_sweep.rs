//! Generates a small uv-like `builds-v0` cache in a temporary directory,
//! sweeps it with the same code the Godot class calls, and prints the
//! Dictionary `McpUvCacheCleanup.purge_directory` would return.
//!
//! `cargo run --release --example demo_sweep`

use std::fs;
use std::path::{Path, PathBuf};

use mcp_uv_cache_cleanup::sweep;

fn write(path: &Path, contents: &str) {
    fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
    fs::write(path, contents).expect("write file");
}

fn sample_cache(root: &Path) {
    for venv in [".tmpAb12Cd", ".tmpEf34Gh", ".tmpIj56Kl"] {
        let site = root.join(venv).join("Lib").join("site-packages");
        for module in 0..20 {
            write(&site.join("pydantic").join(format!("m{module}.py")), "# python\n");
        }
        write(
            &site.join("pydantic_core").join("_pydantic_core.cp313-win_amd64.pyd"),
            "MZ",
        );
    }
    write(&root.join("_dead_.tmpOld999").join("leftover.pyd"), "MZ");
    write(&root.join("archive-v0").join("kept.txt"), "not a build dir");
}

fn main() {
    let root: PathBuf = std::env::temp_dir()
        .join(format!("mcp-uv-cache-demo-{}", std::process::id()))
        .join("builds-v0");
    sample_cache(&root);
    println!(
        "sample cache: {} (3 .tmp* build venvs, 1 _dead_* leftover, archive-v0)",
        root.display()
    );

    let counts = sweep(&root, &Default::default())
        .expect("sample cache is sweepable")
        .counts;
    println!(
        "{{ \"scanned\": {}, \"renamed\": {}, \"deleted\": {}, \"remaining\": {} }}",
        counts.scanned, counts.renamed, counts.deleted, counts.remaining
    );
    let left: Vec<String> = fs::read_dir(&root)
        .expect("root still there")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    println!("left in the cache: {left:?}");
    let _ = fs::remove_dir_all(root.parent().expect("has a parent"));
}
