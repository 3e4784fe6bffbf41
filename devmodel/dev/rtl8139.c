/* Realtek RTL8139C Fast Ethernet (10ec:8139, revision 0x10: Linux's
 * 8139too takes it; 0x20 and up would be a C+ for 8139cp), what QEMU and
 * Xen offer as model=rtl8139. The classic programming model: four
 * transmit slots (TSAD/TSD), one receive ring (RBSTART, CAPR/CBR) where
 * each frame lands behind a 4-byte header, the 93C46 EEPROM through
 * 9346CR, ISR/IMR on INTA, the MII registers (link up, 100 full). The
 * registers are both at BAR0 (I/O) and BAR1 (memory). Not done: the C+
 * descriptor mode, the timer, wake-on-LAN, early receive. */
#include "devmodel/dm.h"
#include "devmodel/dev/eeprom93.h"
#include "devmodel/dm_save.h"
#include "devmodel/net.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define RTL_VENDOR 0x10ec
#define RTL_DEVICE 0x8139
#define RTL_REGS   256

enum {
	IDR0 = 0x00, MAR0 = 0x08, TSD0 = 0x10, TSAD0 = 0x20, RBSTART = 0x30, CR = 0x37,
	CAPR = 0x38, CBR = 0x3a, IMR = 0x3c, ISR = 0x3e, TCR = 0x40, RCR = 0x44,
	TCTR = 0x48, CFG9346 = 0x50, MSR = 0x58, TSAD_SUM = 0x60, BMCR = 0x62, BMSR = 0x64,
	ANAR = 0x66, ANLPAR = 0x68, ANER = 0x6a,
};

#define CR_RST  0x10
#define CR_RE   0x08
#define CR_TE   0x04
#define CR_BUFE 0x01
#define ISR_ROK 0x0001
#define ISR_TOK 0x0004
#define ISR_RXOVW 0x0010
#define TSD_OWN (1u << 13)
#define TSD_TOK (1u << 15)
#define TSD_SIZE 0x1fff
#define TCR_HWVERID 0x74000000u      /* RTL8139C */
#define TCR_HWVER_MASK 0x7cc00000u
#define RCR_AAP 0x01
#define RCR_APM 0x02
#define RCR_AM  0x04
#define RCR_AB  0x08
#define RCR_WRAP 0x80
#define RX_ST_ROK 0x0001
#define RX_ST_BAR 0x2000
#define RX_ST_PAM 0x4000
#define RX_ST_MAR 0x8000
#define EE_MODE_PROGRAM 0x80         /* 9346CR bits 7:6 = 10 */
#define EE_MODE_AUTOLOAD 0x40
#define EE_CS 0x08
#define EE_SK 0x04
#define EE_DI 0x02
#define EE_DO 0x01
#define RX_SLACK 16                  /* CAPR trails the read offset by 16 */
#define RX_WRAP_PAD 1536             /* a no-wrap ring has this much room behind it */

struct rtl8139 {
	struct net_nic nic;              /* first: PCI, tap, DMA */
	struct eeprom93 ee;
	uint8_t r[RTL_REGS];
	uint32_t cbr;                    /* where the next frame goes in the ring */
	bool ee_do;
};

static uint16_t rd16(const struct rtl8139 *n, unsigned off)
{
	return (uint16_t)(n->r[off] | n->r[off + 1] << 8);
}

static uint32_t rd32(const struct rtl8139 *n, unsigned off)
{
	return (uint32_t)rd16(n, off) | (uint32_t)rd16(n, off + 2) << 16;
}

static void wr16(struct rtl8139 *n, unsigned off, uint16_t v)
{
	n->r[off] = (uint8_t)v;
	n->r[off + 1] = (uint8_t)(v >> 8);
}

static void wr32(struct rtl8139 *n, unsigned off, uint32_t v)
{
	wr16(n, off, (uint16_t)v);
	wr16(n, off + 2, (uint16_t)(v >> 16));
}

static void rtl_irq_update(struct rtl8139 *n)
{
	pci_set_irq(&n->nic.pci, (rd16(n, ISR) & rd16(n, IMR)) != 0);
}

static void rtl_cause(struct rtl8139 *n, uint16_t bits)
{
	wr16(n, ISR, rd16(n, ISR) | bits);
	rtl_irq_update(n);
}

