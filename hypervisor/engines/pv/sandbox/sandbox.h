/* The sandbox program (vmhv-pv): runs one pv domain's vCPUs natively.
 * Shared between the C parts and entry.S.
 *
 * Every way out of guest code (hypercall stub, iret stub, signal) saves the
 * guest's registers into its struct pv_vcpu and every way back goes through
 * pv_resume, which first delivers a pending event upcall (Xen's bounce frame)
 * and then restores the registers. C code therefore edits guest state by
 * editing v->regs. */
#ifndef VMHV_PV_SANDBOX_H
#define VMHV_PV_SANDBOX_H

/* Offsets in struct pv_vcpu used by entry.S. */
#define PV_VCPU_STACK  0
#define PV_VCPU_REGS   8
#define PV_VCPU_RECHECK_OFF 172
/* The vCPU id in PKRU (entry.S): the access bits of keys 13-15, which
 * nobody allocates; bit 5 of the field is always set (never PKRU's init
 * value). */
#define PV_PKRU_ID_SHIFT 26
#define PV_PKRU_ID_MASK 0xfc000000
#define PV_PKRU_ID(id) ((0x20u | (id)) << PV_PKRU_ID_SHIFT)
#define PV_PKRU_FIRST_ID_KEY 13
#define PV_VCPU_ID_MASK 31
#define PV_VCPU_PKRU 176
#define PV_VCPU_URET 184
#define PV_SHIM_STACK_SIZE (64 * 1024)
#define PV_ALT_STACK_SIZE (64 * 1024)

/* Offsets in struct privcmd_vcpu_regs. */
#define R_RAX 0
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_RSP 56
#define R_R8 64
#define R_R9 72
#define R_R10 80
#define R_R11 88
#define R_R12 96
#define R_R13 104
#define R_R14 112
#define R_R15 120
#define R_RIP 128
#define R_RFLAGS 136

#ifndef __ASSEMBLER__
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_uproc.h"

#include <vmctl/pv_state.h>
#include <vmctl/xen/xen.h>

#define PV_MAX_TRAPS 256

/* Xen's read-only machine-to-phys table (HYPERVISOR_VIRT_START). */
#define PV_M2P_BASE 0xffff800000000000ull

/* aspace.c's state (see there). */
struct aspace_run {
	uint64_t va, frame, n;
	int prot;
	long err;
	int mprotect, hide;       /* change the protection of mapped pages */
	int rekey, key;           /* pkey_mprotect to key; for a mapping: its key */
};

struct aspace {
	uint8_t *phys;            /* the physmap */
	uint64_t nr_frames;
	uint64_t flat_base;       /* no page tables: the flat map is here */
	int has_cr3, booted;
	uint64_t cr3;             /* the L4 frame mirrored now */
	uint64_t kernel_cr3, user_cr3; /* NEW_BASEPTR, NEW_USER_BASEPTR (0 = none) */
	uint64_t *where;          /* per frame: VA base | level in the mirrored tree */
	uint16_t *wmaps;          /* per frame: writable mappings in that tree */
	uint8_t *pinned;          /* per frame: pinned level, 0 = not */
	uint64_t *m2p;            /* MMU_MACHPHYS_UPDATE's table, read emulated */
	uint64_t ldt_base, ldt_ents;
	uint64_t assist;          /* vm_assist bits */
	struct aspace_run pend;   /* leaf mappings queued within one hypercall */
	uint64_t upper_frame;     /* the L1 table whose upper flags are cached */
	unsigned char lock;       /* page-table hypercalls, one at a time */
	uint8_t hidden[PV_GUEST_VA_TOP >> 39]; /* kernel L4 slots hidden in user mode */
	uint64_t upper;
	int pkey;                 /* the kernel's key (pkey.c), 0 = mprotect fallback */
	uint64_t ram_frames;      /* frames below are guest RAM (dirty logging) */
	int untracked;            /* RAM was mapped away from its flat address ... */
	volatile uint32_t *untracked_flag; /* ... as vCPU 0's mailbox tells vmhv */
	uint8_t keyed[PV_GUEST_VA_TOP >> 39]; /* L4 slots whose mappings carry it */
	uint64_t gen;             /* bumped by every page-table change (uproc.c) */
};

