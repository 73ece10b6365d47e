/* mlock, mlock2, munlock, mlockall and munlockall were -ENOSYS. They succeed
 * on mapped memory and fail with Linux's error numbers otherwise (the
 * program runs as root, so no RLIMIT_MEMLOCK applies, as on Linux). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *res(int r) { return r ? strerrorname_np(errno) : "ok"; }

int main(void)
{
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 3 * 4096, 4096); /* a hole at page 3 */

	printf("mlock 2 pages: %s\n", res(mlock(p, 2 * 4096)));
	printf("mlock unaligned, rounded out: %s\n", res(mlock(p + 100, 4096)));
	printf("mlock length 0 at an unmapped address: %s\n", res(mlock(p + 3 * 4096, 0)));
	printf("mlock across the hole: %s\n", res(mlock(p, 5 * 4096)));
	printf("mlock of the hole: %s\n", res(mlock(p + 3 * 4096, 1)));
	printf("mlock of PROT_NONE memory: %s\n", res(mlock(none, 4096)));
	printf("mlock wrapping around: %s\n", res(mlock(p, -8192ul)));
	printf("mlock2 MLOCK_ONFAULT: %s\n", res(mlock2(p, 4096, MLOCK_ONFAULT)));
	printf("mlock2 MLOCK_ONFAULT of PROT_NONE memory: %s\n", res(mlock2(none, 4096, MLOCK_ONFAULT)));
	printf("munlock of PROT_NONE memory: %s\n", res(munlock(none, 4096)));
	printf("mlock2 bad flags: %s\n", res(mlock2(p, 4096, 2)));
	printf("munlock: %s\n", res(munlock(p, 2 * 4096)));
	printf("munlock across the hole: %s\n", res(munlock(p, 5 * 4096)));
	printf("munlock of the hole: %s\n", res(munlock(p + 3 * 4096, 4096)));
	printf("mlockall 0: %s\n", res(mlockall(0)));
	printf("mlockall MCL_ONFAULT alone: %s\n", res(mlockall(MCL_ONFAULT)));
	printf("mlockall bad bit: %s\n", res(mlockall(8)));
	printf("mlockall MCL_CURRENT|MCL_FUTURE: %s\n", res(mlockall(MCL_CURRENT | MCL_FUTURE)));
	printf("munlockall: %s\n", res(munlockall()));
	p[0] = 1; /* still ordinary memory */
	printf("memory still works: %d\n", p[0]);
	return 0;
}
