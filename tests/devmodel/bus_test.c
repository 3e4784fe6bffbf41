/* The device model's bus, ioreq semantics and PCI core, driven through
 * io_handle() as vmhv's ioreqs are. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include <errno.h>
#include <string.h>

/* A test device: 16 bytes of registers, every access logged. */
struct regs {
	uint8_t mem[16];
	unsigned reads, writes;
	uint64_t last_off;
	unsigned last_size;
};

static uint64_t regs_read(void *opaque, uint64_t off, unsigned size)
{
	struct regs *r = opaque;
	uint64_t v = 0;

	r->reads++;
	r->last_off = off;
	r->last_size = size;
	memcpy(&v, &r->mem[off], size);
	return v;
}

static void regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct regs *r = opaque;

	r->writes++;
	r->last_off = off;
	r->last_size = size;
	memcpy(&r->mem[off], &val, size);
}

static const struct bus_ops regs_ops = { regs_read, regs_write };

static void test_bus(void)
{
	struct bus b;
	struct regs a = { 0 }, c = { 0 };
	uint64_t v;

	bus_init(&b);
	is_int(bus_claim(&b, BUS_PIO, 0x100, 16, &regs_ops, &a, "a"), 0, "claim");
	is_int(bus_claim(&b, BUS_PIO, 0x10f, 4, &regs_ops, &c, "c"), -EBUSY, "overlap refused");
	is_int(bus_claim(&b, BUS_PIO, 0xf0, 0x11, &regs_ops, &c, "c"), -EBUSY, "overlap from below refused");
	is_int(bus_claim(&b, BUS_PIO, 0, 0, &regs_ops, &c, "c"), -EINVAL, "empty region refused");
	is_int(bus_claim(&b, BUS_MMIO, ~0ull - 1, 4, &regs_ops, &c, "c"), -EINVAL, "wrapping region refused");
	is_int(bus_claim(&b, (enum bus_space)7, 0, 4, &regs_ops, &c, "c"), -EINVAL, "bad space refused");
	is_int(bus_claim(&b, BUS_PIO, 0xf0, 0x10, &regs_ops, &c, "c"), 0, "adjacent claim");
	is_int(bus_write(&b, BUS_PIO, 0x104, 4, 0x11223344), 0, "write");
	ok(a.writes == 1 && a.last_off == 4 && a.last_size == 4, "reached a at offset 4");
	is_int(bus_read(&b, BUS_PIO, 0x105, 2, &v), 0, "read");
	is_int(v, 0x2233, "read back the middle");
	is_int(bus_read(&b, BUS_PIO, 0x10e, 4, &v), -ENOENT, "access past the region's end");
	is_int(v, 0xffffffff, "reads all ones");
	is_int(bus_read(&b, BUS_PIO, 0x200, 2, &v), -ENOENT, "unclaimed");
	is_int(v, 0xffff, "reads all ones");
	is_int(bus_read(&b, BUS_PIO, 0x100, 3, &v), -EINVAL, "size 3 refused");
	is_int(bus_move(&b, BUS_PIO, 0x100, &a, 0xf8), -EBUSY, "move onto another refused");
	is_int(bus_move(&b, BUS_PIO, 0x100, &a, 0x108), 0, "move overlapping itself");
	ok(bus_find(&b, BUS_PIO, 0x117) && bus_find(&b, BUS_PIO, 0x117)->opaque == &a, "found at the new place");
	ok(bus_find(&b, BUS_PIO, 0x107) == NULL, "gone from the old");
	is_int(bus_release(&b, BUS_PIO, 0x108, &c), -ENOENT, "release by the wrong owner refused");
	is_int(bus_release(&b, BUS_PIO, 0x108, &a), 0, "release");
	is_int(bus_read(&b, BUS_PIO, 0x108, 1, &v), -ENOENT, "released");
	bus_dispose(&b);
}

