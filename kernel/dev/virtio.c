/* The virtio 1.x PCI transport (virtio 1.2 section 4.1) and split virtqueues
 * (section 2.7). */
#include <stdint.h>

#include "apic.h"
#include "heap.h"
#include "kernel.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "timer.h"
#include "trap.h"
#include "virtio.h"
#include "vm.h"
#include "x86.h"

/* Vendor capability cfg_type values. */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg */
#define COMMON_DFSELECT 0
#define COMMON_DF 4
#define COMMON_GFSELECT 8
#define COMMON_GF 12
#define COMMON_MSIX 16
#define COMMON_NUMQ 18
#define COMMON_STATUS 20
#define COMMON_GENERATION 21
#define COMMON_Q_SELECT 22
#define COMMON_Q_SIZE 24
#define COMMON_Q_MSIX 26
#define COMMON_Q_ENABLE 28
#define COMMON_Q_NOFF 30
#define COMMON_Q_DESCLO 32
#define COMMON_Q_AVAILLO 40
#define COMMON_Q_USEDLO 48
#define NO_VECTOR 0xffff

#define barrier() __asm__ volatile("" ::: "memory")

static struct virtio_dev *by_vector[IRQ_VIRTIO_END - IRQ_VIRTIO];
static unsigned vectors_used;

static void w8(volatile uint8_t *base, unsigned off, uint8_t v) { *(volatile uint8_t *)(base + off) = v; }
static void w16(volatile uint8_t *base, unsigned off, uint16_t v) { *(volatile uint16_t *)(base + off) = v; }
static void w32(volatile uint8_t *base, unsigned off, uint32_t v) { *(volatile uint32_t *)(base + off) = v; }
static uint8_t r8(volatile uint8_t *base, unsigned off) { return *(volatile uint8_t *)(base + off); }
static uint16_t r16(volatile uint8_t *base, unsigned off) { return *(volatile uint16_t *)(base + off); }
static uint32_t r32(volatile uint8_t *base, unsigned off) { return *(volatile uint32_t *)(base + off); }

static void w64(volatile uint8_t *base, unsigned off, uint64_t v)
{
	w32(base, off, (uint32_t)v);
	w32(base, off + 4, (uint32_t)(v >> 32));
}

int virtio_pci_type(const struct pci_dev *d)
{
	if (d->vendor != 0x1af4 || d->device < 0x1000 || d->device > 0x107f)
		return -1;
	if (d->device >= 0x1040)
		return d->device - 0x1040;
	return pci_read16(d, 0x2e); /* transitional: the subsystem ID */
}

static void set_status(struct virtio_dev *vd, uint8_t bits)
{
	w8(vd->common, COMMON_STATUS, r8(vd->common, COMMON_STATUS) | bits);
}

/* Writing 0 resets; the device confirms by reading back 0 (section 4.1.4.3.2). */
static void reset(struct virtio_dev *vd)
{
	if (!vd->common)
		return;
	w8(vd->common, COMMON_STATUS, 0);
	uint64_t until = time_ns() + 1000000000ull;
	while (r8(vd->common, COMMON_STATUS) && time_ns() < until)
		cpu_relax();
}

/* Map the structure a vendor capability at `cap` points to. */
static volatile uint8_t *map_cap(struct pci_dev *d, unsigned cap, uint32_t min_len)
{
	uint8_t bar = pci_read8(d, cap + 4);
	uint32_t off = pci_read32(d, cap + 8), len = pci_read32(d, cap + 12);
	if (bar > 5 || len < min_len)
		return NULL;
	return pci_map_bar(d, bar, off, len);
}

int virtio_open(struct virtio_dev *vd, struct pci_dev *d, const char *name)
{
	memset(vd, 0, sizeof *vd);
	ksnprintf(vd->name, sizeof vd->name, "%s", name);
	vd->pci = d;
	vd->timeout_ns = VIRTIO_TIMEOUT_NS;
	for (unsigned cap = pci_find_cap(d, PCI_CAP_VENDOR, 0); cap;
	     cap = pci_find_cap(d, PCI_CAP_VENDOR, cap)) {
		switch (pci_read8(d, cap + 3)) {
		case CAP_COMMON:
			if (!vd->common)
				vd->common = map_cap(d, cap, 56);
			break;
		case CAP_NOTIFY:
			if (!vd->notify_base) {
				vd->notify_base = map_cap(d, cap, 2);
				vd->notify_mult = pci_read32(d, cap + 16);
			}
			break;
		case CAP_ISR:
			if (!vd->isr)
				vd->isr = map_cap(d, cap, 1);
			break;
		case CAP_DEVICE:
			if (!vd->device_cfg)
				vd->device_cfg = map_cap(d, cap, 4);
			break;
		}
	}
	if (!vd->common || !vd->notify_base || !vd->isr) {
		kprintf("virtio: %02x:%02x.%x (%04x:%04x) is a legacy-only device without the "
			"virtio 1.x PCI capabilities; not used (for QEMU: disable-legacy=on or leave "
			"disable-modern off)\n",
			d->bus, d->dev, d->fn, d->vendor, d->device);
		return -ENODEV;
	}
	reset(vd);
	set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(vd, VIRTIO_STATUS_DRIVER);
	return 0;
}