static void rtl_reset(void *state)
{
	struct rtl8139 *n = state;

	memset(n->r, 0, sizeof(n->r));
	for (unsigned i = 0; i < 6; i++)
		n->r[IDR0 + i] = (uint8_t)(n->ee.word[7 + i / 2] >> (8 * (i & 1)));
	for (unsigned i = 0; i < 4; i++)
		wr32(n, TSD0 + 4 * i, TSD_OWN);   /* nothing pending */
	wr32(n, TCR, TCR_HWVERID);
	wr16(n, CAPR, (uint16_t)-RX_SLACK);
	n->cbr = 0;
	wr16(n, BMCR, 0x1000);   /* autonegotiation on */
	wr16(n, BMSR, 0x782d);   /* 100/10 capable, autonegotiated, link up */
	wr16(n, ANAR, 0x01e1);
	wr16(n, ANLPAR, 0x45e1);
	wr16(n, ANER, 0x0001);
	n->r[MSR] = 0;           /* link up (LINKB clear), 100 Mb/s */
	rtl_irq_update(n);
}

/* ---- receive ---- */

static uint32_t rtl_rx_size(const struct rtl8139 *n)
{
	return 8192u << ((rd32(n, RCR) >> 11) & 3);
}

/* Bytes the ring can take without reaching the driver's read offset. */
static uint32_t rtl_rx_room(const struct rtl8139 *n)
{
	uint32_t size = rtl_rx_size(n), rd = (rd16(n, CAPR) + RX_SLACK) % size;
	uint32_t used = (n->cbr + size - rd) % size;

	return size - used - 4;   /* never fill it up: full would look empty */
}

static bool rtl_can_rx(void *opaque)
{
	struct rtl8139 *n = opaque;

	return (n->r[CR] & CR_RE) && net_nic_master(&n->nic) && rtl_rx_room(n) >= 1518 + 4 + 4 + 3;
}

static uint16_t rtl_rx_match(const struct rtl8139 *n, const uint8_t *f)
{
	uint32_t rcr = rd32(n, RCR);
	uint64_t mar;

	switch (net_dest(f)) {
	case NET_DEST_BROADCAST:
		return (rcr & (RCR_AB | RCR_AAP)) ? RX_ST_BAR : 0;
	case NET_DEST_MULTICAST:
		memcpy(&mar, &n->r[MAR0], 8);
		/* any hash bit set takes every multicast frame: more than the
		 * chip's filter lets through, which the guest's stack filters */
		if (rcr & RCR_AAP)
			return RX_ST_MAR;
		return (rcr & RCR_AM) && mar ? RX_ST_MAR : 0;
	default:
		if (!memcmp(f, &n->r[IDR0], 6))
			return (rcr & (RCR_APM | RCR_AAP)) ? RX_ST_PAM : 0;
		return (rcr & RCR_AAP) ? RX_ST_PAM : 0;
	}
}

/* Copy into the ring at offset `off`: straight on past its end with the
 * no-wrap bit (the driver left room there), else around to its start. */
static bool rtl_ring_put(struct rtl8139 *n, uint32_t off, const uint8_t *data, uint32_t len)
{
	uint32_t size = rtl_rx_size(n), base = rd32(n, RBSTART);
	uint32_t first;
	uint8_t *p;

	if (rd32(n, RCR) & RCR_WRAP) {
		first = len;
	} else {
		off %= size;
		first = MIN(len, size - off);
	}
	p = net_nic_dma(&n->nic, (uint64_t)base + off, first);

	if (!p)
		return false;
	memcpy(p, data, first);
	if (first == len)
		return true;
	p = net_nic_dma(&n->nic, base, len - first);
	if (p)
		memcpy(p, data + first, len - first);
	return p != NULL;
}

static void rtl_rx(void *opaque, const uint8_t *frame, size_t len)
{
	struct rtl8139 *n = opaque;
	uint16_t st = rtl_rx_match(n, frame);
	uint32_t size = rtl_rx_size(n), fcs = net_crc32(frame, len);
	uint8_t hdr[4];

	if (!st)
		return;
	if (len > 1514 + 4 || rtl_rx_room(n) < len + 4 + 4 + 3) {
		rtl_cause(n, ISR_RXOVW);
		return;
	}
	st |= RX_ST_ROK;
	hdr[0] = (uint8_t)st;
	hdr[1] = (uint8_t)(st >> 8);
	hdr[2] = (uint8_t)(len + 4);
	hdr[3] = (uint8_t)((len + 4) >> 8);
	if (!rtl_ring_put(n, n->cbr, hdr, 4) ||
	    !rtl_ring_put(n, n->cbr + 4, frame, (uint32_t)len) ||
	    !rtl_ring_put(n, n->cbr + 4 + (uint32_t)len, (const uint8_t *)&fcs, 4))
		return;
	n->cbr = (uint32_t)((n->cbr + 4 + len + 4 + 3) & ~3u) % size;
	rtl_cause(n, ISR_ROK);
}

/* ---- transmit ---- */

