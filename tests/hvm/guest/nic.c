/* The NIC test guest (multiboot; command line "e1000" or "rtl8139"): it
 * finds the emulated NIC on PCI bus 0, maps its BARs, routes its INTA
 * through the PIIX3 (slot 4 INTA is PIRQD: to IRQ 11, level), reads the MAC the way
 * Linux's driver does (e1000: EERD and the PHY id through MDIC; rtl8139:
 * IDR and the 93C46 EEPROM through 9346CR), then talks to the host on
 * the tap's bridge as 10.213.0.2: an ARP request for 10.213.0.1 and an
 * ICMP echo to it, each answered. TAP lines go to port 0xe9; after them
 * it prints "nic guest: serving" and answers ARP and pings for
 * 10.213.0.2 until the domain is destroyed, so the host can ping it. */
#include "hg.h"

#define NIC_IRQ 11
#define NIC_VEC (0x28 + NIC_IRQ - 8)
#define E1000_BAR 0xf0000000u
#define RTL_IO 0xc000
#define RING 0x300000u            /* descriptors and buffers from here */
#define WAIT_TICKS 2000           /* PIT ticks (100 Hz) for an answer */

static const uint8_t my_ip[4] = { 10, 213, 0, 2 };
static const uint8_t host_ip[4] = { 10, 213, 0, 1 };
static uint8_t my_mac[6], host_mac[6];
static volatile uint32_t ticks, nic_irqs;

struct nic {
	const char *name;
	uint16_t vendor, device;
	void (*init)(unsigned dev);
	void (*send)(const uint8_t *f, unsigned len);
	unsigned (*recv)(uint8_t *buf);   /* 0: nothing */
	void (*ack)(void);
};

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void copy(void *d, const void *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		((uint8_t *)d)[i] = ((const uint8_t *)s)[i];
}

static int same(const void *a, const void *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (((const uint8_t *)a)[i] != ((const uint8_t *)b)[i])
			return 0;
	return 1;
}

/* ---- PCI ---- */

static uint32_t pci_read(unsigned dev, unsigned reg)
{
	outl(0xcf8, 0x80000000u | dev << 11 | (reg & 0xfc));
	return inl(0xcfc);
}

static void pci_write(unsigned dev, unsigned reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | dev << 11 | (reg & 0xfc));
	outl(0xcfc, v);
}

/* vmhv starts sending a BAR's range to the device model a moment after
 * the guest enables it (docs/devmodel.md "Not done"): wait until the
 * device answers (the timer ticks from irq_setup bound it). */
static void bar_wait(int (*answers)(void))
{
	uint32_t until = ticks + 500;

	while (!answers() && ticks < until)
		sti_hlt();
}

/* ---- e1000 ---- */

static volatile uint32_t *e1000_reg(uint32_t off)
{
	return (volatile uint32_t *)(E1000_BAR + off);
}

static uint32_t e_rd(uint32_t off) { return *e1000_reg(off); }
static void e_wr(uint32_t off, uint32_t v) { *e1000_reg(off) = v; }

/* legacy descriptors: byte 11 is a transmit's command, byte 12 the status */
struct e_desc { uint32_t addr_lo, addr_hi; uint16_t len; uint8_t b10, cmd, sta, b13; uint16_t b14; };
static volatile struct e_desc *e_rx = (void *)RING, *e_tx = (void *)(RING + 0x1000);
static unsigned e_rx_next, e_tx_next;

static int e_status_ok(void)
{
	return e_rd(0x0008) != 0xffffffffu;
}

static uint16_t e1000_eerd(unsigned addr)
{
	e_wr(0x14, addr << 8 | 1);
	for (int i = 0; i < 1000; i++) {
		uint32_t v = e_rd(0x14);

		if (v & 0x10)
			return (uint16_t)(v >> 16);
	}
	return 0xffff;
}

