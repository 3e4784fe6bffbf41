/* PCI configuration space, BAR mapping and INTx for bus 0. */
#include "devmodel/pci.h"

#include "common/log.h"

#include <errno.h>
#include <string.h>

#define CF8_ENABLE 0x80000000u
#define RCR_RESET  0x04

void pci_bus_init(struct pci_bus *pb, struct bus *bus, const struct dm_host *host)
{
	memset(pb, 0, sizeof(*pb));
	pb->bus = bus;
	pb->host = host;
}

void pci_bus_dispose(struct pci_bus *pb)
{
	for (unsigned i = 0; i < 256; i++)
		if (pb->dev[i])
			pci_bus_remove(pb, pb->dev[i]);
}

void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t revision, uint8_t pin, const struct pci_dev_ops *ops)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->ops = ops;
	pci_set16(d, PCI_VENDOR_ID, vendor);
	pci_set16(d, PCI_DEVICE_ID, device);
	d->cfg[PCI_REVISION] = revision;
	d->cfg[PCI_CLASS_PROG] = (uint8_t)class;
	pci_set16(d, PCI_CLASS_DEVICE, (uint16_t)(class >> 8));
	d->cfg[PCI_INTERRUPT_PIN] = pin;
	/* QEMU's default subsystem (Red Hat, "QEMU virtual machine") unless the
	 * device sets its own: SeaBIOS reads it on 00:00.0 to know it runs on
	 * QEMU's i440FX ("Running on QEMU (i440fx)"). */
	pci_set16(d, PCI_SUBSYS_VENDOR, PCI_SUBSYS_VENDOR_QEMU);
	pci_set16(d, PCI_SUBSYS_ID, PCI_SUBSYS_ID_QEMU);
	/* command: I/O, memory, bus master, INTx disable */
	pci_set16(d, PCI_COMMAND, 0);
	d->wmask[PCI_COMMAND] = 0x07;
	d->wmask[PCI_COMMAND + 1] = 0x04;
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

static unsigned bar_reg(unsigned n)
{
	return n == PCI_ROM_BAR ? PCI_ROM_ADDRESS : PCI_BAR0 + 4 * n;
}

/* The address bits of BAR n (the ROM's enable bit is writable too). */
static uint32_t bar_mask(const struct pci_bar *b, unsigned n)
{
	if (n == PCI_ROM_BAR)
		return (uint32_t)~(b->size - 1) & ~0x7ffu;
	return (uint32_t)~(b->size - 1) & (b->io ? ~3u : ~15u);
}

int pci_bar_init(struct pci_dev *d, unsigned n, uint64_t size, bool io, bool prefetch,
		 const struct bus_ops *ops, void *opaque)
{
	struct pci_bar *b;
	uint32_t low;

	if (n >= PCI_NBARS || size < (io ? 4u : 16u) || (size & (size - 1)) ||
	    size > (io ? 0x10000u : 0x80000000u) || (n == PCI_ROM_BAR && (io || size < 0x800)))
		return -EINVAL;
	b = &d->bar[n];
	*b = (struct pci_bar){ .size = size, .io = io, .ops = ops, .opaque = opaque };
	low = io ? PCI_BAR_IO : (prefetch ? PCI_BAR_MEM_PREFETCH : 0);
	pci_set32(d, bar_reg(n), low);
	for (unsigned i = 0; i < 4; i++)
		d->wmask[bar_reg(n) + i] = (uint8_t)(bar_mask(b, n) >> (8 * i));
	if (n == PCI_ROM_BAR)
		d->wmask[PCI_ROM_ADDRESS] |= 1;
	return 0;
}

/* Where BAR n should be on the bus now, or false for nowhere. A BAR that
 * holds the sizing pattern or reaches the top of its space is unmapped
 * (firmware writes all ones before it places it). */
static bool bar_target(const struct pci_dev *d, unsigned n, uint64_t *base)
{
	const struct pci_bar *b = &d->bar[n];
	uint16_t cmd = pci_get16(d, PCI_COMMAND);
	uint32_t reg = pci_get32(d, bar_reg(n));
	uint64_t addr = reg & bar_mask(b, n);
	uint64_t limit = b->io ? 0x10000 : 0xffffffffull;

	if (!(cmd & (b->io ? PCI_CMD_IO : PCI_CMD_MEMORY)))
		return false;
	if (n == PCI_ROM_BAR && !(reg & 1))
		return false;
	if (addr == 0 || addr + b->size > limit)
		return false;
	*base = addr;
	return true;
}

