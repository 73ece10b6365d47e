/* int $0x80 from a 64-bit program killed it with SIGSEGV (#GP: the gate was
 * closed to ring 3). On Linux x86-64 with IA32 emulation it runs the i386
 * system call table: number in EAX, arguments in EBX, ECX, EDX... (32 bits
 * each), result in RAX. So 20 is getpid, 4 is write, 39 is mkdir (here of
 * a NULL path: EFAULT), and an unknown number is ENOSYS. */
#include <stdio.h>
#include <unistd.h>

static const char msg[] = "written through int 0x80\n";
static const char dir[] = "/tmp/int80-dir";

static long i80(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

int main(void)
{
	printf("getpid (20) is getpid(): %s\n", i80(20, 0, 0, 0) == getpid() ? "yes" : "no");
	printf("getuid32 (199) is getuid(): %s\n", i80(199, 0, 0, 0) == getuid() ? "yes" : "no");
	fflush(stdout);
	printf("write (4) to stdout returned %ld\n", i80(4, 1, (long)msg, sizeof msg - 1));
	printf("write (4) to a closed fd: %ld\n", i80(4, 99, (long)msg, 1));
	printf("mkdir (39) of NULL: %ld\n", i80(39, 0, 0, 0));
	printf("mkdir (39) of %s: %ld, rmdir (40): %ld, again: %ld\n", dir, i80(39, (long)dir, 0700, 0),
	       i80(40, (long)dir, 0, 0), i80(40, (long)dir, 0, 0));
	printf("upper halves are ignored: getpid with RAX 0x100000014 is getpid(): %s\n",
	       i80(0x100000014l, 0, 0, 0) == getpid() ? "yes" : "no");
	printf("number 1000: %ld, number -1: %ld\n", i80(1000, 0, 0, 0), i80(-1, 0, 0, 0));
	return 0;
}