static void e1000_init(unsigned dev)
{
	uint32_t mdic = 0, ral, rah;

	pci_write(dev, 0x10, E1000_BAR);
	pci_write(dev, 0x04, 0x0007);              /* I/O, memory, bus master */
	bar_wait(&e_status_ok);
	e_wr(0x0000, 1u << 26);                    /* CTRL.RST */
	e_wr(0x00d8, 0xffffffffu);                 /* IMC: all off */
	for (unsigned i = 0; i < 3; i++) {
		uint16_t w = e1000_eerd(i);

		my_mac[2 * i] = (uint8_t)w;
		my_mac[2 * i + 1] = (uint8_t)(w >> 8);
	}
	ral = e_rd(0x5400);
	rah = e_rd(0x5404);
	hg_ok(same(&ral, my_mac, 4) && (uint16_t)rah == (my_mac[4] | my_mac[5] << 8) &&
	      (rah >> 31), "receive address 0 holds the EEPROM's MAC");
	e_wr(0x0020, 2u << 26 | 1u << 21 | 2u << 16);   /* MDIC: read PHY 1 register 2 */
	for (int i = 0; i < 1000 && !(mdic & (1u << 28)); i++)
		mdic = e_rd(0x0020);
	hg_ok((mdic & 0xffff) == 0x0141, "MDIC reads the PHY's id (Marvell)");
	hg_ok(e_rd(0x0008) & 2, "STATUS says link up");
	for (unsigned i = 0; i < 8; i++) {
		e_rx[i] = (struct e_desc){ RING + 0x10000 + i * 2048, 0, 0, 0, 0, 0, 0, 0 };
		e_tx[i] = (struct e_desc){ 0, 0, 0, 0, 0, 0, 0, 0 };
	}
	e_wr(0x2800, RING);
	e_wr(0x2804, 0);
	e_wr(0x2808, 8 * 16);
	e_wr(0x2810, 0);
	e_wr(0x2818, 7);
	e_wr(0x3800, RING + 0x1000);
	e_wr(0x3804, 0);
	e_wr(0x3808, 8 * 16);
	e_wr(0x3810, 0);
	e_wr(0x3818, 0);
	e_wr(0x0400, 1u << 1);                     /* TCTL.EN */
	e_wr(0x0100, 1u << 1 | 1u << 15 | 1u << 26);   /* RCTL: EN, BAM, SECRC; 2 KiB */
	e_wr(0x00d0, 0x80 | 0x01);                 /* IMS: RXT0, TXDW */
}

static void e1000_send(const uint8_t *f, unsigned len)
{
	volatile struct e_desc *d = &e_tx[e_tx_next];

	/* the device reads the frame where it is: the guest is identity-mapped */
	*d = (struct e_desc){ (uint32_t)f, 0, (uint16_t)len, 0, 0x01 | 0x02 | 0x08, 0, 0, 0 };   /* EOP IFCS RS */
	e_tx_next = (e_tx_next + 1) % 8;
	e_wr(0x3818, e_tx_next);
	for (int i = 0; i < 100000 && !(d->sta & 1); i++)
		;
}

static unsigned e1000_recv(uint8_t *buf)
{
	volatile struct e_desc *d = &e_rx[e_rx_next];
	unsigned len;

	if (!(d->sta & 1))
		return 0;
	len = d->len;
	copy(buf, (const void *)d->addr_lo, len > 2048 ? 2048 : len);
	d->sta = 0;
	e_wr(0x2818, e_rx_next);                   /* the buffer is the device's again */
	e_rx_next = (e_rx_next + 1) % 8;
	return len;
}

static void e1000_ack(void)
{
	(void)e_rd(0x00c0);                        /* ICR: read to clear */
}

/* ---- rtl8139 ---- */

static unsigned rtl_cur, rtl_slot;

static int rtl_cr_ok(void)
{
	return inb(RTL_IO + 0x37) != 0xff;
}

/* One word of the 93C46 through 9346CR, as 8139too reads it. */
static uint16_t rtl_eeprom(unsigned addr)
{
	uint32_t cmd = (6u << 6) | addr;           /* start bit, READ, 6 address bits */
	uint16_t v = 0;

	outb(RTL_IO + 0x50, 0x80);
	outb(RTL_IO + 0x50, 0x88);
	for (int i = 10; i >= 0; i--) {
		uint8_t di = (cmd >> i) & 1 ? 0x02 : 0;

		outb(RTL_IO + 0x50, 0x88 | di);
		outb(RTL_IO + 0x50, 0x88 | di | 0x04);
	}
	outb(RTL_IO + 0x50, 0x88);
	for (int i = 0; i < 16; i++) {
		outb(RTL_IO + 0x50, 0x88 | 0x04);
		v = (uint16_t)(v << 1 | (inb(RTL_IO + 0x50) & 1));
		outb(RTL_IO + 0x50, 0x88);
	}
	outb(RTL_IO + 0x50, 0x00);
	return v;
}

