/*
 * The program's stdout and stderr on their way to the host. When the CLI
 * relays them (it connects COM4, see hoststatus.h), both travel as one
 * framed stream, because two channels read by two relays cannot keep the
 * order between them that a caller's `2>&1` shows: on virtio-console when
 * the CLI attached one, else on COM1. Without the CLI (QEMU started by hand
 * from a `run --iso` image) stdout is COM1 and stderr COM2, raw.
 */
#include "console.h"
#include "hoststatus.h"
#include "kerrno.h"
#include "virtio_console.h"

static int current = HOST_STREAM_STDOUT; /* where the relay's bytes go now */

/* Send framed bytes on the channel in use. */
static int put(const char *s, size_t n, void (*idle)(void))
{
	if (vcon_active())
		return vcon_write(s, n, idle);
	serial_write_idle(COM1, s, n, idle);
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