static void rtl_tx(struct rtl8139 *n, unsigned slot, uint32_t tsd)
{
	uint32_t len = tsd & TSD_SIZE;
	const uint8_t *p;

	wr32(n, TSD0 + 4 * slot, tsd & ~(TSD_OWN | TSD_TOK));
	if (!(n->r[CR] & CR_TE) || !net_nic_master(&n->nic))
		return;
	p = len ? net_nic_dma(&n->nic, rd32(n, TSAD0 + 4 * slot), len) : NULL;
	if (p && len <= 1792)
		net_port_send(&n->nic.port, p, len);
	wr32(n, TSD0 + 4 * slot, (tsd & ~TSD_OWN) | TSD_OWN | TSD_TOK);
	rtl_cause(n, ISR_TOK);
}

/* TSAD summary: TOK (15:12) and OWN (3:0) of the four slots. */
static uint16_t rtl_tsad_summary(const struct rtl8139 *n)
{
	uint16_t v = 0;

	for (unsigned i = 0; i < 4; i++) {
		uint32_t t = rd32(n, TSD0 + 4 * i);

		v |= (uint16_t)(((t & TSD_TOK) ? 1u << (12 + i) : 0) | ((t & TSD_OWN) ? 1u << i : 0));
	}
	return v;
}

/* ---- registers ---- */

static uint8_t rtl_byte_read(struct rtl8139 *n, unsigned off)
{
	switch (off) {
	case CR: {
		uint32_t rd = (rd16(n, CAPR) + RX_SLACK) % rtl_rx_size(n);

		return (uint8_t)((n->r[CR] & (CR_RE | CR_TE)) | (rd == n->cbr ? CR_BUFE : 0));
	}
	case CBR:
	case CBR + 1:
		return (uint8_t)(n->cbr >> (8 * (off - CBR)));
	case CFG9346:
		return (uint8_t)((n->r[CFG9346] & ~EE_DO) | (n->ee_do ? EE_DO : 0));
	case TSAD_SUM:
	case TSAD_SUM + 1:
		return (uint8_t)(rtl_tsad_summary(n) >> (8 * (off - TSAD_SUM)));
	default:
		return n->r[off];
	}
}

static void rtl_9346_write(struct rtl8139 *n, uint8_t v)
{
	n->r[CFG9346] = v;
	if ((v & 0xc0) == EE_MODE_PROGRAM) {
		n->ee_do = eeprom93_pins(&n->ee, v & EE_CS, v & EE_SK, v & EE_DI);
	} else {
		n->ee_do = eeprom93_pins(&n->ee, false, false, false);
		if ((v & 0xc0) == EE_MODE_AUTOLOAD) {   /* reload the address, then normal */
			for (unsigned i = 0; i < 6; i++)
				n->r[IDR0 + i] = (uint8_t)(n->ee.word[7 + i / 2] >> (8 * (i & 1)));
			n->r[CFG9346] = 0;
		}
	}
}

static void rtl_byte_write(struct rtl8139 *n, unsigned off, uint8_t v)
{
	switch (off) {
	case CR:
		if (v & CR_RST) {
			rtl_reset(n);
			return;
		}
		n->r[CR] = v & (CR_RE | CR_TE);
		return;
	case CFG9346:
		rtl_9346_write(n, v);
		return;
	case ISR:
	case ISR + 1:
		n->r[off] &= (uint8_t)~v;   /* write one to clear */
		return;
	case CBR:
	case CBR + 1:
	case TSAD_SUM:
	case TSAD_SUM + 1:
	case BMSR:
	case BMSR + 1:
	case MSR:
		return;   /* read-only */
	case TCR + 3:
	case TCR + 2:
		/* the version bits stay */
		n->r[off] = (uint8_t)((n->r[off] & (TCR_HWVER_MASK >> (8 * (off - TCR)))) |
				      (v & ~(TCR_HWVER_MASK >> (8 * (off - TCR)))));
		return;
	case BMCR + 1:
		n->r[off] = v & 0x7f;         /* the reset bit finishes at once */
		return;
	default:
		n->r[off] = v;
	}
}

static uint64_t rtl_read(void *opaque, uint64_t off, unsigned size)
{
	struct rtl8139 *n = opaque;
	uint64_t v = 0;

	net_nic_touch(&n->nic);
	if (size > 4 || off + size > RTL_REGS)
		return bus_ones(size);
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)rtl_byte_read(n, (unsigned)off + i) << (8 * i);
	return v;
}

