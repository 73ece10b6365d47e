/* fault MODE: one access that the MMU must refuse, so the program dies with
 * SIGSEGV (exit status 139) on Linux and on bareflow alike. If the access
 * is wrongly allowed, the program says so and exits 1. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ul

static const unsigned char ret_rodata[16] = {0xc3}; /* x86 "ret" */
unsigned char ret_data[16] = {0xc3}; /* global and written at run time: stays in .data */

typedef void (*fn)(void);

/* run: call code at p (a "ret"), which must fault since p is not executable. */
static void run(void *p)
{
	((fn)p)();
}

static unsigned char *page(int prot)
{
	unsigned char *p =
	    mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap failed\n");
		exit(2);
	}
	p[0] = 0xc3;
	if (prot != (PROT_READ | PROT_WRITE) && mprotect(p, PAGE, prot)) {
		printf("mprotect failed\n");
		exit(2);
	}
	return p;
}

__attribute__((noinline)) static int recurse(int n)
{
	volatile char frame[1024];
	frame[0] = (char)n;
	if (n < 0) /* never: keeps the recursion from looking unconditional */
		return 0;
	return recurse(n + 1) + frame[0];
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	volatile unsigned char *target = NULL;
	int write = 0;

	if (!strcmp(m, "null-read"))
		target = NULL;
	else if (!strcmp(m, "null-write"))
		target = NULL, write = 1;
	else if (!strcmp(m, "write-rodata"))
		target = (volatile unsigned char *)ret_rodata, write = 1;
	else if (!strcmp(m, "write-text"))
		target = (volatile unsigned char *)(uintptr_t)main, write = 1;
	else if (!strcmp(m, "write-after-mprotect")) /* a page written, then made read-only */
		target = page(PROT_READ), write = 1;
	else if (!strcmp(m, "read-prot-none")) /* a page written, then made PROT_NONE */
		target = page(PROT_NONE);
	else if (!strcmp(m, "read-after-munmap")) {
		unsigned char *p = page(PROT_READ | PROT_WRITE);
		munmap(p, PAGE);
		target = p;
	} else if (!strcmp(m, "read-kernel-half"))
		target = (volatile unsigned char *)0xffff800000000000ul;
	else if (!strcmp(m, "read-kernel-image"))
		target = (volatile unsigned char *)0xffffffff80000000ul;
	else if (!strcmp(m, "write-kernel-image"))
		target = (volatile unsigned char *)0xffffffff80100000ul, write = 1;
	else if (!strcmp(m, "read-noncanonical"))
		target = (volatile unsigned char *)0x0000800000000000ul;
	else if (!strcmp(m, "exec-stack")) {
		volatile unsigned char code[16];
		code[0] = 0xc3;
		run((void *)code);
	} else if (!strcmp(m, "exec-heap")) {
		unsigned char *code = malloc(16);
		code[0] = 0xc3;
		run(code);
	} else if (!strcmp(m, "exec-data"))
		run(ret_data);
	else if (!strcmp(m, "exec-rodata"))
		run((void *)ret_rodata);
	else if (!strcmp(m, "exec-mmap-rw"))
		run(page(PROT_READ | PROT_WRITE));
	else if (!strcmp(m, "exec-revoked")) { /* ran once as RX, then made RW */
		unsigned char *p = page(PROT_READ | PROT_EXEC);
		run(p);
		mprotect(p, PAGE, PROT_READ | PROT_WRITE);
		printf("ran from an RX page\n");
		fflush(stdout);
		run(p);
	} else if (!strcmp(m, "stack-overflow"))
		return recurse(0);
	else {
		printf("usage: fault MODE\n");
		return 2;
	}
	printf("%s: ", m);
	fflush(stdout);
	if (write)
		*target = 1;
	else
		printf("read %d\n", *target);
	printf("the access was allowed\n");
	return 1;
}
