/* Intel 82540EM gigabit Ethernet (8086:100e), what QEMU and Xen offer as
 * model=e1000: BAR0 the 128 KiB register space, BAR1 the I/O window
 * (IOADDR/IODATA). Implemented: the Microwire EEPROM by EECD pins and by
 * EERD, the M88E1011 PHY through MDIC (link always up at 1000 full),
 * ICR/ICS/IMS/IMC interrupts on INTA, receive and transmit rings of
 * legacy descriptors, transmit context and data descriptors with checksum
 * insertion and TCP segmentation (TSE: cut into MSS-sized frames while the
 * data arrives, so a frame never needs more than header + MSS bytes of
 * buffer), receive filtering by the receive
 * addresses, the multicast table, promiscuous and broadcast bits.
 * Statistics registers read 0. Every descriptor and buffer address goes
 * through gmem: a ring or buffer outside RAM stops that ring and is
 * logged once. */
#include "devmodel/dm.h"
#include "devmodel/dev/eeprom93.h"
#include "devmodel/dm_save.h"
#include "devmodel/net.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define E1000_VENDOR 0x8086
#define E1000_DEVICE 0x100e          /* 82540EM desktop */
#define E1000_MMIO_SIZE 0x20000
#define E1000_IO_SIZE 0x40
#define E1000_REGS 0x8000            /* registers we keep (RA, MTA, ... are below) */

/* registers (byte offsets) */
#define CTRL   0x0000
#define STATUS 0x0008
#define EECD   0x0010
#define EERD   0x0014
#define MDIC   0x0020
#define ICR    0x00c0
#define ICS    0x00c8
#define IMS    0x00d0
#define IMC    0x00d8
#define RCTL   0x0100
#define TCTL   0x0400
#define RDBAL  0x2800
#define RDBAH  0x2804
#define RDLEN  0x2808
#define RDH    0x2810
#define RDT    0x2818
#define TDBAL  0x3800
#define TDBAH  0x3804
#define TDLEN  0x3808
#define TDH    0x3810
#define TDT    0x3818
#define STATS  0x4000                /* .. 0x40ff, clear on read */
#define MTA    0x5200
#define RA     0x5400

#define CTRL_RST     (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define STATUS_UP    0x00000383u     /* full duplex, link up, 1000 Mb/s */
#define EECD_SK 0x01
#define EECD_CS 0x02
#define EECD_DI 0x04
#define EECD_DO 0x08
#define EECD_REQ 0x40
#define EECD_GNT 0x80
#define EECD_PRES 0x100
#define EERD_START 0x01
#define EERD_DONE 0x10
#define MDIC_OP_WRITE (1u << 26)
#define MDIC_OP_READ  (2u << 26)
#define MDIC_READY    (1u << 28)
#define MDIC_ERROR    (1u << 30)
#define ICR_TXDW   0x01
#define ICR_TXQE   0x02
#define ICR_LSC    0x04
#define ICR_RXDMT0 0x10
#define ICR_RXO    0x40
#define ICR_RXT0   0x80
#define RCTL_EN    (1u << 1)
#define RCTL_UPE   (1u << 3)
#define RCTL_MPE   (1u << 4)
#define RCTL_BAM   (1u << 15)
#define RCTL_BSEX  (1u << 25)
#define RCTL_SECRC (1u << 26)
#define TCTL_EN    (1u << 1)
#define RAH_AV     (1u << 31)

/* descriptors */
#define TXD_CMD_EOP  0x01
#define TXD_CMD_IC   0x04
#define TXD_CMD_RS   0x08
#define TXD_CMD_DEXT 0x20
#define TXD_STA_DD   0x01
#define TXD_POPTS_IXSM 0x01
#define TXD_POPTS_TXSM 0x02
#define TXD_CMD_TSE  0x04            /* DCMD and TUCMD: TCP segmentation */
#define TUCMD_TCP    0x01            /* context: TCP (else UDP) */
#define TUCMD_IP     0x02            /* context: IPv4 (else IPv6) */
#define TCP_FIN_PSH  0x09
#define RXD_STA_DD   0x01
#define RXD_STA_EOP  0x02
#define RXD_STA_IXSM 0x04

