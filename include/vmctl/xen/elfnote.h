/*
 * Xen ELF notes: how a guest kernel tells the domain builder its entry
 * point, hypercall page, features and so on.  Each note has name "Xen"
 * (namesz 4), type = one of the ids below, and a descriptor that is either
 * a little-endian integer (4 or 8 bytes) or a NUL-terminated string.
 */
#ifndef VMCTL_XEN_ELFNOTE_H
#define VMCTL_XEN_ELFNOTE_H

#define XEN_ELFNOTE_INFO                0	/* str: free text */
#define XEN_ELFNOTE_ENTRY               1	/* int: PV entry virtual address */
#define XEN_ELFNOTE_HYPERCALL_PAGE      2	/* int: VA to fill with hypercall stubs */
#define XEN_ELFNOTE_VIRT_BASE           3	/* int: VA the image is linked at */
#define XEN_ELFNOTE_PADDR_OFFSET        4	/* int: VA - paddr of the ELF segments */
#define XEN_ELFNOTE_XEN_VERSION         5	/* str: must start "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS            6	/* str: e.g. "linux" */
#define XEN_ELFNOTE_GUEST_VERSION       7	/* str */
#define XEN_ELFNOTE_LOADER              8	/* str: "generic" */
#define XEN_ELFNOTE_PAE_MODE            9	/* str: "yes", "no", "bimodal" */
#define XEN_ELFNOTE_FEATURES           10	/* str: "feat|!required|..." */
#define XEN_ELFNOTE_BSD_SYMTAB         11	/* str: "yes" to load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW       12	/* int: 32-bit PV only */
#define XEN_ELFNOTE_L1_MFN_VALID       13	/* int pairs: mask, value */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14	/* int: suspend may return 1 (cancelled) */
#define XEN_ELFNOTE_INIT_P2M           15	/* int: VA to map the p2m at */
#define XEN_ELFNOTE_MOD_START_PFN      16	/* int: accepts mod_start as a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17	/* int: XENFEAT_* bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY       18	/* int: PVH 32-bit physical entry */
#define XEN_ELFNOTE_PHYS32_RELOC       19	/* ints: align, min, max; newer than Xen 4.17 */
#define XEN_ELFNOTE_MAX                XEN_ELFNOTE_PHYS32_RELOC

/* Notes in Xen's own crash and core files. */
#define XEN_ELFNOTE_CRASH_INFO               0x1000001
#define XEN_ELFNOTE_CRASH_REGS               0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE            0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER          0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION     0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION  0x2000003

#endif
