/* What a PV kernel tells its domain builder: the Xen ELF notes
 * (XEN_ELFNOTE_*), or the legacy `__xen_guest` section of old kernels
 * ("KEY=VALUE,KEY=VALUE..."), with Xen's defaults applied. */
#ifndef VMCTL_LIBVMCTL_ELF_XEN_H
#define VMCTL_LIBVMCTL_ELF_XEN_H

#include "libvmctl/elf.h"

#include <stdbool.h>
#include <stdint.h>

/* XENFEAT_* bits the builder knows by name (features.h order). */
#define ELF_XEN_NR_FEATURES 12

struct elf_xen_info {
	bool has_notes;           /* ELF notes, or ... */
	bool legacy;              /* ... the __xen_guest section */
	bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
	bool has_init_p2m;
	uint64_t entry, hypercall_page, virt_base, paddr_offset;
	uint64_t init_p2m;        /* INIT_P2M: VA where the p2m list goes */
	uint64_t suspend_cancel;  /* SUSPEND_CANCEL */
	uint64_t mod_start_pfn;   /* MOD_START_PFN: mod_start is a PFN */
	uint32_t f_supported;     /* FEATURES: bits the kernel can use */
	uint32_t f_required;      /* ... and those it needs ("!name") */
	char guest_os[64];
	char xen_version[32];
	char loader[32];
	char pae_mode[32];
	char features[256];
	char bad_feature[64];     /* an unknown FEATURES name, if any */
};

/* Collect the notes (or the legacy section). -ENOEXEC for malformed notes
 * or a note value of the wrong size; a kernel with neither gives
 * has_notes = legacy = false. Afterwards virt_base and paddr_offset hold
 * Xen's defaults when the kernel gave none (VIRT_BASE 0; PADDR_OFFSET 0
 * with notes, VIRT_BASE with the legacy section). */
int elf_xen_parse(const struct elf_image *img, struct elf_xen_info *info);

/* Xen's acceptance rule for a PV kernel: notes present, XEN_VERSION starts
 * "xen-3.0", LOADER starts "generic" or GUEST_OS starts "linux", known
 * FEATURES and PAE_MODE, and every required feature in `supported` (a
 * XENFEAT bitmap). Returns NULL if acceptable, else why not. */
const char *elf_xen_check(const struct elf_xen_info *info, uint32_t supported);

/* XENFEAT bit `bit`'s name, or NULL. */
const char *elf_xen_feature_name(unsigned bit);

#endif
