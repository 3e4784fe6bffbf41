/*
 * struct start_info: what the domain builder tells a PV guest at boot
 * (rsi holds its virtual address at the entry point).  In Xen it lives in
 * xen.h, which includes this header.
 */
#ifndef VMCTL_XEN_START_INFO_H
#define VMCTL_XEN_START_INFO_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/arch-x86/xen.h>

/* Our own: start_info.magic of a 64-bit PV guest ("xen-<ver>-<arch>"). */
#define XEN_START_INFO_MAGIC_X86_64 "xen-3.0-x86_64"

/* Length of start_info.cmd_line, NUL included. */
#define MAX_GUEST_CMDLINE 1024

/* start_info.flags */
#define SIF_PRIVILEGED      (1 << 0)	/* privileged domain */
#define SIF_INITDOMAIN      (1 << 1)	/* the initial control domain */
#define SIF_MULTIBOOT_MOD   (1 << 2)	/* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN   (1 << 3)	/* mod_start is a PFN, not a virtual address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4)	/* p2m is published through arch_shared_info */
#define SIF_PM_MASK         (0xFF << 8)	/* power-management flags (dom0) */

struct start_info {
	char magic[32];			/* XEN_START_INFO_MAGIC_*, NUL-terminated */
	unsigned long nr_pages;		/* pages of memory given to the domain */
	unsigned long shared_info;	/* machine address of the shared info page */
	uint32_t flags;			/* SIF_* */
	xen_pfn_t store_mfn;		/* xenstore ring frame */
	uint32_t store_evtchn;		/* xenstore event channel */
	union {
		struct {
			xen_pfn_t mfn;		/* console ring frame */
			uint32_t evtchn;	/* console event channel */
		} domU;
		struct {
			uint32_t info_off;	/* offset of a dom0_vga_console_info */
			uint32_t info_size;
		} dom0;
	} console;
	unsigned long pt_base;		/* virtual address of the bootstrap L4 */
	unsigned long nr_pt_frames;	/* frames of bootstrap page tables */
	unsigned long mfn_list;		/* virtual address of the p2m array */
	unsigned long mod_start;	/* initrd: virtual address or PFN */
	unsigned long mod_len;		/* initrd size in bytes */
	int8_t cmd_line[MAX_GUEST_CMDLINE];
	unsigned long first_p2m_pfn;	/* first PFN of the p2m, if mapped apart */
	unsigned long nr_p2m_frames;
};
typedef struct start_info start_info_t;

XEN_ABI_SIZE(struct start_info, 1168);
XEN_ABI_OFFSET(struct start_info, magic, 0);
XEN_ABI_OFFSET(struct start_info, nr_pages, 32);
XEN_ABI_OFFSET(struct start_info, shared_info, 40);
XEN_ABI_OFFSET(struct start_info, flags, 48);
XEN_ABI_OFFSET(struct start_info, store_mfn, 56);
XEN_ABI_OFFSET(struct start_info, store_evtchn, 64);
XEN_ABI_OFFSET(struct start_info, console, 72);
XEN_ABI_OFFSET(struct start_info, console.domU.mfn, 72);
XEN_ABI_OFFSET(struct start_info, console.domU.evtchn, 80);
XEN_ABI_OFFSET(struct start_info, console.dom0.info_off, 72);
XEN_ABI_OFFSET(struct start_info, console.dom0.info_size, 76);
XEN_ABI_OFFSET(struct start_info, pt_base, 88);
XEN_ABI_OFFSET(struct start_info, nr_pt_frames, 96);
XEN_ABI_OFFSET(struct start_info, mfn_list, 104);
XEN_ABI_OFFSET(struct start_info, mod_start, 112);
XEN_ABI_OFFSET(struct start_info, mod_len, 120);
XEN_ABI_OFFSET(struct start_info, cmd_line, 128);
XEN_ABI_OFFSET(struct start_info, first_p2m_pfn, 1152);
XEN_ABI_OFFSET(struct start_info, nr_p2m_frames, 1160);

#endif
