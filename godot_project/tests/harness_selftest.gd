extends Node
## The harness's own proof: a run that crashes on purpose and still prints
## "1 passed, 0 failed". tests/engine/godot_suite.sh fails unless tests/engine/godot_log.py
## rejects this run, for its SCRIPT ERROR and for its undeclared ERROR: line.
## Not part of the suite; never edit it to pass.


func _ready() -> void:
	# A runtime error ends the function it happens in, and only that one: the
	# caller goes on, as suite.gd goes on to print PASS after a crashed test.
	_crash_like_a_test()
	push_error("deliberate undeclared error")
	print("PASS harness_selftest.crashes_on_purpose")
	print("1 passed, 0 failed")
	get_tree().quit(0)


func _crash_like_a_test() -> void:
	var missing: Object = null
	missing.call("deliberate_crash")
