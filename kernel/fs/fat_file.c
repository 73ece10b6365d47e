/* FAT file contents: reading and writing through the cluster chain,
 * growing it (new clusters are zeroed) and cutting it back. */
#include "fat_internal.h"
#include "kerrno.h"
#include "kstring.h"

int64_t fat_read(struct fat_vol *v, struct fat_node *n, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	if (n->attr & FAT_ATTR_DIR)
		return -EISDIR;
	if (off >= n->size)
		return 0;
	if (len > n->size - off)
		len = (size_t)(n->size - off);
	size_t done = 0;
	while (done < len) {
		uint32_t c, in = (uint32_t)(off % v->cluster_size);
		size_t k = v->cluster_size - in < len - done ? v->cluster_size - in : len - done;
		int err = fat_map(v, n, off, &c);
		if (!err && !c)
			err = -EIO; /* the chain is shorter than the size */
		if (!err)
			err = bcache_read(v->bc, fat_clus_off(v, c) + in, p + done, k);
		if (err)
			return done ? (int64_t)done : err;
		done += k, off += k;
	}
	return (int64_t)done;
}

/* Make n's chain hold at least `bytes`; *have is what it holds when this
 * stops early (-ENOSPC, -EIO), and *had how many of the clusters wanted
 * were there before (new ones are zeroed; those were not). Growing only
 * appends, so n's cursor is left where it was: the caller goes on from
 * there, not from the chain's start. */
static int grow_chain(struct fat_vol *v, struct fat_node *n, uint64_t bytes, uint64_t *have,
		      uint64_t *had)
{
	uint64_t want = (bytes + v->cluster_size - 1) / v->cluster_size, count = 0;
	uint32_t last = 0, c, idx = n->cur_idx, clus = n->cur_clus;
	int err = 0;
	*have = *had = 0;
	if (want == 0)
		return 0;
	if (n->clus) {
		err = fat_map(v, n, (want - 1) * v->cluster_size, &c);
		if (!err && c) {
			count = want;
		} else if (!err) {
			last = n->cur_clus;
			count = n->cur_idx + 1ull;
		}
	}
	*had = count;
	while (!err && count < want) {
		err = fat_alloc(v, last, &c);
		if (err)
			break;
		if (!n->clus) {
			n->clus = c;
			n->cur_idx = 0;
		} else {
			n->cur_idx++;
		}
		n->cur_clus = last = c;
		count++;
	}
	*have = count * v->cluster_size;
	if (clus) {
		n->cur_idx = idx;
		n->cur_clus = clus;
	}
	return err;
}

/* Keep the first `bytes` of n's chain (whole clusters) and free the rest. */
static int cut_chain(struct fat_vol *v, struct fat_node *n, uint64_t bytes)
{
	uint64_t keep = (bytes + v->cluster_size - 1) / v->cluster_size;
	uint32_t c, next;
	if (!n->clus)
		return 0;
	if (keep == 0) {
		int err = fat_free_chain(v, n->clus);
		n->clus = n->cur_clus = n->cur_idx = 0;
		return err;
	}
	int err = fat_map(v, n, (keep - 1) * v->cluster_size, &c);
	if (err || !c)
		return err;
	err = fat_next(v, c, &next);
	if (!err && next)
		err = fat_set(v, c, FAT_EOC);
	if (!err && next)
		err = fat_free_chain(v, next);
	n->cur_clus = n->cur_idx = 0;
	return err;
}

