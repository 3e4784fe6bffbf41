/* The ACPI registers beyond PIIX4's PM1 block that the tables name (the
 * device model's FADT, devmodel/acpi/, names GPE0; SeaBIOS's and QEMU's
 * DSDTs also the hotplug registers): the GPE0 block at 0xafe0 (status,
 * write one to clear, and enable: 2 bytes each) and QEMU's PCI hotplug
 * registers at 0xae00 (PCIU slots up, PCID slots down, B0EJ eject, RMV
 * removable). No hotplug event
 * ever happens here, so the status and slot masks read 0.
 *
 * Unclaimed they read all ones, and that is harmful: Linux sees every GPE
 * pending, runs the DSDT's PCI hotplug handler, reads "every slot went
 * down" and ejects the devices of slots 3 and up (the emulated NICs, the
 * Xen platform device) right after probing them. */
#include "devmodel/dm.h"

#include "common/log.h"

#include <errno.h>
#include <stdlib.h>

#define GPE0_BASE  0xafe0
#define GPE0_LEN   4
#define PCIHP_BASE 0xae00
#define PCIHP_LEN  0x14
#define PCIHP_B0EJ 0x08

struct acpi_hotplug {
	struct dm *dm;
	uint16_t gpe_en;
};

static uint64_t gpe_read(void *opaque, uint64_t off, unsigned size)
{
	struct acpi_hotplug *h = opaque;
	uint32_t v = (uint32_t)h->gpe_en << 16;   /* status 0, enable */

	return (v >> (8 * off)) & (uint32_t)bus_ones(size);
}

static void gpe_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct acpi_hotplug *h = opaque;

	for (unsigned i = 0; i < size && off + i < GPE0_LEN; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		unsigned at = (unsigned)off + i;

		if (at == 2)
			h->gpe_en = (uint16_t)((h->gpe_en & 0xff00) | b);
		else if (at == 3)
			h->gpe_en = (uint16_t)((h->gpe_en & 0x00ff) | b << 8);
		/* status bytes: write one to clear, and none is ever set */
	}
}

static uint64_t pcihp_read(void *opaque, uint64_t off, unsigned size)
{
	(void)opaque;
	(void)off;
	(void)size;
	return 0;   /* no slot came or went; none is removable */
}

static void pcihp_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)opaque;
	(void)size;
	if (off == PCIHP_B0EJ && val)
		log_info("acpi: the guest asks to eject slots %#llx: ignored",
			 (unsigned long long)val);
}

static const struct bus_ops gpe_ops = { gpe_read, gpe_write };
static const struct bus_ops pcihp_ops = { pcihp_read, pcihp_write };

static void acpi_hotplug_destroy(void *state)
{
	struct acpi_hotplug *h = state;

	bus_release(&h->dm->bus, BUS_PIO, GPE0_BASE, h);
	bus_release(&h->dm->bus, BUS_PIO, PCIHP_BASE, h);
	free(h);
}

static void acpi_hotplug_reset(void *state)
{
	((struct acpi_hotplug *)state)->gpe_en = 0;
}

static int acpi_hotplug_create(struct dm *dm, void **state)
{
	struct acpi_hotplug *h;
	int rc;

	if (!dm->cfg->acpi)
		return 1;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->dm = dm;
	rc = bus_claim(&dm->bus, BUS_PIO, GPE0_BASE, GPE0_LEN, &gpe_ops, h, "acpi-gpe0");
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, PCIHP_BASE, PCIHP_LEN, &pcihp_ops, h,
			       "acpi-pcihp");
	if (rc < 0) {
		acpi_hotplug_destroy(h);
		return rc;
	}
	*state = h;
	return 0;
}

const struct dm_dev_type dev_acpi_hotplug = {
	.name = "acpi_hotplug",
	.create = acpi_hotplug_create,
	.destroy = acpi_hotplug_destroy,
	.reset = acpi_hotplug_reset,
};
