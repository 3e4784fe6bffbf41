/* The HVM domain builder: puts firmware or a kernel into a new hvm domain
 * through privcmd (docs/hvm.md "Boot paths"). Exactly one of:
 *
 *  - firmware: an ELF (class 32 or 64, machine 386 or x86-64: an ELF32
 *    header with machine x86-64 is valid too) loaded at its physical
 *    addresses and entered at e_entry in 32-bit flat protected mode with
 *    paging off, as Xen starts hvmloader (xl.cfg firmware_override=);
 *  - kernel: a multiboot (v1) kernel (an ELF, or the a.out-kludge header
 *    addresses), entered as the multiboot spec says (EAX 0x2BADB002, EBX
 *    the info structure: memory, command line, at most one module, the
 *    memory map);
 *  - kernel with pvh set: a PVH kernel (type="pvh"): an ELF with Xen's
 *    PHYS32_ENTRY note, entered there in flat 32-bit mode with EBX = the
 *    physical address of a struct hvm_start_info (command line, the
 *    ramdisk as module 0, the memory map; reference xen-abi §4.10);
 *  - bios: a raw BIOS image of at most 128 KiB (SeaBIOS's bios.bin) put at
 *    0xe0000-0xfffff, which the hvm engine also shows below 4 GiB; vCPU 0
 *    starts at the reset vector.
 *
 * Guest physical memory: see VMCTL_HVM_LOW_END (vmctl/privcmd.h). The
 * domain stays paused.
 */
#ifndef VMCTL_LIBVMCTL_BUILD_HVM_H
#define VMCTL_LIBVMCTL_BUILD_HVM_H

#include <stdint.h>

struct hv;

#define BUILD_HVM_IMAGE_MAX (256u << 20)
#define BUILD_HVM_BIOS_MAX  (128u << 10)

struct build_hvm {
	/* in */
	uint32_t domid;
	const char *firmware;      /* ELF entered in flat 32-bit mode, or NULL */
	const char *kernel;        /* multiboot kernel, or NULL */
	const char *module;        /* multiboot module (ramdisk=), or NULL */
	const char *cmdline;       /* multiboot command line, or NULL */
	const char *bios;          /* raw BIOS image, or NULL */
	int pvh;                   /* kernel is a PVH kernel, not multiboot */
	/* out */
	uint64_t entry;            /* where vCPU 0 starts (0xfffffff0: reset) */
	char error[256];           /* why, when build_hvm() fails */
};

/* Build the domain. 0, or -errno with a message in b->error (-ENOEXEC: not
 * an acceptable image; -ENOMEM: does not fit in the guest's RAM; -EINVAL:
 * not exactly one of firmware, kernel, bios). */
int build_hvm(struct hv *h, struct build_hvm *b);

/* The xenstore and console rings of an hvm domain (PV-on-HVM): pages of
 * vmhv's after the domain's RAM that the guest sees at fixed frames
 * (vmctl/hvm_pages.h). Gives the guest their frames and event channels in
 * HVM_PARAM_STORE_PFN/EVTCHN and HVM_PARAM_CONSOLE_PFN/EVTCHN, and the
 * toolstack the memfd frames to serve them from (hv_foreign_map). */
struct build_hvm_rings {
	uint32_t store_evtchn, console_evtchn;   /* in: unbound ports for dom0 */
	uint64_t store_frame, console_frame;     /* out: memfd frames */
};
int build_hvm_rings(struct hv *h, uint32_t domid, struct build_hvm_rings *r);

#endif
