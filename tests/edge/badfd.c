/* Bad file descriptors: -1, a number far past any open file, and one that
 * was open and is closed again all give EBADF, for every call that takes
 * an fd; so does using an fd against its mode. */
#include "edge.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void)
{
	/* The closed one: a dup of stderr, closed again. (If dup is missing,
	 * 77, which was never opened, stands in for it.) */
	int closed = dup(2);
	if (closed < 0) {
		printf("FAIL setup: dup: %s (using 77 as the closed fd)\n", edge_errname(errno));
		edge_failed++;
		closed = 77;
	} else if (close(closed)) {
		printf("FAIL setup: close: %s\n", edge_errname(errno));
		edge_failed++;
	}
	const struct {
		const char *name;
		int fd;
	} bad[] = {
	    {"minus1", -1}, {"9999", 9999}, {"closed", closed}, {"int-min", -2147483647 - 1}};
	char buf[64], name[64];
	struct stat st;
	struct iovec iov = {buf, sizeof buf};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int fd = bad[i].fd;
#define BAD(call, what)                                                                            \
	(snprintf(name, sizeof name, "%s/%s", what, bad[i].name), EXPECT_ERRNO(name, call, EBADF))
		BAD(syscall(SYS_read, fd, buf, 1), "read");
		BAD(syscall(SYS_write, fd, "x", 1), "write");
		BAD(syscall(SYS_readv, fd, &iov, 1), "readv");
		BAD(syscall(SYS_writev, fd, &iov, 1), "writev");
		BAD(syscall(SYS_pread64, fd, buf, 1, 0), "pread64");
		BAD(syscall(SYS_pwrite64, fd, "x", 1, 0), "pwrite64");
		BAD(syscall(SYS_close, fd), "close");
		BAD(syscall(SYS_fstat, fd, &st), "fstat");
		BAD(syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH), "newfstatat-empty-path");
		BAD(syscall(SYS_newfstatat, fd, "relative", &st, 0), "newfstatat-relative");
		BAD(syscall(SYS_openat, fd, "relative", O_RDONLY), "openat-relative");
		BAD(syscall(SYS_lseek, fd, 0, SEEK_SET), "lseek");
		BAD(syscall(SYS_dup, fd), "dup");
		BAD(syscall(SYS_dup2, fd, 5), "dup2-old");
		BAD(syscall(SYS_dup3, fd, 5, 0), "dup3-old");
		BAD(syscall(SYS_fcntl, fd, F_GETFD), "fcntl-getfd");
		BAD(syscall(SYS_fcntl, fd, F_GETFL), "fcntl-getfl");
		BAD(syscall(SYS_fcntl, fd, F_DUPFD, 0), "fcntl-dupfd");
		BAD(syscall(SYS_getdents64, fd, buf, sizeof buf), "getdents64");
		BAD(syscall(SYS_ftruncate, fd, 0), "ftruncate");
		BAD(syscall(SYS_fsync, fd), "fsync");
		BAD(syscall(SYS_fdatasync, fd), "fdatasync");
		BAD(syscall(SYS_fchdir, fd), "fchdir");
		BAD(syscall(SYS_ioctl, fd, 0x5401 /* TCGETS */, buf), "ioctl");
		BAD(syscall(SYS_mmap, 0, 4096, 1, 2 /* MAP_PRIVATE */, fd, 0), "mmap");
	}
	/* dup2 onto a negative or absurd new number. */
	EXPECT_ERRNO("dup2 onto -1", syscall(SYS_dup2, 1, -1), EBADF);
	EXPECT_ERRNO("dup2 onto int-max", syscall(SYS_dup2, 1, 0x7fffffff), EBADF);
	EXPECT_ERRNO("dup3 onto itself", syscall(SYS_dup3, 1, 1, 0), EINVAL);
	EXPECT_ERRNO("fcntl F_DUPFD from -1", syscall(SYS_fcntl, 1, F_DUPFD, -1), EINVAL);
	EXPECT_ERRNO("fcntl with an unknown command", syscall(SYS_fcntl, 1, 0x7fff), EINVAL);

	/* Wrong kind of fd: not a directory, not seekable, wrong mode. stdin
	 * is a pipe (edge_cases.sh pipes it) or, on bareflow, a serial line:
	 * neither seeks. bash's read builtin relies on this ESPIPE to read a
	 * pipe byte by byte rather than lose what it read past a line. */
	EXPECT_ERRNO("lseek on stdin", syscall(SYS_lseek, 0, 0, SEEK_CUR), ESPIPE);
	EXPECT_ERRNO("pread64 on stdin", syscall(SYS_pread64, 0, buf, 1, 0), ESPIPE);
	EXPECT_ERRNO("getdents64 on stdout", syscall(SYS_getdents64, 1, buf, sizeof buf), ENOTDIR);
	int p[2];
	if (pipe(p)) {
		printf("FAIL setup: pipe: %s\n", edge_errname(errno));
		edge_failed++;
	} else {
		EXPECT_ERRNO("lseek on a pipe", syscall(SYS_lseek, p[0], 0, SEEK_SET), ESPIPE);
		EXPECT_ERRNO("pread64 on a pipe", syscall(SYS_pread64, p[0], buf, 1, 0), ESPIPE);
		EXPECT_ERRNO("pwrite64 on a pipe", syscall(SYS_pwrite64, p[1], "x", 1, 0), ESPIPE);
		EXPECT_ERRNO("read from a pipe's write end", syscall(SYS_read, p[1], buf, 1),
			     EBADF);
		EXPECT_ERRNO("write to a pipe's read end", syscall(SYS_write, p[0], "x", 1), EBADF);
		EXPECT_ERRNO("ftruncate on a pipe", syscall(SYS_ftruncate, p[1], 0), EINVAL);
		close(p[0]);
		close(p[1]);
		EXPECT_ERRNO("read from a closed pipe", syscall(SYS_read, p[0], buf, 1), EBADF);
	}
	int ro = open("/dev/zero", O_RDONLY);
	if (ro < 0) {
		printf("FAIL setup: open /dev/zero: %s\n", edge_errname(errno));
		edge_failed++;
	} else {
		EXPECT_ERRNO("write to an O_RDONLY fd", syscall(SYS_write, ro, "x", 1), EBADF);
		EXPECT_ERRNO("ftruncate an O_RDONLY fd", syscall(SYS_ftruncate, ro, 0), EINVAL);
		close(ro);
	}
	int wo = open("/dev/null", O_WRONLY);
	if (wo < 0) {
		printf("FAIL setup: open /dev/null: %s\n", edge_errname(errno));
		edge_failed++;
	} else {
		EXPECT_ERRNO("read from an O_WRONLY fd", syscall(SYS_read, wo, buf, 1), EBADF);
		close(wo);
	}
	/* Standard streams survive all of the above. */
	edge_check("stdout still writable", write(1, "", 0) == 0, "%s", edge_errname(errno));
	edge_exit();
}
