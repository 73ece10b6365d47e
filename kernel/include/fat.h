/*
 * The FAT filesystem (FAT32 read-write, FAT16 and FAT12 too) with VFAT long
 * names, over the block cache. Pure logic: it compiles into the kernel and
 * into host unit tests. A file or directory is a struct fat_node, the
 * in-memory copy of its directory entry and where that entry is; the
 * caller keeps one node per file and passes it back, and every change is
 * written to the entry at once (through the cache). Everything read from
 * the disk is checked: a volume that is not sane is refused at mount
 * (-EINVAL), and damage found later gives -EIO, never a crash or a loop.
 * Names are UTF-8 (stored as UTF-16 long names with an 8.3 alias) and
 * compared without regard to ASCII case. Functions return 0 or a value, or
 * a negative errno; writes to a read-only volume give -EROFS.
 */
#ifndef BF_FAT_H
#define BF_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;
struct fat_vol;

#define FAT_MAX_FILE 0xFFFFFFFFull /* 4 GiB - 1: the size field's limit */
#define FAT_NAME_MAX 255           /* UTF-16 units in a long name */
#define FAT_UTF8_MAX (FAT_NAME_MAX * 3) /* bytes of such a name in UTF-8 */

#define FAT_ATTR_RO 0x01
#define FAT_ATTR_HIDDEN 0x02
#define FAT_ATTR_SYSTEM 0x04
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_ATTR_ARCHIVE 0x20

struct fat_node {
	uint32_t clus;  /* first cluster; 0 for an empty file and a FAT12/16 root */
	uint32_t size;  /* bytes (0 for directories) */
	uint8_t attr;
	bool root;
	uint16_t mtime, mdate, cdate, ctime_, adate; /* FAT encoded */
	/* Where the entry is: the directory's first cluster (0: the FAT12/16
	 * root region), the byte offset of the short entry in it and of the
	 * first long-name slot before it (== sfn_off without one). */
	uint32_t dir_clus;
	uint32_t sfn_off, lfn_off;
	uint64_t sfn_dev; /* device offset of the short entry once known, or 0 */
	bool gone;        /* its entry was removed (the slots may hold another's) */
	/* Cluster-chain cursor: cluster number cur_clus is the cur_idx'th. */
	uint32_t cur_idx, cur_clus;
};

struct fat_statfs {
	uint32_t cluster_size;
	uint32_t clusters, free;
	int type; /* 12, 16 or 32 */
};

/* Mount the FAT volume on d with a block cache of cache_bytes; now()
 * gives the time stamps (seconds since the epoch, UTC). Reads only: an
 * image refused here (-EINVAL: not FAT or not sane, with *why set to a
 * short reason; -EIO, -ENOMEM) was not written. */
int fat_mount(struct blkdev *d, bool read_only, size_t cache_bytes, int64_t (*now)(void),
	      struct fat_vol **out, const char **why);
/* Write everything back, flush the device and free the volume. */
int fat_unmount(struct fat_vol *v);
/* Write back the FSInfo hints and every dirty block, then flush the
 * device. */
int fat_sync(struct fat_vol *v);
bool fat_read_only(struct fat_vol *v);
int fat_statfs(struct fat_vol *v, struct fat_statfs *out);
void fat_root(struct fat_vol *v, struct fat_node *out);

/* --- names and directories (fat_dir.c) --- */

/* The entry called name in dir; -ENOENT, -ENOTDIR, -EIO. */
int fat_lookup(struct fat_vol *v, struct fat_node *dir, const char *name, size_t len,
	       struct fat_node *out);
/* The next entry at or after directory byte offset *pos (not "." or ".."
 * or the volume label), its name in UTF-8 (name has FAT_UTF8_MAX + 1
 * bytes); *pos is set past it. 1 for an entry, 0 at the end. An entry
 * whose cluster lies outside the volume is skipped (fat_lookup gives -EIO
 * for it), so one damaged entry does not hide the rest. */
int fat_readdir(struct fat_vol *v, struct fat_node *dir, uint32_t *pos, char *name,
		struct fat_node *out);
/* Make a new empty file or directory called name in dir. -EEXIST,
 * -EINVAL (a name FAT cannot hold), -ENAMETOOLONG, -ENOSPC. */
int fat_create(struct fat_vol *v, struct fat_node *dir, const char *name, size_t len,
	       bool is_dir, struct fat_node *out);
/* Remove n's directory entry (the clusters stay: fat_release frees them
 * when nothing uses the file any more). */
int fat_remove(struct fat_vol *v, struct fat_node *n);
/* Free n's clusters (after fat_remove). */
int fat_release(struct fat_vol *v, struct fat_node *n);
/* 0 if directory n holds nothing but "." and "..", else -ENOTEMPTY. */
int fat_dir_empty(struct fat_vol *v, struct fat_node *n);
/* Give n the name `name` in directory ndir (n's entry moves; n is
 * updated), replacing victim, the entry that has that name now (NULL if
 * none; the caller checked that it may go, and frees its clusters later
 * with fat_release). When this fails, victim's entry is as it was. A
 * directory moved elsewhere gets its ".." fixed. -EINVAL when ndir is n or
 * inside it; -EEXIST when the name exists and is not victim. */
int fat_rename(struct fat_vol *v, struct fat_node *n, struct fat_node *ndir, const char *name,
	       size_t len, struct fat_node *victim);
/* True if both nodes are the same entry. */
bool fat_same(const struct fat_node *a, const struct fat_node *b);

/* --- file contents (fat_file.c) --- */

int64_t fat_read(struct fat_vol *v, struct fat_node *n, void *buf, size_t len, uint64_t off);
/* Writes past the end fill the gap with zeros. A write that reaches 4 GiB
 * stops short there; one that starts there gives -EFBIG. -ENOSPC when not
 * one byte fits; a short count when some did. */
int64_t fat_write(struct fat_vol *v, struct fat_node *n, const void *buf, size_t len,
		  uint64_t off);
/* Shrink, or grow with zeros; -EFBIG past 4 GiB - 1. */
int fat_truncate(struct fat_vol *v, struct fat_node *n, uint64_t size);
/* Bytes the file or directory occupies (whole clusters). */
int fat_allocated(struct fat_vol *v, struct fat_node *n, uint64_t *bytes);
/* Set the modification time (and access date) and write the entry. */
int fat_set_mtime(struct fat_vol *v, struct fat_node *n, int64_t sec);

/* --- time stamps and names (fat_name.c) --- */

/* Seconds since the epoch of a FAT date and time (UTC), and back (times
 * before 1980 or after 2107 are clamped). */
int64_t fat_time_to_unix(uint16_t date, uint16_t time);
void fat_time_from_unix(int64_t sec, uint16_t *date, uint16_t *time);

#endif
