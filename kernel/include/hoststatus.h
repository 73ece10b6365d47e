/*
 * How the program's stdout and stderr reach the host through the CLI,
 * shared by the kernel and the CLI (which includes this file).
 *
 * Both travel in order on COM1's output as one stream: HOST_STREAM_ESCAPE
 * followed by HOST_STREAM_STDOUT or HOST_STREAM_STDERR says where the bytes
 * after it go (stdout at the start); the escape byte twice is that byte.
 *
 * When writing one of them to the CLI's own fd fails (a pipe without
 * readers, a full disk), the CLI sends one byte on COM4's input:
 * HOST_STATUS_STDERR for stderr or'ed with the errno (1..127). From then on
 * the program's writes to that stream fail with that errno, as on Linux.
 * The CLI connects COM4 only when it relays a program's streams this way,
 * so its presence tells the kernel to frame them.
 *
 * The relay also acknowledges what it has taken: one HOST_STATUS_ACK byte
 * on COM4 for each HOST_ACK_UNIT bytes of the framed stream it has read and
 * written out (or dropped, after its fd failed). The kernel keeps at most
 * HOST_WINDOW unacknowledged bytes in flight, as a Linux pipe holds at most
 * 64 KiB: a program writing to a reader that failed learns of it within
 * that many bytes, however fast the channel, instead of after all it wrote
 * had been buffered on the way.
 */
#ifndef BF_HOSTSTATUS_H
#define BF_HOSTSTATUS_H

#define HOST_STREAM_ESCAPE 0xff
#define HOST_STREAM_STDOUT 1
#define HOST_STREAM_STDERR 2

#define HOST_STATUS_STDERR 0x80
#define HOST_STATUS_ERRNO 0x7f
#define HOST_STATUS_ACK 0x00 /* no errno is 0 */
#define HOST_ACK_UNIT 4096
#define HOST_WINDOW 65536
/* QEMU's isa-serial index of COM4 (I/O port 0x2e8), which carries them. */
#define HOST_STATUS_SERIAL_INDEX 3

#endif
