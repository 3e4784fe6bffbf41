/* The Xen ELF notes of a PV kernel (XEN_ELFNOTE_*), as the domain builder
 * needs them. */
#ifndef VMCTL_LIBVMCTL_ELF_XEN_H
#define VMCTL_LIBVMCTL_ELF_XEN_H

#include "libvmctl/elf.h"

#include <stdbool.h>
#include <stdint.h>

struct elf_xen_info {
	bool has_notes;
	bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
	uint64_t entry, hypercall_page, virt_base, paddr_offset;
	char guest_os[64];
	char xen_version[32];
	char loader[32];
	char features[256];
};

/* Collect the notes. -ENOEXEC for malformed notes or a note value of the
 * wrong size; a kernel without notes gives has_notes = false. */
int elf_xen_parse(const struct elf_image *img, struct elf_xen_info *info);

/* Xen's acceptance rule for a PV kernel: notes present, XEN_VERSION starts
 * "xen-3.0", and LOADER starts "generic" or GUEST_OS starts "linux".
 * Returns NULL if acceptable, else a message saying what is missing. */
const char *elf_xen_check(const struct elf_xen_info *info);

#endif
