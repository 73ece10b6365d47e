/* virtio tests: the used-ring checks against a device made up in memory (a
 * jump of the used index, an entry not in flight, a length past the buffer,
 * silence until the timeout), chains with and without indirect tables, and,
 * with disks attached (the word disktest on the command line), virtio-blk
 * against images the host wrote and checks afterwards. */
#include "blkdev.h"
#include "heap.h"
#include "kerrno.h"
#include "kernel.h"
#include "kstring.h"
#include "ktest.h"
#include "pmm.h"
#include "pci.h"
#include "printf.h"
#include "timer.h"
#include "virtio.h"
#include "vm.h"
#include "x86.h"

static struct virtio_dev fake;

/* A queue of 8 on a device without registers, buffers in one page. */
static struct virtq *fake_queue(bool indirect, uint64_t *page)
{
	struct virtq *q;
	memset(&fake, 0, sizeof fake);
	ksnprintf(fake.name, sizeof fake.name, "test");
	fake.timeout_ns = 2000000000ull;
	fake.features = indirect ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0;
	*page = pmm_alloc_pages(1, PAGE_SIZE);
	if (!*page || virtq_alloc(&fake, 0, 8, &q))
		return NULL;
	return q;
}

/* What a device does: put (id, len) in the used ring and move its index. */
static void device_uses(struct virtq *q, uint32_t id, uint32_t len, uint16_t advance)
{
	q->used->ring[q->used->idx % q->size] = (struct virtq_used_elem){id, len};
	q->used->idx = (uint16_t)(q->used->idx + advance);
}

static int submit3(struct virtq *q, uint64_t page)
{
	struct virtq_buf b[3] = {{page, 16, false}, {page + 512, 512, true}, {page + 1024, 1, true}};
	return virtq_submit(q, b, 3, NULL);
}

/* Run body on a fresh queue of the made-up device, then free it: every
 * page and heap block comes back. */
static void with_queue(bool indirect, void (*body)(struct virtq *q, uint64_t page))
{
	struct heap_stats h0, h1;
	heap_drain_caches(); /* the exact page count below, as at a program's exit */
	uint64_t page, free0 = pmm_free_count();

	heap_stats(&h0);
	struct virtq *q = fake_queue(indirect, &page);
	KEXPECT(q);
	if (q)
		body(q, page);
	virtq_free(q);
	if (page)
		pmm_free_pages(page, 1);
	heap_drain_caches();
	heap_stats(&h1);
	KEXPECT_EQ(pmm_free_count(), free0);
	KEXPECT_EQ(h1.live_allocs, h0.live_allocs);
}

static void used_index_jumps(struct virtq *q, uint64_t page)
{
	uint32_t len;
	int head = submit3(q, page);
	device_uses(q, (uint32_t)head, 1, 9); /* by 9 in a queue of 8 */
	KEXPECT_EQ(virtq_wait(q, head, &len), -EIO);
	KEXPECT(fake.failed);
	KEXPECT_EQ(submit3(q, page), -EIO); /* and stays failed */
}

KTEST(virtio_used_index_jump_fails_the_device) { with_queue(false, used_index_jumps); }

static void names_unused_descriptor(struct virtq *q, uint64_t page)
{
	uint32_t len;
	int head = submit3(q, page);
	device_uses(q, (uint32_t)head + 1, 1, 1); /* a descriptor never given */
	KEXPECT_EQ(virtq_wait(q, head, &len), -EIO);
	KEXPECT(fake.failed);
}

static void names_descriptor_past_the_ring(struct virtq *q, uint64_t page)
{
	uint32_t len;
	int head = submit3(q, page);
	device_uses(q, 200, 1, 1);
	KEXPECT_EQ(virtq_wait(q, head, &len), -EIO);
	KEXPECT(fake.failed);
}

KTEST(virtio_used_entry_not_in_flight_fails_the_device)
{
	with_queue(true, names_unused_descriptor);
	with_queue(false, names_descriptor_past_the_ring);
}

static void length_past_buffer(struct virtq *q, uint64_t page)
{
	uint32_t len = 7;
	int head = submit3(q, page);
	device_uses(q, (uint32_t)head, 514, 1); /* 513 writable bytes */
	KEXPECT_EQ(virtq_wait(q, head, &len), -EIO);
	KEXPECT_EQ(len, 0);
	KEXPECT(!fake.failed); /* only that request */
	head = submit3(q, page);
	device_uses(q, (uint32_t)head, 513, 1);
	KEXPECT_EQ(virtq_wait(q, head, &len), 0);
	KEXPECT_EQ(len, 513);
}