static void bar_update(struct pci_dev *d, unsigned n)
{
	struct pci_bar *b = &d->bar[n];
	enum bus_space sp = b->io ? BUS_PIO : BUS_MMIO;
	struct bus *bus = d->bus->bus;
	uint64_t base = 0;
	bool want = bar_target(d, n, &base);
	int rc;

	if (b->mapped && want && base == b->base)
		return;
	if (b->mapped) {
		bus_release(bus, sp, b->base, b->opaque);
		b->mapped = false;
	}
	if (!want)
		return;
	rc = bus_claim(bus, sp, base, b->size, b->ops, b->opaque, d->name);
	if (rc < 0) {
		log_warn("pci %s: BAR%u at %#llx: %s", d->name, n,
			 (unsigned long long)base, strerror(-rc));
		return;
	}
	b->mapped = true;
	b->base = base;
}

static void bars_update(struct pci_dev *d)
{
	for (unsigned n = 0; n < PCI_NBARS; n++)
		if (d->bar[n].size)
			bar_update(d, n);
}

int pci_bus_add(struct pci_bus *pb, struct pci_dev *d, unsigned devfn)
{
	if (devfn > 255)
		return -EINVAL;
	if (pb->dev[devfn])
		return -EBUSY;
	pb->dev[devfn] = d;
	d->bus = pb;
	d->devfn = (uint8_t)devfn;
	/* a multi-function device says so in function 0's header */
	if ((devfn & 7) && pb->dev[devfn & ~7u])
		pb->dev[devfn & ~7u]->cfg[PCI_HEADER_TYPE] |= 0x80;
	return 0;
}

void pci_bus_remove(struct pci_bus *pb, struct pci_dev *d)
{
	pci_set_irq(d, 0);
	pci_set16(d, PCI_COMMAND, 0);
	bars_update(d);
	pb->dev[d->devfn] = NULL;
}

static bool cfg_access_ok(unsigned reg, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && reg < 256 && !(reg & (size - 1));
}

int pci_cfg_read(struct pci_bus *pb, unsigned bus, unsigned devfn, unsigned reg,
		 unsigned size, uint32_t *val)
{
	struct pci_dev *d = bus == 0 && devfn < 256 ? pb->dev[devfn] : NULL;
	uint32_t v = 0;

	*val = (uint32_t)bus_ones(size);
	if (!cfg_access_ok(reg, size))
		return -EINVAL;
	if (!d)
		return 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)d->cfg[reg + i] << (8 * i);
	if (d->ops && d->ops->cfg_read)
		v = d->ops->cfg_read(d, reg, size, v);
	*val = v & (uint32_t)bus_ones(size);
	return 0;
}

static bool touches(unsigned reg, unsigned size, unsigned lo, unsigned hi)
{
	return reg < hi && reg + size > lo;
}

int pci_cfg_write(struct pci_bus *pb, unsigned bus, unsigned devfn, unsigned reg,
		  unsigned size, uint32_t val)
{
	struct pci_dev *d = bus == 0 && devfn < 256 ? pb->dev[devfn] : NULL;

	if (!cfg_access_ok(reg, size))
		return -EINVAL;
	if (!d)
		return 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t m = d->wmask[reg + i], b = (uint8_t)(val >> (8 * i));

		d->cfg[reg + i] = (uint8_t)((d->cfg[reg + i] & ~m) | (b & m));
	}
	if (touches(reg, size, PCI_COMMAND, PCI_COMMAND + 2) ||
	    touches(reg, size, PCI_BAR0, PCI_BAR0 + 24) ||
	    touches(reg, size, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
		bars_update(d);
	if (touches(reg, size, PCI_COMMAND + 1, PCI_COMMAND + 2))
		pci_set_irq(d, d->intx);  /* INTx disable may have changed */
	if (d->ops && d->ops->cfg_write)
		d->ops->cfg_write(d, reg, size, val);
	return 0;
}

/* 0xcf8..0xcfb: the address register (dword), with 0xcf9 as PIIX3's reset
 * control register for byte accesses. */
static uint64_t cf8_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_bus *pb = opaque;

	if (off == 0 && size == 4)
		return pb->cf8;
	return 0;
}

