/* The PV domain builder: puts a kernel into a new pv domain through privcmd.
 *
 * Like Xen's libxenguest for PV: load the ELF kernel (Xen notes, or the
 * legacy __xen_guest section) at its place, then, page-aligned after it,
 * the ramdisk, the p2m list, the start_info page, the xenstore page, the
 * console page, the boot page tables and a boot stack; the page tables
 * (a 4-level tree at start_info.pt_base, handed to vmhv as vCPU 0's
 * base pointer) map VIRT_BASE.. up to 512 KiB past the stack, rounded
 * to 4 MiB, page tables read-only, plus the p2m at INIT_P2M if given;
 * zero shared_info with every vCPU's upcall mask set; ask vmhv to fill the
 * hypercall page; allocate the console and xenstore event channels (unbound,
 * for dom0) unless given; fill grant refs 0 (console) and 1 (xenstore) for
 * dom0 as libxl does; set vCPU 0 to enter at the kernel's ENTRY with %rsi =
 * start_info and %rsp at the top of the boot stack. The domain stays paused.
 *
 * Pseudo-physical P is virtual VIRT_BASE + P in the bootstrap area, as on
 * Xen. A kernel linked at VMCTL_PV_FLAT_BASE gets all of its memory (and
 * the hypervisor frames after it) mapped there: vmctl's flat contract
 * (docs/pv-engine.md). Frame numbers (MFNs) equal PFNs.
 */
#ifndef VMCTL_LIBVMCTL_BUILD_PV_H
#define VMCTL_LIBVMCTL_BUILD_PV_H

#include <stdint.h>

struct hv;

#define BUILD_PV_KERNEL_MAX (256u << 20)

/* Guest virtual addresses the pv engine can map: [0, BUILD_PV_VA_TOP). */
#define BUILD_PV_VA_TOP 0x600000000000ull

/* The XENFEAT bits a kernel may require ("!name" in FEATURES): those the
 * pv engine offers (writable_page_tables through vm_assist, as on Xen;
 * writable_descriptor_tables, pae_pgdir_above_4gb,
 * mmu_pt_update_preserve_ad). */
#define BUILD_PV_FEATURES ((1u << 0) | (1u << 1) | (1u << 4) | (1u << 5))

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
	uint64_t pt_base_pfn, nr_pt_frames;  /* the boot page tables */
	uint64_t entry, hypercall_page, virt_base;
	int suspend_cancel;                  /* SUSPEND_CANCEL note */
	char error[256];           /* why, when build_pv() fails */
};

/* Build the domain. 0, or -errno with a message in b->error
 * (-ENOEXEC: not an acceptable kernel; -ENOMEM: does not fit). */
int build_pv(struct hv *h, struct build_pv *b);

#endif