static void test_io(struct dmt *t)
{
	struct regs r = { 0 };
	uint64_t d;
	uint16_t words[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };

	is_int(bus_claim(&t->dm.bus, BUS_PIO, 0x300, 16, &regs_ops, &r, "r"), 0, "claim 0x300");
	is_int(bus_claim(&t->dm.bus, BUS_MMIO, 0xfe000000, 16, &regs_ops, &r, "r"), 0, "claim MMIO");
	for (unsigned s = 1; s <= 4; s *= 2) {
		dmt_out(t, 0x300, s, 0xa5a5a5a5u);
		ok(r.last_size == s && dmt_in(t, 0x300, s) == (0xa5a5a5a5u & (uint32_t)bus_ones(s)),
		   "port size %u", s);
	}
	/* rep outsw from guest memory */
	memcpy(t->ram + 0x1000, words, sizeof(words));
	d = 0x1000;
	r.writes = 0;
	is_int(dmt_io(t, IO_PIO, IO_WRITE, 0x302, 2, 4, &d, 1, 0), 0, "rep outsw");
	ok(r.writes == 4 && r.last_off == 2, "four writes to the same port");
	is_int(r.mem[2] | r.mem[3] << 8, 0x4444, "the last word last");
	/* rep insw with df: the buffer fills downwards */
	memset(t->ram + 0x2000, 0, 16);
	d = 0x2006;
	r.mem[2] = 0x77;
	r.mem[3] = 0x66;
	is_int(dmt_io(t, IO_PIO, IO_READ, 0x302, 2, 4, &d, 1, 1), 0, "rep insw, df set");
	ok(t->ram[0x2000] == 0x77 && t->ram[0x2006] == 0x77 && t->ram[0x2007] == 0x66,
	   "buffer filled from 0x2006 down to 0x2000");
	/* MMIO rep movs: addresses step */
	memcpy(t->ram + 0x3000, "abcdefgh", 8);
	d = 0x3000;
	is_int(dmt_io(t, IO_MMIO, IO_WRITE, 0xfe000004, 4, 2, &d, 1, 0), 0, "MMIO rep write");
	ok(memcmp(&r.mem[4], "abcdefgh", 8) == 0, "addresses stepped by the size");
	d = 0x5a;
	is_int(dmt_io(t, IO_MMIO, IO_WRITE, 0xfe000000, 1, 4, &d, 0, 0), 0, "rep stosb without a pointer");
	ok(memcmp(r.mem, "\x5a\x5a\x5a\x5a", 4) == 0, "the value repeated");
	is_int(dmt_mmio_read(t, 0xfe000008, 8), 0x68676665, "8-byte MMIO read");
	/* hostile requests are refused whole */
	r.writes = r.reads = 0;
	d = 0x1000;
	is_int(dmt_io(t, IO_PIO, IO_WRITE, 0x300, 2, 0, &d, 1, 0), -E2BIG, "count 0 refused");
	is_int(dmt_io(t, IO_PIO, IO_WRITE, 0x300, 2, 0xffffffff, &d, 1, 0), -E2BIG, "count 2^32-1 refused");
	is_int(dmt_io(t, IO_PIO, IO_WRITE, 0x300, 3, 1, &d, 0, 0), -EINVAL, "size 3 refused");
	is_int(dmt_io(t, IO_PIO, IO_WRITE, 0x300, 16, 1, &d, 0, 0), -EINVAL, "size 16 refused");
	d = t->ram_size - 4;
	is_int(dmt_io(t, IO_PIO, IO_READ, 0x300, 4, 2, &d, 1, 0), -EFAULT, "buffer past the end of RAM refused");
	d = 2;
	is_int(dmt_io(t, IO_PIO, IO_READ, 0x300, 4, 2, &d, 1, 1), -EFAULT, "df buffer below 0 refused");
	d = ~0ull - 2;
	is_int(dmt_io(t, IO_MMIO, IO_WRITE, 0xfe000000, 4, 4096, &d, 1, 0), -EFAULT, "wrapping buffer refused");
	d = 0;
	is_int(dmt_io(t, 9, IO_READ, 0x300, 4, 1, &d, 0, 0), -EINVAL, "unknown type refused");
	ok(d == ~0ull, "and reads all ones");
	d = 0;
	is_int(dmt_io(t, IO_PCI, IO_READ, 0, 4, 1, &d, 1, 0), -EINVAL, "PCI with a pointer refused");
	ok(r.writes == 0 && r.reads == 0, "no refused request reached the device");
	d = 0;
	is_int(dmt_io(t, IO_PIO, IO_READ, 0x9999, 2, 1, &d, 0, 0), 0, "unclaimed port served");
	is_int(d, 0xffff, "as all ones");
	bus_release(&t->dm.bus, BUS_PIO, 0x300, &r);
	bus_release(&t->dm.bus, BUS_MMIO, 0xfe000000, &r);
}

