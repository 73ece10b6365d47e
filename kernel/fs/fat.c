/* FAT volumes: the boot sector checked at mount, the FAT table (every copy
 * written), cluster allocation with the FSInfo hints, and the mapping from
 * file offsets to clusters. */
#include "blkdev.h"
#include "fat_internal.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return le16(p) | (uint32_t)le16(p + 2) << 16; }
static void put16(uint8_t *p, uint16_t x) { p[0] = (uint8_t)x, p[1] = (uint8_t)(x >> 8); }
static void put32(uint8_t *p, uint32_t x) { put16(p, (uint16_t)x), put16(p + 2, (uint16_t)(x >> 16)); }

bool fat_read_only(struct fat_vol *v) { return v->ro; }

bool fat_valid_clus(struct fat_vol *v, uint32_t c) { return c >= 2 && c - 2 < v->nclusters; }

static uint32_t type_mask(struct fat_vol *v)
{
	return v->type == 12 ? 0xFFF : v->type == 16 ? 0xFFFF : 0x0FFFFFFF;
}

bool fat_is_eoc(struct fat_vol *v, uint32_t val) { return val >= (type_mask(v) & ~7u); }

uint64_t fat_clus_off(struct fat_vol *v, uint32_t c)
{
	return v->data_off + (uint64_t)(c - 2) * v->cluster_size;
}

/* Byte offset of cluster c's entry in FAT copy i. */
static uint64_t entry_off(struct fat_vol *v, int i, uint32_t c)
{
	uint64_t in = v->type == 12 ? c + c / 2 : (uint64_t)c * (uint32_t)(v->type / 8);
	return v->fat_off + (uint64_t)i * v->fat_bytes + in;
}

int fat_get(struct fat_vol *v, uint32_t c, uint32_t *val)
{
	uint8_t b[4] = {0};
	int i = v->active_fat < 0 ? 0 : v->active_fat;
	int err = bcache_read(v->bc, entry_off(v, i, c), b, v->type == 32 ? 4 : 2);
	if (err)
		return err;
	if (v->type == 12)
		*val = c & 1 ? le16(b) >> 4 : le16(b) & 0xFFF;
	else
		*val = (v->type == 16 ? le16(b) : le32(b)) & type_mask(v);
	return 0;
}

int fat_set(struct fat_vol *v, uint32_t c, uint32_t val)
{
	if (v->ro)
		return -EROFS;
	val &= type_mask(v);
	for (int i = 0; i < (int)v->nfats; i++) {
		if (v->active_fat >= 0 && i != v->active_fat)
			continue;
		uint8_t b[4];
		uint64_t off = entry_off(v, i, c);
		int err = bcache_read(v->bc, off, b, v->type == 32 ? 4 : 2);
		if (err)
			return err;
		if (v->type == 12) {
			uint16_t w = le16(b);
			w = c & 1 ? (uint16_t)((w & 0x000F) | val << 4) : (uint16_t)((w & 0xF000) | val);
			put16(b, w);
		} else if (v->type == 16) {
			put16(b, (uint16_t)val);
		} else {
			put32(b, (le32(b) & 0xF0000000) | val); /* the top 4 bits are reserved */
		}
		err = bcache_write(v->bc, off, b, v->type == 32 ? 4 : 2);
		if (err)
			return err;
	}
	return 0;
}

int fat_next(struct fat_vol *v, uint32_t c, uint32_t *next)
{
	uint32_t val;
	int err = fat_get(v, c, &val);
	if (err)
		return err;
	if (fat_is_eoc(v, val)) {
		*next = 0;
		return 0;
	}
	if (!fat_valid_clus(v, val))
		return -EIO; /* free, reserved or bad in the middle of a chain */
	*next = val;
	return 0;
}

int fat_alloc(struct fat_vol *v, uint32_t prev, uint32_t *out)
{
	if (v->ro)
		return -EROFS;
	if (v->free_count == 0)
		return -ENOSPC;
	uint32_t c = fat_valid_clus(v, v->next_free) ? v->next_free : 2;
	for (uint32_t tries = 0; tries < v->nclusters; tries++) {
		uint32_t val;
		int err = fat_get(v, c, &val);
		if (err)
			return err;
		if (val == 0) {
			err = bcache_zero(v->bc, fat_clus_off(v, c), v->cluster_size);
			if (!err)
				err = fat_set(v, c, FAT_EOC);
			if (!err && prev && (err = fat_set(v, prev, c)))
				fat_set(v, c, 0); /* not linked: free again, not lost */
			if (err)
				return err;
			v->free_count--;
			v->next_free = c + 1;
			v->fsinfo_dirty = true;
			*out = c;
			return 0;
		}
		c = c + 1 - 2 < v->nclusters ? c + 1 : 2;
	}
	v->free_count = 0; /* the count was wrong */
	return -ENOSPC;
}

