/* The privcmd wire format: dom0's hypercalls to vmhv over $VMCTL_RUNDIR/privcmd.
 *
 * Transport: a SOCK_SEQPACKET UNIX socket. Every message is one packet: a
 * struct privcmd_hdr followed by `len` payload bytes (at most
 * PRIVCMD_MAX_PAYLOAD). Each request gets exactly one reply with the same
 * `seq` and `op`; `rc` in the reply is 0 or a negative errno. A reply may
 * carry one file descriptor (SCM_RIGHTS): then PRIVCMD_F_FD is set in `flags`.
 *
 * Versioning: `version` is PRIVCMD_VERSION. vmhv answers a request of another
 * version with -EPROTONOSUPPORT (its own version in the reply header), so a
 * client can tell "too old" from "malformed". Structures only ever grow by new
 * operations; an existing layout never changes within a version.
 *
 * Every request payload has the size listed in PRIVCMD_OPS (exact, or a
 * minimum for the few variable-length ones); anything else is -EINVAL.
 * All fields are little-endian host order (both ends run on one host).
 */
#ifndef VMCTL_PRIVCMD_H
#define VMCTL_PRIVCMD_H

#include <stdint.h>

#include "vmctl/ioreq.h" /* the ioreq-server payloads */
#include "vmctl/xen/grant_table.h" /* GNTST_* */

#include <errno.h>

#define PRIVCMD_MAGIC       0x56434d50u /* "PMCV" */
#define PRIVCMD_VERSION     1
#define PRIVCMD_MAX_PAYLOAD 65536u
#define PRIVCMD_SOCKET_NAME "privcmd"

#define PRIVCMD_F_FD 1u /* reply: one fd attached by SCM_RIGHTS */

/* The pv engine's guest contract (docs/pv-engine.md): a pv domain's
 * pseudo-physical address P is guest virtual address VMCTL_PV_FLAT_BASE + P,
 * and its kernel is linked there. */
#define VMCTL_PV_FLAT_BASE 0x40000000ull

/* The hvm engine's memory layout (docs/hvm.md): frame P of an hvm domain's
 * RAM is guest physical P << 12 below VMCTL_HVM_LOW_END, and 4 GiB -
 * VMCTL_HVM_LOW_END higher from there (above 4 GiB), leaving the PCI hole. */
#define VMCTL_HVM_LOW_END 0xc0000000ull

struct privcmd_hdr {
	uint32_t magic;   /* PRIVCMD_MAGIC */
	uint16_t version; /* PRIVCMD_VERSION */
	uint16_t op;      /* PRIVCMD_OP_* */
	uint32_t seq;     /* chosen by the client, echoed in the reply */
	uint32_t len;     /* payload bytes after the header */
	int32_t rc;       /* reply: 0 or -errno; request: must be 0 */
	uint32_t flags;   /* reply: PRIVCMD_F_*; request: must be 0 */
};
_Static_assert(sizeof(struct privcmd_hdr) == 24, "privcmd_hdr size");

/* ---- payloads ---------------------------------------------------------- */

/* Requests that name only a domain (destroy, pause, unpause, getinfo, ...). */
struct privcmd_domid {
	uint32_t domid;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_domid) == 8, "privcmd_domid size");

/* VERSION reply: what `xl info` prints in its xen_* lines. */
struct privcmd_version {
	uint32_t major, minor;
	uint32_t pagesize;
	uint32_t pad;
	uint64_t virt_start;      /* platform_params virt_start */
	char extra[16];           /* xen_extra, e.g. ".0-vmctl" */
	char capabilities[128];   /* xen_caps, e.g. "xen-3.0-x86_64 hvm-3.0-x86_64" */
	char changeset[64];
	char commandline[256];    /* vmhv's own command line */
	char compiler[64];
	char compile_date[32];
	char scheduler[16];
};
_Static_assert(sizeof(struct privcmd_version) == 600, "privcmd_version size");

#define PRIVCMD_VIRTCAP_PV  1u
#define PRIVCMD_VIRTCAP_HVM 2u

/* PHYSINFO reply: the host as `xl info` shows it. Memory in 4 KiB pages. */
struct privcmd_physinfo {
	uint32_t nr_cpus, max_cpu_id;
	uint32_t nr_nodes, cores_per_socket;
	uint32_t threads_per_core, cpu_khz;
	uint32_t virt_caps;       /* PRIVCMD_VIRTCAP_* */
	uint32_t pad;
	uint64_t total_pages, free_pages;
	uint32_t hw_cap[8];       /* CPUID feature words as Xen prints them */
};
_Static_assert(sizeof(struct privcmd_physinfo) == 80, "privcmd_physinfo size");

