/* With two shared mappings of one file, a store through the newer one was
 * undone at the next system call: the older mapping's unchanged copy,
 * compared with the file after the newer one's bytes had reached it, looked
 * changed and was written back over them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/bfnewerXXXXXX";
	int fd = mkstemp(path);
	ftruncate(fd, 4096);
	char *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		return printf("mmap failed\n"), 1;
	strcpy(a, "older");
	getppid(); /* any system call */
	printf("a store through the older mapping: %s %s\n", a, b);
	strcpy(b, "newer");
	getppid();
	printf("a store through the newer mapping: %s %s\n", a, b);
	strcpy(a, "one");
	strcpy(b + 100, "other");
	char buf[8] = "";
	pread(fd, buf, 5, 100);
	printf("stores through both: %s %s %s %s, the file %s\n", a, b, a + 100, b + 100, buf);
	unlink(path);
	return 0;
}
