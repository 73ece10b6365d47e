/*
 * The console: the program's standard streams. They travel on the
 * virtio-console device when the CLI attaches one (virtio_console.c), else
 * stdin and stdout on COM1 and stderr on COM2. stdin is encoded by the CLI,
 * because neither channel has an end: 0xff 0xff is a 0xff byte and 0xff
 * 0x00 the end of input. A
 * stream is a terminal for the program only if it is one on the host (the
 * CLI says which with tty=0,1,2 and gives the size with winsize=COLSxROWS),
 * so programs behave as they would natively. With the CLI relaying them,
 * stdout and stderr share COM1 in order (streams.c); when the CLI fails to
 * write one to its own fd, it says so on COM4 (hoststatus.h), and the
 * program's next writes to that stream fail as they would on Linux.
 */
#include "apic.h"
#include "console.h"
#include "contract.h"
#include "fs.h"
#include "hoststatus.h"
#include "kernel.h"
#include "kerrno.h"
#include "sched.h"
#include "ksignal.h"
#include "kstring.h"
#include "printf.h"
#include "proc.h"
#include "syscall.h"
#include "timer.h"
#include "trap.h"
#include "virtio_console.h"
#include "x86.h"

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

/* struct termios as the x86-64 kernel ABI has it. */
struct termios_user {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line, cc[19];
};

static struct {
	bool escape; /* saw 0xff, waiting for its partner */
	bool eof;
} input;

