/* The firmware tables the device model hands SeaBIOS over fw_cfg, as
 * QEMU does (docs/hvm.md, "ACPI and SMBIOS tables"):
 *
 *  etc/acpi/rsdp      the RSDP (ACPI 1.0 form, pointing at the RSDT)
 *  etc/acpi/tables    FACS, DSDT, FADT, MADT, RSDT, back to back
 *  etc/table-loader   SeaBIOS's linker/loader script: ALLOCATE both
 *                     files (the RSDP in the F segment where the OS scans
 *                     for it), ADD_POINTER to turn file offsets into
 *                     addresses, ADD_CHECKSUM after the pointers are set
 *  etc/smbios/smbios-anchor, etc/smbios/smbios-tables  (smbios.c)
 *
 * With etc/table-loader present SeaBIOS builds no ACPI tables of its own
 * and puts PIIX4's PM block at 0x600 (not 0xb000): the FADT says so. */
#ifndef VMCTL_DEVMODEL_ACPI_ACPI_H
#define VMCTL_DEVMODEL_ACPI_ACPI_H

#include <stddef.h>
#include <stdint.h>

struct aml;
struct dm_config;
struct fw_cfg;

#define ACPI_PM_BASE     0x600    /* SeaBIOS's PIIX4 PMBA with our tables */
#define ACPI_GPE0_BASE   0xafe0   /* acpi_hotplug.c */
#define ACPI_SCI_IRQ     9
/* CPU hotplug (acpi_hotplug.c, dsdt_cpu.c): the present-vCPU bitmap
 * (bit n = vCPU n, 32 bytes as Xen's and QEMU's PIIX4 have it), the
 * eject register (our own: the OS's _EJ0 writes the vCPU's number) and
 * the GPE that announces a change. */
#define ACPI_CPUHP_BASE  0xaf00
#define ACPI_CPUHP_LEN   32
#define ACPI_CPUHP_EJECT 0xaf20
#define ACPI_GPE_CPU_HOTPLUG 2
#define ACPI_SMI_CMD     0xb2     /* piix4_acpi.c's APM control port */
#define ACPI_ENABLE_CMD  0xf1
#define ACPI_DISABLE_CMD 0xf0
#define ACPI_RESET_PORT  0xcf9    /* PIIX3's reset control (pci.c) */
#define ACPI_RESET_VALUE 0x06
#define ACPI_IOAPIC_ADDR 0xfec00000u
#define ACPI_LAPIC_ADDR  0xfee00000u
#define ACPI_PCI_MMIO_END 0xfebfffffu  /* below the IOAPIC */

/* The loader script (SeaBIOS's romfile_loader): 128-byte little-endian
 * entries. */
#define ACPI_LOADER_ENTRY     128
#define ACPI_LOADER_FILE_MAX  56
#define ACPI_LOADER_ALLOCATE  1
#define ACPI_LOADER_ADD_POINTER 2
#define ACPI_LOADER_ADD_CHECKSUM 3
#define ACPI_LOADER_ZONE_HIGH 1
#define ACPI_LOADER_ZONE_FSEG 2

/* Little-endian store of `size` bytes, and the 8-bit sum checksums
 * cancel (ACPI tables, the RSDP, SMBIOS entry points). */
static inline void acpi_put_le(uint8_t *p, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint8_t acpi_sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Build the ACPI tables and loader script for cfg into fw_cfg. */
int acpi_tables_add(struct fw_cfg *fc, const struct dm_config *cfg);
/* The DSDT's AML body (after its 36-byte header) into a. */
void acpi_dsdt_build(struct aml *a, const struct dm_config *cfg);
/* The processor objects and the CPU hotplug GPE method (dsdt_cpu.c). */
void acpi_dsdt_cpus(struct aml *a, const struct dm_config *cfg);
/* The SMBIOS entry point and structures into fw_cfg (smbios.c). */
int smbios_tables_add(struct fw_cfg *fc, const struct dm_config *cfg);

#endif
