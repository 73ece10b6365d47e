/* Thread names are per thread (prctl PR_SET_NAME named the whole process),
 * and another thread is named through /proc/self/task/TID/comm, which was
 * missing (pthread_setname_np on another thread: ENOENT); /proc/self/task
 * lists the threads; /proc/self/maps, also missing, is where glibc's
 * pthread_getattr_np finds the first thread's stack (it failed with
 * ENOENT). Compared with Linux. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "result_name.h"

static const char *en(int e)
{
	if (!e)
		return "ok";
	const char *n = strerrorname_np(e);
	return n ? n : "?";
}

static volatile int phase;
static char seen[32];

static void *worker(void *arg)
{
	char name[16] = {0};
	prctl(PR_GET_NAME, name);
	printf("a new thread starts with its creator's name: %s\n", name);
	phase = 1;
	while (phase < 2)
		usleep(1000);
	pthread_getname_np(pthread_self(), seen, sizeof seen);
	prctl(PR_SET_NAME, "worker-own");
	phase = 3;
	while (phase < 4)
		usleep(1000);
	return arg;
}

static int threads_listed(void)
{
	DIR *d = opendir("/proc/self/task");
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

static void comm_of(pid_t tid, char *out, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, out, size - 1);
	out[n < 0 ? 0 : n] = 0;
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	printf("set own name: %s\n", en(pthread_setname_np(pthread_self(), "first")));
	pthread_t t;
	pthread_create(&t, NULL, worker, NULL);
	while (phase < 1)
		usleep(1000);
	printf("threads listed: %d\n", threads_listed());
	printf("name the other: %s\n", en(pthread_setname_np(t, "second")));
	printf("a name too long: %s\n", en(pthread_setname_np(t, "sixteen-chars-xx")));
	phase = 2;
	while (phase < 3)
		usleep(1000);
	printf("it saw: %s\n", seen);
	char name[32];
	printf("its name now: %s %s\n", en(pthread_getname_np(t, name, sizeof name)), name);
	printf("and ours: %s %s\n", en(pthread_getname_np(pthread_self(), name, sizeof name)), name);
	phase = 4;
	pthread_join(t, NULL);
	printf("threads listed after the join: %d\n", threads_listed());

	/* the comm file: a newline is kept, 15 bytes at most, the count back */
	char path[64], buf[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)gettid());
	int fd = open(path, O_WRONLY);
	printf("write: %zd\n", write(fd, "ab\ncdefghijklmnopqrs", 20));
	close(fd);
	prctl(PR_GET_NAME, buf);
	printf("name: [%s] (%zu bytes)\n", buf, strlen(buf));
	comm_of(gettid(), buf, sizeof buf);
	printf("read back: %zu bytes, ends in a newline: %s\n", strlen(buf),
	       buf[0] && buf[strlen(buf) - 1] == '\n' ? "yes" : "no");
	fd = open("/proc/self/comm", O_RDONLY);
	ssize_t n = read(fd, buf, 2);
	printf("a short read of /proc/self/comm: %zd, then %zd\n", n, read(fd, buf, sizeof buf));
	close(fd);
	comm_of(999999, buf, sizeof buf);
	printf("no such thread: [%s]\n", buf);

	/* the first thread's stack, from /proc/self/maps */
	pthread_attr_t a;
	int r = pthread_getattr_np(pthread_self(), &a);
	void *addr = NULL;
	size_t size = 0;
	pthread_attr_getstack(&a, &addr, &size);
	int local;
	printf("getattr_np: %s, the stack holds a local: %s\n", en(r),
	       (char *)addr < (char *)&local && (char *)&local < (char *)addr + size ? "yes" : "no");

	int mfd = open("/proc/self/maps", O_RDONLY);
	char head[64] = {0}, phead[64] = {0};
	read(mfd, head, sizeof head - 1);
	printf("maps: pread reads as read does: %s, its end: %s\n",
	       pread(mfd, phead, sizeof phead - 1, 0) > 0 && !strcmp(head, phead) ? "yes" : "no",
	       res(lseek(mfd, 0, SEEK_END)));
	close(mfd);
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096], exe[4096] = {0};
	readlink("/proc/self/exe", exe, sizeof exe - 1);
	int lines = 0, stack = 0, code = 0, sorted = 1;
	uintptr_t last = 0, here = (uintptr_t)&local, code_at = (uintptr_t)main;
	while (f && fgets(line, sizeof line, f)) {
		uintptr_t from, to;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s", &from, &to, perms) != 3)
			continue;
		lines++;
		sorted &= from >= last && to > from;
		last = to;
		if (from <= here && here < to)
			stack = strstr(line, "[stack]") && perms[0] == 'r' && perms[1] == 'w';
		if (from <= code_at && code_at < to)
			code = strstr(line, exe) && perms[2] == 'x' && perms[3] == 'p';
	}
	if (f)
		fclose(f);
	printf("maps: lines %s, in order: %s, a local in [stack]: %s, main in the program's "
	       "executable part: %s\n",
	       lines > 3 ? "several" : "few", sorted ? "yes" : "no", stack ? "yes" : "no",
	       code ? "yes" : "no");
	return 0;
}