#define PRIVCMD_CREATE_HVM 1u /* an hvm (soft CPU) domain; default pv */

/* DOMAIN_CREATE request. The domain starts paused (pause count 1), as on Xen. */
struct privcmd_domain_create {
	uint8_t handle[16];   /* UUID; vmhv does not interpret it */
	uint32_t flags;       /* PRIVCMD_CREATE_* */
	uint32_t max_vcpus;   /* 1..PRIVCMD_MAX_VCPUS */
	uint64_t max_pages;   /* guest RAM in 4 KiB pages, 1..PRIVCMD_MAX_PAGES */
};
_Static_assert(sizeof(struct privcmd_domain_create) == 32, "domain_create size");

#define PRIVCMD_MAX_VCPUS 32                 /* XEN_LEGACY_MAX_VCPUS */
#define PRIVCMD_MAX_PAGES (64ull << 18)      /* 64 GiB */
#define PRIVCMD_MAX_DOMID 0x7fefu            /* DOMID_FIRST_RESERVED - 1 */

/* Domain flags, same bit positions as Xen's XEN_DOMINF_*. */
#define PRIVCMD_DOMINF_DYING    (1u << 0)
#define PRIVCMD_DOMINF_HVM      (1u << 1)
#define PRIVCMD_DOMINF_SHUTDOWN (1u << 2)
#define PRIVCMD_DOMINF_PAUSED   (1u << 3)
#define PRIVCMD_DOMINF_BLOCKED  (1u << 4)
#define PRIVCMD_DOMINF_RUNNING  (1u << 5)

struct privcmd_dominfo {
	uint32_t domid;
	uint32_t flags;           /* PRIVCMD_DOMINF_* */
	uint32_t shutdown_reason; /* SHUTDOWN_* when flags has SHUTDOWN */
	uint32_t nr_online_vcpus;
	uint32_t max_vcpus;
	uint32_t pause_count;
	uint64_t tot_pages, max_pages;
	uint64_t shared_info_frame; /* pfn of shared_info in the domain's memory */
	uint64_t cpu_time_ns;
	uint64_t create_time_ns;  /* CLOCK_MONOTONIC */
	uint8_t handle[16];
};
_Static_assert(sizeof(struct privcmd_dominfo) == 80, "privcmd_dominfo size");

/* DOMAIN_GETINFOLIST: domains with domid >= first, at most max of them. */
struct privcmd_getinfolist {
	uint32_t first_domid;
	uint32_t max;
};
_Static_assert(sizeof(struct privcmd_getinfolist) == 8, "getinfolist size");
/* reply: uint32_t nr; uint32_t pad; struct privcmd_dominfo info[nr] */
#define PRIVCMD_GETINFOLIST_MAX ((PRIVCMD_MAX_PAYLOAD - 8) / sizeof(struct privcmd_dominfo))

struct privcmd_max_mem {
	uint32_t domid;
	uint32_t pad;
	uint64_t max_kb;
};
_Static_assert(sizeof(struct privcmd_max_mem) == 16, "max_mem size");

/* MAX_VCPUS and SHUTDOWN: a domain and one number. */
struct privcmd_domid_u32 {
	uint32_t domid;
	uint32_t value;
};
_Static_assert(sizeof(struct privcmd_domid_u32) == 8, "domid_u32 size");

#define PRIVCMD_DMESG_CLEAR 1u
/* DMESG request: text from position `from` (a byte count since vmhv started;
 * older text that the ring lost is skipped). Reply: struct privcmd_dmesg
 * followed by the text bytes (no NUL). */
struct privcmd_dmesg_req {
	uint64_t from;
	uint32_t flags;           /* PRIVCMD_DMESG_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_dmesg_req) == 16, "dmesg_req size");
struct privcmd_dmesg {
	uint64_t next;            /* pass as `from` to continue */
};
_Static_assert(sizeof(struct privcmd_dmesg) == 8, "dmesg size");

/* FOREIGN_MAP: the domain's memory memfd comes back by SCM_RIGHTS. Frame P of
 * the domain is at file offset P << 12. The reply says which frames exist
 * (RAM and the hypervisor pages after it); mapping outside is the caller's
 * bug and faults. */
