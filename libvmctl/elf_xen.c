#include "libvmctl/elf_xen.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vmctl/xen/elfnote.h>

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
	case XEN_ELFNOTE_GUEST_OS:
		note_str(desc, len, x->guest_os, sizeof(x->guest_os));
		return 0;
	case XEN_ELFNOTE_XEN_VERSION:
		note_str(desc, len, x->xen_version, sizeof(x->xen_version));
		return 0;
	case XEN_ELFNOTE_LOADER:
		note_str(desc, len, x->loader, sizeof(x->loader));
		return 0;
	case XEN_ELFNOTE_FEATURES:
		note_str(desc, len, x->features, sizeof(x->features));
		return 0;
	default:
		return 0; /* notes we do not need are fine */
	}
}

int elf_xen_parse(const struct elf_image *img, struct elf_xen_info *info)
{
	memset(info, 0, sizeof(*info));
	return elf_notes_foreach(img, note_one, info);
}

const char *elf_xen_check(const struct elf_xen_info *info)
{
	if (!info->has_notes)
		return "no Xen ELF notes: not a PV kernel";
	if (strncmp(info->xen_version, "xen-3.0", 7) != 0)
		return "XEN_VERSION note missing or not \"xen-3.0\"";
	if (strncmp(info->loader, "generic", 7) != 0 && strncmp(info->guest_os, "linux", 5) != 0)
		return "neither LOADER \"generic\" nor GUEST_OS \"linux\"";
	return NULL;
}