/* A PCI device with an I/O BAR and a memory BAR. */
struct tdev {
	struct pci_dev pci;
	struct regs io, mem;
};

static void test_pci(struct dmt *t)
{
	static struct tdev td;
	const unsigned fn = 5 << 3;
	uint64_t v;

	pci_dev_init(&td.pci, "tdev", 0x1234, 0x5678, 0x020000, 1, 2, NULL);
	is_int(pci_bar_init(&td.pci, 0, 16, true, false, &regs_ops, &td.io), 0, "I/O BAR");
	is_int(pci_bar_init(&td.pci, 1, 4096, false, false, &regs_ops, &td.mem), 0, "memory BAR");
	is_int(pci_bar_init(&td.pci, 2, 24, false, false, &regs_ops, &td.mem), -EINVAL, "size not a power of two refused");
	is_int(pci_bus_add(&t->dm.pci, &td.pci, fn), 0, "add at 00:05.0");
	is_int(pci_bus_add(&t->dm.pci, &td.pci, fn), -EBUSY, "slot taken");
	is_int(dmt_cfg_read(t, fn, 0, 4), 0x56781234, "ids through 0xcf8/0xcfc");
	is_int(dmt_cfg_read(t, fn, 2, 2), 0x5678, "device id as a word at 0xcfe");
	is_int(dmt_cfg_read(t, fn, 0xb, 1), 0x02, "class byte");
	is_int(dmt_cfg_read(t, 6 << 3, 0, 4), 0xffffffff, "empty slot reads all ones");
	dmt_out(t, 0xcf8, 4, 0x00000000);
	is_int(dmt_in(t, 0xcfc, 4), 0xffffffff, "config disabled (bit 31 clear): all ones");
	/* sizing */
	dmt_cfg_write(t, fn, 0x10, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, fn, 0x10, 4), 0xfffffff1, "I/O BAR size mask");
	dmt_cfg_write(t, fn, 0x14, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, fn, 0x14, 4), 0xfffff000, "memory BAR size mask");
	dmt_cfg_write(t, fn, 0x18, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, fn, 0x18, 4), 0, "absent BAR reads 0");
	/* place and enable */
	dmt_cfg_write(t, fn, 0x10, 4, 0xc000);
	dmt_cfg_write(t, fn, 0x14, 4, 0xfebf0000);
	ok(bus_find(&t->dm.bus, BUS_PIO, 0xc000) == NULL, "not decoded before the command bit");
	dmt_cfg_write(t, fn, 0x04, 2, PCI_CMD_IO | PCI_CMD_MEMORY);
	dmt_out(t, 0xc004, 4, 0xdeadbeef);
	is_int(td.io.last_off, 4, "I/O BAR decodes at 0xc000");
	dmt_mmio_write(t, 0xfebf0008, 4, 7);
	is_int(td.mem.last_off, 8, "memory BAR decodes at 0xfebf0000");
	dmt_cfg_write(t, fn, 0x10, 4, 0xc100);
	ok(bus_find(&t->dm.bus, BUS_PIO, 0xc100) && !bus_find(&t->dm.bus, BUS_PIO, 0xc000), "BAR moved");
	dmt_cfg_write(t, fn, 0x04, 2, PCI_CMD_MEMORY);
	ok(!bus_find(&t->dm.bus, BUS_PIO, 0xc100), "I/O decode off unmaps");
	dmt_cfg_write(t, fn, 0x14, 4, 0xfffff000);
	ok(!bus_find(&t->dm.bus, BUS_MMIO, 0xfffff000), "a BAR at the top of 4 GiB is not mapped");
	dmt_cfg_write(t, fn, 0x14, 4, 0xfebf0000);
	/* a config write through a PCI_CONFIG ioreq */
	v = PCI_CMD_IO | PCI_CMD_MEMORY;
	is_int(dmt_io(t, IO_PCI, IO_WRITE, (uint64_t)fn << 32 | 4, 2, 1, &v, 0, 0), 0, "PCI_CONFIG write");
	ok(bus_find(&t->dm.bus, BUS_PIO, 0xc100) != NULL, "took effect");
	v = 0;
	is_int(dmt_io(t, IO_PCI, IO_READ, (uint64_t)(1u << 16 | fn) << 32, 4, 1, &v, 0, 0), 0, "segment 1");
	is_int(v, 0xffffffff, "is empty");
	v = 0;
	dmt_io(t, IO_PCI, IO_READ, (uint64_t)fn << 32 | 3, 2, 1, &v, 0, 0);
	is_int(v, 0xffff, "misaligned config read answers all ones");
	/* INTx */
	is_int(dmt_cfg_read(t, fn, 0x3d, 1), 2, "pin B");
	pci_set_irq(&td.pci, 1);
	is_int(t->rec.intx[5][1], 1, "INTB of device 5 raised");
	is_int(t->rec.isa[11], 0, "link B not routed: no ISA IRQ");
	pci_bus_route(&t->dm.pci, 1, 11);
	is_int(t->rec.isa[11], 1, "routing link B (device 5 INTB: (5 - 1 + 1) & 3) to IRQ 11 raises it");
	pci_bus_route(&t->dm.pci, 1, 10);
	ok(t->rec.isa[11] == 0 && t->rec.isa[10] == 1, "rerouted to IRQ 10: 11 drops, 10 rises");
	ok(dmt_cfg_read(t, fn, 0x06, 2) & PCI_STATUS_INTX, "status shows it");
	dmt_cfg_write(t, fn, 0x04, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_INTX_OFF);
	is_int(t->rec.intx[5][1], 0, "INTx disable lowers the wire");
	dmt_cfg_write(t, fn, 0x04, 2, PCI_CMD_IO | PCI_CMD_MEMORY);
	is_int(t->rec.intx[5][1], 1, "and enable raises it again");
	pci_set_irq(&td.pci, 0);
	is_int(t->rec.intx[5][1], 0, "lowered");
	is_int(t->rec.isa[10], 0, "and its ISA IRQ with it");
	pci_bus_remove(&t->dm.pci, &td.pci);
	ok(!bus_find(&t->dm.bus, BUS_PIO, 0xc100) && !bus_find(&t->dm.bus, BUS_MMIO, 0xfebf0000),
	   "removal unmaps its BARs");
	is_int(dmt_cfg_read(t, fn, 0, 4), 0xffffffff, "and empties the slot");
}

