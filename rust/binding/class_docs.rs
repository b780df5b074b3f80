//! The classes' help pages in the editor (F1, and the docs of the methods as
//! one types them).
//!
//! gdext writes these pages from the doc comments (its `register-docs`
//! feature), but then every library that has them, an export template's too,
//! carries gdext's code for them and makes a game warn at start-up; the
//! addon would need a second library per platform without them. So the
//! pages gdext writes are kept in `class_docs/`, one Godot class reference
//! XML per class, and the one library loads them itself, at the editor
//! level only: an exported game never reaches that level.
//!
//! The pages follow the doc comments: the test below (run by `tests/run.sh
//! cargo`) has gdext write them and fails on any difference, and
//! `MCP_UVCC_WRITE_CLASS_DOCS=1 cargo test --lib --features editor-docs
//! class_docs` rewrites them.

use godot::sys;

/// Each documented class and its help page, as gdext writes it.
const PAGES: [(&str, &str); 3] = [
    ("McpUvCacheCleanup", include_str!("class_docs/McpUvCacheCleanup.xml")),
    ("McpUvCacheSweep", include_str!("class_docs/McpUvCacheSweep.xml")),
    (
        "McpUvCacheExportGuard",
        include_str!("class_docs/McpUvCacheExportGuard.xml"),
    ),
];

/// Gives the editor every class's help page. Called once, at the editor
/// level. With a script conflict, the class filter's shim drops the page of
/// `McpUvCacheCleanup`, which is the script's there (gdext's function table
/// was filled through the filter, `super::class_filter`).
pub(super) fn load_into_editor() {
    for (_, page) in PAGES {
        // SAFETY: gdext is initialised (this runs in its editor-level
        // callback, on the main thread), and the function, which Godot has
        // from 4.3 on, reads `page.len()` bytes of UTF-8 and keeps no pointer.
        unsafe {
            sys::interface_fn!(editor_help_load_xml_from_utf8_chars_and_len)(
                page.as_ptr().cast(),
                page.len() as sys::GDExtensionInt,
            );
        }
    }
}

#[cfg(all(test, feature = "editor-docs"))]
mod tests {
    use super::PAGES;
    use std::collections::BTreeMap;

    /// The class a page documents: its `<class name="...">`.
    fn class_of(page: &str) -> &str {
        let start = page.find("<class name=\"").expect("a <class> element") + "<class name=\"".len();
        let end = start + page[start..].find('"').expect("a closing quote");
        &page[start..end]
    }

    #[test]
    fn the_kept_pages_are_the_ones_gdext_writes_from_the_doc_comments() {
        let written: BTreeMap<String, String> = godot::docs::__gather_xml_docs()
            .map(|page| (class_of(&page).to_owned(), page))
            .collect();
        let kept: BTreeMap<String, String> = PAGES
            .iter()
            .map(|(class, page)| (class.to_string(), page.to_string()))
            .collect();
        if std::env::var_os("MCP_UVCC_WRITE_CLASS_DOCS").is_some() {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rust/binding/class_docs");
            for (class, page) in &written {
                std::fs::write(folder.join(format!("{class}.xml")), page).unwrap();
            }
            return;
        }
        assert_eq!(
            kept.keys().collect::<Vec<_>>(),
            written.keys().collect::<Vec<_>>(),
            "the documented classes"
        );
        for (class, page) in &written {
            assert!(
                kept[class] == *page,
                "rust/binding/class_docs/{class}.xml is not what the doc comments say; rewrite it with \
                 MCP_UVCC_WRITE_CLASS_DOCS=1 cargo test --lib --features editor-docs class_docs"
            );
        }
    }

    #[test]
    fn each_page_is_filed_under_its_class() {
        for (class, page) in PAGES {
            assert_eq!(class_of(page), class);
        }
    }
}