struct privcmd_foreign_map {
	uint64_t nr_frames;       /* frames in the file */
	uint64_t ram_frames;      /* of those, guest RAM (0 .. ram_frames-1) */
};
_Static_assert(sizeof(struct privcmd_foreign_map) == 16, "foreign_map size");

/* vCPU register state (SETVCPUCONTEXT / GETVCPUCONTEXT). GETVCPUCONTEXT
 * of a domain suspended with SCHEDOP_shutdown(suspend) gives the suspending
 * vCPU's registers as the guest left them, rax 0: restored with
 * SETVCPUCONTEXT into a new domain, the suspend hypercall returns 0 there.
 * DOMAIN_RESUME (a struct privcmd_domid) cancels a suspend instead: the
 * same domain continues and its suspend hypercall returns 1. */
struct privcmd_vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags, fs_base, gs_base;
};
_Static_assert(sizeof(struct privcmd_vcpu_regs) == 160, "vcpu_regs size");

struct privcmd_vcpucontext {
	uint32_t domid;
	uint32_t vcpu;
	struct privcmd_vcpu_regs regs;
};
_Static_assert(sizeof(struct privcmd_vcpucontext) == 168, "vcpucontext size");

/* HYPERCALL_INIT: like XEN_DOMCTL_hypercall_init, vmhv fills frame `gmfn`
 * with the hypercall page when the domain first runs. */
struct privcmd_hypercall_init {
	uint32_t domid;
	uint32_t pad;
	uint64_t gmfn;
};
_Static_assert(sizeof(struct privcmd_hypercall_init) == 16, "hypercall_init size");

/* Dom0's event channels. A dom0 port is owned by the privcmd connection that
 * made it (closed when it disconnects); the guest's sends to it arrive on an
 * eventfd passed in the reply (read it to clear: the count is how many).
 * Dom0 sends with EVTCHN_NOTIFY. */
struct privcmd_evtchn_alloc_unbound {
	uint32_t dom;             /* allocate in this guest ... */
	uint32_t remote_dom;      /* ... for this peer to bind (0 = dom0) */
};
_Static_assert(sizeof(struct privcmd_evtchn_alloc_unbound) == 8, "alloc_unbound size");

struct privcmd_evtchn_bind_interdomain {
	uint32_t remote_dom;
	uint32_t remote_port;     /* unbound in remote_dom for dom0 */
};
_Static_assert(sizeof(struct privcmd_evtchn_bind_interdomain) == 8, "bind_interdomain size");

/* EVTCHN_DIRECT (request: struct privcmd_evtchn_port, a dom0 port of the
 * caller bound to a pv domain's port): how dom0 raises that port itself,
 * without a round trip to vmhv. Addresses are byte offsets in the
 * domain's FOREIGN_MAP file. To send: set the port's bit in shared_info's
 * evtchn_pending (if it was set, done); if its evtchn_mask bit is set, or
 * the generation word no longer holds `gen`, use EVTCHN_NOTIFY instead
 * (ask again with EVTCHN_DIRECT for a new gen); else set the selector bit
 * port / 64 in vcpu_info's evtchn_pending_sel and, if it was clear,
 * evtchn_upcall_pending; then, if the u32 at `sleeping` holds
 * PRIVCMD_DIRECT_SLEEP_BLOCK (the vCPU sleeps in SCHEDOP_block), add 1 to
 * the u32 at `wake` and FUTEX_WAKE it; else EVTCHN_KICK (vmhv interrupts
 * the running vCPU). Every word is the guest's memory: a guest that
 * scribbles on them only delays its own events. -EOPNOTSUPP: not a pv
 * domain (use EVTCHN_NOTIFY). EVTCHN_KICK (struct privcmd_evtchn_port):
 * deliver an upcall that dom0 made pending on the port's vCPU. */
struct privcmd_evtchn_direct {
	uint32_t port;            /* the domain's port */
	uint32_t gen;             /* valid while the u32 at gen_word holds it */
	uint64_t shared_info;
	uint64_t vcpu_info;       /* of the vCPU the port is bound to */
	uint64_t sleeping;        /* u32 */
	uint64_t wake;            /* u32 futex word */
	uint64_t gen_word;        /* u32 */
};
_Static_assert(sizeof(struct privcmd_evtchn_direct) == 48, "evtchn_direct size");
#define PRIVCMD_DIRECT_SLEEP_BLOCK 2u
/* The vCPU looks for an upcall before it sleeps in SCHEDOP_block (halt
 * polling): set the bits only, it sees them within a microsecond or two
 * (neither the futex wake nor EVTCHN_KICK). */
