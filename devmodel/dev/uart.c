/* A 16550A UART at COM1 (0x3f8, IRQ 4). What the guest transmits goes to
 * the config's serial_fd at once (a pty or socket that xld serves as the
 * serial console); bytes readable on serial_fd are received into a
 * 16-byte FIFO. Loopback mode (MCR bit 4) works, as Linux's probe needs
 * it. The line speed is kept but means nothing. */
#include "devmodel/dm.h"
#include "devmodel/dm_save.h"

#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#define UART_BASE 0x3f8
#define UART_IRQ  4
#define UART_FIFO 16

enum { REG_DATA, REG_IER, REG_IIR_FCR, REG_LCR, REG_MCR, REG_LSR, REG_MSR, REG_SCR };

#define IER_RX      0x01
#define IER_THRE    0x02
#define IER_LS      0x04
#define IIR_NONE    0x01
#define IIR_THRE    0x02
#define IIR_RX      0x04
#define IIR_FIFO    0xc0
#define FCR_ENABLE  0x01
#define FCR_CLR_RX  0x02
#define LCR_DLAB    0x80
#define MCR_OUT2    0x08
#define MCR_LOOP    0x10
#define LSR_DR      0x01
#define LSR_OE      0x02
#define LSR_THRE    0x20
#define LSR_TEMT    0x40

struct uart {
	struct dm *dm;
	int fd;
	struct ev_watch *watch;
	uint8_t rx[UART_FIFO];
	unsigned rx_head, rx_len;
	uint8_t ier, lcr, mcr, lsr_extra, scr, fcr, dll, dlm;
	bool thre_pending;
	bool irq;
	bool write_failed;
	bool reading;                /* the watch asks for EPOLLIN */
};

static unsigned rx_cap(const struct uart *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO : 1;
}

static uint8_t uart_iir(const struct uart *u)
{
	uint8_t fifo = (u->fcr & FCR_ENABLE) ? IIR_FIFO : 0;

	if ((u->ier & IER_LS) && u->lsr_extra)
		return fifo | 0x06;
	if ((u->ier & IER_RX) && u->rx_len)
		return fifo | IIR_RX;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return fifo | IIR_THRE;
	return fifo | IIR_NONE;
}

static void uart_watch_update(struct uart *u);

static void uart_update(struct uart *u)
{
	bool level = !(uart_iir(u) & IIR_NONE) && (u->mcr & MCR_OUT2);

	if (level != u->irq) {
		u->irq = level;
		dm_host_isa_irq(&u->dm->host, UART_IRQ, level);
	}
	uart_watch_update(u);
}

static void uart_rx_put(struct uart *u, uint8_t c)
{
	if (u->rx_len >= rx_cap(u)) {
		u->lsr_extra |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_len++) % UART_FIFO] = c;
}

static uint8_t uart_rx_get(struct uart *u)
{
	uint8_t c;

	if (!u->rx_len)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO;
	u->rx_len--;
	return c;
}

static void uart_tx(struct uart *u, uint8_t c)
{
	if (u->mcr & MCR_LOOP)
		uart_rx_put(u, c);
	else if (u->fd >= 0 && write(u->fd, &c, 1) != 1 && !u->write_failed) {
		/* nobody reads the console: drop, as a cable nobody listens on */
		u->write_failed = true;
		log_warn("uart: output dropped: %s", strerror(errno));
	}
	u->thre_pending = true;
}

static uint8_t uart_msr(const struct uart *u)
{
	uint8_t m = u->mcr;

	if (!(u->mcr & MCR_LOOP))
		return 0xb0;   /* DCD, DSR, CTS: a cable with someone there */
	/* loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD */
	return (uint8_t)((m & 0x02) << 3 | (m & 0x01) << 5 | (m & 0x04) << 4 | (m & 0x08) << 4);
}

static uint8_t uart_lsr(struct uart *u)
{
	uint8_t v = LSR_THRE | LSR_TEMT | (u->rx_len ? LSR_DR : 0) | u->lsr_extra;

	u->lsr_extra = 0;
	return v;
}

static uint8_t uart_reg_read(struct uart *u, unsigned reg)
{
	uint8_t v;

	switch (reg) {
	case REG_DATA:
		return (u->lcr & LCR_DLAB) ? u->dll : uart_rx_get(u);
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		v = uart_iir(u);
		if ((v & 0x0f) == IIR_THRE)
			u->thre_pending = false;   /* reading the IIR acknowledges THRE */
		return v;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return uart_lsr(u);
	case REG_MSR:
		return uart_msr(u);
	default:
		return u->scr;
	}
}

static void uart_reg_write(struct uart *u, unsigned reg, uint8_t v)
{
	switch (reg) {
	case REG_DATA:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			uart_tx(u, v);
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* enabling THRE with an empty THR interrupts at once */
		if ((v & IER_THRE) && !(u->ier & IER_THRE))
			u->thre_pending = true;
		u->ier = v & 0x0f;
		break;
	case REG_IIR_FCR:
		if (v & FCR_CLR_RX)
			u->rx_len = 0;
		u->fcr = v & 0xc9;
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		u->mcr = v & 0x1f;
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:
		break;   /* LSR and MSR are read-only */
	}
}

