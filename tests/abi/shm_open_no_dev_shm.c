/* shm_open and sem_open failed with ENOENT: the guest had no /dev/shm.
 * Both make files there and map them MAP_SHARED; what is written through
 * a mapping must reach the file (read, a second mapping, a reopened
 * semaphore) and the other way round. */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static void shm(void)
{
	const char *name = "/bareflow-test-shm";
	char buf[32] = {0};
	struct stat st;

	shm_unlink(name);
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	printf("shm_open O_CREAT|O_EXCL: %s\n", res(fd));
	printf("again with O_EXCL: %s\n", res(shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600)));
	printf("ftruncate 8192: %s\n", res(ftruncate(fd, 8192)));
	fstat(fd, &st);
	printf("size %lld, mode %o\n", (long long)st.st_size, (unsigned)st.st_mode & 07777);
	char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap MAP_SHARED: %s\n", a == MAP_FAILED ? res(-1) : "ok");
	if (a == MAP_FAILED)
		return;
	strcpy(a + 4096, "through the mapping");
	printf("pread sees: %s\n", pread(fd, buf, 19, 4096) == 19 ? buf : "-");
	char *b = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	printf("second mapping sees: %s\n", b + 4096);
	pwrite(fd, "by pwrite", 9, 100);
	printf("mappings see pwrite: %.9s %.9s\n", a + 100, b + 100);
	munmap(b, 8192);
	/* Discarding pages of a shared mapping must not zero the file (the
	 * mapping shows the file there again, as on Linux). */
	madvise(a + 4096, 4096, MADV_DONTNEED);
	a[4096 + 100] = 'x';
	memset(buf, 0, sizeof buf);
	pread(fd, buf, 19, 4096);
	printf("after MADV_DONTNEED the file still has: %s\n", buf);
	strcpy(a, "before munmap");
	munmap(a, 8192);
	memset(buf, 0, sizeof buf);
	pread(fd, buf, 13, 0);
	printf("after munmap the file has: %s\n", buf);
	close(fd);
	fd = shm_open(name, O_RDONLY, 0);
	printf("reopen O_RDONLY: %s\n", res(fd));
	printf("MAP_SHARED PROT_WRITE on O_RDONLY: %s\n",
	       res(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0));
	char *c = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	printf("read-only mapping sees: %s\n", c);
	close(fd);
	printf("shm_unlink: %s\n", res(shm_unlink(name)));
	printf("shm_unlink again: %s\n", res(shm_unlink(name)));
	printf("mapping outlives the name: %s\n", c);
	printf("shm_open without O_CREAT: %s\n", res(shm_open(name, O_RDWR, 0)));
}

static void sem(void)
{
	const char *name = "/bareflow-test-sem";
	int v = -1;

	sem_unlink(name);
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 2);
	printf("sem_open O_CREAT: %s\n", s == SEM_FAILED ? res(-1) : "ok");
	if (s == SEM_FAILED)
		return;
	sem_getvalue(s, &v);
	printf("value %d\n", v);
	printf("sem_wait: %s, sem_trywait: %s, sem_trywait: %s\n", res(sem_wait(s)), res(sem_trywait(s)),
	       res(sem_trywait(s)));
	printf("sem_post: %s, sem_post: %s, sem_post: %s\n", res(sem_post(s)), res(sem_post(s)),
	       res(sem_post(s)));
	sem_t *t = sem_open(name, 0);
	printf("second sem_open is the same: %s\n", t == s ? "yes" : "no");
	sem_close(t);
	printf("sem_close: %s\n", res(sem_close(s)));
	s = sem_open(name, 0);
	sem_getvalue(s, &v);
	printf("reopened, value %d\n", v);
	printf("O_CREAT|O_EXCL on it: %s\n", sem_open(name, O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED ? res(-1) : "ok");
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000)
		ts.tv_sec++, ts.tv_nsec -= 1000000000;
	sem_wait(s), sem_wait(s), sem_wait(s);
	printf("sem_timedwait on 0: %s\n", res(sem_timedwait(s, &ts)));
	sem_close(s);
	printf("sem_unlink: %s, again: %s\n", res(sem_unlink(name)), res(sem_unlink(name)));
	printf("sem_open after unlink: %s\n", sem_open(name, 0) == SEM_FAILED ? res(-1) : "ok");
}

int main(void)
{
	struct stat st;
	printf("/dev/shm: %s", res(stat("/dev/shm", &st)));
	printf(", directory %s, sticky and writable by all %s\n", S_ISDIR(st.st_mode) ? "yes" : "no",
	       (st.st_mode & 01777) == 01777 ? "yes" : "no");
	shm();
	sem();
	return 0;
}
