/* The present vCPUs as the guest can see them (vcpuhp.h): the MADT in
 * the device model's fw_cfg file etc/acpi/tables (what SeaBIOS would
 * install), fw_cfg's NB_CPUS and MAX_CPUS, the CMOS CPU count at 0x5f
 * (SeaBIOS adds one), the ACPI hotplug bitmap at 0xaf00 and GPE0's
 * status at 0xafe0 (the guest never clears it: a GPE the restored
 * device model still has pending shows). */
#include "vcpuhp.h"
#include "hg.h"

#define FW_CFG_SEL   0x510
#define FW_CFG_DATA  0x511
#define FW_NB_CPUS   0x05
#define FW_MAX_CPUS  0x0f
#define FW_FILE_DIR  0x19
#define CPUHP_BITMAP 0xaf00
#define GPE0_STS     0xafe0
#define COM1         0x3f8

static uint8_t tables[65536];

static void fw_read(uint16_t key, void *buf, uint32_t len)
{
	outw(FW_CFG_SEL, key);
	for (uint32_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = inb(FW_CFG_DATA);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int name_is(const uint8_t *a, const char *b)
{
	while (*b && *a == (uint8_t)*b)
		a++, b++;
	return *b == 0 && *a == 0;
}

/* The size of fw_cfg file `name` read into tables[], 0 if absent. */
static uint32_t fw_file(const char *name)
{
	uint8_t n[4], e[64];
	uint32_t count;

	fw_read(FW_FILE_DIR, n, 4);
	count = be32(n);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t size;

		for (unsigned k = 0; k < sizeof(e); k++)
			e[k] = inb(FW_CFG_DATA);
		size = be32(e);
		if (!name_is(e + 8, name))
			continue;
		if (size > sizeof(tables))
			return 0;
		fw_read((uint16_t)(e[4] << 8 | e[5]), tables, size);
		return size;
	}
	return 0;
}

/* The enabled and all LAPIC entries of the MADT (found by its signature
 * and checksum in the tables file). */
static void madt_count(unsigned *enabled, unsigned *all)
{
	uint32_t len = fw_file("etc/acpi/tables");

	*enabled = *all = 0;
	for (uint32_t at = 0; at + 44 <= len; at++) {
		uint32_t l = le32(tables + at + 4);
		uint8_t sum = 0;

		if (tables[at] != 'A' || tables[at + 1] != 'P' || tables[at + 2] != 'I' ||
		    tables[at + 3] != 'C' || l < 44 || l > len - at)
			continue;
		for (uint32_t i = 0; i < l; i++)
			sum = (uint8_t)(sum + tables[at + i]);
		if (sum)
			continue;
		for (uint32_t e = at + 44; e + 2 <= at + l && tables[e + 1]; e += tables[e + 1]) {
			if (tables[e] != 0)
				continue;
			++*all;
			*enabled += tables[e + 4] & 1;
		}
		return;
	}
}

static void report(void)
{
	unsigned enabled, all;
	uint16_t nb = 0, max = 0;

	madt_count(&enabled, &all);
	fw_read(FW_NB_CPUS, &nb, 2);
	fw_read(FW_MAX_CPUS, &max, 2);
	outb(0x70, 0x5f);
	hg_printf("vcpus: madt %u/%u nb_cpus %u max_cpus %u cmos %u bitmap %02x gpe %04x\n",
		  enabled, all, nb, max, inb(0x71) + 1u, inb(CPUHP_BITMAP), inw(GPE0_STS));
}

void vcpuhp_test(void)
{
	uint8_t last = inb(CPUHP_BITMAP);

	report();
	for (;;) {
		uint8_t now = inb(CPUHP_BITMAP), c = 0;

		if (inb(COM1 + 5) & 1)
			c = inb(COM1);
		if (now != last || c == 'p')
			report();
		last = now;
		if (c == 'r') {
			hg_puts("vcpus: reset\n");
			outb(0xcf9, 0x06);
		}
		if (c == 'q')
			return;
	}
}