#define PRIVCMD_DIRECT_SLEEP_POLL 3u

/* EVTCHN_BIND_VIRQ takes struct privcmd_evtchn_port with a VIRQ number
 * (VIRQ_DOM_EXC = 3: a domain shut down or was destroyed; VIRQ_CON_RING =
 * 8: vmhv's console has new text), once per connection; NOTIFY and
 * CLOSE take a dom0 port; replies of ALLOC_UNBOUND, BIND_INTERDOMAIN and
 * BIND_VIRQ are a struct privcmd_evtchn_port. */
struct privcmd_evtchn_port {
	uint32_t port;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_evtchn_port) == 8, "evtchn_port size");

/* GNTTAB_MAP: check that guest `domid` grants dom0 `ref` (writable unless
 * PRIVCMD_GNT_READONLY) and mark it mapped (GTF_reading/GTF_writing); the
 * reply names the frame to mmap from the FOREIGN_MAP memfd and a handle for
 * GNTTAB_UNMAP. Handles belong to the connection (unmapped when it closes). */
#define PRIVCMD_GNT_READONLY 1u
struct privcmd_gnttab_map {
	uint32_t domid;
	uint32_t ref;
	uint32_t flags;           /* PRIVCMD_GNT_* */
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_gnttab_map) == 16, "gnttab_map size");
struct privcmd_gnttab_mapped {
	uint64_t frame;
	uint32_t handle;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_gnttab_mapped) == 16, "gnttab_mapped size");

/* GNTTAB_MAP_BATCH: up to PRIVCMD_GNTMAP_MAX grant maps in one round trip
 * (a backend maps every segment of a request at once). The request is an
 * array of entries; each is checked exactly as a single GNTTAB_MAP and
 * gets its own result, as Xen's GNTTABOP_map_grant_ref does: `status` is a
 * GNTST_* code (0 okay, -1 general error (bad flags, no memory), -2 bad
 * domain, -3 bad ref, -7 no handle left, -8 permission denied, -9 bad
 * page), and
 * `frame`/`handle` are valid only where status is 0. Entries are
 * independent: a bad one in the middle does not stop the others, so the
 * caller unmaps (GNTTAB_UNMAP_BATCH) what did map if it wants all or
 * nothing. The reply is the same array. The call's own rc is -EINVAL only
 * for a malformed array (not a whole number of entries, more than the
 * maximum). */
struct privcmd_gnttab_map_entry {
	uint32_t domid;
	uint32_t ref;
	uint32_t flags;           /* PRIVCMD_GNT_* */
	int32_t status;           /* OUT: GNTST_* */
	uint64_t frame;           /* OUT */
	uint32_t handle;          /* OUT */
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_gnttab_map_entry) == 32, "gnttab_map_entry size");
#define PRIVCMD_GNTMAP_MAX 256

/* The -errno that a single GNTTAB_MAP returns for a GNTST_* status; a
 * batch entry's status means the same (vmhv and dom0's callers agree on
 * it here, once). */
static inline int privcmd_gntst_errno(int32_t status)
{
	switch (status) {
	case GNTST_okay:
		return 0;
	case GNTST_bad_domain:
		return -ESRCH;
	case GNTST_bad_gntref:
		return -EINVAL;
	case GNTST_permission_denied:
	case GNTST_bad_page:
		return -EPERM;
	default:
		return -ENOMEM;
	}
}

/* GNTTAB_UNMAP_BATCH: up to PRIVCMD_GNTMAP_MAX handles of this connection
 * unmapped in one round trip; each entry's status is GNTST_okay or
 * GNTST_bad_handle (-4: not a live handle of this connection; nothing
 * else is touched). The reply is the same array. */
struct privcmd_gnttab_unmap_entry {
	uint32_t handle;
	int32_t status;           /* OUT: GNTST_* */
};
_Static_assert(sizeof(struct privcmd_gnttab_unmap_entry) == 8, "gnttab_unmap_entry size");

