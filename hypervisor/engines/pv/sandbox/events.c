/* Event upcalls, iret and guest faults: everything that redirects a vCPU
 * into one of the guest's own handlers with a Xen bounce frame. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#include <vmctl/xen/callback.h>

#define X86_IF 0x200ul
/* The flags a user-mode popf may change. */
#define X86_USER_FLAGS 0x240dd5ul
#define TI_MASK_EVENTS 4
/* TF, RF, NT, AC: cleared on the way into a handler, as on a trap. */
#define X86_TRAP_CLEARED 0x54100ul
/* Linux's user code and stack selectors (the iretq to user mode). */
#define HOST_USER_CS 0x33
#define HOST_USER_SS 0x2b
/* The #PF error code bits that are the access's (write, fetch); Xen's
 * present and user bits are computed, the host's PK bit is ours. */
#define PF_ACCESS_BITS 0x12ul

extern char __executable_start[], etext[];

#define AUDIT_ARCH_X86_64 0xc000003eu

/* A signal handler's vCPU: the one whose signal stack it runs on (the
 * kernel chose the stack; guest code can change the GS base). */
static struct pv_vcpu *current_vcpu(void)
{
	uint64_t sp;

	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	return sandbox_vcpu_of_altstack(sp);
}

static int in_sandbox(uint64_t rip)
{
	return rip >= (uint64_t)(uintptr_t)__executable_start &&
	       rip < (uint64_t)(uintptr_t)etext;
}

static int in_resume(uint64_t rip)
{
	return rip >= (uint64_t)(uintptr_t)pv_resume_unlock &&
	       rip <= (uint64_t)(uintptr_t)pv_resume_end;
}

/* Push Xen's bounce frame for `target`: RCX, R11, [error code], RIP, CS
 * (with the saved upcall mask in bits 32-39), RFLAGS (IF = events were
 * enabled), RSP, SS; lowest first, 16-byte aligned. From kernel mode it
 * goes on the current stack with CS.RPL 0 ("kernel context", as Xen
 * shows it); from user mode on the kernel's stack_switch stack, after the
 * switch to the kernel tables, with the user's CS and SS. */
int events_bounce(struct pv_vcpu *v, uint64_t target, int has_err, uint64_t err,
		  int mask_events)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	int from_user = v->sb->user_mode || v->umode;
	uint8_t saved_mask = v->vi->evtchn_upcall_mask;
	uint64_t frame[9], sp;
	unsigned n = 0;

	sp = from_user ? usermode_enter_kernel(v) : r->rsp;
	sp &= ~15ul;
	frame[n++] = r->rcx;
	frame[n++] = r->r11;
	if (has_err)
		frame[n++] = err;
	frame[n++] = r->rip;
	frame[n++] = (from_user ? FLAT_USER_CS : FLAT_KERNEL_CS & ~3ul) |
		     ((uint64_t)saved_mask << 32);
	frame[n++] = (r->rflags & ~X86_IF) | (saved_mask ? 0 : X86_IF);
	frame[n++] = r->rsp;
	frame[n++] = from_user ? FLAT_USER_SS : FLAT_KERNEL_SS;
	sp -= n * 8;
	if (aspace_write(v->sb, sp, frame, n * 8) < 0)
		return -1;
	r->rsp = sp;
	r->rip = target;
	r->rflags &= ~X86_TRAP_CLEARED;
	if (mask_events)
		v->vi->evtchn_upcall_mask = 1;
	return 0;
}

/* pv_resume goes back to user mode with an iretq from v's pv_uret. */
static void uret_fill(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	struct pv_uret *u = &v->sb->upage->uret[v->id];

	if (!v->sb->user_mode) {
		v->uret = 0;
		return;
	}
	*u = (struct pv_uret){ .rax = r->rax, .rcx = r->rcx, .rdx = r->rdx, .rip = r->rip,
			       .cs = HOST_USER_CS, .rflags = r->rflags, .rsp = r->rsp,
			       .ss = HOST_USER_SS };
	v->uret = (uint64_t)(uintptr_t)u;
}

/* Deliver a pending event; a vCPU whose user mode runs in the user
 * process (uproc.c) goes there until it comes back to its kernel. */
void pv_resume_check(struct pv_vcpu *v)
{
	struct vcpu_info *vi = v->vi;

	uproc_shootdown(v);
	for (;;) {
		__atomic_store_n(&v->recheck, 0, __ATOMIC_RELEASE);
		if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && v->sb->event_cb &&
		    events_bounce(v, v->sb->event_cb, 0, 0, 1) < 0)
			shim_crash(v, 8, 0, v->regs.rsp, 0); /* no stack for the upcall */
		if (!v->umode)
			break;
		uproc_run(v);
	}
	uret_fill(v);
}

