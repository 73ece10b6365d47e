# When the CLI cannot write the program's output to its own stdout or
# stderr, the program's writes fail as on Linux: EPIPE with SIGPIPE (status
# 141) when the reader went away, ENOSPC on a full device. The program used
# to run on and exit 0. The guest learns of a failure after its bytes have
# left it, so only the errno and the status are compared, not after how
# many bytes it came.
. tests/boot/common.inc
. tests/boot/writer.inc

# compare NAME SHELL-COMMAND: the command, with $W for the program, prints
# its status and what it reported, the same natively and under bareflow (as
# sorted lines: their order depends on timing).
compare() {
	native=$(W=$writer sh -c "$2" 2>&1 | sed "s/after [0-9]* bytes/after N bytes/" | sort)
	bare=$(W="./bareflow run --timeout 120 $writer" sh -c "$2" 2>"$OUT" | sort |
		sed 's/after [0-9]* bytes/after N bytes/')
	STATUS=0
	[ "$native" = "$bare" ] || fail "$1: Linux gives '$native', bareflow '$bare'"
}

# SIGPIPE by default, EPIPE when ignored; head gets the first bytes.
compare "stdout into head" \
	'{ { $W 1 1000000; echo $? >&3; } | head -c 10 | od -An -tx1; } 3>&1'
compare "stdout into head, SIGPIPE ignored" \
	'{ { $W 1 1000000 4096 ignore 2>&3; echo $? >&3; } | head -c 10 >/dev/null; } 3>&1'
compare "stderr into head" \
	'{ { $W 2 1000000 2>&1 >&3; echo $? >&3; } | head -c 10 | od -An -tx1; } 3>&1'
compare "stdout on /dev/full" '$W 1 100000 2>&1 >/dev/full; echo $?'
compare "stderr on /dev/full" '$W 2 100000 2>/dev/full; echo $?'
