/*
 * Loads a shipped GDExtension DLL the way Godot does before any class is
 * registered, where no Godot runs (tests/cross/windows_arm64_under_wine.sh, under arm64
 * Wine):
 *
 *     load_library.exe DLL ENTRY godot|nothing
 *
 * 1. LoadLibraryW(DLL): Windows resolves every import, so a DLL or function
 *    the system lacks fails here (error 126 or 127). Wine 8 on arm64 fails
 *    too, its own way: with ProcessPrng missing from bcryptprimitives it
 *    printed "unimplemented function bcryptprimitives.dll.ProcessPrng,
 *    aborting" and LoadLibrary failed with error 317;
 * 2. GetProcAddress(ENTRY), the .gdextension's entry_symbol;
 * 3. ENTRY(get_proc_address, library, &init), as Godot calls it, with one of
 *    two interfaces:
 *    - godot: as Godot 4.3 (the addon's compatibility_minimum) answers.
 *      Before a class is registered an extension looks up the interface
 *      functions it will use and calls only a few: the engine version, its
 *      own library path and the String function that reads it. Those are
 *      answered as Godot does; every other name gets a function that does
 *      nothing and returns its own (non-null) address, which is all the
 *      extension does with them there. The entry must answer 1 and fill in
 *      `init`: both level callbacks and a minimum level Godot has.
 *    - nothing: every name is missing, as in an engine without the
 *      interface. gdext panics inside and must catch it: the entry answers
 *      0 and the process lives on (unwinding works in the DLL).
 *
 * Exit 0 only when every step held; each failure has its own code. Output
 * goes through fputs only: printf (a variadic call into the C runtime)
 * crashes in zig-built arm64 programs under Wine 8.
 */
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*InterfaceFunction)(void);

/* From gdextension_interface.h (Godot 4.3). */
typedef struct {
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
    const char *string;
} GodotVersion;

typedef struct {
    int32_t minimum_initialization_level;
    void *userdata;
    void (*initialize)(void *userdata, int32_t level);
    void (*deinitialize)(void *userdata, int32_t level);
} Initialization;

typedef InterfaceFunction (*GetProcAddress_)(const char *name);
typedef uint8_t (*EntryFunction)(GetProcAddress_ get_proc_address, void *library, Initialization *init);

/* Godot's last initialization level (GDEXTENSION_INITIALIZATION_EDITOR). */
#define LAST_LEVEL 3

/* The DLL's path, as get_library_path reports it (UTF-8). */
static char library_path[MAX_PATH * 4];
static unsigned long names_looked_up;

/* Writes each string of a NULL-terminated list, then a newline. */
static void say(FILE *stream, const char *const *parts)
{
    for (; *parts != NULL; parts++) {
        fputs(*parts, stream);
    }
    fputs("\n", stream);
}

static const char *decimal(char buffer[24], long value)
{
    return _ltoa(value, buffer, 10);
}

static void get_godot_version(GodotVersion *version)
{
    version->major = 4;
    version->minor = 3;
    version->patch = 0;
    version->string = "Godot Engine v4.3.stable (load_library.exe)";
}

/* A Godot String is one pointer wide; here it points at a C string. */
static void get_library_path(void *library, void *string)
{
    (void)library;
    *(const char **)string = library_path;
}

static int64_t string_to_utf8_chars(const void *string, char *buffer, int64_t buffer_length)
{
    const char *text = *(const char *const *)string;
    int64_t length = (int64_t)strlen(text);
    if (buffer != NULL) {
        memcpy(buffer, text, (size_t)(length < buffer_length ? length : buffer_length));
    }
    return length;
}

static void *does_nothing(void)
{
    return (void *)does_nothing;
}

static InterfaceFunction godot_get_proc_address(const char *name)
{
    names_looked_up++;
    if (strcmp(name, "get_godot_version") == 0) {
        return (InterfaceFunction)get_godot_version;
    }
    if (strcmp(name, "get_library_path") == 0) {
        return (InterfaceFunction)get_library_path;
    }
    if (strcmp(name, "string_to_utf8_chars") == 0) {
        return (InterfaceFunction)string_to_utf8_chars;
    }
    return (InterfaceFunction)does_nothing;
}

static InterfaceFunction nothing_get_proc_address(const char *name)
{
    (void)name;
    names_looked_up++;
    return NULL;
}

int wmain(int argc, wchar_t **argv)
{
    char entry_name[256], mode[16], number[24], level[24];
    if (argc != 4 ||
        WideCharToMultiByte(CP_UTF8, 0, argv[1], -1, library_path, sizeof library_path, NULL, NULL) == 0 ||
        WideCharToMultiByte(CP_UTF8, 0, argv[2], -1, entry_name, sizeof entry_name, NULL, NULL) == 0 ||
        WideCharToMultiByte(CP_UTF8, 0, argv[3], -1, mode, sizeof mode, NULL, NULL) == 0 ||
        (strcmp(mode, "godot") != 0 && strcmp(mode, "nothing") != 0)) {
        say(stderr, (const char *[]){"usage: load_library DLL ENTRY godot|nothing", NULL});
        return 2;
    }
    const char *dll = library_path;
    int as_godot = strcmp(mode, "godot") == 0;

    HMODULE library = LoadLibraryW(argv[1]);
    if (library == NULL) {
        say(stderr, (const char *[]){"load_library: ", dll, ": LoadLibrary failed, error ",
                                     decimal(number, (long)GetLastError()),
                                     " (126: a DLL it imports is missing, 127: a function it imports is missing;"
                                     " under Wine, see the line above)",
                                     NULL});
        return 3;
    }
    EntryFunction entry = (EntryFunction)(void *)GetProcAddress(library, entry_name);
    if (entry == NULL) {
        say(stderr, (const char *[]){"load_library: ", dll, ": no exported ", entry_name, NULL});
        return 4;
    }

    Initialization init = {-1, NULL, NULL, NULL};
    uint8_t answer = entry(as_godot ? godot_get_proc_address : nothing_get_proc_address, (void *)library, &init);
    const char *expected = as_godot ? "1" : "0";
    if (answer != (as_godot ? 1 : 0)) {
        say(stderr, (const char *[]){"load_library: ", dll, ": ", entry_name, " answered ", decimal(number, answer),
                                     " to the ", mode, " interface, expected ", expected, NULL});
        return 5;
    }
    decimal(level, init.minimum_initialization_level);
    if (as_godot && (init.initialize == NULL || init.deinitialize == NULL ||
                     init.minimum_initialization_level < 0 || init.minimum_initialization_level > LAST_LEVEL)) {
        say(stderr, (const char *[]){"load_library: ", dll, ": ", entry_name,
                                     " answered 1 but left its initialization incomplete (minimum level ", level,
                                     ", or a level callback missing)", NULL});
        return 6;
    }
    decimal(number, (long)names_looked_up);
    if (as_godot) {
        say(stdout, (const char *[]){"load_library: ", dll, ": loaded; ", entry_name,
                                     " answered 1 to Godot 4.3's interface (minimum level ", level,
                                     ", both level callbacks) after looking up ", number, " functions", NULL});
    } else {
        say(stdout, (const char *[]){"load_library: ", dll, ": loaded; ", entry_name,
                                     " answered 0 to an empty interface (the panic inside was caught)", NULL});
    }
    return 0;
}
