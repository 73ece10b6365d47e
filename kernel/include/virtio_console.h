/* virtio-console: the program's standard streams over a virtio device
 * (port 1 of a virtio-serial device), when the CLI attaches one; the
 * serial line otherwise. And port 2, when the CLI attaches it too: raw
 * bytes both ways between the program's /dev/hostjit and a host process. */
#ifndef BF_VIRTIO_CONSOLE_H
#define BF_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Attach the first virtio console device pci_init found; true if it is
 * ready to carry the streams. */
bool vcon_init(void);
/* Whether the streams travel on it (attached, and not failed since); and
 * whether it was attached (once it fails, the streams are closed: they do
 * not move to the serial line, whose other end nobody reads). */
bool vcon_active(void);
bool vcon_attached(void);
/* Queue n bytes for the host, in order; waits (calling idle, or spinning
 * when idle is NULL, then for 5 s at most) only while every output buffer
 * is with the device. 0, or -EIO once the device has failed. */
int vcon_write(const char *s, size_t n, void (*idle)(void));
/* Hand the partly filled output buffer to the device now. */
int vcon_push(void);
/* Wait until the device has taken every byte written (before power-off). */
void vcon_drain(void);
/* Copy up to max received bytes into buf; 0 when none has arrived. */
size_t vcon_read(uint8_t *buf, size_t max);
bool vcon_readable(void);

/* Port 2 (CONTRACT_JIT_PORT): whether the device announced it and it is
 * open, so /dev/hostjit can be used. */
bool vcon_jit_present(void);
/* Copy up to max bytes that arrived on port 2 into buf: the count (at
 * least 1 when any has arrived); 0 when none is left and the host has
 * closed its end (the end of input); -EAGAIN when none has arrived yet;
 * -EIO once the port has failed (or without the port). */
int64_t vcon_jit_read(uint8_t *buf, size_t max);
/* Whether vcon_jit_read would return something other than -EAGAIN. */
bool vcon_jit_readable(void);
/* Queue n bytes for the host on port 2, in order, waiting as vcon_write
 * does (idle may not be NULL: no time limit). 0, -EPIPE once the host has
 * closed its end (the device would drop them), -EIO once the port has
 * failed. vcon_jit_push then hands the partly filled buffer over. */
int vcon_jit_write(const char *s, size_t n, void (*idle)(void));
/* Whether vcon_jit_write of up to 64 KiB would return without waiting for
 * the device: an output buffer is free (or the write would fail at once). */
bool vcon_jit_writable(void);
int vcon_jit_push(void);

#endif
