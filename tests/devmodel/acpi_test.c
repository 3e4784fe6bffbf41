/* The ACPI and SMBIOS tables the device model serves over fw_cfg, read
 * as SeaBIOS reads them: the loader script is executed against the files
 * (every command checked against their bounds), then every table is
 * checked (signature, length, revision, checksum), the FADT's registers,
 * the MADT's entries per vCPU, the DSDT's AML walked object by object,
 * and the SMBIOS entry point and structures. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/acpi/acpi.h"
#include "devmodel/dev/fw_cfg.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rd(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i--;)
		v = v << 8 | p[i];
	return v;
}

/* One fw_cfg file, found through the directory, read whole (NULL if
 * absent): what SeaBIOS's romfile layer does. */
static uint8_t *fw_get(struct dmt *t, const char *name, uint32_t *len)
{
	uint8_t e[64], *buf = NULL;
	uint32_t n = 0;
	int key = -1;

	dmt_out(t, FW_CFG_PORT_SEL, 2, FW_CFG_FILE_DIR);
	for (int i = 0; i < 4; i++)
		n = n << 8 | dmt_in(t, FW_CFG_PORT_SEL + 1, 1);
	for (uint32_t i = 0; i < n && key < 0; i++) {
		for (int j = 0; j < 64; j++)
			e[j] = (uint8_t)dmt_in(t, FW_CFG_PORT_SEL + 1, 1);
		if (strcmp((char *)e + 8, name) == 0) {
			key = e[4] << 8 | e[5];
			*len = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
		}
	}
	if (key < 0 || !(buf = malloc(*len + 1)))
		return NULL;
	dmt_out(t, FW_CFG_PORT_SEL, 2, (uint32_t)key);
	for (uint32_t i = 0; i < *len; i++)
		buf[i] = (uint8_t)dmt_in(t, FW_CFG_PORT_SEL + 1, 1);
	return buf;
}

/* The loaded files at made-up guest addresses. */
struct blob {
	char name[ACPI_LOADER_FILE_MAX];
	uint8_t *data;
	uint32_t len;
	uint64_t addr;
};

struct loaded {
	struct blob f[4];
	unsigned n;
	uint64_t next_high, next_fseg;
};

static struct blob *blob_find(struct loaded *l, const uint8_t *name)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strncmp(l->f[i].name, (const char *)name, ACPI_LOADER_FILE_MAX) == 0)
			return &l->f[i];
	return NULL;
}

/* The address `a` inside a loaded file: a pointer into its copy, or NULL
 * when [a, a+len) is not inside one file. */
static uint8_t *at(struct loaded *l, uint64_t a, uint64_t len)
{
	for (unsigned i = 0; i < l->n; i++)
		if (a >= l->f[i].addr && a + len <= l->f[i].addr + l->f[i].len)
			return l->f[i].data + (a - l->f[i].addr);
	return NULL;
}

static int cmd_alloc(struct dmt *t, struct loaded *l, const uint8_t *c)
{
	uint32_t align = (uint32_t)rd(c + 60, 4);
	uint8_t zone = c[64];
	struct blob *b = &l->f[l->n];
	uint64_t *next = zone == ACPI_LOADER_ZONE_FSEG ? &l->next_fseg : &l->next_high;

	if (l->n == 4 || !align || (align & (align - 1)) || (zone != 1 && zone != 2) ||
	    memchr(c + 4, 0, ACPI_LOADER_FILE_MAX) == NULL || blob_find(l, c + 4))
		return -1;
	strcpy(b->name, (const char *)c + 4);
	b->data = fw_get(t, b->name, &b->len);
	if (!b->data)
		return -1;
	b->addr = (*next + align - 1) & ~(uint64_t)(align - 1);
	*next = b->addr + b->len;
	l->n++;
	return zone == ACPI_LOADER_ZONE_FSEG && *next > 0x100000 ? -1 : 0;
}

