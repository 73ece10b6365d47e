# A write-back that fails reaches every file open when the data was lost,
# once each, as Linux's fsync does: one write of the guest's disk fails
# (QEMU's blkdebug driver injects EIO under the guest), two files are
# written, and fsync of the first says EIO (the flush writes both files);
# fsync of the second must say EIO too (the first flush used to consume
# the error), each file's next fsync says 0, and a file opened after the
# loss hears nothing of it.
. tests/boot/common.inc
cat >"$TMP/w.c" <<'END'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static char buf[65536];
static void sync_says(const char *what, int fd)
{
	int r = fsync(fd);
	printf("%s %s\n", what, r ? strerror(errno) : "ok");
}
int main(void)
{
	int a = open("/d/a", O_CREAT | O_WRONLY, 0644), b = open("/d/b", O_CREAT | O_WRONLY, 0644);
	if (a < 0 || b < 0)
		return perror("open"), 1;
	memset(buf, 'x', sizeof buf);
	if (write(a, buf, sizeof buf) != sizeof buf || write(b, buf, sizeof buf) != sizeof buf)
		return perror("write"), 1;
	sync_says("a", a);
	sync_says("b", b);
	sync_says("a-again", a);
	sync_says("b-again", b);
	int c = open("/d/c", O_CREAT | O_WRONLY, 0644);
	sync_says("c-later", c);
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/w" "$TMP/w.c" || fail "cannot build the program"
./bareflow disk create "$TMP/img" 40M >/dev/null || fail "disk create failed"
# the first write the guest's disk makes fails with EIO (5)
cat >"$TMP/blkdebug.conf" <<'END'
[inject-error]
event = "write_aio"
errno = "5"
once = "on"
END
cat >"$TMP/qemu" <<END
#!/bin/sh
n=\$#
for a do
	case \$a in file=*,id=disk0,*) a="file=blkdebug:$TMP/blkdebug.conf:\${a#file=}" ;; esac
	set -- "\$@" "\$a"
done
shift \$n
exec qemu-system-x86_64 "\$@"
END
chmod +x "$TMP/qemu"
BAREFLOW_QEMU=$TMP/qemu run ./bareflow run --timeout 120 --disk "$TMP/img:/d" "$TMP/w"
expect_status 0
for want in "a Input/output error" "b Input/output error" "a-again ok" "b-again ok" \
	"c-later ok"; do
	expect_output "^$want\$"
done
echo ok
