/* A block device on an image file, and the kernel heap on malloc. */
#include "filedisk.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "heap.h"

void *kmalloc(size_t n) { return n ? malloc(n) : NULL; }
void *kzalloc(size_t n) { return n ? calloc(1, n) : NULL; }
void kfree(void *p) { free(p); }
void *krealloc(void *p, size_t n) { return realloc(p, n); }

static int fd_read(struct blkdev *b, uint64_t lba, void *buf, uint32_t n)
{
	struct filedisk *d = b->priv;
	ssize_t r = pread(d->fd, buf, (size_t)n * BLK_SECTOR, (off_t)(lba * BLK_SECTOR));
	return r == (ssize_t)n * BLK_SECTOR ? 0 : -5;
}

static int fd_write(struct blkdev *b, uint64_t lba, const void *buf, uint32_t n)
{
	struct filedisk *d = b->priv;
	if (d->writes < 64)
		d->log[d->writes] = lba;
	d->writes++;
	if (d->fail_after >= 0 && d->writes > (uint64_t)d->fail_after)
		return -5;
	ssize_t r = pwrite(d->fd, buf, (size_t)n * BLK_SECTOR, (off_t)(lba * BLK_SECTOR));
	return r == (ssize_t)n * BLK_SECTOR ? 0 : -5;
}

static int fd_flush(struct blkdev *b)
{
	struct filedisk *d = b->priv;
	d->flushes++;
	return 0;
}

static const struct blkdev_ops ops = {fd_read, fd_write, fd_flush};

/* The checked calls of blkdev.h, as the kernel's registry makes them. */
int blkdev_read(struct blkdev *d, uint64_t lba, void *buf, uint32_t count)
{
	if (lba > d->sectors || count > d->sectors - lba)
		return -22;
	return d->ops->read(d, lba, buf, count);
}

int blkdev_write(struct blkdev *d, uint64_t lba, const void *buf, uint32_t count)
{
	if (d->read_only)
		return -30;
	if (lba > d->sectors || count > d->sectors - lba)
		return -22;
	return d->ops->write(d, lba, buf, count);
}

int blkdev_flush(struct blkdev *d) { return d->ops->flush(d); }

bool filedisk_open(struct filedisk *d, const char *path, bool read_only)
{
	struct stat st;
	*d = (struct filedisk){.fd = open(path, read_only ? O_RDONLY : O_RDWR), .fail_after = -1};
	if (d->fd < 0 || fstat(d->fd, &st))
		return false;
	d->dev.sectors = (uint64_t)st.st_size / BLK_SECTOR;
	d->dev.max_count = 256;
	d->dev.read_only = read_only;
	d->dev.ops = &ops;
	d->dev.priv = d;
	snprintf(d->dev.name, sizeof d->dev.name, "vda");
	return true;
}

void filedisk_close(struct filedisk *d) { close(d->fd); }

int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int64_t test_now(void) { return (int64_t)time(NULL); }

#include "fat.h"

int fat_path(struct fat_vol *v, const char *path, struct fat_node *out)
{
	fat_root(v, out);
	while (*path) {
		while (*path == '/')
			path++;
		const char *s = path;
		while (*path && *path != '/')
			path++;
		if (path == s)
			break;
		struct fat_node next;
		int err = fat_lookup(v, out, s, (size_t)(path - s), &next);
		if (err)
			return err;
		*out = next;
	}
	return 0;
}

static void append(char **out, size_t *len, const char *s)
{
	size_t n = strlen(s);
	*out = realloc(*out, *len + n + 2);
	memcpy(*out + *len, s, n);
	(*out)[*len + n] = '\n';
	*len += n + 1;
	(*out)[*len] = 0;
}

int fat_list(struct fat_vol *v, struct fat_node *dir, const char *prefix, char **out,
	     size_t *len)
{
	uint32_t pos = 0;
	char name[FAT_UTF8_MAX + 1];
	struct fat_node n;
	int r;
	while ((r = fat_readdir(v, dir, &pos, name, &n)) == 1) {
		char *path = malloc(strlen(prefix) + strlen(name) + 3);
		sprintf(path, "%s/%s%s", prefix, name, n.attr & FAT_ATTR_DIR ? "/" : "");
		append(out, len, path);
		if (n.attr & FAT_ATTR_DIR) {
			path[strlen(path) - 1] = 0;
			r = fat_list(v, &n, path, out, len);
		}
		free(path);
		if (r < 0)
			return r;
	}
	return r;
}
