/* The ACPI tables and SeaBIOS's loader script (acpi.h). The tables are
 * laid out in one file, etc/acpi/tables; a pointer from one table to
 * another is written as the target's offset in that file and the loader
 * adds the file's address once SeaBIOS has placed it (ADD_POINTER), then
 * recomputes the checksum (ADD_CHECKSUM). */
#include "devmodel/acpi/acpi.h"
#include "devmodel/acpi/aml.h"

#include "devmodel/dev/fw_cfg.h"
#include "devmodel/dm.h"

#include <errno.h>
#include <string.h>

#define TABLES_FILE "etc/acpi/tables"
#define RSDP_FILE   "etc/acpi/rsdp"
#define LOADER_FILE "etc/table-loader"
#define LOADER_MAX  24

#define HDR_LEN      36
#define HDR_CHECKSUM 9
#define FADT_LEN     244   /* revision 3 (ACPI 2.0) */
#define FACS_LEN     64
#define RSDP_LEN     20    /* revision 0: RSDT only */

struct loader {
	uint8_t cmd[LOADER_MAX][ACPI_LOADER_ENTRY];
	unsigned n;
	int err;
};

static uint8_t *loader_cmd(struct loader *l, uint32_t type)
{
	uint8_t *c;

	if (l->n == LOADER_MAX) {
		l->err = -E2BIG;
		return NULL;
	}
	c = l->cmd[l->n++];
	memset(c, 0, ACPI_LOADER_ENTRY);
	acpi_put_le(c, type, 4);
	return c;
}

static void loader_alloc(struct loader *l, const char *file, uint32_t align, uint8_t zone)
{
	uint8_t *c = loader_cmd(l, ACPI_LOADER_ALLOCATE);

	if (!c)
		return;
	strncpy((char *)c + 4, file, ACPI_LOADER_FILE_MAX - 1);
	acpi_put_le(c + 4 + ACPI_LOADER_FILE_MAX, align, 4);
	c[8 + ACPI_LOADER_FILE_MAX] = zone;
}

/* The `size`-byte value at dst_file+off gets src_file's address added. */
static void loader_pointer(struct loader *l, const char *dst_file, uint32_t off,
			   const char *src_file, uint8_t size)
{
	uint8_t *c = loader_cmd(l, ACPI_LOADER_ADD_POINTER);

	if (!c)
		return;
	strncpy((char *)c + 4, dst_file, ACPI_LOADER_FILE_MAX - 1);
	strncpy((char *)c + 4 + ACPI_LOADER_FILE_MAX, src_file, ACPI_LOADER_FILE_MAX - 1);
	acpi_put_le(c + 4 + 2 * ACPI_LOADER_FILE_MAX, off, 4);
	c[8 + 2 * ACPI_LOADER_FILE_MAX] = size;
}

/* The byte at file+off makes [start, start+len) sum to zero. */
static void loader_checksum(struct loader *l, const char *file, uint32_t off,
			    uint32_t start, uint32_t len)
{
	uint8_t *c = loader_cmd(l, ACPI_LOADER_ADD_CHECKSUM);

	if (!c)
		return;
	strncpy((char *)c + 4, file, ACPI_LOADER_FILE_MAX - 1);
	acpi_put_le(c + 4 + ACPI_LOADER_FILE_MAX, off, 4);
	acpi_put_le(c + 8 + ACPI_LOADER_FILE_MAX, start, 4);
	acpi_put_le(c + 12 + ACPI_LOADER_FILE_MAX, len, 4);
}

/* The tables file under construction (an aml buffer used for raw bytes). */
struct tables {
	struct aml blob;
	struct loader *ld;
};

/* Start a table with its header; returns its offset in the file. */
static size_t table_begin(struct tables *t, const char *sig, uint8_t rev)
{
	uint8_t h[HDR_LEN] = { 0 };
	size_t at = t->blob.len;

	memcpy(h, sig, 4);
	h[8] = rev;
	memcpy(h + 10, "VMCTL ", 6);
	memcpy(h + 16, "VMCTLPC ", 8);
	acpi_put_le(h + 24, 1, 4);
	memcpy(h + 28, "VMCT", 4);
	acpi_put_le(h + 32, 1, 4);
	aml_bytes(&t->blob, h, sizeof(h));
	return at;
}

/* Set the length, the static checksum, and the loader's checksum entry
 * (needed when the table holds pointers the loader changes). */
