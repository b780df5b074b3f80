#!/usr/bin/env python3
"""Judges the log of one headless Godot run of an in-engine suite.

A GDScript runtime error does not stop the function it happens in, so a test
can print PASS right after crashing; the engine's own output is the truth.
A run passes only if:

- it printed its summary line "N passed, 0 failed" (a script that fails to
  parse leaves the engine running with nothing to say);
- no line has "SCRIPT ERROR" or a gdext "[panic";
- the engine did not crash ("Program crashed") and leaked nothing at exit
  (ObjectDB instances, resources, allocator pages);
- every "ERROR: <text>" line was declared by a test beforehand with the line
  "EXPECTED-ERROR: <text>" (the exact text), and every declared line appeared;
- for every "EXPECTED-WARNING: <part>" a test printed, a later "WARNING:" line
  contains <part> (a test cannot read the Output, so it declares what must be
  there), and every "WARNING:" line contains a part some test declared, or one
  given with --allow-warning (a line printed before any test runs, such as
  the stand-aside line), or is the engine build's own.

Usage: godot_log.py LOG [--no-summary] [--allow-warning PART]... [--allow-error PART]...
                       [--foreign-script PATH]... [--leaks-of PREFIX] [--expect-failure WORD]
  --no-summary           a run that runs no suite (an import): every check but
                         the summary line.
  --allow-warning PART   a WARNING: line containing PART is expected.
  --allow-error PART     an ERROR: line containing PART is Godot's own about
                         what the stage set up (a .gdextension with no library
                         for this platform), not ours.
  --foreign-script PATH  another project's script (a res:// path) that fails
                         to compile on this engine: its SCRIPT ERROR lines (those
                         whose next line's `at:` names PATH) and its "Failed to
                         load script" ERROR are that project's, not ours.
  --leaks-of PREFIX      leaks at exit are another project's: accepted if the
                         run was --verbose and every resource still in use is
                         under PREFIX (res://addons/godot_ai/) and no leaked
                         instance is of our classes.
  --expect-failure WORD  invert: exit 0 only if the run was rejected and the
                         reasons mention WORD (proves the checks can fail).
"""

import re
import sys

SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed(, \d+ skipped)?$")
RESULT = re.compile(r"^(PASS|FAIL|SKIP) ([^\s:]+)")
EXPECTED = "EXPECTED-ERROR: "
EXPECTED_WARNING = "EXPECTED-WARNING: "
ERROR = "ERROR: "
WARNING = "WARNING: "
CRASH = "Program crashed"
LEAKS = ("leaked at exit", "still in use at exit", "in use exist at exit")
# What --verbose names of each leak.
LEAKED_RESOURCE = re.compile(r"^Resource still in use: (\S+)")
LEAKED_INSTANCE = re.compile(r"^Leaked instance: (\w+):")
OUR_CLASSES = ("McpUvCacheCleanup", "McpUvCacheSweep")
# Lines the engine build itself prints on every start, whatever the project
# (../shared/godot/README.md): the 4.7 editor was built without fontconfig.
ENGINE_BUILD_ERRORS = ("Godot was compiled without fontconfig, system font support is disabled.",)
# ... and without the advanced text server's ICU data.
ENGINE_BUILD_WARNINGS = ("Some locales are not properly supported by selected Text Server and are disabled.",)


def foreign_script_line(line, next_line, foreign_scripts):
    """True if LINE is an error of one of FOREIGN_SCRIPTS: a SCRIPT ERROR whose
    `at:` line (NEXT_LINE) names the script, or its "Failed to load script"."""
    if "SCRIPT ERROR" in line:
        return next_line.lstrip().startswith("at:") and any(f"({path}:" in next_line for path in foreign_scripts)
    return line.startswith(ERROR) and any(f'Failed to load script "{path}"' in line for path in foreign_scripts)


