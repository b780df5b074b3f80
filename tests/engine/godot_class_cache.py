#!/usr/bin/env python3
"""Writes PROJECT/.godot/global_script_class_cache.cfg as the editor would.

Only the editor scans scripts and writes this file; an export template only
reads it, and logs "ERROR: Could not load global script cache." without it.
The test runners build their projects from source, so they write it here:
one entry per `class_name` declared in a .gd file of the project.

Usage: godot_class_cache.py PROJECT
"""

import pathlib
import re
import sys

CLASS_NAME = re.compile(r"^(?:@\w+\s+)*class_name\s+(\w+)(?:\s+extends\s+(\w+))?", re.M)
EXTENDS = re.compile(r"^(?:@\w+\s+)*extends\s+(\w+)", re.M)
TOOL = re.compile(r"^@tool\b", re.M)


def entries(project):
    for script in sorted(project.rglob("*.gd")):
        relative = script.relative_to(project)
        if relative.parts[0] == ".godot":
            continue
        text = script.read_text(encoding="utf-8")
        declared = CLASS_NAME.search(text)
        if not declared:
            continue
        extends = declared.group(2) or (EXTENDS.search(text) or [None, "RefCounted"])[1]
        yield {
            "base": extends,
            "class": declared.group(1),
            "is_tool": bool(TOOL.search(text)),
            "path": "res://" + relative.as_posix(),
        }


def render(found):
    blocks = [
        "{\n"
        f'"base": &"{entry["base"]}",\n'
        f'"class": &"{entry["class"]}",\n'
        '"icon": "",\n'
        '"is_abstract": false,\n'
        f'"is_tool": {"true" if entry["is_tool"] else "false"},\n'
        '"language": &"GDScript",\n'
        f'"path": "{entry["path"]}"\n'
        "}"
        for entry in found
    ]
    return "list=[" + ", ".join(blocks) + "]\n"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    project = pathlib.Path(argv[1])
    cache = project / ".godot" / "global_script_class_cache.cfg"
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(render(list(entries(project))), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