static void rtl_init(unsigned dev)
{
	uint8_t ee[6];

	pci_write(dev, 0x10, RTL_IO | 1);
	pci_write(dev, 0x04, 0x0007);
	bar_wait(&rtl_cr_ok);
	outb(RTL_IO + 0x37, 0x10);                 /* CR.RST */
	for (int i = 0; i < 1000 && (inb(RTL_IO + 0x37) & 0x10); i++)
		;
	hg_ok(((inl(RTL_IO + 0x40) >> 22) & 0x1f3) == (0x74000000u >> 22 & 0x1f3),
	      "TCR names an RTL8139C");
	hg_ok(rtl_eeprom(0) == 0x8129, "the EEPROM's first word is 0x8129");
	for (unsigned i = 0; i < 6; i++)
		my_mac[i] = inb(RTL_IO + i);
	for (unsigned i = 0; i < 3; i++) {
		uint16_t w = rtl_eeprom(7 + i);

		ee[2 * i] = (uint8_t)w;
		ee[2 * i + 1] = (uint8_t)(w >> 8);
	}
	hg_ok(same(ee, my_mac, 6), "IDR0-5 hold the EEPROM's MAC (words 7-9)");
	hg_ok(!(inb(RTL_IO + 0x58) & 0x04), "MSR says link up");
	outl(RTL_IO + 0x30, RING + 0x10000);       /* RBSTART: 8 KiB + 16 + room */
	outb(RTL_IO + 0x37, 0x0c);                 /* CR: RE, TE */
	outl(RTL_IO + 0x44, 0x02 | 0x08 | 0x80);   /* RCR: APM, AB, no wrap, 8 KiB */
	outw(RTL_IO + 0x38, 0xfff0);               /* CAPR */
	outw(RTL_IO + 0x3c, 0x0005);               /* IMR: ROK, TOK */
}

static void rtl_send(const uint8_t *f, unsigned len)
{
	uint16_t port = (uint16_t)(RTL_IO + 0x10 + 4 * rtl_slot);

	outl((uint16_t)(RTL_IO + 0x20 + 4 * rtl_slot), (uint32_t)f);
	outl(port, len < 60 ? 60 : len);
	for (int i = 0; i < 100000 && !(inl(port) & 0x8000); i++)
		;
	rtl_slot = (rtl_slot + 1) % 4;
}

static unsigned rtl_recv(uint8_t *buf)
{
	const uint8_t *p = (const uint8_t *)(RING + 0x10000 + rtl_cur);
	unsigned st, len;

	if (inb(RTL_IO + 0x37) & 0x01)             /* BUFE */
		return 0;
	st = p[0] | p[1] << 8;
	len = p[2] | p[3] << 8;
	if (!(st & 1) || len < 8 || len > 1518 + 4)
		return 0;
	copy(buf, p + 4, len - 4);
	rtl_cur = ((rtl_cur + len + 4 + 3) & ~3u) % 8192;
	outw(RTL_IO + 0x38, (uint16_t)(rtl_cur - 16));
	return len - 4;
}

static void rtl_ack(void)
{
	outw(RTL_IO + 0x3e, inw(RTL_IO + 0x3e));
}

static const struct nic nics[] = {
	{ "e1000", 0x8086, 0x100e, e1000_init, e1000_send, e1000_recv, e1000_ack },
	{ "rtl8139", 0x10ec, 0x8139, rtl_init, rtl_send, rtl_recv, rtl_ack },
};

/* ---- interrupts ---- */

static const struct nic *nic;

static void on_tick(struct hg_frame *f)
{
	(void)f;
	ticks++;
	outb(0x20, 0x20);
}

