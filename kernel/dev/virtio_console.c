/*
 * virtio-console (virtio 1.2 section 5.3) as the program's standard streams,
 * and as the runtime's channel to a compile server on the host.
 * The streams' bytes are the same as on COM1 (hoststatus.h frames stdout
 * and stderr; console.c decodes stdin), only faster: large buffers instead
 * of one byte per port access.
 *
 * They travel on port 1 (QEMU's virtserialport, nr=1), which takes
 * MULTIPORT and its control queue: QEMU drops a console port's (port 0's)
 * output when the host does not take it at once, while a plain port holds
 * it back until the host is ready, so a slow reader stalls the program
 * instead of losing bytes. Port 2, when the CLI attaches it, carries raw
 * bytes both ways for /dev/hostjit (hostjit.c). The control protocol: the
 * driver says DEVICE_READY, the device announces each port (DEVICE_ADD),
 * the driver answers PORT_READY, and opens ports 1 and 2 (PORT_OPEN). The
 * device says PORT_OPEN 1 in answer to PORT_READY if the host's end of the
 * port is open, and PORT_OPEN 0 when it closes; of an end that closed
 * before, it says nothing, so an end counts as closed until it says open.
 *
 * Output is asynchronous: a write is copied into one of TX_BUFS buffers and
 * handed to the device, and the caller waits only when all of them are in
 * flight (a slow reader on the host stalls the program, nothing is lost).
 * vcon_drain waits for every buffer of port 1 before the machine powers off.
 * Input: RX_BUFS buffers stay posted; the device fills them in the order
 * they were given, and they are read back in that order.
 *
 * A failure of the device as a whole (its control queue) fails both ports;
 * one on a port's own queues fails that port only. A failed port 1 closes
 * the streams; a failed port 2 makes /dev/hostjit's reads and writes fail.
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
#define Q_CTRL_RX 2
#define Q_CTRL_TX 3
#define Q_PORT_RX(id) (2 * ((id) + 1))
#define Q_PORT_TX(id) (2 * ((id) + 1) + 1)

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

/* One port we use: its queues exist only if the device has the port's
 * queues, its buffers only once the device announced it. */
struct port {
	unsigned id;	       /* the port's number on the device */
	const char *what;      /* what it carries, for the log */
	struct virtq *rx, *tx; /* NULL: the device has no such port */
	struct vbuf rxb[RX_BUFS], txb[TX_BUFS];
	uint64_t rx_posted, rx_read; /* sequence numbers: next to post, next to read */
	struct vbuf *fill;	     /* the tx buffer being filled, or NULL */
	bool added;		     /* announced, its buffers allocated and posted */
	bool opened;		     /* we said PORT_OPEN 1 */
	bool host_open;		     /* the device's last PORT_OPEN: the host's end is there */
	bool failed;
};

static struct {
	struct virtio_dev vd;
	struct virtq *crx, *ctx;
	uint8_t *ctrl; /* CTRL_BUFS receive buffers, then one to send from */
	uint64_t ctrl_phys;
	struct port io, jit;
	bool live;
} con; /* in .bss: the ports are named in attach */

bool vcon_active(void) { return con.live && !con.io.failed; }
bool vcon_attached(void) { return con.live; }

/* Port p broke down (virtio.c logged how), or with p NULL the device as a
 * whole: every port. */
static int fail(struct port *p)
{
	struct port *each[] = {&con.io, &con.jit};
	for (int i = 0; i < 2; i++) {
		struct port *q = each[i];
		if ((p && p != q) || q->failed)
			continue;
		q->failed = true;
		if (q == &con.io || q->opened) /* an unused port 2 goes unmentioned */
			kprintf("virtio-console: port %u failed; %s\n", q->id, q->what);
	}
	return -EIO;
}

static int post_rx(struct port *p, struct vbuf *b)
{
	struct virtq_buf vb = {b->phys, RX_PAGES * PAGE_SIZE, true};
	b->len = b->off = 0;
	b->done = false;
	b->busy = true;
	b->seq = p->rx_posted++;
	return virtq_submit(p->rx, &vb, 1, b) < 0 ? fail(p) : 0;
}

