/* SMBIOS 2.8 structures behind a 2.1 (32-bit) entry point, as SeaBIOS's
 * smbios_romfile_setup() takes them from etc/smbios/smbios-anchor (exactly
 * the 31-byte entry point) and etc/smbios/smbios-tables (its table length
 * must equal the file's size). SeaBIOS keeps our type 0 (it adds its own
 * only when there is none), places the structures and fixes the entry
 * point's address and checksums; we compute them anyway so the files are
 * valid on their own. With these files SeaBIOS builds no tables itself. */
#include "devmodel/acpi/acpi.h"
#include "devmodel/acpi/aml.h"

#include "devmodel/dev/fw_cfg.h"
#include "devmodel/dm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EP_LEN 31

struct smbios {
	struct aml blob;        /* the structures, as raw bytes */
	unsigned count;
	size_t max;
};

/* One structure: its formatted part (type, length and handle set here)
 * and its strings, numbered from 1 in the formatted part. */
static void sm_add(struct smbios *s, uint8_t *f, uint8_t type, uint8_t len, uint16_t handle,
		   const char *const *str)
{
	size_t start = s->blob.len;
	unsigned n = 0;

	f[0] = type;
	f[1] = len;
	acpi_put_le(f + 2, handle, 2);
	aml_bytes(&s->blob, f, len);
	for (; str && str[n]; n++)
		aml_bytes(&s->blob, str[n], strlen(str[n]) + 1);
	if (n == 0)
		aml_byte(&s->blob, 0);
	aml_byte(&s->blob, 0);
	s->count++;
	if (s->blob.len - start > s->max)
		s->max = s->blob.len - start;
}

static void sm_bios(struct smbios *s)
{
	uint8_t f[0x18] = { 0 };

	f[4] = 1;                               /* vendor */
	f[5] = 2;                               /* version */
	acpi_put_le(f + 6, 0xe800, 2);          /* starting segment */
	f[8] = 3;                               /* release date */
	f[10] = 0x08;                           /* characteristics not supported */
	f[19] = 0x10;                           /* a virtual machine */
	f[22] = f[23] = 0xff;                   /* no embedded controller */
	sm_add(s, f, 0, sizeof(f), 0x0000,
	       (const char *const[]){ "vmctl", "vmctl", "01/01/2026", NULL });
}

/* The domain's UUID (--uuid; all zeros means "not present"), stored as
 * SMBIOS 2.6 and later want it: its first three fields little-endian, the
 * rest in text order, so the guest's product_uuid reads as `xl list -l`'s
 * uuid. As Xen's hvmloader does, the serial number is the UUID's text. */
static void sm_system(struct smbios *s, const uint8_t uuid[16])
{
	static const uint8_t swap[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t f[0x1b] = { 0 };
	char serial[37];

	snprintf(serial, sizeof(serial),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 uuid[0], uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7],
		 uuid[8], uuid[9], uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
	f[4] = 1;                               /* manufacturer */
	f[5] = 2;                               /* product */
	f[7] = 3;                               /* serial number */
	for (int i = 0; i < 16; i++)
		f[8 + i] = uuid[swap[i]];
	f[24] = 6;                              /* woken by the power switch */
	sm_add(s, f, 1, sizeof(f), 0x0100,
	       (const char *const[]){ "vmctl", "HVM domU", serial, NULL });
}

static void sm_chassis(struct smbios *s)
{
	uint8_t f[0x11] = { 0 };

	f[4] = 1;
	f[5] = 1;                               /* other */
	f[9] = f[10] = f[11] = 3;               /* boot-up, power, thermal: safe */
	f[12] = 2;                              /* security: unknown */
	sm_add(s, f, 3, sizeof(f), 0x0300, (const char *const[]){ "vmctl", NULL });
}

static void sm_cpus(struct smbios *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint8_t f[0x20] = { 0 };
		char sock[16];

		snprintf(sock, sizeof(sock), "CPU %u", i);
		f[4] = 1;                       /* socket designation */
		f[5] = 3;                       /* central processor */
		f[6] = 1;                       /* family: other */
		f[7] = 2;                       /* manufacturer */
		acpi_put_le(f + 0x14, 2000, 2); /* maximum and current MHz */
		acpi_put_le(f + 0x16, 2000, 2);
		f[0x18] = 0x41;                 /* populated, enabled */
		f[0x19] = 1;                    /* upgrade: other */
		memset(f + 0x1a, 0xff, 6);      /* no cache structures */
		sm_add(s, f, 4, sizeof(f), (uint16_t)(0x0400 + i),
		       (const char *const[]){ sock, "vmctl", NULL });
	}
}