static int cmd_pointer(struct loaded *l, const uint8_t *c)
{
	struct blob *dst = blob_find(l, c + 4), *src = blob_find(l, c + 60);
	uint32_t off = (uint32_t)rd(c + 116, 4);
	uint8_t size = c[120];

	if (!dst || !src || (size != 1 && size != 2 && size != 4 && size != 8) ||
	    off > dst->len || dst->len - off < size)
		return -1;
	uint64_t v = rd(dst->data + off, size) + src->addr;

	for (unsigned i = 0; i < size; i++)
		dst->data[off + i] = (uint8_t)(v >> (8 * i));
	return 0;
}

static int cmd_checksum(struct loaded *l, const uint8_t *c)
{
	struct blob *b = blob_find(l, c + 4);
	uint32_t off = (uint32_t)rd(c + 60, 4), start = (uint32_t)rd(c + 64, 4);
	uint32_t len = (uint32_t)rd(c + 68, 4);

	if (!b || off >= b->len || start > b->len || b->len - start < len ||
	    off < start || off >= start + len)
		return -1;
	b->data[off] = (uint8_t)(b->data[off] - acpi_sum8(b->data + start, len));
	return 0;
}

/* Run etc/table-loader; the number of commands, or -1 at a bad one. */
static int loader_run(struct dmt *t, struct loaded *l)
{
	uint32_t len;
	uint8_t *s = fw_get(t, "etc/table-loader", &len);
	int rc = 0, n = 0;

	if (!s || len % ACPI_LOADER_ENTRY)
		rc = -1;
	for (uint32_t o = 0; rc == 0 && o < len; o += ACPI_LOADER_ENTRY, n++) {
		switch (rd(s + o, 4)) {
		case ACPI_LOADER_ALLOCATE: rc = cmd_alloc(t, l, s + o); break;
		case ACPI_LOADER_ADD_POINTER: rc = cmd_pointer(l, s + o); break;
		case ACPI_LOADER_ADD_CHECKSUM: rc = cmd_checksum(l, s + o); break;
		default: rc = -1;
		}
		if (rc)
			diag("loader command %d (type %u) is bad", n, (unsigned)rd(s + o, 4));
	}
	free(s);
	return rc ? -1 : n;
}

/* A table at guest address a with signature sig: its copy, or NULL. */
static const uint8_t *table(struct loaded *l, uint64_t a, const char *sig, uint8_t rev)
{
	const uint8_t *h = at(l, a, 36);
	uint32_t len = h ? (uint32_t)rd(h + 4, 4) : 0;

	if (!h || memcmp(h, sig, 4) != 0 || len < 36 || !at(l, a, len)) {
		ok(0, "%s: at %#llx, within its file", sig, (unsigned long long)a);
		return NULL;
	}
	ok(acpi_sum8(h, len) == 0, "%s: checksum", sig);
	is_int(h[8], rev, "%s: revision", sig);
	return h;
}

/* ---- AML: a walk of the DSDT's objects ---- */

struct aml_walk {
	const uint8_t *end;
	int bad;
	char found[128][40];     /* "PATH=HID" for devices, "PATH" for others */
	unsigned n;
};

static void seen(struct aml_walk *w, const char *path, const char *hid)
{
	if (w->n < 128)
		snprintf(w->found[w->n++], sizeof(w->found[0]), "%s%s%s", path, hid ? "=" : "",
			 hid ? hid : "");
}

static int has(const struct aml_walk *w, const char *what)
{
	for (unsigned i = 0; i < w->n; i++)
		if (strcmp(w->found[i], what) == 0)
			return 1;
	return 0;
}

/* A PkgLength at *p: the end of its package, or NULL past `end`. */
static const uint8_t *pkg_end(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *s = *p;
	unsigned extra = s[0] >> 6;
	uint32_t len = extra ? (s[0] & 0x0f) : (s[0] & 0x3f);

	for (unsigned i = 1; i <= extra; i++)
		len |= (uint32_t)s[i] << (4 + 8 * (i - 1));
	*p = s + 1 + extra;
	return len <= (size_t)(end - s) && len > extra ? s + len : NULL;
}

