/* What the FAT sources share: the volume's geometry and the helpers over
 * the FAT table, clusters and directory entries. */
#ifndef BF_FAT_INTERNAL_H
#define BF_FAT_INTERNAL_H

#include "bcache.h"
#include "fat.h"

#define FAT_EOC 0x0FFFFFFFu /* fat_set's "end of chain"; masked per type */
#define FAT_DIR_MAX (65536u * 32u) /* the most bytes a directory may have */
#define DIRENT 32u

struct fat_vol {
	struct bcache *bc;
	bool ro;
	int type;                  /* 12, 16, 32 */
	uint32_t bps, cluster_size;
	uint64_t fat_off;          /* byte offset of the first FAT */
	uint32_t fat_bytes;        /* bytes of one FAT */
	uint32_t nfats;
	int active_fat;            /* FAT32 with mirroring off: the one in use; else -1 */
	uint64_t root_off;         /* FAT12/16: the root directory region */
	uint32_t root_bytes;
	uint64_t data_off;         /* byte offset of cluster 2 */
	uint32_t nclusters;        /* data clusters: numbers 2 .. nclusters + 1 */
	uint32_t root_clus;        /* FAT32 */
	uint64_t fsinfo_off;       /* 0: no usable FSInfo sector */
	uint32_t free_count;
	uint32_t next_free;
	bool fsinfo_dirty;
	int64_t (*now)(void);
};

/* The FAT entry of cluster c (masked to the type's width). */
int fat_get(struct fat_vol *v, uint32_t c, uint32_t *val);
/* Set it in every FAT copy. */
int fat_set(struct fat_vol *v, uint32_t c, uint32_t val);
/* True for a cluster number that may hold data. */
bool fat_valid_clus(struct fat_vol *v, uint32_t c);
/* True for an end-of-chain mark. */
bool fat_is_eoc(struct fat_vol *v, uint32_t val);
/* The next cluster of a chain: 0 at its end, -EIO for anything that is not
 * a data cluster or an end mark. */
int fat_next(struct fat_vol *v, uint32_t c, uint32_t *next);
/* A free cluster, marked end of chain and zeroed, linked after prev (if
 * not 0). -ENOSPC. */
int fat_alloc(struct fat_vol *v, uint32_t prev, uint32_t *out);
/* Free the chain starting at c (bounded: a loop gives -EIO). */
int fat_free_chain(struct fat_vol *v, uint32_t c);
uint64_t fat_clus_off(struct fat_vol *v, uint32_t c);
/* The cluster holding byte off of n's chain (walking from n's cursor);
 * *c is 0 when the chain ends before it. */
int fat_map(struct fat_vol *v, struct fat_node *n, uint64_t off, uint32_t *c);
/* Read or write n's 32-byte short entry from its fields. */
int fat_write_entry(struct fat_vol *v, struct fat_node *n);
/* Device byte offset of byte off of directory d (clus 0: the root region),
 * walking from d's cursor; -ENOENT past its end, -EIO on a broken chain. */
int fat_dir_off(struct fat_vol *v, struct fat_node *d, uint32_t off, uint64_t *dev);
/* A node from a 32-byte short entry (checked: -EIO for nonsense). */
int fat_node_from_entry(struct fat_vol *v, const uint8_t *e, struct fat_node *n);
void fat_touch(struct fat_vol *v, struct fat_node *n);

/* fat_name.c */
uint8_t fat_sfn_checksum(const uint8_t sfn[11]);
/* UTF-8 name to UTF-16; returns the units, -EINVAL, -ENAMETOOLONG. */
int fat_utf8_to_utf16(const char *s, size_t len, uint16_t *out);
/* UTF-16 to UTF-8 (NUL terminated, out has FAT_UTF8_MAX + 1 bytes). */
void fat_utf16_to_utf8(const uint16_t *u, int n, char *out);
/* The display name of a short entry (with the lower-case flags). */
void fat_sfn_to_utf8(const uint8_t *e, char *out);
/* If the name is already a valid upper-case 8.3 name, its 11 bytes and
 * true (no long name needed). */
bool fat_plain_sfn(const uint16_t *u, int n, uint8_t sfn[11]);
/* The basis of the 8.3 alias of a long name, and the alias with tail
 * number k (k >= 1: "~k", large k a hashed form). */
void fat_sfn_alias(const uint16_t *u, int n, unsigned k, uint8_t sfn[11]);
uint16_t fat_upcase(uint16_t c);

#endif
