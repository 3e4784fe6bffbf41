/* What the devices ask of the world outside the device model: interrupt
 * lines, PCI link routes and machine-wide requests. In vmctl-devmodel
 * these become privcmd calls to vmhv (Xen's dm_op set_isa_irq_level,
 * set_pci_intx_level, set_pci_link_route, and a shutdown); the unit tests
 * record them. Every op may be NULL (nothing happens).
 */
#ifndef VMCTL_DEVMODEL_HOST_H
#define VMCTL_DEVMODEL_HOST_H

#include <errno.h>
#include <stdint.h>

enum dm_shutdown { DM_SHUTDOWN_POWEROFF, DM_SHUTDOWN_REBOOT };

struct dm_host_ops {
	/* ISA IRQ `irq` (0..15) line to `level` (0/1). */
	void (*isa_irq)(void *arg, unsigned irq, int level);
	/* INTx `intx` (0 = A .. 3 = D) of PCI device `dev` on bus 0. */
	void (*pci_intx)(void *arg, unsigned dev, unsigned intx, int level);
	/* The guest routed PCI link `link` (0..3 = PIRQA..D) to ISA IRQ `irq`
	 * (0 = disabled). */
	void (*link_route)(void *arg, unsigned link, unsigned irq);
	void (*shutdown)(void *arg, enum dm_shutdown why);
	/* The guest moved the ACPI PM1 block (PIIX4 PMBA) to `port` (0: off):
	 * vmhv's PM timer follows it (HVM_PARAM_ACPI_IOPORTS_LOCATION). */
	void (*pm_base)(void *arg, uint16_t port);
	/* The VGA's VRAM as guest memory (privcmd HVM_VRAM_MAP): *fd gets the
	 * memfd (`bytes`, then a page of dirty bits), shown to the guest at
	 * `gpa` (UINT64_MAX: nowhere). 0 or -errno. */
	int (*vram_map)(void *arg, uint64_t bytes, uint64_t gpa, int *fd);
	/* The vCPUs present for the guest (bit n: vCPU n; privcmd HVM_VCPUS):
	 * the others ignore INIT/SIPI (ACPI CPU hotplug, acpi_hotplug.c). */
	void (*vcpus)(void *arg, uint64_t present);
};

struct dm_host {
	const struct dm_host_ops *ops;
	void *arg;
};

static inline void dm_host_isa_irq(const struct dm_host *h, unsigned irq, int level)
{
	if (h->ops && h->ops->isa_irq)
		h->ops->isa_irq(h->arg, irq, level);
}

static inline void dm_host_pci_intx(const struct dm_host *h, unsigned dev, unsigned intx,
				    int level)
{
	if (h->ops && h->ops->pci_intx)
		h->ops->pci_intx(h->arg, dev, intx, level);
}

static inline void dm_host_link_route(const struct dm_host *h, unsigned link, unsigned irq)
{
	if (h->ops && h->ops->link_route)
		h->ops->link_route(h->arg, link, irq);
}

static inline void dm_host_shutdown(const struct dm_host *h, enum dm_shutdown why)
{
	if (h->ops && h->ops->shutdown)
		h->ops->shutdown(h->arg, why);
}

static inline void dm_host_pm_base(const struct dm_host *h, uint16_t port)
{
	if (h->ops && h->ops->pm_base)
		h->ops->pm_base(h->arg, port);
}

static inline void dm_host_vcpus(const struct dm_host *h, uint64_t present)
{
	if (h->ops && h->ops->vcpus)
		h->ops->vcpus(h->arg, present);
}

static inline int dm_host_vram_map(const struct dm_host *h, uint64_t bytes, uint64_t gpa, int *fd)
{
	if (!h->ops || !h->ops->vram_map)
		return -ENOSYS;
	return h->ops->vram_map(h->arg, bytes, gpa, fd);
}

#endif
