/*
 * /dev/hostjit: raw bytes both ways between the program and a process on
 * the host that the CLI runs (the JIT runtime's compile server), over
 * virtio-console port 2 (virtio_console.c). Without that port the file
 * cannot be opened. Reads block as stdin's do (console.c); a write waits
 * only while every output buffer is with the device, and its bytes are all
 * with the device when it returns, since the host waits for a whole request
 * before it answers.
 */
#include "fs.h"
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "virtio_console.h"

static int hostjit_open(struct inode *ip) { return vcon_jit_present() ? 0 : -ENXIO; }

static bool writing; /* a write is under way */

static bool no_writer(void) { return !writing; }

/* Halt until ready() (looked at under the kernel lock, after each
 * interrupt) or until a signal can be delivered: 0, or -ERESTARTSYS (a
 * timer's signal: EINTR, or a restart). Another thread's exit_group sends
 * one too, so a host that stops reading never keeps the program from
 * ending. */
static int wait_until(bool (*ready)(void))
{
	while (!ready()) {
		if (signal_wait(0, 0) == -EINTR)
			return -ERESTARTSYS;
		sched_wait_interrupt();
	}
	return 0;
}

/* Blocks until a byte, the end (the host closed its end) or a failure
 * arrives, or until a signal can be delivered; then takes what has
 * arrived, up to count. */
static int64_t hostjit_read(struct file *f, uint64_t ubuf, uint64_t count)
{
	static uint8_t chunk[16384]; /* used only while the kernel lock is held */
	uint64_t done = 0;

	if (count == 0)
		return 0;
	for (;;) {
		size_t max = count - done < sizeof chunk ? count - done : sizeof chunk;
		int64_t n = vcon_jit_read(chunk, max);
		if (n > 0 && copy_to_user(ubuf + done, chunk, (size_t)n))
			return done ? (int64_t)done : -EFAULT;
		if (n > 0 && (done += (uint64_t)n) < count)
			continue; /* more may have arrived: large reads, few calls */
		if (done)
			return (int64_t)done;
		if (n != -EAGAIN)
			return n;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		int err = wait_until(vcon_jit_readable);
		if (err)
			return err;
	}
}

/* Queue every byte, then hand the last, partly filled buffer to the device.
 * While the device holds every buffer the writer sleeps without the kernel
 * lock: the host may be waiting for the program to read what it sent
 * before it reads more, and another thread must be able to. One write at a
 * time, so that two threads' requests do not interleave; each chunk goes
 * once an output buffer is free, so that the wait is one a signal can end
 * (what was written by then is the write's count). The host closing its
 * end gives -EPIPE (and no SIGPIPE: a compile server that went away is for
 * the program to handle, not to die of). */
static int64_t hostjit_write(struct file *f, uint64_t ubuf, uint64_t count)
{
	static char chunk[16384]; /* the writer's own */
	uint64_t done = 0;
	int err = wait_until(no_writer);

	if (err)
		return err;
	writing = true;
	while (done < count && !err) {
		size_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
		if ((err = wait_until(vcon_jit_writable)))
			break;
		if (copy_from_user(chunk, ubuf + done, n))
			err = -EFAULT;
		else if (!(err = vcon_jit_write(chunk, n, sched_wait_interrupt)))
			done += n;
	}
	int pushed = vcon_jit_push();
	writing = false;
	return done ? (int64_t)done : err ? err : pushed;
}

/* Readable when a byte, the end or a failure has arrived; writes never wait
 * long (only while the device holds every buffer). */
static unsigned hostjit_poll(struct file *f)
{
	return (vcon_jit_readable() ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

const struct dev_ops hostjit_ops = {.read = hostjit_read,
				    .write = hostjit_write,
				    .stream = true,
				    .poll = hostjit_poll,
				    .open = hostjit_open};
