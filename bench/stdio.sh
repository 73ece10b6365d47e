#!/bin/sh
# The program's standard streams under `bareflow run`: MB/s of piped stdin
# (a program reading it to the end), of stdout (a program writing it to a
# pipe), and both at once (a copy, checked by sha256), each the time of the
# run minus that of the same run with no data (boot and exit), median of
# RUNS. They travel on virtio-console; with --serial the device is taken off
# QEMU's command line, so the kernel falls back to the serial line (use a
# small SIZE then: it moves tens of KB/s).
# usage: bench/stdio.sh [--serial] [SIZE_MB [RUNS]]   (default 200 MB, 3 runs)
. "$(dirname "$0")/common.inc"
serial=
[ "$1" = --serial ] && { serial=1; shift; }
mb=${1:-200} runs=${2:-3}
case $mb$runs in '' | *[!0-9]*) echo "usage: bench/stdio.sh [--serial] [SIZE_MB [RUNS]]" >&2; exit 2 ;; esac
make -s kernel cli || exit 1
mkdir -p build/bench
clang-19 -static -O2 -o build/bench/stdio bench/stdio.c || exit 1
bytes=$((mb * 1000000))
head -c "$bytes" /dev/urandom >build/bench/stdio.in
want=$(sha256sum <build/bench/stdio.in)
if [ -n "$serial" ]; then
	# a QEMU without the virtio-console device and its chardev
	cat >build/bench/qemu-serial <<-'END'
	#!/bin/sh
	pending=
	for a in "$@"; do
		shift
		if [ -n "$pending" ]; then
			case $a in virtio-serial-pci* | virtserialport* | socket,id=io,*) ;; *) set -- "$@" "$pending" "$a" ;; esac
			pending=
			continue
		fi
		case $a in -device | -chardev) pending=$a ;; *) set -- "$@" "$a" ;; esac
	done
	exec qemu-system-x86_64 "$@"
	END
	chmod +x build/bench/qemu-serial
	BAREFLOW_QEMU=$PWD/build/bench/qemu-serial
	export BAREFLOW_QEMU
fi

# timed NAME CMD: run the shell command CMD RUNS times; set $med (ms).
timed() {
	: >build/bench/stdio.$1
	i=0
	while [ $i -lt "$runs" ]; do
		t0=$(now_ms)
		sh -c "$2" >build/bench/stdio.out || { echo "bench: $1 failed" >&2; exit 1; }
		echo $(($(now_ms) - t0)) >>build/bench/stdio.$1
		i=$((i + 1))
	done
	stats build/bench/stdio.$1
}
run="./bareflow run --timeout 600 build/bench/stdio"
timed empty "$run sink </dev/null | cat"
base=$med
timed stdin "cat build/bench/stdio.in | $run sink"
[ "$(cat build/bench/stdio.out)" = "$bytes" ] || { echo "bench: stdin lost bytes" >&2; exit 1; }
in_ms=$med
timed stdout "$run source $bytes | cat >/dev/null"
out_ms=$med
timed copy "cat build/bench/stdio.in | $run copy | sha256sum"
[ "$(cat build/bench/stdio.out)" = "$want" ] || { echo "bench: the copy changed bytes" >&2; exit 1; }
copy_ms=$med

# mbs MS: MB/s for $mb MB moved in MS - $base milliseconds.
mbs() {
	d=$(($1 - base))
	[ "$d" -gt 0 ] || d=1
	r=$((mb * 100000 / d))
	printf '%d.%02d' $((r / 100)) $((r % 100))
}
channel=virtio-console
[ -n "$serial" ] && channel="the serial line"
echo "standard streams of \`bareflow run\`, ${mb} MB, median of $runs runs, on $channel:"
printf '  %-34s %7s ms\n' "boot and exit, no data" "$base"
printf '  %-34s %7s ms  %6s MB/s\n' "stdin (piped, read to the end)" "$in_ms" "$(mbs "$in_ms")"
printf '  %-34s %7s ms  %6s MB/s\n' "stdout (to a pipe)" "$out_ms" "$(mbs "$out_ms")"
printf '  %-34s %7s ms  %6s MB/s\n' "stdin to stdout (copy, sha256)" "$copy_ms" "$(mbs "$copy_ms")"
