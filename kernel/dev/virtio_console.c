/*
 * virtio-console (virtio 1.2 section 5.3) as the program's standard streams.
 * The bytes are the same as on COM1 (hoststatus.h frames stdout and stderr;
 * console.c decodes stdin), only faster: large buffers instead of one byte
 * per port access.
 *
 * They travel on port 1 (QEMU's virtserialport, nr=1), which takes
 * MULTIPORT and its control queue: QEMU drops a console port's (port 0's)
 * output when the host does not take it at once, while a plain port holds
 * it back until the host is ready, so a slow reader stalls the program
 * instead of losing bytes. The control protocol: the driver says
 * DEVICE_READY, the device announces each port (DEVICE_ADD), the driver
 * answers PORT_READY, and opens port 1 (PORT_OPEN).
 *
 * Output is asynchronous: a write is copied into one of TX_BUFS buffers and
 * handed to the device, and the caller waits only when all of them are in
 * flight (a slow reader on the host stalls the program, nothing is lost).
 * vcon_drain waits for every buffer before the machine powers off.
 * Input: RX_BUFS buffers stay posted; the device fills them in the order
 * they were given, and they are read back in that order.
 */
#include <stddef.h>
#include <stdint.h>

#include "contract.h"
#include "heap.h"
#include "kerrno.h"
#include "kstring.h"
#include "pmm.h"
#include "printf.h"
#include "timer.h"
#include "virtio.h"
#include "virtio_console.h"
#include "vm.h"
#include "x86.h"

/* The host side reads at most 4 KiB at a time and fills a buffer per read,
 * so input buffers of a page waste nothing; 64 of them keep it busy. */
#define RX_BUFS 64
#define RX_PAGES 1
#define TX_BUFS 8
#define TX_PAGES 16
#define TX_SIZE (TX_PAGES * PAGE_SIZE)
#define CTRL_BUFS 8
#define CTRL_SIZE 512 /* a control message, or a port's name after one */

#define F_MULTIPORT 1
#define PORT CONTRACT_IO_PORT
#define Q_CTRL_RX 2
#define Q_CTRL_TX 3
#define Q_PORT_RX (2 * (PORT + 1))
#define Q_PORT_TX (2 * (PORT + 1) + 1)

/* Control messages (section 5.3.6.2). */
struct ctrl {
	uint32_t id;
	uint16_t event, value;
};
enum {
	DEVICE_READY = 0,
	DEVICE_ADD = 1,
	DEVICE_REMOVE = 2,
	PORT_READY = 3,
	CONSOLE_PORT = 4,
	RESIZE = 5,
	PORT_OPEN = 6,
	PORT_NAME = 7
};

struct vbuf {
	uint8_t *data;
	uint64_t phys;
	uint32_t len;  /* tx: bytes filled; rx: bytes the device wrote */
	uint32_t off;  /* rx: bytes already read */
	bool busy;     /* with the device */
	bool done;     /* rx: filled, waiting to be read */
	uint64_t seq;  /* rx: the order it was posted in */
};

static struct {
	struct virtio_dev vd;
	struct virtq *rx, *tx, *crx, *ctx;
	uint8_t *ctrl; /* CTRL_BUFS receive buffers, then one to send from */
	uint64_t ctrl_phys;
	bool port_added, port_opened;
	struct vbuf rxb[RX_BUFS], txb[TX_BUFS];
	uint64_t rx_posted, rx_read; /* sequence numbers: next to post, next to read */
	struct vbuf *fill;	     /* the tx buffer being filled, or NULL */
	bool live, failed;
} con;

bool vcon_active(void) { return con.live && !con.failed; }

/* The device broke a rule or stopped answering (virtio.c logged how). */
static int fail(void)
{
	if (!con.failed)
		kprintf("virtio-console: the device failed; the program's streams are closed\n");
	con.failed = true;
	return -EIO;
}

static int post_rx(struct vbuf *b)
{
	struct virtq_buf vb = {b->phys, RX_PAGES * PAGE_SIZE, true};
	b->len = b->off = 0;
	b->done = false;
	b->busy = true;
	b->seq = con.rx_posted++;
	return virtq_submit(con.rx, &vb, 1, b) < 0 ? fail() : 0;
}

static int post_ctrl(unsigned i)
{
	struct virtq_buf vb = {con.ctrl_phys + i * CTRL_SIZE, CTRL_SIZE, true};
	return virtq_submit(con.crx, &vb, 1, (void *)(uintptr_t)(i + 1)) < 0 ? fail() : 0;
}

