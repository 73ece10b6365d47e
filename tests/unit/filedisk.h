/* Host stand-ins for the kernel around the filesystem code: a block device
 * backed by an image file (counting its writes), and kmalloc on malloc. */
#ifndef BF_UNIT_FILEDISK_H
#define BF_UNIT_FILEDISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"

struct filedisk {
	struct blkdev dev;
	int fd;
	uint64_t writes, flushes;
	int fail_after; /* writes that succeed before every one fails (-1: never) */
	uint64_t log[64]; /* the first sectors of the first 64 write calls */
};

/* Open an image file as a device; false on failure. */
bool filedisk_open(struct filedisk *d, const char *path, bool read_only);
void filedisk_close(struct filedisk *d);
/* Run a shell command; its exit status. */
int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Seconds since the epoch (the filesystem's clock in tests). */
int64_t test_now(void);

#endif

struct fat_vol;
struct fat_node;
/* Resolve an absolute path on a FAT volume component by component. */
int fat_path(struct fat_vol *v, const char *path, struct fat_node *out);
/* List a FAT tree as `mdir -b -/` does: one "::/path" line per file and
 * "::/dir/" per directory, appended to out (sorted by the caller). Returns
 * 0 or the first error. */
int fat_list(struct fat_vol *v, struct fat_node *dir, const char *prefix, char **out,
	     size_t *len);
