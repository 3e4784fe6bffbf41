/* The i440FX host bridge (00:00.0). Its PAM and SMRAM registers only keep
 * what the firmware writes: the BIOS area is always RAM in vmctl, as in
 * Xen, so shadowing needs nothing done. */
#include "devmodel/dm.h"

#include <errno.h>
#include <stdlib.h>

#define I440FX_PAM0   0x59
#define I440FX_NPAM   7
#define I440FX_SMRAM  0x72

struct i440fx {
	struct pci_dev pci;
};

static int i440fx_create(struct dm *dm, void **state)
{
	struct i440fx *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return -ENOMEM;
	pci_dev_init(&h->pci, "i440fx", 0x8086, 0x1237, 0x060000, 0x02, 0, NULL);
	for (unsigned i = 0; i < I440FX_NPAM; i++)
		h->pci.wmask[I440FX_PAM0 + i] = 0xff;
	h->pci.wmask[I440FX_SMRAM] = 0x78;   /* no SMM: D_OPEN/D_CLS/D_LCK stay 0 */
	h->pci.cfg[I440FX_SMRAM] = 0x02;
	rc = pci_bus_add(&dm->pci, &h->pci, 0);
	if (rc < 0) {
		free(h);
		return rc;
	}
	*state = h;
	return 0;
}

static void i440fx_destroy(void *state)
{
	struct i440fx *h = state;

	pci_bus_remove(h->pci.bus, &h->pci);
	free(h);
}

static void i440fx_reset(void *state)
{
	struct i440fx *h = state;

	for (unsigned i = 0; i < I440FX_NPAM; i++)
		h->pci.cfg[I440FX_PAM0 + i] = 0;
}

const struct dm_dev_type dev_i440fx = {
	.name = "i440fx",
	.create = i440fx_create,
	.destroy = i440fx_destroy,
	.reset = i440fx_reset,
};