static void rtl_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct rtl8139 *n = opaque;

	net_nic_touch(&n->nic);
	if (size > 4 || off + size > RTL_REGS)
		return;
	if (size == 4 && off >= TSD0 && off < TSD0 + 16 && !(off & 3)) {
		rtl_tx(n, (unsigned)(off - TSD0) / 4, (uint32_t)val);
		return;
	}
	for (unsigned i = 0; i < size; i++)
		rtl_byte_write(n, (unsigned)off + i, (uint8_t)(val >> (8 * i)));
	if (off <= ISR + 1 && off + size > IMR)
		rtl_irq_update(n);
	if (off <= RCR + 3 && off + size > CR)
		net_port_update(&n->nic.port);   /* CR, CAPR or RCR: room may have appeared */
}

static const struct bus_ops rtl_ops = { rtl_read, rtl_write };

static void rtl_cfg_write(struct pci_dev *d, unsigned r, unsigned size, uint32_t val)
{
	struct rtl8139 *n = (struct rtl8139 *)d;

	(void)val;
	if (r < PCI_COMMAND + 2 && r + size > PCI_COMMAND)
		net_port_update(&n->nic.port);   /* bus mastering may have come on */
}

static const struct pci_dev_ops rtl_pci_ops = { .cfg_write = rtl_cfg_write };

static void rtl_destroy(void *state)
{
	struct rtl8139 *n = state;

	net_nic_detach(&n->nic);
	free(n);
}

static void rtl_eeprom_fill(struct rtl8139 *n, const uint8_t mac[6])
{
	n->ee.word[0] = 0x8129;          /* the signature 8139too checks for 6-bit addresses */
	n->ee.word[1] = RTL_VENDOR;
	n->ee.word[2] = RTL_DEVICE;
	for (unsigned i = 0; i < 3; i++)
		n->ee.word[7 + i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
	n->ee_do = eeprom93_pins(&n->ee, false, false, false);
}

static int rtl_create(struct dm *dm, unsigned index, void **state)
{
	const struct dm_nic *cfg = &dm->cfg->nic[index];
	struct rtl8139 *n = calloc(1, sizeof(*n));
	int rc;

	if (!n)
		return -ENOMEM;
	n->nic.port.fd = -1;
	pci_dev_init(&n->nic.pci, "rtl8139", RTL_VENDOR, RTL_DEVICE, 0x020000, 0x10, 1, &rtl_pci_ops);
	pci_set16(&n->nic.pci, PCI_SUBSYS_VENDOR, RTL_VENDOR);
	pci_set16(&n->nic.pci, PCI_SUBSYS_ID, RTL_DEVICE);
	pci_bar_init(&n->nic.pci, 0, RTL_REGS, true, false, &rtl_ops, n);
	pci_bar_init(&n->nic.pci, 1, RTL_REGS, false, false, &rtl_ops, n);
	rtl_eeprom_fill(n, cfg->mac);
	rc = net_nic_attach(&n->nic, dm, index, rtl_can_rx, rtl_rx);
	if (rc < 0) {
		rtl_destroy(n);
		return rc;
	}
	rtl_reset(n);
	*state = n;
	return 0;
}

static const struct net_nic_ops rtl_nic_ops = {
	.model = "rtl8139",
	.create = rtl_create,
	.destroy = rtl_destroy,
	.reset = rtl_reset,
};

NET_NIC_DEVICE(rtl8139, rtl_nic_ops);

/* ---- save and restore (devmodel/dm_save.h) ---- */

struct rtl_wire {
	uint8_t r[RTL_REGS];
	uint32_t cbr;
	uint8_t ee_do;
	uint8_t pad[3];
	/* then the EEPROM */
};
_Static_assert(sizeof(struct rtl_wire) == 264, "rtl_wire size");

int rtl8139_save_one(void *nic, struct dm_sbuf *b)
{
	struct rtl8139 *n = nic;
	struct rtl_wire w = { .cbr = n->cbr, .ee_do = n->ee_do };

	net_port_freeze(&n->nic.port);   /* nothing lands behind the state's back */
	memcpy(w.r, n->r, sizeof(w.r));
	dm_sbuf_put(b, &w, sizeof(w));
	eeprom93_save(&n->ee, b);
	return b->err;
}

/* The ring offset stays within the ring as the receive path keeps it;
 * the line and the tap's reading follow the registers. */
int rtl8139_load_one(void *nic, const void *body, size_t len)
{
	struct rtl8139 *n = nic;
	const struct rtl_wire *w = body;

	if (len < sizeof(*w) || eeprom93_load(&n->ee, w + 1, len - sizeof(*w)) != len - sizeof(*w))
		return -EINVAL;
	memcpy(n->r, w->r, sizeof(n->r));
	n->cbr = w->cbr;
	n->ee_do = w->ee_do != 0;
	rtl_irq_update(n);
	net_port_update(&n->nic.port);
	return 0;
}
