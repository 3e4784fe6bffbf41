/* The DSDT: \_SB.PCI0 (the i440FX host bridge) with its windows and
 * interrupt routing, PIIX3's four PCI interrupt links, the ISA devices the
 * device model emulates, and \_S5 for PIIX4's power-off. Written with the
 * AML writer (aml.h); resource templates are built as bytes here (ACPI
 * 6.x section 6.4). */
#include "devmodel/acpi/acpi.h"
#include "devmodel/acpi/aml.h"

#include "devmodel/dm.h"

#include <string.h>

/* A resource template being built (the largest here is PCI0's _CRS). */
struct res {
	uint8_t b[128];
	size_t n;
};

static void res_put(struct res *r, const void *p, size_t n)
{
	if (r->n + n <= sizeof(r->b)) {
		memcpy(r->b + r->n, p, n);
		r->n += n;
	}
}

static void res_le(struct res *r, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));

		res_put(r, &b, 1);
	}
}

/* IO(Decode16, base, base, 1, len) */
static void res_io(struct res *r, uint16_t base, uint8_t len)
{
	res_put(r, (const uint8_t[]){ 0x47, 0x01 }, 2);
	res_le(r, base, 2);
	res_le(r, base, 2);
	res_put(r, (const uint8_t[]){ 0x01, len }, 2);
}

/* IRQNoFlags() { irq }: an ISA edge, active-high interrupt */
static void res_isa_irq(struct res *r, unsigned irq)
{
	res_put(r, (const uint8_t[]){ 0x22 }, 1);
	res_le(r, 1u << irq, 2);
}

/* Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) { irqs } */
static void res_ext_irq(struct res *r, const uint8_t *irqs, unsigned n)
{
	res_put(r, (const uint8_t[]){ 0x89 }, 1);
	res_le(r, 2 + 4 * n, 2);
	res_put(r, (const uint8_t[]){ 0x09, (uint8_t)n }, 2);
	for (unsigned i = 0; i < n; i++)
		res_le(r, irqs[i], 4);
}

/* A Word (bus number, I/O) or DWord (memory) address space a bridge
 * produces, fixed minimum and maximum, positive decode. */
static void res_window(struct res *r, uint8_t type, uint8_t tflags, unsigned size,
		       uint64_t min, uint64_t max)
{
	res_put(r, (const uint8_t[]){ size == 2 ? 0x88 : 0x87 }, 1);
	res_le(r, 3 + 5 * size, 2);
	res_put(r, (const uint8_t[]){ type, 0x0c, tflags }, 3);
	res_le(r, 0, size);                 /* granularity */
	res_le(r, min, size);
	res_le(r, max, size);
	res_le(r, 0, size);                 /* translation */
	res_le(r, max - min + 1, size);
}

static void res_end(struct res *r)
{
	res_put(r, (const uint8_t[]){ 0x79, 0x00 }, 2);
}

static void name_res(struct aml *a, const char *name, struct res *r)
{
	res_end(r);
	aml_name_decl(a, name);
	aml_buffer(a, r->b, r->n);
}

/* PCI0's _CRS: bus 0-255, config ports, the I/O space around them, the
 * VGA window and the 32-bit PCI hole from the top of low RAM up to the
 * IOAPIC (SeaBIOS places the BARs there). */
static void dsdt_pci0_crs(struct aml *a, const struct dm_config *cfg)
{
	struct res r = { .n = 0 };

	res_window(&r, 2, 0x00, 2, 0, 0xff);
	res_io(&r, 0xcf8, 8);
	res_window(&r, 1, 0x03, 2, 0, 0xcf7);
	res_window(&r, 1, 0x03, 2, 0xd00, 0xffff);
	res_window(&r, 0, 0x03, 4, 0xa0000, 0xbffff);
	res_window(&r, 0, 0x03, 4, cfg->lowmem, ACPI_PCI_MMIO_END);
	name_res(a, "_CRS", &r);
}

/* _PRT: slot s pin p (0 = INTA) on link (s + p - 1) & 3, the swizzle
 * SeaBIOS programs and pci.c's pci_set_irq() follows. */
static void dsdt_prt(struct aml *a)
{
	static const char *const link[4] = {
		"\\_SB_.LNKA", "\\_SB_.LNKB", "\\_SB_.LNKC", "\\_SB_.LNKD",
	};

	aml_name_decl(a, "_PRT");
	aml_open_package(a, 128);
	for (unsigned s = 0; s < 32; s++) {
		for (unsigned p = 0; p < 4; p++) {
			aml_open_package(a, 4);
			aml_int(a, (uint64_t)s << 16 | 0xffff);
			aml_int(a, p);
			aml_name(a, link[(s + p + 3) & 3]);
			aml_int(a, 0);
			aml_close(a);
		}
	}
	aml_close(a);
}

static void dsdt_isa_dev(struct aml *a, const char *name, const char *hid,
			 const struct res *crs)
{
	struct res r = *crs;

	aml_open_device(a, name);
	aml_name_decl(a, "_HID");
	aml_eisaid(a, hid);
	name_res(a, "_CRS", &r);
	aml_close(a);
}

/* PIIX3 (00:01.0): its PIRQ route registers for the links, and the ISA
 * devices behind it that the device model emulates. */
