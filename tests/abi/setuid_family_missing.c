/* getgroups (behind `id`), setgroups and the setuid family were not
 * implemented (ENOSYS). Run as root, natively too: root may take any id;
 * with an effective uid other than 0 only the ids already held; the saved
 * id follows Linux's rules; setfsuid returns the old value. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

static void ids(const char *when)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%s: uid %u/%u/%u (getuid %u, geteuid %u), gid %u/%u/%u (getgid %u, getegid %u), fsuid %d\n",
	       when, r, e, s, getuid(), geteuid(), gr, ge, gs, getgid(), getegid(), setfsuid(-1));
}

int main(void)
{
	if (getuid() != 0) {
		printf("run this as root\n");
		return 1;
	}
	gid_t g[8], two[] = {50, 5, 7};
	printf("setgroups(0): %s, getgroups: %d\n", res(setgroups(0, NULL)), getgroups(0, NULL));
	printf("setgroups(3): %s", res(setgroups(3, two)));
	int n = getgroups(8, g);
	printf(", getgroups: %d:", n);
	for (int i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\ngetgroups(1): %s, getgroups(-1): %s\n", res(getgroups(1, g)), res(getgroups(-1, g)));
	printf("getgroups(bad pointer): %s\n", res(syscall(SYS_getgroups, 8, (void *)8)));
	printf("setgroups(bad pointer): %s\n", res(syscall(SYS_setgroups, 2, (void *)8)));
	printf("setgroups(65537): %s\n", res(syscall(SYS_setgroups, 65537, g)));
	printf("getresuid(bad pointer): %s\n", res(syscall(SYS_getresuid, (void *)8, g, g)));
	ids("start");
	printf("setuid(-1): %s\n", res(syscall(SYS_setuid, -1)));
	printf("setresgid(100, 200, 300): %s\n", res(setresgid(100, 200, 300)));
	printf("setregid(-1, 100): %s\n", res(setregid(-1, 100)));
	printf("setfsgid(9) returns the old %d\n", setfsgid(9));
	ids("gids set");
	printf("seteuid(1000): %s\n", res(seteuid(1000)));
	ids("seteuid");
	printf("setuid(2000): %s, setgroups: %s, setgid(0): %s\n", res(setuid(2000)),
	       res(setgroups(0, NULL)), res(setgid(0)));
	printf("setfsuid(5) returns %d, setfsuid(0) returns %d\n", setfsuid(5), setfsuid(0));
	printf("seteuid(0): %s\n", res(seteuid(0)));
	ids("back");
	printf("setreuid(1000, 1001): %s\n", res(setreuid(1000, 1001)));
	ids("setreuid");
	printf("setreuid(-1, 0): %s, setresuid(1001, -1, -1): %s, setresuid(7, -1, -1): %s\n",
	       res(setreuid(-1, 0)), res(setresuid(1001, -1, -1)), res(setresuid(7, -1, -1)));
	ids("unprivileged");
	printf("setuid(1000): %s, setuid(0): %s\n", res(setuid(1000)), res(setuid(0)));
	ids("end");
	return 0;
}
