/* The private protocol between vmhv's pv engine and the sandbox program
 * (vmhv-pv) that runs one pv domain. Both are built from this tree at once,
 * so it is versioned only by PV_ABI_VERSION checked at boot.
 *
 * vmhv starts vmhv-pv with posix_spawn and these descriptors only:
 *   PV_CHAN_FD          vCPU 0's SOCK_SEQPACKET channel to vmhv
 *   PV_MEM_FD           the domain's memory memfd
 *   PV_CHAN_FD_OF(v)    vCPU v's channel, for v = 1 .. max_vcpus-1
 * (the sandbox adds its userfaultfd, which lands on fd 5).
 * The first packet on the channel is struct pv_boot, the second the seccomp
 * filter (struct sock_filter[], at most PV_SECCOMP_MAX bytes) that the
 * sandbox installs before it runs guest code. After that vmhv-pv sends
 * struct pv_hcall_req packets for the hypercalls it cannot serve itself and
 * waits for the matching struct pv_hcall_rep.
 *
 * Nothing the sandbox sends is trusted: the guest can write anything into
 * the channel, so vmhv validates every packet as it would a guest's call.
 */
#ifndef VMHV_PV_ABI_H
#define VMHV_PV_ABI_H

#include "vmctl/privcmd.h"
#include "vmctl/pv_state.h"

#include <stdint.h>

#define PV_CHAN_FD 3
#define PV_MEM_FD  4
#define PV_CHAN_FD_OF(v) ((v) == 0 ? PV_CHAN_FD : 5 + (int)(v))
#define PV_FD_MAX  (5 + PRIVCMD_MAX_VCPUS)  /* the highest fd the sandbox has */

/* The sandbox's address space: the guest's part is [0, PV_GUEST_VA_TOP);
 * above it the physmap (all guest frames, for the shim; protected while
 * the guest runs in user mode), then the sandbox's image (linked at
 * 0x680000000000), its stack and the vDSO. */
#define PV_GUEST_VA_TOP 0x600000000000ull
#define PV_PHYSMAP_BASE 0x600000000000ull
#define PV_PHYSMAP_END  0x610000000000ull     /* the physmap's 16 TiB end here */

#define PV_SECCOMP_MAX 8192
#define PV_NO_FRAME UINT64_MAX
#define PV_BOOT_MAGIC   0x766d7076u /* "vpmv" */
#define PV_ABI_VERSION  4

struct pv_boot {
	uint32_t magic;           /* PV_BOOT_MAGIC */
	uint32_t version;         /* PV_ABI_VERSION */
	uint32_t domid;
	uint32_t max_vcpus;
	uint64_t mem_bytes;       /* size of the memfd, mapped at the flat base */
	uint64_t flat_base;       /* VMCTL_PV_FLAT_BASE */
	uint64_t hypercall_frame; /* frame to fill with stubs, PV_NO_FRAME = none */
	uint32_t uid, gid;        /* drop to these before running the guest */
	uint64_t shared_info_pfn;
	uint32_t xen_version;     /* XENVER_version's answer, served in the shim */
	uint32_t spin;            /* pause iterations to spin for a reply (0 = never) */
	uint64_t mailbox_pfn;     /* the frame holding the vCPUs' struct pv_mailbox */
	struct privcmd_vcpu_regs regs; /* vCPU 0 */
	uint64_t cr3;             /* vCPU 0's L4 frame (PV_SET_BASEPTR) */
	uint32_t has_cr3;         /* 0: no page tables, the flat map only */
	uint32_t flags;           /* PV_BOOT_* */
	/* Secondary vCPUs restored parked in VCPUOP_down (SETVCPUCONTEXT
	 * before start): bit v set = vcpu_regs[v] is where its thread starts
	 * when the guest ups it (rax 0: its down call returns). */
	uint32_t resume_mask;
	/* Halt polling: the longest a SCHEDOP_block looks for an upcall
	 * before it sleeps (us, 0 = never; VMCTL_HALT_POLL_US, shim.c). */
	uint32_t halt_poll_us;
	struct privcmd_vcpu_regs vcpu_regs[PRIVCMD_MAX_VCPUS];
};
/* Guest user mode may use memory protection keys (sandbox/pkey.c) if the
 * CPU has them: vmhv says no when VMCTL_PV_PKEYS=0 or Linux is older than
 * 6.12 (which writes a signal frame onto a protected signal stack). */
#define PV_BOOT_PKEYS 1u
_Static_assert(sizeof(struct pv_boot) == 256 + 160 * PRIVCMD_MAX_VCPUS, "pv_boot size");
/* A restored domain: a third packet follows the filter, the guest's
 * struct pv_state and its pins (include/vmctl/pv_state.h), which the
 * sandbox re-establishes before the guest runs. */
#define PV_BOOT_STATE 2u
/* Guest user mode runs in vmhv-pv-user (pv_uproc.h): the sandbox has
 * PV_UPROC_*_FD and uses no keys. */
#define PV_BOOT_UPROC 4u



/* vmhv interrupts a running vCPU thread with this signal when an event
 * became deliverable (the sandbox turns it into Xen's event upcall). */
#define PV_UPCALL_SIGNAL 10 /* SIGUSR1 */

/* The sandbox's last words when the guest faulted with no handler for the
 * fault (or the shim itself failed): vmhv logs the register dump and marks
 * the domain crashed. Sent as its own packet size. */
#define PV_NR_CRASH 0xffffu
/* Sent (as a struct pv_crash, trap fields 0) just before a
 * SCHEDOP_shutdown(suspend) or a VCPUOP_down of the vCPU itself: its
 * registers for the saved image. */
#define PV_NR_REGS 0xfffdu
/* Sent just before that PV_NR_REGS of a suspend: a struct pv_state_msg,
 * the sandbox's part of the guest's state for the saved image. */
