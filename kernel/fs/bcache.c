/* The block cache: blocks in a hash table and an LRU list; a miss when the
 * budget is full takes the least recently used block, writing back every
 * dirty block first (in LBA order, adjacent blocks in one request) when
 * that one is dirty. */
#include "bcache.h"
#include "blkdev.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"

#include <stdbool.h>

#define SECTORS_PER_BLOCK (BCACHE_BLOCK / BLK_SECTOR)
#define RUN_BLOCKS 32 /* the most blocks one write-back request moves */

struct bblock {
	uint64_t blk;
	uint8_t *data;
	struct bblock *hnext;        /* hash chain */
	struct bblock *prev, *next;  /* LRU list, most recent first */
	bool dirty;
};

struct bcache {
	struct blkdev *dev;
	uint64_t dev_bytes;
	size_t max, count, nhash;
	struct bblock **hash;
	struct bblock lru; /* sentinel */
	struct bblock **sorted; /* scratch for write-back, max entries */
	uint8_t *run;           /* RUN_BLOCKS blocks for one write-back request */
	uint8_t *ra;            /* RUN_BLOCKS blocks for one read-ahead request */
	int error;              /* a write-back that failed since the last flush */
	struct bcache_stats st;
};

struct blkdev *bcache_dev(struct bcache *c) { return c->dev; }

void bcache_stats(struct bcache *c, struct bcache_stats *out)
{
	*out = c->st;
	out->cached = c->count;
}

struct bcache *bcache_new(struct blkdev *d, size_t budget)
{
	struct bcache *c = kzalloc(sizeof *c);
	if (!c)
		return NULL;
	c->dev = d;
	c->dev_bytes = d->sectors * BLK_SECTOR;
	c->max = budget / BCACHE_BLOCK;
	if (c->max < 16)
		c->max = 16;
	c->nhash = 1;
	while (c->nhash < c->max)
		c->nhash *= 2;
	c->hash = kzalloc(c->nhash * sizeof *c->hash);
	c->sorted = kmalloc(c->max * sizeof *c->sorted);
	c->run = kmalloc(RUN_BLOCKS * BCACHE_BLOCK);
	c->ra = kmalloc(RUN_BLOCKS * BCACHE_BLOCK);
	c->lru.next = c->lru.prev = &c->lru;
	if (!c->hash || !c->sorted || !c->run || !c->ra) {
		bcache_free(c);
		return NULL;
	}
	return c;
}

static size_t hash_of(struct bcache *c, uint64_t blk)
{
	return (size_t)((blk * 0x9e3779b97f4a7c15ull) >> 20) & (c->nhash - 1);
}

static void lru_unlink(struct bblock *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void lru_front(struct bcache *c, struct bblock *b)
{
	b->next = c->lru.next;
	b->prev = &c->lru;
	c->lru.next->prev = b;
	c->lru.next = b;
}

static void hash_remove(struct bcache *c, struct bblock *b)
{
	struct bblock **pp = &c->hash[hash_of(c, b->blk)];
	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
}

/* Sectors of block blk that exist on the device (the last may be short). */
static uint32_t block_sectors(struct bcache *c, uint64_t blk)
{
	uint64_t first = blk * SECTORS_PER_BLOCK, total = c->dev->sectors;
	return total - first < SECTORS_PER_BLOCK ? (uint32_t)(total - first) : SECTORS_PER_BLOCK;
}

/* Write the adjacent dirty blocks v[0..n) in one request. */
static int write_run(struct bcache *c, struct bblock **v, size_t n)
{
	uint32_t sectors = 0;
	for (size_t i = 0; i < n; i++) {
		memcpy(c->run + i * BCACHE_BLOCK, v[i]->data, BCACHE_BLOCK);
		sectors += block_sectors(c, v[i]->blk);
		v[i]->dirty = false;
	}
	c->st.writes++;
	c->st.dirty -= n;
	int err = blkdev_write(c->dev, v[0]->blk * SECTORS_PER_BLOCK, c->run, sectors);
	if (err) {
		c->error = -EIO; /* the data is lost; the next flush reports it */
		return -EIO;
	}
	return 0;
}

/* Shell sort of the dirty list by block number (a few thousand at most). */
static void sort_blocks(struct bblock **v, size_t n)
{
	for (size_t gap = n / 2; gap; gap /= 2)
		for (size_t i = gap; i < n; i++)
			for (size_t j = i; j >= gap && v[j - gap]->blk > v[j]->blk; j -= gap) {
				struct bblock *t = v[j];
				v[j] = v[j - gap];
				v[j - gap] = t;
			}
}

int bcache_writeback(struct bcache *c)
{
	size_t n = 0;
	for (struct bblock *b = c->lru.next; b != &c->lru; b = b->next)
		if (b->dirty)
			c->sorted[n++] = b;
	sort_blocks(c->sorted, n);
	int err = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && j - i < RUN_BLOCKS && c->sorted[j]->blk == c->sorted[j - 1]->blk + 1)
			j++;
		if (write_run(c, c->sorted + i, j - i))
			err = -EIO;
		i = j;
	}
	return err;
}

int bcache_flush(struct bcache *c)
{
	int err = bcache_writeback(c);
	if (blkdev_flush(c->dev))
		err = -EIO;
	if (c->error)
		err = c->error;
	c->error = 0;
	return err;
}

static struct bblock *find(struct bcache *c, uint64_t blk)
{
	struct bblock *b = c->hash[hash_of(c, blk)];
	while (b && b->blk != blk)
		b = b->hnext;
	return b;
}

enum fill { NO_FILL, FILL, FILL_AHEAD };

