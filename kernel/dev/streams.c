/*
 * The program's stdout and stderr on their way to the host. When the CLI
 * relays them (it connects COM4, see hoststatus.h), both travel on COM1 as
 * one framed stream, because two UARTs read by two relays cannot keep the
 * order between them that a caller's `2>&1` shows. Without the CLI (QEMU
 * started by hand from a `run --iso` image) stdout is COM1 and stderr COM2,
 * raw.
 */
#include "console.h"
#include "hoststatus.h"

static int current = HOST_STREAM_STDOUT; /* where the relay's bytes go now */

void streams_write(int stream, const char *s, size_t n, void (*idle)(void))
{
	static const char escape = (char)HOST_STREAM_ESCAPE;

	if (!serial_present(COM4)) {
		serial_write_idle(stream == HOST_STREAM_STDERR ? COM2 : COM1, s, n, idle);
		return;
	}
	if (stream != current) {
		const char sw[2] = {escape, (char)stream};
		serial_write_idle(COM1, sw, sizeof sw, idle);
		current = stream;
	}
	while (n) {
		size_t run = 0;
		while (run < n && s[run] != escape)
			run++;
		if (run < n)
			run++; /* the escape byte goes out twice */
		serial_write_idle(COM1, s, run, idle);
		if (s[run - 1] == escape)
			serial_write_idle(COM1, &escape, 1, idle);
		s += run;
		n -= run;
	}
}