/* Grow n to size bytes of zeros past its end. */
static int extend(struct fat_vol *v, struct fat_node *n, uint64_t size)
{
	uint64_t have, had, old = n->size, cs = v->cluster_size;
	int err = grow_chain(v, n, size, &have, &had);
	if (err) {
		cut_chain(v, n, old); /* give back what this took */
		return err;
	}
	/* A chain longer than its file (another system's image may hold
	 * one) has old bytes in the clusters past the end: zeros instead. */
	for (uint64_t i = (old + cs - 1) / cs; i < had; i++) {
		uint32_t c;
		err = fat_map(v, n, i * cs, &c);
		if (!err && !c)
			err = -EIO;
		if (!err)
			err = bcache_zero(v->bc, fat_clus_off(v, c), (size_t)cs);
		if (err)
			return err;
	}
	uint32_t in = (uint32_t)(old % v->cluster_size);
	if (in) { /* the last cluster's bytes past the old end are not zero yet */
		uint32_t c;
		uint64_t k = v->cluster_size - in < size - old ? v->cluster_size - in : size - old;
		err = fat_map(v, n, old, &c);
		if (!err && !c)
			err = -EIO;
		if (!err)
			err = bcache_zero(v->bc, fat_clus_off(v, c) + in, (size_t)k);
		if (err)
			return err;
	}
	n->size = (uint32_t)size;
	return 0;
}

int64_t fat_write(struct fat_vol *v, struct fat_node *n, const void *buf, size_t len,
		  uint64_t off)
{
	const uint8_t *p = buf;
	if (v->ro)
		return -EROFS;
	if (n->attr & FAT_ATTR_DIR)
		return -EISDIR;
	if (len == 0)
		return 0;
	if (off >= FAT_MAX_FILE)
		return -EFBIG;
	if (len > FAT_MAX_FILE - off)
		len = (size_t)(FAT_MAX_FILE - off);
	int err = off > n->size ? extend(v, n, off) : 0;
	uint64_t have = 0, had;
	if (!err) /* what the chain had past the end is written over here */
		err = grow_chain(v, n, off + len, &have, &had);
	if (err && have > off) {
		len = (size_t)(have - off); /* as much as fits */
		err = 0;
	} else if (err) {
		cut_chain(v, n, n->size); /* give back what this took */
	}
	size_t done = 0;
	while (!err && done < len) {
		uint32_t c, in = (uint32_t)(off % v->cluster_size);
		size_t k = v->cluster_size - in < len - done ? v->cluster_size - in : len - done;
		err = fat_map(v, n, off, &c);
		if (!err && !c)
			err = -EIO;
		if (!err)
			err = bcache_write(v->bc, fat_clus_off(v, c) + in, p + done, k);
		if (!err)
			done += k, off += k;
	}
	if (off > n->size)
		n->size = (uint32_t)off;
	fat_touch(v, n);
	int err2 = fat_write_entry(v, n);
	if (done)
		return (int64_t)done;
	return err ? err : err2;
}

int fat_truncate(struct fat_vol *v, struct fat_node *n, uint64_t size)
{
	if (v->ro)
		return -EROFS;
	if (n->attr & FAT_ATTR_DIR)
		return -EISDIR;
	if (size > FAT_MAX_FILE)
		return -EFBIG;
	int err = 0;
	if (size > n->size) {
		err = extend(v, n, size);
	} else if (size < n->size || !size) {
		err = cut_chain(v, n, size);
		if (!err)
			n->size = (uint32_t)size;
	}
	fat_touch(v, n);
	int err2 = fat_write_entry(v, n);
	return err ? err : err2;
}

int fat_allocated(struct fat_vol *v, struct fat_node *n, uint64_t *bytes)
{
	if (!(n->attr & FAT_ATTR_DIR)) {
		*bytes = (n->size + (uint64_t)v->cluster_size - 1) / v->cluster_size * v->cluster_size;
		return 0;
	}
	if (!n->clus) {
		*bytes = v->root_bytes;
		return 0;
	}
	uint64_t count = 0;
	for (uint32_t c = n->clus; c; count++) {
		if (count > v->nclusters || !fat_valid_clus(v, c))
			return -EIO;
		int err = fat_next(v, c, &c);
		if (err)
			return err;
	}
	*bytes = count * v->cluster_size;
	return 0;
}

int fat_set_mtime(struct fat_vol *v, struct fat_node *n, int64_t sec)
{
	if (v->ro)
		return -EROFS;
	fat_time_from_unix(sec, &n->mdate, &n->mtime);
	n->adate = n->mdate;
	return fat_write_entry(v, n);
}
