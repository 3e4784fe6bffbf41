/* One device model: the PC platform of one HVM guest.
 *
 * struct dm holds the buses, the guest's memory, the way out to vmhv
 * (dm_host) and the device instances. Devices are listed once in
 * devices.def; dm_devices_create() builds those the configuration asks
 * for, in that order (the order fixes PCI slots and port claims).
 */
#ifndef VMCTL_DEVMODEL_DM_H
#define VMCTL_DEVMODEL_DM_H

#include "devmodel/bus.h"
#include "devmodel/gmem.h"
#include "devmodel/host.h"
#include "devmodel/pci.h"

#include <stdbool.h>
#include <stdint.h>

#define DM_MAX_DISKS 4          /* IDE primary/secondary, master/slave */
#define DM_MAX_DEVS  32
#define DM_MAX_NICS  4          /* emulated NICs, at PCI slots 4.. */

struct evloop;

struct dm_disk {
	const char *path;           /* raw image or ISO; NULL = no drive */
	bool cdrom;
	bool readonly;
};

/* An emulated NIC (xl's vif model=): its frames go to and come from
 * `fd`, a tap device xld made (the device model owns it from then on). */
struct dm_nic {
	const char *model;          /* "rtl8139" or "e1000" */
	uint8_t mac[6];
	int fd;
};

struct dm_config {
	uint32_t domid;
	unsigned vcpus;
	unsigned vcpus_online;       /* 0..N-1 enabled in the MADT (0 = all) */
	uint64_t lowmem;            /* RAM bytes below the PCI hole */
	uint64_t highmem;           /* RAM bytes from 4 GiB up */
	char boot[8];               /* xl's boot=: "c" disk, "d" CD, "n" network */
	int serial_fd;              /* the UART's byte stream (-1 = none) */
	struct dm_disk disk[DM_MAX_DISKS]; /* hda, hdb, hdc, hdd */
	const char *kernel, *initrd, *cmdline; /* direct boot through fw_cfg */
	const char *linuxboot_rom;  /* QEMU's linuxboot_dma.bin for direct boot */
	const char *vgabios;        /* the VGA's expansion ROM (vgabios-stdvga.bin) */
	bool sercon;                /* SeaBIOS mirrors its screen on COM1 */
	unsigned vram_mb;           /* std-VGA memory (0 = no VGA) */
	bool platform_pci;          /* the Xen platform device (xen_platform_pci=) */
	bool acpi;
	uint8_t uuid[16];           /* the domain's, for SMBIOS (all zero = unknown) */
	int debug_fd;               /* ports 0xe9/0x402/0x12 text (-1 = our log) */
	struct dm_nic nic[DM_MAX_NICS]; /* PCI slot 4 + index */
	unsigned nr_nics;
};

struct dm;

/* A device kind (one file in dev/, one line in devices.def). */
struct dm_dev_type {
	const char *name;
	/* Build the device for dm->cfg: 0 (with *state set), 1 when this
	 * configuration has none, or -errno. */
	int (*create)(struct dm *dm, void **state);
	void (*destroy)(void *state);
	/* Back to power-on state (a guest reboot). */
	void (*reset)(void *state);
	/* The Xen platform device's unplug mask (XEN_UNPLUG_*). */
	void (*unplug)(void *state, unsigned mask);
};

struct dm {
	const struct dm_config *cfg;
	struct bus bus;
	struct pci_bus pci;
	struct gmem mem;
	struct dm_host host;
	struct evloop *loop;        /* for devices with descriptors; may be NULL */
	struct dm_dev {
		const struct dm_dev_type *type;
		void *state;
	} dev[DM_MAX_DEVS];
	unsigned ndev;
};

/* Set up the buses (no devices yet). */
void dm_init(struct dm *dm, const struct dm_config *cfg, const struct dm_host *host,
	     const struct gmem *mem, struct evloop *loop);
/* Create every device of devices.def that the configuration asks for.
 * On failure, those already made are destroyed again. */
int dm_devices_create(struct dm *dm);
void dm_reset(struct dm *dm);
void dm_unplug(struct dm *dm, unsigned mask);
/* The state of the device called `name`, or NULL. */
void *dm_device(struct dm *dm, const char *name);
void dm_dispose(struct dm *dm);

/* Default config: 1 vCPU, no RAM, boot "c", no serial, no disks. */
void dm_config_init(struct dm_config *cfg);

#endif
