/* The block cache over an image file: what is written reads back, dirty
 * blocks reach the device only on write-back, in LBA order, and device
 * errors come back as -EIO. */
#include <stdlib.h>
#include <unistd.h>

#include "bcache.h"
#include "filedisk.h"
#include "harness.h"
#include "kerrno.h"

static char img[64];

static void make_image(size_t bytes)
{
	strcpy(img, "/tmp/bcache-XXXXXX");
	int fd = mkstemp(img);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)bytes) == 0);
	close(fd);
}

TEST(bcache_round_trip_and_write_back)
{
	struct filedisk d;
	make_image(1 << 20);
	CHECK(filedisk_open(&d, img, false));
	struct bcache *c = bcache_new(&d.dev, 64 * 1024);
	CHECK(c != NULL);
	char buf[10000], out[10000];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (char)(i * 7);
	/* Blocks written out of order, spanning block boundaries. */
	CHECK_EQ(bcache_write(c, 900000, buf, sizeof buf), 0);
	CHECK_EQ(bcache_write(c, 5000, buf, sizeof buf), 0);
	CHECK_EQ(bcache_zero(c, 5000, 10), 0);
	CHECK_EQ(d.writes, 0); /* write-back: nothing reached the device yet */
	CHECK_EQ(bcache_read(c, 900000, out, sizeof out), 0);
	CHECK(memcmp(out, buf, sizeof buf) == 0);
	CHECK_EQ(bcache_flush(c), 0);
	CHECK(d.writes >= 2);
	for (uint64_t i = 1; i < d.writes && i < 64; i++)
		CHECK(d.log[i] > d.log[i - 1]); /* LBA order */
	CHECK_EQ(d.flushes, 1);
	CHECK_EQ(bcache_read(c, 5000, out, 20), 0);
	CHECK(out[0] == 0 && out[9] == 0 && out[10] == buf[10]);
	CHECK_EQ(bcache_read(c, (1 << 20) - 4, out, 8), -EINVAL);
	CHECK_EQ(bcache_free(c), 0);
	/* A fresh cache reads what the device holds. */
	c = bcache_new(&d.dev, 64 * 1024);
	CHECK_EQ(bcache_read(c, 900000, out, sizeof out), 0);
	CHECK(memcmp(out, buf, sizeof buf) == 0);
	bcache_free(c);
	filedisk_close(&d);
	unlink(img);
}

TEST(bcache_eviction_keeps_data_within_budget)
{
	struct filedisk d;
	make_image(4 << 20);
	CHECK(filedisk_open(&d, img, false));
	struct bcache *c = bcache_new(&d.dev, 16 * BCACHE_BLOCK);
	for (uint32_t i = 0; i < 1000; i++)
		CHECK_EQ(bcache_write(c, (uint64_t)i * 4096 + 100, &i, sizeof i), 0);
	struct bcache_stats st;
	bcache_stats(c, &st);
	CHECK(st.cached <= 16);
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t x = ~0u;
		CHECK_EQ(bcache_read(c, (uint64_t)i * 4096 + 100, &x, sizeof x), 0);
		CHECK_EQ(x, i);
	}
	bcache_free(c);
	filedisk_close(&d);
	unlink(img);
}

TEST(bcache_device_errors_are_eio)
{
	struct filedisk d;
	make_image(1 << 20);
	CHECK(filedisk_open(&d, img, false));
	struct bcache *c = bcache_new(&d.dev, 64 * 1024);
	d.fail_after = 0;
	CHECK_EQ(bcache_write(c, 0, "x", 1), 0);
	CHECK_EQ(bcache_flush(c), -EIO);
	CHECK_EQ(bcache_flush(c), 0); /* reported once, like Linux's fsync */
	d.fail_after = -1;
	bcache_free(c);
	filedisk_close(&d);
	/* A read past what the file holds fails in the device. */
	CHECK(filedisk_open(&d, img, true));
	d.dev.sectors += 100;
	c = bcache_new(&d.dev, 64 * 1024);
	char b[16];
	CHECK_EQ(bcache_read(c, (1 << 20) + 512, b, 16), -EIO);
	bcache_free(c);
	filedisk_close(&d);
	unlink(img);
}