/* The hvm engine's layout: RAM past low_end lives at 4 GiB. */
static void test_gmem(void)
{
	static uint8_t ram[0x3000];
	struct gmem g = { .base = ram, .size = sizeof(ram), .low_end = 0x1000 };

	ok(gmem_ptr(&g, 0x800, 0x800) == ram + 0x800, "low RAM: gpa = offset");
	ok(gmem_ptr(&g, 0xf00, 0x200) == NULL, "a range into the PCI hole is refused");
	ok(gmem_ptr(&g, 0x2000, 4) == NULL, "the hole itself is not RAM");
	ok(gmem_ptr(&g, 1ull << 32, 0x2000) == ram + 0x1000, "4 GiB is the file's offset low_end");
	ok(gmem_ptr(&g, (1ull << 32) + 0x1f00, 0x200) == NULL, "past the end of high RAM refused");
	ok(gmem_ptr(&g, ~0ull - 1, 4) == NULL, "a wrapping range refused");
}

int main(void)
{
	struct dmt t;

	test_bus();
	test_gmem();
	if (dmt_init(&t, 1 << 20) < 0) {
		skip_all("no memfd");
		return 0;
	}
	is_int(dmt_start(&t), 0, "devices created");
	test_io(&t);
	test_pci(&t);
	dmt_fini(&t);
	return tap_done();
}