def problems_in(lines, allowed_warnings=(), needs_summary=True, leaks_of=None, allowed_errors=(), foreign_scripts=()):
    """Returns the reasons to reject the run, each naming the line and test."""
    lines = list(lines)
    problems = []
    leak_lines = []
    leak_details = 0
    declared = {}
    awaited_warnings = []
    expected_warnings = set(allowed_warnings) | set(ENGINE_BUILD_WARNINGS)
    summary = None
    unattributed = []

    def report(text):
        unattributed.append(text)

    for number, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        result = RESULT.match(line)
        if result:
            # Errors printed before a test's result belong to that test.
            problems.extend(f"{text} (during {result.group(2)})" for text in unattributed)
            unattributed.clear()
        if SUMMARY.match(line):
            summary = line
        next_line = lines[number] if number < len(lines) else ""
        if foreign_scripts and foreign_script_line(line, next_line, foreign_scripts):
            continue
        if CRASH in line:
            report(f"line {number}: the engine crashed: {line.strip()}")
        elif any(leak in line for leak in LEAKS):
            leak_lines.append(f"line {number}: leak at exit: {line.strip()}")
        elif LEAKED_RESOURCE.match(line) and leaks_of is not None:
            leak_details += 1
            path = LEAKED_RESOURCE.match(line).group(1)
            if not path.startswith(leaks_of):
                report(f"line {number}: leak at exit, not under {leaks_of}: {line.strip()}")
        elif LEAKED_INSTANCE.match(line) and leaks_of is not None:
            leak_details += 1
            if LEAKED_INSTANCE.match(line).group(1) in OUR_CLASSES:
                report(f"line {number}: leak at exit of our class: {line.strip()}")
        elif line.startswith(EXPECTED):
            declared.setdefault(line[len(EXPECTED):], 0)
        elif line.startswith(EXPECTED_WARNING):
            awaited_warnings.append(line[len(EXPECTED_WARNING):])
            expected_warnings.add(line[len(EXPECTED_WARNING):])
        elif line.startswith(WARNING):
            awaited_warnings = [part for part in awaited_warnings if part not in line]
            if not any(part in line for part in expected_warnings):
                report(f"line {number}: unexpected {line.strip()}")
        elif "SCRIPT ERROR" in line:
            report(f"line {number}: {line.strip()}")
        elif "[panic" in line:
            report(f"line {number}: gdext panic: {line.strip()}")
        elif line.startswith(ERROR):
            text = line[len(ERROR):]
            if text in ENGINE_BUILD_ERRORS or any(part in text for part in allowed_errors):
                continue
            if text in declared:
                declared[text] += 1
            else:
                report(f"line {number}: unexpected {line.strip()}")
    if leak_lines and (leaks_of is None or leak_details == 0):
        problems.extend(leak_lines)
    problems.extend(unattributed)
    problems.extend(
        f"declared error never appeared: {text}" for text, seen in declared.items() if seen == 0
    )
    problems.extend(f"declared warning never appeared: {part}" for part in awaited_warnings)
    if summary is None and needs_summary:
        problems.append("no 'N passed, N failed' line: the suite did not run to its end")
    elif summary is not None and not SUMMARY.match(summary).group(2) == "0":
        problems.append(f"tests failed: {summary}")
    return problems


def main(argv):
    args = [arg for arg in argv[1:] if arg != "--no-summary"]
    needs_summary = len(args) == len(argv) - 1
    allowed, allowed_errors, foreign, expect_failure, leaks_of = [], [], [], None, None
    options = ("--allow-warning", "--allow-error", "--foreign-script", "--expect-failure", "--leaks-of")
    while len(args) >= 3 and args[-2] in options:
        if args[-2] == "--allow-warning":
            allowed.append(args[-1])
        elif args[-2] == "--foreign-script":
            foreign.append(args[-1])
        elif args[-2] == "--allow-error":
            allowed_errors.append(args[-1])
        elif args[-2] == "--leaks-of":
            leaks_of = args[-1]
        elif expect_failure is None:
            expect_failure = args[-1]
        else:
            break
        args = args[:-2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8", errors="replace") as log:
        problems = problems_in(log, allowed, needs_summary, leaks_of, allowed_errors, foreign)
    if expect_failure is not None:
        word = expect_failure
        if any(word in problem for problem in problems):
            print(f"godot_log: rejected as it should be ({word}): {len(problems)} problem(s)")
            return 0
        print(f"godot_log: a run that should be rejected for '{word}' was not:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"godot_log: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
