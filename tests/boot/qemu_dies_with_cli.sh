# QEMU and the CLI's relay processes end when the CLI is killed with
# SIGKILL, and a --timeout ends QEMU even when the CLI cannot act (it is
# stopped). An orphaned QEMU used to spin on forever under PID 1.
. tests/boot/common.inc
. tests/boot/writer.inc

# start ARGS...: run the CLI in the background writing for ever; $cli is its
# pid, $kids its children (QEMU and the relays) and $qemu QEMU's pid once
# QEMU is running.
start() {
	./bareflow run "$@" $writer 1 1000000000000000 >/dev/null 2>"$OUT" &
	cli=$!
	for _ in $(seq 600); do
		pgrep -P $cli qemu-system >/dev/null && break
		sleep 0.1
	done
	kids=$(pgrep -P $cli)
	qemu=$(pgrep -P $cli qemu-system) || fail "QEMU did not start"
}

# gone SECONDS PIDS: every one of PIDS has ended (or is a zombie whose
# parent is stopped) within SECONDS.
gone() {
	for _ in $(seq $(($1 * 10))); do
		alive=
		for k in $2; do
			case $(ps -o stat= -p $k) in "" | Z*) ;; *) alive="$alive $k" ;; esac
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	ps -o pid,ppid,etime,time,args -p "$(echo $alive | tr ' ' ,)"
	kill -9 $alive 2>/dev/null
	return 1
}

start --timeout 300
kill -9 $cli
gone 10 "$kids" || fail "QEMU or a relay outlived a CLI killed with SIGKILL"

# With the CLI stopped (well before its 5 s), QEMU's CPU-time limit (2 * timeout
# + 2 s) ends it.
start --timeout 5
kill -STOP $cli
gone 120 $qemu || fail "QEMU outlived its --timeout while the CLI was stopped"
kill -9 $cli
gone 10 "$kids" || fail "a relay outlived the CLI"