/* Send one control message and wait for the device to take it. */
static int send_ctrl(uint32_t id, uint16_t event, uint16_t value)
{
	struct ctrl *c = (struct ctrl *)(con.ctrl + CTRL_BUFS * CTRL_SIZE);
	struct virtq_buf vb = {con.ctrl_phys + CTRL_BUFS * CTRL_SIZE, sizeof *c, false};
	uint32_t len;

	*c = (struct ctrl){id, event, value};
	int head = virtq_submit(con.ctx, &vb, 1, NULL);
	if (head < 0 || virtq_wait(con.ctx, head, &len))
		return fail();
	return 0;
}

/* What the device said on the control queue: answer each port it adds
 * (only port 1 is opened; the others stay unused). */
static void control(const struct ctrl *c, uint32_t len)
{
	if (len < sizeof *c)
		return;
	if (c->event == DEVICE_ADD) {
		send_ctrl(c->id, PORT_READY, c->id == PORT);
		if (c->id == PORT) {
			con.port_added = true;
			con.port_opened = send_ctrl(PORT, PORT_OPEN, 1) == 0;
		}
	} else if (c->event == DEVICE_REMOVE && c->id == PORT) {
		kprintf("virtio-console: the host removed port %u\n", PORT);
		fail();
	}
}

/* Take what the device has finished with, on every queue. */
static void reap(void)
{
	void *cookie;
	uint32_t len;
	int err;

	while (con.crx && virtq_next_done(con.crx, &cookie, &len, &err)) {
		unsigned i = (unsigned)(uintptr_t)cookie - 1;
		if (!err)
			control((const struct ctrl *)(con.ctrl + i * CTRL_SIZE), len);
		if (err || post_ctrl(i))
			return (void)fail();
	}

	while (virtq_next_done(con.rx, &cookie, &len, &err)) {
		struct vbuf *b = cookie;
		b->busy = false;
		b->done = true;
		b->len = err ? 0 : len;
		if (err)
			fail();
	}
	while (virtq_next_done(con.tx, &cookie, &len, &err)) {
		((struct vbuf *)cookie)->busy = false;
		if (err)
			fail();
	}
}

/* The rx buffer to read next, if the device has filled it. */
static struct vbuf *next_rx(void)
{
	for (int i = 0; i < RX_BUFS; i++)
		if (con.rxb[i].done && con.rxb[i].seq == con.rx_read)
			return &con.rxb[i];
	return NULL;
}

size_t vcon_read(uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (!vcon_active())
		return 0;
	reap();
	while (n < max) {
		struct vbuf *b = next_rx();
		if (!b)
			break;
		size_t k = b->len - b->off < max - n ? b->len - b->off : max - n;
		memcpy(buf + n, b->data + b->off, k);
		b->off += (uint32_t)k;
		n += k;
		if (b->off == b->len) { /* used up: give it back */
			con.rx_read++;
			if (post_rx(b))
				break;
		}
	}
	return n;
}

bool vcon_readable(void)
{
	if (!vcon_active())
		return false;
	reap();
	return next_rx() != NULL;
}

/* Wait for the next interrupt (idle, from a system call) or spin; either way
 * the device's progress is seen by reap. */
static void pause_for_device(void (*idle)(void))
{
	if (idle)
		idle();
	else
		cpu_relax();
	reap();
}

static int submit_fill(void)
{
	struct vbuf *b = con.fill;
	con.fill = NULL;
	if (!b || !b->len)
		return 0;
	struct virtq_buf vb = {b->phys, b->len, false};
	b->busy = true;
	return virtq_submit(con.tx, &vb, 1, b) < 0 ? fail() : 0;
}

int vcon_write(const char *s, size_t n, void (*idle)(void))
{
	while (n) {
		if (con.failed)
			return -EIO;
		if (!con.fill) {
			reap();
			for (int i = 0; i < TX_BUFS && !con.fill; i++)
				if (!con.txb[i].busy)
					con.fill = &con.txb[i];
			if (!con.fill) { /* all with the device: a slow reader */
				pause_for_device(idle);
				continue;
			}
			con.fill->len = 0;
		}
		struct vbuf *b = con.fill;
		size_t k = TX_SIZE - b->len < n ? TX_SIZE - b->len : n;
		memcpy(b->data + b->len, s, k);
		b->len += (uint32_t)k;
		s += k;
		n -= k;
		if (b->len == TX_SIZE && submit_fill())
			return -EIO;
	}
	return 0;
}