/* GNTTAB_COPY: dom0 copies between two guests' pages without mapping them
 * (a netback moving a packet). Each side is a grant ref that its domain gives
 * to dom0 (PRIVCMD_GNTCOPY_*_GREF) or, dom0 being privileged, a frame of
 * that domain. The request is 1..PRIVCMD_GNTCOPY_MAX ops; vmhv fills each
 * op's status with a GNTST_* code and returns them all. */
#define PRIVCMD_GNTCOPY_SRC_GREF 1u
#define PRIVCMD_GNTCOPY_DST_GREF 2u
struct privcmd_gnttab_copy {
	uint32_t src_domid, src_ref;   /* ref, or frame number */
	uint32_t dst_domid, dst_ref;
	uint16_t src_offset, dst_offset;
	uint16_t len, flags;           /* PRIVCMD_GNTCOPY_* */
	int16_t status;                /* OUT: GNTST_* */
	uint16_t pad[3];
};
_Static_assert(sizeof(struct privcmd_gnttab_copy) == 32, "gnttab_copy size");
#define PRIVCMD_GNTCOPY_MAX 256

/* Dirty-page logging of a running pv domain's RAM (for live migration).
 * DIRTY_ENABLE / DIRTY_DISABLE take a struct privcmd_domid; DIRTY_READ
 * returns a bitmap of frames [first, first+nr) written since the last read
 * (bit i = frame first+i, 64-bit words; the first read after enabling
 * reports every frame) and re-arms them. -EOPNOTSUPP: the host kernel
 * cannot (Linux 6.7+ needed). */
struct privcmd_dirty_read {
	uint32_t domid;
	uint32_t pad;
	uint64_t first;
	uint64_t nr;              /* 1 .. PRIVCMD_DIRTY_MAX */
};
_Static_assert(sizeof(struct privcmd_dirty_read) == 24, "dirty_read size");
#define PRIVCMD_DIRTY_MAX (PRIVCMD_MAX_PAYLOAD * 8ull)

/* SETTIMEOFFSET: seconds added to the domain's wall clock (xl.cfg
 * rtc_timeoffset / localtime), like XEN_DOMCTL_settimeoffset. */
struct privcmd_timeoffset {
	uint32_t domid;
	uint32_t pad;
	int64_t seconds;
};
_Static_assert(sizeof(struct privcmd_timeoffset) == 16, "timeoffset size");

/* HVM_PARAM_GET / HVM_PARAM_SET: Xen's HVM parameters (hvm/params.h
 * indices below PRIVCMD_HVM_NR_PARAMS), kept per domain. GET answers
 * with the same struct. */
#define PRIVCMD_HVM_NR_PARAMS 39
struct privcmd_hvm_param {
	uint32_t domid;
	uint32_t index;
	uint64_t value;
};
_Static_assert(sizeof(struct privcmd_hvm_param) == 16, "hvm_param size");

/* PV_SET_BASEPTR: a pv vCPU's initial page-table base (the frame of its
 * L4 table, Xen's ctrlreg[3] in setvcpucontext), set by the builder before
 * the domain starts. The pv engine makes the tree's mappings real. */
struct privcmd_pv_baseptr {
	uint32_t domid;
	uint32_t vcpu;
	uint64_t mfn;
};
_Static_assert(sizeof(struct privcmd_pv_baseptr) == 16, "pv_baseptr size");

/* PV_STATE_SET: a restore gives a new pv domain (not started yet) the
 * sandbox's part of the saved guest's state: this header, then a struct
 * pv_state and its pins (include/vmctl/pv_state.h). PV_STATE_GET (request:
 * struct privcmd_domid) answers with the same body as the guest's last
 * suspend left it (-ENODATA: none). */
struct privcmd_pv_state_set {
	uint32_t domid;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_pv_state_set) == 8, "pv_state_set size");

/* HVM_CONTEXT_SET: a restore gives a new hvm domain (not started yet) its
 * saved context: this header, then the blob HVM_CONTEXT_GET (request:
 * struct privcmd_domid) answered with, which froze the domain's vCPUs
 * until its next unpause (layout: hypervisor/engines/hvm/hvm_save.h,
 * opaque to dom0; vmhv checks it and answers -EINVAL when it is not
 * well-formed). */
struct privcmd_hvm_context {
	uint32_t domid;
	uint32_t pad;
};
_Static_assert(sizeof(struct privcmd_hvm_context) == 8, "hvm_context size");