KTEST(virtio_used_length_past_the_buffer_fails_the_request) { with_queue(false, length_past_buffer); }

static void silent_device(struct virtq *q, uint64_t page)
{
	uint32_t len;
	fake.timeout_ns = 300000000ull;
	int head = submit3(q, page);
	uint64_t t0 = time_ns(), slept0 = time_asleep_tsc();
	KEXPECT_EQ(virtq_wait(q, head, &len), -EIO);
	uint64_t waited = time_ns() - t0, slept = time_tsc_to_ns(time_asleep_tsc() - slept0);
	KEXPECT(waited >= 300000000ull);
	KEXPECT(slept * 2 >= waited); /* in hlt, not spinning */
	KEXPECT(fake.failed);
	KEXPECT_EQ(q->nfree, 8);
}

KTEST(virtio_silent_device_times_out_asleep) { with_queue(false, silent_device); }

static void chains_complete(struct virtq *q, uint64_t page)
{
	uint32_t len = 0;
	bool indirect = q->indirect != NULL;

	/* 300 rounds: the 16-bit indexes wrap the ring many times. */
	for (int round = 0; round < 300; round++) {
		int head = submit3(q, page);
		KEXPECT(head >= 0 && head < 8);
		if (head < 0)
			return;
		if (indirect && round == 0) {
			KEXPECT_EQ(q->desc[head].flags, VIRTQ_DESC_F_INDIRECT);
			KEXPECT_EQ(q->desc[head].len, 3 * 16);
			struct virtq_desc *t = q->indirect + head * VIRTQ_INDIRECT_MAX;
			KEXPECT_EQ(t[0].flags, VIRTQ_DESC_F_NEXT);
			KEXPECT_EQ(t[1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
			KEXPECT_EQ(t[2].flags, VIRTQ_DESC_F_WRITE);
			KEXPECT_EQ(t[2].addr, page + 1024);
		} else if (round == 0) {
			KEXPECT_EQ(q->nfree, 5);
			KEXPECT(q->desc[head].flags & VIRTQ_DESC_F_NEXT);
		}
		KEXPECT_EQ(q->avail->ring[(uint16_t)(q->avail->idx - 1) % 8], head);
		device_uses(q, (uint32_t)head, 513, 1);
		KEXPECT_EQ(virtq_wait(q, head, &len), 0);
		KEXPECT_EQ(len, 513);
	}
	KEXPECT_EQ(q->nfree, 8);
	KEXPECT(!fake.failed);
}

KTEST(virtio_chain_completes_with_and_without_indirect)
{
	with_queue(false, chains_complete);
	with_queue(true, chains_complete);
}

/* ---- Real disks (the boot test tests/boot/virtio_blk_disks.sh) ---- */

/* POSIX cksum (as cksum(1) prints it): CRC-32, polynomial 0x04c11db7, most
 * significant bit first, over the data and then its length. */
static uint32_t crc_bytes(uint32_t crc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x80000000u ? crc << 1 ^ 0x04c11db7u : crc << 1;
	}
	return crc;
}

static uint32_t posix_cksum(const uint8_t *p, size_t n)
{
	uint32_t crc = crc_bytes(0, p, n);
	for (size_t len = n; len; len >>= 8) {
		uint8_t b = (uint8_t)len;
		crc = crc_bytes(crc, &b, 1);
	}
	return ~crc;
}

static bool disk_test_wanted(char *mode, size_t size)
{
	return cmdline_get("disktest", mode, size);
}

/* Print "disktest: NAME LBA COUNT CKSUM BYTES" for the host to compare with
 * dd | cksum; buf at an offset that is not sector-aligned. */
static void report_range(struct blkdev *d, uint8_t *buf, uint64_t lba, uint32_t count)
{
	KEXPECT_EQ(blkdev_read(d, lba, buf, count), 0);
	kprintf("disktest: %s %lu %u %u %u\n", d->name, lba, count,
		posix_cksum(buf, (size_t)count * BLK_SECTOR), count * BLK_SECTOR);
}

KTEST(virtio_blk_disks)
{
	char mode[16];
	if (!disk_test_wanted(mode, sizeof mode))
		return; /* no disks attached: tests/boot/virtio_blk_disks.sh runs this */
	struct blkdev *a = blkdev_find("bfdisk0"), *b = blkdev_find("bfdisk1"),
		      *ro = blkdev_find("bfdisk2");
	KEXPECT(a && b && ro);
	if (!a || !b || !ro)
		return;
	KEXPECT(!strcmp(a->name, "vda") && !strcmp(b->name, "vdb") && !strcmp(ro->name, "vdc"));
	KEXPECT(blkdev_find("vdb") == b && blkdev_get(2) == ro && !blkdev_get(3));
	KEXPECT(!a->read_only && !b->read_only && ro->read_only);
	KEXPECT(b->sectors > (4ull << 30) / BLK_SECTOR);
	KEXPECT(a->max_count >= 8);
	kprintf("disktest: sizes %lu %lu %lu\n", a->sectors, b->sectors, ro->sectors);
	kprintf("disktest: PCI configuration through %s\n", pci_uses_ecam() ? "ECAM" : "ports");

	/* 2 MiB + 1 KiB, misaligned by 100 bytes: page-crossing pieces, and
	 * requests split at max_count. */
	uint8_t *raw = kmalloc(2u << 20 | 4096), *buf = raw + 100;
	KEXPECT(raw);
	if (!raw)
		return;
	report_range(a, buf, 0, 1);
	report_range(a, buf, 1, 7);
	report_range(a, buf, 12345, 4097);
	report_range(a, buf, a->sectors - 1, 1);
	report_range(ro, buf, 0, 64);

	/* The ends of the disk. */
	KEXPECT_EQ(blkdev_read(a, a->sectors, buf, 1), -EINVAL);
	KEXPECT_EQ(blkdev_read(a, a->sectors - 1, buf, 2), -EINVAL);
	KEXPECT_EQ(blkdev_read(a, ~0ull, buf, 2), -EINVAL);
	KEXPECT_EQ(blkdev_read(a, a->sectors, buf, 0), 0);

	/* vda's first 300 sectors onto vdb: past 4 GiB and at its very end;
	 * the host compares with cmp, and we read them back. */
	uint8_t *back = kmalloc(300 * BLK_SECTOR);
	KEXPECT(back);
	KEXPECT_EQ(blkdev_read(a, 0, buf, 300), 0);
	uint64_t at[2] = {(4ull << 30) / BLK_SECTOR + 3, b->sectors - 300};
	for (int i = 0; back && i < 2; i++) {
		KEXPECT_EQ(blkdev_write(b, at[i], buf, 300), 0);
		memset(back, 0, 300 * BLK_SECTOR);
		KEXPECT_EQ(blkdev_read(b, at[i], back, 300), 0);
		KEXPECT(!memcmp(back, buf, 300 * BLK_SECTOR));
		kprintf("disktest: wrote vdb %lu 300\n", at[i]);
	}
	KEXPECT_EQ(blkdev_flush(b), 0);
	KEXPECT_EQ(blkdev_write(b, b->sectors - 1, buf, 2), -EINVAL);

	/* Read-only: refused before the device, and by the device itself. */
	KEXPECT_EQ(blkdev_write(ro, 0, buf, 1), -EROFS);
	KEXPECT_EQ(blkdev_flush(ro), 0);
	KEXPECT_EQ(ro->ops->write(ro, 0, buf, 1), -EIO);
	report_range(ro, buf, 0, 64); /* unchanged */

	if (!strcmp(mode, "hang")) {
		/* Stay until the CLI's --timeout ends QEMU: what was flushed
		 * must be in the image anyway. */
		kprintf("disktest: flushed; waiting for the timeout\n");
		for (;;)
			cpu_idle();
	}
	kfree(back);
	kfree(raw);
}

/* bench/disk.sh: sequential throughput through blkdev_read/write in 1 MiB
 * calls over the whole first disk (disktest=bench), then flushed. */
KTEST(virtio_blk_bench)
{
	char mode[16];
	struct blkdev *d = blkdev_find("bfdisk0");
	if (!disk_test_wanted(mode, sizeof mode) || strcmp(mode, "bench") || !d)
		return;
	uint32_t chunk = (1u << 20) / BLK_SECTOR;
	uint8_t *buf = kmalloc(1u << 20);
	KEXPECT(buf);
	if (!buf)
		return;
	memset(buf, 0x5a, 1u << 20);
	uint64_t n = d->sectors / chunk;
	for (int write = 1; write >= 0; write--) {
		uint64_t t0 = time_ns();
		for (uint64_t i = 0; i < n; i++)
			KEXPECT_EQ(write ? blkdev_write(d, i * chunk, buf, chunk)
					 : blkdev_read(d, i * chunk, buf, chunk), 0);
		if (write)
			KEXPECT_EQ(blkdev_flush(d), 0);
		uint64_t us = (time_ns() - t0) / 1000 + 1;
		kprintf("diskbench: %s %lu MiB in %lu us: %lu MiB/s\n", write ? "write" : "read", n, us,
			n * 1000000 / us);
	}
	kfree(buf);
}