#define PHY_ADDR 1

struct e1000 {
	struct net_nic nic;              /* first: PCI, tap, DMA */
	struct eeprom93 ee;
	uint32_t reg[E1000_REGS / 4];
	uint16_t phy[32];
	uint32_t ioaddr;                 /* BAR1's IOADDR */
	/* the frame being gathered from transmit descriptors */
	uint8_t tx[NET_FRAME_MAX];
	size_t tx_len;
	bool tx_overflow;
	struct tx_ctx {                  /* the last context descriptor */
		uint8_t ipcss, ipcso, tucss, tucso;
		uint16_t ipcse, tucse;
		uint8_t tucmd, hdrlen;
		uint16_t mss;
		uint32_t paylen;
	} ctx;
	uint8_t tx_popts;
	struct tx_tso {                  /* a TSE frame being cut up */
		bool on;
		uint32_t sent;           /* payload bytes already sent */
		uint16_t segs;
		uint8_t hdr[256];        /* the driver's header, as it was */
	} tso;
};

static uint32_t *reg(struct e1000 *e, uint32_t off)
{
	return &e->reg[off / 4];
}

static void e1000_irq_update(struct e1000 *e)
{
	pci_set_irq(&e->nic.pci, (*reg(e, ICR) & *reg(e, IMS)) != 0);
}

static void e1000_cause(struct e1000 *e, uint32_t bits)
{
	*reg(e, ICR) |= bits;
	e1000_irq_update(e);
}

/* ---- reset, EEPROM, PHY ---- */

static void e1000_phy_reset(struct e1000 *e)
{
	static const uint16_t init[32] = {
		[0] = 0x1140, [1] = 0x796d, [2] = 0x0141, [3] = 0x0c20, [4] = 0x0de1,
		[5] = 0x41e1, [6] = 0x0001, [9] = 0x0e00, [10] = 0x3c00, [15] = 0x3000,
		[16] = 0x0068, [17] = 0xac00, [20] = 0x0c68,
	};

	memcpy(e->phy, init, sizeof(init));
}

static void e1000_reset(void *state)
{
	struct e1000 *e = state;

	memset(e->reg, 0, sizeof(e->reg));
	*reg(e, STATUS) = STATUS_UP;
	*reg(e, EECD) = EECD_PRES;
	/* the hardware loads receive address 0 from the EEPROM */
	*reg(e, RA) = (uint32_t)e->ee.word[0] | (uint32_t)e->ee.word[1] << 16;
	*reg(e, RA + 4) = e->ee.word[2] | RAH_AV;
	e1000_phy_reset(e);
	e->tx_len = 0;
	e->tx_overflow = false;
	memset(&e->ctx, 0, sizeof(e->ctx));
	memset(&e->tso, 0, sizeof(e->tso));
	e1000_irq_update(e);
}