int vcon_push(void) { return con.fill ? submit_fill() : 0; }

void vcon_drain(void)
{
	if (!con.live)
		return;
	if (vcon_push())
		return;
	uint64_t deadline = time_ns() + VIRTIO_TIMEOUT_NS;
	for (;;) {
		bool busy = false;
		reap();
		for (int i = 0; i < TX_BUFS; i++)
			busy |= con.txb[i].busy;
		if (!busy || con.failed)
			return;
		if (time_ns() >= deadline) { /* the host stopped reading */
			kprintf("virtio-console: output not taken within %lu s; the rest is lost\n",
				(unsigned long)(VIRTIO_TIMEOUT_NS / 1000000000));
			return;
		}
		cpu_relax();
	}
}

static int alloc_buf(struct vbuf *b, size_t pages)
{
	b->phys = pmm_alloc_pages(pages, PAGE_SIZE);
	if (!b->phys)
		return -ENOMEM;
	b->data = phys_to_virt(b->phys);
	return 0;
}

static int attach(struct pci_dev *p)
{
	char where[16];
	int err;

	ksnprintf(where, sizeof where, "%02x:%02x.%x", p->bus, p->dev, p->fn);
	con.ctrl_phys = pmm_alloc_pages((CTRL_BUFS + 1) * CTRL_SIZE / PAGE_SIZE + 1, PAGE_SIZE);
	if (!con.ctrl_phys)
		return -ENOMEM;
	con.ctrl = phys_to_virt(con.ctrl_phys);
	for (int i = 0; i < RX_BUFS; i++)
		if (alloc_buf(&con.rxb[i], RX_PAGES))
			return -ENOMEM;
	for (int i = 0; i < TX_BUFS; i++)
		if (alloc_buf(&con.txb[i], TX_PAGES))
			return -ENOMEM;
	err = virtio_open(&con.vd, p, where);
	if (!err)
		err = virtio_negotiate(&con.vd, VIRTIO_BIT(F_MULTIPORT));
	if (!err && !(con.vd.features & VIRTIO_BIT(F_MULTIPORT))) {
		kprintf("virtio-console: the device offers no ports but the console\n");
		err = -ENODEV;
	}
	if (!err)
		err = virtq_open(&con.vd, Q_CTRL_RX, &con.crx);
	if (!err)
		err = virtq_open(&con.vd, Q_CTRL_TX, &con.ctx);
	if (!err)
		err = virtq_open(&con.vd, Q_PORT_RX, &con.rx);
	if (!err)
		err = virtq_open(&con.vd, Q_PORT_TX, &con.tx);
	if (err) {
		virtio_close(&con.vd);
		return err;
	}
	memcpy(con.vd.name, "vport1", 7);
	virtio_irq_setup(&con.vd);
	virtio_ready(&con.vd);
	con.live = true;
	for (unsigned i = 0; i < CTRL_BUFS; i++)
		if ((err = post_ctrl(i)))
			return err;
	for (int i = 0; i < RX_BUFS; i++)
		if ((err = post_rx(&con.rxb[i])))
			return err;
	/* The device answers DEVICE_READY with a DEVICE_ADD per port. */
	if ((err = send_ctrl(0, DEVICE_READY, 1)))
		return err;
	uint64_t deadline = time_ns() + VIRTIO_TIMEOUT_NS;
	while (!con.port_opened && !con.failed && time_ns() < deadline) {
		reap();
		cpu_relax();
	}
	if (!con.port_opened) {
		kprintf("virtio-console: port %u was not announced\n", PORT);
		return fail();
	}
	kprintf("virtio-console: port %u at %s, %s, %d input buffers of %lu KiB, %d output of %lu KiB\n",
		PORT, where, con.vd.msix ? "MSI-X" : "INTx", RX_BUFS, RX_PAGES * PAGE_SIZE / 1024, TX_BUFS,
		TX_SIZE / 1024);
	return 0;
}

bool vcon_init(void)
{
	for (unsigned i = 0; pci_get(i); i++)
		if (virtio_pci_type(pci_get(i)) == VIRTIO_ID_CONSOLE) {
			int err = attach(pci_get(i));
			if (err)
				kprintf("virtio-console: cannot use the device (error %d); the "
					"streams stay on the serial line\n", -err);
			return vcon_active();
		}
	return false;
}
