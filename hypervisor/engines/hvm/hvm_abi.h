/* The private protocol between vmhv's hvm engine and the sandbox program
 * (vmhv-hvm) that runs one hvm domain's vCPUs on the soft CPU, with the
 * platform devices next to them. Both come from this tree at once: the
 * version is checked at boot only.
 *
 * vmhv starts vmhv-hvm with posix_spawn and these descriptors only:
 *   HVM_CTL_FD          the control channel (SOCK_SEQPACKET)
 *   HVM_MEM_FD          the domain's memory memfd
 *   HVM_VCPU_FD(v)      vCPU v's hypercall channel, v = 0 .. max_vcpus-1
 * The first packet on the control channel is struct hvm_boot, then the
 * ioreq servers that exist, then HVM_CTL_START. After that:
 *   vmhv -> sandbox, control channel: struct hvm_ctl messages (interrupt
 *     lines, ioreq servers with their fds, HVM params, event upcalls);
 *   sandbox -> vmhv, control channel: struct hvm_note (log lines, triple
 *     fault, internal errors);
 *   sandbox -> vmhv, vCPU channel: struct hvm_hcall_req, answered by a
 *     struct hvm_hcall_rep (the vCPU thread waits for it).
 * Nothing the sandbox sends is trusted: it runs guest-driven emulation, so
 * vmhv checks every packet as it would a guest's hypercall.
 */
#ifndef VMHV_HVM_ABI_H
#define VMHV_HVM_ABI_H

#include "vmctl/hvm_pages.h"
#include "vmctl/privcmd.h"

#include <stdint.h>

#define HVM_CTL_FD 3
#define HVM_MEM_FD 4
#define HVM_VCPU_FD(v) (5 + (int)(v))
#define HVM_FD_MAX (5 + PRIVCMD_MAX_VCPUS)

#define HVM_BOOT_MAGIC  0x68766d76u /* "vmvh" */
#define HVM_ABI_VERSION 1

/* Guest physical layout (docs/hvm.md): RAM frame P is at guest physical
 * P << 12 below VMCTL_HVM_LOW_END and 4 GiB higher from there; the VGA
 * window 0xa0000-0xbffff is never RAM; the 128 KiB below 4 GiB alias RAM
 * 0xe0000-0xfffff (the BIOS, as on a PC after reset). */
#define HVM_VGA_START   0xa0000ull
#define HVM_VGA_END     0xc0000ull
#define HVM_BIOS_ALIAS  0xfffe0000ull
#define HVM_BIOS_LOW    0xe0000ull
#define HVM_BIOS_SIZE   0x20000ull

struct hvm_boot {
	uint32_t magic;           /* HVM_BOOT_MAGIC */
	uint32_t version;         /* HVM_ABI_VERSION */
	uint32_t domid;
	uint32_t max_vcpus;
	uint64_t ram_frames;      /* guest RAM, frames of the memfd from 0 */
	uint32_t uid, gid;        /* drop to these before running the guest */
	uint32_t flat32;          /* 1: vCPU 0 starts in 32-bit flat protected
				     mode at regs.rip (the builder set it);
				     0: at the reset vector (firmware) */
	uint32_t context;         /* 1: an hvm context (hvm_save.h) follows as
				     the next packet: a restored domain */
	uint64_t params[PRIVCMD_HVM_NR_PARAMS]; /* HVM params at start */
	struct privcmd_vcpu_regs regs;          /* vCPU 0 when flat32 */
};
_Static_assert(sizeof(struct hvm_boot) == 40 + 8 * PRIVCMD_HVM_NR_PARAMS + 160, "hvm_boot size");

