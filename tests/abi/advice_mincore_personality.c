/* Calls that were ENOSYS and that programs make in passing: posix_fadvise
 * and readahead (databases, cp, tar), mincore (allocators and garbage
 * collectors asking which pages hold memory) and personality (setarch,
 * and programs that ask for the Linux domain). Linux's checks and
 * results. Compared with Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

static const char *adv(int r)
{
	errno = r;
	return r ? errno_name() : "ok"; /* posix_fadvise returns the error */
}

int main(void)
{
	int fd = open("/tmp/advice_file", O_CREAT | O_RDWR | O_TRUNC, 0600), p[2];
	write(fd, "some bytes", 10);
	pipe(p);
	printf("fadvise sequential %s\n", adv(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)));
	printf("fadvise dontneed %s\n", adv(posix_fadvise(fd, 0, 10, POSIX_FADV_DONTNEED)));
	printf("fadvise bad advice %s\n", adv(posix_fadvise(fd, 0, 0, 9)));
	printf("fadvise negative length %s\n", adv(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL)));
	printf("fadvise pipe %s\n", adv(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL)));
	printf("fadvise bad fd %s\n", adv(posix_fadvise(999, 0, 0, POSIX_FADV_NORMAL)));
	printf("readahead %s\n", res(readahead(fd, 0, 10)));
	printf("readahead pipe %s\n", res(readahead(p[0], 0, 10)));
	int wo = open("/tmp/advice_file", O_WRONLY);
	printf("readahead write-only %s\n", res(readahead(wo, 0, 10)));
	printf("readahead bad fd %s\n", res(readahead(999, 0, 10)));

	long page = sysconf(_SC_PAGESIZE);
	unsigned char vec[8] = {9, 9, 9, 9, 9, 9, 9, 9};
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mincore untouched %s:", res(mincore(m, 4 * page, vec)));
	for (int i = 0; i < 4; i++)
		printf(" %d", vec[i] & 1);
	m[0] = 1;
	m[2 * page + 5] = 1;
	printf("\nmincore two touched %s:", res(mincore(m, 4 * page, vec)));
	for (int i = 0; i < 4; i++)
		printf(" %d", vec[i] & 1);
	printf("\nmincore part of a page %s: %d\n", res(mincore(m, 1, vec)), vec[0] & 1);
	printf("mincore length 0 %s\n", res(mincore(m, 0, vec)));
	printf("mincore unaligned %s\n", res(mincore(m + 1, page, vec)));
	printf("mincore bad vec %s\n", res(mincore(m, page, (unsigned char *)8)));
	munmap(m + 2 * page, page);
	printf("mincore over a hole %s\n", res(mincore(m, 4 * page, vec)));
	printf("mincore kernel half %s\n", res(mincore((void *)0xffff800000000000ull, page, vec)));

	printf("personality %#x\n", personality(0xffffffff));
	printf("set ADDR_NO_RANDOMIZE, was %#x\n", personality(PER_LINUX | ADDR_NO_RANDOMIZE));
	printf("now %#x\n", personality(0xffffffff));
	printf("back, was %#x\n", personality(PER_LINUX));
	printf("now %#x\n", personality(0xffffffff));
	return 0;
}
