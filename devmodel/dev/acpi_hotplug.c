/* The ACPI registers beyond PIIX4's PM1 block that the tables name (the
 * device model's FADT, devmodel/acpi/, names GPE0; SeaBIOS's and QEMU's
 * DSDTs also the hotplug registers): the GPE0 block at 0xafe0 (status,
 * write one to clear, and enable: 2 bytes each), QEMU's PCI hotplug
 * registers at 0xae00 (PCIU slots up, PCID slots down, B0EJ eject, RMV
 * removable; no PCI hotplug event ever happens here, so the slot masks
 * read 0) and the CPU hotplug registers of Xen's and QEMU's PIIX4
 * machine: the present-vCPU bitmap at 0xaf00 (32 bytes, read-only) and
 * our eject register after it (dsdt_cpu.c's _EJ0 writes the vCPU's
 * number). `xl vcpu-set` changes the bitmap (acpi_hotplug_set_vcpus, from
 * the control socket) and sets GPE 2's status; the SCI (IRQ 9) is high
 * while an enabled GPE's status is set.
 *
 * Unclaimed they read all ones, and that is harmful: Linux sees every GPE
 * pending, runs the DSDT's PCI hotplug handler, reads "every slot went
 * down" and ejects the devices of slots 3 and up (the emulated NICs, the
 * Xen platform device) right after probing them. */
#include "devmodel/dev/acpi_hotplug.h"
#include "devmodel/acpi/acpi.h"
#include "devmodel/dm.h"
#include "devmodel/dm_save.h"

#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GPE0_BASE  0xafe0
#define GPE0_LEN   4
#define PCIHP_BASE 0xae00
#define PCIHP_LEN  0x14
#define PCIHP_B0EJ 0x08

struct acpi_hotplug {
	struct dm *dm;
	uint16_t gpe_sts, gpe_en;
	bool sci;
	uint8_t cpus[ACPI_CPUHP_LEN];   /* bit n: vCPU n present */
	/* the vCPUs vmhv lets the guest start: the present ones, and those
	 * xl took away until the guest ejects them (it may still run them) */
	uint64_t live;
};

static void live_set(struct acpi_hotplug *h, uint64_t live)
{
	if (live != h->live) {
		h->live = live;
		dm_host_vcpus(&h->dm->host, live);
	}
}

/* The SCI follows the enabled GPEs' status (level, as PIIX4's). */
static void gpe_update(struct acpi_hotplug *h)
{
	bool level = (h->gpe_sts & h->gpe_en) != 0;

	if (level != h->sci) {
		h->sci = level;
		dm_host_isa_irq(&h->dm->host, ACPI_SCI_IRQ, level);
	}
}

static uint64_t gpe_read(void *opaque, uint64_t off, unsigned size)
{
	struct acpi_hotplug *h = opaque;
	uint32_t v = (uint32_t)h->gpe_en << 16 | h->gpe_sts;

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
		else   /* status: write one to clear */
			h->gpe_sts &= (uint16_t)~(b << (8 * at));
	}
	gpe_update(h);
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

static uint64_t cpuhp_read(void *opaque, uint64_t off, unsigned size)
{
	struct acpi_hotplug *h = opaque;
	uint64_t v = 0;

	if (off < ACPI_CPUHP_LEN)
		memcpy(&v, h->cpus + off, size <= ACPI_CPUHP_LEN - off ? size : ACPI_CPUHP_LEN - off);
	return v;
}

static bool cpu_present(const struct acpi_hotplug *h, unsigned n)
{
	return h->cpus[n / 8] >> (n % 8) & 1;
}

static void cpu_set_present(struct acpi_hotplug *h, unsigned n, bool on)
{
	if (on)
		h->cpus[n / 8] |= (uint8_t)(1u << (n % 8));
	else
		h->cpus[n / 8] &= (uint8_t)~(1u << (n % 8));
}

/* The bitmap is read-only; the byte after it is the eject register: the
 * guest has taken vCPU `val` offline and lets it go. */
static void cpuhp_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct acpi_hotplug *h = opaque;
	unsigned n = (unsigned)(val & 0xff);

	(void)size;
	if (off != ACPI_CPUHP_EJECT - ACPI_CPUHP_BASE)
		return;
	if (n == 0 || n >= h->dm->cfg->vcpus) {
		log_warn("acpi: the guest ejects vCPU %u, which cannot go: ignored", n);
		return;
	}
	cpu_set_present(h, n, false);
	log_info("acpi: the guest ejected vCPU %u", n);
	if (n < 64)
		live_set(h, h->live & ~(1ull << n));
}

