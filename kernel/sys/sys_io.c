/* I/O system calls. For now the only files are the standard streams: stdin
 * and stdout on COM1, stderr on COM2. */
#include "console.h"
#include "kerrno.h"
#include "proc.h"
#include "kstring.h"
#include "syscall.h"
#include "kernel.h"
#include "printf.h"
#include "trap.h"
#include "x86.h"

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

/* stdin arrives on COM1's input, encoded by the CLI: 0xff 0xff is a 0xff
 * byte, 0xff 0x00 the end of input. */
static struct {
	bool escape; /* saw 0xff, waiting for its partner */
	bool eof;
} input;

/* Decode what COM1 has now into buf; returns the bytes produced. */
static size_t drain_com1(uint8_t *buf, size_t max)
{
	size_t n = 0;

	while (n < max && !input.eof && serial_ready(COM1)) {
		uint8_t c = serial_getc(COM1);
		if (input.escape) {
			input.escape = false;
			if (c == 0x00)
				input.eof = true;
			else
				buf[n++] = c;
		} else if (c == 0xff) {
			input.escape = true;
		} else {
			buf[n++] = c;
		}
	}
	return n;
}

/* A byte arrived: the read loop below is halted waiting for it. */
static void com1_irq(struct trapframe *tf)
{
	(void)tf;
	lapic_eoi();
}

void stdin_init(void)
{
	trap_set_handler(IRQ_COM1, com1_irq);
	if (ioapic_route_isa(4, IRQ_COM1) == 0)
		serial_rx_irq(COM1, true);
	else
		kprintf("stdin: no I/O APIC; input is polled on each timer tick\n");
}

/* Blocks until input or its end arrives, halting until the next interrupt. */
int64_t sys_read(uint64_t fd, uint64_t buf, uint64_t count, uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint8_t chunk[256];

	if (fd > 2)
		return -EBADF;
	if (fd != 0)
		return -EBADF; /* stdout and stderr are write-only */
	if (count == 0)
		return 0;
	for (;;) {
		size_t n = drain_com1(chunk, count < sizeof chunk ? count : sizeof chunk);
		if (n)
			return copy_to_user(buf, chunk, n) ? -EFAULT : (int64_t)n;
		if (input.eof)
			return 0;
		irq_enable_and_halt();
		irq_disable();
	}
}
