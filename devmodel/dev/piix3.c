/* The PIIX3 PCI-to-ISA bridge (00:01.0): PCI interrupt routing (PIRQRC,
 * 0x60..0x63: bit 7 disables the link, bits 3:0 name the ISA IRQ). The
 * routes steer the PCI links' levels onto ISA IRQs (pci_bus_route); the
 * edge/level control registers at 0x4d0/0x4d1 belong to vmhv's PIC, as in
 * Xen. */
#include "devmodel/dm.h"

#include "common/util.h"

#include <errno.h>
#include <stdlib.h>

#define PIIX3_PIRQRC  0x60
#define PIIX3_NLINKS  4
#define PIRQ_DISABLE  0x80

struct piix3 {
	struct pci_dev pci;
	struct dm *dm;
};

static unsigned pirq_irq(uint8_t v)
{
	return (v & PIRQ_DISABLE) ? 0 : (v & 0x0f);
}

static void piix3_cfg_write(struct pci_dev *d, unsigned reg, unsigned size, uint32_t val)
{
	struct piix3 *p = container_of(d, struct piix3, pci);

	(void)val;
	for (unsigned l = 0; l < PIIX3_NLINKS; l++) {
		unsigned irq = pirq_irq(d->cfg[PIIX3_PIRQRC + l]);

		if (PIIX3_PIRQRC + l < reg || PIIX3_PIRQRC + l >= reg + size)
			continue;
		pci_bus_route(d->bus, l, irq);
		dm_host_link_route(&p->dm->host, l, irq);
	}
}

static const struct pci_dev_ops piix3_pci_ops = { .cfg_write = piix3_cfg_write };

static void piix3_reset(void *state)
{
	struct piix3 *p = state;

	for (unsigned l = 0; l < PIIX3_NLINKS; l++) {
		p->pci.cfg[PIIX3_PIRQRC + l] = PIRQ_DISABLE;
		if (p->pci.bus)
			pci_bus_route(p->pci.bus, l, 0);
	}
}

static void piix3_destroy(void *state)
{
	struct piix3 *p = state;

	pci_bus_remove(p->pci.bus, &p->pci);
	free(p);
}

static int piix3_create(struct dm *dm, void **state)
{
	struct piix3 *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->dm = dm;
	pci_dev_init(&p->pci, "piix3", 0x8086, 0x7000, 0x060100, 0x00, 0, &piix3_pci_ops);
	p->pci.cfg[PCI_HEADER_TYPE] = 0x80;
	for (unsigned l = 0; l < PIIX3_NLINKS; l++)
		p->pci.wmask[PIIX3_PIRQRC + l] = 0x8f;
	piix3_reset(p);
	rc = pci_bus_add(&dm->pci, &p->pci, 1 << 3);
	if (rc < 0) {
		free(p);
		return rc;
	}
	*state = p;
	return 0;
}

const struct dm_dev_type dev_piix3 = {
	.name = "piix3",
	.create = piix3_create,
	.destroy = piix3_destroy,
	.reset = piix3_reset,
};