static void on_nic(struct hg_frame *f)
{
	(void)f;
	nic_irqs++;
	nic->ack();                                /* the level drops before the EOI */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

static void irq_setup(unsigned dev)
{
	uint32_t r60 = pci_read(1, 0x60);     /* 00:01.0 PIIX3 PIRQRC[A-D] */
	unsigned link = (dev + 3) & 3;             /* INTA of slot dev: (dev - 1) & 3 */

	r60 = (r60 & ~(0xffu << (8 * link))) | (uint32_t)NIC_IRQ << (8 * link);
	pci_write(1, 0x60, r60);
	pci_write(dev, 0x3c, (pci_read(dev, 0x3c) & ~0xffu) | NIC_IRQ);
	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	outb(0x4d1, inb(0x4d1) | 1 << (NIC_IRQ - 8));   /* ELCR: level */
	hg_set_handler(0x20, on_tick);
	hg_set_handler(NIC_VEC, on_nic);
	outb(0x21, 0xfa);                          /* IRQ 0 and the cascade */
	outb(0xa1, (uint8_t)~(1 << (NIC_IRQ - 8)));
	hg_pit_periodic(11932);                    /* 100 Hz */
}

/* ---- frames ---- */

static uint16_t csum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;

	for (unsigned i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	copy(f, dst, 6);
	copy(f + 6, my_mac, 6);
	put16(f + 12, type);
	return 14;
}

static unsigned arp(uint8_t *f, uint16_t op, const uint8_t *tha, const uint8_t *tpa)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 0 };
	unsigned n = eth(f, op == 1 ? bcast : tha, 0x0806);

	copy(f + n, hdr, 8);
	put16(f + n + 6, op);
	copy(f + n + 8, my_mac, 6);
	copy(f + n + 14, my_ip, 4);
	copy(f + n + 18, tha, 6);
	copy(f + n + 24, tpa, 4);
	return n + 28;
}

/* An ICMP echo (type 8) or reply (0) with `data`, to dst's MAC and IP. */
static unsigned icmp(uint8_t *f, uint8_t type, const uint8_t *mac, const uint8_t *ip,
		     const uint8_t *icmp_rest, unsigned rest_len)
{
	unsigned n = eth(f, mac, 0x0800);
	uint8_t *h = f + n, *c = h + 20;

	for (unsigned i = 0; i < 20; i++)
		h[i] = 0;
	h[0] = 0x45;
	put16(h + 2, (uint16_t)(20 + 4 + rest_len));
	h[8] = 64;
	h[9] = 1;
	copy(h + 12, my_ip, 4);
	copy(h + 16, ip, 4);
	put16(h + 10, csum(h, 20));
	c[0] = type;
	c[1] = 0;
	c[2] = c[3] = 0;
	copy(c + 4, icmp_rest, rest_len);
	put16(c + 2, csum(c, 4 + rest_len));
	return n + 20 + 4 + rest_len;
}

static int is_arp(const uint8_t *f, uint16_t op, const uint8_t *tpa)
{
	return f[12] == 8 && f[13] == 6 && f[20] == 0 && f[21] == op && same(f + 38, tpa, 4);
}

static int is_icmp(const uint8_t *f, unsigned len, uint8_t type)
{
	return len >= 42 && f[12] == 8 && f[13] == 0 && f[23] == 1 && same(f + 30, my_ip, 4) &&
	       f[34] == type;
}

/* Wait for a frame `want` accepts; the rest are dropped. */
static unsigned wait_frame(uint8_t *buf, int (*want)(const uint8_t *, unsigned))
{
	uint32_t until = ticks + WAIT_TICKS;

	while (ticks < until) {
		unsigned len = nic->recv(buf);

		if (len && want(buf, len))
			return len;
		if (!len)
			sti_hlt();
	}
	return 0;
}

static int want_arp_reply(const uint8_t *f, unsigned len)
{
	return len >= 42 && is_arp(f, 2, my_ip) && same(f + 28, host_ip, 4);
}

static int want_echo_reply(const uint8_t *f, unsigned len)
{
	return is_icmp(f, len, 0) && f[38] == 0x13 && f[39] == 0x37;
}

