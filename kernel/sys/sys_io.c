/* I/O system calls. For now the only files are stdout (COM1) and stderr (COM2). */
#include "console.h"
#include "kerrno.h"
#include "proc.h"
#include "kstring.h"
#include "syscall.h"

int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a3, uint64_t a4, uint64_t a5)
{
	char chunk[256];
	uint64_t done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if ((int64_t)count < 0)
		return -EINVAL;
	while (done < count) {
		size_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
		if (copy_from_user(chunk, buf + done, n))
			return done ? (int64_t)done : -EFAULT;
		serial_write(fd == 1 ? COM1 : COM2, chunk, n);
		done += n;
	}
	return (int64_t)done;
}

struct iovec_user {
	uint64_t base, len;
};

int64_t sys_writev(uint64_t fd, uint64_t iov, uint64_t iovcnt, uint64_t a3, uint64_t a4, uint64_t a5)
{
	int64_t total = 0;

	if (iovcnt > 1024)
		return -EINVAL;
	for (uint64_t i = 0; i < iovcnt; i++) {
		struct iovec_user v;
		if (copy_from_user(&v, iov + i * sizeof v, sizeof v))
			return total ? total : -EFAULT;
		int64_t n = sys_write(fd, v.base, v.len, 0, 0, 0);
		if (n < 0)
			return total ? total : n;
		total += n;
	}
	return total;
}

/* Terminal control: the serial console is not a terminal we can describe
 * yet, so every request answers "not a tty" (stdio then buffers fully). */
int64_t sys_ioctl(uint64_t fd, uint64_t req, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	return fd <= 2 ? -ENOTTY : -EBADF;
}

/* struct stat for x86-64, as the kernel ABI lays it out. */
struct stat_user {
	uint64_t dev, ino, nlink;
	uint32_t mode, uid, gid, pad0;
	uint64_t rdev;
	int64_t size, blksize, blocks;
	uint64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
	int64_t reserved[3];
};

#define AT_EMPTY_PATH 0x1000
#define S_IFCHR 0020000

/* Only the standard streams exist so far: fstat-style calls on them. */
int64_t sys_newfstatat(uint64_t fd, uint64_t path, uint64_t buf, uint64_t flags, uint64_t a4,
		       uint64_t a5)
{
	char first;
	struct stat_user st;

	if (!(flags & AT_EMPTY_PATH) || copy_from_user(&first, path, 1))
		return path ? -ENOENT : -EFAULT;
	if (first)
		return -ENOENT;
	if (fd > 2)
		return -EBADF;
	memset(&st, 0, sizeof st);
	st.dev = 5;
	st.ino = fd + 1;
	st.nlink = 1;
	st.mode = S_IFCHR | 0620;
	st.rdev = (4ul << 8) | 64; /* ttyS0 */
	st.blksize = 1024;
	return copy_to_user(buf, &st, sizeof st);
}
