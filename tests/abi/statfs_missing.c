/* statfs and fstatfs were not implemented (ENOSYS), and there was no
 * /proc/mounts, so df failed. What is the same on any Linux: /dev/shm is a
 * tmpfs of 4 KiB blocks with some free, names up to 255 bytes, listed in
 * /proc/mounts and /etc/mtab; a pipe is on pipefs; the errors. */
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "result_name.h"

/* 0, or the errno's name */
static const char *zero(long r)
{
	return r == 0 ? "0" : errno_name();
}

int main(void)
{
	struct statfs s;
	printf("statfs /dev/shm: %s", zero(statfs("/dev/shm", &s)));
	printf(", tmpfs %s, bsize %ld, frsize %ld, namelen %ld, free <= total %s, some free %s\n",
	       s.f_type == 0x01021994 ? "yes" : "no", (long)s.f_bsize, (long)s.f_frsize, (long)s.f_namelen,
	       s.f_bfree <= s.f_blocks && s.f_bavail <= s.f_bfree ? "yes" : "no",
	       s.f_bfree > 0 && s.f_ffree > 0 ? "yes" : "no");
	int fd = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	struct statfs f;
	printf("fstatfs on it: %s, same type %s\n", zero(fstatfs(fd, &f)), f.f_type == s.f_type ? "yes" : "no");
	int p[2];
	pipe(p);
	printf("fstatfs pipe: %s, pipefs %s\n", zero(fstatfs(p[0], &f)), f.f_type == 0x50495045 ? "yes" : "no");
	printf("statfs /: %s, namelen %ld\n", zero(statfs("/", &s)), (long)s.f_namelen);
	printf("missing path: %s\n", zero(statfs("/no/such/dir", &s)));
	printf("through a file: %s\n", zero(statfs("/dev/null/x", &s)));
	printf("bad buffer: %s\n", zero(syscall(SYS_statfs, "/", (void *)8)));
	printf("bad path: %s\n", zero(syscall(SYS_statfs, (void *)8, &s)));
	printf("closed fd: %s\n", zero(fstatfs(99, &s)));
	const char *tables[] = {"/proc/mounts", "/etc/mtab"};
	for (int t = 0; t < 2; t++) {
		FILE *m = setmntent(tables[t], "r");
		const char *type = "(not listed)";
		for (struct mntent *e; m && (e = getmntent(m));)
			if (!strcmp(e->mnt_dir, "/dev/shm"))
				type = strcmp(e->mnt_type, "tmpfs") ? "other" : "tmpfs";
		printf("%s lists /dev/shm as: %s\n", tables[t], type);
	}
	printf("bad buffer, fstatfs: %s\n", zero(syscall(SYS_fstatfs, fd, (void *)8)));
	return 0;
}