int fat_free_chain(struct fat_vol *v, uint32_t c)
{
	for (uint32_t steps = 0; c; steps++) {
		uint32_t next;
		if (!fat_valid_clus(v, c) || steps > v->nclusters)
			return -EIO;
		int err = fat_next(v, c, &next);
		if (err)
			return err;
		err = fat_set(v, c, 0);
		if (err)
			return err;
		v->free_count++;
		v->fsinfo_dirty = true;
		c = next;
	}
	return 0;
}

int fat_map(struct fat_vol *v, struct fat_node *n, uint64_t off, uint32_t *c)
{
	uint32_t idx = (uint32_t)(off / v->cluster_size);
	if (!n->cur_clus || idx < n->cur_idx) {
		n->cur_idx = 0;
		n->cur_clus = n->clus;
	}
	if (n->cur_clus && !fat_valid_clus(v, n->cur_clus))
		return -EIO;
	while (n->cur_clus && n->cur_idx < idx) {
		uint32_t next;
		if (n->cur_idx >= v->nclusters)
			return -EIO; /* longer than the volume: a loop */
		int err = fat_next(v, n->cur_clus, &next);
		if (err)
			return err;
		if (!next) {
			*c = 0;
			return 0;
		}
		n->cur_clus = next;
		n->cur_idx++;
	}
	*c = n->cur_clus;
	return 0;
}

int fat_dir_off(struct fat_vol *v, struct fat_node *d, uint32_t off, uint64_t *dev)
{
	if (d->clus == 0) {
		if (off >= v->root_bytes)
			return -ENOENT;
		*dev = v->root_off + off;
		return 0;
	}
	if (off >= FAT_DIR_MAX)
		return -ENOENT;
	uint32_t c;
	int err = fat_map(v, d, off, &c);
	if (err)
		return err;
	if (!c)
		return -ENOENT;
	*dev = fat_clus_off(v, c) + off % v->cluster_size;
	return 0;
}

int fat_node_from_entry(struct fat_vol *v, const uint8_t *e, struct fat_node *n)
{
	memset(n, 0, sizeof *n);
	n->attr = e[11];
	n->clus = le16(e + 26) | (v->type == 32 ? (uint32_t)le16(e + 20) << 16 : 0);
	n->size = le32(e + 28);
	n->ctime_ = le16(e + 14);
	n->cdate = le16(e + 16);
	n->adate = le16(e + 18);
	n->mtime = le16(e + 22);
	n->mdate = le16(e + 24);
	if (n->clus && !fat_valid_clus(v, n->clus))
		return -EIO;
	if (n->attr & FAT_ATTR_DIR) {
		n->size = 0;
		if (!n->clus)
			return -EIO; /* a directory always has a cluster (".." to root has 0) */
	} else if (n->size && !n->clus) {
		return -EIO;
	}
	return 0;
}

int fat_write_entry(struct fat_vol *v, struct fat_node *n)
{
	uint8_t e[DIRENT];
	uint64_t dev;
	if (v->ro)
		return -EROFS;
	if (n->root || n->gone)
		return 0; /* the root has no entry; a removed file's slots are not its own */
	int err = 0;
	if (!n->sfn_dev) { /* found once: the entry stays where it is until a rename */
		struct fat_node d = {.clus = n->dir_clus};
		err = fat_dir_off(v, &d, n->sfn_off, &n->sfn_dev);
	}
	if (!err)
		err = bcache_read(v->bc, n->sfn_dev, e, DIRENT);
	if (err) {
		n->sfn_dev = 0;
		return err == -ENOENT ? -EIO : err;
	}
	dev = n->sfn_dev;
	e[11] = n->attr;
	put16(e + 14, n->ctime_);
	put16(e + 16, n->cdate);
	put16(e + 18, n->adate);
	put16(e + 20, v->type == 32 ? (uint16_t)(n->clus >> 16) : 0);
	put16(e + 22, n->mtime);
	put16(e + 24, n->mdate);
	put16(e + 26, (uint16_t)n->clus);
	put32(e + 28, n->attr & FAT_ATTR_DIR ? 0 : n->size);
	return bcache_write(v->bc, dev, e, DIRENT);
}

