/* virtio-console: the program's standard streams over a virtio device
 * (port 0), when the CLI attaches one; the serial line otherwise. */
#ifndef BF_VIRTIO_CONSOLE_H
#define BF_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Attach the first virtio console device pci_init found; true if it is
 * ready to carry the streams. */
bool vcon_init(void);
/* Whether the streams travel on it (attached, and not failed since). */
bool vcon_active(void);
/* Queue n bytes for the host, in order; waits (calling idle, or spinning
 * when idle is NULL) only while every output buffer is with the device.
 * 0, or -EIO once the device has failed. */
int vcon_write(const char *s, size_t n, void (*idle)(void));
/* Hand the partly filled output buffer to the device now. */
int vcon_push(void);
/* Wait until the device has taken every byte written (before power-off). */
void vcon_drain(void);
/* Copy up to max received bytes into buf; 0 when none has arrived. */
size_t vcon_read(uint8_t *buf, size_t max);
bool vcon_readable(void);

#endif