int acpi_hotplug_set_vcpus(struct acpi_hotplug *h, unsigned n)
{
	uint64_t live;
	bool changed = false;

	if (!h || n < 1 || n > h->dm->cfg->vcpus)
		return -EINVAL;
	live = h->live;
	for (unsigned i = 0; i < h->dm->cfg->vcpus; i++) {
		if (cpu_present(h, i) == (i < n))
			continue;
		cpu_set_present(h, i, i < n);
		if (i < n && i < 64)
			live |= 1ull << i;
		changed = true;
	}
	live_set(h, live);   /* before the GPE: the OS may start it at once */
	log_info("acpi: %u vCPUs present%s", n, changed ? ", GPE 2 raised" : " (no change)");
	if (changed) {
		h->gpe_sts |= 1u << ACPI_GPE_CPU_HOTPLUG;
		gpe_update(h);
	}
	return 0;
}

/* The save record ("acpi_hotplug", dm_save.c): the GPE block and both
 * vCPU sets, so a restored guest keeps the vCPUs xl gave it, an eject the
 * guest has not done yet and a GPE it has not handled yet. Loaded after
 * the device model started with the saved config's --vcpus-online: vmhv
 * learns the set before the restored vCPUs run (the sandbox starts at the
 * first unpause). */
struct acpi_hotplug_wire {
	uint16_t gpe_sts, gpe_en;
	uint8_t pad[4];
	uint64_t live;
	uint8_t cpus[ACPI_CPUHP_LEN];
};
_Static_assert(sizeof(struct acpi_hotplug_wire) == 48, "acpi_hotplug_wire size");

int acpi_hotplug_save(void *state, struct dm_sbuf *b)
{
	struct acpi_hotplug *h = state;
	struct acpi_hotplug_wire w = { .gpe_sts = h->gpe_sts, .gpe_en = h->gpe_en, .live = h->live };

	memcpy(w.cpus, h->cpus, sizeof(w.cpus));
	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

/* A vCPU this machine does not have, or none at all (vCPU 0 always is),
 * makes the record malformed. */
int acpi_hotplug_load(void *state, const void *body, size_t len)
{
	struct acpi_hotplug *h = state;
	struct acpi_hotplug_wire w;
	unsigned n = h->dm->cfg->vcpus;
	uint64_t all = n >= 64 ? UINT64_MAX : (1ull << n) - 1;

	if (len != sizeof(w))
		return -EINVAL;
	memcpy(&w, body, sizeof(w));
	if (!(w.live & 1) || (w.live & ~all) || !(w.cpus[0] & 1))
		return -EINVAL;
	for (unsigned i = n; i < 8 * ACPI_CPUHP_LEN; i++)
		if (w.cpus[i / 8] >> (i % 8) & 1)
			return -EINVAL;
	memcpy(h->cpus, w.cpus, sizeof(h->cpus));
	h->gpe_sts = w.gpe_sts;
	h->gpe_en = w.gpe_en;
	h->live = w.live;
	dm_host_vcpus(&h->dm->host, h->live);
	gpe_update(h);
	return 0;
}

static const struct bus_ops gpe_ops = { gpe_read, gpe_write };
static const struct bus_ops pcihp_ops = { pcihp_read, pcihp_write };
static const struct bus_ops cpuhp_ops = { cpuhp_read, cpuhp_write };

static void acpi_hotplug_destroy(void *state)
{
	struct acpi_hotplug *h = state;

	bus_release(&h->dm->bus, BUS_PIO, GPE0_BASE, h);
	bus_release(&h->dm->bus, BUS_PIO, PCIHP_BASE, h);
	bus_release(&h->dm->bus, BUS_PIO, ACPI_CPUHP_BASE, h);
	free(h);
}

/* A guest reset clears the GPEs; the present vCPUs stay as xl set them. */
static void acpi_hotplug_reset(void *state)
{
	struct acpi_hotplug *h = state;

	h->gpe_en = h->gpe_sts = 0;
	gpe_update(h);
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
	for (unsigned i = 0; i < dm->cfg->vcpus && i < 8 * ACPI_CPUHP_LEN; i++) {
		bool on = !dm->cfg->vcpus_online || i < dm->cfg->vcpus_online;

		cpu_set_present(h, i, on);
		if (on && i < 64)
			h->live |= 1ull << i;
	}
	if (dm->cfg->vcpus_online && dm->cfg->vcpus_online < dm->cfg->vcpus)
		dm_host_vcpus(&dm->host, h->live);   /* vmhv's default: all */
	rc = bus_claim(&dm->bus, BUS_PIO, GPE0_BASE, GPE0_LEN, &gpe_ops, h, "acpi-gpe0");
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, PCIHP_BASE, PCIHP_LEN, &pcihp_ops, h,
			       "acpi-pcihp");
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, ACPI_CPUHP_BASE, ACPI_CPUHP_LEN + 1, &cpuhp_ops,
			       h, "acpi-cpuhp");
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
