/* The PV domain builder: puts a kernel into a new pv domain through privcmd.
 *
 * Like Xen's libxenguest for PV: load the ELF kernel (with Xen notes) at
 * its place, then, page-aligned after it, the ramdisk, the p2m list, the
 * start_info page, the xenstore page, the console page and a boot stack;
 * zero shared_info with every vCPU's upcall mask set; ask vmhv to fill the
 * hypercall page; allocate the console and xenstore event channels (unbound,
 * for dom0) unless given; fill grant refs 0 (console) and 1 (xenstore) for
 * dom0 as libxl does; set vCPU 0 to enter at the kernel's ENTRY with %rsi =
 * start_info and %rsp at the top of the boot stack. The domain stays paused.
 *
 * Under vmctl's pv engine the kernel must be linked at VMCTL_PV_FLAT_BASE
 * (VIRT_BASE note): pseudo-physical P is virtual VMCTL_PV_FLAT_BASE + P
 * (docs/pv-engine.md). Frame numbers (MFNs) equal PFNs.
 */
#ifndef VMCTL_LIBVMCTL_BUILD_PV_H
#define VMCTL_LIBVMCTL_BUILD_PV_H

#include <stdint.h>

struct hv;

#define BUILD_PV_KERNEL_MAX (256u << 20)

struct build_pv {
	/* in */
	uint32_t domid;
	const char *kernel;        /* path of the ELF kernel */
	const char *ramdisk;       /* path or NULL */
	const char *cmdline;       /* NULL = empty; at most 1023 bytes */
	uint64_t nr_pages;         /* pages given to the guest; 0 = all RAM */
	uint32_t console_evtchn;   /* in: ports already allocated, or 0: then */
	uint32_t store_evtchn;     /* build_pv allocates them (unbound for dom0) */
	/* out */
	uint64_t start_info_pfn, console_pfn, store_pfn;
	uint64_t entry, hypercall_page;
	char error[256];           /* why, when build_pv() fails */
};

/* Build the domain. 0, or -errno with a message in b->error
 * (-ENOEXEC: not an acceptable kernel; -ENOMEM: does not fit). */
int build_pv(struct hv *h, struct build_pv *b);

#endif