/* Can the host load these selectors for the guest? Only Xen's flat
 * 64-bit ones (any RPL: kernel frames show RPL 0) and a null SS: the
 * sandbox runs on the host's segments, which are exactly those. */
static int iret_selectors_ok(uint64_t cs, uint64_t ss)
{
	return (cs & 0xfffc) == (FLAT_RING3_CS64 & 0xfffc) &&
	       ((ss & 0xfffc) == (FLAT_RING3_SS64 & 0xfffc) || (ss & 0xfffc) == 0);
}

/* Xen enters the failsafe callback when it cannot load the guest's
 * segments on the way back to it: here, an iret frame whose CS or SS the
 * host cannot load. Xen's frame, on the kernel stack below the iret
 * context, lowest first: RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS
 * (the selectors the iret asked for; the data selectors are the flat
 * null ones), entered in kernel mode; no callback: the domain crashes. */
static void iret_failsafe(struct pv_vcpu *v, const struct iret_context *ic)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint8_t mask = v->vi->evtchn_upcall_mask;
	uint64_t frame[11] = {
		ic->rcx, ic->r11, 0, 0, 0, 0, ic->rip, ic->cs | ((uint64_t)mask << 32),
		ic->rflags, ic->rsp, ic->ss,
	};
	uint64_t sp = (r->rsp & ~15ul) - sizeof(frame);

	if (!v->sb->failsafe_cb || aspace_write(v->sb, sp, frame, sizeof(frame)) < 0)
		shim_crash(v, 13, 0, ic->rip, 0);
	r->rsp = sp;
	r->rip = v->sb->failsafe_cb;
	r->rflags &= ~X86_TRAP_CLEARED;
	if (v->sb->failsafe_masks)
		v->vi->evtchn_upcall_mask = 1;
}

void pv_shim_iret(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	struct iret_context ic;

	if (v->sb->user_mode) {      /* the stub from user mode: a syscall */
		usermode_syscall(v);
		return;
	}
	if (aspace_read(v->sb, r->rsp, &ic, sizeof(ic)) < 0)
		shim_crash(v, 13, 0, r->rsp, 0);
	if (!iret_selectors_ok(ic.cs, ic.ss)) {
		iret_failsafe(v, &ic);
		return;
	}
	r->rax = ic.rax;
	if (!(ic.flags & VGCF_in_syscall)) {  /* else sysret-style: r11/rcx stay */
		r->r11 = ic.r11;
		r->rcx = ic.rcx;
	}
	r->rip = ic.rip;
	r->rsp = ic.rsp;
	r->rflags = (ic.rflags & X86_USER_FLAGS) | X86_IF | 2;
	v->vi->evtchn_upcall_mask = (ic.rflags & X86_IF) ? 0 : 1;
	/* CS.RPL 3: back to user mode (with no user tables the guest stays in
	 * kernel mode, where Xen would crash it: older vmctl kernels iret to
	 * FLAT_KERNEL_CS, which has RPL 3). */
	if ((ic.cs & 3) == 3)
		usermode_enter_user(v);
}

static void regs_from_signal(struct pv_vcpu *v, const uint64_t *g)
{
	struct privcmd_vcpu_regs *r = &v->regs;

	r->rax = g[G_RAX]; r->rbx = g[G_RBX]; r->rcx = g[G_RCX]; r->rdx = g[G_RDX];
	r->rsi = g[G_RSI]; r->rdi = g[G_RDI]; r->rbp = g[G_RBP]; r->rsp = g[G_RSP];
	r->r8 = g[G_R8]; r->r9 = g[G_R9]; r->r10 = g[G_R10]; r->r11 = g[G_R11];
	r->r12 = g[G_R12]; r->r13 = g[G_R13]; r->r14 = g[G_R14]; r->r15 = g[G_R15];
	r->rip = g[G_RIP]; r->rflags = g[G_EFL];
}

/* On return from the signal, continue in pv_resume with the vCPU. */
static void redirect_to_resume(struct pv_vcpu *v, uint64_t *g)
{
	g[G_RIP] = (uint64_t)(uintptr_t)(v->sb->pkeys ? pv_resume_unlock : pv_resume);
	g[G_RDI] = (uint64_t)(uintptr_t)v;
	g[G_RSP] = v->shim_stack_top;
}

