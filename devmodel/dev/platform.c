/* The Xen platform PCI device (00:03.0, reference §4.12): PV-on-HVM
 * drivers find it, check the magic on port 0x10, say who they are and
 * unplug the emulated disks and NICs they replace. Port 0x12 also takes
 * log text. BAR1 is the space where the guest maps its shared info and
 * grant frames (vmhv's business): the device model serves nothing there. */
#include "devmodel/dev/debugcon.h"
#include "devmodel/dm_save.h"

#include "common/log.h"
#include "common/util.h"
#include "vmctl/xen/hvm/platform_pci.h"

#include <errno.h>
#include <stdlib.h>

struct platform {
	struct pci_dev pci;
	struct dm *dm;
	uint16_t product;
	uint32_t build;
	uint8_t flags;
	struct debug_line log;
};

static uint64_t port_read(void *opaque, uint64_t off, unsigned size)
{
	struct platform *p = opaque;

	if (off == 0 && size == 2)
		return XEN_IOPORT_MAGIC_VAL;
	if (off == 0 && size == 1)
		return p->flags;
	if (off == 2 && size == 1)
		return XEN_IOPORT_PROTOVER_VAL;
	return bus_ones(size);
}

static void port_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct platform *p = opaque;

	if (off == 0 && size == 2) {
		log_info("platform: guest unplugs %#x", (unsigned)val);
		dm_unplug(p->dm, (unsigned)val);
	} else if (off == 0 && size == 4) {
		p->build = (uint32_t)val;
		log_info("platform: PV drivers product %u build %u", p->product, p->build);
	} else if (off == 0 && size == 1) {
		p->flags = (uint8_t)val;
	} else if (off == 2 && size == 2) {
		p->product = (uint16_t)val;
	} else if (off == 2 && size == 1) {
		debug_line_put(&p->log, p->dm->cfg->debug_fd, (uint8_t)val);
	}
}

static const struct bus_ops port_ops = { port_read, port_write };
/* BAR0 (I/O) and BAR1 (memory) have nothing behind them */
static const struct bus_ops empty_ops = { NULL, NULL };

static void platform_destroy(void *state)
{
	struct platform *p = state;

	bus_release(&p->dm->bus, BUS_PIO, XEN_PLATFORM_IOPORT, p);
	if (p->pci.bus)
		pci_bus_remove(p->pci.bus, &p->pci);
	free(p);
}

static int platform_create(struct dm *dm, void **state)
{
	struct platform *p;
	int rc;

	if (!dm->cfg->platform_pci)
		return 1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->dm = dm;
	p->log.port = XEN_IOPORT_LOG;
	pci_dev_init(&p->pci, "xen-platform", XEN_PLATFORM_VENDOR_ID, XEN_PLATFORM_DEVICE_ID,
		     XEN_PLATFORM_CLASS << 8, XEN_PLATFORM_REVISION, 1, NULL);
	pci_set16(&p->pci, PCI_SUBSYS_VENDOR, XEN_PLATFORM_SUBSYS_VENDOR);
	pci_set16(&p->pci, PCI_SUBSYS_ID, XEN_PLATFORM_SUBSYS_ID);
	pci_bar_init(&p->pci, 0, XEN_PLATFORM_BAR0_IO_SIZE, true, false, &empty_ops, p);
	pci_bar_init(&p->pci, 1, XEN_PLATFORM_BAR1_MEM_SIZE, false, true, &empty_ops, p);
	rc = bus_claim(&dm->bus, BUS_PIO, XEN_PLATFORM_IOPORT, XEN_PLATFORM_IOPORT_SIZE,
		       &port_ops, p, "xen-platform");
	if (rc == 0)
		rc = pci_bus_add(&dm->pci, &p->pci, 3 << 3);
	if (rc < 0) {
		platform_destroy(p);
		return rc;
	}
	*state = p;
	return 0;
}

const struct dm_dev_type dev_platform = {
	.name = "platform",
	.create = platform_create,
	.destroy = platform_destroy,
};

/* ---- save and restore (devmodel/dm_save.h) ---- */

struct platform_wire {
	uint32_t build;
	uint16_t product;
	uint8_t flags;
	uint8_t pad;
};
_Static_assert(sizeof(struct platform_wire) == 8, "platform_wire size");

int platform_save(void *state, struct dm_sbuf *b)
{
	const struct platform *p = state;
	struct platform_wire w = { .build = p->build, .product = p->product, .flags = p->flags };

	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

/* The unplug itself comes back with the IDE drives' state. */
int platform_load(void *state, const void *body, size_t len)
{
	struct platform *p = state;
	const struct platform_wire *w = body;

	if (len != sizeof(*w))
		return -EINVAL;
	p->build = w->build;
	p->product = w->product;
	p->flags = w->flags;
	return 0;
}