/* How a vCPU returns to guest user mode (pv_resume's iretq): its registers
 * that the return needs after PKRU denies the sandbox's memory. In a page
 * the user mode may read but not write (pkey.c). */
struct pv_uret {
	uint64_t rax, rcx, rdx, rip, cs, rflags, rsp, ss;
};

/* That page: the return slots, and Syscall User Dispatch's selector (the
 * kernel reads it with the thread's PKRU). */
struct pv_upage {
	struct pv_uret uret[PRIVCMD_MAX_VCPUS];
	volatile uint8_t dispatch_selector;
};
_Static_assert(sizeof(struct pv_upage) <= 4096, "pv_upage fits a page");

/* The parts of a vCPU's x86 state that Xen virtualises for a PV guest
 * (desc.c, emulate.c). */
struct pv_cpu {
	int ts;                              /* CR0.TS (fpu_taskswitch, clts) */
	uint32_t iopl;                       /* PHYSDEVOP_set_iopl */
	uint64_t iobitmap;                   /* PHYSDEVOP_set_iobitmap: VA, */
	uint32_t iobitmap_ports;             /* ... ports it covers */
	uint64_t gs_kernel, gs_user;         /* set_segment_base / MSRs (not loaded) */
	uint64_t fs_base;                    /* as it entered a suspend or VCPUOP_down */
	uint64_t kernel_ss, kernel_sp;       /* stack_switch */
	uint64_t dr[8];                      /* set_debugreg */
	int bp_fd[4];                        /* DR0-3's perf breakpoint fd + 1, 0 = none */
	uint64_t gdt_frames[16];             /* set_gdt */
	uint32_t gdt_ents;
};

struct pv_vcpu {
	uint64_t shim_stack_top;             /* PV_VCPU_STACK */
	struct privcmd_vcpu_regs regs;       /* PV_VCPU_REGS: the guest's state */
	uint32_t id;
	volatile int recheck;                /* a kick came while in the shim */
	uint32_t pkru_user;                  /* PV_VCPU_PKRU: PKRU in user mode, 0 = no keys */
	uint64_t uret;                       /* PV_VCPU_URET: its pv_uret to iretq from, 0 = kernel */
	struct vcpu_info *vi;                /* in shared_info, or registered */
	struct sandbox *sb;
	int chan_fd;                         /* its channel to vmhv */
	struct pv_mailbox *mb;               /* its mailbox (pv_abi.h) */
	int started;                         /* its thread exists */
	struct privcmd_vcpu_regs init_regs;  /* from VCPUOP_initialise */
	struct pv_cpu cpu;
	int umode;                           /* in user mode, in the user process (uproc.c) */
	volatile int uwaiting;               /* ... waiting for it to come back */
	int upreempted;                      /* ... and asked it to */
	uint32_t poll_ns;                    /* halt polling's window now (shim.c) */
};
_Static_assert(__builtin_offsetof(struct pv_vcpu, shim_stack_top) == PV_VCPU_STACK, "");
_Static_assert(__builtin_offsetof(struct pv_vcpu, regs) == PV_VCPU_REGS, "");
_Static_assert(__builtin_offsetof(struct pv_vcpu, recheck) == PV_VCPU_RECHECK_OFF, "");
_Static_assert(__builtin_offsetof(struct pv_vcpu, pkru_user) == PV_VCPU_PKRU, "");
_Static_assert(PRIVCMD_MAX_VCPUS == PV_VCPU_ID_MASK + 1, "vCPU ids fit PV_PKRU_ID");
_Static_assert(__builtin_offsetof(struct pv_vcpu, uret) == PV_VCPU_URET, "");

/* Eventfds vmhv handed over for sends on interdomain ports (pv_abi.h,
 * PV_RET_EVFD; events.c). port 0 = a free slot. */
struct evfd_slot {
	uint32_t port, gen;
	int fd;
};
struct evfd_cache {
	int lock;                            /* vCPU threads share it */
	struct evfd_slot slot[PV_EVFD_SLOTS];
};

