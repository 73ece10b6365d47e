/* MADV_DONTNEED on the program's own pages zero-filled them: its code became
 * zeroes and initialized data lost its initial value. Like Linux, dropped
 * pages of the program's segments come back from its file, and its bss
 * comes back zeroed. */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#define PAGE 4096ul

/* A whole page each, so that dropping one drops nothing else. */
__attribute__((aligned(4096))) int data_page[1024] = {1234};
__attribute__((aligned(4096))) int bss_page[1024];
#define data_value data_page[0]
#define bss_value bss_page[0]

__attribute__((noinline, aligned(4096))) int in_text(int x) { return x * 3 + 1; }

static void *page_of(const void *p) { return (void *)((uintptr_t)p & ~(PAGE - 1)); }

int main(void)
{
	data_value = 99;
	bss_value = 77;
	printf("before: text %d, data %d, bss %d\n", in_text(4), data_value, bss_value);
	printf("madvise text: %d\n", madvise(page_of((void *)in_text), PAGE, MADV_DONTNEED));
	printf("madvise data: %d\n", madvise(page_of(&data_value), PAGE, MADV_DONTNEED));
	printf("madvise bss: %d\n", madvise(page_of(&bss_value), PAGE, MADV_DONTNEED));
	printf("after: text %d, data %d, bss %d\n", in_text(5), *(volatile int *)&data_value,
	       *(volatile int *)&bss_value);
	return 0;
}