/* A NameString's last segment (into seg[5]); advances *p. */
static int name_seg(const uint8_t **p, const uint8_t *end, char seg[5])
{
	const uint8_t *s = *p;
	unsigned n = 1;

	while (s < end && (*s == '\\' || *s == '^'))
		s++;
	if (s < end && *s == 0x2e)
		n = 2, s++;
	else if (s + 1 < end && *s == 0x2f)
		n = s[1], s += 2;
	if (n == 0 || (size_t)(end - s) < 4 * n)
		return -1;
	memcpy(seg, s + 4 * (n - 1), 4);
	seg[4] = 0;
	*p = s + 4 * n;
	return 0;
}

/* An EISA id back to text. */
static void eisa_text(const uint8_t *b, char out[8])
{
	unsigned v = b[0] << 8 | b[1];

	snprintf(out, 8, "%c%c%c%02X%02X", 0x40 + (v >> 10 & 31), 0x40 + (v >> 5 & 31),
		 0x40 + (v & 31), b[2], b[3]);
}

/* Walk a TermList of Scope, Device, Processor, Method, Name, OperationRegion and
 * Field objects (the DSDT's top levels); any other opcode is an error. */
static void walk(struct aml_walk *w, const uint8_t *p, const uint8_t *end, const char *path)
{
	while (p < end && !w->bad) {
		uint8_t op = *p++;
		const uint8_t *e;
		char seg[5], sub[40], hid[8];

		if (op == 0x5b && p < end && (p[0] == 0x82 || p[0] == 0x81 || p[0] == 0x83)) {
			int dev = p[0] != 0x81, cpu = *p++ == 0x83;

			if (!(e = pkg_end(&p, end)) || name_seg(&p, e, seg) < 0 ||
			    (cpu && e - p < 6)) {
				w->bad = 1;
				return;
			}
			snprintf(sub, sizeof(sub), "%s.%s", path, seg);
			if (dev) {
				seen(w, sub, NULL);
				walk(w, p + (cpu ? 6 : 0), e, sub);   /* Processor: id, PBLK */
			}
			p = e;
		} else if (op == 0x5b && p < end && p[0] == 0x80) {
			p++;
			if (name_seg(&p, end, seg) < 0 || end - p < 3) {
				w->bad = 1;
				return;
			}
			p += 1;                         /* space */
			for (int k = 0; k < 2; k++)     /* offset, length: byte/word/dword */
				p += *p == 0x0a ? 2 : *p == 0x0b ? 3 : *p == 0x0c ? 5 : 1;
		} else if (op == 0x10 || op == 0x14) {
			if (!(e = pkg_end(&p, end)) || name_seg(&p, e, seg) < 0) {
				w->bad = 1;
				return;
			}
			snprintf(sub, sizeof(sub), "%s.%s", path, seg);
			seen(w, sub, NULL);
			if (op == 0x10)
				walk(w, p, e, sub);
			p = e;
		} else if (op == 0x08) {
			if (name_seg(&p, end, seg) < 0 || p >= end) {
				w->bad = 1;
				return;
			}
			snprintf(sub, sizeof(sub), "%s.%s", path, seg);
			if (strcmp(seg, "_HID") == 0 && *p == 0x0c && end - p >= 5) {
				eisa_text(p + 1, hid);
				seen(w, path, hid);
			} else {
				seen(w, sub, NULL);
			}
			op = *p++;
			if (op == 0x11 || op == 0x12) {
				if (!(e = pkg_end(&p, end))) {
					w->bad = 1;
					return;
				}
				p = e;
			} else {
				p += op == 0x0a ? 1 : op == 0x0b ? 2 : op == 0x0c ? 4 : op == 0x0e ? 8 : 0;
			}
		} else {
			diag("unexpected AML opcode %#x under %s", op, path);
			w->bad = 1;
		}
	}
	if (p != end)
		w->bad = 1;
}

