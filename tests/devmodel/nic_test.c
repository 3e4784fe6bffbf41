/* The emulated NICs with a datagram socket pair as their tap: the e1000
 * (EEPROM by EECD pins as Linux's e1000 reads it, EERD, MDIC, legacy and
 * context/data transmit with checksum insertion, receive with and
 * without the FCS, filtering, ICR/IMS on INTA) and the rtl8139 (93C46
 * through 9346CR, transmit slots, the receive ring, CAPR/CBR/BUFE, a
 * full ring leaving frames queued); the platform device's unplug;
 * hostile rings and buffers outside RAM
 * change nothing and crash nothing. */
#include "devmodel/dm_save.h"
#include "devmodel/net.h"
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define E1000 (4 << 3)
#define RTL (5 << 3)
#define EBAR 0xf0000000u
#define RIO 0xc000
#define RAM (1u << 20)

static const uint8_t mac0[6] = { 0x00, 0x16, 0x3e, 0x01, 0x02, 0x03 };
static const uint8_t mac1[6] = { 0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint32_t er(struct dmt *t, uint32_t off)
{
	return (uint32_t)dmt_mmio_read(t, EBAR + off, 4);
}

static void ew(struct dmt *t, uint32_t off, uint32_t v)
{
	dmt_mmio_write(t, EBAR + off, 4, v);
}

/* The host's side of the tap sends a frame. */
static void host_send(int peer, const uint8_t *f, size_t len)
{
	if (write(peer, f, len) != (ssize_t)len)
		diag("the socket pair refused a frame");
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* One EEPROM word through EECD's pins, the way Linux's e1000 does it
 * for Microwire parts: request, chip select, opcode 110 and 6 address
 * bits, 16 data bits read after each rising clock. */
static uint16_t eecd_read(struct dmt *t, unsigned addr)
{
	uint32_t cmd = 6u << 6 | addr, v = 0x40;   /* REQ */
	uint16_t w = 0;

	ew(t, 0x10, v);
	if (!(er(t, 0x10) & 0x80))
		return 0xdead;                         /* no grant */
	v |= 0x02;                                 /* CS */
	ew(t, 0x10, v);
	for (int i = 8; i >= 0; i--) {
		uint32_t di = (cmd >> i) & 1 ? 0x04 : 0;

		ew(t, 0x10, v | di);
		ew(t, 0x10, v | di | 0x01);
		ew(t, 0x10, v | di);
	}
	for (int i = 0; i < 16; i++) {
		ew(t, 0x10, v | 0x01);
		w = (uint16_t)(w << 1 | ((er(t, 0x10) & 0x08) ? 1 : 0));
		ew(t, 0x10, v);
	}
	ew(t, 0x10, 0);
	return w;
}

static void e1000_eeprom_phy(struct dmt *t)
{
	uint16_t sum = 0, w[3];
	uint32_t m;

	for (unsigned i = 0; i < 3; i++)
		w[i] = eecd_read(t, i);
	ok(!memcmp(w, mac0, 6), "e1000: the MAC from the EEPROM by EECD pins");
	for (unsigned i = 0; i < 64; i++) {
		ew(t, 0x14, i << 8 | 1);
		m = er(t, 0x14);
		sum = (uint16_t)(sum + (m >> 16));
	}
	ok(m & 0x10, "e1000: EERD says done");
	is_int(sum, 0xbaba, "e1000: the EEPROM's checksum (read by EERD)");
	is_int(er(t, 0x5404) >> 31, 1, "e1000: RA0 valid after reset");
	ew(t, 0x20, 2u << 26 | 1u << 21 | 3u << 16);
	m = er(t, 0x20);
	ok((m & (1u << 28)) && (m & 0xffff) == 0x0c20, "e1000: MDIC reads the PHY's id 2");
	ew(t, 0x20, 2u << 26 | 2u << 21 | 3u << 16);
	ok(er(t, 0x20) & (1u << 30), "e1000: MDIC to another PHY address errs");
	is_int(er(t, 0x8) & 3, 3, "e1000: STATUS full duplex, link up");
}

static void e1000_tx(struct dmt *t, int peer)
{
	uint8_t *ring = t->ram + 0x1000, *f = t->ram + 0x2000, buf[2048];
	uint64_t a = 0x2000;

	memset(f, 0x5a, 64);
	memcpy(f, bcast, 6);
	memcpy(ring, &a, 8);
	ring[8] = 64;
	ring[11] = 0x01 | 0x08;                    /* EOP, RS */
	ew(t, 0x3800, 0x1000);
	ew(t, 0x3808, 128);
	ew(t, 0x00d0, 0x01);                       /* IMS TXDW */
	ew(t, 0x0400, 2);                          /* TCTL.EN */
	ew(t, 0x3818, 1);
	is_int(read(peer, buf, sizeof(buf)), 64, "e1000: a legacy descriptor's frame goes out");
	ok(ring[12] & 1, "e1000: its DD is written back");
	is_int(er(t, 0x3810), 1, "e1000: TDH follows");
	is_int(t->rec.intx[4][0], 1, "e1000: TXDW raises INTA");
	is_int(er(t, 0xc0) & 3, 3, "e1000: ICR says TXDW and TXQE");
	is_int(t->rec.intx[4][0], 0, "e1000: reading ICR lowers it");

	/* a context descriptor, then a data descriptor with TXSM: the
	 * checksum of bytes 14.. lands at 24 */
	memset(ring + 16, 0, 32);
	ring[16 + 4] = 14;                         /* TUCSS */
	ring[16 + 5] = 24;                         /* TUCSO */
	put32(ring + 16 + 8, 0x20u << 24);         /* DEXT, type context */
	memcpy(ring + 32, &a, 8);
	put32(ring + 32 + 8, 64 | 1u << 20 | (0x20u | 0x01 | 0x08) << 24);
	ring[32 + 13] = 0x02;                      /* POPTS TXSM */
	memset(f + 14, 0, 50);
	f[14] = 0x12, f[15] = 0x34;
	ew(t, 0x3818, 3);
	is_int(read(peer, buf, sizeof(buf)), 64, "e1000: a context + data pair sends one frame");
	ok(buf[24] == (uint8_t)~0x12 && buf[25] == (uint8_t)~0x34,
	   "e1000: with the checksum inserted at TUCSO");

	/* hostile: a ring outside RAM, a buffer outside RAM */
	ew(t, 0x3800, 0xfff00000u);
	ew(t, 0x3810, 0);
	ew(t, 0x3818, 2);
	is_int(read(peer, buf, sizeof(buf)), -1, "e1000: a ring outside RAM sends nothing");
	ew(t, 0x3800, 0x1000);
	a = RAM - 16;
	memcpy(ring, &a, 8);
	ring[8] = 64;
	ring[11] = 0x01;
	ew(t, 0x3810, 0);
	ew(t, 0x3818, 1);
	is_int(read(peer, buf, sizeof(buf)), -1, "e1000: a buffer running out of RAM sends nothing");
}

/* Eight clean receive descriptors at 0x3000, 2 KiB buffers from 0x4000. */
static void e1000_ring_fill(uint8_t *ring)
{
	for (unsigned i = 0; i < 8; i++) {
		uint64_t a = 0x4000 + i * 2048;

		memset(ring + 16 * i, 0, 16);
		memcpy(ring + 16 * i, &a, 8);
	}
}

static void e1000_rx(struct dmt *t, int peer)
{
	uint8_t *ring = t->ram + 0x3000, f[100];
	uint32_t fcs;

	e1000_ring_fill(ring);
	ew(t, 0x2800, 0x3000);
	ew(t, 0x2808, 128);
	ew(t, 0x2818, 7);
	ew(t, 0x00d0, 0x80);                       /* IMS RXT0 */
	ew(t, 0x0100, 2 | 1u << 15 | 1u << 26);    /* EN, BAM, SECRC */
	memset(f, 0x33, sizeof(f));
	memcpy(f, bcast, 6);
	host_send(peer, f, 100);
	dmt_poll(t);
	ok(ring[12] == (1 | 2 | 4) && ring[8] == 100, "e1000: it lands in descriptor 0 (DD EOP)");
	ok(!memcmp(t->ram + 0x4000, f, 100), "e1000: with its bytes");
	is_int(er(t, 0x2810), 1, "e1000: RDH follows");
	is_int(t->rec.intx[4][0], 1, "e1000: RXT0 raises INTA");
	er(t, 0xc0);
	memcpy(f, mac1, 6);
	host_send(peer, f, 100);
	dmt_poll(t);
	is_int(er(t, 0x2810), 1, "e1000: a frame for another MAC is filtered");
	memcpy(f, mac0, 6);
	ew(t, 0x0100, 2 | 1u << 15);               /* keep the FCS */
	host_send(peer, f, 100);
	dmt_poll(t);
	fcs = net_crc32(f, 100);
	ok(ring[16 + 8] == 104 && !memcmp(t->ram + 0x4800 + 100, &fcs, 4),
	   "e1000: its own MAC, with the FCS appended without SECRC");
	is_int(net_crc32((const uint8_t *)"123456789", 9), 0xcbf43926, "the CRC is IEEE 802.3's");
	/* hostile: receive buffers outside RAM */
	memset(ring + 32, 0xff, 8);
	host_send(peer, f, 100);
	dmt_poll(t);
	is_int(ring[32 + 12], 0, "e1000: a buffer outside RAM gets nothing written");
	ew(t, 0x0100, 0);
}

/* A save takes the state while the guest's vCPUs are frozen: a frame that
 * arrives then stays in the tap (in guest memory it would be behind the
 * saved ring's back) until the guest, running again, touches the NIC. */
static void e1000_rx_after_save(struct dmt *t, int peer)
{
	uint8_t *ring = t->ram + 0x3000, f[100];
	struct dm_sbuf b = { 0 };

	e1000_ring_fill(ring);
	ew(t, 0x2810, 0);
	ew(t, 0x2818, 7);
	ew(t, 0x0100, 2 | 1u << 15 | 1u << 26);    /* EN, BAM, SECRC */
	is_int(dm_save(&t->dm, &b), 0, "e1000: the device model's state is taken");
	free(b.p);
	memset(f, 0x44, sizeof(f));
	memcpy(f, bcast, 6);
	host_send(peer, f, 100);
	dmt_poll(t);
	is_int(ring[12], 0, "e1000: a frame arriving after the save stays out of guest memory");
	er(t, 0x0008);                             /* STATUS: the guest runs again */
	dmt_poll(t);
	ok(ring[12] == (1 | 2 | 4) && t->ram[0x4000 + 50] == 0x44,
	   "e1000: the guest's next register access lets it in");
	ew(t, 0x0100, 0);
}

/* ---- rtl8139 ---- */

static uint16_t rtl_eeprom(struct dmt *t, unsigned addr)
{
	uint32_t cmd = 6u << 6 | addr;
	uint16_t w = 0;

	dmt_out(t, RIO + 0x50, 1, 0x80);
	dmt_out(t, RIO + 0x50, 1, 0x88);
	for (int i = 10; i >= 0; i--) {
		uint8_t di = (cmd >> i) & 1 ? 2 : 0;

		dmt_out(t, RIO + 0x50, 1, 0x88 | di);
		dmt_out(t, RIO + 0x50, 1, 0x8c | di);
	}
	dmt_out(t, RIO + 0x50, 1, 0x88);
	for (int i = 0; i < 16; i++) {
		dmt_out(t, RIO + 0x50, 1, 0x8c);
		w = (uint16_t)(w << 1 | (dmt_in(t, RIO + 0x50, 1) & 1));
		dmt_out(t, RIO + 0x50, 1, 0x88);
	}
	dmt_out(t, RIO + 0x50, 1, 0);
	return w;
}

static void rtl_regs(struct dmt *t)
{
	uint8_t idr[6];
	uint16_t w[3];

	is_int(dmt_cfg_read(t, RTL, 0, 4), 0x813910ec, "rtl8139: 10ec:8139 at 00:05.0");
	is_int(dmt_cfg_read(t, RTL, 8, 1), 0x10, "rtl8139: revision 0x10 (8139too, not 8139cp)");
	dmt_cfg_write(t, RTL, 0x10, 4, RIO);
	dmt_cfg_write(t, RTL, 0x04, 2, 7);
	dmt_out(t, RIO + 0x37, 1, 0x10);
	is_int(dmt_in(t, RIO + 0x37, 1) & 0x10, 0, "rtl8139: reset finishes at once");
	is_int(dmt_in(t, RIO + 0x40, 4) & 0x7cc00000, 0x74000000, "rtl8139: TCR says RTL8139C");
	is_int(rtl_eeprom(t, 0), 0x8129, "rtl8139: EEPROM word 0 by 9346CR pins");
	for (unsigned i = 0; i < 3; i++)
		w[i] = rtl_eeprom(t, 7 + i);
	for (unsigned i = 0; i < 6; i++)
		idr[i] = (uint8_t)dmt_in(t, RIO + i, 1);
	ok(!memcmp(w, mac1, 6) && !memcmp(idr, mac1, 6), "rtl8139: EEPROM words 7-9 and IDR: the MAC");
	is_int(dmt_in(t, RIO + 0x64, 2) & 4, 4, "rtl8139: BMSR link up");
}

static void rtl_tx(struct dmt *t, int peer)
{
	uint8_t buf[2048];

	memset(t->ram + 0x8000, 0x77, 60);
	dmt_out(t, RIO + 0x37, 1, 0x0c);           /* RE, TE */
	dmt_out(t, RIO + 0x3c, 2, 0x05);           /* IMR ROK, TOK */
	dmt_out(t, RIO + 0x20, 4, 0x8000);
	dmt_out(t, RIO + 0x10, 4, 60);
	is_int(read(peer, buf, sizeof(buf)), 60, "rtl8139: slot 0 sends its frame");
	is_int(dmt_in(t, RIO + 0x10, 4) & 0xa000, 0xa000, "rtl8139: TSD0 says OWN and TOK");
	is_int(t->rec.intx[5][0], 1, "rtl8139: TOK raises INTA");
	dmt_out(t, RIO + 0x3e, 2, 0x04);
	is_int(t->rec.intx[5][0], 0, "rtl8139: acknowledging ISR lowers it");
	dmt_out(t, RIO + 0x24, 4, 0xfff00000u);
	dmt_out(t, RIO + 0x14, 4, 60);
	is_int(read(peer, buf, sizeof(buf)), -1, "rtl8139: a buffer outside RAM sends nothing");
	dmt_out(t, RIO + 0x3e, 2, 0xffff);
}

static void rtl_rx(struct dmt *t, int peer)
{
	const uint8_t *ring = t->ram + 0x10000;
	uint8_t f[1514];
	unsigned got = 0, cur = 0;

	dmt_out(t, RIO + 0x30, 4, 0x10000);
	dmt_out(t, RIO + 0x44, 4, 0x02 | 0x08 | 0x80);   /* APM, AB, no wrap, 8 KiB */
	dmt_out(t, RIO + 0x38, 2, 0xfff0);
	is_int(dmt_in(t, RIO + 0x37, 1) & 1, 1, "rtl8139: the empty ring says BUFE");
	memset(f, 0x44, sizeof(f));
	memcpy(f, mac1, 6);
	for (int i = 0; i < 8; i++)
		host_send(peer, f, sizeof(f));
	dmt_poll(t);
	is_int(dmt_in(t, RIO + 0x37, 1) & 1, 0, "rtl8139: frames arrived");
	is_int(ring[0] | ring[1] << 8, 0x4001, "rtl8139: header: ROK, physical match");
	is_int(ring[2] | ring[3] << 8, 1518, "rtl8139: length with the FCS");
	ok(!memcmp(ring + 4, f, sizeof(f)), "rtl8139: the frame's bytes");
	is_int(t->rec.intx[5][0], 1, "rtl8139: ROK raises INTA");
	/* drain as 8139too does, freeing room: every frame arrives in the end */
	for (int rounds = 0; rounds < 20 && got < 8; rounds++) {
		while (!(dmt_in(t, RIO + 0x37, 1) & 1)) {
			unsigned len = ring[cur + 2] | ring[cur + 3] << 8;

			got += len == 1518;
			cur = ((cur + len + 4 + 3) & ~3u) % 8192;
			dmt_out(t, RIO + 0x38, 2, (uint16_t)(cur - 16));
		}
		dmt_poll(t);
	}
	is_int(got, 8, "rtl8139: a full 8 KiB ring holds frames back until CAPR frees room");
	is_int(dmt_in(t, RIO + 0x3a, 2), cur, "rtl8139: CBR is where the driver caught up");
	/* hostile: the ring outside RAM */
	dmt_out(t, RIO + 0x30, 4, 0xfff00000u);
	host_send(peer, f, sizeof(f));
	dmt_poll(t);
	is_int(dmt_in(t, RIO + 0x3a, 2), cur, "rtl8139: a ring outside RAM takes nothing");
}

int main(void)
{
	struct dmt t;
	int a[2], b[2];

	if (dmt_init(&t, RAM) < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, a) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, b) < 0) {
		skip_all("no memfd or socketpair");
		return 0;
	}
	t.cfg.nic[0] = (struct dm_nic){ "e1000", { 0 }, a[0] };
	t.cfg.nic[1] = (struct dm_nic){ "rtl8139", { 0 }, b[0] };
	memcpy(t.cfg.nic[0].mac, mac0, 6);
	memcpy(t.cfg.nic[1].mac, mac1, 6);
	t.cfg.nr_nics = 2;
	is_int(dmt_start(&t), 0, "devices created");
	is_int(dmt_cfg_read(&t, E1000, 0, 4), 0x100e8086, "e1000: 8086:100e at 00:04.0");
	is_int(dmt_cfg_read(&t, E1000, 0x0a, 2), 0x0200, "e1000: an Ethernet controller");
	dmt_cfg_write(&t, E1000, 0x10, 4, EBAR);
	dmt_cfg_write(&t, E1000, 0x04, 2, 7);
	e1000_eeprom_phy(&t);
	e1000_tx(&t, a[1]);
	e1000_rx(&t, a[1]);
	e1000_rx_after_save(&t, a[1]);
	rtl_regs(&t);
	rtl_tx(&t, b[1]);
	rtl_rx(&t, b[1]);
	dm_unplug(&t.dm, 1 << 1);                  /* XEN_UNPLUG_ALL_NICS */
	ok(dmt_cfg_read(&t, E1000, 0, 4) == 0xffffffffu && dmt_cfg_read(&t, RTL, 0, 4) == 0xffffffffu,
	   "the platform device's unplug takes both NICs off the bus");
	dmt_fini(&t);
	close(a[1]);
	close(b[1]);
	return tap_done();
}