struct sandbox {
	struct pv_boot boot;
	struct aspace as;
	struct shared_info *shared;
	uint64_t event_cb, failsafe_cb;      /* callback_op / set_callbacks */
	uint64_t syscall_cb, nmi_cb;
	int syscall_masks;                   /* CALLBACKF_mask_events on the syscall callback */
	int failsafe_masks;                  /* ... on the failsafe callback */
	int user_mode;                       /* the guest runs its user mode (usermode.c) */
	struct pv_upage *upage;              /* user-readable page (pkey.c) */
	int pkeys;                           /* user mode is kept out by keys (pkey.c) */
	int gs_free;                         /* entries find the vCPU by PKRU: GS is the guest's */
	struct trap_info traps[PV_MAX_TRAPS]; /* by vector; address 0 = none */
	struct pv_vcpu vcpu[PRIVCMD_MAX_VCPUS];
	struct evfd_cache evfd;
	/* uproc.c: guest user mode in vmhv-pv-user (PV_BOOT_UPROC) */
	int uproc;                           /* user mode goes there (PV_BOOT_UPROC) */
	uint8_t *uctl;                       /* the control memory, once it runs */
	unsigned char ulock;                 /* its mapper, one batch at a time */
	int ustarted;                        /* the user process runs (PV_NR_UPROC) */
	volatile uint32_t ugen;              /* bumped when a broken one is replaced */
	int usynced;                         /* the user process maps ... */
	uint64_t usynced_gen, usynced_cr3;   /* ... this state of the user tree */
	uint64_t uxcr0;                      /* FPU components that travel, 0 = none */
	uint32_t umxcsr_mask;
};

void pv_hypercall_entry_gs(void);
void pv_hypercall_entry_pk(void);
void pv_iret_entry_gs(void);
void pv_iret_entry_pk(void);
extern struct pv_vcpu *pv_vcpu_table[];
void pv_trap_hypercall(void);
void pv_sigreturn(void);
extern char pv_resume[], pv_resume_unlock[], pv_resume_end[];
extern char pv_hypercall_entry_save[], pv_iret_entry_save[];
/* entry.S: signal handlers' first instructions with keys: open PKRU (the
 * kernel enters a handler with only key 0 open), then the C handler. */
void pv_pk_fault_handler(int, void *, void *);
void pv_pk_sys_handler(int, void *, void *);
void pv_pk_upcall_handler(int, void *, void *);
/* events.c's handlers (the trampolines jump to them). */
void events_fault_handler(int sig, void *info, void *ucv);
void events_sys_handler(int sig, void *info, void *ucv);
void events_upcall_handler(int sig, void *info, void *ucv);
__attribute__((noreturn)) void pv_resume_vcpu(struct pv_vcpu *v);
__attribute__((noreturn)) void sandbox_main(uint64_t *sp);

/* shim.c: one guest hypercall from v->regs; the result goes to regs.rax. */
void pv_shim_hypercall(struct pv_vcpu *v);
/* Forward the call in v->regs to vmhv and return its answer. */
int64_t shim_forward(struct pv_vcpu *v);
/* Tell vmhv why we die, then exit. */
__attribute__((noreturn)) void shim_crash(struct pv_vcpu *v, uint64_t trapno, uint64_t err,
					  uint64_t cr2, int in_shim);

/* events.c: upcalls, iret, faults. */
void pv_resume_check(struct pv_vcpu *v);
void pv_shim_iret(struct pv_vcpu *v);
int events_setup(struct sandbox *sb);
void events_vcpu_setup(struct pv_vcpu *v, void *altstack, unsigned long size);
int64_t events_set_trap_table(struct sandbox *sb, uint64_t table_va);
/* event_channel_op: sends on a port whose eventfd vmhv handed over are
 * served here; everything else goes to vmhv. */
int64_t events_channel_op(struct pv_vcpu *v);

/* emulate.c: a fault the guest took. emulate_fault() returns 1 if it
 * emulated the instruction (resume the guest), 0 to deliver f (it may
 * turn a #GP into the software interrupt `int n` asked for). */
struct emu_fault {
	uint64_t vec, err, cr2;
	int software;                        /* int n: no error code */
};
int emulate_fault(struct pv_vcpu *v, struct emu_fault *f);

/* desc.c: descriptor tables, segments, debug registers, FPU switch, I/O
 * privilege: the hypercalls that set what emulate.c reads. */
