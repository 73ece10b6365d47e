/*
 * The program's stdout and stderr on their way to the host. When the CLI
 * relays them (it connects COM4, see hoststatus.h), both travel as one
 * framed stream, because two channels read by two relays cannot keep the
 * order between them that a caller's `2>&1` shows: on virtio-console when
 * the CLI attached one, else on COM1. Without the CLI (QEMU started by hand
 * from a `run --iso` image) stdout is COM1 and stderr COM2, raw.
 *
 * COM4 brings the relay's answers: an acknowledgement per HOST_ACK_UNIT
 * bytes it has written out, and the errno of a stream whose host fd failed.
 * At most HOST_WINDOW bytes go out unacknowledged.
 */
#include "console.h"
#include "hoststatus.h"
#include "kerrno.h"
#include "virtio_console.h"

static int current = HOST_STREAM_STDOUT; /* where the relay's bytes go now */
static uint64_t sent, acked;		 /* framed bytes sent, and acknowledged */
static int host_errno[3];		 /* a stream's host fd failed with it; it stays */

/* Take what the relay said on COM4. */
static void poll_host(void)
{
	while (serial_ready(COM4)) {
		uint8_t b = serial_getc(COM4);
		if (b == HOST_STATUS_ACK)
			acked += HOST_ACK_UNIT;
		else
			host_errno[b & HOST_STATUS_STDERR ? 2 : 1] = b & HOST_STATUS_ERRNO;
	}
}

int streams_host_error(int stream)
{
	poll_host();
	return host_errno[stream];
}

/* Send framed bytes on the channel in use, no more than the window past
 * what the relay has acknowledged: wait (idle, or spin) for it. */
static int put(const char *s, size_t n, void (*idle)(void))
{
	while (n) {
		size_t k = n < HOST_WINDOW / 4 ? n : HOST_WINDOW / 4;
		for (poll_host(); sent + k > acked + HOST_WINDOW; poll_host()) {
			if (vcon_active() && vcon_push())
				return -EIO; /* what waits in a part-filled buffer must go */
			if (idle)
				idle();
			else
				__asm__ volatile("pause");
		}
		if (vcon_active()) {
			int err = vcon_write(s, k, idle);
			if (err)
				return err;
		} else {
			serial_write_idle(COM1, s, k, idle);
		}
		sent += k, s += k, n -= k;
	}
	return 0;
}

int streams_write(int stream, const char *s, size_t n, void (*idle)(void))
{
	static const char escape = (char)HOST_STREAM_ESCAPE;
	int err = 0;

	if (!vcon_active() && !serial_present(COM4)) {
		serial_write_idle(stream == HOST_STREAM_STDERR ? COM2 : COM1, s, n, idle);
		return 0;
	}
	if (stream != current) {
		const char sw[2] = {escape, (char)stream};
		err = put(sw, sizeof sw, idle);
		current = stream;
	}
	while (n && !err) {
		size_t run = 0;
		while (run < n && s[run] != escape)
			run++;
		if (run < n)
			run++; /* the escape byte goes out twice */
		err = put(s, run, idle);
		if (!err && s[run - 1] == escape)
			err = put(&escape, 1, idle);
		s += run;
		n -= run;
	}
	return err ? err : vcon_active() ? vcon_push() : 0;
}
