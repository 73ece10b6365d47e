/* memfd seals were not kept (every memfd reported F_SEAL_SEAL): with
 * MFD_ALLOW_SEALING, F_ADD_SEALS adds them and they hold, as Linux's: no
 * growing (ftruncate, writes past the end, fallocate), no shrinking, no
 * writing (write, pwrite, a shared writable mapping; EBUSY while one
 * exists), F_SEAL_FUTURE_WRITE, no more seals after F_SEAL_SEAL; and a
 * read-only descriptor's shared mapping cannot be made writable.
 * Compared with Linux (seals of Linux 6.1: not F_SEAL_EXEC). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "result_name.h"

int main(void)
{
	int fd = memfd_create("sealed", MFD_ALLOW_SEALING);
	write(fd, "0123456789", 10);
	printf("seals at first %d\n", fcntl(fd, F_GET_SEALS));
	printf("unknown seal %s\n", res(fcntl(fd, F_ADD_SEALS, 0x100)));
	printf("add GROW %s, seals %d\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)),
	       fcntl(fd, F_GET_SEALS));
	printf("ftruncate larger %s, smaller %s\n", res(ftruncate(fd, 20)), res(ftruncate(fd, 8)));
	printf("write past the end %s, within %s\n", res(pwrite(fd, "xyz", 3, 7)),
	       res(pwrite(fd, "ab", 2, 0)));
	printf("fallocate past the end %s, KEEP_SIZE %s\n", res(fallocate(fd, 0, 0, 100)),
	       res(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 100)));
	printf("add SHRINK %s; ftruncate smaller %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK)),
	       res(ftruncate(fd, 4)));
	char *w = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("add WRITE with a writable shared mapping %s\n",
	       res(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
	munmap(w, 8);
	char *r = mmap(NULL, 8, PROT_READ, MAP_SHARED, fd, 0);
	printf("add WRITE with a read-only one %s, seals %d\n",
	       res(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)), fcntl(fd, F_GET_SEALS));
	printf("write %s, pwrite %s\n", res(write(fd, "q", 1)), res(pwrite(fd, "q", 1, 0)));
	printf("a shared writable mapping %s\n",
	       mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? errno_name()
										      : "ok");
	printf("a private writable one %s\n",
	       mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) == MAP_FAILED
		   ? errno_name()
		   : "ok");
	char buf[16] = {0};
	pread(fd, buf, 10, 0);
	printf("reads \"%s\"; the read-only mapping \"%.4s\"\n", buf, r);
	printf("add SEAL %s, then GROW again %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)),
	       res(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW)));
	printf("seals %d\n", fcntl(fd, F_GET_SEALS));

	int fw = memfd_create("future", MFD_ALLOW_SEALING);
	ftruncate(fw, 4096);
	char *old = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fw, 0);
	printf("FUTURE_WRITE with a writable mapping %s\n",
	       res(fcntl(fw, F_ADD_SEALS, F_SEAL_FUTURE_WRITE)));
	old[0] = 'k'; /* the old mapping still writes */
	pread(fw, buf, 1, 0);
	printf("through the old mapping: %c; write %s; a new writable mapping %s\n", buf[0],
	       res(write(fw, "x", 1)),
	       mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, fw, 0) == MAP_FAILED ? errno_name()
										      : "ok");
	int ws = memfd_create("write-sealed", MFD_ALLOW_SEALING);
	write(ws, "abc", 3);
	printf("WRITE with no mapping %s, seals %d\n", res(fcntl(ws, F_ADD_SEALS, F_SEAL_WRITE)),
	       fcntl(ws, F_GET_SEALS));
	printf("write %s, pwrite %s, ftruncate %s\n", res(write(ws, "d", 1)),
	       res(pwrite(ws, "z", 1, 0)), res(ftruncate(ws, 1)));
	/* (a shared read-only mapping of it: EPERM on Linux 6.1, allowed from
	 * 6.7; not asked) */
	printf("shared writable %s, private writable %s\n",
	       mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, ws, 0) == MAP_FAILED ? errno_name()
										      : "ok",
	       mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE, ws, 0) == MAP_FAILED
		   ? errno_name()
		   : "ok");
	int rofd = open("/tmp/memfd_seals_file", O_CREAT | O_RDWR | O_TRUNC, 0600);
	write(rofd, "12345678", 8);
	close(rofd);
	rofd = open("/tmp/memfd_seals_file", O_RDONLY);
	char *shr = mmap(NULL, 8, PROT_READ, MAP_SHARED, rofd, 0);
	char *pri = mmap(NULL, 8, PROT_READ, MAP_PRIVATE, rofd, 0);
	printf("a read-only descriptor's mappings made writable: shared %s, private %s\n",
	       res(mprotect(shr, 8, PROT_READ | PROT_WRITE)),
	       res(mprotect(pri, 8, PROT_READ | PROT_WRITE)));
	unlink("/tmp/memfd_seals_file");
	int plain = memfd_create("plain", 0);
	printf("without MFD_ALLOW_SEALING: seals %d, add %s\n", fcntl(plain, F_GET_SEALS),
	       res(fcntl(plain, F_ADD_SEALS, F_SEAL_GROW)));
	char path[64];
	int fresh = memfd_create("ro", MFD_ALLOW_SEALING);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fresh);
	int ro = open(path, O_RDONLY);
	printf("from a read-only descriptor %s\n", res(fcntl(ro, F_ADD_SEALS, F_SEAL_GROW)));
	return 0;
}