int64_t desc_set_gdt(struct pv_vcpu *v, uint64_t frames_va, uint64_t entries);
int64_t desc_update_descriptor(struct pv_vcpu *v, uint64_t maddr, uint64_t desc);
int64_t desc_stack_switch(struct pv_vcpu *v, uint64_t ss, uint64_t sp);
int64_t desc_fpu_taskswitch(struct pv_vcpu *v, uint64_t set);
int64_t desc_set_debugreg(struct pv_vcpu *v, uint64_t reg, uint64_t value);
int64_t desc_get_debugreg(struct pv_vcpu *v, uint64_t reg);
/* events.c's fault handler: is this signal a hit of a breakpoint armed by
 * set_debugreg (SIGTRAP, TRAP_PERF)? Then it is a #DB (vector 1), and DR6
 * says which register fired, as Xen's DR6 does. */
int desc_debug_hit(struct pv_vcpu *v, int sig, const void *info);
int64_t desc_set_segment_base(struct pv_vcpu *v, uint64_t which, uint64_t base);
int64_t desc_physdev_op(struct pv_vcpu *v, uint64_t cmd, uint64_t arg);
/* The kernel's GS base (set_segment_base, wrmsr): live in kernel mode. */
void desc_gs_kernel_set(struct pv_vcpu *v, uint64_t base);
/* Mode switch (usermode.c): save the live GS base as the mode's, load the
 * other's. Nothing without sb->gs_free. */
void desc_gs_switch(struct pv_vcpu *v, int to_user);

/* usermode.c: the 64-bit PV kernel/user split. */
/* iret to a frame with CS.RPL 3: switch to the user tables (if the guest
 * gave some) with kernel memory out of reach. */
void usermode_enter_user(struct pv_vcpu *v);
/* Any entry from user mode: back to the kernel tables; returns the kernel
 * stack top for the bounce frame (stack_switch's). */
uint64_t usermode_enter_kernel(struct pv_vcpu *v);
/* The iret stub's C half: Xen's iret, or from user mode a system call. */
void usermode_iret_stub(struct pv_vcpu *v);
/* A `syscall` (or a hypercall stub) in user mode: the syscall callback. */
void usermode_syscall(struct pv_vcpu *v);
/* events.c: push Xen's bounce frame for target (on the kernel stack when
 * coming from user mode) and point the vCPU at it. 0 or -1. */
int events_bounce(struct pv_vcpu *v, uint64_t target, int has_err, uint64_t err,
		  int mask_events);
/* aspace.c: mirror the kernel or the user tree; hide or show the physmap's
 * guest RAM (the frames holding vcpu_info stay visible). 0 or -errno. */
int aspace_switch(struct sandbox *sb, int user);

/* sandbox.c: the vCPU whose signal stack holds sp (never NULL: the
 * sandbox exits if sp is on none). */
struct pv_vcpu *sandbox_vcpu_of_altstack(uint64_t sp);
/* sandbox.c: start vCPU v's thread from v->init_regs. 0 or -errno. */
int vcpu_thread_start(struct pv_vcpu *v);
long pv_clone_thread(unsigned long flags, uint64_t stack_top, void (*fn)(struct pv_vcpu *),
		     struct pv_vcpu *arg);

/* pkey.c: memory protection keys for guest user mode. With them, the
 * sandbox's own memory, the physmap and the kernel's own L4 slots carry a
 * key that user mode's PKRU denies; without (no PKU, vmhv said no), user
 * mode is entered by mprotect (aspace.c). Also maps sb->upage. Before the
 * seccomp filter. 0 or -1 (no memory for the page). */
int pkey_setup(struct sandbox *sb, const uint64_t *phdr, uint64_t phnum);
/* aspace.c: key the physmap and the page-table state with `key`. */
int aspace_pkey_setup(struct sandbox *sb, int key);

/* dirty.c: userfaultfd write-protect registration of the flat map. */
void dirty_setup(struct sandbox *sb);

/* Save and restore (include/vmctl/pv_state.h): the sandbox's part of the
 * guest's state. sandbox.c: sent to vmhv before the guest suspends (v is
 * the suspending vCPU); read at boot when vmhv has one (PV_BOOT_STATE). */
void sandbox_state_send(struct pv_vcpu *v);
/* aspace.c: page tables, pins, vm_assist, LDT; the pin count. */
uint32_t aspace_state_save(struct sandbox *sb, struct pv_state *st, uint64_t *pins, uint32_t max);
void aspace_state_load(struct sandbox *sb, const struct pv_state *st, const uint64_t *pins);
/* desc.c: one vCPU's descriptor, segment, debug and I/O state. The live
 * bases are read in the vCPU's own thread (desc_bases_save, as it parks)
 * and loaded there (desc_bases_load, as its thread starts). */
