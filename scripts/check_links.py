#!/usr/bin/env python3
"""Checks every relative link of the project's Markdown files.

For each Markdown file git tracks, every link `[text](target)` that is not a
web address must name a file or directory that exists (relative to the file
it is in), and an `#anchor`, in the same file or after a `.md` path, must be
the anchor of one of that file's headings, as GitHub makes them: lower case,
punctuation but `-` and `_` dropped, spaces turned into `-`, and `-1`, `-2`,
... after a heading that repeats an earlier one.

Usage: scripts/check_links.py [FILE.md...]    (default: every tracked .md)
Prints one line per broken link, naming the file and line; exits 1 if any.
"""
import re
import subprocess
import sys
from pathlib import Path

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
EXTERNAL = ("http://", "https://", "mailto:")


def slug(heading):
    """The anchor GitHub gives a heading's text."""
    text = re.sub(r"`([^`]*)`", r"\1", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def lines_outside_code(path):
    """(line number, line) of PATH, leaving out fenced code blocks."""
    in_code = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            in_code = not in_code
            continue
        if not in_code:
            yield number, line


def anchors(path, cache={}):
    """Every heading anchor of the Markdown file PATH."""
    if path not in cache:
        found, seen = set(), {}
        for _, line in lines_outside_code(path):
            match = HEADING.match(line)
            if match:
                base = slug(match.group(2))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if count == 0 else f"{base}-{count}")
        cache[path] = found
    return cache[path]


def broken_links(path):
    """One message for each broken relative link of PATH."""
    problems = []
    for number, line in lines_outside_code(path):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if target.startswith(EXTERNAL):
                continue
            file_part, _, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path.resolve()
            if not linked.exists():
                problems.append(f"{path}:{number}: {target}: no such file")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{path}:{number}: {target}: no heading with that anchor in {linked.name}")
    return problems


def main(argv):
    if len(argv) > 1:
        files = [Path(name) for name in argv[1:]]
    else:
        listed = subprocess.run(["git", "ls-files", "*.md"], capture_output=True, text=True, check=True)
        files = [Path(name) for name in listed.stdout.split()]
    problems = [problem for path in files for problem in broken_links(path)]
    for problem in problems:
        print(f"check_links: {problem}", file=sys.stderr)
    print(f"check_links: {len(files)} Markdown files, {len(problems)} broken link(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
