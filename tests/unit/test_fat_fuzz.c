/* A seeded fuzzer of the FAT code: boot sectors, FATs and directory entries
 * of real images (made by mkfs.fat and mtools) are corrupted at random;
 * every mutation is mounted, walked, read and (every other one) written.
 * Each must end in a refused mount or errors, never a crash (ASan/UBSan
 * abort) or a hang (an alarm kills the test), and a refused mount must not
 * have written anything. FAT_FUZZ_ITERS (default 10000 over the three
 * images) and FAT_FUZZ_SEED change the run; make fuzz runs longer. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "bcache.h"
#include "fat.h"
#include "filedisk.h"
#include "harness.h"
#include "kerrno.h"

/* A device in memory that saves every sector's first contents before a
 * write overwrites it, so the image can be put back after each run. */
struct memdisk {
	struct blkdev dev;
	uint8_t *img;
	size_t size;
	uint64_t writes;
	struct undo { uint64_t off; uint8_t old[BLK_SECTOR]; uint32_t len; } *undo;
	size_t nundo, capundo;
};

static void save(struct memdisk *m, uint64_t off, uint32_t len)
{
	if (m->nundo == m->capundo) {
		m->capundo = m->capundo ? m->capundo * 2 : 256;
		m->undo = realloc(m->undo, m->capundo * sizeof *m->undo);
	}
	struct undo *u = &m->undo[m->nundo++];
	u->off = off;
	u->len = len;
	memcpy(u->old, m->img + off, len);
}

static void restore(struct memdisk *m)
{
	while (m->nundo) {
		struct undo *u = &m->undo[--m->nundo];
		memcpy(m->img + u->off, u->old, u->len);
	}
	m->writes = 0;
}

static int md_read(struct blkdev *d, uint64_t lba, void *buf, uint32_t n)
{
	struct memdisk *m = d->priv;
	memcpy(buf, m->img + lba * BLK_SECTOR, (size_t)n * BLK_SECTOR);
	return 0;
}

static int md_write(struct blkdev *d, uint64_t lba, const void *buf, uint32_t n)
{
	struct memdisk *m = d->priv;
	m->writes++;
	for (uint32_t i = 0; i < n; i++)
		save(m, (lba + i) * BLK_SECTOR, BLK_SECTOR);
	memcpy(m->img + lba * BLK_SECTOR, buf, (size_t)n * BLK_SECTOR);
	return 0;
}

static int md_flush(struct blkdev *d)
{
	(void)d;
	return 0;
}

static const struct blkdev_ops md_ops = {md_read, md_write, md_flush};

static uint64_t rng;
static uint32_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* Errors the FAT code may give for damage or a full volume. */
static bool expected(int64_t r)
{
	return r >= 0 || r == -EIO || r == -ENOSPC || r == -ENOENT || r == -EEXIST ||
	       r == -ENOTDIR || r == -EISDIR || r == -ENOTEMPTY || r == -EINVAL || r == -EFBIG ||
	       r == -EROFS || r == -ENOMEM;
}