static void dsdt_isa(struct aml *a)
{
	struct res rtc = { .n = 0 }, kbd = { .n = 0 }, mou = { .n = 0 }, com = { .n = 0 };

	aml_open_device(a, "ISA");
	aml_name_decl(a, "_ADR");
	aml_int(a, 0x00010000);
	aml_opregion(a, "P40C", AML_SPACE_PCI_CONFIG, 0x60, 4);
	aml_open_field(a, "P40C", AML_FIELD_BYTE_ACC);
	aml_field_unit(a, "PRQ0", 8);
	aml_field_unit(a, "PRQ1", 8);
	aml_field_unit(a, "PRQ2", 8);
	aml_field_unit(a, "PRQ3", 8);
	aml_close(a);

	res_io(&rtc, 0x70, 2);
	res_isa_irq(&rtc, 8);
	dsdt_isa_dev(a, "RTC", "PNP0B00", &rtc);
	res_io(&kbd, 0x60, 1);
	res_io(&kbd, 0x64, 1);
	res_isa_irq(&kbd, 1);
	dsdt_isa_dev(a, "KBD", "PNP0303", &kbd);
	res_isa_irq(&mou, 12);
	dsdt_isa_dev(a, "MOU", "PNP0F13", &mou);
	res_io(&com, 0x3f8, 8);
	res_isa_irq(&com, 4);
	dsdt_isa_dev(a, "COM1", "PNP0501", &com);
	aml_close(a);
}

/* \_SB.LCRS(route): the _CRS of a link whose PIRQ register holds `route`
 * (bit 7 set: disabled, no interrupt). */
static void dsdt_link_crs_method(struct aml *a)
{
	static const uint8_t none = 0;
	struct res r = { .n = 0 };

	aml_open_method(a, "LCRS", 1 | AML_SERIALIZED);
	res_ext_irq(&r, &none, 1);
	name_res(a, "PRR0", &r);
	aml_byte(a, AML_CREATE_DWORD_FIELD);
	aml_name(a, "PRR0");
	aml_int(a, 5);                      /* the descriptor's first IRQ */
	aml_name(a, "PRRI");
	aml_open_if(a);
	aml_byte(a, AML_LLESS);
	aml_byte(a, AML_ARG0);
	aml_int(a, 0x80);
	aml_byte(a, AML_AND);
	aml_byte(a, AML_ARG0);
	aml_int(a, 0x0f);
	aml_name(a, "PRRI");
	aml_close(a);
	aml_byte(a, AML_RETURN);
	aml_name(a, "PRR0");
	aml_close(a);
}

/* LNKx: a PCI interrupt link over PIIX3's PIRQ register `reg`. */
static void dsdt_link(struct aml *a, unsigned i)
{
	static const uint8_t irqs[] = { 5, 10, 11 };
	char name[5] = "LNKA", reg[24] = "\\_SB_.PCI0.ISA_.PRQ0";
	struct res prs = { .n = 0 };

	name[3] = (char)('A' + i);
	reg[strlen(reg) - 1] = (char)('0' + i);
	aml_open_device(a, name);
	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0C0F");
	aml_name_decl(a, "_UID");
	aml_int(a, i);
	res_ext_irq(&prs, irqs, sizeof(irqs));
	name_res(a, "_PRS", &prs);

	aml_open_method(a, "_STA", 0);     /* 0x09 disabled, 0x0b enabled */
	aml_open_if(a);
	aml_byte(a, AML_AND);
	aml_name(a, reg);
	aml_int(a, 0x80);
	aml_byte(a, AML_NULL_NAME);
	aml_byte(a, AML_RETURN);
	aml_int(a, 0x09);
	aml_close(a);
	aml_byte(a, AML_RETURN);
	aml_int(a, 0x0b);
	aml_close(a);

	aml_open_method(a, "_DIS", 0);
	aml_byte(a, AML_OR);
	aml_name(a, reg);
	aml_int(a, 0x80);
	aml_name(a, reg);
	aml_close(a);

	aml_open_method(a, "_CRS", 0);
	aml_byte(a, AML_RETURN);
	aml_name(a, "\\_SB_.LCRS");
	aml_name(a, reg);
	aml_close(a);

	aml_open_method(a, "_SRS", 1 | AML_SERIALIZED);
	aml_byte(a, AML_CREATE_DWORD_FIELD);
	aml_byte(a, AML_ARG0);
	aml_int(a, 5);
	aml_name(a, "IRQW");
	aml_byte(a, AML_STORE);
	aml_name(a, "IRQW");
	aml_name(a, reg);
	aml_close(a);
	aml_close(a);
}

void acpi_dsdt_build(struct aml *a, const struct dm_config *cfg)
{
	aml_open_scope(a, "\\_SB");
	aml_open_device(a, "PCI0");
	aml_name_decl(a, "_HID");
	aml_eisaid(a, "PNP0A03");
	aml_name_decl(a, "_ADR");
	aml_int(a, 0);
	aml_name_decl(a, "_UID");
	aml_int(a, 0);
	dsdt_pci0_crs(a, cfg);
	dsdt_prt(a);
	dsdt_isa(a);
	aml_close(a);
	dsdt_link_crs_method(a);
	for (unsigned i = 0; i < 4; i++)
		dsdt_link(a, i);
	aml_close(a);

	acpi_dsdt_cpus(a, cfg);

	/* \_S5: SLP_TYP 0 for PM1a and PM1b (piix4_acpi.c's SLP_TYP_S5) */
	aml_name_decl(a, "\\_S5");
	aml_open_package(a, 4);
	for (int i = 0; i < 4; i++)
		aml_int(a, 0);
	aml_close(a);
}
