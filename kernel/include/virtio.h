/*
 * The virtio 1.x transport over PCI ("modern" devices only) and split
 * virtqueues, shared by the virtio device drivers (virtio-blk, ...).
 *
 * A driver's sequence: virtio_pci_type() to recognise its device;
 * virtio_open() (reset, ACKNOWLEDGE, DRIVER); virtio_negotiate() with the
 * features it wants (VIRTIO_F_VERSION_1 is always required, INDIRECT_DESC
 * taken when offered); virtq_open() for each queue; virtio_irq_setup();
 * virtio_ready() (DRIVER_OK). Then virtq_submit() a chain of buffers and
 * virtq_wait() for it, or virtq_next_done() from an interrupt callback.
 *
 * A device that breaks the rules (a used index that jumps by more than the
 * queue, a used entry naming a chain not in flight, a used length past the
 * device-writable buffers) or that does not answer within timeout_ns gets one
 * kernel log line; the affected request fails with -EIO. After a jump, a bad
 * entry or a timeout the device is reset and stays failed: every later
 * request fails with -EIO at once.
 *
 * Queues have no lock: use them with interrupts off (system calls run so) or
 * from the device's interrupt callback, on the one CPU.
 */
#ifndef BF_VIRTIO_H
#define BF_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "pci.h"

/* Device types (virtio 1.2 section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3

/* Transport feature bits. */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_BIT(n) (1ull << (n))

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

#define VIRTQ_MAX_SIZE 128  /* the most entries a queue is given */
#define VIRTQ_INDIRECT_MAX 32 /* descriptors in one indirect table */
#define VIRTIO_MAX_QUEUES 8
#define VIRTIO_TIMEOUT_NS (30ull * 1000000000ull)

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4

struct virtq_avail {
	uint16_t flags, idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id, len;
};

struct virtq_used {
	uint16_t flags, idx;
	struct virtq_used_elem ring[];
};

/* One buffer of a chain: physical address, length, and whether the device
 * writes it (device-readable buffers must come first). */
struct virtq_buf {
	uint64_t phys;
	uint32_t len;
	bool device_writes;
};

struct virtio_dev;

/* Per head descriptor: the chain in flight there. */
struct virtq_slot {
	void *cookie;
	uint32_t writable; /* device-writable bytes in the chain */
	uint32_t len;      /* what the device reported */
	uint16_t ndesc;    /* ring descriptors the chain holds */
	uint8_t state;     /* VIRTQ_FREE, VIRTQ_IN_FLIGHT, VIRTQ_DONE */
	int8_t err;        /* 0 or -EIO once done */
};
enum { VIRTQ_FREE, VIRTQ_IN_FLIGHT, VIRTQ_DONE };

struct virtq {
	struct virtio_dev *vd;
	uint16_t index, size;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	struct virtq_desc *indirect; /* size tables of VIRTQ_INDIRECT_MAX, or NULL */
	uint64_t desc_phys, indirect_phys, mem_phys;
	unsigned mem_pages;
	volatile uint16_t *notify; /* NULL: no device behind it (tests) */
	uint16_t free_head, nfree;
	uint16_t last_used; /* the used index consumed so far */
	uint16_t inflight;
	struct virtq_slot slot[VIRTQ_MAX_SIZE];
};

struct virtio_dev {
	char name[16];          /* for log lines: "vda", or bus:dev.fn */
	struct pci_dev *pci;    /* NULL for a device made up by tests */
	volatile uint8_t *common, *isr, *device_cfg;
	volatile uint8_t *notify_base;
	uint32_t notify_mult;
	uint64_t features;      /* negotiated */
	uint64_t timeout_ns;    /* how long virtq_wait waits (VIRTIO_TIMEOUT_NS) */
	unsigned vector;        /* CPU vector (IRQ_VIRTIO..), 0 before virtio_irq_setup */
	bool msix;
	bool failed;            /* reset after misbehaving: every request fails */
	unsigned nqueues;
	struct virtq *vq[VIRTIO_MAX_QUEUES];
	/* Called from the interrupt handler, if set (with interrupts off). */
	void (*irq_fn)(struct virtio_dev *vd);
	void *priv;
};

/* The virtio device type of a PCI function (1af4:1040+type, or a
 * transitional 1af4:1000..103f with the type as its subsystem ID), or -1. */
int virtio_pci_type(const struct pci_dev *d);

/* Find the virtio capabilities and map them, reset the device and set
 * ACKNOWLEDGE and DRIVER. 0, or -ENODEV (logged) for a legacy-only device or
 * a capability outside its BAR, -ENOMEM if the registers cannot be mapped. */
int virtio_open(struct virtio_dev *vd, struct pci_dev *d, const char *name);
/* The features the device offers. */
uint64_t virtio_device_features(struct virtio_dev *vd);
/* Accept the offered subset of `wanted` | VERSION_1 | INDIRECT_DESC and set
 * FEATURES_OK. 0, or -ENODEV (logged, the device marked FAILED) without
 * VERSION_1 or when the device refuses. The result is in vd->features. */
int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted);
/* Set up queue `index` with at most VIRTQ_MAX_SIZE entries. 0, -ENOENT if the
 * device has no such queue, -ENOMEM. */
int virtq_open(struct virtio_dev *vd, unsigned index, struct virtq **out);
/* Give the device a vector in IRQ_VIRTIO..IRQ_VIRTIO_END: MSI-X (every queue
 * on table entry 0), else INTx through the I/O APIC; with neither, requests
 * are still completed by virtq_wait at each timer tick. Call before
 * virtio_ready. 0 or -ENOSPC (no vector left: timer ticks then). */
int virtio_irq_setup(struct virtio_dev *vd);
/* DRIVER_OK: the device is live. */
void virtio_ready(struct virtio_dev *vd);
/* Reset the device (it stops using every buffer it was given) and free its
 * queues. */
void virtio_close(struct virtio_dev *vd);

/* Device-specific configuration, read consistently (generation checked). */
uint8_t virtio_cfg_read8(struct virtio_dev *vd, unsigned off);
uint32_t virtio_cfg_read32(struct virtio_dev *vd, unsigned off);
uint64_t virtio_cfg_read64(struct virtio_dev *vd, unsigned off);

/*
 * Make n buffers one chain (through an indirect table when negotiated and
 * n > 1), publish it and notify the device. Returns the chain's head (>= 0),
 * -ENOSPC when the queue lacks descriptors, -EINVAL for n == 0 or more than
 * an indirect table holds, -EIO when the device has failed.
 */
int virtq_submit(struct virtq *q, const struct virtq_buf *b, unsigned n, void *cookie);
/* Sleep (hlt) until chain `head` completes and free it. Returns 0 with *len
 * the bytes the device wrote, or -EIO (logged) when the device misbehaved,
 * failed or timed out. */
int virtq_wait(struct virtq *q, int head, uint32_t *len);
/* Consume the used ring; then hand back one completed chain, freed: returns 1
 * with its cookie, length and error (0 or -EIO), or 0 when none is done. */
int virtq_next_done(struct virtq *q, void **cookie, uint32_t *len, int *err);

/* Tests: a queue in memory without a device (notify NULL). */
int virtq_alloc(struct virtio_dev *vd, unsigned index, unsigned size, struct virtq **out);
void virtq_free(struct virtq *q);

#endif