#define PV_NR_STATE 0xfffcu
struct pv_state_msg {
	uint32_t vcpu;
	uint32_t nr;              /* PV_NR_STATE */
	struct pv_state st;       /* then st.nr_pins pins */
};
#define PV_STATE_MSG_MAX (sizeof(struct pv_state_msg) + 8 * PV_STATE_MAX_PINS)
/* A new vCPU thread's first packet on its channel: args[0] = its tid. */
#define PV_NR_HELLO 0xfffeu
/* The reply to a forwarded VCPUOP_up that tells the sandbox to start the
 * vCPU's thread (it never ran, or its thread is gone); plain 0 means vmhv
 * resumed an existing (parked) thread or the vCPU was already up. */
#define PV_RET_START_THREAD 1
/* The reply to a forwarded EVTCHNOP_send (which succeeded) when vmhv also
 * queued a struct pv_evfd_offer on the vCPU's channel: the eventfd of the
 * dom0 port the sent port is bound to (SCM_RIGHTS), so that the sandbox
 * serves the next sends on that port itself with a write() of 1. The
 * offer holds while vCPU 0's mailbox shows the same evtchn_gen: vmhv bumps
 * it when an offered port's binding changes (either end closed). The
 * guest can only ever signal the eventfds of its own interdomain ports
 * (a stale one after a close reaches an eventfd nobody reads any more). */
#define PV_RET_EVFD 1
struct pv_evfd_offer {
	uint32_t port;            /* the domain's port */
	uint32_t gen;             /* evtchn_gen the offer belongs to */
};
_Static_assert(sizeof(struct pv_evfd_offer) == 8, "pv_evfd_offer size");
/* The sandbox keeps at most this many offered eventfds; they land on the
 * lowest free fd numbers, so all are <= PV_EVFD_MAX (the filter allows
 * write() on those). */
#define PV_EVFD_SLOTS 32
#define PV_EVFD_MAX (PV_FD_MAX + PV_EVFD_SLOTS + 2)
struct pv_crash {
	uint32_t vcpu;
	uint32_t nr;              /* PV_NR_CRASH */
	uint64_t trapno, err, cr2;
	uint64_t in_shim;         /* 1 if the fault was in the sandbox's own code */
	struct privcmd_vcpu_regs regs;
};
_Static_assert(sizeof(struct pv_crash) == 200, "pv_crash size");

struct pv_hcall_req {
	uint32_t vcpu;
	uint32_t nr;              /* hypercall number */
	uint64_t args[5];         /* rdi, rsi, rdx, r10, r8 */
};
_Static_assert(sizeof(struct pv_hcall_req) == 48, "pv_hcall_req size");


struct pv_hcall_rep {
	int64_t ret;              /* rax */
};
_Static_assert(sizeof(struct pv_hcall_rep) == 8, "pv_hcall_rep size");

/* The fast path for forwarded hypercalls: one mailbox per vCPU in a
 * hypervisor frame of the domain's memory (so the guest can scribble on
 * it: vmhv copies the request out and checks it like any packet).
 *
 * The sandbox writes `req`, bumps `req_seq`, and rings the doorbell (an
 * 8-byte struct pv_doorbell packet on its channel) unless vmhv says it is
 * polling. vmhv writes `ret`, sets `rep_seq` = req_seq, bumps `wake_seq` and wakes that futex
 * if the sandbox said it sleeps there. Both sides spin briefly
 * (boot.spin pauses) only when the other runs on another CPU: spinning
 * against a peer on the same CPU only delays it (host-costs.md). */
struct pv_mailbox {
	uint32_t req_seq;         /* sandbox */
	uint32_t rep_seq;         /* vmhv: the request answered last */
	uint32_t sleeping;        /* sandbox: futex-waiting on wake_seq (PV_SLEEP_*) */
	uint32_t polling;         /* vmhv: watching req_seq, no doorbell needed */
	uint32_t guest_cpu;       /* sandbox: the CPU it last ran on, + 1 */
	uint32_t vmhv_cpu;        /* vmhv: the CPU it last ran on, + 1 */
	int64_t ret;
	struct pv_hcall_req req;
	uint64_t cr3;             /* sandbox: the L4 frame of the current page tables */
	uint32_t untracked;       /* sandbox (vCPU 0's): guest RAM was mapped away from
				   * its flat address: dirty logging cannot see it */
	uint32_t evtchn_gen;      /* vmhv (vCPU 0's): see PV_RET_EVFD */
	/* The futex word a sleeping sandbox waits on: vmhv bumps it with
	 * every answer, and so does a dom0 backend that raised an event for a
	 * vCPU asleep in SCHEDOP_block (vmctl/privcmd.h, EVTCHN_DIRECT): the
	 * sandbox then returns from the block at once (upcall pending) and
	 * its next request ends the block in vmhv too. */
	uint32_t wake_seq;
	uint8_t pad[128 - 100];
};
_Static_assert(sizeof(struct pv_mailbox) == 128, "pv_mailbox size");

/* pv_mailbox.sleeping: waiting for an answer, or in SCHEDOP_block (which
 * an event raised by a dom0 backend also ends). */
#define PV_SLEEP_ANSWER 1u
#define PV_SLEEP_BLOCK  2u      /* = PRIVCMD_DIRECT_SLEEP_BLOCK (evtchn.c checks) */
#define PV_SLEEP_POLL   3u      /* = PRIVCMD_DIRECT_SLEEP_POLL: in SCHEDOP_block,
				 * looking for an upcall before it sleeps */

struct pv_doorbell {
	uint32_t vcpu;
	uint32_t seq;
};
_Static_assert(sizeof(struct pv_doorbell) == 8, "pv_doorbell size");

#endif
