/* PCI bus 0: configuration space, BARs and INTx.
 *
 * A PCI device is a struct pci_dev embedded in the device's state: 256
 * bytes of configuration space with a write mask, up to six BARs and an
 * optional ops table for the registers the generic code does not know.
 * The generic code handles the header: command, status, BAR sizing (the
 * guest writes all ones and reads back the size mask) and mapping (a BAR
 * is on its bus while its command decode bit is set and its address is
 * valid), interrupt line/pin and INTx through dm_host.
 *
 * Configuration cycles come from the host bridge's mechanism #1 ports
 * (0xcf8/0xcfc, pci_host_claim()) or straight from a PCI_CONFIG ioreq
 * (pci_cfg_read/pci_cfg_write with a bus/device/function).
 */
#ifndef VMCTL_DEVMODEL_PCI_H
#define VMCTL_DEVMODEL_PCI_H

#include "devmodel/bus.h"
#include "devmodel/host.h"

#include <stdbool.h>
#include <stdint.h>

#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_REVISION       0x08
#define PCI_CLASS_PROG     0x09
#define PCI_CLASS_DEVICE   0x0a
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_SUBSYS_VENDOR  0x2c
#define PCI_SUBSYS_ID      0x2e
#define PCI_SUBSYS_VENDOR_QEMU 0x1af4
#define PCI_SUBSYS_ID_QEMU     0x1100
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d

#define PCI_CMD_IO         0x0001
#define PCI_CMD_MEMORY     0x0002
#define PCI_CMD_MASTER     0x0004
#define PCI_CMD_INTX_OFF   0x0400
#define PCI_STATUS_INTX    0x0008

#define PCI_BAR_IO         0x1
#define PCI_BAR_MEM_PREFETCH 0x8

#define PCI_NBARS 7          /* BAR0-5 and the expansion ROM */
#define PCI_ROM_BAR 6        /* its register is at 0x30, bit 0 enables it */
#define PCI_ROM_ADDRESS 0x30

struct pci_bus;
struct pci_dev;

struct pci_dev_ops {
	/* Device-specific registers: called after the generic write of the
	 * masked bytes (so cfg[] already holds the new value). */
	void (*cfg_write)(struct pci_dev *d, unsigned reg, unsigned size, uint32_t val);
	/* Optional: override a read (cfg[] holds the generic answer). */
	uint32_t (*cfg_read)(struct pci_dev *d, unsigned reg, unsigned size, uint32_t val);
};

struct pci_bar {
	uint64_t size;              /* 0: no BAR; else a power of two */
	bool io;
	const struct bus_ops *ops;  /* the region's ops while mapped */
	void *opaque;
	bool mapped;
	uint64_t base;              /* where it is mapped */
};

struct pci_dev {
	uint8_t cfg[256];
	uint8_t wmask[256];         /* bits the guest may write */
	struct pci_bar bar[PCI_NBARS];
	const struct pci_dev_ops *ops;
	const char *name;
	struct pci_bus *bus;
	uint8_t devfn;
	bool intx;                  /* the device's INTx line as it drives it */
	bool wire;                  /* what vmhv was last told */
};

struct pci_bus {
	struct pci_dev *dev[256];   /* by devfn (bus 0 only) */
	struct bus *bus;            /* where BARs and 0xcf8/0xcfc live */
	const struct dm_host *host;
	uint32_t cf8;               /* mechanism #1 address register */
	uint8_t route[4];           /* PIRQA..D -> ISA IRQ (0: not routed) */
	unsigned asserted[4];       /* devices holding each link high */
};

void pci_bus_init(struct pci_bus *pb, struct bus *bus, const struct dm_host *host);
void pci_bus_dispose(struct pci_bus *pb);

/* Fill the header of `d`: ids, class (base<<16 | sub<<8 | prog-if),
 * INTx pin (0 = none, 1 = A .. 4 = D). */
void pci_dev_init(struct pci_dev *d, const char *name, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t revision, uint8_t pin, const struct pci_dev_ops *ops);
/* Declare BAR n: `size` a power of two (I/O at least 4, memory at least
 * 16), served by ops/opaque (offsets relative to the BAR) once the guest
 * maps it. n = PCI_ROM_BAR is the expansion ROM (memory, at least 2 KiB,
 * decoded while its enable bit and the memory bit are set). */
int pci_bar_init(struct pci_dev *d, unsigned n, uint64_t size, bool io, bool prefetch,
		 const struct bus_ops *ops, void *opaque);
/* Put `d` at devfn (device << 3 | function): 0, -EBUSY or -EINVAL. */
int pci_bus_add(struct pci_bus *pb, struct pci_dev *d, unsigned devfn);
/* Take `d` off the bus (its BARs too). */
void pci_bus_remove(struct pci_bus *pb, struct pci_dev *d);

/* A configuration cycle to bus 0, devfn, register reg (size 1, 2 or 4,
 * naturally aligned). Nothing there reads all ones. 0 or -EINVAL. */
int pci_cfg_read(struct pci_bus *pb, unsigned bus, unsigned devfn, unsigned reg,
		 unsigned size, uint32_t *val);
int pci_cfg_write(struct pci_bus *pb, unsigned bus, unsigned devfn, unsigned reg,
		  unsigned size, uint32_t val);

/* Claim 0xcf8 (address, 4 bytes) and 0xcfc (data, 4 bytes). A byte
 * write to 0xcf9 is PIIX3's reset control register: bit 2 asks for a
 * reboot. */
int pci_host_claim(struct pci_bus *pb);

/* Drive the device's INTx line. Device d's pin p (0 = INTA) is on link
 * (d - 1 + p) & 3 (the swizzle SeaBIOS programs and its ACPI _PRT
 * describes: slot 1 INTA is PIRQA); a link's
 * level is the OR of its devices' lines and goes to the ISA IRQ the link
 * is routed to, as a level (dm_host isa_irq). dm_host pci_intx sees every
 * device's own line too. */
void pci_set_irq(struct pci_dev *d, int level);
/* Route `link` (0..3) to ISA IRQ `irq` (0 = nowhere): the PIIX3's
 * PIRQRC registers. An asserted link moves with its route. */
void pci_bus_route(struct pci_bus *pb, unsigned link, unsigned irq);

/* Little-endian helpers for cfg[]. */
static inline void pci_set16(struct pci_dev *d, unsigned reg, uint16_t v)
{
	d->cfg[reg] = (uint8_t)v;
	d->cfg[reg + 1] = (uint8_t)(v >> 8);
}

static inline uint16_t pci_get16(const struct pci_dev *d, unsigned reg)
{
	return (uint16_t)(d->cfg[reg] | d->cfg[reg + 1] << 8);
}

static inline uint32_t pci_get32(const struct pci_dev *d, unsigned reg)
{
	return (uint32_t)pci_get16(d, reg) | (uint32_t)pci_get16(d, reg + 2) << 16;
}

static inline void pci_set32(struct pci_dev *d, unsigned reg, uint32_t v)
{
	pci_set16(d, reg, (uint16_t)v);
	pci_set16(d, reg + 2, (uint16_t)(v >> 16));
}

#endif
