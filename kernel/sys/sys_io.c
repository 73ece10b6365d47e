/* I/O system calls. For now the console is the only file: fd 1 and 2 write to it. */
#include "console.h"
#include "kerrno.h"
#include "proc.h"
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
		console_write(chunk, n);
		done += n;
	}
	return (int64_t)done;
}
