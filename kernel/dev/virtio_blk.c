/* virtio-blk (virtio 1.2 section 5.2): disks as block devices vda, vdb, ... */
#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "virtio.h"
#include "virtio_blk.h"
#include "vm.h"

/* Feature bits. */
#define BLK_F_SIZE_MAX 1
#define BLK_F_SEG_MAX 2
#define BLK_F_RO 5
#define BLK_F_BLK_SIZE 6
#define BLK_F_FLUSH 9

/* Configuration layout. */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX 12

/* Request types and status. */
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define S_OK 0
#define S_UNSUPP 2
#define ID_BYTES 20

#define MAX_COUNT 128 /* sectors one request moves at most: 64 KiB */
#define MAX_SECTORS (1ull << 47) /* 64 PiB: far past any disk, and bytes fit 64 bits */
#define MAX_BUFS (VIRTQ_INDIRECT_MAX)

/* Header, status and GET_ID answer, in one page so their addresses are
 * physical without a lookup; one request is in flight at a time. */
struct req_page {
	uint32_t type, reserved;
	uint64_t sector;
	uint8_t status;
	char id[ID_BYTES];
};

struct vblk {
	struct blkdev bd;
	struct virtio_dev vd;
	struct virtq *q;
	struct req_page *req;
	uint64_t req_phys;
	uint32_t size_max; /* bytes per descriptor */
	unsigned seg_max;  /* data descriptors per request */
	bool flush;
};

static unsigned ndisks;

/*
 * Describe up to `bytes` of the kernel buffer at va as physically contiguous
 * pieces (at most max, each at most size_max bytes) in b. Returns the bytes
 * covered, or 0 if a page is unmapped.
 */
static uint32_t buffer_pieces(uintptr_t va, uint32_t bytes, struct virtq_buf *b, unsigned max,
			      uint32_t size_max, bool device_writes, unsigned *n)
{
	uint32_t done = 0;
	*n = 0;
	while (done < bytes && *n < max) {
		uint64_t pa;
		if (vm_lookup(vm_kernel(), va + done, &pa, NULL))
			return 0;
		uint32_t len = (uint32_t)(PAGE_SIZE - ((va + done) & (PAGE_SIZE - 1)));
		if (len > bytes - done)
			len = bytes - done;
		if (*n && b[*n - 1].phys + b[*n - 1].len == pa && b[*n - 1].len + len <= size_max) {
			b[*n - 1].len += len; /* physically adjacent: one piece */
		} else {
			if (len > size_max)
				len = size_max;
			b[(*n)++] = (struct virtq_buf){pa, len, device_writes};
		}
		done += len;
	}
	return done;
}

/* One request: header, the data pieces, the status byte. Returns 0 or -EIO. */
static int request(struct vblk *v, uint32_t type, uint64_t sector, struct virtq_buf *data, unsigned n)
{
	struct virtq_buf b[MAX_BUFS + 2];
	uint32_t len;

	v->req->type = type;
	v->req->reserved = 0;
	v->req->sector = sector;
	v->req->status = 0xff;
	b[0] = (struct virtq_buf){v->req_phys, 16, false};
	memcpy(b + 1, data, n * sizeof *data);
	b[n + 1] = (struct virtq_buf){v->req_phys + offsetof(struct req_page, status), 1, true};
	int head = virtq_submit(v->q, b, n + 2, NULL);
	if (head < 0)
		return -EIO;
	int err = virtq_wait(v->q, head, &len);
	if (err)
		return err;
	if (len < 1 || v->req->status != S_OK) {
		if (type != T_GET_ID || v->req->status != S_UNSUPP)
			kprintf("virtio-blk: %s: request type %u at sector %lu failed with status %u\n",
				v->bd.name, type, sector, v->req->status);
		return -EIO;
	}
	return 0;
}

/* Move count sectors at lba, as few requests as the device's limits allow. */
static int transfer(struct vblk *v, uint32_t type, uint64_t lba, uintptr_t va, uint32_t count)
{
	struct virtq_buf data[MAX_BUFS];
	uint32_t bytes = count * BLK_SECTOR;

	while (bytes) {
		unsigned n;
		uint32_t got = buffer_pieces(va, bytes, data, v->seg_max, v->size_max, type == T_IN, &n);
		uint32_t whole = got - got % BLK_SECTOR;
		if (!whole) {
			kprintf("virtio-blk: %s: a buffer at %lx cannot be described in %u pieces\n",
				v->bd.name, (unsigned long)va, v->seg_max);
			return -EIO;
		}
		/* Trim the pieces to whole sectors. */
		uint32_t excess = got - whole;
		while (excess) {
			uint32_t cut = excess < data[n - 1].len ? excess : data[n - 1].len;
			data[n - 1].len -= cut;
			excess -= cut;
			if (!data[n - 1].len)
				n--;
		}
		int err = request(v, type, lba, data, n);
		if (err)
			return err;
		lba += whole / BLK_SECTOR;
		va += whole;
		bytes -= whole;
	}
	return 0;
}

static int vblk_read(struct blkdev *d, uint64_t lba, void *buf, uint32_t count)
{
	return transfer(d->priv, T_IN, lba, (uintptr_t)buf, count);
}

