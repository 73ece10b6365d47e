# rename() over an existing file on a FAT disk either replaces it or leaves
# it as it was: in a full FAT16 root (which cannot grow), "S" renamed over
# README.TXT as "ReadMe.txt" needs one slot more than README.TXT frees, so
# the rename fails with ENOSPC, and README.TXT must still hold its data
# (the target used to be unlinked before the rename was tried). Then a
# rename that fits replaces it, and fsck.fat finds the image clean.
. tests/boot/common.inc
cat >"$TMP/r.c" <<'END'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static void put(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0 || close(fd))
		perror(path);
}
static void show(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	printf("%s: %s\n", path, n < 0 ? strerror(errno) : buf);
	if (fd >= 0)
		close(fd);
}
int main(void)
{
	char name[32];
	put("/d/README.TXT", "precious");
	put("/d/S", "new");
	int i = 0, fd;
	do { /* one-slot names until the root is full */
		snprintf(name, sizeof name, "/d/F%d", i++);
		fd = open(name, O_CREAT | O_WRONLY, 0644);
	} while (fd >= 0 && close(fd) == 0 && i < 4096);
	printf("filled: %s\n", fd < 0 ? strerror(errno) : "no");
	int r = rename("/d/S", "/d/ReadMe.txt");
	printf("rename long: %s\n", r ? strerror(errno) : "ok");
	show("/d/README.TXT");
	show("/d/S");
	r = rename("/d/S", "/d/README.TXT");
	printf("rename short: %s\n", r ? strerror(errno) : "ok");
	show("/d/README.TXT");
	show("/d/S");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/r" "$TMP/r.c" || fail "cannot build the program"
mkfs.fat -F 16 -r 16 -C "$TMP/img" 16384 >/dev/null || fail "mkfs.fat failed"
run ./bareflow run --timeout 120 --disk "$TMP/img:/d" "$TMP/r"
expect_status 0
expect_output "^filled: No space left on device$"
expect_output "^rename long: No space left on device$"
expect_output "^/d/README.TXT: precious$"
expect_output "^rename short: ok$"
expect_output "^/d/README.TXT: new$"
expect_output "^/d/S: No such file or directory$"
fsck.fat -n "$TMP/img" >"$TMP/fsck" 2>&1 || { cat "$TMP/fsck"; fail "fsck.fat -n found damage"; }
echo ok