void fat_touch(struct fat_vol *v, struct fat_node *n)
{
	fat_time_from_unix(v->now(), &n->mdate, &n->mtime);
	n->adate = n->mdate;
	n->attr |= n->attr & FAT_ATTR_DIR ? 0 : FAT_ATTR_ARCHIVE;
}

void fat_root(struct fat_vol *v, struct fat_node *out)
{
	memset(out, 0, sizeof *out);
	out->root = true;
	out->attr = FAT_ATTR_DIR;
	out->clus = v->type == 32 ? v->root_clus : 0;
}

bool fat_same(const struct fat_node *a, const struct fat_node *b)
{
	if (a->root || b->root)
		return a->root == b->root;
	return a->dir_clus == b->dir_clus && a->sfn_off == b->sfn_off;
}

/* Check the boot sector and fill in the geometry; *why says what is wrong. */
static int parse_bpb(struct fat_vol *v, const uint8_t *b, uint64_t dev_bytes, const char **why)
{
	uint32_t bps = le16(b + 11), spc = b[13], reserved = le16(b + 14), nfats = b[16];
	uint32_t root_ents = le16(b + 17), total = le16(b + 19), fatsz = le16(b + 22);
	*why = "no FAT boot sector signature";
	if (b[510] != 0x55 || b[511] != 0xAA || (b[0] != 0xEB && b[0] != 0xE9))
		return -EINVAL;
	*why = "bad sector or cluster size";
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || !spc || (spc & (spc - 1)) ||
	    bps * spc > 65536)
		return -EINVAL;
	*why = "bad reserved sectors, FAT count or FAT size";
	if (!total)
		total = le32(b + 32);
	if (!fatsz)
		fatsz = le32(b + 36);
	if (!reserved || !nfats || nfats > 4 || !fatsz || !total || b[21] < 0xF0)
		return -EINVAL;
	*why = "the volume is larger than the disk";
	if ((uint64_t)total * bps > dev_bytes)
		return -EINVAL;
	*why = "bad root directory size";
	if ((root_ents * DIRENT) % bps)
		return -EINVAL;
	uint64_t root_secs = root_ents * DIRENT / bps;
	uint64_t meta = reserved + (uint64_t)nfats * fatsz + root_secs;
	*why = "no room for data";
	if (meta >= total)
		return -EINVAL;
	v->bps = bps;
	v->cluster_size = bps * spc;
	v->nclusters = (uint32_t)((total - meta) / spc);
	/* FAT32 is told by its 16-bit FAT size being 0 (as Linux tells it, so
	 * small FAT32 volumes made by mkfs.fat -F 32 work); FAT12 and FAT16 by
	 * their cluster count, as the specification says. */
	v->type = le16(b + 22) == 0 ? 32 : v->nclusters < 4085 ? 12 : 16;
	*why = "too many clusters for the FAT type";
	if ((v->type == 16 && v->nclusters >= 65525) || v->nclusters > 0x0FFFFFF5 - 2)
		return -EINVAL;
	v->nfats = nfats;
	v->fat_off = (uint64_t)reserved * bps;
	*why = "a FAT of 4 GiB or more";
	if ((uint64_t)fatsz * bps > UINT32_MAX)
		return -EINVAL;
	v->fat_bytes = fatsz * bps;
	v->root_off = v->fat_off + (uint64_t)nfats * v->fat_bytes;
	v->root_bytes = root_ents * DIRENT;
	v->data_off = (uint64_t)meta * bps;
	v->active_fat = -1;
	*why = "the FAT is too small for the clusters";
	uint64_t need = v->type == 12 ? (v->nclusters + 2ull) * 3 / 2 + 1
					: (v->nclusters + 2ull) * (uint32_t)(v->type / 8);
	if (need > v->fat_bytes || !v->nclusters)
		return -EINVAL;
	if (v->type != 32) {
		*why = "FAT12/16 without a root directory";
		return root_ents ? 0 : -EINVAL;
	}
	*why = "bad FAT32 fields";
	if (root_ents || le16(b + 22) || le16(b + 42) != 0)
		return -EINVAL;
	v->root_clus = le32(b + 44);
	if (!fat_valid_clus(v, v->root_clus))
		return -EINVAL;
	if (b[40] & 0x80) { /* mirroring off: only one FAT is in use */
		v->active_fat = b[40] & 0xF;
		if (v->active_fat >= (int)nfats)
			return -EINVAL;
	}
	uint32_t fsinfo = le16(b + 48);
	if (fsinfo && fsinfo < reserved)
		v->fsinfo_off = (uint64_t)fsinfo * bps;
	return 0;
}