static void table_end(struct tables *t, size_t at)
{
	uint8_t *p;
	size_t len = t->blob.len - at;

	if (t->blob.err)
		return;
	p = t->blob.buf + at;
	acpi_put_le(p + 4, len, 4);
	p[HDR_CHECKSUM] = 0;
	p[HDR_CHECKSUM] = (uint8_t)-acpi_sum8(p, len);
	loader_checksum(t->ld, TABLES_FILE, (uint32_t)(at + HDR_CHECKSUM), (uint32_t)at,
			(uint32_t)len);
}

/* Reserve n zero bytes; their offset, or 0 after an error. */
static size_t table_room(struct tables *t, size_t n)
{
	size_t at = t->blob.len;
	uint8_t z[FADT_LEN] = { 0 };

	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);

		aml_bytes(&t->blob, z, k);
		n -= k;
	}
	return t->blob.err ? 0 : at;
}

/* A table pointer at table offset `field`, holding the offset `target`. */
static void table_ptr(struct tables *t, size_t field, size_t target, uint8_t size)
{
	if (t->blob.err)
		return;
	acpi_put_le(t->blob.buf + field, target, size);
	loader_pointer(t->ld, TABLES_FILE, (uint32_t)field, TABLES_FILE, size);
}

/* FACS: no checksum; 64-byte aligned (it is first in a 64-aligned file). */
static size_t facs_build(struct tables *t)
{
	size_t at = table_room(t, FACS_LEN);

	if (!t->blob.err) {
		memcpy(t->blob.buf + at, "FACS", 4);
		acpi_put_le(t->blob.buf + at + 4, FACS_LEN, 4);
		t->blob.buf[at + 32] = 1;       /* version */
	}
	return at;
}

static size_t dsdt_build(struct tables *t, const struct dm_config *cfg)
{
	size_t at = table_begin(t, "DSDT", 1);
	struct aml a;

	aml_init(&a);
	acpi_dsdt_build(&a, cfg);
	if (aml_finish(&a) == 0)
		aml_bytes(&t->blob, a.buf, a.len);
	else if (!t->blob.err)
		t->blob.err = a.err;
	aml_free(&a);
	table_end(t, at);
	return at;
}

/* An I/O-space Generic Address Structure. */
static void gas_io(uint8_t *p, uint8_t bits, uint8_t access, uint64_t port)
{
	p[0] = 1;
	p[1] = bits;
	p[2] = 0;
	p[3] = access;
	acpi_put_le(p + 4, port, 8);
}

/* FADT flags: WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON (none fixed),
 * RESET_REG_SUP. The PM timer is 24 bits (no TMR_VAL_EXT). */
#define FADT_FLAGS (1u << 0 | 1u << 2 | 1u << 4 | 1u << 5 | 1u << 10)

static size_t fadt_build(struct tables *t, size_t facs, size_t dsdt)
{
	size_t at = table_begin(t, "FACP", 3);
	uint8_t *p;

	table_room(t, FADT_LEN - HDR_LEN);
	if (t->blob.err)
		return at;
	p = t->blob.buf + at;
	acpi_put_le(p + 46, ACPI_SCI_IRQ, 2);
	acpi_put_le(p + 48, ACPI_SMI_CMD, 4);
	p[52] = ACPI_ENABLE_CMD;
	p[53] = ACPI_DISABLE_CMD;
	acpi_put_le(p + 56, ACPI_PM_BASE, 4);        /* PM1a_EVT_BLK */
	acpi_put_le(p + 64, ACPI_PM_BASE + 4, 4);    /* PM1a_CNT_BLK */
	acpi_put_le(p + 76, ACPI_PM_BASE + 8, 4);    /* PM_TMR_BLK */
	acpi_put_le(p + 80, ACPI_GPE0_BASE, 4);      /* GPE0_BLK */
	p[88] = 4;                              /* PM1_EVT_LEN */
	p[89] = 2;                              /* PM1_CNT_LEN */
	p[91] = 4;                              /* PM_TMR_LEN */
	p[92] = 4;                              /* GPE0_BLK_LEN */
	acpi_put_le(p + 96, 0xfff, 2);               /* no C2 */
	acpi_put_le(p + 98, 0xfff, 2);               /* no C3 */
	p[108] = 0x32;                          /* CMOS century register */
	acpi_put_le(p + 109, 0x3, 2);                /* legacy devices, an 8042 */
	acpi_put_le(p + 112, FADT_FLAGS, 4);
	gas_io(p + 116, 8, 1, ACPI_RESET_PORT);
	p[128] = ACPI_RESET_VALUE;
	table_ptr(t, at + 36, facs, 4);         /* FIRMWARE_CTRL */
	table_ptr(t, at + 40, dsdt, 4);         /* DSDT; X_ fields stay 0 */
	table_end(t, at);
	return at;
}

