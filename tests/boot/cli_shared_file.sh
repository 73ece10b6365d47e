# A program file of a power-of-two size (the JIT's runtime is built so) is
# not copied into the boot archive: QEMU's shared-memory device maps it and
# the kernel places the device's memory at the file's path. The guest must
# see the same bytes as Linux does, and a missing or short device must be a
# clear error, never a run with a wrong file.
. tests/boot/common.inc
cat >"$TMP/self.c" <<'END'
#include <stdio.h>
#include <sys/stat.h>
/* Its own file: the size stat gives, the bytes read, and their FNV-1a hash. */
int main(int argc, char **argv)
{
	struct stat st;
	FILE *f = fopen(argv[0], "rb");
	unsigned long long h = 0xcbf29ce484222325ull, n = 0;
	int c;
	if (!f || stat(argv[0], &st))
		return 1;
	while ((c = getc(f)) != EOF)
		h = (h ^ (unsigned char)c) * 0x100000001b3ull, n++;
	printf("%s: %lld bytes by stat, %llu read, hash %016llx, mode %o\n", argc > 1 ? argv[1] : "",
	       (long long)st.st_size, n, h, (unsigned)(st.st_mode & 07777));
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/self" "$TMP/self.c" || fail "clang failed"
# Bytes at the end, as a hole would not have: a wrong length or offset shows.
pad() { # pad FILE SIZE: append "tail" so that FILE is SIZE bytes
	truncate -s $(($2 - 4)) "$1" && printf tail >>"$1"
}
cp "$TMP/self" "$TMP/p4m" && pad "$TMP/p4m" 4194304 || fail "cannot pad"
cp "$TMP/self" "$TMP/odd" && pad "$TMP/odd" 4194308 || fail "cannot pad"

# Shared, and the same as on Linux.
"$TMP/p4m" x >"$TMP/want" || fail "the program fails on Linux"
run ./bareflow run --verbose "$TMP/p4m" x
expect_status 0
expect_output "mapped by the guest's shared-memory device"
expect_output "ivshmem-plain,memdev=shared"
grep -v '^bareflow' "$OUT" | grep -F -x -f "$TMP/want" >/dev/null ||
	fail "the guest read other bytes than Linux: $(cat "$TMP/want")"

# The kernel's log names the device's memory.
expect_output "^fs: $TMP/p4m: 4194304 bytes on the shared-memory device at .*, BAR 2 at [0-9a-f]* (4 MiB)$"

# Not a power of two: copied into the archive as before.
"$TMP/odd" y >"$TMP/want" || fail "the program fails on Linux"
run ./bareflow run --verbose "$TMP/odd" y
expect_status 0
expect_no_output "shared-memory"
grep -F -x -f "$TMP/want" "$OUT" >/dev/null || fail "the guest read other bytes than Linux"

# The device missing: the kernel says so and runs nothing.
cat >"$TMP/qemu" <<'END'
#!/bin/sh
# QEMU without its shared-memory device, with a smaller file behind it
# ($SHORT), or with the archive edited by the sed script $EDIT into
# $BAD_SIZE.
drop= prev=
for a in "$@"; do
	shift
	if [ "$drop" = 1 ]; then drop=; continue; fi
	case "$a" in
	-device) case "$1" in ivshmem-plain*) [ -z "$SHORT$BAD_SIZE" ] && { drop=1; continue; } ;; esac ;;
	memory-backend-file*) [ -n "$SHORT" ] && a="memory-backend-file,id=shared,mem-path=$SHORT,size=2097152,readonly=on,share=off" ;;
	esac
	if [ "$prev" = -initrd ] && [ -n "$BAD_SIZE" ]; then
		LC_ALL=C sed "$EDIT" "$a" >"$BAD_SIZE" && a=$BAD_SIZE
	fi
	prev=$a
	set -- "$@" "$a"
done
exec qemu-system-x86_64 "$@"
END
chmod +x "$TMP/qemu"
BAREFLOW_QEMU=$TMP/qemu run ./bareflow run "$TMP/p4m" x
expect_status 125
expect_output "$TMP/p4m: the boot archive leaves its bytes to a shared-memory device, and there is none"
expect_no_output "bytes by stat"

# The device smaller than the file: the same.
head -c 2097152 "$TMP/p4m" >"$TMP/short"
SHORT=$TMP/short BAREFLOW_QEMU=$TMP/qemu run ./bareflow run "$TMP/p4m" x
expect_status 125
expect_output "$TMP/p4m: the shared-memory device at .* holds fewer bytes than the file has"
expect_no_output "bytes by stat"

# A malformed entry: the same, with the kernel's reason. The stand-in's
# size "4194304" made "41943x4"; then its path, after the size's NUL,
# made relative.
EDIT='s/4194304/41943x4/' BAD_SIZE=$TMP/bad.cpio BAREFLOW_QEMU=$TMP/qemu \
	run ./bareflow run "$TMP/p4m" x
expect_status 125
LC_ALL=C grep -q 41943x4 "$TMP/bad.cpio" || fail "the stand-in QEMU did not rewrite the archive"
expect_output "the boot archive is malformed: a bad size in its !bareflow-shared entry"
expect_no_output "bytes by stat"
EDIT='s|4194304\x00/|4194304\x00x|' BAD_SIZE=$TMP/bad.cpio BAREFLOW_QEMU=$TMP/qemu \
	run ./bareflow run "$TMP/p4m" x
expect_status 125
tr "\\000" @ <"$TMP/bad.cpio" | grep -q "4194304@x" || fail "the stand-in QEMU did not rewrite the path"
expect_output "the boot archive is malformed: a bad !bareflow-shared entry"
expect_no_output "bytes by stat"
echo "shared file: the same bytes as Linux; a missing or short device, or a bad entry, is refused"