static uint64_t uart_read(void *opaque, uint64_t off, unsigned size)
{
	struct uart *u = opaque;
	uint64_t v = 0;

	for (unsigned i = 0; i < size && off + i < 8; i++)
		v |= (uint64_t)uart_reg_read(u, (unsigned)off + i) << (8 * i);
	uart_update(u);
	return v;
}

static void uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct uart *u = opaque;

	for (unsigned i = 0; i < size && off + i < 8; i++)
		uart_reg_write(u, (unsigned)off + i, (uint8_t)(val >> (8 * i)));
	uart_update(u);
}

static const struct bus_ops uart_ops = { uart_read, uart_write };

static void uart_receive(struct uart *u)
{
	uint8_t buf[UART_FIFO];
	unsigned room = rx_cap(u) - u->rx_len;
	ssize_t n;

	if (u->fd < 0 || room == 0 || (u->mcr & MCR_LOOP))
		return;
	n = read(u->fd, buf, room);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		/* the other end is gone (a pty nobody holds): stop listening */
		log_info("uart: input closed");
		evloop_unwatch(u->dm->loop, u->watch);
		u->watch = NULL;
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		uart_rx_put(u, buf[i]);
	uart_update(u);
}

static void uart_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	(void)loop;
	(void)fd;
	(void)events;
	uart_receive(arg);
}

/* Read the console only while there is room: the rest waits in the pty. */
static void uart_watch_update(struct uart *u)
{
	bool want = u->rx_len < rx_cap(u);

	if (u->watch && want != u->reading) {   /* a system call only on a change */
		evloop_modify(u->dm->loop, u->watch, want ? EPOLLIN : 0);
		u->reading = want;
	}
}

static void uart_reset(void *state)
{
	struct uart *u = state;

	u->rx_len = u->rx_head = 0;
	u->ier = u->lcr = u->mcr = u->lsr_extra = u->scr = u->fcr = 0;
	u->dll = 12;   /* 9600 baud */
	u->dlm = 0;
	u->thre_pending = false;
	uart_update(u);
}

static void uart_destroy(void *state)
{
	struct uart *u = state;

	if (u->watch)
		evloop_unwatch(u->dm->loop, u->watch);
	bus_release(&u->dm->bus, BUS_PIO, UART_BASE, u);
	free(u);
}

static int uart_create(struct dm *dm, void **state)
{
	struct uart *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->dm = dm;
	u->fd = dm->cfg->serial_fd;
	u->dll = 12;
	rc = bus_claim(&dm->bus, BUS_PIO, UART_BASE, 8, &uart_ops, u, "uart");
	/* a file takes output only (epoll refuses it) */
	if (rc == 0 && dm->loop && u->fd >= 0) {
		u->watch = evloop_watch(dm->loop, u->fd, EPOLLIN, uart_readable, u);
		u->reading = true;
		if (!u->watch)
			log_info("uart: no input from the console descriptor");
	}
	if (rc < 0) {
		uart_destroy(u);
		return rc;
	}
	*state = u;
	return 0;
}

const struct dm_dev_type dev_uart = {
	.name = "uart",
	.create = uart_create,
	.destroy = uart_destroy,
	.reset = uart_reset,
};

/* ---- save and restore (devmodel/dm_save.h) ---- */

struct uart_wire {
	uint8_t rx[UART_FIFO];
	uint8_t rx_head, rx_len;
	uint8_t ier, lcr, mcr, lsr_extra, scr, fcr, dll, dlm;
	uint8_t thre_pending, irq;
	uint8_t pad[4];
};
_Static_assert(sizeof(struct uart_wire) == 32, "uart_wire size");

int uart_save(void *state, struct dm_sbuf *b)
{
	const struct uart *u = state;
	struct uart_wire w = {
		.rx_head = (uint8_t)u->rx_head, .rx_len = (uint8_t)u->rx_len, .ier = u->ier,
		.lcr = u->lcr, .mcr = u->mcr, .lsr_extra = u->lsr_extra, .scr = u->scr,
		.fcr = u->fcr, .dll = u->dll, .dlm = u->dlm, .thre_pending = u->thre_pending,
		.irq = u->irq,
	};

	memcpy(w.rx, u->rx, sizeof(w.rx));
	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

/* The line's level comes back as saved (the interrupt controllers were
 * saved with it); bytes still in the pty are read as before. */
int uart_load(void *state, const void *body, size_t len)
{
	struct uart *u = state;
	const struct uart_wire *w = body;

	if (len != sizeof(*w) || w->rx_head >= UART_FIFO || w->rx_len > UART_FIFO)
		return -EINVAL;
	memcpy(u->rx, w->rx, sizeof(u->rx));
	u->rx_head = w->rx_head;
	u->rx_len = w->rx_len;
	u->ier = w->ier & 0x0f;
	u->lcr = w->lcr; u->mcr = w->mcr & 0x1f; u->lsr_extra = w->lsr_extra;
	u->scr = w->scr; u->fcr = w->fcr; u->dll = w->dll; u->dlm = w->dlm;
	u->thre_pending = w->thre_pending != 0;
	u->irq = w->irq != 0;
	uart_update(u);
	uart_watch_update(u);
	return 0;
}