static int post_ctrl(unsigned i)
{
	struct virtq_buf vb = {con.ctrl_phys + i * CTRL_SIZE, CTRL_SIZE, true};
	return virtq_submit(con.crx, &vb, 1, (void *)(uintptr_t)(i + 1)) < 0 ? fail(NULL) : 0;
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
		return fail(NULL);
	return 0;
}

static int alloc_buf(struct vbuf *b, size_t pages)
{
	b->phys = pmm_alloc_pages(pages, PAGE_SIZE);
	if (!b->phys)
		return -ENOMEM;
	b->data = phys_to_virt(b->phys);
	return 0;
}

/* Give an announced port its buffers (once) and post the input ones, so
 * the host's bytes have somewhere to go before the port is opened. 0, or
 * -ENOMEM, or -EIO (the device failed). */
static int port_setup(struct port *p)
{
	for (int i = 0; i < RX_BUFS; i++)
		if (!p->rxb[i].data && alloc_buf(&p->rxb[i], RX_PAGES))
			return -ENOMEM;
	for (int i = 0; i < TX_BUFS; i++)
		if (!p->txb[i].data && alloc_buf(&p->txb[i], TX_PAGES))
			return -ENOMEM;
	for (int i = 0; i < RX_BUFS; i++) {
		int err = post_rx(p, &p->rxb[i]);
		if (err)
			return err;
	}
	return 0;
}

/* The port numbered id that we use, if the device has its queues. */
static struct port *port_of(uint32_t id)
{
	if (id == con.io.id && con.io.rx)
		return &con.io;
	if (id == con.jit.id && con.jit.rx)
		return &con.jit;
	return NULL;
}

/* What the device said on the control queue: answer each port it adds
 * (ports 1 and 2 are opened; the others stay unused), note the host's end
 * of a port opening or closing, and a port taken away. */
static void control(const struct ctrl *c, uint32_t len)
{
	if (len < sizeof *c)
		return;
	struct port *p = port_of(c->id);
	if (c->event == DEVICE_ADD) {
		int err = !p ? -ENODEV : p->added ? 0 : port_setup(p);
		if (err == -ENOMEM) {
			kprintf("virtio-console: no memory for port %u's buffers\n", p->id);
			if (p == &con.io)
				fail(p); /* ends vcon_init's wait: the streams stay on COM1 */
		}
		send_ctrl(c->id, PORT_READY, !err);
		if (!err) {
			p->added = true;
			p->opened = send_ctrl(p->id, PORT_OPEN, 1) == 0;
		}
	} else if (c->event == DEVICE_REMOVE && p && p->added) {
		kprintf("virtio-console: the host removed port %u\n", p->id);
		fail(p);
	} else if (c->event == PORT_OPEN && p) {
		p->host_open = c->value;
	}
}

/* Take what the device has finished with on one port's queues. */
static void reap_port(struct port *p)
{
	void *cookie;
	uint32_t len;
	int err;

	if (!p->added)
		return;
	while (virtq_next_done(p->rx, &cookie, &len, &err)) {
		struct vbuf *b = cookie;
		b->busy = false;
		b->done = true;
		b->len = err ? 0 : len;
		if (err)
			fail(p);
	}
	while (virtq_next_done(p->tx, &cookie, &len, &err)) {
		((struct vbuf *)cookie)->busy = false;
		if (err)
			fail(p);
	}
}

/* Take what the device has finished with, on every queue. The control
 * queue comes first: a PORT_OPEN 0 read here follows the bytes the host
 * sent before closing, which the device had already put in the port's
 * used ring, so they are seen in the same call. */
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
			return (void)fail(NULL);
	}
	reap_port(&con.io);
	reap_port(&con.jit);
}

/* The rx buffer to read next, if the device has filled it. */
static struct vbuf *next_rx(struct port *p)
{
	for (int i = 0; i < RX_BUFS; i++)
		if (p->rxb[i].done && p->rxb[i].seq == p->rx_read)
			return &p->rxb[i];
	return NULL;
}

