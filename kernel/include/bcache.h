/*
 * The block cache: a fixed budget of 4 KiB blocks of one block device, read
 * on first use and written back later (write-back). Dirty blocks go to the
 * device in LBA order, in runs of adjacent blocks, when the budget is full
 * and on bcache_flush. Callers address the device by byte offset; the cache
 * is pure logic over blkdev.h, so host tests run it on a file. Every call
 * returns 0 or a negative errno: -EIO when the device failed (the error is
 * also remembered and returned by the next flush), -ENOMEM.
 */
#ifndef BF_BCACHE_H
#define BF_BCACHE_H

#include <stddef.h>
#include <stdint.h>

#define BCACHE_BLOCK 4096u

struct blkdev;
struct bcache;

struct bcache_stats {
	uint64_t hits, misses;     /* block look-ups */
	uint64_t reads, writes;    /* device calls */
	uint64_t dirty, cached;    /* blocks now */
};

/* A cache of at most `budget` bytes (at least 16 blocks) in front of d. */
struct bcache *bcache_new(struct blkdev *d, size_t budget);
/* Write back what is dirty (not flushed to stable storage) and free it all. */
int bcache_free(struct bcache *c);
/* Copy n bytes at device byte offset off out of / into the cache. A write
 * of whole blocks does not read them first. -EINVAL past the device's end. */
int bcache_read(struct bcache *c, uint64_t off, void *buf, size_t n);
int bcache_write(struct bcache *c, uint64_t off, const void *buf, size_t n);
/* Fill [off, off+n) with zero bytes. */
int bcache_zero(struct bcache *c, uint64_t off, size_t n);
/* Write every dirty block (LBA order), then make it durable (blkdev_flush). */
int bcache_flush(struct bcache *c);
/* Write every dirty block without the device flush. */
int bcache_writeback(struct bcache *c);
void bcache_stats(struct bcache *c, struct bcache_stats *out);
struct blkdev *bcache_dev(struct bcache *c);

#endif
