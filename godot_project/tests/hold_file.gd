extends SceneTree
## A second process that holds a file open, as the godot-ai server's Python
## holds its `.pyd`: windows_semantics_tests.gd starts it with
##
##     godot --headless --path <project> -s res://tests/hold_file.gd -- FILE READY RELEASE
##
## It opens FILE for reading (Godot opens files without FILE_SHARE_DELETE on
## Windows), writes READY, and keeps FILE open until RELEASE exists (or a
## minute has passed), then exits.

const MAX_HOLD_MSEC := 60000


func _init() -> void:
	var args := OS.get_cmdline_user_args()
	if args.size() != 3:
		printerr("hold_file.gd: expected FILE READY RELEASE, got %s" % [args])
		quit(2)
		return
	var held := FileAccess.open(args[0], FileAccess.READ)
	if held == null:
		printerr("hold_file.gd: cannot open %s" % args[0])
		quit(3)
		return
	var ready := FileAccess.open(args[1], FileAccess.WRITE)
	ready.store_string("holding")
	ready.close()
	var deadline := Time.get_ticks_msec() + MAX_HOLD_MSEC
	while not FileAccess.file_exists(args[2]) and Time.get_ticks_msec() < deadline:
		OS.delay_msec(20)
	held.close()
	quit(0)