/* One array, one device holding all RAM, a mapped range per RAM block. */
static void sm_memory(struct smbios *s, const struct dm_config *cfg)
{
	uint64_t kib = (cfg->lowmem + cfg->highmem) >> 10, mib = kib >> 10;
	const uint64_t range[2][2] = { { 0, cfg->lowmem }, { 1ull << 32, cfg->highmem } };
	uint8_t a[0x0f] = { 0 }, d[0x22] = { 0 };

	a[4] = 1;                               /* location: other */
	a[5] = 3;                               /* system memory */
	a[6] = 3;                               /* no ECC */
	acpi_put_le(a + 7, kib < 0x80000000u ? kib : 0x80000000u, 4);
	acpi_put_le(a + 0x0b, 0xfffe, 2);
	acpi_put_le(a + 0x0d, 1, 2);
	sm_add(s, a, 16, sizeof(a), 0x1000, NULL);

	acpi_put_le(d + 4, 0x1000, 2);
	acpi_put_le(d + 6, 0xfffe, 2);
	acpi_put_le(d + 8, 64, 2);
	acpi_put_le(d + 0x0a, 64, 2);
	acpi_put_le(d + 0x0c, mib < 0x7fff ? mib : 0x7fff, 2);
	acpi_put_le(d + 0x1c, mib, 4);          /* extended size */
	d[0x0e] = 9;                            /* DIMM */
	d[0x10] = 1;                            /* device locator */
	d[0x12] = 7;                            /* RAM */
	acpi_put_le(d + 0x13, 2, 2);            /* type detail: other */
	d[0x17] = 2;                            /* manufacturer */
	sm_add(s, d, 17, sizeof(d), 0x1100, (const char *const[]){ "DIMM 0", "vmctl", NULL });

	for (unsigned i = 0; i < 2; i++) {
		uint8_t m[0x0f] = { 0 };

		if (!range[i][1])
			continue;
		acpi_put_le(m + 4, range[i][0] >> 10, 4);
		acpi_put_le(m + 8, ((range[i][0] + range[i][1]) >> 10) - 1, 4);
		acpi_put_le(m + 0x0c, 0x1000, 2);
		m[0x0e] = 1;
		sm_add(s, m, 19, sizeof(m), (uint16_t)(0x1300 + i), NULL);
	}
}

static void sm_entry_point(const struct smbios *s, uint8_t *ep)
{
	memset(ep, 0, EP_LEN);
	memcpy(ep, "_SM_", 4);
	ep[5] = EP_LEN;
	ep[6] = 2;
	ep[7] = 8;
	acpi_put_le(ep + 8, s->max, 2);
	memcpy(ep + 16, "_DMI_", 5);
	acpi_put_le(ep + 22, s->blob.len, 2);
	acpi_put_le(ep + 28, s->count, 2);
	ep[30] = 0x28;
	ep[21] = (uint8_t)-acpi_sum8(ep + 16, EP_LEN - 16);
	ep[4] = (uint8_t)-acpi_sum8(ep, EP_LEN);
}

int smbios_tables_add(struct fw_cfg *fc, const struct dm_config *cfg)
{
	struct smbios s = { .count = 0 };
	uint8_t boot[0x0b] = { 0 }, end[4] = { 0 };
	uint8_t ep[EP_LEN];
	int rc;

	aml_init(&s.blob);
	sm_bios(&s);
	sm_system(&s, cfg->uuid);
	sm_chassis(&s);
	sm_cpus(&s, cfg->vcpus);
	sm_memory(&s, cfg);
	sm_add(&s, boot, 32, sizeof(boot), 0x2000, NULL);   /* no errors */
	sm_add(&s, end, 127, sizeof(end), 0x7f00, NULL);
	rc = s.blob.err;
	if (rc == 0 && s.blob.len > UINT16_MAX)
		rc = -E2BIG;
	sm_entry_point(&s, ep);
	if (rc == 0)
		rc = fw_cfg_add_file(fc, "etc/smbios/smbios-anchor", ep, sizeof(ep));
	if (rc == 0)
		rc = fw_cfg_add_file(fc, "etc/smbios/smbios-tables", s.blob.buf, s.blob.len);
	aml_free(&s.blob);
	return rc;
}