static int unexpected;
#define EXPECT(r)                                                             \
	do {                                                                  \
		int64_t r_ = (r);                                             \
		if (!expected(r_) && unexpected++ < 5)                        \
			printf("    unexpected %lld from %s\n", (long long)r_, #r); \
	} while (0)

static uint8_t readbuf[65536];

/* Walk dir (depth-bounded), reading every file, writing when rw. */
static void walk(struct fat_vol *v, struct fat_node *dir, int depth, bool rw, int *budget)
{
	uint32_t pos = 0;
	char name[FAT_UTF8_MAX + 1];
	struct fat_node n;
	int r;
	while (--*budget > 0 && (r = fat_readdir(v, dir, &pos, name, &n)) == 1) {
		struct fat_node again;
		EXPECT(fat_lookup(v, dir, name, strlen(name), &again));
		uint64_t bytes;
		EXPECT(fat_allocated(v, &n, &bytes));
		if (n.attr & FAT_ATTR_DIR) {
			if (depth < 6)
				walk(v, &n, depth + 1, rw, budget);
			if (rw && !(rnd() % 8))
				EXPECT(fat_dir_empty(v, &n));
			continue;
		}
		for (uint64_t off = 0; off < n.size && off < (1 << 20); off += sizeof readbuf) {
			int64_t got = fat_read(v, &n, readbuf, sizeof readbuf, off);
			EXPECT(got);
			if (got <= 0)
				break;
		}
		if (!rw)
			continue;
		switch (rnd() % 6) {
		case 0:
			EXPECT(fat_write(v, &n, readbuf, 3000, rnd() % 9000));
			break;
		case 1:
			EXPECT(fat_truncate(v, &n, rnd() % 20000));
			break;
		case 2:
			EXPECT(fat_rename(v, &n, dir, "renamed by the fuzzer.bin", 25, NULL));
			break;
		case 3:
			if (!fat_remove(v, &n))
				EXPECT(fat_release(v, &n));
			break;
		default:
			break;
		}
	}
	if (rw) {
		struct fat_node f;
		int err = fat_create(v, dir, "new file from the fuzzer", 24, !(rnd() % 3), &f);
		EXPECT(err);
		if (!err && !(f.attr & FAT_ATTR_DIR))
			EXPECT(fat_write(v, &f, readbuf, 5000, 0));
	}
}

/* A region of the image worth corrupting. */
struct region {
	uint64_t off, len;
};

static void fuzz_image(const char *mkfs, int iters, uint64_t seed)
{
	char dir[] = "/tmp/fatfuzz-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	setenv("MTOOLS_SKIP_CHECK", "1", 1);
	setenv("LC_ALL", "C.UTF-8", 1);
	CHECK_EQ(sh("cd %s && mkfs.fat %s >/dev/null 2>&1 && seq 1 15000 >a && "
		    "seq 1 700 >'a long name with ünïcödé.txt' && "
		    "mmd -i img ::/d ::/d/e && mcopy -i img a 'a long name with ünïcödé.txt' ::/ && "
		    "mcopy -i img a ::/d/e/ && mcopy -i img a ::/d/short.txt",
		    dir, mkfs),
		 0);
	char path[128];
	snprintf(path, sizeof path, "%s/img", dir);
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	struct memdisk m = {0};
	fseek(f, 0, SEEK_END);
	m.size = (size_t)ftell(f);
	rewind(f);
	m.img = malloc(m.size);
	CHECK_EQ(fread(m.img, 1, m.size, f), m.size);
	fclose(f);
	sh("rm -rf %s", dir);
	m.dev = (struct blkdev){.sectors = m.size / BLK_SECTOR, .max_count = 256, .ops = &md_ops,
				.priv = &m};

	/* Where the metadata is: the boot sector and FSInfo, the start of
	 * the first FAT, and the root directory with what follows it. */
	uint8_t *b = m.img;
	uint32_t bps = b[11] | b[12] << 8, reserved = b[14] | b[15] << 8;
	uint32_t fatsz = b[22] | b[23] << 8;
	if (!fatsz)
		fatsz = b[36] | b[37] << 8 | (uint32_t)b[38] << 16;
	uint64_t fat = (uint64_t)reserved * bps, data = fat + (uint64_t)b[16] * fatsz * bps;
	struct region regions[] = {{0, 1024}, {fat, 1024}, {data, 32768}};

	int mounted = 0;
	for (int it = 0; it < iters; it++) {
		rng = seed * 0x9E3779B97F4A7C15ull + (uint64_t)it * 0xBF58476D1CE4E5B9ull + 1;
		for (int i = 0; i < 4; i++)
			rnd();
		int nmut = 1 + (int)(rnd() % 8);
		for (int i = 0; i < nmut; i++) {
			struct region *r = &regions[rnd() % 3];
			uint64_t off = (r->off + rnd() % r->len) & ~3ull;
			if (off + 4 > m.size)
				continue;
			save(&m, off, 4);
			static const uint32_t vals[] = {0, 1, 2, 3, 0xFF, 0xE5, 0x0F, 0x10, 0xFFFF,
							0x0FFFFFF7, 0x0FFFFFFF, 0xFFFFFFFF, 0x7FFFFFFF};
			switch (rnd() % 4) {
			case 0:
				m.img[off + rnd() % 4] = (uint8_t)rnd();
				break;
			case 1:
				m.img[off + rnd() % 4] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			default: {
				uint32_t x = vals[rnd() % (sizeof vals / sizeof vals[0])];
				memcpy(m.img + off, &x, 4);
				break;
			}
			}
		}
		bool rw = it & 1;
		struct fat_vol *v;
		const char *why;
		alarm(20);
		int err = fat_mount(&m.dev, !rw, 1 << 20, test_now, &v, &why);
		EXPECT(err);
		if (err) {
			if (getenv("FAT_FUZZ_VERBOSE"))
				printf("    %d: refused: %s\n", it, why);
			if (m.writes)
				CHECK(!"a refused mount wrote to the image");
		} else {
			struct fat_node root;
			int budget = 3000;
			mounted++;
			fat_root(v, &root);
			walk(v, &root, 0, rw, &budget);
			EXPECT(fat_unmount(v));
			if (!rw && m.writes)
				CHECK(!"a read-only mount wrote to the image");
		}
		restore(&m);
	}
	alarm(0);
	printf("    %s: %d mutations, %d mounted, %d refused\n", mkfs, iters, mounted,
	       iters - mounted);
	CHECK(mounted > iters / 4); /* the walk ran, not only the refusal */
	CHECK_EQ(unexpected, 0);
	free(m.img);
	free(m.undo);
}

static int iters(void)
{
	const char *s = getenv("FAT_FUZZ_ITERS");
	return s ? atoi(s) : 10000;
}

static uint64_t seed(void)
{
	const char *s = getenv("FAT_FUZZ_SEED");
	return s ? strtoull(s, NULL, 0) : 1;
}

TEST(fat_fuzz_fat32) { fuzz_image("-F 32 -s 1 -C img 34000", iters() / 2, seed()); }
TEST(fat_fuzz_fat16) { fuzz_image("-F 16 -C img 16384", iters() / 4, seed() + 100); }
TEST(fat_fuzz_fat12) { fuzz_image("-F 12 -C img 1024", iters() / 4, seed() + 200); }