static void check_dsdt(const uint8_t *d, unsigned vcpus)
{
	static const char *const want[] = {
		"._SB_", "._SB_.PCI0=PNP0A03", "._SB_.PCI0._CRS", "._SB_.PCI0._PRT",
		"._SB_.PCI0.ISA_", "._SB_.PCI0.ISA_.RTC_=PNP0B00", "._SB_.PCI0.ISA_.KBD_=PNP0303",
		"._SB_.PCI0.ISA_.MOU_=PNP0F13", "._SB_.PCI0.ISA_.COM1=PNP0501",
		"._SB_.LNKA=PNP0C0F", "._SB_.LNKB=PNP0C0F", "._SB_.LNKC=PNP0C0F",
		"._SB_.LNKD=PNP0C0F", "._SB_.LNKA._PRS", "._SB_.LNKD._SRS", "._SB_.LNKC._CRS",
		"._SB_.LNKB._DIS", "._SB_.LNKA._STA", "._SB_.LCRS", "._S5_",
	};
	static struct aml_walk w;
	uint32_t len = (uint32_t)rd(d + 4, 4);
	const uint8_t *prt;
	int prt_ok = 1;

	memset(&w, 0, sizeof(w));
	walk(&w, d + 36, d + len, "");
	ok(!w.bad, "DSDT: the AML walks to its end (%u objects)", w.n);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		ok(has(&w, want[i]), "DSDT has %s", want[i]);
	/* _PRT: 128 entries, slot s pin p on LNK[(s + p - 1) & 3] */
	prt = memmem(d, len, "_PRT\x12", 5);
	if (prt) {
		const uint8_t *p = prt + 5, *e = pkg_end(&p, d + len);

		prt_ok = e && *p++ == 128;
		for (unsigned i = 0; prt_ok && i < 128; i++) {
			const uint8_t *pe = NULL, *q = NULL;

			prt_ok = *p++ == 0x12 && (pe = pkg_end(&p, e)) && *p == 4;
			if (prt_ok)
				q = memmem(p, (size_t)(pe - p), "LNK", 3);
			prt_ok = prt_ok && q && q[3] == 'A' + (((i >> 2) + (i & 3) + 3) & 3);
			p = pe;
		}
	}
	ok(prt && prt_ok, "_PRT: 128 entries with the PCI INTx swizzle of pci.c");
	for (unsigned i = 0; i < vcpus; i++) {
		char pr[24];

		snprintf(pr, sizeof(pr), "._SB_.PR%02X", i);
		ok(has(&w, pr), "DSDT has the processor %s (vCPU %u of %u)", pr + 1, i, vcpus);
	}
	ok(has(&w, "._GPE._E02") && has(&w, "._SB_.PRSC"),
	   "DSDT has \\_GPE._E02 and \\_SB.PRSC (CPU hotplug)");
	ok(memmem(d, len, "_S5_\x12\x06\x04\x00\x00\x00\x00", 11) != NULL,
	   "\\_S5 is Package(4) { 0, 0, 0, 0 } (PIIX4's SLP_TYP for S5)");
}

static void check_fadt(struct loaded *l, const uint8_t *f, unsigned vcpus)
{
	is_int(rd(f + 4, 4), 244, "FADT: length of revision 3");
	ok(rd(f + 56, 4) == ACPI_PM_BASE && rd(f + 64, 4) == ACPI_PM_BASE + 4 &&
	   rd(f + 76, 4) == ACPI_PM_BASE + 8, "FADT: PM1a event, control and timer at the PM base");
	ok(f[88] == 4 && f[89] == 2 && f[91] == 4, "FADT: PM block lengths");
	is_int(rd(f + 46, 2), 9, "FADT: SCI on IRQ 9");
	ok(rd(f + 48, 4) == 0xb2 && f[52] == 0xf1 && f[53] == 0xf0, "FADT: SMI_CMD, ACPI enable");
	ok(f[116] == 1 && rd(f + 120, 8) == 0xcf9 && f[128] == 6 && (rd(f + 112, 4) & (1 << 10)),
	   "FADT: reset register 0xcf9 <- 6");
	const uint8_t *facs = at(l, rd(f + 36, 4), 64);
	ok(facs && memcmp(facs, "FACS", 4) == 0 && rd(f + 36, 4) % 64 == 0,
	   "FADT: FIRMWARE_CTRL points at the 64-byte aligned FACS");
	const uint8_t *dsdt = table(l, rd(f + 40, 4), "DSDT", 1);
	if (dsdt)
		check_dsdt(dsdt, vcpus);
}

