# The program's standard streams travel on virtio-console when the CLI
# attaches it (every run does): 32 MiB of random bytes piped through a
# program that copies stdin to stdout, with the reader pausing 2 s so that
# QEMU must hold output back (a console port would drop it), come out
# byte for byte; the log names the channel. With the device taken off the
# QEMU command line (a wrapper filters it out) the kernel falls back to the
# serial line and the bytes are still exact.
. tests/boot/common.inc
cat >"$TMP/copy.c" <<'END'
#include <unistd.h>
int main(void)
{
	static char b[1 << 16];
	ssize_t n;
	while ((n = read(0, b, sizeof b)) > 0)
		for (ssize_t o = 0, w; o < n; o += w)
			if ((w = write(1, b + o, (size_t)(n - o))) < 0)
				return 1;
	return n < 0 ? 2 : 0;
}
END
clang-19 -static -O2 -o "$TMP/copy" "$TMP/copy.c" || fail "cannot build the program"
head -c 33554432 /dev/urandom >"$TMP/in"
want=$(sha256sum <"$TMP/in")

got=$({ cat "$TMP/in" | ./bareflow run --verbose --timeout 300 "$TMP/copy" 2>"$OUT"; echo $? >"$TMP/status"; } |
	{ dd bs=65536 count=16 iflag=fullblock 2>/dev/null; sleep 2; cat; } | sha256sum)
STATUS=$(cat "$TMP/status")
expect_status 0
expect_output "stdin: ready on virtio-console"
[ "$got" = "$want" ] || fail "32 MiB through stdin and stdout on virtio-console changed"

# Without the device: the serial line, slower, so 256 KiB.
cat >"$TMP/qemu" <<'END'
#!/bin/sh
# QEMU without the virtio-console device and its chardev.
pending=
for a in "$@"; do
	shift
	if [ -n "$pending" ]; then
		case $a in
		virtio-serial-pci* | virtserialport* | socket,id=io,*) ;;
		*) set -- "$@" "$pending" "$a" ;;
		esac
		pending=
		continue
	fi
	case $a in
	-device | -chardev) pending=$a ;;
	*) set -- "$@" "$a" ;;
	esac
done
exec qemu-system-x86_64 "$@"
END
chmod +x "$TMP/qemu"
head -c 262144 "$TMP/in" >"$TMP/small"
want=$(sha256sum <"$TMP/small")
got=$({ cat "$TMP/small" | BAREFLOW_QEMU=$TMP/qemu ./bareflow run --verbose --timeout 300 "$TMP/copy" 2>"$OUT"; echo $? >"$TMP/status"; } | sha256sum)
STATUS=$(cat "$TMP/status")
expect_status 0
expect_output "stdin: ready on COM1"
expect_no_output "virtio-console: port"
[ "$got" = "$want" ] || fail "256 KiB through stdin and stdout on the serial line changed"