static void madt_put(struct tables *t, const uint8_t *e)
{
	aml_bytes(&t->blob, e, e[1]);
}

/* MADT: a LAPIC per vCPU (APIC id = vCPU id; those from --vcpus-online
 * up marked disabled, as hvmloader does for vcpus < maxvcpus), the IOAPIC (id after the
 * LAPICs', as vmhv's ioapic.c), ISA IRQ 0 on GSI 2, and the PCI link
 * IRQs and the SCI level-triggered active-high as PIIX routes them. */
static size_t madt_build(struct tables *t, const struct dm_config *cfg)
{
	static const uint8_t level_irqs[] = { 5, ACPI_SCI_IRQ, 10, 11 };
	size_t at = table_begin(t, "APIC", 1);
	uint8_t e[12];

	acpi_put_le(e, ACPI_LAPIC_ADDR, 4);
	acpi_put_le(e + 4, 1, 4);                    /* PCAT_COMPAT: there are 8259s */
	aml_bytes(&t->blob, e, 8);
	for (unsigned i = 0; i < cfg->vcpus; i++) {
		bool enabled = !cfg->vcpus_online || i < cfg->vcpus_online;

		madt_put(t, (const uint8_t[]){ 0, 8, (uint8_t)i, (uint8_t)i, enabled, 0, 0, 0 });
	}
	memset(e, 0, sizeof(e));
	e[0] = 1;
	e[1] = 12;
	e[2] = (uint8_t)cfg->vcpus;
	acpi_put_le(e + 4, ACPI_IOAPIC_ADDR, 4);
	madt_put(t, e);
	madt_put(t, (const uint8_t[]){ 2, 10, 0, 0, 2, 0, 0, 0, 0, 0 });
	for (size_t i = 0; i < sizeof(level_irqs); i++)
		madt_put(t, (const uint8_t[]){ 2, 10, 0, level_irqs[i], level_irqs[i], 0, 0, 0,
					       0x0d, 0 });
	madt_put(t, (const uint8_t[]){ 4, 6, 0xff, 0, 0, 1 });  /* LINT1 is NMI */
	table_end(t, at);
	return at;
}

static size_t rsdt_build(struct tables *t, const size_t *entries, unsigned n)
{
	size_t at = table_begin(t, "RSDT", 1);
	size_t list = table_room(t, 4 * n);

	for (unsigned i = 0; i < n && !t->blob.err; i++)
		table_ptr(t, list + 4 * i, entries[i], 4);
	table_end(t, at);
	return at;
}

static void rsdp_build(uint8_t *r, struct loader *ld, size_t rsdt)
{
	memset(r, 0, RSDP_LEN);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "VMCTL ", 6);
	acpi_put_le(r + 16, rsdt, 4);
	r[8] = (uint8_t)-acpi_sum8(r, RSDP_LEN);
	loader_pointer(ld, RSDP_FILE, 16, TABLES_FILE, 4);
	loader_checksum(ld, RSDP_FILE, 8, 0, RSDP_LEN);
}

int acpi_tables_add(struct fw_cfg *fc, const struct dm_config *cfg)
{
	struct loader ld = { .n = 0 };
	struct tables t = { .ld = &ld };
	uint8_t rsdp[RSDP_LEN];
	size_t facs, dsdt, ptrs[2], rsdt;
	int rc;

	aml_init(&t.blob);
	loader_alloc(&ld, RSDP_FILE, 16, ACPI_LOADER_ZONE_FSEG);
	loader_alloc(&ld, TABLES_FILE, 64, ACPI_LOADER_ZONE_HIGH);
	facs = facs_build(&t);
	dsdt = dsdt_build(&t, cfg);
	ptrs[0] = fadt_build(&t, facs, dsdt);
	ptrs[1] = madt_build(&t, cfg);
	rsdt = rsdt_build(&t, ptrs, 2);
	rsdp_build(rsdp, &ld, rsdt);
	rc = t.blob.err ? t.blob.err : ld.err;
	if (rc == 0)
		rc = fw_cfg_add_file(fc, RSDP_FILE, rsdp, sizeof(rsdp));
	if (rc == 0)
		rc = fw_cfg_add_file(fc, TABLES_FILE, t.blob.buf, t.blob.len);
	if (rc == 0)
		rc = fw_cfg_add_file(fc, LOADER_FILE, ld.cmd, ACPI_LOADER_ENTRY * ld.n);
	aml_free(&t.blob);
	return rc;
}