void desc_state_save(const struct pv_vcpu *v, struct pv_state_vcpu *out);
void desc_state_load(struct pv_vcpu *v, const struct pv_state_vcpu *in);
void desc_bases_save(struct pv_vcpu *v);
void desc_bases_load(struct pv_vcpu *v);

/* uproc.c: guest user mode in its own process (pv_uproc.h). Setup at
 * boot (the process comes when user mode is first entered); 0 or -1.
 * uproc_run runs
 * v's user code once and turns its way out into a system call, a trap or
 * nothing (an event is due); uproc_kick (the upcall signal's handler)
 * stops that user code when v waits for it. */
int uproc_setup(struct sandbox *sb);
void uproc_run(struct pv_vcpu *v);
void uproc_kick(struct pv_vcpu *v);
/* Before v returns to its guest: page tables it changed reach the user
 * process now if another vCPU runs user code (Xen's TLB flush). */
void uproc_shootdown(struct pv_vcpu *v);
/* events.c: deliver trap vec to the guest's handler (crash without one);
 * software = `int n` (no error code). */
void events_trap(struct pv_vcpu *v, uint64_t vec, uint64_t err, uint64_t cr2, int software);
/* aspace.c, for uproc.c: the user tree's leaves as runs of consecutive
 * frames with one protection (page 0 left out: the user process cannot
 * map it); reads and the #PF present bit through a given tree; say that
 * guest RAM is written through mappings the dirty scan does not see. */
void aspace_user_runs(struct sandbox *sb,
		      void (*emit)(void *arg, uint64_t va, uint64_t frame, uint64_t n, int prot),
		      void *arg);
int aspace_read_in(struct sandbox *sb, uint64_t cr3, uint64_t va, void *dst, uint64_t len);
int aspace_mapped_in(struct sandbox *sb, uint64_t cr3, uint64_t va);
void aspace_untracked_set(struct sandbox *sb);

/* aspace.c: the guest's address space. */
const char *aspace_init(struct sandbox *sb);
/* Point the untracked flag at vCPU 0's mailbox (and set it if needed). */
void aspace_untracked_publish(struct sandbox *sb);
/* Tell vmhv (through every mailbox) which tree pointers refer to. */
void aspace_cr3_publish(struct sandbox *sb);
/* Copy from/to guest virtual memory as the current tree maps it (writes
 * need writable mappings): 0 or -EFAULT. */
int aspace_read(struct sandbox *sb, uint64_t va, void *dst, uint64_t len);
int aspace_write(struct sandbox *sb, uint64_t va, const void *src, uint64_t len);
/* Does the current tree map va? (#PF's present bit is the guest's, not
 * the host's, which populates pages lazily.) */
int aspace_mapped(struct sandbox *sb, uint64_t va);
/* Frame `frame` of guest memory in the physmap, or NULL. */
void *aspace_frame(struct sandbox *sb, uint64_t frame);
int64_t aspace_update_va_mapping(struct sandbox *sb, uint64_t va, uint64_t pte, uint64_t flags);
int64_t aspace_update_va_mapping_otherdomain(struct sandbox *sb, uint64_t va, uint64_t pte,
					     uint64_t flags, uint64_t domid);
int64_t aspace_mmu_update(struct sandbox *sb, uint64_t list, uint64_t count, uint64_t done_va,
			  uint64_t domid);
int64_t aspace_mmuext_op(struct sandbox *sb, uint64_t list, uint64_t count, uint64_t done_va,
			 uint64_t domid);
int64_t aspace_vm_assist(struct sandbox *sb, uint64_t cmd, uint64_t type);
/* A direct 8-byte write of va, a page-table entry (writable_pagetables);
 * with expect, only if the entry is *expect (cmpxchg). */
int64_t aspace_ptwr(struct sandbox *sb, uint64_t va, uint64_t val, const uint64_t *expect,
		    uint64_t *old);
int64_t aspace_new_baseptr(struct sandbox *sb, uint64_t mfn);
/* Bytes of Xen's M2P table at va (an emulated read): 0 or -EFAULT. */
int aspace_m2p_read(struct sandbox *sb, uint64_t va, uint8_t *out, unsigned len);

#endif
#endif