/* HVM_VRAM_MAP: a device model's video memory as guest memory (Xen: QEMU's
 * VRAM populated, then moved to the BAR with XENMEM_add_to_physmap). The
 * first call makes a memfd of `bytes` plus one page of dirty bits (bit n of
 * the last page, in 64-bit little-endian words: VRAM page n was written by
 * the guest since the device model cleared the bit); every call answers it
 * (SCM_RIGHTS) and shows it to the guest at `gpa` (page aligned, inside the
 * PCI hole below 0xfec00000) or nowhere (PRIVCMD_VRAM_NOWHERE). The vCPUs
 * serve the guest's accesses there without an ioreq. -EEXIST: the domain
 * has VRAM of another size. */
#define PRIVCMD_VRAM_NOWHERE UINT64_MAX
#define PRIVCMD_VRAM_MAX     (128ull << 20)
struct privcmd_hvm_vram {
	uint32_t domid;
	uint32_t pad;
	uint64_t bytes;
	uint64_t gpa;
};
_Static_assert(sizeof(struct privcmd_hvm_vram) == 24, "hvm_vram size");

/* HVM_VCPUS: the vCPUs of an hvm domain that exist for its guest (bit n:
 * vCPU n; vCPU 0 always), from its device model's ACPI CPU hotplug state
 * (xl maxvcpus/vcpus, xl vcpu-set, the guest's eject). An AP outside the
 * set ignores INIT/SIPI (firmware and OS count only the present ones, the
 * CMOS CPU count follows), and one that leaves it while running is reset
 * to wait for a SIPI (the guest ejected it). Default: all present. */
struct privcmd_hvm_vcpus {
	uint32_t domid;
	uint32_t pad;             /* 0 */
	uint64_t present;
};
_Static_assert(sizeof(struct privcmd_hvm_vcpus) == 16, "hvm_vcpus size");

/* VCPU_LIST: every vCPU of a domain (request: struct privcmd_domid), as
 * `xl vcpu-list` shows them (Xen's XEN_DOMCTL_getvcpuinfo). The reply is
 * max_vcpus entries, in vCPU order. */
struct privcmd_vcpu_info {
	uint32_t vcpu;
	uint32_t flags;           /* PRIVCMD_VCPU_* */
	int32_t cpu;              /* host CPU it runs or last ran on; -1 = unknown */
	uint32_t pad;
	uint64_t cpu_time_ns;     /* CPU time it used */
};
_Static_assert(sizeof(struct privcmd_vcpu_info) == 24, "vcpu_info size");
#define PRIVCMD_VCPU_ONLINE  (1u << 0)
#define PRIVCMD_VCPU_RUNNING (1u << 1)   /* on a host CPU right now */
#define PRIVCMD_VCPU_BLOCKED (1u << 2)   /* waiting for an event (SCHEDOP_block/poll) */

/* ---- the operation table ----------------------------------------------
 * X(NAME, number, request payload size, exact)
 * exact = 1: the payload must be exactly that size; 0: at least that size. */