/* LAPICs 0..online-1 enabled, the rest of vcpus listed disabled. */
static void check_madt(const uint8_t *m, unsigned vcpus, unsigned online)
{
	uint32_t len = (uint32_t)rd(m + 4, 4);
	unsigned lapic = 0, ioapic = 0, irq0 = 0, sci = 0, good = 1;

	is_int(rd(m + 36, 4), 0xfee00000, "MADT: LAPIC address");
	for (uint32_t o = 44; good && o < len; o += m[o + 1]) {
		good = o + 2 <= len && m[o + 1] >= 2 && o + m[o + 1] <= len;
		if (!good)
			break;
		if (m[o] == 0)
			lapic += m[o + 2] == lapic && m[o + 3] == lapic &&
				 (m[o + 4] & 1) == (lapic < online);
		else if (m[o] == 1)
			ioapic += m[o + 2] == vcpus && rd(m + o + 4, 4) == 0xfec00000 && !rd(m + o + 8, 4);
		else if (m[o] == 2 && m[o + 3] == 0)
			irq0 += rd(m + o + 4, 4) == 2;
		else if (m[o] == 2 && m[o + 3] == 9)
			sci += rd(m + o + 4, 4) == 9 && rd(m + o + 8, 2) == 0x0d;
	}
	ok(good, "MADT: entries within the table");
	is_int(lapic, vcpus, "MADT: a LAPIC per vCPU, ids 0..n-1, enabled below vcpus-online");
	is_int(ioapic, 1, "MADT: one IOAPIC at 0xfec00000, id after the LAPICs, GSI base 0");
	is_int(irq0, 1, "MADT: ISA IRQ 0 on GSI 2");
	is_int(sci, 1, "MADT: IRQ 9 level, active high");
}

static void check_acpi(struct dmt *t, unsigned vcpus, unsigned online)
{
	struct loaded l = { .next_high = 0x1f00000, .next_fseg = 0xf5000 };
	const uint8_t *rsdp, *rsdt, *e;
	int n = loader_run(t, &l);

	ok(n > 4, "etc/table-loader runs (%d commands, all within bounds)", n);
	rsdp = n > 0 ? at(&l, l.next_fseg - 20, 20) : NULL;
	ok(rsdp && memcmp(rsdp, "RSD PTR ", 8) == 0 && acpi_sum8(rsdp, 20) == 0 && rsdp[15] == 0,
	   "RSDP in the F segment, revision 0, checksum");
	rsdt = rsdp ? table(&l, rd(rsdp + 16, 4), "RSDT", 1) : NULL;
	if (rsdt) {
		uint32_t ne = ((uint32_t)rd(rsdt + 4, 4) - 36) / 4;

		is_int(ne, 2, "RSDT: FADT and MADT");
		for (uint32_t i = 0; i < ne; i++) {
			uint64_t a = rd(rsdt + 36 + 4 * i, 4);

			e = at(&l, a, 4);
			if (e && memcmp(e, "FACP", 4) == 0 && (e = table(&l, a, "FACP", 3)))
				check_fadt(&l, e, vcpus);
			else if (e && memcmp(e, "APIC", 4) == 0 && (e = table(&l, a, "APIC", 1)))
				check_madt(e, vcpus, online);
			else
				ok(0, "RSDT entry %u is a known table", i);
		}
	}
	for (unsigned i = 0; i < l.n; i++)
		free(l.f[i].data);
}

/* run() gives the device model the UUID 00112233-4455-6677-8899-aabbccddeeff:
 * type 1 holds it with its first three fields little-endian (SMBIOS 2.6),
 * and its text as the serial number (string 3). */
