# /proc/self is part of the in-memory tree, so a program may remove,
# rename or replace its entries (Linux refuses: EPERM). A thread's end
# removes only what its clone made: with its comm unlinked and a directory
# of that name made in its place, holding the working directory, the
# thread's end once freed that directory under the working directory, and
# the next getcwd panicked the kernel. Now the program runs on.
. tests/boot/common.inc
cat >"$TMP/procmess.c" <<'END'
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void *thread(void *arg)
{
	char path[96];
	snprintf(dir, sizeof dir, "/proc/self/task/%d", gettid());
	snprintf(path, sizeof path, "%s/comm", dir);
	unlink(path);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/comm/sub", dir);
	mkdir(path, 0755);
	chdir(path);
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, NULL);
	char cwd[256];
	printf("getcwd after the thread's end: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "(gone)");
	struct stat st;
	printf("its directory kept: %s\n", stat(dir, &st) == 0 ? "yes" : "no");
	printf("maps still read: %s\n", fopen("/proc/self/maps", "r") ? "yes" : "no");
	return 0;
}
END
clang-19 -static -O1 -o "$TMP/procmess" "$TMP/procmess.c" || fail "cannot build the program"
run ./bareflow run --timeout 60 "$TMP/procmess"
expect_status 0
expect_output "getcwd after the thread's end: /proc/self/task/2/comm/sub"
expect_output "its directory kept: yes"
expect_output "maps still read: yes"