void events_upcall_handler(int sig, void *info, void *ucv)
{
	struct kucontext *uc = ucv;
	struct pv_vcpu *v = current_vcpu();
	uint64_t rip = uc->gregs[G_RIP];

	if (in_resume(rip)) {
		redirect_to_resume(v, uc->gregs);
	} else if (in_sandbox(rip)) {
		v->recheck = 1; /* the shim checks before it returns to the guest */
		uproc_kick(v);  /* ... or stops the user code it waits for */
	} else {
		regs_from_signal(v, uc->gregs);
		redirect_to_resume(v, uc->gregs);
	}
}

static int vector_has_error_code(uint64_t vec)
{
	return vec == 8 || (vec >= 10 && vec <= 14) || vec == 17;
}

/* With keys, user mode that calls the hypercall page gets as far as the
 * entry's first load from the sandbox (pv_hypercall_entry_save), with
 * rax, rdx, rcx, r11, rflags and the return address on its stack
 * (entry.S). On Xen the stub's `syscall` would enter the guest kernel's
 * syscall callback (RCX = where to return, R11 = the flags) and return to
 * the caller: do that. 1 if it was that. */
static int user_stub_call(struct pv_vcpu *v, uint64_t *g)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint64_t saved[6];

	if (!v->sb->user_mode || g[G_RIP] != (uint64_t)(uintptr_t)pv_hypercall_entry_save)
		return 0;
	regs_from_signal(v, g);
	if (aspace_read(v->sb, r->rsp, saved, sizeof(saved)) < 0)
		shim_crash(v, 14, 0, r->rsp, 0);
	r->rax = saved[0];
	r->rdx = saved[1];
	r->rflags = saved[4];
	r->r11 = saved[4];
	r->rip = saved[5];
	r->rcx = saved[5];
	r->rsp += sizeof(saved);
	usermode_syscall(v);
	redirect_to_resume(v, g);
	return 1;
}

void events_fault_handler(int sig, void *info, void *ucv)
{
	struct kucontext *uc = ucv;
	struct pv_vcpu *v = current_vcpu();
	uint64_t *g = uc->gregs;
	uint64_t vec = desc_debug_hit(v, sig, info) ? 1 : g[G_TRAPNO], err = g[G_ERR], cr2 = g[G_CR2];
	struct emu_fault f;

	if (in_sandbox(g[G_RIP]) && user_stub_call(v, g))
		return;
	if (in_sandbox(g[G_RIP])) {
		regs_from_signal(v, g);
		shim_crash(v, vec, err, cr2, 1);
	}
	regs_from_signal(v, g);
	f = (struct emu_fault){ .vec = vec, .err = err, .cr2 = cr2 };
	/* Xen emulates privileged instructions for the kernel only. */
	if (!v->sb->user_mode && emulate_fault(v, &f)) {
		redirect_to_resume(v, g);
		return;
	}
	events_trap(v, f.vec, err, cr2, f.software);
	redirect_to_resume(v, g);
}

void events_trap(struct pv_vcpu *v, uint64_t vec, uint64_t err, uint64_t cr2, int software)
{
	struct trap_info *t = vec < PV_MAX_TRAPS ? &v->sb->traps[vec] : 0;

	if (!t || !t->address)
		shim_crash(v, vec, err, cr2, 0);
	if (vec == 14) {
		/* The user bit says which mode faulted (the kernel is
		 * "supervisor" to itself); present is the guest's tables'. */
		int mapped = v->umode ? aspace_mapped_in(v->sb, v->sb->as.user_cr3, cr2)
				      : aspace_mapped(v->sb, cr2);

		v->vi->arch.cr2 = cr2;
		err = (err & PF_ACCESS_BITS) | (v->sb->user_mode || v->umode ? 4 : 0) |
		      (mapped ? 1 : 0);
	}
	if (events_bounce(v, t->address, !software && vector_has_error_code(vec), err,
			  t->flags & TI_MASK_EVENTS) < 0)
		shim_crash(v, 8, 0, v->regs.rsp, 0);
}

/* A system call outside the allow-list. From the guest it is a hypercall
 * (as a PV kernel's `syscall` is on Xen); from the sandbox, a bug. */
