/* A GDExtension of a few lines that registers one abstract class and nothing
   else: the control for the editor's first-import crash (tests/engine/godot_editor_linux.sh,
   rust/first_import.rs). If it crashes there as ours would, the crash is the
   engine's. */
#include <stdint.h>
#include <string.h>
typedef void (*Fn)(void);
typedef Fn (*GetProc)(const char *);
typedef struct {
    int32_t minimum_initialization_level;
    void *userdata;
    void (*initialize)(void *, int32_t);
    void (*deinitialize)(void *, int32_t);
} Init;
typedef struct {
    uint8_t is_virtual, is_abstract, is_exposed;
    void *fns[19];
    void *class_userdata;
} CreationInfo2;
typedef void (*StringNameNew)(void *dest, const char *chars, uint8_t is_static);
typedef void (*Register2)(void *lib, const void *name, const void *parent, const CreationInfo2 *info);
typedef void (*Unregister)(void *lib, const void *name);
static GetProc get_proc;
static void *library;
static void *class_name, *parent_name;
static void on_init(void *userdata, int32_t level) {
    (void)userdata;
    if (level != 2) return;
    StringNameNew sn = (StringNameNew)get_proc("string_name_new_with_latin1_chars");
    sn(&class_name, "ControlExtensionClass", 1);
    sn(&parent_name, "RefCounted", 1);
    CreationInfo2 info;
    memset(&info, 0, sizeof info);
    info.is_abstract = 1;
    info.is_exposed = 1;
    ((Register2)get_proc("classdb_register_extension_class2"))(library, &class_name, &parent_name, &info);
}
static void on_deinit(void *userdata, int32_t level) {
    (void)userdata;
    if (level != 2) return;
    ((Unregister)get_proc("classdb_unregister_extension_class"))(library, &class_name);
}
uint8_t control_init(GetProc proc, void *lib, Init *init) {
    get_proc = proc;
    library = lib;
    init->minimum_initialization_level = 2;
    init->userdata = 0;
    init->initialize = on_init;
    init->deinitialize = on_deinit;
    return 1;
}