/* Read block blk into data, and with FILL_AHEAD the blocks after it that
 * are not cached (up to a request's worth, a quarter of the budget) into
 * c->ra; returns how many follow it there. */
static int read_blocks(struct bcache *c, uint64_t blk, uint8_t *data, enum fill how, int *ahead)
{
	uint64_t last = (c->dev->sectors + SECTORS_PER_BLOCK - 1) / SECTORS_PER_BLOCK;
	size_t most = how == FILL_AHEAD ? (c->max / 4 < RUN_BLOCKS ? c->max / 4 : RUN_BLOCKS) : 1;
	size_t n = 1;
	uint32_t sectors = block_sectors(c, blk);
	while (n < most && blk + n < last && !find(c, blk + n))
		sectors += block_sectors(c, blk + n++);
	uint8_t *buf = n > 1 ? c->ra : data;
	memset(buf + (size_t)sectors * BLK_SECTOR, 0, n * BCACHE_BLOCK - (size_t)sectors * BLK_SECTOR);
	c->st.reads++;
	if (blkdev_read(c->dev, blk * SECTORS_PER_BLOCK, buf, sectors)) {
		if (n == 1) /* the block itself, not only what follows it, failed */
			return -EIO;
		return read_blocks(c, blk, data, FILL, ahead);
	}
	if (n > 1)
		memcpy(data, buf, BCACHE_BLOCK);
	*ahead = (int)n - 1;
	return 0;
}

/* The cached block blk, made most recent; read from the device unless the
 * caller overwrites all of it (NO_FILL). */
static int get_block(struct bcache *c, uint64_t blk, enum fill fill, struct bblock **out)
{
	struct bblock *b;
	int ahead = 0;
	for (b = c->hash[hash_of(c, blk)]; b; b = b->hnext)
		if (b->blk == blk) {
			c->st.hits++;
			lru_unlink(b);
			lru_front(c, b);
			*out = b;
			return 0;
		}
	c->st.misses++;
	if (c->count < c->max) {
		b = kzalloc(sizeof *b);
		uint8_t *data = b ? kmalloc(BCACHE_BLOCK) : NULL;
		if (!data) {
			kfree(b);
			return -ENOMEM;
		}
		b->data = data;
		c->count++;
	} else {
		b = c->lru.prev;
		if (b->dirty) {
			int err = bcache_writeback(c);
			if (err)
				return err;
		}
		lru_unlink(b);
		hash_remove(c, b);
	}
	b->blk = blk;
	b->dirty = false;
	if (fill && read_blocks(c, blk, b->data, fill, &ahead)) {
		kfree(b->data);
		kfree(b);
		c->count--;
		return -EIO;
	}
	size_t h = hash_of(c, blk);
	b->hnext = c->hash[h];
	c->hash[h] = b;
	lru_front(c, b);
	*out = b;
	/* The blocks read ahead, cached clean (none is cached yet, and b, most
	 * recent, cannot be taken for them within a quarter of the budget). */
	for (int i = 1; i <= ahead; i++) {
		struct bblock *a;
		if (get_block(c, blk + (uint64_t)i, NO_FILL, &a))
			break; /* only a hint: stop */
		memcpy(a->data, c->ra + (size_t)i * BCACHE_BLOCK, BCACHE_BLOCK);
	}
	return 0;
}

static int check_range(struct bcache *c, uint64_t off, size_t n)
{
	return off > c->dev_bytes || n > c->dev_bytes - off ? -EINVAL : 0;
}

int bcache_read(struct bcache *c, uint64_t off, void *buf, size_t n)
{
	int err = check_range(c, off, n);
	uint8_t *p = buf;
	while (!err && n) {
		struct bblock *b;
		size_t in = off % BCACHE_BLOCK, k = BCACHE_BLOCK - in < n ? BCACHE_BLOCK - in : n;
		err = get_block(c, off / BCACHE_BLOCK, FILL_AHEAD, &b);
		if (err)
			break;
		memcpy(p, b->data + in, k);
		p += k, off += k, n -= k;
	}
	return err;
}

/* Copy src (or zeros when src is NULL) into the cache and mark it dirty. */
static int put(struct bcache *c, uint64_t off, const uint8_t *src, size_t n)
{
	int err = check_range(c, off, n);
	while (!err && n) {
		struct bblock *b;
		size_t in = off % BCACHE_BLOCK, k = BCACHE_BLOCK - in < n ? BCACHE_BLOCK - in : n;
		err = get_block(c, off / BCACHE_BLOCK, k < BCACHE_BLOCK ? FILL : NO_FILL, &b);
		if (err)
			break;
		if (src)
			memcpy(b->data + in, src, k), src += k;
		else
			memset(b->data + in, 0, k);
		if (!b->dirty)
			c->st.dirty++;
		b->dirty = true;
		off += k, n -= k;
	}
	return err;
}

int bcache_write(struct bcache *c, uint64_t off, const void *buf, size_t n)
{
	return put(c, off, buf, n);
}

int bcache_zero(struct bcache *c, uint64_t off, size_t n) { return put(c, off, NULL, n); }

int bcache_free(struct bcache *c)
{
	int err = 0;
	if (c->hash && c->sorted && c->run && c->ra)
		err = bcache_flush(c);
	while (c->lru.next && c->lru.next != &c->lru) {
		struct bblock *b = c->lru.next;
		lru_unlink(b);
		kfree(b->data);
		kfree(b);
	}
	kfree(c->hash);
	kfree(c->sorted);
	kfree(c->run);
	kfree(c->ra);
	kfree(c);
	return err;
}
