//! `McpUvCacheExportGuard`: keeps the addon out of exported games in every
//! editor that loads the library, whether or not the user enabled the
//! addon's editor plugin.
//!
//! gdext adds an `EditorPlugin` class to the editor by itself, so this one
//! runs in every editor run that registers the classes. All it does is host
//! the addon's export plugin, `editor/export_plugin.gd`: the rules live in
//! that one GDScript file, because the addon's editor plugin hosts the same
//! file where the native classes are not registered (the run in which an
//! editor first imports a project, [`crate::first_import`], which is how a
//! CI job exports a fresh checkout). The editor plugin hosts it only when
//! this class is not registered, so there is never a second one.

use godot::classes::{EditorExportPlugin, EditorPlugin, IEditorPlugin, ResourceLoader};
use godot::prelude::*;

/// The addon's export plugin; its path is fixed, like the library paths of
/// the `.gdextension`.
const EXPORT_PLUGIN_SCRIPT: &str = "res://addons/mcp_uv_cache_cleanup/editor/export_plugin.gd";

/// Keeps the addon out of exported games: an editor plugin, added by the
/// extension itself in every editor, that registers the addon's export
/// plugin (`addons/mcp_uv_cache_cleanup/editor/export_plugin.gd`). By default
/// an export carries no file of the addon, no library of it and no line of it
/// in the game's extension list; the export option
/// `mcp_uv_cache_cleanup/include_in_export` brings the runtime part back.
/// Nothing to call.
#[derive(GodotClass)]
#[class(tool, init, base = EditorPlugin)]
pub(crate) struct McpUvCacheExportGuard {
    base: Base<EditorPlugin>,
    /// The export plugin while it is registered.
    export_plugin: Option<Gd<EditorExportPlugin>>,
}

#[godot_api]
impl IEditorPlugin for McpUvCacheExportGuard {
    fn enter_tree(&mut self) {
        let Some(export_plugin) = load_export_plugin() else {
            godot_error!("McpUvCacheExportGuard: cannot load {EXPORT_PLUGIN_SCRIPT}, so exports carry the addon");
            return;
        };
        self.base_mut().add_export_plugin(&export_plugin);
        self.export_plugin = Some(export_plugin);
    }

    fn exit_tree(&mut self) {
        if let Some(mut export_plugin) = self.export_plugin.take() {
            self.base_mut().remove_export_plugin(&export_plugin);
            // An export that never reached its end leaves the editor's
            // extension list without our line: put it back.
            export_plugin.call("restore_extension_list", &[]);
        }
    }
}

/// A new instance of the export plugin script, or `None` if it cannot be
/// loaded or is not an `EditorExportPlugin`.
fn load_export_plugin() -> Option<Gd<EditorExportPlugin>> {
    let mut script = ResourceLoader::singleton().load(EXPORT_PLUGIN_SCRIPT)?;
    script.call("new", &[]).try_to::<Gd<EditorExportPlugin>>().ok()
}
