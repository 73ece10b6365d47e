/* The block-device registry and the checked calls filesystems make. */
#include "blkdev.h"
#include "kerrno.h"
#include "kstring.h"

static struct blkdev *devices[BLKDEV_MAX];
static unsigned ndevices;

int blkdev_register(struct blkdev *d)
{
	if (ndevices == BLKDEV_MAX)
		return -ENOSPC;
	devices[ndevices++] = d;
	return 0;
}

struct blkdev *blkdev_get(unsigned i) { return i < ndevices ? devices[i] : NULL; }

struct blkdev *blkdev_find(const char *name_or_serial)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (!strcmp(devices[i]->name, name_or_serial) ||
		    (devices[i]->serial[0] && !strcmp(devices[i]->serial, name_or_serial)))
			return devices[i];
	return NULL;
}

static int in_range(const struct blkdev *d, uint64_t lba, uint32_t count)
{
	return lba <= d->sectors && count <= d->sectors - lba;
}

int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, uint32_t count)
{
	if (!in_range(d, lba, count))
		return -EINVAL;
	for (uint32_t n; count; count -= n, lba += n, buf = (char *)buf + (size_t)n * BLK_SECTOR) {
		n = count < d->max_count ? count : d->max_count;
		int err = d->ops->read(d, lba, buf, n);
		if (err)
			return err;
	}
	return 0;
}

int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, uint32_t count)
{
	if (d->read_only)
		return -EROFS;
	if (!in_range(d, lba, count))
		return -EINVAL;
	for (uint32_t n; count; count -= n, lba += n, buf = (const char *)buf + (size_t)n * BLK_SECTOR) {
		n = count < d->max_count ? count : d->max_count;
		int err = d->ops->write(d, lba, buf, n);
		if (err)
			return err;
	}
	return 0;
}

int blkdev_flush(struct blkdev *d)
{
	return d->read_only ? 0 : d->ops->flush(d);
}