static void e1000_eeprom_fill(struct e1000 *e, const uint8_t mac[6])
{
	uint16_t sum = 0;

	for (unsigned i = 0; i < 3; i++)
		e->ee.word[i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
	e->ee.word[0x0a] = 0x6400;        /* init control 1: defaults */
	e->ee.word[0x0b] = 0x001e;        /* subsystem id */
	e->ee.word[0x0c] = E1000_VENDOR;  /* subsystem vendor */
	e->ee.word[0x0d] = E1000_DEVICE;
	e->ee.word[0x0e] = E1000_VENDOR;
	for (unsigned i = 0; i < EEPROM93_WORDS - 1; i++)
		sum = (uint16_t)(sum + e->ee.word[i]);
	e->ee.word[EEPROM93_WORDS - 1] = (uint16_t)(0xbaba - sum);   /* the checksum word */
	eeprom93_pins(&e->ee, false, false, false);
}

static void e1000_eecd_write(struct e1000 *e, uint32_t v)
{
	bool dout = eeprom93_pins(&e->ee, v & EECD_CS, v & EECD_SK, v & EECD_DI);
	uint32_t keep = v & (EECD_SK | EECD_CS | EECD_DI | EECD_REQ | 0x30);

	*reg(e, EECD) = keep | EECD_PRES | ((v & EECD_REQ) ? EECD_GNT : 0) | (dout ? EECD_DO : 0);
}

static void e1000_eerd_write(struct e1000 *e, uint32_t v)
{
	unsigned addr = (v >> 8) & 0xff;
	uint16_t data = addr < EEPROM93_WORDS ? e->ee.word[addr] : 0xffff;

	*reg(e, EERD) = (v & EERD_START) ? (uint32_t)data << 16 | addr << 8 | EERD_DONE : v;
}

static void e1000_mdic_write(struct e1000 *e, uint32_t v)
{
	unsigned r = (v >> 16) & 31, phy = (v >> 21) & 31;
	uint32_t op = v & (3u << 26);

	if (phy != PHY_ADDR) {
		*reg(e, MDIC) = v | MDIC_READY | MDIC_ERROR;
		return;
	}
	if (op == MDIC_OP_READ) {
		v = (v & 0xffff0000u) | e->phy[r];
	} else if (op == MDIC_OP_WRITE) {
		uint16_t d = (uint16_t)v;

		if (r == 0)
			d &= (uint16_t)~(0x8000 | 0x0200);   /* reset and restart autoneg finish at once */
		if (r != 1 && r != 2 && r != 3 && r != 17)   /* read-only ones */
			e->phy[r] = d;
	}
	*reg(e, MDIC) = (v & ~MDIC_ERROR) | MDIC_READY;
}

/* ---- receive ---- */

static unsigned e1000_rx_bufsize(uint32_t rctl)
{
	unsigned bsize = (rctl >> 16) & 3;

	if (rctl & RCTL_BSEX)
		return bsize ? 32768u >> bsize : 2048;
	return 2048u >> bsize;
}

static uint32_t e1000_ring_count(struct e1000 *e, uint32_t len_reg)
{
	return *reg(e, len_reg) / 16;
}

static uint32_t e1000_rx_free(struct e1000 *e)
{
	uint32_t n = e1000_ring_count(e, RDLEN), h = *reg(e, RDH), t = *reg(e, RDT);

	if (!n || h >= n || t >= n)
		return 0;
	return (t + n - h) % n;
}

static bool e1000_can_rx(void *opaque)
{
	struct e1000 *e = opaque;
	uint32_t rctl = *reg(e, RCTL);

	return (rctl & RCTL_EN) && net_nic_master(&e->nic) &&
	       (uint64_t)e1000_rx_free(e) * e1000_rx_bufsize(rctl) >= 1522;
}

static bool e1000_rx_match(struct e1000 *e, const uint8_t *f)
{
	uint32_t rctl = *reg(e, RCTL);
	unsigned mo = (rctl >> 12) & 3, hash;

	if (rctl & RCTL_UPE)
		return true;
	switch (net_dest(f)) {
	case NET_DEST_BROADCAST:
		return rctl & RCTL_BAM;
	case NET_DEST_MULTICAST:
		if (rctl & RCTL_MPE)
			return true;
		/* the multicast table: 12 bits of the address, where MO says */
		hash = ((unsigned)f[4] >> (4 - mo) | (unsigned)f[5] << (4 + mo)) & 0xfff;
		if (mo == 3)
			hash = ((unsigned)f[4] | (unsigned)f[5] << 8) & 0xfff;
		return (*reg(e, MTA + (hash >> 5) * 4) >> (hash & 31)) & 1;
	default:
		break;
	}
	for (unsigned i = 0; i < 16; i++) {
		uint32_t lo = *reg(e, RA + 8 * i), hi = *reg(e, RA + 8 * i + 4);
		uint8_t a[6] = { (uint8_t)lo, (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
				 (uint8_t)(lo >> 24), (uint8_t)hi, (uint8_t)(hi >> 8) };

		if ((hi & RAH_AV) && !memcmp(a, f, 6))
			return true;
	}
	return false;
}

/* Put `len` bytes into receive descriptors from RDH on. */
static bool e1000_rx_store(struct e1000 *e, const uint8_t *data, size_t len)
{
	uint32_t n = e1000_ring_count(e, RDLEN), bsize = e1000_rx_bufsize(*reg(e, RCTL));
	uint64_t ring = (uint64_t)*reg(e, RDBAH) << 32 | (*reg(e, RDBAL) & ~15u);
	size_t done = 0;

	while (done < len) {
		uint32_t h = *reg(e, RDH);
		uint8_t *d = net_nic_dma(&e->nic, ring + (uint64_t)h * 16, 16);
		uint64_t buf;
		size_t chunk = MIN(len - done, (size_t)bsize);
		uint8_t *p;

		if (!d)
			return false;
		memcpy(&buf, d, 8);
		p = net_nic_dma(&e->nic, buf, chunk);
		if (!p)
			return false;
		memcpy(p, data + done, chunk);
		done += chunk;
		d[8] = (uint8_t)chunk;                 /* length */
		d[9] = (uint8_t)(chunk >> 8);
		d[10] = d[11] = 0;                     /* checksum */
		d[13] = 0;                             /* errors */
		d[12] = RXD_STA_DD | RXD_STA_IXSM | (done == len ? RXD_STA_EOP : 0);
		*reg(e, RDH) = (h + 1) % n;
	}
	return true;
}

static void e1000_rx(void *opaque, const uint8_t *frame, size_t len)
{
	struct e1000 *e = opaque;
	uint8_t buf[NET_FRAME_MAX + 4];
	uint32_t rctl = *reg(e, RCTL), n, thresh;

	if (!e1000_rx_match(e, frame))
		return;
	memcpy(buf, frame, len);
	if (!(rctl & RCTL_SECRC)) {
		uint32_t fcs = net_crc32(frame, len);

		memcpy(buf + len, &fcs, 4);   /* little endian on the wire, as x86 stores it */
		len += 4;
	}
	if ((uint64_t)e1000_rx_free(e) * e1000_rx_bufsize(rctl) < len) {
		e1000_cause(e, ICR_RXO);      /* a jumbo frame the ring has no room for */
		return;
	}
	if (!e1000_rx_store(e, buf, len))
		return;
	n = e1000_ring_count(e, RDLEN);
	thresh = n >> (((rctl >> 8) & 3) + 1);   /* RDMTS: 1/2, 1/4, 1/8 */
	e1000_cause(e, ICR_RXT0 | (e1000_rx_free(e) <= thresh ? ICR_RXDMT0 : 0));
}

/* ---- transmit ---- */

/* The ones' complement sum of f[start..end] (end inclusive; 0 = the
 * frame's end) and `extra` stored at f[at], as the checksum offload fields
 * say. */
static void e1000_csum_insert(uint8_t *f, size_t len, unsigned start, unsigned at, unsigned end,
			      uint32_t extra)
{
	uint32_t sum = extra;
	size_t stop = end && end < len ? end + 1u : len;
	uint16_t c;

	if (start >= stop || at + 2u > len)
		return;
	for (size_t i = start; i < stop; i += 2)
		sum += (uint32_t)f[i] << 8 | (i + 1 < stop ? f[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	/* the driver seeded f[at] with the pseudo-header sum; it is in `sum` */
	c = (uint16_t)~sum;
	f[at] = (uint8_t)(c >> 8);
	f[at + 1] = (uint8_t)c;
}

static void e1000_tso_segment(struct e1000 *e, bool last);

static void e1000_tx_frame(struct e1000 *e, const uint8_t *legacy_desc)
{
	if (e->tso.on && !e->tx_overflow) {
		if (e->tx_len >= e->ctx.hdrlen)
			e1000_tso_segment(e, true);
	} else if (e->tx_overflow)
		log_warn("e1000: transmit frame of more than %u bytes dropped", NET_FRAME_MAX);
	else if (e->tx_len && legacy_desc) {
		if (legacy_desc[11] & TXD_CMD_IC)
			e1000_csum_insert(e->tx, e->tx_len, legacy_desc[13], legacy_desc[10], 0, 0);
		net_port_send(&e->nic.port, e->tx, e->tx_len);
	} else if (e->tx_len) {
		if (e->tx_popts & TXD_POPTS_IXSM)
			e1000_csum_insert(e->tx, e->tx_len, e->ctx.ipcss, e->ctx.ipcso, e->ctx.ipcse,
					  0);
		if (e->tx_popts & TXD_POPTS_TXSM)
			e1000_csum_insert(e->tx, e->tx_len, e->ctx.tucss, e->ctx.tucso, e->ctx.tucse,
					  0);
		net_port_send(&e->nic.port, e->tx, e->tx_len);
	}
	e->tx_len = 0;
	e->tx_overflow = false;
	e->tx_popts = 0;
	e->tso.on = false;
}

static uint32_t be_get(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void be_put(uint8_t *p, unsigned n, uint32_t v)
{
	for (unsigned i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

/* Send e->tx (the header and up to MSS bytes of payload) as one segment of
 * a TSE frame: IPv4 total length and id, or IPv6 payload length; TCP
 * sequence number (FIN and PSH only on the last) or UDP length; the
 * checksums asked for (the driver's TCP/UDP seed has no length: it is
 * added here). Then the header is the driver's again for the next one. */
static void e1000_tso_segment(struct e1000 *e, bool last)
{
	const struct tx_ctx *c = &e->ctx;
	uint8_t *f = e->tx;
	uint32_t len = (uint32_t)e->tx_len, pay = len - c->hdrlen;

	if (e->tso.segs == 0)
		memcpy(e->tso.hdr, f, c->hdrlen);
	if (c->tucmd & TUCMD_IP) {
		be_put(f + c->ipcss + 2, 2, len - c->ipcss);
		be_put(f + c->ipcss + 4, 2, be_get(e->tso.hdr + c->ipcss + 4, 2) + e->tso.segs);
	} else {
		be_put(f + c->ipcss + 4, 2, len - c->ipcss - 40u);
	}
	if (c->tucmd & TUCMD_TCP) {
		be_put(f + c->tucss + 4, 4, be_get(e->tso.hdr + c->tucss + 4, 4) + e->tso.sent);
		if (!last)
			f[c->tucss + 13] &= (uint8_t)~TCP_FIN_PSH;
	} else {
		be_put(f + c->tucss + 4, 2, len - c->tucss);
	}
	if (e->tx_popts & TXD_POPTS_IXSM)
		e1000_csum_insert(f, len, c->ipcss, c->ipcso, c->ipcse, 0);
	if (e->tx_popts & TXD_POPTS_TXSM)
		e1000_csum_insert(f, len, c->tucss, c->tucso, c->tucse, len - c->tucss);
	net_port_send(&e->nic.port, f, len);
	e->tso.sent += pay;
	e->tso.segs++;
	memcpy(f, e->tso.hdr, c->hdrlen);
	e->tx_len = c->hdrlen;
}

/* A TSE frame's bytes: a segment goes out each time header + MSS are in. */
static void e1000_tso_gather(struct e1000 *e, const uint8_t *p, size_t len)
{
	size_t full = (size_t)e->ctx.hdrlen + e->ctx.mss;

	while (len) {
		size_t n;

		if (e->tx_len == full)
			e1000_tso_segment(e, false);   /* more than PAYLEN said: go on */
		n = MIN(len, full - e->tx_len);

		memcpy(e->tx + e->tx_len, p, n);
		e->tx_len += n;
		p += n;
		len -= n;
		if (e->tx_len == full && e->tso.sent + e->ctx.mss < e->ctx.paylen)
			e1000_tso_segment(e, false);
	}
}

static void e1000_tx_gather(struct e1000 *e, uint64_t addr, size_t len)
{
	const uint8_t *p;

	if (e->tso.on) {
		p = e->tx_overflow ? NULL : net_nic_dma(&e->nic, addr, len);
		if (p)
			e1000_tso_gather(e, p, len);
		return;
	}
	if (e->tx_len + len > sizeof(e->tx)) {
		e->tx_overflow = true;
		return;
	}
	p = net_nic_dma(&e->nic, addr, len);
	if (!p)
		return;
	memcpy(e->tx + e->tx_len, p, len);
	e->tx_len += len;
}

/* One descriptor; false if its memory is not RAM. */
static bool e1000_tx_desc(struct e1000 *e, uint8_t *d)
{
	uint64_t addr;
	uint32_t dw2 = (uint32_t)d[8] | d[9] << 8 | d[10] << 16 | (uint32_t)d[11] << 24;
	uint8_t cmd = d[11];

	memcpy(&addr, d, 8);
	if (!(cmd & TXD_CMD_DEXT)) {                        /* legacy */
		e1000_tx_gather(e, addr, dw2 & 0xffff);
		if (cmd & TXD_CMD_EOP)
			e1000_tx_frame(e, d);
	} else if (((dw2 >> 20) & 0xf) == 0) {              /* context */
		e->ctx = (struct tx_ctx){ d[0], d[1], d[4], d[5],
					  (uint16_t)(d[2] | d[3] << 8), (uint16_t)(d[6] | d[7] << 8),
					  cmd, d[13], (uint16_t)(d[14] | d[15] << 8), dw2 & 0xfffff };
	} else {                                            /* data */
		if (e->tx_len == 0 && !e->tso.on && (cmd & TXD_CMD_TSE)) {
			/* a TSE frame: header and MSS must fit, the header hold
			 * the fields the segments change */
			e->tso = (struct tx_tso){ .on = true };
			e->tx_overflow = !e->ctx.mss || !e->ctx.hdrlen ||
					 e->ctx.hdrlen + (size_t)e->ctx.mss > sizeof(e->tx) ||
					 e->ctx.ipcss + 8u > e->ctx.hdrlen ||
					 e->ctx.tucss + 14u > e->ctx.hdrlen;
		}
		e1000_tx_gather(e, addr, dw2 & 0xfffff);
		e->tx_popts |= d[13];
		if (cmd & TXD_CMD_EOP)
			e1000_tx_frame(e, NULL);
	}
	if (cmd & TXD_CMD_RS)
		d[12] |= TXD_STA_DD;
	return true;
}

static void e1000_tx_run(struct e1000 *e)
{
	uint32_t n = e1000_ring_count(e, TDLEN);
	uint64_t ring = (uint64_t)*reg(e, TDBAH) << 32 | (*reg(e, TDBAL) & ~15u);
	bool any = false;

	if (!(*reg(e, TCTL) & TCTL_EN) || !net_nic_master(&e->nic) || !n)
		return;
	while (*reg(e, TDH) != *reg(e, TDT) && *reg(e, TDH) < n) {
		uint8_t *d = net_nic_dma(&e->nic, ring + (uint64_t)*reg(e, TDH) * 16, 16);

		if (!d || !e1000_tx_desc(e, d))
			break;
		*reg(e, TDH) = (*reg(e, TDH) + 1) % n;
		any = true;
	}
	if (any)
		e1000_cause(e, ICR_TXDW | (*reg(e, TDH) == *reg(e, TDT) ? ICR_TXQE : 0));
}

/* ---- the register space ---- */

static uint32_t e1000_reg_read(struct e1000 *e, uint32_t off)
{
	uint32_t v;

	if (off >= E1000_REGS)
		return 0;
	v = *reg(e, off);
	if (off == ICR) {                 /* read to clear */
		*reg(e, ICR) = 0;
		e1000_irq_update(e);
	} else if (off >= STATS && off < STATS + 0x100) {
		v = 0;
	}
	return v;
}

static void e1000_reg_write(struct e1000 *e, uint32_t off, uint32_t v)
{
	if (off >= E1000_REGS || off == STATUS || off == ICR)
		return;
	switch (off) {
	case CTRL:
		if (v & CTRL_RST) {
			e1000_reset(e);
			return;
		}
		if (v & CTRL_PHY_RST)
			e1000_phy_reset(e);
		*reg(e, CTRL) = v & ~(CTRL_RST | CTRL_PHY_RST);
		return;
	case EECD:
		e1000_eecd_write(e, v);
		return;
	case EERD:
		e1000_eerd_write(e, v);
		return;
	case MDIC:
		e1000_mdic_write(e, v);
		return;
	case ICS:
		e1000_cause(e, v);
		return;
	case IMS:
		*reg(e, IMS) |= v;
		e1000_irq_update(e);
		return;
	case IMC:
		*reg(e, IMS) &= ~v;
		e1000_irq_update(e);
		return;
	case RDLEN:
	case TDLEN:
		*reg(e, off) = v & 0xfff80;   /* 128-byte multiples */
		return;
	case RDH:
	case RDT:
	case TDH:
	case TDT:
		*reg(e, off) = v & 0xffff;
		break;
	default:
		*reg(e, off) = v;
		break;
	}
	if (off == TDT || off == TCTL)
		e1000_tx_run(e);
	else if (off == RDT || off == RCTL)
		net_port_update(&e->nic.port);
}

static uint64_t e1000_mmio_read(void *opaque, uint64_t off, unsigned size)
{
	struct e1000 *e = opaque;
	uint32_t v;

	net_nic_touch(&e->nic);
	v = e1000_reg_read(e, (uint32_t)off & ~3u);
	return size >= 4 ? v : (v >> (8 * (off & 3))) & (uint32_t)bus_ones(size);
}

static void e1000_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct e1000 *e = opaque;

	net_nic_touch(&e->nic);
	if (size != 4 || (off & 3))
		return;   /* the driver only writes dwords */
	e1000_reg_write(e, (uint32_t)off, (uint32_t)val);
}

static const struct bus_ops e1000_mmio_ops = { e1000_mmio_read, e1000_mmio_write };

/* BAR1: IOADDR at 0 selects a register, IODATA at 4 reads or writes it. */
static uint64_t e1000_io_read(void *opaque, uint64_t off, unsigned size)
{
	struct e1000 *e = opaque;

	net_nic_touch(&e->nic);
	if (size != 4)
		return bus_ones(size);
	if (off == 0)
		return e->ioaddr;
	return off == 4 ? e1000_reg_read(e, e->ioaddr & 0x1fffc) : bus_ones(size);
}

static void e1000_io_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct e1000 *e = opaque;

	net_nic_touch(&e->nic);
	if (size != 4)
		return;
	if (off == 0)
		e->ioaddr = (uint32_t)val;
	else if (off == 4)
		e1000_reg_write(e, e->ioaddr & 0x1fffc, (uint32_t)val);
}

static const struct bus_ops e1000_io_ops = { e1000_io_read, e1000_io_write };

/* The guest enabled bus mastering: frames may be waiting. */
static void e1000_cfg_write(struct pci_dev *d, unsigned r, unsigned size, uint32_t val)
{
	struct e1000 *e = (struct e1000 *)d;

	(void)val;
	if (r < PCI_COMMAND + 2 && r + size > PCI_COMMAND)
		net_port_update(&e->nic.port);
}

static const struct pci_dev_ops e1000_pci_ops = { .cfg_write = e1000_cfg_write };

static void e1000_destroy(void *state)
{
	struct e1000 *e = state;

	net_nic_detach(&e->nic);
	free(e);
}

static int e1000_create(struct dm *dm, unsigned index, void **state)
{
	const struct dm_nic *cfg = &dm->cfg->nic[index];
	struct e1000 *e = calloc(1, sizeof(*e));
	int rc;

	if (!e)
		return -ENOMEM;
	e->nic.port.fd = -1;
	pci_dev_init(&e->nic.pci, "e1000", E1000_VENDOR, E1000_DEVICE, 0x020000, 0x03, 1,
		     &e1000_pci_ops);
	pci_set16(&e->nic.pci, PCI_SUBSYS_VENDOR, E1000_VENDOR);
	pci_set16(&e->nic.pci, PCI_SUBSYS_ID, 0x001e);
	pci_bar_init(&e->nic.pci, 0, E1000_MMIO_SIZE, false, false, &e1000_mmio_ops, e);
	pci_bar_init(&e->nic.pci, 1, E1000_IO_SIZE, true, false, &e1000_io_ops, e);
	e1000_eeprom_fill(e, cfg->mac);
	rc = net_nic_attach(&e->nic, dm, index, e1000_can_rx, e1000_rx);
	if (rc < 0) {
		e1000_destroy(e);
		return rc;
	}
	e1000_reset(e);
	*state = e;
	return 0;
}

static const struct net_nic_ops e1000_nic_ops = {
	.model = "e1000",
	.create = e1000_create,
	.destroy = e1000_destroy,
	.reset = e1000_reset,
};

NET_NIC_DEVICE(e1000, e1000_nic_ops);

/* ---- save and restore (devmodel/dm_save.h; HVMSAVE's block) ---- */

struct e1000_wire {
	uint32_t reg[E1000_REGS / 4];
	uint16_t phy[32];
	uint32_t ioaddr;
	uint32_t tx_len;                 /* <= NET_FRAME_MAX */
	uint8_t tx_overflow, tx_popts, ipcss, ipcso, tucss, tucso;
	uint16_t ipcse, tucse;
	uint8_t pad[6];
	uint8_t tx[NET_FRAME_MAX];
	/* then the EEPROM */
};
_Static_assert(sizeof(struct e1000_wire) == E1000_REGS + 64 + 24 + NET_FRAME_MAX,
	       "e1000_wire size");

int e1000_save_one(void *nic, struct dm_sbuf *b)
{
	struct e1000 *e = nic;
	struct e1000_wire *w = calloc(1, sizeof(*w));

	if (!w)
		return b->err = -ENOMEM;
	net_port_freeze(&e->nic.port);   /* nothing lands behind the state's back */
	memcpy(w->reg, e->reg, sizeof(w->reg));
	memcpy(w->phy, e->phy, sizeof(w->phy));
	w->ioaddr = e->ioaddr;
	w->tx_len = (uint32_t)e->tx_len;
	w->tx_overflow = e->tx_overflow;
	w->tx_popts = e->tx_popts;
	w->ipcss = e->ctx.ipcss; w->ipcso = e->ctx.ipcso;
	w->tucss = e->ctx.tucss; w->tucso = e->ctx.tucso;
	w->ipcse = e->ctx.ipcse; w->tucse = e->ctx.tucse;
	memcpy(w->tx, e->tx, e->tx_len);
	dm_sbuf_put(b, w, sizeof(*w));
	free(w);
	eeprom93_save(&e->ee, b);
	return b->err;
}

/* A frame half gathered from transmit descriptors comes back with its
 * bytes; the line and the tap's reading follow the registers. */
int e1000_load_one(void *nic, const void *body, size_t len)
{
	struct e1000 *e = nic;
	const struct e1000_wire *w = body;

	if (len < sizeof(*w) || w->tx_len > NET_FRAME_MAX ||
	    eeprom93_load(&e->ee, w + 1, len - sizeof(*w)) != len - sizeof(*w))
		return -EINVAL;
	memcpy(e->reg, w->reg, sizeof(e->reg));
	memcpy(e->phy, w->phy, sizeof(e->phy));
	e->ioaddr = w->ioaddr;
	e->tx_len = w->tx_len;
	e->tx_overflow = w->tx_overflow != 0;
	e->tx_popts = w->tx_popts;
	/* the TSE fields are not in the stream (a TSE frame cut by a save is lost) */
	e->ctx = (struct tx_ctx){ .ipcss = w->ipcss, .ipcso = w->ipcso, .tucss = w->tucss,
				  .tucso = w->tucso, .ipcse = w->ipcse, .tucse = w->tucse };
	memset(&e->tso, 0, sizeof(e->tso));
	memcpy(e->tx, w->tx, w->tx_len);
	e1000_irq_update(e);
	net_port_update(&e->nic.port);
	return 0;
}