/* vmhv -> sandbox on the control channel. */
enum hvm_ctl_type {
	HVM_CTL_IRQ = 1,          /* a = PRIVCMD_IRQ_*, b = irq, c = level */
	HVM_CTL_MSI,              /* a = data, addr */
	HVM_CTL_PARAM,            /* a = index, addr = value */
	HVM_CTL_UPCALL,           /* a = vCPU: an event channel became pending;
				     addr = the vCPU's vcpu_info (memfd offset) */
	HVM_CTL_SERVER_ADD,       /* a = server id, b = flags; fds: the server's
				     memfd, then max_vcpus request eventfds,
				     then the buffered eventfd */
	HVM_CTL_SERVER_STATE,     /* a = id, b = 1 on / 0 off */
	HVM_CTL_SERVER_DEL,       /* a = id */
	HVM_CTL_RANGE_ADD,        /* a = id, b = PRIVCMD_IOREQ_RANGE_*, addr..end */
	HVM_CTL_RANGE_DEL,        /* the same, to remove */
	HVM_CTL_START,            /* the state at start (servers, ranges) is all
				     sent: the vCPUs may run */
	HVM_CTL_MAP,              /* a = hypervisor frame (0 .. HVM_XEN_FRAMES-1,
				     memfd frame ram_frames + a) now shown at
				     guest frame addr (HVM_MAP_NONE: nowhere) */
	HVM_CTL_SAVE,             /* freeze the vCPUs, answer with the hvm
				     context (struct hvm_ctx_reply + blob) */
	HVM_CTL_THAW,             /* the frozen vCPUs run again */
	HVM_CTL_VRAM,             /* fd: the VRAM memfd (end bytes, then the
				     dirty page), shown at addr (UINT64_MAX:
				     nowhere) */
	HVM_CTL_LINK,             /* a = PCI link 0..3, b = its ISA IRQ (0: off) */
	HVM_CTL_VCPUS,            /* addr = the vCPUs absent (bit n: vCPU n; never
				     vCPU 0): they ignore INIT/SIPI (privcmd
				     HVM_VCPUS) */
	HVM_CTL_VCPU_DOWN,        /* a = vCPU, b = 1: VCPUOP_down of another vCPU,
				     it stops at an instruction boundary with its
				     state kept; b = 0: VCPUOP_up, it runs on */
};

/* XENMEM_add_to_physmap's pages (shared_info, grant frames) and the special
 * pages: frames of the memfd after RAM that the guest sees at a frame of
 * its choice, over RAM (which it hides) or in a hole. */
#define HVM_XEN_FRAMES   VMCTL_HVM_XEN_FRAMES
#define HVM_MAP_NONE     UINT64_MAX
#define HVM_MAP_MAX_GPFN ((1ull << 40) - 1)   /* 52-bit guest physical */

struct hvm_ctl {
	uint32_t type;            /* enum hvm_ctl_type */
	uint32_t a, b, c;
	uint64_t addr, end;
};
_Static_assert(sizeof(struct hvm_ctl) == 32, "hvm_ctl size");

/* sandbox -> vmhv on the control channel. */
enum hvm_note_type {
	HVM_NOTE_LOG = 1,         /* text[len]: one line of debug-port output */
	HVM_NOTE_TRIPLE_FAULT,    /* vcpu: reset or crash per the HVM param */
	HVM_NOTE_CRASH,           /* vcpu, text: the emulator gave up */
	HVM_NOTE_RESET,           /* the guest asked for a reset (port 0xcf9 / 0x64) */
	HVM_NOTE_CONTEXT,         /* the answer to HVM_CTL_SAVE: struct
				     hvm_ctx_reply, then len bytes of blob */
	HVM_NOTE_VCPU_UP,         /* vcpu: an AP started from a SIPI (online) */
	HVM_NOTE_VCPU_DOWN,       /* vcpu: an AP took INIT (offline until a SIPI) */
};

struct hvm_ctx_reply {
	uint32_t type;            /* HVM_NOTE_CONTEXT */
	int32_t rc;               /* 0, or -EBUSY: a vCPU did not stop */
	uint32_t len;             /* blob bytes that follow */
	uint32_t pad;
};
_Static_assert(sizeof(struct hvm_ctx_reply) == 16, "hvm_ctx_reply size");

#define HVM_NOTE_TEXT 200
struct hvm_note {
	uint32_t type;            /* enum hvm_note_type */
	uint32_t vcpu;
	uint32_t len;             /* bytes of text used */
	uint32_t pad;
	uint64_t rip;
	char text[HVM_NOTE_TEXT];
};
_Static_assert(sizeof(struct hvm_note) == 224, "hvm_note size");

/* A hypercall the sandbox forwards: the number, six arguments (64-bit:
 * rdi rsi rdx r10 r8 r9; 32-bit: ebx ecx edx esi edi ebp) and what vmhv
 * needs to find guest virtual addresses (the paging registers). */
struct hvm_hcall_req {
	uint32_t vcpu;
	uint32_t nr;
	uint64_t args[6];
	uint64_t cr0, cr3, cr4, efer;
	uint32_t long_mode;       /* 1: 64-bit code */
	uint32_t pad;
};
_Static_assert(sizeof(struct hvm_hcall_req) == 96, "hvm_hcall_req size");

struct hvm_hcall_rep {
	int64_t ret;
};
_Static_assert(sizeof(struct hvm_hcall_rep) == 8, "hvm_hcall_rep size");

#endif