static void cf8_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct pci_bus *pb = opaque;

	if (off == 0 && size == 4)
		pb->cf8 = (uint32_t)val & 0x80fffffcu;
	else if (off == 1 && size == 1 && (val & RCR_RESET))
		dm_host_shutdown(pb->host, DM_SHUTDOWN_REBOOT);
}

static bool cfc_target(const struct pci_bus *pb, uint64_t off, unsigned *bus,
		       unsigned *devfn, unsigned *reg)
{
	if (!(pb->cf8 & CF8_ENABLE))
		return false;
	*bus = (pb->cf8 >> 16) & 0xff;
	*devfn = (pb->cf8 >> 8) & 0xff;
	*reg = (pb->cf8 & 0xfc) + (unsigned)off;
	return true;
}

static uint64_t cfc_read(void *opaque, uint64_t off, unsigned size)
{
	struct pci_bus *pb = opaque;
	unsigned bus, devfn, reg;
	uint32_t v = (uint32_t)bus_ones(size);

	if (cfc_target(pb, off, &bus, &devfn, &reg))
		pci_cfg_read(pb, bus, devfn, reg, size, &v);
	return v;
}

static void cfc_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct pci_bus *pb = opaque;
	unsigned bus, devfn, reg;

	if (cfc_target(pb, off, &bus, &devfn, &reg))
		pci_cfg_write(pb, bus, devfn, reg, size, (uint32_t)val);
}

static const struct bus_ops cf8_ops = { cf8_read, cf8_write };
static const struct bus_ops cfc_ops = { cfc_read, cfc_write };

int pci_host_claim(struct pci_bus *pb)
{
	int rc = bus_claim(pb->bus, BUS_PIO, 0xcf8, 4, &cf8_ops, pb, "pci-addr");

	if (rc == 0)
		rc = bus_claim(pb->bus, BUS_PIO, 0xcfc, 4, &cfc_ops, pb, "pci-data");
	return rc;
}

static void pci_link_change(struct pci_bus *pb, unsigned link, bool up)
{
	unsigned before = pb->asserted[link];

	if (up)
		pb->asserted[link]++;
	else if (pb->asserted[link])
		pb->asserted[link]--;
	if (pb->route[link] && (before == 0) != (pb->asserted[link] == 0))
		dm_host_isa_irq(pb->host, pb->route[link], pb->asserted[link] != 0);
}

void pci_set_irq(struct pci_dev *d, int level)
{
	uint8_t pin = d->cfg[PCI_INTERRUPT_PIN];
	bool off = pci_get16(d, PCI_COMMAND) & PCI_CMD_INTX_OFF;
	bool now;

	d->intx = level != 0;
	if (pin < 1 || pin > 4 || !d->bus)
		return;
	/* the status bit shows the device's own line, the wire sees it only
	 * while INTx is enabled */
	now = d->intx && !off;
	if (d->intx)
		d->cfg[PCI_STATUS] |= PCI_STATUS_INTX;
	else
		d->cfg[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTX;
	if (now == d->wire)
		return;
	d->wire = now;
	dm_host_pci_intx(d->bus->host, d->devfn >> 3, pin - 1u, now);
	/* pin is 1-based: link (device - 1 + pin - 1) & 3 */
	pci_link_change(d->bus, ((d->devfn >> 3) + pin + 2u) & 3, now);
}

void pci_bus_route(struct pci_bus *pb, unsigned link, unsigned irq)
{
	if (link > 3 || irq > 15 || pb->route[link] == irq)
		return;
	if (pb->asserted[link] && pb->route[link])
		dm_host_isa_irq(pb->host, pb->route[link], 0);
	pb->route[link] = (uint8_t)irq;
	if (pb->asserted[link] && irq)
		dm_host_isa_irq(pb->host, irq, 1);
}