static int vblk_write(struct blkdev *d, uint64_t lba, const void *buf, uint32_t count)
{
	return transfer(d->priv, T_OUT, lba, (uintptr_t)buf, count);
}

/* Without VIRTIO_BLK_F_FLUSH the device writes through: nothing to do. */
static int vblk_flush(struct blkdev *d)
{
	struct vblk *v = d->priv;
	return v->flush ? request(v, T_FLUSH, 0, NULL, 0) : 0;
}

static const struct blkdev_ops vblk_ops = {vblk_read, vblk_write, vblk_flush};

/* The device's serial (GET_ID: up to 20 bytes, NUL-padded), or "". */
static void read_serial(struct vblk *v)
{
	struct virtq_buf id = {v->req_phys + offsetof(struct req_page, id), ID_BYTES, true};

	memset(v->req->id, 0, ID_BYTES);
	if (request(v, T_GET_ID, 0, &id, 1) == 0) {
		memcpy(v->bd.serial, v->req->id, ID_BYTES);
		v->bd.serial[ID_BYTES] = 0;
	}
}

static int attach(struct pci_dev *p)
{
	struct vblk *v = kzalloc(sizeof *v);
	char where[16];
	int err = -ENOMEM;

	if (!v)
		return -ENOMEM;
	ksnprintf(where, sizeof where, "%02x:%02x.%x", p->bus, p->dev, p->fn);
	uint64_t page = pmm_alloc_pages(1, PAGE_SIZE);
	if (!page)
		goto out_free;
	v->req_phys = page;
	v->req = phys_to_virt(page);
	err = virtio_open(&v->vd, p, where);
	if (!err)
		err = virtio_negotiate(&v->vd, VIRTIO_BIT(BLK_F_SIZE_MAX) | VIRTIO_BIT(BLK_F_SEG_MAX) |
						       VIRTIO_BIT(BLK_F_RO) | VIRTIO_BIT(BLK_F_FLUSH) |
						       VIRTIO_BIT(BLK_F_BLK_SIZE));
	if (!err && !v->vd.device_cfg)
		err = -ENODEV;
	if (!err)
		err = virtq_open(&v->vd, 0, &v->q);
	if (err)
		goto out_close;
	virtio_irq_setup(&v->vd);
	virtio_ready(&v->vd);

	uint64_t f = v->vd.features;
	if (!v->q->indirect && v->q->size < 3) {
		/* header, one data piece and the status: no request would fit */
		kprintf("virtio-blk at %s: a queue of %u descriptors cannot hold a request\n",
			where, v->q->size);
		err = -ENODEV;
		goto out_close;
	}
	/* Without an indirect table a request's chain must fit the ring. */
	unsigned room = v->q->indirect ? VIRTQ_INDIRECT_MAX - 2 : v->q->size - 2u;
	v->seg_max = room < MAX_BUFS ? room : MAX_BUFS;
	if (f & VIRTIO_BIT(BLK_F_SEG_MAX)) {
		uint32_t sm = virtio_cfg_read32(&v->vd, CFG_SEG_MAX);
		if (sm && sm < v->seg_max)
			v->seg_max = sm;
	}
	v->size_max = 0xffffffffu;
	if (f & VIRTIO_BIT(BLK_F_SIZE_MAX)) {
		uint32_t sm = virtio_cfg_read32(&v->vd, CFG_SIZE_MAX);
		if (sm >= BLK_SECTOR)
			v->size_max = sm;
	}
	v->flush = f & VIRTIO_BIT(BLK_F_FLUSH);
	ksnprintf(v->bd.name, sizeof v->bd.name, "vd%c", 'a' + ndisks);
	memcpy(v->vd.name, v->bd.name, sizeof v->bd.name);
	v->bd.sectors = virtio_cfg_read64(&v->vd, CFG_CAPACITY);
	if (v->bd.sectors > MAX_SECTORS) { /* its size in bytes would wrap */
		kprintf("virtio-blk at %s: a capacity of %lu sectors is not believable\n", where,
			v->bd.sectors);
		err = -ENODEV;
		goto out_close;
	}
	v->bd.max_count = MAX_COUNT;
	v->bd.read_only = f & VIRTIO_BIT(BLK_F_RO);
	v->bd.ops = &vblk_ops;
	v->bd.priv = v;
	read_serial(v);
	err = blkdev_register(&v->bd);
	if (err)
		goto out_close;
	ndisks++;
	kprintf("virtio-blk: %s at %s: %lu sectors (%lu MiB), serial \"%s\"%s%s, %s, queue of %u%s\n",
		v->bd.name, where, v->bd.sectors, v->bd.sectors >> 11, v->bd.serial,
		v->bd.read_only ? ", read-only" : "", v->flush ? ", write cache flushed on request" : ", write-through",
		v->vd.msix ? "MSI-X" : "INTx", v->q->size, v->q->indirect ? ", indirect descriptors" : "");
	return 0;

out_close:
	virtio_close(&v->vd);
	pmm_free_pages(page, 1);
out_free:
	kfree(v);
	return err;
}

unsigned virtio_blk_init(void)
{
	for (unsigned i = 0; pci_get(i); i++)
		if (virtio_pci_type(pci_get(i)) == VIRTIO_ID_BLOCK)
			attach(pci_get(i));
	return ndisks;
}
