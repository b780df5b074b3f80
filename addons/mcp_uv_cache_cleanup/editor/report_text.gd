@tool
extends RefCounted
## What the editor plugin says about a finished sweep, from the Dictionary of
## McpUvCacheSweep.get_report(): one summary line, and the details (each
## cache, what stays and why).


## One line: what was removed and what stays, e.g. "removed 3 stale uv build
## dir(s) (1204 files, 48.2 MiB) from 2 cache(s); 1 stays (1 in use by a
## running process)".
static func summary(report: Dictionary) -> String:
	var roots: Array = report.get("roots", [])
	var line := "removed %d stale uv build dir(s) (%d files, %s) from %d cache(s)" % [
		int(report.get("deleted", 0)),
		int(report.get("files_removed", 0)),
		String.humanize_size(int(report.get("bytes_freed", 0))),
		roots.size(),
	]
	var stays := stays_text(report)
	if not stays.is_empty():
		line += "; " + stays
	var busy: PackedStringArray = report.get("busy", PackedStringArray())
	if not busy.is_empty():
		line += "; %d cache(s) skipped, another sweep is on them" % busy.size()
	return line


## "N stay (M in use by a running process)", or "" when nothing stays.
static func stays_text(report: Dictionary) -> String:
	var remaining := int(report.get("remaining", 0))
	var live := int(report.get("live", 0))
	if remaining == 0 and live == 0:
		return ""
	var text := "%d stay" % (remaining + live)
	if live > 0:
		text += " (%d in use by a running process)" % live
	return text


## One line per cache swept, one per cache skipped, and each error (what
## stays locked and why: "<path>: <operation>: <OS error>").
static func details(report: Dictionary) -> PackedStringArray:
	var lines := PackedStringArray()
	for root: Dictionary in report.get("roots", []):
		lines.append(
			"  %s: removed %d, %s" % [
				root.get("builds_root", ""),
				int(root.get("deleted", 0)),
				_or_nothing_stays(stays_text(root)),
			]
		)
	for busy: String in report.get("busy", PackedStringArray()):
		lines.append("  %s: skipped, another sweep is on it" % busy)
	for error: String in report.get("errors", []):
		lines.append("  stays: " + error)
	return lines


static func _or_nothing_stays(stays: String) -> String:
	return "nothing stays" if stays.is_empty() else stays
