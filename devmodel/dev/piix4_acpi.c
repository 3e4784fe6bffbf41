/* The PIIX4 power management function (00:01.3), without SMM.
 *
 * The firmware puts the PM I/O block where it likes (PMBA at 0x40, enabled
 * by PMREGMISC bit 0 at 0x80; SeaBIOS uses 0x600). vmhv owns the PM timer
 * at PMBA+8 and is told where the block went; the device model serves the
 * PM1a event registers (PMBA+0: status, write 1 to clear, and enable) and
 * PM1a_CNT at PMBA+4, whose SLP_EN with sleep type S5 powers the guest
 * off. Only S5 exists (the firmware's ACPI tables offer nothing else), and
 * no event ever sets a status bit. The APM control port 0xb2 is the FADT's
 * SMI_CMD: the OS writes ACPI_ENABLE (0xf1) there and waits for SCI_EN in
 * PM1a_CNT (Linux disables its ACPI interpreter otherwise, and with it
 * ACPI power-off); without SMM the device sets the bit itself. */
#include "devmodel/dm.h"
#include "devmodel/dm_save.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PIIX4_PMBA      0x40
#define PIIX4_PMREGMISC 0x80
#define PM1_CNT_OFF     4
#define PM1_BLOCK_LEN   6   /* STS, EN, CNT */
#define PM1_CNT_SCI_EN  0x0001
#define PM1_CNT_SLP_EN  0x2000
#define PM1_SLP_TYP(v)  (((v) >> 10) & 7)
#define SLP_TYP_S5      0   /* the value SeaBIOS's and QEMU's DSDT give \_S5 */
#define APM_CNT_PORT    0xb2
#define APM_ACPI_ENABLE  0xf1   /* SeaBIOS's FADT acpi_enable / acpi_disable */
#define APM_ACPI_DISABLE 0xf0

struct piix4_acpi {
	struct pci_dev pci;
	struct dm *dm;
	uint16_t sts, en, cnt;
	uint8_t apm_cnt;
	bool mapped, apm_claimed;
	uint16_t base;
};

static uint64_t pm1_read(void *opaque, uint64_t off, unsigned size)
{
	struct piix4_acpi *a = opaque;
	uint8_t regs[PM1_BLOCK_LEN + 8] = {
		(uint8_t)a->sts, (uint8_t)(a->sts >> 8), (uint8_t)a->en, (uint8_t)(a->en >> 8),
		(uint8_t)a->cnt, (uint8_t)(a->cnt >> 8),
	};
	uint64_t v = 0;

	memcpy(&v, regs + off, size);
	return v;
}

/* Merge the bytes of a write at `off` into the 16-bit register at `reg`. */
static uint16_t pm1_merge(uint16_t old, unsigned reg, uint64_t off, unsigned size, uint64_t val)
{
	uint16_t v = old;

	for (unsigned i = 0; i < size; i++) {
		uint64_t b = off + i;

		if (b == reg)
			v = (uint16_t)((v & 0xff00) | ((val >> (8 * i)) & 0xff));
		else if (b == reg + 1)
			v = (uint16_t)((v & 0x00ff) | ((val >> (8 * i)) & 0xff) << 8);
	}
	return v;
}

static void pm1_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct piix4_acpi *a = opaque;
	uint16_t v;

	a->sts &= (uint16_t)~pm1_merge(0, 0, off, size, val);   /* write 1 to clear */
	a->en = pm1_merge(a->en, 2, off, size, val);
	if (off + size <= PM1_CNT_OFF)
		return;
	v = pm1_merge(a->cnt, PM1_CNT_OFF, off, size, val);
	a->cnt = v & (uint16_t)~PM1_CNT_SLP_EN;   /* SLP_EN reads as 0 */
	if ((v & PM1_CNT_SLP_EN) && PM1_SLP_TYP(v) == SLP_TYP_S5) {
		log_info("acpi: guest entered S5, powering off");
		dm_host_shutdown(&a->dm->host, DM_SHUTDOWN_POWEROFF);
	}
}

static const struct bus_ops pm1_ops = { pm1_read, pm1_write };

static uint64_t apm_read(void *opaque, uint64_t off, unsigned size)
{
	(void)off;
	(void)size;
	return ((struct piix4_acpi *)opaque)->apm_cnt;
}

static void apm_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct piix4_acpi *a = opaque;

	(void)off;
	(void)size;
	a->apm_cnt = (uint8_t)val;
	if (a->apm_cnt == APM_ACPI_ENABLE)
		a->cnt |= PM1_CNT_SCI_EN;
	else if (a->apm_cnt == APM_ACPI_DISABLE)
		a->cnt &= (uint16_t)~PM1_CNT_SCI_EN;
}

