#include "libvmctl/elf_xen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vmctl/xen/elfnote.h>

static const char *const feature_names[ELF_XEN_NR_FEATURES] = {
	"writable_page_tables", "writable_descriptor_tables", "auto_translated_physmap",
	"supervisor_mode_kernel", "pae_pgdir_above_4gb", "mmu_pt_update_preserve_ad",
	"highmem_assist", "gnttab_map_avail_bits", "hvm_callback_vector",
	"hvm_safe_pvclock", "hvm_pirqs", "dom0",
};

const char *elf_xen_feature_name(unsigned bit)
{
	return bit < ELF_XEN_NR_FEATURES ? feature_names[bit] : NULL;
}

static int note_int(const void *desc, size_t len, uint64_t *out)
{
	uint32_t v32;

	if (len == 8) {
		memcpy(out, desc, 8);
		return 0;
	}
	if (len == 4) {
		memcpy(&v32, desc, 4);
		*out = v32;
		return 0;
	}
	return -ENOEXEC;
}

static void note_str(const void *desc, size_t len, char *out, size_t cap)
{
	size_t n = strnlen(desc, len);

	if (n >= cap)
		n = cap - 1;
	memcpy(out, desc, n);
	out[n] = '\0';
}

/* "name|!name|..." (the legacy section separates with '|' too). */
static void features_parse(struct elf_xen_info *x)
{
	char buf[sizeof(x->features)], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", x->features);
	for (char *f = strtok_r(buf, "|", &save); f; f = strtok_r(NULL, "|", &save)) {
		bool required = f[0] == '!';
		unsigned i;

		f += required;
		for (i = 0; i < ELF_XEN_NR_FEATURES; i++)
			if (strcmp(f, feature_names[i]) == 0)
				break;
		if (i == ELF_XEN_NR_FEATURES) {
			if (!x->bad_feature[0])
				snprintf(x->bad_feature, sizeof(x->bad_feature), "%s", f);
			continue;
		}
		x->f_supported |= 1u << i;
		if (required)
			x->f_required |= 1u << i;
	}
}

static int note_one(void *arg, const char *name, uint32_t type, const void *desc,
		    size_t len)
{
	struct elf_xen_info *x = arg;

	if (strcmp(name, "Xen") != 0)
		return 0;
	x->has_notes = true;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		x->has_entry = true;
		return note_int(desc, len, &x->entry);
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		x->has_hypercall_page = true;
		return note_int(desc, len, &x->hypercall_page);
	case XEN_ELFNOTE_VIRT_BASE:
		x->has_virt_base = true;
		return note_int(desc, len, &x->virt_base);
	case XEN_ELFNOTE_PADDR_OFFSET:
		x->has_paddr_offset = true;
		return note_int(desc, len, &x->paddr_offset);
	case XEN_ELFNOTE_INIT_P2M:
		x->has_init_p2m = true;
		return note_int(desc, len, &x->init_p2m);
	case XEN_ELFNOTE_SUSPEND_CANCEL:
		return note_int(desc, len, &x->suspend_cancel);
	case XEN_ELFNOTE_MOD_START_PFN:
		return note_int(desc, len, &x->mod_start_pfn);
	case XEN_ELFNOTE_SUPPORTED_FEATURES: {
		uint64_t bits = 0;
		int rc = note_int(desc, len, &bits);

		x->f_supported |= (uint32_t)bits;
		return rc;
	}
	case XEN_ELFNOTE_GUEST_OS:
		note_str(desc, len, x->guest_os, sizeof(x->guest_os));
		return 0;
	case XEN_ELFNOTE_XEN_VERSION:
		note_str(desc, len, x->xen_version, sizeof(x->xen_version));
		return 0;
	case XEN_ELFNOTE_LOADER:
		note_str(desc, len, x->loader, sizeof(x->loader));
		return 0;
	case XEN_ELFNOTE_PAE_MODE:
		note_str(desc, len, x->pae_mode, sizeof(x->pae_mode));
		return 0;
	case XEN_ELFNOTE_FEATURES:
		note_str(desc, len, x->features, sizeof(x->features));
		return 0;
	default:
		return 0; /* notes we do not need are fine */
	}
}

static int legacy_int(const char *v, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 0);
	return errno || end == v || *end ? -ENOEXEC : 0;
}