void events_sys_handler(int sig, void *info, void *ucv)
{
	struct kucontext *uc = ucv;
	struct pv_vcpu *v = current_vcpu();
	uint32_t arch;
	int nr;

	memcpy(&nr, (char *)info + 24, sizeof(nr)); /* si_syscall */
	memcpy(&arch, (char *)info + 28, sizeof(arch)); /* si_arch */
	if (arch != AUDIT_ARCH_X86_64) {
		/* int $0x80 (caught by syscall dispatch first): let it run
		 * again past dispatch, into the filter that kills the process
		 * for any non-x86-64 call. */
		v->sb->upage->dispatch_selector = 0;
		uc->gregs[G_RIP] -= 2;
		return;
	}
	regs_from_signal(v, uc->gregs);
	if (in_sandbox(uc->gregs[G_RIP]))
		shim_crash(v, 0x100, (uint64_t)nr, 0, 1);
	if (v->sb->user_mode) {      /* a guest process's system call */
		usermode_syscall(v);
		redirect_to_resume(v, uc->gregs);
		return;
	}
	v->regs.rax = (uint64_t)nr;
	uc->gregs[G_RIP] = (uint64_t)(uintptr_t)pv_trap_hypercall;
	uc->gregs[G_RDI] = (uint64_t)(uintptr_t)v;
	uc->gregs[G_RSP] = v->shim_stack_top;
}

static int handler_set(int sig, void (*fn)(int, void *, void *))
{
	struct ksigaction sa = {
		.handler = fn,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_RESTORER,
		.restorer = pv_sigreturn,
		.mask = ~0ull,
	};

	return (int)sys6(NR_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0);
}

int events_setup(struct sandbox *sb)
{
	static const int faults[] = { 4 /* ILL */, 5 /* TRAP */, 7 /* BUS */, 8 /* FPE */,
				      11 /* SEGV */ };
	int pk = sb->pkeys;

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (handler_set(faults[i], pk ? pv_pk_fault_handler : events_fault_handler) < 0)
			return -1;
	if (handler_set(31 /* SYS */, pk ? pv_pk_sys_handler : events_sys_handler) < 0)
		return -1;
	return handler_set(PV_UPCALL_SIGNAL, pk ? pv_pk_upcall_handler : events_upcall_handler);
}

#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_ON 1

/* Per thread: the signal stack, and Syscall User Dispatch so that every
 * `syscall` the guest executes (kernel or user mode) comes back as
 * SIGSYS, even one the seccomp filter would allow for the shim (a user
 * process's write(0, ...) must reach the guest kernel, not the host). On
 * a kernel without it, the seccomp filter alone decides (as before). The
 * selector (SYSCALL_DISPATCH_FILTER_BLOCK) is in sb->upage, which guest
 * code may read (the kernel reads it with the thread's PKRU) and, without
 * keys, write: the seccomp filter stays behind it. */
void events_vcpu_setup(struct pv_vcpu *v, void *altstack, unsigned long size)
{
	struct { void *sp; int flags; unsigned long size; } ss = { altstack, 0, size };

	sys3(NR_sigaltstack, &ss, 0, 0);
	sys6(NR_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
	     (long)(uintptr_t)__executable_start, etext - __executable_start,
	     (long)(uintptr_t)&v->sb->upage->dispatch_selector, 0);
}

int64_t events_set_trap_table(struct sandbox *sb, uint64_t table_va)
{
	struct trap_info t;

	if (!table_va) {
		memset(sb->traps, 0, sizeof(sb->traps));
		return 0;
	}
	for (unsigned i = 0; i < 256; i++, table_va += sizeof(t)) {
		if (aspace_read(sb, table_va, &t, sizeof(t)) < 0)
			return -14; /* -EFAULT */
		if (!t.address)
			return 0;
		sb->traps[t.vector] = t;   /* a uint8_t: every vector has a slot */
	}
	return 0;
}

/* ---- sends served in the sandbox ----------------------------------------
 *
 * EVTCHNOP_send on an interdomain port whose peer is a dom0 port writes
 * that port's eventfd; vmhv hands the eventfd over after a send it served
 * (pv_abi.h, PV_RET_EVFD), and from then on a send is one write() here
 * instead of a round trip to vmhv. An offer is good while vCPU 0's
 * mailbox shows its generation: vmhv starts a new one when such a port is
 * closed at either end, and every older eventfd is closed here. */

#define NR_recvmsg 47
#define SOL_SOCKET_ 1
#define SCM_RIGHTS_ 1
#define MSG_DONTWAIT_ 0x40
#define MSG_CMSG_CLOEXEC_ 0x40000000
#define EVTCHNOP_send_ 4
#define EVTCHNOP_close_ 3

/* The kernel's x86-64 layouts (no libc here). */
struct k_iovec {
	void *base;
	uint64_t len;
};
struct k_msghdr {
	void *name;
	int namelen, pad0;
	struct k_iovec *iov;
	uint64_t iovlen;
	void *control;
	uint64_t controllen;
	int flags, pad1;
};
struct k_cmsg_fd {
	uint64_t len;
	int level, type;
	int fd, pad;
};

