/* Linux's x86-64 entry reads the system call number as an int: the high
 * half of RAX is ignored (0x100000027 is getpid), while numbers whose low
 * half is past the table, the x32 bit or -1 are -ENOSYS. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static long raw_syscall(unsigned long nr)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

int main(void)
{
	static const unsigned long nrs[] = {
		39, 0x100000027ul, 0xffffffff00000027ul, 0x8000000000000027ul, 0x80000027ul,
		0x40000027ul, 512, 0x100000200ul, 0xfffffffful, ~0ul,
	};
	long pid = getpid();

	for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
		long r = raw_syscall(nrs[i]);
		printf("%#lx: %s\n", nrs[i], r == pid ? "getpid" : r == -ENOSYS ? "ENOSYS" : "?");
	}
	return 0;
}