static void check_system_uuid(const uint8_t *s, uint32_t tlen, uint32_t sys)
{
	static const uint8_t want[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	static const char text[] = "00112233-4455-6677-8899-aabbccddeeff";
	const char *str;

	if (!s || sys == UINT32_MAX || sys + 0x1b > tlen) {
		ok(0, "a type 1 (system) structure");
		return;
	}
	ok(memcmp(s + sys + 8, want, 16) == 0, "type 1: the domain's UUID, SMBIOS 2.6 byte order");
	str = (const char *)s + sys + s[sys + 1];
	for (int i = 1; i < s[sys + 7] && (const uint8_t *)str < s + tlen; i++)
		str += strnlen(str, (size_t)(s + tlen - (const uint8_t *)str)) + 1;
	ok(s[sys + 7] == 3 && (const uint8_t *)str + sizeof(text) <= s + tlen &&
	   strcmp(str, text) == 0, "type 1: serial number is the UUID's text");
}

static void check_smbios(struct dmt *t, unsigned vcpus)
{
	uint32_t alen = 0, tlen = 0;
	uint8_t *a = fw_get(t, "etc/smbios/smbios-anchor", &alen);
	uint8_t *s = fw_get(t, "etc/smbios/smbios-tables", &tlen);
	unsigned count = 0, cpus = 0, max = 0, last = 0, types = 0;
	uint32_t o = 0, sys = UINT32_MAX;

	ok(a && alen == 31 && memcmp(a, "_SM_", 4) == 0 && acpi_sum8(a, 31) == 0 &&
	   memcmp(a + 16, "_DMI_", 5) == 0 && acpi_sum8(a + 16, 15) == 0,
	   "SMBIOS 2.1 entry point: anchors and checksums");
	ok(s && a && rd(a + 22, 2) == tlen, "structure table length = the file's size");
	while (s && o + 4 <= tlen) {
		uint32_t start = o;

		if (s[o + 1] < 4 || o + s[o + 1] + 2 > tlen)
			break;
		last = s[o];
		if (last == 1)
			sys = o;
		types |= 1u << (last < 32 ? last : last == 32 ? 30 : 31);
		cpus += last == 4;
		o += s[o + 1];
		while (o + 1 < tlen && (s[o] || s[o + 1]))
			o++;
		o += 2;
		count++;
		max = o - start > max ? o - start : max;
	}
	ok(s && o == tlen && last == 127, "structures walk to the end-of-table (type 127)");
	ok(a && rd(a + 28, 2) == count && rd(a + 8, 2) == max, "entry point: %u structures, largest %u",
	   count, max);
	is_int(cpus, vcpus, "a type 4 per vCPU");
	check_system_uuid(s, tlen, sys);
	ok((types & 0x000b0000) == 0x000b0000 && (types & 0x1b) == 0x1b && (types & (1u << 30)),
	   "types 0, 1, 3, 4, 16, 17, 19, 32 present");
	free(a);
	free(s);
}

static void run(unsigned vcpus, unsigned online, uint64_t low, uint64_t high, bool acpi)
{
	struct dmt t;
	uint32_t len;
	uint8_t *p;

	if (dmt_init(&t, 0x100000) < 0) {
		ok(0, "test machine");
		return;
	}
	t.cfg.vcpus = vcpus;
	t.cfg.lowmem = low;
	t.cfg.highmem = high;
	t.cfg.acpi = acpi;
	t.cfg.vcpus_online = online;
	for (int i = 0; i < 16; i++)
		t.cfg.uuid[i] = (uint8_t)(i * 0x11);
	diag("%u vCPUs, %llu MiB low, %llu MiB high, acpi=%d", vcpus,
	     (unsigned long long)(low >> 20), (unsigned long long)(high >> 20), acpi);
	is_int(dmt_start(&t), 0, "devices created");
	if (acpi) {
		check_acpi(&t, vcpus, online);
	} else {
		p = fw_get(&t, "etc/table-loader", &len);
		ok(!p, "acpi=0: no ACPI tables (SeaBIOS builds none either without PIIX4 PM)");
		free(p);
	}
	check_smbios(&t, vcpus);
	dmt_fini(&t);
}

int main(void)
{
	run(1, 1, 32u << 20, 0, true);
	run(3, 3, 0xc0000000ull, 1ull << 30, true);
	run(4, 2, 64u << 20, 0, true);        /* vcpus=2, maxvcpus=4 */
	run(2, 2, 256u << 20, 0, false);
	return tap_done();
}