static const struct bus_ops apm_ops = { apm_read, apm_write };

static void pm_remap(struct piix4_acpi *a)
{
	uint16_t base = pci_get16(&a->pci, PIIX4_PMBA) & 0xffc0;
	bool on = (a->pci.cfg[PIIX4_PMREGMISC] & 1) && base != 0;

	if (a->mapped && on && base == a->base)
		return;
	if (a->mapped)
		bus_release(&a->dm->bus, BUS_PIO, a->base, a);
	a->mapped = false;
	dm_host_pm_base(&a->dm->host, on ? base : 0);
	if (!on)
		return;
	if (bus_claim(&a->dm->bus, BUS_PIO, base, PM1_BLOCK_LEN, &pm1_ops, a, "pm1a") < 0) {
		log_warn("acpi: PM block at %#x is taken", base);
		return;
	}
	a->mapped = true;
	a->base = base;
}

static void piix4_cfg_write(struct pci_dev *d, unsigned reg, unsigned size, uint32_t val)
{
	(void)val;
	if ((reg < PIIX4_PMBA + 4 && reg + size > PIIX4_PMBA) || reg == PIIX4_PMREGMISC)
		pm_remap(container_of(d, struct piix4_acpi, pci));
}

static const struct pci_dev_ops piix4_pci_ops = { .cfg_write = piix4_cfg_write };

static void piix4_reset(void *state)
{
	struct piix4_acpi *a = state;

	pci_set32(&a->pci, PIIX4_PMBA, 1);
	a->pci.cfg[PIIX4_PMREGMISC] = 0;
	a->sts = a->en = a->cnt = 0;
	a->apm_cnt = 0;
	pm_remap(a);
}

static void piix4_destroy(void *state)
{
	struct piix4_acpi *a = state;

	a->pci.cfg[PIIX4_PMREGMISC] = 0;
	pm_remap(a);
	if (a->apm_claimed)
		bus_release(&a->dm->bus, BUS_PIO, APM_CNT_PORT, a);
	pci_bus_remove(a->pci.bus, &a->pci);
	free(a);
}

static int piix4_create(struct dm *dm, void **state)
{
	struct piix4_acpi *a;
	int rc;

	if (!dm->cfg->acpi)
		return 1;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->dm = dm;
	pci_dev_init(&a->pci, "piix4-acpi", 0x8086, 0x7113, 0x068000, 0x03, 1, &piix4_pci_ops);
	pci_set32(&a->pci, PIIX4_PMBA, 1);   /* bit 0: an I/O address */
	a->pci.wmask[PIIX4_PMBA] = 0xc0;
	a->pci.wmask[PIIX4_PMBA + 1] = 0xff;
	a->pci.wmask[PIIX4_PMREGMISC] = 0x01;
	rc = pci_bus_add(&dm->pci, &a->pci, 1 << 3 | 3);
	if (rc < 0) {
		free(a);
		return rc;
	}
	a->apm_claimed = bus_claim(&dm->bus, BUS_PIO, APM_CNT_PORT, 1, &apm_ops, a, "apm") == 0;
	*state = a;
	return 0;
}

const struct dm_dev_type dev_piix4_acpi = {
	.name = "piix4_acpi",
	.create = piix4_create,
	.destroy = piix4_destroy,
	.reset = piix4_reset,
};

/* ---- save and restore (devmodel/dm_save.h) ---- */

/* The PM1 registers; the PM base comes back with the PCI configuration
 * space (written before this section is loaded). */
struct piix4_wire {
	uint16_t sts, en, cnt;
	uint8_t apm_cnt;
	uint8_t pad;
};
_Static_assert(sizeof(struct piix4_wire) == 8, "piix4_wire size");

int piix4_acpi_save(void *state, struct dm_sbuf *b)
{
	const struct piix4_acpi *a = state;
	struct piix4_wire w = { .sts = a->sts, .en = a->en, .cnt = a->cnt, .apm_cnt = a->apm_cnt };

	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

int piix4_acpi_load(void *state, const void *body, size_t len)
{
	struct piix4_acpi *a = state;
	const struct piix4_wire *w = body;

	if (len != sizeof(*w))
		return -EINVAL;
	a->sts = w->sts;
	a->en = w->en;
	a->cnt = w->cnt & (uint16_t)~PM1_CNT_SLP_EN;
	a->apm_cnt = w->apm_cnt;
	return 0;
}
