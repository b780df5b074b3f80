#!/usr/bin/env python3
"""Judges the log of one headless Godot run of an in-engine suite.

A GDScript runtime error does not stop the function it happens in, so a test
can print PASS right after crashing; the engine's own output is the truth.
A run passes only if:

- it printed its summary line "N passed, 0 failed" (a script that fails to
  parse leaves the engine running with nothing to say);
- no line has "SCRIPT ERROR" or a gdext "[panic";
- every "ERROR: <text>" line was declared by a test beforehand with the line
  "EXPECTED-ERROR: <text>" (the exact text), and every declared line appeared;
- for every "EXPECTED-WARNING: <part>" a test printed, a later "WARNING:" line
  contains <part> (a test cannot read the Output, so it declares what must be
  there).

Usage: godot_log.py LOG [--expect-failure WORD]
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


def problems_in(lines):
    """Returns the reasons to reject the run, each naming the line and test."""
    problems = []
    declared = {}
    awaited_warnings = []
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
        if line.startswith(EXPECTED):
            declared.setdefault(line[len(EXPECTED):], 0)
        elif line.startswith(EXPECTED_WARNING):
            awaited_warnings.append(line[len(EXPECTED_WARNING):])
        elif line.startswith(WARNING):
            awaited_warnings = [part for part in awaited_warnings if part not in line]
        elif "SCRIPT ERROR" in line:
            report(f"line {number}: {line.strip()}")
        elif "[panic" in line:
            report(f"line {number}: gdext panic: {line.strip()}")
        elif line.startswith(ERROR):
            text = line[len(ERROR):]
            if text in declared:
                declared[text] += 1
            else:
                report(f"line {number}: unexpected {line.strip()}")
    problems.extend(unattributed)
    problems.extend(
        f"declared error never appeared: {text}" for text, seen in declared.items() if seen == 0
    )
    problems.extend(f"declared warning never appeared: {part}" for part in awaited_warnings)
    if summary is None:
        problems.append("no 'N passed, N failed' line: the suite did not run to its end")
    elif not SUMMARY.match(summary).group(2) == "0":
        problems.append(f"tests failed: {summary}")
    return problems


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--expect-failure"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        problems = problems_in(log)
    if len(argv) == 4:
        word = argv[3]
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
