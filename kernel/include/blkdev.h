/*
 * Block devices: the interface between disk drivers (virtio-blk) and the
 * filesystems and block cache above them. Sectors are 512 bytes; a device
 * with larger logical blocks still counts in 512-byte sectors. Every call
 * returns 0 or a negative errno: -EIO when the device failed or misbehaved
 * (the driver has logged why), -EROFS for a write to a read-only device,
 * -EINVAL for a request past the end. Calls block until the device answers
 * or the driver's timeout passes.
 */
#ifndef BF_BLKDEV_H
#define BF_BLKDEV_H

#include <stdbool.h>
#include <stdint.h>

#define BLK_SECTOR 512u

struct blkdev;

struct blkdev_ops {
	int (*read)(struct blkdev *d, uint64_t lba, void *buf, uint32_t count);
	int (*write)(struct blkdev *d, uint64_t lba, const void *buf, uint32_t count);
	/* Make every completed write durable (a no-op for a device without a
	 * volatile cache). */
	int (*flush)(struct blkdev *d);
};

struct blkdev {
	char name[16];      /* "vda", "vdb", ... in the order found */
	char serial[24];    /* the device's serial (QEMU's -drive serial=), or "" */
	uint64_t sectors;   /* capacity in 512-byte sectors */
	uint32_t max_count; /* the most sectors one call may move (>= 8) */
	bool read_only;
	const struct blkdev_ops *ops;
	void *priv;
};

/* Make a driver's device known; at most BLKDEV_MAX. 0 or -ENOSPC. */
#define BLKDEV_MAX 8
int blkdev_register(struct blkdev *d);
/* The i-th registered device, or NULL. */
struct blkdev *blkdev_get(unsigned i);
/* The device with this name or serial, or NULL. */
struct blkdev *blkdev_find(const char *name_or_serial);

/* Checked calls: range and read-only checks, then the driver, splitting
 * requests larger than max_count. Buffers are kernel memory. */
int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, uint32_t count);
int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, uint32_t count);
int blkdev_flush(struct blkdev *d);

#endif
