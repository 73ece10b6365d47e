/* process_vm_readv and process_vm_writev on the process itself (its pid,
 * or a thread's tid): scattered parts on both sides, a transfer that
 * stops at a page it cannot read or write (the count so far, or EFAULT),
 * and Linux's checks in its order. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "result_name.h"

static char src[10000], dst[10000];
static volatile pid_t thread_tid;
static volatile int stop;

static void *idle(void *arg)
{
	thread_tid = (pid_t)syscall(SYS_gettid);
	while (!stop)
		usleep(1000);
	return arg;
}

int main(void)
{
	pid_t me = getpid();
	pthread_t t;
	for (int i = 0; i < (int)sizeof src; i++)
		src[i] = (char)(i * 31 + 7);

	struct iovec l[3] = {{dst, 100}, {dst + 200, 0}, {dst + 300, 5000}};
	struct iovec r[2] = {{src + 10, 3000}, {src + 5000, 4000}};
	printf("read, 3 local parts, 2 remote: %s, bytes %d %d\n",
	       res_value(process_vm_readv(me, l, 3, r, 2, 0)), !memcmp(dst, src + 10, 100),
	       !memcmp(dst + 300, src + 110, 2900) && !memcmp(dst + 3200, src + 5000, 2100));
	memset(dst, 0, sizeof dst);
	struct iovec w_l = {src, 4500}, w_r[2] = {{dst + 1, 4000}, {dst + 6000, 4000}};
	printf("write: %s, bytes %d\n", res_value(process_vm_writev(me, &w_l, 1, w_r, 2, 0)),
	       !memcmp(dst + 1, src, 4000) && !memcmp(dst + 6000, src + 4000, 500));

	char *pages =
	    mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(pages, 'p', 3 * 4096);
	mprotect(pages + 4096, 4096, PROT_NONE);
	mprotect(pages + 8192, 4096, PROT_READ);
	struct iovec big = {dst, sizeof dst};
	struct iovec across = {pages + 4000, 200};
	printf("remote read into a PROT_NONE page: %s\n",
	       res_value(process_vm_readv(me, &big, 1, &across, 1, 0)));
	struct iovec none = {pages + 4096, 10};
	printf("remote read of a PROT_NONE page only: %s\n",
	       res_value(process_vm_readv(me, &big, 1, &none, 1, 0)));
	struct iovec then[2] = {{src, 50}, {pages + 4096, 10}};
	printf("a good part then a PROT_NONE one: %s\n",
	       res_value(process_vm_readv(me, &big, 1, then, 2, 0)));
	struct iovec ro = {pages + 8192, 10}, from = {src, 10};
	printf("remote write to a read-only page: %s\n",
	       res_value(process_vm_writev(me, &from, 1, &ro, 1, 0)));
	struct iovec local_ro = {pages + 8192, 10}, good = {src, 10};
	printf("local read-only target: %s\n",
	       res_value(process_vm_readv(me, &local_ro, 1, &good, 1, 0)));
	char *two =
	    mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + 4096, 4096);
	struct iovec into = {two + 100, 8192}, from_src = {src, 8192};
	printf("a local part running into an unmapped page: read %s, write %s\n",
	       res_value(process_vm_readv(me, &into, 1, &from_src, 1, 0)),
	       res_value(process_vm_writev(me, &into, 1, &(struct iovec){dst, 8192}, 1, 0)));
	struct iovec unmapped = {(void *)16, 10};
	printf("remote address 16: %s\n",
	       res_value(process_vm_readv(me, &big, 1, &unmapped, 1, 0)));

	printf("flags 1: %s\n", res_value(process_vm_readv(me, l, 3, r, 2, 1)));
	printf("pid 0: %s\n", res_value(process_vm_readv(0, l, 3, r, 2, 0)));
	printf("pid 999999: %s\n", res_value(process_vm_readv(999999, l, 3, r, 2, 0)));
	printf("no local bytes, bad pid: %s\n", res_value(process_vm_readv(999999, l, 0, r, 2, 0)));
	struct iovec zero = {src, 0};
	printf("no remote bytes, bad pid: %s\n",
	       res_value(process_vm_readv(999999, l, 3, &zero, 1, 0)));
	printf("1025 local parts: %s\n", res_value(process_vm_readv(me, l, 1025, r, 2, 0)));
	printf("1025 remote parts: %s\n", res_value(process_vm_readv(me, l, 3, r, 1025, 0)));
	printf("local vector unreadable: %s\n",
	       res_value(process_vm_readv(me, (struct iovec *)16, 1, r, 2, 0)));
	printf("remote vector unreadable, bad pid: %s\n",
	       res_value(process_vm_readv(999999, l, 3, (struct iovec *)16, 1, 0)));
	struct iovec neg = {src, (size_t)-1};
	printf("negative remote length, bad pid: %s\n",
	       res_value(process_vm_readv(999999, l, 3, &neg, 1, 0)));
	struct iovec kern = {(void *)0xffff800000000000ull, 10};
	printf("local part in the kernel: %s\n",
	       res_value(process_vm_readv(me, &kern, 1, r, 2, 0)));
	printf("remote part in the kernel: %s\n",
	       res_value(process_vm_readv(me, &big, 1, &kern, 1, 0)));

	pthread_create(&t, NULL, idle, NULL);
	while (!thread_tid)
		usleep(1000);
	memset(dst, 0, sizeof dst);
	printf("through a thread's tid: %s, bytes %d\n",
	       res_value(process_vm_readv(thread_tid, l, 1, r, 1, 0)), !memcmp(dst, src + 10, 100));
	stop = 1;
	pthread_join(t, NULL);
	return 0;
}
