/*
 * The host's reports of failed writes, shared by the kernel and the CLI
 * (which includes this file): when writing the program's stdout or stderr
 * to the CLI's own fd fails (a pipe without readers, a full disk), the CLI
 * sends one byte on COM4's input, HOST_STATUS_STDERR for stderr or'ed with
 * the errno (1..127). From then on the program's writes to that stream fail
 * with that errno, as they would on Linux.
 */
#ifndef BF_HOSTSTATUS_H
#define BF_HOSTSTATUS_H

#define HOST_STATUS_STDERR 0x80
#define HOST_STATUS_ERRNO 0x7f
/* QEMU's isa-serial index of COM4 (I/O port 0x2e8), which carries them. */
#define HOST_STATUS_SERIAL_INDEX 3

#endif