/* One KEY=VALUE of the __xen_guest string. */
static int legacy_pair(struct elf_xen_info *x, const char *key, const char *v)
{
	static const struct {
		const char *key;
		size_t off, cap;
	} strs[] = {
		{ "GUEST_OS", offsetof(struct elf_xen_info, guest_os), 64 },
		{ "XEN_VER", offsetof(struct elf_xen_info, xen_version), 32 },
		{ "LOADER", offsetof(struct elf_xen_info, loader), 32 },
		{ "PAE", offsetof(struct elf_xen_info, pae_mode), 32 },
		{ "FEATURES", offsetof(struct elf_xen_info, features), 256 },
	};

	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strcmp(key, strs[i].key) == 0) {
			snprintf((char *)x + strs[i].off, strs[i].cap, "%s", v);
			return 0;
		}
	if (strcmp(key, "VIRT_BASE") == 0) {
		x->has_virt_base = true;
		return legacy_int(v, &x->virt_base);
	}
	if (strcmp(key, "ELF_PADDR_OFFSET") == 0) {
		x->has_paddr_offset = true;
		return legacy_int(v, &x->paddr_offset);
	}
	if (strcmp(key, "HYPERCALL_PAGE") == 0) {
		x->has_hypercall_page = true; /* a page number: resolved below */
		return legacy_int(v, &x->hypercall_page);
	}
	return 0; /* BSD_SYMTAB and others: not needed */
}

/* Old kernels: "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x...,..." */
static int legacy_parse(const struct elf_image *img, struct elf_xen_info *x)
{
	const uint8_t *data;
	size_t len;
	char buf[1024], *save = NULL;
	int rc = elf_section_find(img, "__xen_guest", &data, &len);

	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	len = strnlen((const char *)data, len);
	if (len >= sizeof(buf))
		return -ENOEXEC;
	memcpy(buf, data, len);
	buf[len] = '\0';
	x->legacy = true;
	for (char *kv = strtok_r(buf, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (eq) {
			*eq = '\0';
			rc = legacy_pair(x, kv, eq + 1);
		}
	}
	return rc;
}

int elf_xen_parse(const struct elf_image *img, struct elf_xen_info *info)
{
	int rc;

	memset(info, 0, sizeof(*info));
	rc = elf_notes_foreach(img, note_one, info);
	if (rc == 0 && !info->has_notes)
		rc = legacy_parse(img, info);
	if (rc < 0)
		return rc;
	/* Xen's defaults (libelf's address check). */
	if (!info->has_paddr_offset)
		info->paddr_offset = info->legacy ? info->virt_base : 0;
	if (info->legacy && info->has_hypercall_page)
		info->hypercall_page = info->virt_base + info->hypercall_page * 4096;
	features_parse(info);
	return 0;
}

static bool pae_mode_known(const char *m)
{
	return !m[0] || strcmp(m, "yes") == 0 || strcmp(m, "no") == 0 ||
	       strcmp(m, "bimodal") == 0 || strncmp(m, "yes[", 4) == 0 ||
	       strncmp(m, "bimodal[", 8) == 0;
}

const char *elf_xen_check(const struct elf_xen_info *info, uint32_t supported)
{
	static char why[128];
	uint32_t missing = info->f_required & ~supported;

	if (!info->has_notes && !info->legacy)
		return "no Xen ELF notes: not a PV kernel";
	if (strncmp(info->xen_version, "xen-3.0", 7) != 0)
		return "XEN_VERSION note missing or not \"xen-3.0\"";
	if (strncmp(info->loader, "generic", 7) != 0 && strncmp(info->guest_os, "linux", 5) != 0)
		return "neither LOADER \"generic\" nor GUEST_OS \"linux\"";
	if (info->has_paddr_offset && !info->has_virt_base)
		return "PADDR_OFFSET without VIRT_BASE";
	if (!pae_mode_known(info->pae_mode))
		return "PAE_MODE is not yes, no or bimodal";
	if (info->bad_feature[0]) {
		snprintf(why, sizeof(why), "unknown feature \"%s\" in FEATURES", info->bad_feature);
		return why;
	}
	if (missing) {
		snprintf(why, sizeof(why), "the kernel requires feature %s, which vmctl lacks",
			 feature_names[__builtin_ctz(missing)]);
		return why;
	}
	return NULL;
}