static void evfd_lock(struct evfd_cache *c)
{
	while (__atomic_exchange_n(&c->lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void evfd_unlock(struct evfd_cache *c)
{
	__atomic_store_n(&c->lock, 0, __ATOMIC_RELEASE);
}

static uint32_t evfd_gen(struct pv_vcpu *v)
{
	return __atomic_load_n(&v->sb->vcpu[0].mb->evtchn_gen, __ATOMIC_SEQ_CST);
}

/* Close what belongs to an older generation (lock held). */
static void evfd_sweep(struct evfd_cache *c, uint32_t gen)
{
	for (unsigned i = 0; i < PV_EVFD_SLOTS; i++) {
		struct evfd_slot *s = &c->slot[i];

		if (s->port && s->gen != gen) {
			sys3(NR_close, s->fd, 0, 0);
			s->port = 0;
		}
	}
}

/* Signal `port`'s peer if we hold its eventfd: true if done. */
static int evfd_send(struct pv_vcpu *v, uint32_t port)
{
	struct evfd_cache *c = &v->sb->evfd;
	uint32_t gen = evfd_gen(v);
	uint64_t one = 1;
	int done = 0;

	evfd_lock(c);
	evfd_sweep(c, gen);
	for (unsigned i = 0; i < PV_EVFD_SLOTS && !done; i++) {
		struct evfd_slot *s = &c->slot[i];
		long r;

		if (s->port != port)
			continue;
		/* A full counter (-EAGAIN) means the peer has events to read. */
		r = sys3(NR_write, s->fd, &one, sizeof(one));
		done = r == sizeof(one) || r == -11;
		if (!done) {
			sys3(NR_close, s->fd, 0, 0);
			s->port = 0;
		}
	}
	evfd_unlock(c);
	return done;
}

/* A free slot for `port`: none if it has one already (another vCPU took
 * an offer meanwhile) or all are taken (lock held). */
static struct evfd_slot *evfd_free_slot(struct evfd_cache *c, uint32_t port)
{
	struct evfd_slot *slot = 0;

	for (unsigned i = 0; i < PV_EVFD_SLOTS; i++) {
		if (c->slot[i].port == port)
			return 0;
		if (!c->slot[i].port && !slot)
			slot = &c->slot[i];
	}
	return slot;
}

/* Take the offer vmhv queued before its answer PV_RET_EVFD. */
static void evfd_take(struct pv_vcpu *v, uint32_t port)
{
	struct evfd_cache *c = &v->sb->evfd;
	struct pv_evfd_offer o;
	struct k_cmsg_fd cm = { 0 };
	struct k_iovec iov = { &o, sizeof(o) };
	struct k_msghdr m = { .iov = &iov, .iovlen = 1, .control = &cm, .controllen = sizeof(cm) };
	struct evfd_slot *slot;
	long r = sys3(NR_recvmsg, v->chan_fd, &m, MSG_DONTWAIT_ | MSG_CMSG_CLOEXEC_);

	if (r < 0 || m.controllen < sizeof(cm) - 4 || cm.level != SOL_SOCKET_ ||
	    cm.type != SCM_RIGHTS_ || cm.len != sizeof(cm) - 4)
		return; /* no fd came with it */
	evfd_lock(c);
	evfd_sweep(c, evfd_gen(v));
	slot = evfd_free_slot(c, port);
	if (slot && r == sizeof(o) && o.port == port && o.gen == evfd_gen(v) &&
	    cm.fd <= PV_EVFD_MAX) {
		*slot = (struct evfd_slot){ .port = port, .gen = o.gen, .fd = cm.fd };
		cm.fd = -1;
	}
	evfd_unlock(c);
	if (cm.fd >= 0)
		sys3(NR_close, cm.fd, 0, 0);
}

int64_t events_channel_op(struct pv_vcpu *v)
{
	uint32_t port = 0;
	int64_t rc;

	if (v->regs.rdi == EVTCHNOP_send_ && aspace_read(v->sb, v->regs.rsi, &port, 4) == 0 &&
	    port && evfd_send(v, port))
		return 0;
	rc = shim_forward(v);
	if (v->regs.rdi == EVTCHNOP_send_ && port && rc == PV_RET_EVFD) {
		evfd_take(v, port);
		rc = 0;
	}
	if (v->regs.rdi == EVTCHNOP_close_) {
		evfd_lock(&v->sb->evfd);
		evfd_sweep(&v->sb->evfd, evfd_gen(v));
		evfd_unlock(&v->sb->evfd);
	}
	return rc;
}