/* Answer ARP requests and pings for my_ip, for ever. */
static void serve(uint8_t *buf, uint8_t *out)
{
	for (;;) {
		unsigned len = nic->recv(buf), n;

		if (!len) {
			sti_hlt();
			continue;
		}
		if (len >= 42 && is_arp(buf, 1, my_ip)) {
			n = arp(out, 2, buf + 22, buf + 28);
			nic->send(out, n);
		} else if (is_icmp(buf, len, 8)) {
			unsigned ip_len = (unsigned)(buf[16] << 8 | buf[17]);

			if (ip_len < 28 || ip_len + 14 > len)
				continue;
			n = icmp(out, 0, buf + 6, buf + 26, buf + 38, ip_len - 24);
			nic->send(out, n);
		}
	}
}

/* cmdline "MODEL bench": BENCH_FRAMES UDP frames of 1514 bytes to the
 * host's discard port, one doorbell each (bench/nic_bench.sh counts them
 * arriving in the namespace). */
#define BENCH_FRAMES 10000

static void bench(uint8_t *out)
{
	unsigned n = eth(out, host_mac, 0x0800);
	uint8_t *h = out + n;

	for (unsigned i = 0; i < 1500; i++)
		h[i] = (uint8_t)i;
	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, 1500);
	put16(h + 6, 0);
	h[8] = 64;
	h[9] = 17;
	put16(h + 10, 0);
	copy(h + 12, my_ip, 4);
	copy(h + 16, host_ip, 4);
	put16(h + 10, csum(h, 20));
	put16(h + 20, 9);
	put16(h + 22, 9);
	put16(h + 24, 1480);
	put16(h + 26, 0);              /* no UDP checksum */
	hg_printf("nic guest: bench start\n");
	for (unsigned i = 0; i < BENCH_FRAMES; i++)
		nic->send(out, n + 1500);
	hg_printf("nic guest: bench sent %u\n", BENCH_FRAMES);
}

static void test_nic(const char *model, bool do_bench)
{
	static uint8_t buf[2048], out[2048];
	static const uint8_t zero[6];
	static const uint8_t rest[] = { 0x13, 0x37, 0, 1, 'v', 'm', 'c', 't', 'l', '!' };
	unsigned dev, n;

	for (unsigned i = 0; i < sizeof(nics) / sizeof(nics[0]); i++)
		if (streq(model, nics[i].name))
			nic = &nics[i];
	if (!nic) {
		hg_printf("nic guest: unknown NIC '%s'\n", model);
		return;
	}
	for (dev = 0; dev < 32; dev++)
		if (pci_read(dev, 0) == ((uint32_t)nic->device << 16 | nic->vendor))
			break;
	hg_ok(dev == 4, "the NIC is at 00:04.0");
	if (dev == 32)
		return;
	hg_ok(pci_read(dev, 8) >> 8 == 0x020000, "class: Ethernet controller");
	irq_setup(dev);
	nic->init(dev);
	hg_printf("nic guest: %s mac %02x:%02x:%02x:%02x:%02x:%02x\n", nic->name, my_mac[0],
		  my_mac[1], my_mac[2], my_mac[3], my_mac[4], my_mac[5]);
	n = arp(out, 1, zero, host_ip);
	nic->send(out, n);
	n = wait_frame(buf, want_arp_reply);
	hg_ok(n != 0, "the host answers an ARP request");
	if (!n)
		return;
	copy(host_mac, buf + 22, 6);
	n = icmp(out, 8, host_mac, host_ip, rest, sizeof(rest));
	nic->send(out, n);
	n = wait_frame(buf, want_echo_reply);
	hg_ok(n != 0 && same(buf + 42, rest + 4, 6), "the host answers an ICMP echo");
	/* The guest polls with interrupts off, so the timer may have woken
	 * every halt so far; the NIC's level stays up until acknowledged. */
	for (unsigned i = 0; i < 100 && !nic_irqs; i++)
		sti_hlt();
	hg_ok(nic_irqs > 0, "the NIC interrupts through PIRQD as IRQ 11");
	if (do_bench)
		bench(out);
	hg_printf("nic guest: serving\n");
	serve(buf, out);
}

void hg_main(uint32_t magic, uint32_t info);

void hg_main(uint32_t magic, uint32_t info)
{
	static char model[16];
	const char *cmd = hg_multiboot_cmdline(magic, info);
	unsigned i;

	for (i = 0; cmd[i] && cmd[i] != ' ' && i < sizeof(model) - 1; i++)
		model[i] = cmd[i];
	test_nic(model, streq(cmd + i, " bench"));
	hg_done();
}
