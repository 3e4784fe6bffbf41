/* A guest hammering everything, at the device model's level: every port
 * with random writes and reads of every size, every PCI function's whole
 * configuration space (BARs moved to random places, ROMs enabled), random
 * MMIO in every claimed region, then random ioreqs (types, sizes, counts,
 * pointers, directions). The process must survive (ASan in CI) and the
 * machine must still answer sanely after a reset. A fixed seed makes a
 * failure repeatable. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const unsigned sizes[] = { 1, 2, 4 };

static void hammer_ports(struct dmt *t)
{
	for (unsigned port = 0; port < 0x10000; port++) {
		unsigned s = sizes[rnd() % 3];

		dmt_out(t, (uint16_t)port, s, (uint32_t)rnd());
		dmt_in(t, (uint16_t)port, s);
	}
}

static void hammer_pci(struct dmt *t)
{
	for (unsigned devfn = 0; devfn < 32; devfn++)
		for (unsigned reg = 0; reg < 256; reg += 1 + (unsigned)(rnd() % 3)) {
			unsigned s = sizes[rnd() % 3];
			uint32_t v = (uint32_t)rnd();

			if (rnd() % 4 == 0)
				v = 0xffffffff;   /* sizing */
			dmt_cfg_write(t, devfn, reg & ~(s - 1), s, v);
			dmt_cfg_read(t, devfn, reg & ~(s - 1), s);
		}
}

static void hammer_mmio(struct dmt *t)
{
	struct bus_space_tab *tab = &t->dm.bus.space[BUS_MMIO];

	for (unsigned i = 0; i < 20000; i++) {
		const struct bus_region *r;
		uint64_t addr;
		unsigned s = 1u << (rnd() % 4);

		if (!tab->n)
			return;
		r = &tab->r[rnd() % tab->n];
		addr = r->base + rnd() % (r->len + 16);
		dmt_mmio_write(t, addr, s, rnd());
		dmt_mmio_read(t, addr, s);
	}
}

static void hammer_ioreqs(struct dmt *t)
{
	for (unsigned i = 0; i < 100000; i++) {
		uint64_t data = rnd() % 3 ? rnd() % t->ram_size : rnd();
		uint64_t addr = rnd() % 2 ? rnd() % 0x10000 : (rnd() % 2 ? 0xa0000 + rnd() % 0x20000 : rnd());
		unsigned size = rnd() % 10;
		uint32_t count = rnd() % 4 ? (uint32_t)(rnd() % 64) : (uint32_t)rnd();

		dmt_io(t, (uint8_t)(rnd() % 4), (uint8_t)(rnd() % 2), addr, size, count, &data,
		       (int)(rnd() % 2), (int)(rnd() % 2));
	}
}

int main(void)
{
	char disk[] = "/tmp/dm-hammer-XXXXXX";
	int fd = mkstemp(disk);
	struct dmt t;

	if (fd < 0 || ftruncate(fd, 1 << 20) < 0 || dmt_init(&t, 4 << 20) < 0) {
		skip_all("no temp file or memfd");
		return 0;
	}
	close(fd);
	t.cfg.disk[0].path = disk;
	t.cfg.disk[2].path = disk;
	t.cfg.disk[2].cdrom = true;
	t.cfg.vram_mb = 16;
	t.cfg.acpi = true;
	t.cfg.platform_pci = true;
	is_int(dmt_start(&t), 0, "a full machine");
	hammer_ports(&t);
	diag("every port written and read");
	hammer_pci(&t);
	diag("every configuration register of every slot");
	hammer_mmio(&t);
	diag("random MMIO in every claimed region");
	hammer_ioreqs(&t);
	diag("100000 random ioreqs");
	dm_reset(&t.dm);
	is_int(dmt_cfg_read(&t, 0, 0, 4), 0x12378086, "survived; after a reset the host bridge answers");
	dmt_out(&t, 0x3ff, 1, 0x5a);
	is_int(dmt_in(&t, 0x3ff, 1), 0x5a, "and the UART's scratch register works");
	dmt_fini(&t);
	unlink(disk);
	return tap_done();
}
