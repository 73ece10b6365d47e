# --file puts host files into the guest's filesystem, and the program starts
# in the host's working directory: busybox finds, reads and checksums them
# exactly as it does natively, relative paths included; files it writes stay
# in the guest (tmpfs) and never reach the host.
. tests/boot/common.inc
bb=/bin/busybox
[ -x $bb ] || fail "$bb is missing (Debian package busybox-static; run 'make setup')"
root=$(pwd)
mkdir -p "$TMP/tree/sub/deeper"
printf 'alpha\n' >"$TMP/tree/a.txt"
head -c 70000 /dev/urandom >"$TMP/tree/sub/blob.bin"
printf 'gamma\n' >"$TMP/tree/sub/deeper/c.txt"
ln -s a.txt "$TMP/tree/link"
# same LABEL CMD...: CMD under bareflow (with the tree) and natively, from
# inside the tree; stdout (sorted with LABEL "sorted") and status must match.
same() {
	label=$1
	shift
	(cd "$TMP/tree" && "$@") >"$TMP/native" 2>&1
	native=$?
	rm -f "$TMP/tree/new.txt" # what the native run wrote
	(cd "$TMP/tree" && "$root/bareflow" run --file "$TMP/tree" "$@") >"$OUT.all" 2>&1
	STATUS=$?
	# The line naming unimplemented calls (busybox cat tries sendfile, then
	# reads and writes) is BareFlow's own, not the program's output.
	grep -v '^bareflow: the program called unimplemented system calls: ' "$OUT.all" >"$OUT"
	if [ "$label" = sorted ]; then
		sort "$TMP/native" -o "$TMP/native"
		sort "$OUT" -o "$OUT"
	fi
	expect_status "$native"
	cmp -s "$TMP/native" "$OUT" || { diff "$TMP/native" "$OUT" | head; fail "$*: the guest saw different files"; }
}
same sorted $bb find .
same plain $bb sha256sum sub/blob.bin a.txt link ./sub/../a.txt
same plain $bb cat sub/deeper/c.txt
same plain $bb readlink link
# Directories keep their host mtimes, as files do (they had the boot time:
# find -newer and tar differed).
touch -d '2020-01-02 03:04:05' "$TMP/tree/sub/deeper" "$TMP/tree/sub" "$TMP/tree"
touch -d '2021-01-02 03:04:05' "$TMP/tree/a.txt"
touch -d '2019-01-02 03:04:05' "$TMP/tree/sub/deeper/c.txt"
same plain $bb stat -c '%n %Y' . sub sub/deeper a.txt sub/deeper/c.txt
same sorted $bb find . -newer a.txt
same sorted $bb find . ! -newer sub/deeper/c.txt
same plain $bb sh -c 'echo written >new.txt; read x <new.txt; echo "$x"; cd sub/deeper; pwd'
[ ! -e "$TMP/tree/new.txt" ] || fail "a file the program wrote reached the host"
# Cutting a file that still borrows the boot archive's bytes (8 MB of
# them) to 10: the guest's file keeps the first 10 (the copy made first
# must not write past its buffer, which the kernel heap's checks and the
# leak check at exit would see), and grows again; as natively (on a copy),
# and the host's file is as it was.
cat >"$TMP/cut.c" <<'END'
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	unsigned char b[16];
	struct stat st;
	int fd = open(argv[1], O_RDWR);
	if (fd < 0 || ftruncate(fd, 10) || fstat(fd, &st))
		return perror(argv[1]), 1;
	printf("%lld bytes:", (long long)st.st_size);
	ssize_t n = pread(fd, b, sizeof b, 0);
	for (ssize_t i = 0; i < n; i++)
		printf(" %02x", b[i]);
	if (pwrite(fd, "xy", 2, 10) != 2 || fstat(fd, &st))
		return perror("pwrite"), 1;
	printf("\nthen %lld bytes\n", (long long)st.st_size);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/cut" "$TMP/cut.c" || fail "cannot build the truncating program"
head -c 8000000 /dev/urandom >"$TMP/cut.orig"
cp "$TMP/cut.orig" "$TMP/cut.bin"
"$TMP/cut" "$TMP/cut.bin" >"$TMP/native" 2>&1 || fail "the truncating program fails natively"
cp "$TMP/cut.orig" "$TMP/cut.bin"
run ./bareflow run --timeout 120 --file "$TMP/cut.bin" "$TMP/cut" "$TMP/cut.bin"
expect_status 0
cmp -s "$TMP/native" "$OUT" || { diff "$TMP/native" "$OUT" | head; fail "a truncated archive file differs"; }
cmp -s "$TMP/cut.bin" "$TMP/cut.orig" || fail "the host's file changed"
# GUEST paths: a file and a directory placed elsewhere.
run ./bareflow run --file "$TMP/tree/a.txt:/etc/motd" --file "$TMP/tree/sub:/srv" $bb ls /etc/motd /srv
expect_status 0
expect_output "^/etc/motd$"
expect_output "^blob.bin$"
expect_output "^deeper$"
run ./bareflow run --file "$TMP/tree/a.txt:/etc/motd" $bb cat /etc/motd
expect_output "^alpha$"
