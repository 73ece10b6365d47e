/* mremap(MREMAP_MAYMOVE | MREMAP_FIXED) to 0x7ffffffff000 succeeded, though
 * Linux keeps the last page below 2^47 unmapped (a syscall at its end would
 * return to a non-canonical RIP). Every way into that page is refused, with
 * Linux's error numbers. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define LAST 0x7ffffffff000ul

static const char *result(void *p) { return p == MAP_FAILED ? strerrorname_np(errno) : "mapped"; }

int main(void)
{
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 0x0f, p[1] = 0x05; /* syscall */

	printf("mremap fixed to the last page: %s\n",
	       result(mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)LAST)));
	printf("mremap fixed across it: %s\n",
	       result(mremap(p, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(LAST - 4096))));
	printf("mremap fixed past it: %s\n",
	       result(mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(LAST + 4096))));
	printf("mmap fixed at the last page: %s\n",
	       result(mmap((void *)LAST, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)));
	printf("mmap fixed-noreplace at it: %s\n",
	       result(mmap((void *)LAST, 4096, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)));
	printf("munmap of the last page: %s\n", munmap((void *)LAST, 4096) ? strerrorname_np(errno) : "ok");
	printf("munmap across it: %s\n", munmap((void *)(LAST - 4096), 8192) ? strerrorname_np(errno) : "ok");
	printf("the mapping still holds its code: %d\n", p[0] == 0x0f && p[1] == 0x05);
	return 0;
}