/* Count the free clusters (this also reads the whole FAT once), a block
 * at a time for FAT16 and FAT32. */
static int count_free(struct fat_vol *v)
{
	uint8_t blk[512];
	uint32_t n = 0, width = (uint32_t)v->type / 8, per = sizeof blk / (width ? width : 1);
	for (uint32_t c = 2; c - 2 < v->nclusters;) {
		uint32_t val;
		if (v->type == 12 || c % per) {
			int err = fat_get(v, c, &val);
			if (err)
				return err;
			n += val == 0;
			c++;
			continue;
		}
		int err = bcache_read(v->bc, entry_off(v, v->active_fat < 0 ? 0 : v->active_fat, c),
				      blk, sizeof blk);
		if (err)
			return err;
		for (uint32_t i = 0; i < per && c - 2 < v->nclusters; i++, c++)
			n += (width == 2 ? le16(blk + 2 * i) : le32(blk + 4 * i) & 0x0FFFFFFF) == 0;
	}
	v->free_count = n;
	return 0;
}

/* Take the next-free hint from FSInfo if its signatures are right. */
static int read_fsinfo(struct fat_vol *v)
{
	uint8_t s[512];
	if (!v->fsinfo_off)
		return 0;
	int err = bcache_read(v->bc, v->fsinfo_off, s, sizeof s);
	if (err)
		return err;
	if (le32(s) != 0x41615252 || le32(s + 484) != 0x61417272 || le32(s + 508) != 0xAA550000) {
		v->fsinfo_off = 0;
		return 0;
	}
	v->next_free = le32(s + 492);
	v->fsinfo_dirty = le32(s + 488) != v->free_count;
	return 0;
}

static int write_fsinfo(struct fat_vol *v)
{
	uint8_t b[8];
	if (!v->fsinfo_off || !v->fsinfo_dirty || v->ro)
		return 0;
	put32(b, v->free_count);
	put32(b + 4, fat_valid_clus(v, v->next_free) ? v->next_free : 0xFFFFFFFF);
	int err = bcache_write(v->bc, v->fsinfo_off + 488, b, sizeof b);
	if (!err)
		v->fsinfo_dirty = false;
	return err;
}

int fat_mount(struct blkdev *d, bool ro, size_t cache_bytes, int64_t (*now)(void),
	      struct fat_vol **out, const char **why)
{
	uint8_t *boot = kmalloc(4096);
	struct fat_vol *v = kzalloc(sizeof *v);
	int err = -ENOMEM;
	*why = "out of memory";
	if (!boot || !v)
		goto out_free;
	v->bc = bcache_new(d, cache_bytes);
	if (!v->bc)
		goto out_free;
	v->ro = ro || d->read_only;
	v->now = now;
	*why = "the disk is too small";
	err = -EINVAL;
	if (d->sectors < 1)
		goto out_free;
	*why = "the boot sector cannot be read";
	err = bcache_read(v->bc, 0, boot, 512);
	if (!err)
		err = parse_bpb(v, boot, d->sectors * BLK_SECTOR, why);
	if (!err) {
		*why = "the FAT cannot be read";
		err = count_free(v);
	}
	if (!err)
		err = read_fsinfo(v);
	if (err)
		goto out_free;
	kfree(boot);
	*out = v;
	return 0;
out_free:
	if (v && v->bc)
		bcache_free(v->bc); /* nothing is dirty: nothing is written */
	kfree(v);
	kfree(boot);
	return err;
}

int fat_sync(struct fat_vol *v)
{
	if (v->ro)
		return 0;
	int err = write_fsinfo(v);
	int err2 = bcache_flush(v->bc);
	return err ? err : err2;
}

int fat_unmount(struct fat_vol *v)
{
	int err = fat_sync(v);
	int err2 = bcache_free(v->bc);
	kfree(v);
	return err ? err : err2;
}

int fat_statfs(struct fat_vol *v, struct fat_statfs *out)
{
	out->cluster_size = v->cluster_size;
	out->clusters = v->nclusters;
	out->free = v->free_count;
	out->type = v->type;
	return 0;
}