#define PRIVCMD_OPS(X)                                                    \
	X(VERSION,            1, 0, 1)                                    \
	X(PHYSINFO,           2, 0, 1)                                    \
	X(DOMAIN_CREATE,      3, sizeof(struct privcmd_domain_create), 1) \
	X(DOMAIN_DESTROY,     4, sizeof(struct privcmd_domid), 1)         \
	X(DOMAIN_PAUSE,       5, sizeof(struct privcmd_domid), 1)         \
	X(DOMAIN_UNPAUSE,     6, sizeof(struct privcmd_domid), 1)         \
	X(DOMAIN_GETINFO,     7, sizeof(struct privcmd_domid), 1)         \
	X(DOMAIN_GETINFOLIST, 8, sizeof(struct privcmd_getinfolist), 1)   \
	X(DOMAIN_MAX_MEM,     9, sizeof(struct privcmd_max_mem), 1)       \
	X(DOMAIN_MAX_VCPUS,  10, sizeof(struct privcmd_domid_u32), 1)     \
	X(DOMAIN_SHUTDOWN,   11, sizeof(struct privcmd_domid_u32), 1)     \
	X(DMESG,             12, sizeof(struct privcmd_dmesg_req), 1)     \
	X(FOREIGN_MAP,       13, sizeof(struct privcmd_domid), 1)         \
	X(SETVCPUCONTEXT,    14, sizeof(struct privcmd_vcpucontext), 1)   \
	X(GETVCPUCONTEXT,    15, sizeof(struct privcmd_domid_u32), 1)     \
	X(HYPERCALL_INIT,    16, sizeof(struct privcmd_hypercall_init), 1) \
	X(EVTCHN_ALLOC_UNBOUND,    17, sizeof(struct privcmd_evtchn_alloc_unbound), 1) \
	X(EVTCHN_BIND_INTERDOMAIN, 18, sizeof(struct privcmd_evtchn_bind_interdomain), 1) \
	X(EVTCHN_BIND_VIRQ,        19, sizeof(struct privcmd_evtchn_port), 1) \
	X(EVTCHN_NOTIFY,           20, sizeof(struct privcmd_evtchn_port), 1) \
	X(EVTCHN_CLOSE,            21, sizeof(struct privcmd_evtchn_port), 1) \
	X(GNTTAB_MAP,              22, sizeof(struct privcmd_gnttab_map), 1) \
	X(GNTTAB_UNMAP,            23, sizeof(struct privcmd_evtchn_port), 1) \
	X(DIRTY_ENABLE,            24, sizeof(struct privcmd_domid), 1) \
	X(DIRTY_READ,              25, sizeof(struct privcmd_dirty_read), 1) \
	X(DIRTY_DISABLE,           26, sizeof(struct privcmd_domid), 1) \
	X(SETTIMEOFFSET,           27, sizeof(struct privcmd_timeoffset), 1) \
	X(HVM_PARAM_GET,           28, sizeof(struct privcmd_hvm_param), 1) \
	X(HVM_PARAM_SET,           29, sizeof(struct privcmd_hvm_param), 1) \
	X(DOMAIN_RESUME,           30, sizeof(struct privcmd_domid), 1) \
	X(GNTTAB_COPY,             31, sizeof(struct privcmd_gnttab_copy), 0) \
	X(GNTTAB_MAP_BATCH,        32, sizeof(struct privcmd_gnttab_map_entry), 0) \
	X(GNTTAB_UNMAP_BATCH,      33, sizeof(struct privcmd_gnttab_unmap_entry), 0) \
	X(IOREQ_SERVER_CREATE,     34, sizeof(struct privcmd_ioreq_create), 1) \
	X(IOREQ_SERVER_DESTROY,    35, sizeof(struct privcmd_ioreq_op), 1) \
	X(IOREQ_SERVER_SET_STATE,  36, sizeof(struct privcmd_ioreq_op), 1) \
	X(IOREQ_SERVER_EVENTFD,    37, sizeof(struct privcmd_ioreq_op), 1) \
	X(IOREQ_MAP_RANGE,         38, sizeof(struct privcmd_ioreq_range), 1) \
	X(IOREQ_UNMAP_RANGE,       39, sizeof(struct privcmd_ioreq_range), 1) \
	X(IRQ_LEVEL,               40, sizeof(struct privcmd_irq_level), 1) \
	X(INJECT_MSI,              41, sizeof(struct privcmd_ioreq_msi), 1) \
	X(PV_SET_BASEPTR,          42, sizeof(struct privcmd_pv_baseptr), 1) \
	X(VCPU_LIST,               43, sizeof(struct privcmd_domid), 1) \
	X(PV_STATE_GET,            44, sizeof(struct privcmd_domid), 1) \
	X(PV_STATE_SET,            45, sizeof(struct privcmd_pv_state_set), 0) \
	X(HVM_CONTEXT_GET,         46, sizeof(struct privcmd_domid), 1) \
	X(HVM_CONTEXT_SET,         47, sizeof(struct privcmd_hvm_context), 0) \
	X(HVM_VRAM_MAP,            48, sizeof(struct privcmd_hvm_vram), 1) \
	X(PCI_LINK_ROUTE,          49, sizeof(struct privcmd_pci_link_route), 1) \
	X(HVM_VCPUS,               50, sizeof(struct privcmd_hvm_vcpus), 1) \
	X(EVTCHN_DIRECT,           51, sizeof(struct privcmd_evtchn_port), 1) \
	X(EVTCHN_KICK,             52, sizeof(struct privcmd_evtchn_port), 1)

enum privcmd_op {
#define PRIVCMD_OP_ENUM(name, nr, size, exact) PRIVCMD_OP_##name = nr,
	PRIVCMD_OPS(PRIVCMD_OP_ENUM)
#undef PRIVCMD_OP_ENUM
	PRIVCMD_OP_MAX
};

#endif