static bool is_tty[3];
static uint16_t cols = 80, rows = 24;
static struct termios_user termios = {
	.iflag = 0x500,	 /* ICRNL | IXON */
	.oflag = 0x5,	 /* OPOST | ONLCR */
	.cflag = 0xbf,	 /* B38400 | CS8 | CREAD */
	.lflag = 0x8a3b, /* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
	.cc = {3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16},
};

/* Decode one received byte into buf at *n. */
static void decode(uint8_t c, uint8_t *buf, size_t *n)
{
	if (input.eof)
		return; /* nothing follows the end */
	if (input.escape) {
		input.escape = false;
		if (c == 0x00)
			input.eof = true;
		else
			buf[(*n)++] = c;
	} else if (c == 0xff) {
		input.escape = true;
	} else {
		buf[(*n)++] = c;
	}
}

/* Decode what has arrived into buf (at most max bytes); returns the bytes
 * produced. */
static size_t drain_input(uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (vcon_attached()) {
		/* Decoding only shrinks: decode in place, reading again when
		 * all that came was an escape byte. */
		size_t got;
		while (!n && !input.eof && (got = vcon_read(buf, max)))
			for (size_t i = 0; i < got; i++)
				decode(buf[i], buf, &n);
		return n;
	}
	while (n < max && !input.eof && serial_ready(COM1))
		decode(serial_getc(COM1), buf, &n);
	return n;
}

/* Blocks until input or its end arrives, halting until the next interrupt,
 * or until a signal can be delivered. */
static int64_t stdin_read(struct file *f, uint64_t ubuf, uint64_t count)
{
	static uint8_t chunk[16384]; /* one CPU, one reader */

	if (count == 0)
		return 0;
	for (;;) {
		size_t n = drain_input(chunk, count < sizeof chunk ? count : sizeof chunk);
		if (n)
			return copy_to_user(ubuf, chunk, n) ? -EFAULT : (int64_t)n;
		if (vcon_attached() && !vcon_active())
			return -EIO; /* the device failed: nothing more will come */
		if (input.eof)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (signal_wait(0, 0) == -EINTR) /* a timer's signal: EINTR, or a restart */
			return -ERESTARTSYS;
		sched_wait_interrupt();
	}
}

/* Readable when a byte (or the end) has arrived. */
static unsigned stdin_poll(struct file *f)
{
	bool arrived = vcon_attached() ? vcon_readable() || !vcon_active() : serial_ready(COM1);
	return input.eof || arrived ? POLLIN | POLLRDNORM : 0;
}


/* Write stream 1 or 2 (stdout, stderr), or with stream 0 to port. */
static int64_t com_write(uint16_t port, int stream, uint64_t ubuf, uint64_t count)
{
	static char chunk[16384]; /* one CPU, one writer */
	uint64_t done = 0;

	while (done < count) {
		size_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
		/* the CLI sees a failure after the bytes have left the guest,
		 * so the program learns of it on a later write, within the
		 * window's bytes (hoststatus.h), as with a Linux pipe whose
		 * reader went away between two writes */
		int err = stream ? streams_host_error(stream) : 0;
		if (err && done)
			return (int64_t)done;
		if (err == EPIPE)
			signal_send(SIGPIPE, SI_USER); /* as Linux's pipe_write */
		if (err)
			return -err;
		if (copy_from_user(chunk, ubuf + done, n))
			return done ? (int64_t)done : -EFAULT;
		if (stream) { /* a slow reader: rest */
			int e = streams_write(stream, chunk, n, cpu_wait_interrupt);
			if (e)
				return done ? (int64_t)done : e;
		} else
			serial_write_idle(port, chunk, n, cpu_wait_interrupt);
		done += n;
	}
	return (int64_t)done;
}

static int64_t hostout_write(struct file *f, uint64_t ubuf, uint64_t n) { return com_write(COM3, 0, ubuf, n); }

/* /dev/hostout: what the program writes goes out on COM3, which the CLI
 * connects to a host file (for example the JIT's profile). Without that
 * connection the bytes go nowhere. */
const struct dev_ops hostout_ops = {.write = hostout_write};

static int64_t stdout_write(struct file *f, uint64_t ubuf, uint64_t n) { return com_write(COM1, 1, ubuf, n); }
static int64_t stderr_write(struct file *f, uint64_t ubuf, uint64_t n) { return com_write(COM2, 2, ubuf, n); }

static int64_t tty_ioctl(struct file *f, uint64_t req, uint64_t arg)
{
	if (f->inode->rdev > 2 || !is_tty[f->inode->rdev])
		return -ENOTTY;
	switch (req) {
	case TCGETS:
		return copy_to_user(arg, &termios, sizeof termios);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return copy_from_user(&termios, arg, sizeof termios);
	case TIOCGWINSZ: {
		uint16_t ws[4] = {rows, cols, 0, 0};
		return copy_to_user(arg, ws, sizeof ws);
	}
	case TIOCSWINSZ: {
		uint16_t ws[4];
		if (copy_from_user(ws, arg, sizeof ws))
			return -EFAULT;
		rows = ws[0], cols = ws[1];
		return 0;
	}
	case TIOCGPGRP: { /* the foreground group is always the program's */
		int32_t pgrp = task_pgid();
		return copy_to_user(arg, &pgrp, sizeof pgrp);
	}
	case TIOCSPGRP:
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct dev_ops stream_ops[3] = {
	{.read = stdin_read, .ioctl = tty_ioctl, .stream = true, .poll = stdin_poll},
	{.write = stdout_write,
	 .ioctl = tty_ioctl,
	 .stream = true,
	 .poll = poll_ready,
	 .may_change = poll_never_changes},
	{.write = stderr_write,
	 .ioctl = tty_ioctl,
	 .stream = true,
	 .poll = poll_ready,
	 .may_change = poll_never_changes},
};

void console_configure(void)
{
	char v[32];
	if (cmdline_get(CONTRACT_WORD_TTY, v, sizeof v))
		for (char *p = v; *p; p++)
			if (*p >= '0' && *p <= '2')
				is_tty[*p - '0'] = true;
	if (cmdline_get(CONTRACT_WORD_WINSIZE, v, sizeof v)) {
		unsigned c = 0, r = 0;
		char *p = v;
		while (*p >= '0' && *p <= '9')
			c = c * 10 + (unsigned)(*p++ - '0');
		if (*p++ == 'x')
			while (*p >= '0' && *p <= '9')
				r = r * 10 + (unsigned)(*p++ - '0');
		if (c && r && c < 65536 && r < 65536)
			cols = (uint16_t)c, rows = (uint16_t)r;
	}
}

int console_open_std(void)
{
	static const uint32_t modes[3] = {O_RDONLY, O_WRONLY, O_WRONLY};
	for (int fd = 0; fd < 3; fd++) {
		struct inode *ip = inode_new(S_IFCHR | 0620);
		if (!ip)
			return -ENOMEM;
		ip->dev = &stream_ops[fd];
		ip->rdev = (uint32_t)fd;
		struct file *f = file_open_inode(ip, modes[fd]);
		if (!f) {
			inode_put(ip);
			return -ENOMEM;
		}
		fd_install(f, fd, false);
	}
	return 0;
}

int console_stdin_file(const uint8_t *data, size_t size)
{
	struct inode *ip = inode_new(S_IFREG | 0644);
	if (!ip)
		return -ENOMEM;
	inode_set_data(ip, data, size, true);
	struct file *f = file_open_inode(ip, O_RDONLY);
	if (!f) {
		inode_put(ip);
		return -ENOMEM;
	}
	fd_close(0);
	fd_install(f, 0, false);
	return 0;
}

/* A byte arrived (stdin on COM1, or the relay's answer on COM4): a loop
 * above is halted waiting for it. */
static void com_irq(struct trapframe *tf)
{
	(void)tf;
	lapic_eoi();
}

/* Turn on COM1's receive FIFO and its interrupt, then tell the CLI (which
 * watches the log) that input may flow, and on which channel: enabling the
 * FIFO empties it, so nothing can have been sent before. (virtio-console
 * keeps what the host sends until buffers are posted.) */
void stdin_init(void)
{
	/* the relay's answers (COM4, ISA IRQ 3): an interrupt, so that a wait
	 * for an acknowledgement sleeps only until it comes */
	if (serial_present(COM4)) {
		trap_set_handler(IRQ_COM4, com_irq);
		serial_rx_fifo(COM4);
		if (ioapic_route_isa(3, IRQ_COM4) == 0)
			serial_rx_irq(COM4, true);
	}
	if (vcon_active()) {
		kprintf(CONTRACT_STDIN_READY_VIRTIO);
		return;
	}
	trap_set_handler(IRQ_COM1, com_irq);
	serial_rx_fifo(COM1);
	if (ioapic_route_isa(4, IRQ_COM1) == 0)
		serial_rx_irq(COM1, true);
	else
		kprintf("stdin: no I/O APIC; input is polled on each timer tick\n");
	kprintf(CONTRACT_STDIN_READY_COM1);
}