uint64_t virtio_device_features(struct virtio_dev *vd)
{
	w32(vd->common, COMMON_DFSELECT, 0);
	uint64_t lo = r32(vd->common, COMMON_DF);
	w32(vd->common, COMMON_DFSELECT, 1);
	return lo | (uint64_t)r32(vd->common, COMMON_DF) << 32;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted)
{
	uint64_t offered = virtio_device_features(vd);
	if (!(offered & VIRTIO_BIT(VIRTIO_F_VERSION_1))) {
		kprintf("virtio: %s offers no VIRTIO_F_VERSION_1 (a legacy-only device); not used\n",
			vd->name);
		set_status(vd, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	vd->features = offered & (wanted | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
				  VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC));
	w32(vd->common, COMMON_GFSELECT, 0);
	w32(vd->common, COMMON_GF, (uint32_t)vd->features);
	w32(vd->common, COMMON_GFSELECT, 1);
	w32(vd->common, COMMON_GF, (uint32_t)(vd->features >> 32));
	set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(r8(vd->common, COMMON_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		kprintf("virtio: %s refused the features %#lx; not used\n", vd->name, vd->features);
		set_status(vd, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	return 0;
}

int virtq_alloc(struct virtio_dev *vd, unsigned index, unsigned size, struct virtq **out)
{
	struct virtq *q = kzalloc(sizeof *q);
	if (!q)
		return -ENOMEM;
	/* desc (16-byte aligned), avail (2), used (4) in one run of pages,
	 * then the indirect tables. */
	size_t avail_off = 16ul * size, used_off = (avail_off + 6 + 2ul * size + 3) & ~3ul;
	size_t ring_bytes = used_off + 6 + 8ul * size;
	size_t ind_off = (ring_bytes + 15) & ~15ul;
	bool indirect = vd->features & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	size_t total = ind_off + (indirect ? 16ul * VIRTQ_INDIRECT_MAX * size : 0);
	q->mem_pages = (unsigned)((total + PAGE_SIZE - 1) / PAGE_SIZE);
	q->mem_phys = pmm_alloc_pages(q->mem_pages, PAGE_SIZE);
	if (!q->mem_phys) {
		kfree(q);
		return -ENOMEM;
	}
	uint8_t *mem = phys_to_virt(q->mem_phys);
	memset(mem, 0, (size_t)q->mem_pages * PAGE_SIZE);
	q->vd = vd;
	q->index = (uint16_t)index;
	q->size = (uint16_t)size;
	q->desc = (struct virtq_desc *)mem;
	q->avail = (struct virtq_avail *)(mem + avail_off);
	q->used = (struct virtq_used *)(mem + used_off);
	q->desc_phys = q->mem_phys;
	if (indirect) {
		q->indirect = (struct virtq_desc *)(mem + ind_off);
		q->indirect_phys = q->mem_phys + ind_off;
	}
	for (unsigned i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->nfree = (uint16_t)size;
	*out = q;
	return 0;
}

void virtq_free(struct virtq *q)
{
	if (!q)
		return;
	pmm_free_pages(q->mem_phys, q->mem_pages);
	kfree(q);
}

int virtq_open(struct virtio_dev *vd, unsigned index, struct virtq **out)
{
	volatile uint8_t *c = vd->common;
	if (index >= VIRTIO_MAX_QUEUES || index >= r16(c, COMMON_NUMQ))
		return -ENOENT;
	w16(c, COMMON_Q_SELECT, (uint16_t)index);
	unsigned size = r16(c, COMMON_Q_SIZE);
	if (!size)
		return -ENOENT;
	/* Split queue sizes are powers of two (the ring indices wrap at
	 * 65536): the largest one within both the device's and ours. */
	if (size > VIRTQ_MAX_SIZE)
		size = VIRTQ_MAX_SIZE;
	while (size & (size - 1))
		size &= size - 1;
	struct virtq *q;
	int err = virtq_alloc(vd, index, size, &q);
	if (err)
		return err;
	w16(c, COMMON_Q_SIZE, (uint16_t)size);
	w64(c, COMMON_Q_DESCLO, q->desc_phys);
	w64(c, COMMON_Q_AVAILLO, virt_to_phys(q->avail));
	w64(c, COMMON_Q_USEDLO, virt_to_phys(q->used));
	q->notify = (volatile uint16_t *)(vd->notify_base +
					  (uint64_t)r16(c, COMMON_Q_NOFF) * vd->notify_mult);
	w16(c, COMMON_Q_ENABLE, 1);
	vd->vq[index] = q;
	if (vd->nqueues <= index)
		vd->nqueues = index + 1;
	*out = q;
	return 0;
}

static void virtio_irq(struct trapframe *tf)
{
	struct virtio_dev *vd = by_vector[tf->vector - IRQ_VIRTIO];
	if (vd) {
		if (!vd->msix && vd->isr)
			(void)*vd->isr; /* reading the ISR status lowers INTx */
		if (vd->irq_fn)
			vd->irq_fn(vd);
	}
	lapic_eoi();
}

int virtio_irq_setup(struct virtio_dev *vd)
{
	if (vectors_used == IRQ_VIRTIO_END - IRQ_VIRTIO)
		return -ENOSPC;
	unsigned vector = IRQ_VIRTIO + vectors_used;
	char word[8];
	bool intx_only = cmdline_get("virtio", word, sizeof word) && !strcmp(word, "intx");
	volatile uint8_t *c = vd->common;

	by_vector[vectors_used++] = vd;
	trap_set_handler(vector, virtio_irq);
	vd->vector = vector;
	if (!intx_only && pci_msix_count(vd->pci) && !pci_msix_route(vd->pci, 0, vector)) {
		bool ok = true;
		w16(c, COMMON_MSIX, NO_VECTOR);
		for (unsigned i = 0; i < vd->nqueues; i++) {
			if (!vd->vq[i])
				continue;
			w16(c, COMMON_Q_SELECT, (uint16_t)i);
			w16(c, COMMON_Q_MSIX, 0);
			ok = ok && r16(c, COMMON_Q_MSIX) == 0;
		}
		if (ok) {
			vd->msix = true;
			return 0;
		}
		kprintf("virtio: %s: MSI-X vector refused; using INTx\n", vd->name);
		pci_msix_disable(vd->pci);
	}
	if (pci_intx_route(vd->pci, vector))
		kprintf("virtio: %s: no MSI-X and no routable INTx; completions seen at timer ticks\n",
			vd->name);
	return 0;
}

void virtio_ready(struct virtio_dev *vd) { set_status(vd, VIRTIO_STATUS_DRIVER_OK); }

void virtio_close(struct virtio_dev *vd)
{
	reset(vd);
	for (unsigned i = 0; i < vectors_used; i++)
		if (by_vector[i] == vd)
			by_vector[i] = NULL;
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		virtq_free(vd->vq[i]);
		vd->vq[i] = NULL;
	}
}

uint8_t virtio_cfg_read8(struct virtio_dev *vd, unsigned off) { return r8(vd->device_cfg, off); }

uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off)
{
	return r32(vd->device_cfg, off);
}

uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off)
{
	uint8_t gen;
	uint64_t v;
	int tries = 0;
	do { /* a device that never settles gets the last reading */
		gen = r8(vd->common, COMMON_GENERATION);
		v = r32(vd->device_cfg, off) | (uint64_t)r32(vd->device_cfg, off + 4) << 32;
	} while (gen != r8(vd->common, COMMON_GENERATION) && ++tries < 100);
	return v;
}

/* The device broke a rule: say so once, reset it so it lets go of every
 * buffer, and fail whatever is in flight. */
static void device_failed(struct virtq *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void device_failed(struct virtq *q, const char *fmt, ...)
{
	struct virtio_dev *vd = q->vd;
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!vd->failed)
		kprintf("virtio: %s: queue %u: %s; the device is reset and its requests fail with EIO\n",
			vd->name, q->index, msg);
	vd->failed = true;
	reset(vd);
	for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
		struct virtq *v = vd->vq[i] ? vd->vq[i] : (i == q->index ? q : NULL);
		for (unsigned s = 0; v && s < v->size; s++)
			if (v->slot[s].state == VIRTQ_IN_FLIGHT) {
				v->slot[s].state = VIRTQ_DONE;
				v->slot[s].err = -EIO;
				v->slot[s].len = 0;
			}
		if (v)
			v->inflight = 0;
	}
}

/* Take the device's new used entries, checking each. */
static void reap(struct virtq *q)
{
	if (q->vd->failed)
		return;
	uint16_t idx = *(volatile uint16_t *)&q->used->idx;
	uint16_t moved = (uint16_t)(idx - q->last_used);
	barrier();
	if (moved > q->inflight) {
		device_failed(q, "the used index moved by %u with %u requests in flight (queue of %u)",
			      moved, q->inflight, q->size);
		return;
	}
	for (; q->last_used != idx; q->last_used++) {
		struct virtq_used_elem e = q->used->ring[q->last_used % q->size];
		if (e.id >= q->size || q->slot[e.id].state != VIRTQ_IN_FLIGHT) {
			device_failed(q, "a used entry names descriptor %u, which is not in flight", e.id);
			return;
		}
		struct virtq_slot *s = &q->slot[e.id];
		s->state = VIRTQ_DONE;
		s->len = e.len;
		s->err = 0;
		q->inflight--;
		if (e.len > s->writable) {
			kprintf("virtio: %s: queue %u: the device reports %u bytes written into a "
				"%u-byte buffer; the request fails with EIO\n",
				q->vd->name, q->index, e.len, s->writable);
			s->err = -EIO;
			s->len = 0;
		}
	}
}

/* Return chain `head` to the free list. */
static void release(struct virtq *q, unsigned head)
{
	struct virtq_slot *s = &q->slot[head];
	unsigned last = head;
	for (unsigned i = 1; i < s->ndesc; i++)
		last = q->desc[last].next;
	q->desc[last].next = q->free_head;
	q->free_head = (uint16_t)head;
	q->nfree += s->ndesc;
	s->state = VIRTQ_FREE;
}

int virtq_submit(struct virtq *q, const struct virtq_buf *b, unsigned n, void *cookie)
{
	bool indirect = q->indirect && n > 1;
	unsigned ndesc = indirect ? 1 : n;
	uint32_t writable = 0;

	if (q->vd->failed)
		return -EIO;
	if (!n || (indirect && n > VIRTQ_INDIRECT_MAX))
		return -EINVAL;
	if (ndesc > q->nfree)
		return -ENOSPC;
	unsigned head = q->free_head;
	struct virtq_desc *d = indirect ? q->indirect + head * VIRTQ_INDIRECT_MAX : q->desc;
	unsigned at = indirect ? 0 : head;
	for (unsigned i = 0; i < n; i++) {
		unsigned next = indirect ? i + 1 : d[at].next;
		d[at].addr = b[i].phys;
		d[at].len = b[i].len;
		d[at].flags = (uint16_t)((b[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
					 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		if (b[i].device_writes)
			writable += b[i].len;
		if (i + 1 < n)
			d[at].next = (uint16_t)next;
		if (!indirect)
			q->free_head = (uint16_t)next;
		at = next;
	}
	if (indirect) {
		q->free_head = q->desc[head].next;
		q->desc[head].addr = q->indirect_phys + 16ull * head * VIRTQ_INDIRECT_MAX;
		q->desc[head].len = 16 * n;
		q->desc[head].flags = VIRTQ_DESC_F_INDIRECT;
	}
	q->nfree -= (uint16_t)ndesc;
	q->slot[head] = (struct virtq_slot){cookie, writable, 0, (uint16_t)ndesc, VIRTQ_IN_FLIGHT, 0};
	q->inflight++;
	q->avail->ring[q->avail->idx % q->size] = (uint16_t)head;
	barrier(); /* the entry before the index (x86 keeps stores in order) */
	*(volatile uint16_t *)&q->avail->idx = q->avail->idx + 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->notify)
		*q->notify = q->index;
	return (int)head;
}

int virtq_wait(struct virtq *q, int head, uint32_t *len)
{
	struct virtq_slot *s = &q->slot[head];
	uint64_t flags = irq_save(), deadline = time_ns() + q->vd->timeout_ns;

	/* Interrupts stay off between the check and the hlt, so a completion
	 * in between wakes the hlt instead of being missed. */
	for (reap(q); s->state == VIRTQ_IN_FLIGHT; reap(q)) {
		if (time_ns() >= deadline) {
			device_failed(q, "no answer within %lu ms", q->vd->timeout_ns / 1000000);
			break;
		}
		cpu_wait_interrupt();
	}
	irq_restore(flags);
	int err = s->err;
	*len = s->len;
	release(q, (unsigned)head);
	return err;
}

int virtq_next_done(struct virtq *q, void **cookie, uint32_t *len, int *err)
{
	reap(q);
	for (unsigned i = 0; i < q->size; i++)
		if (q->slot[i].state == VIRTQ_DONE) {
			*cookie = q->slot[i].cookie;
			*len = q->slot[i].len;
			*err = q->slot[i].err;
			release(q, i);
			return 1;
		}
	return 0;
}