/* Copy up to max bytes that arrived on p into buf; the count. */
static size_t port_read(struct port *p, uint8_t *buf, size_t max)
{
	size_t n = 0;

	reap();
	while (n < max && !p->failed) {
		struct vbuf *b = next_rx(p);
		if (!b)
			break;
		size_t k = b->len - b->off < max - n ? b->len - b->off : max - n;
		memcpy(buf + n, b->data + b->off, k);
		b->off += (uint32_t)k;
		n += k;
		if (b->off == b->len) { /* used up: give it back */
			p->rx_read++;
			if (post_rx(p, b))
				break;
		}
	}
	return n;
}

size_t vcon_read(uint8_t *buf, size_t max)
{
	return vcon_active() ? port_read(&con.io, buf, max) : 0;
}

bool vcon_readable(void)
{
	if (!vcon_active())
		return false;
	reap();
	return next_rx(&con.io) != NULL;
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

static int submit_fill(struct port *p)
{
	struct vbuf *b = p->fill;
	p->fill = NULL;
	if (!b || !b->len)
		return 0;
	struct virtq_buf vb = {b->phys, b->len, false};
	b->busy = true;
	return virtq_submit(p->tx, &vb, 1, b) < 0 ? fail(p) : 0;
}

/* Queue n bytes on p, in order (see vcon_write). */
static int port_write(struct port *p, const char *s, size_t n, void (*idle)(void))
{
	/* Without idle (a panic, interrupts off) nothing else can run: a
	 * host that takes nothing for this long has gone, and the panic must
	 * still reach the log and power off. */
	uint64_t deadline = idle ? UINT64_MAX : time_ns() + 5000000000ull;
	while (n) {
		if (p->failed)
			return -EIO;
		if (!p->fill) {
			reap();
			for (int i = 0; i < TX_BUFS && !p->fill; i++)
				if (!p->txb[i].busy)
					p->fill = &p->txb[i];
			if (!p->fill) { /* all with the device: a slow reader */
				if (time_ns() >= deadline)
					return fail(p);
				pause_for_device(idle);
				continue;
			}
			p->fill->len = 0;
		}
		struct vbuf *b = p->fill;
		size_t k = TX_SIZE - b->len < n ? TX_SIZE - b->len : n;
		memcpy(b->data + b->len, s, k);
		b->len += (uint32_t)k;
		s += k;
		n -= k;
		if (b->len == TX_SIZE && submit_fill(p))
			return -EIO;
	}
	return 0;
}

int vcon_write(const char *s, size_t n, void (*idle)(void)) { return port_write(&con.io, s, n, idle); }

int vcon_push(void) { return con.io.fill ? submit_fill(&con.io) : 0; }

void vcon_drain(void)
{
	if (!con.live || vcon_push())
		return;
	/* No time limit: a slow reader stalls the end as it stalls the
	 * program (the CLI's --timeout bounds a run); a device that breaks
	 * the rules fails (reap) and ends the wait. */
	for (;;) {
		bool busy = false;
		reap();
		for (int i = 0; i < TX_BUFS; i++)
			busy |= con.io.txb[i].busy;
		if (!busy || con.io.failed)
			return;
		cpu_relax();
	}
}

bool vcon_jit_present(void) { return con.live && con.jit.opened; }

int64_t vcon_jit_read(uint8_t *buf, size_t max)
{
	struct port *p = &con.jit;
	if (!vcon_jit_present() || p->failed)
		return -EIO;
	size_t n = port_read(p, buf, max);
	if (n)
		return (int64_t)n;
	return p->failed ? -EIO : !p->host_open ? 0 : -EAGAIN;
}

bool vcon_jit_readable(void)
{
	struct port *p = &con.jit;
	if (!vcon_jit_present() || p->failed)
		return true;
	reap();
	return next_rx(p) || !p->host_open || p->failed;
}

int vcon_jit_write(const char *s, size_t n, void (*idle)(void))
{
	struct port *p = &con.jit;
	if (!vcon_jit_present() || p->failed)
		return -EIO;
	reap();
	if (!p->host_open)
		return -EPIPE; /* the device would drop the bytes */
	return port_write(p, s, n, idle);
}

bool vcon_jit_writable(void)
{
	struct port *p = &con.jit;
	if (!vcon_jit_present() || p->failed)
		return true; /* the write fails at once */
	reap();
	for (int i = 0; i < TX_BUFS; i++)
		if (!p->txb[i].busy && &p->txb[i] != p->fill)
			return true;
	return !p->host_open;
}

int vcon_jit_push(void)
{
	if (!vcon_jit_present() || con.jit.failed)
		return -EIO;
	return con.jit.fill ? submit_fill(&con.jit) : 0;
}

/* Open the queues of a port the device has. A missing port (-ENOENT: the
 * device has fewer) leaves p unused. */
static int open_port_queues(struct port *p)
{
	int err = virtq_open(&con.vd, Q_PORT_RX(p->id), &p->rx);
	if (!err)
		err = virtq_open(&con.vd, Q_PORT_TX(p->id), &p->tx);
	if (err)
		p->rx = p->tx = NULL;
	return err;
}

static int attach(struct pci_dev *p)
{
	char where[16];
	int err;

	ksnprintf(where, sizeof where, "%02x:%02x.%x", p->bus, p->dev, p->fn);
	con.io.id = CONTRACT_IO_PORT, con.io.what = "the program's streams are closed";
	con.jit.id = CONTRACT_JIT_PORT, con.jit.what = "/dev/hostjit fails";
	con.ctrl_phys = pmm_alloc_pages((CTRL_BUFS + 1) * CTRL_SIZE / PAGE_SIZE + 1, PAGE_SIZE);
	if (!con.ctrl_phys)
		return -ENOMEM;
	con.ctrl = phys_to_virt(con.ctrl_phys);
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
		err = open_port_queues(&con.io);
	if (err) {
		virtio_close(&con.vd);
		return err;
	}
	/* Port 2's queues exist only when the CLI gave the device room for
	 * it (max_ports=3); they must be set up before DRIVER_OK, its
	 * buffers only if the device announces it. */
	open_port_queues(&con.jit);
	memcpy(con.vd.name, "vport1", 7);
	virtio_irq_setup(&con.vd);
	virtio_ready(&con.vd);
	con.live = true;
	for (unsigned i = 0; i < CTRL_BUFS; i++)
		if ((err = post_ctrl(i)))
			return err;
	/* The device answers DEVICE_READY with a DEVICE_ADD per port, all at
	 * once: when port 1 is open, port 2's is in the control queue too. */
	if ((err = send_ctrl(0, DEVICE_READY, 1)))
		return err;
	uint64_t deadline = time_ns() + VIRTIO_TIMEOUT_NS;
	while (!con.io.opened && !con.io.failed && time_ns() < deadline) {
		reap();
		cpu_relax();
	}
	if (!con.io.opened) {
		kprintf("virtio-console: port %u was not announced\n", con.io.id);
		return fail(&con.io);
	}
	reap();
	kprintf("virtio-console: port %u at %s, %s, %d input buffers of %lu KiB, %d output of %lu KiB\n",
		con.io.id, where, con.vd.msix ? "MSI-X" : "INTx", RX_BUFS, RX_PAGES * PAGE_SIZE / 1024,
		TX_BUFS, TX_SIZE / 1024);
	if (con.jit.opened)
		kprintf("virtio-console: port %u (/dev/hostjit) at %s, the same buffers\n",
			con.jit.id, where);
	return 0;
}

bool vcon_init(void)
{
	for (unsigned i = 0; pci_get(i); i++)
		if (virtio_pci_type(pci_get(i)) == VIRTIO_ID_CONSOLE) {
			int err = attach(pci_get(i));
			if (err || con.io.failed) { /* not used at all, then */
				kprintf("virtio-console: cannot use the device (error %d); the "
					"streams stay on the serial line\n", err ? -err : EIO);
				if (con.vd.common)
					virtio_close(&con.vd);
				con.live = false;
			}
			return vcon_active();
		}
	return false;
}
