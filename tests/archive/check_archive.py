#!/usr/bin/env python3
"""Checks the release archive, and installs it as Godot's asset installer would.

    check_archive.py ARCHIVE VERSION [--install PROJECT_DIR]

Checks, failing with one line each:

- the archive's name carries VERSION, and its top level is exactly `addons/`,
  `LICENSE`, `README.md` and `CHANGELOG.md`, with every addon file under
  `addons/mcp_uv_cache_cleanup/`, which has its licence, README, changelog and
  third-party notices;
- installed by the asset installer of Godot 4.3 and of Godot 4.7 (both with
  the defaults of an Asset Library download), into a project that already has
  a `README.md` of its own: the `.gdextension` lands at
  `res://addons/mcp_uv_cache_cleanup/`, every `res://` path it names exists,
  the project's own file is left as it was, and both versions install the
  same files.

Before that it proves the check can fail: the same files without the three
top-level ones (the layout of release 0.1.0) must fail it under 4.3's rules.

--install copies the 4.3 installation into PROJECT_DIR, for the in-engine
stages to load (tests/run.sh's archive stage).

The installer's rules, as Godot's editor/gui/editor_asset_installer.cpp
applies them (described here, not copied):

1. The archive's entries, each preceded by the directories above it that the
   zip does not list, are kept in first-seen order.
2. There is a top-level folder when the first entry is a directory and every
   other entry starts with it.
3. A download from the Asset Library asks to skip that folder. 4.3 skips it
   whatever it is; 4.7 never skips `addons/` (an exemption added after 4.3).
4. Every other file is installed at `res://` + its path, minus the skipped
   folder, unless a file is already there: conflicts are left unticked and
   not installed.
"""

import argparse
import configparser
import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ADDON = "addons/mcp_uv_cache_cleanup/"
GDEXTENSION = ADDON + "mcp_uv_cache_cleanup.gdextension"
TOP_LEVEL = {"addons/", "LICENSE", "README.md", "CHANGELOG.md"}
# What the addon's folder must carry besides its libraries.
ADDON_FILES = ["LICENSE", "README.md", "CHANGELOG.md", "THIRD_PARTY_NOTICES.md", "mcp_uv_cache_cleanup.gdextension"]
RULES = ("4.3", "4.7")


def installer_entries(names):
    """Rule 1: the entries with their unlisted parent directories, in order."""
    entries = {}
    for name in names:
        for index, char in enumerate(name):
            if char == "/" and index > 0:
                entries.setdefault(name[: index + 1], None)
        if name:
            entries.setdefault(name, None)
    return list(entries)


def top_level_folder(entries):
    """Rule 2: the folder every entry shares, or None."""
    if not entries or not entries[0].endswith("/"):
        return None
    first = entries[0]
    if all(entry.startswith(first) for entry in entries[1:]):
        return first
    return None


def install(archive_bytes, project, rules):
    """Rules 3 and 4: installs into PROJECT (a directory) as the installer of
    RULES would, and returns the res:// paths it wrote."""
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        entries = installer_entries(archive.namelist())
        folder = top_level_folder(entries)
        skip = folder is not None and (rules == "4.3" or folder != "addons/")
        written = []
        for entry in entries:
            if entry.endswith("/"):
                continue
            path = entry[len(folder) :] if skip else entry
            target = project / path
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(entry))
            written.append("res://" + path)
    return written


def problems_after_install(project, own_files):
    """What is wrong with PROJECT after an install: the .gdextension's place,
    the files it names, the project's own files."""
    problems = []
    gdextension = project / GDEXTENSION
    if not gdextension.is_file():
        placed = sorted(str(p.relative_to(project)) for p in project.rglob("*.gdextension"))
        return [f"the .gdextension is not at res://{GDEXTENSION} (installed: {placed or 'nowhere'})"]
    config = configparser.ConfigParser()
    config.read_string(gdextension.read_text())
    for key, value in config["libraries"].items():
        path = value.strip('"')
        if not path.startswith("res://") or not (project / path[len("res://") :]).is_file():
            problems.append(f"the .gdextension's {key} = {path} is not installed")
    for name, content in own_files.items():
        if (project / name).read_bytes() != content:
            problems.append(f"the project's own {name} was overwritten")
    return problems


def check_installs(archive_bytes, keep_as):
    """Installs with each version's rules into a project that has its own
    README.md; returns the problems, and copies the 4.3 install to KEEP_AS."""
    problems = []
    installed = {}
    own_files = {"README.md": b"# A user's project\n", "project.godot": b"config_version=5\n"}
    with tempfile.TemporaryDirectory() as scratch:
        for rules in RULES:
            project = Path(scratch) / rules
            project.mkdir()
            for name, content in own_files.items():
                (project / name).write_bytes(content)
            installed[rules] = sorted(install(archive_bytes, project, rules))
            problems += [f"Godot {rules} installer: {p}" for p in problems_after_install(project, own_files)]
        if installed["4.3"] != installed["4.7"]:
            problems.append("Godot 4.3 and 4.7 install different files")
        if keep_as is not None and not problems:
            shutil.copytree(Path(scratch) / "4.3", keep_as, dirs_exist_ok=True)
    return problems


def layout_problems(names, archive_name, version):
    problems = []
    if f"-{version}.zip" not in archive_name:
        problems.append(f"the archive's name {archive_name} does not carry the version {version}")
    top = {name.split("/", 1)[0] + ("/" if "/" in name else "") for name in names}
    if top != TOP_LEVEL:
        problems.append(f"top level is {sorted(top)}, not {sorted(TOP_LEVEL)}")
    missing = [ADDON + name for name in ADDON_FILES if ADDON + name not in names]
    if missing:
        problems.append(f"missing {missing}")
    stray = [n for n in names if n.startswith("addons/") and not n.startswith(ADDON) and n != "addons/"]
    if stray:
        problems.append(f"files outside {ADDON}: {stray}")
    return problems


def without_top_level_files(archive_bytes):
    """The archive with addons/ only: the layout that 4.3 strips."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename.startswith("addons/"):
                target.writestr(info, source.read(info))
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("version")
    parser.add_argument("--install", type=Path, metavar="PROJECT_DIR")
    args = parser.parse_args()
    archive_bytes = args.archive.read_bytes()

    broken = check_installs(without_top_level_files(archive_bytes), None)
    if not any(p.startswith("Godot 4.3 installer: the .gdextension is not at") for p in broken):
        print("check_archive: the check did not fail on an archive with addons/ alone", file=sys.stderr)
        return 1
    print(f"check_archive: an archive with addons/ alone fails as it should ({broken[0]})")

    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        names = archive.namelist()
    problems = layout_problems(names, args.archive.name, args.version)
    problems += check_installs(archive_bytes, args.install)
    for problem in problems:
        print(f"check_archive: {args.archive}: {problem}", file=sys.stderr)
    if problems:
        return 1
    files = sum(1 for n in names if not n.endswith("/"))
    print(
        f"check_archive: {args.archive.name}: {files} files; installed with the defaults of Godot 4.3's and "
        f"4.7's asset installer at res://{ADDON}, every library the .gdextension names present"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
