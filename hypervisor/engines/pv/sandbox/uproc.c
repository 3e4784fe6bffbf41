/* Guest user mode in its own process (pv_uproc.h): the sandbox's side.
 *
 * The sandbox's own mirror stays the kernel's tree for good; a vCPU in
 * user mode (v->umode) runs its user code in vmhv-pv-user, which maps
 * the user tree only. pv_resume_check() calls uproc_run() while the vCPU
 * is in user mode: bring the user process's mappings up to date, hand it
 * the registers, wait for the way out and turn that into what Xen does
 * (a system call or a trap for the guest kernel, or nothing when we
 * stopped it for an event). Nothing the user process writes is trusted
 * beyond being the user's own registers. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define NR_pidfd_send_signal 424
#define FUTEX_WAIT_ 0
#define FUTEX_WAKE_ 1
#define ETIMEDOUT_ 110
#define SIGKILL_ 9
/* A vCPU waiting for its user code looks at the user process this often
 * (it may have died: user code can scribble on its memory) ... */
#define UPROC_LOOK_NS 50000000l
/* ... and gives it this many looks to answer a preemption (generous: the
 * build machines are loaded) before it counts as hung. */
#define UPROC_ANSWER_LOOKS 40
#define X86_USER_FLAGS 0x240dd5ul
#define HOST_USER_CS 0x33
#define HOST_USER_SS 0x2b

static void uproc_lock(struct sandbox *sb)
{
	while (__atomic_test_and_set(&sb->ulock, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void uproc_unlock(struct sandbox *sb)
{
	__atomic_clear(&sb->ulock, __ATOMIC_RELEASE);
}

static struct pv_uproc_hdr *hdr(struct sandbox *sb)
{
	return (struct pv_uproc_hdr *)sb->uctl;
}

static struct pv_ugo *go_of(struct pv_vcpu *v)
{
	return (struct pv_ugo *)(v->sb->uctl + PV_UPROC_GO) + v->id;
}

static struct pv_uexit *exit_of(struct pv_vcpu *v)
{
	return (struct pv_uexit *)(v->sb->uctl + PV_UPROC_EXIT) + v->id;
}

/* CPUID.1:ECX.OSXSAVE, and which of x87/SSE/AVX XCR0 enables. */
static uint64_t xsave_features(void)
{
	uint32_t a = 1, b, c = 0, d, lo, hi;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	if (!((c >> 27) & 1))
		return 0;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return lo & PV_UPROC_XSAVE_MASK;
}

/* Boot: what the FPU state that travels needs (the control memory comes
 * with the user process). */
int uproc_setup(struct sandbox *sb)
{
	uint8_t fx[512] __attribute__((aligned(64)));

	sb->uproc = (sb->boot.flags & PV_BOOT_UPROC) != 0;
	if (!sb->uproc)
		return 0;
	sb->uxcr0 = xsave_features();
	__asm__ volatile("fxsave %0" : "=m"(fx));
	memcpy(&sb->umxcsr_mask, fx + 28, 4);
	if (!sb->umxcsr_mask)
		sb->umxcsr_mask = 0xffbf;
	return 0;
}

/* The control memory, once its fd is at PV_UPROC_CTL_FD. 0 or -1. A
 * replacement goes over the old one's, which vCPUs that still wait for
 * the broken process may read (uproc_reset). */
static int ctl_map(struct sandbox *sb)
{
	long r = sys6(NR_mmap, (long)sb->uctl, PV_UPROC_CTL_BYTES, PROT_READ | PROT_WRITE,
		      MAP_SHARED | (sb->uctl ? MAP_FIXED : 0), PV_UPROC_CTL_FD, 0);

	if (r < 0)
		return -1;
	sb->uctl = (uint8_t *)r;
	if (hdr(sb)->magic != PV_UPROC_MAGIC || hdr(sb)->nr_vcpus != sb->boot.max_vcpus)
		return -1;
	if (!hdr(sb)->xsave)
		sb->uxcr0 = 0;
	return 0;
}

/* ---- starting the user process --------------------------------------------- */

#define NR_recvmsg_ 47
#define NR_dup3_ 292
#define SCM_RIGHTS_ 1
#define SOL_SOCKET_ 1
#define MSG_CMSG_CLOEXEC_ 0x40000000

struct k_iov {
	void *base;
	uint64_t len;
};
struct k_msg {
	void *name;
	int namelen, pad0;
	struct k_iov *iov;
	uint64_t iovlen;
	void *control;
	uint64_t controllen;
	int flags, pad1;
};
struct k_cmsg_fds {
	uint64_t len;
	int level, type;
	int fd[3];
	int pad;
};
#define CMSG_FDS_LEN (16 + 3 * 4)

/* The answer's descriptors to their numbers (socket, control, pidfd). */
static int fds_place(const struct k_cmsg_fds *cm)
{
	for (int i = 0; i < 3; i++)
		if (sys3(NR_dup3_, cm->fd[i], PV_UPROC_SOCK_FD + i, 0) != PV_UPROC_SOCK_FD + i)
			return -1;
	return 0;
}

/* Ask vmhv for the user process (pv_uproc.h, PV_NR_UPROC), move the
 * descriptors of its answer to their numbers and map the control memory;
 * 0 or -1. Anything else on the channel meanwhile (an eventfd offer
 * nobody waits for) goes. */
static int uproc_start(struct pv_vcpu *v)
{
	struct pv_hcall_req req = { .vcpu = v->id, .nr = PV_NR_UPROC };

	if (sys3(NR_write, v->chan_fd, &req, sizeof(req)) != sizeof(req))
		return -1;
	for (;;) {
		struct pv_uproc_answer a = { 0 };
		struct k_cmsg_fds cm = { .fd = { -1, -1, -1 } };
		struct k_iov iov = { &a, sizeof(a) };
		struct k_msg m = { .iov = &iov, .iovlen = 1, .control = &cm,
				   .controllen = sizeof(cm) };
		long r = sys3(NR_recvmsg_, v->chan_fd, &m, MSG_CMSG_CLOEXEC_);
		int got = r == sizeof(a) && a.magic == PV_UPROC_MAGIC, rc = -1;
		int has_fds = m.controllen >= CMSG_FDS_LEN && cm.level == SOL_SOCKET_ &&
			      cm.type == SCM_RIGHTS_;

		if (r <= 0)
			return -1;
		if (got && a.rc == 0 && has_fds && cm.len == CMSG_FDS_LEN)
			rc = fds_place(&cm) < 0 ? -1 : ctl_map(v->sb);
		for (int i = 0; i < 3 && has_fds; i++)
			if (cm.fd[i] >= 0 && (uint64_t)(16 + 4 * i) < cm.len)
				sys3(NR_close, cm.fd[i], 0, 0);
		if (got)
			return rc;
	}
}

/* ---- the user process's mappings ------------------------------------------ */

struct batch {
	struct sandbox *sb;
	struct pv_umap *rec;
	uint32_t n;
	int ram;                  /* guest RAM was mapped (dirty logging) */
	int gone;                 /* the user process did not answer: it died */
};

/* Let the mapper run the records so far and wait for its answer. */
static void batch_flush(struct batch *b)
{
	uint64_t bell = 1, failed = 0;

	if (!b->n || b->gone)
		return;
	__atomic_store_n(&hdr(b->sb)->map_n, b->n, __ATOMIC_RELEASE);
	if (sys3(NR_write, PV_UPROC_SOCK_FD, &bell, 8) != 8 ||
	    sys3(NR_read, PV_UPROC_SOCK_FD, &failed, 8) != 8)
		b->gone = 1;
	b->n = 0;
}

static void batch_add(struct batch *b, uint32_t op, uint64_t va, uint64_t len, uint64_t off,
		      int prot)
{
	if (b->n == PV_UPROC_MAX_MAPS)
		batch_flush(b);
	b->rec[b->n++] = (struct pv_umap){ .op = op, .prot = (uint32_t)prot, .va = va,
					   .len = len, .off = off };
}

static void run_emit(void *arg, uint64_t va, uint64_t frame, uint64_t n, int prot)
{
	struct batch *b = arg;

	if (frame < b->sb->as.ram_frames)
		b->ram = 1;
	batch_add(b, PV_UMAP_MMAP, va, n << 12, frame << 12, prot);
}

/* A user process that died or stopped answering (its user code can
 * write all of its memory): kill it and forget it, under the lock; the
 * next entry to user mode starts a fresh one (vmhv replaces it on
 * PV_NR_UPROC). vCPUs still waiting for it see ugen move and give up. */
static void uproc_reset(struct sandbox *sb)
{
	sys6(NR_pidfd_send_signal, PV_UPROC_PIDFD, SIGKILL_, 0, 0, 0, 0);
	for (int fd = PV_UPROC_SOCK_FD; fd <= PV_UPROC_PIDFD; fd++)
		sys3(NR_close, fd, 0, 0);
	sb->ustarted = 0;
	sb->usynced = 0;
	__atomic_add_fetch(&sb->ugen, 1, __ATOMIC_RELEASE);
	for (uint32_t id = 0; id < sb->boot.max_vcpus; id++) {
		__atomic_store_n(&sb->vcpu[id].uwaiting, 0, __ATOMIC_RELEASE); /* no kicks */
		sys6(NR_futex, (long)&exit_of(&sb->vcpu[id])->seq, FUTEX_WAKE_, 1, 0, 0, 0);
	}
}

/* The whole user tree to the user process; 0, or -1 if it is gone. */
static int uproc_map_tree(struct sandbox *sb)
{
	struct batch b = { .sb = sb, .rec = (struct pv_umap *)(sb->uctl + PV_UPROC_MAPS) };

	batch_add(&b, PV_UMAP_MUNMAP, 4096, PV_GUEST_VA_TOP - 4096, 0, 0);
	aspace_user_runs(sb, run_emit, &b);
	batch_flush(&b);
	if (b.ram)
		aspace_untracked_set(sb);  /* writes through U's mappings are not scanned */
	return b.gone ? -1 : 0;
}

/* Start the user process if this is the guest's first user mode (or the
 * last one broke); make it map exactly the user tree, if any table
 * changed since it last did (aspace.gen) or the tree is another one. The
 * whole tree every time: simple, and a kernel changes tables far less
 * often than it enters user mode. */
static void uproc_sync(struct pv_vcpu *v)
{
	struct sandbox *sb = v->sb;
	struct aspace *a = &sb->as;

	uproc_lock(sb);
	for (int tries = 0;; tries++) {
		if (!sb->ustarted && uproc_start(v) < 0)
			shim_crash(v, 13, 0, v->regs.rip, 0); /* no user mode without it */
		sb->ustarted = 1;
		if (sb->usynced && sb->usynced_gen == a->gen && sb->usynced_cr3 == a->user_cr3)
			break;
		sb->usynced_gen = a->gen;
		sb->usynced_cr3 = a->user_cr3;
		sb->usynced = 1;
		if (uproc_map_tree(sb) == 0)
			break;
		if (tries)                /* a fresh one died at once */
			shim_crash(v, 13, 0, v->regs.rip, 0);
		uproc_reset(sb);
	}
	uproc_unlock(sb);
}

/* After this vCPU changed page tables (gen moved): if another vCPU runs
 * user code now, its user process must not keep a mapping its kernel
 * took away (and may reuse) beyond the change's hypercall, as Xen's TLB
 * flush guarantees. Remap now, before this vCPU goes on. */
void uproc_shootdown(struct pv_vcpu *v)
{
	struct sandbox *sb = v->sb;

	if (!sb->ustarted || __atomic_load_n(&sb->usynced_gen, __ATOMIC_RELAXED) == sb->as.gen)
		return;
	for (uint32_t id = 0; id < sb->boot.max_vcpus; id++)
		if (id != v->id && __atomic_load_n(&sb->vcpu[id].umode, __ATOMIC_RELAXED)) {
			uproc_sync(v);
			return;
		}
}

/* ---- one trip to user code ------------------------------------------------ */

static void go_fill(struct pv_vcpu *v, struct pv_ugo *g)
{
	const struct privcmd_vcpu_regs *r = &v->regs;
	uint64_t *p = g->gpr;

	p[0] = r->r15; p[1] = r->r14; p[2] = r->r13; p[3] = r->r12; p[4] = r->r11;
	p[5] = r->r10; p[6] = r->r9; p[7] = r->r8; p[8] = r->rbp; p[9] = r->rdi;
	p[10] = r->rsi; p[11] = r->rdx; p[12] = r->rcx; p[13] = r->rbx; p[14] = r->rax;
	g->iret[0] = r->rip;
	g->iret[1] = HOST_USER_CS;
	g->iret[2] = (r->rflags & X86_USER_FLAGS) | 0x202;
	g->iret[3] = r->rsp;
	g->iret[4] = HOST_USER_SS;
	__asm__ volatile("rdfsbase %0" : "=r"(g->fs_base));
	g->gs_base = v->cpu.gs_user;
	if (v->sb->uxcr0)
		__asm__ volatile("xsave64 %0" : "=m"(*(uint8_t(*)[PV_UPROC_XSAVE_BYTES])g->xsave)
				 : "a"(PV_UPROC_XSAVE_MASK), "d"(0) : "memory");
}

/* The user's FPU state, made safe for XRSTOR (reserved bits cleared). */
static void fpu_load(struct sandbox *sb, const struct pv_uexit *x)
{
	uint8_t area[PV_UPROC_XSAVE_BYTES] __attribute__((aligned(64)));
	uint32_t mxcsr;
	uint64_t bv;

	if (!sb->uxcr0)
		return;
	memcpy(area, x->xsave, sizeof(area));
	memcpy(&mxcsr, area + 24, 4);
	mxcsr &= sb->umxcsr_mask;
	memcpy(area + 24, &mxcsr, 4);
	memcpy(&bv, area + 512, 8);
	bv &= sb->uxcr0;
	memset(area + 512, 0, 64);
	memcpy(area + 512, &bv, 8);
	__asm__ volatile("xrstor64 %0" : : "m"(*(const uint8_t(*)[sizeof(area)])area),
			 "a"(PV_UPROC_XSAVE_MASK), "d"(0));
}

static void regs_take(struct pv_vcpu *v, const struct pv_uexit *x)
{
	struct privcmd_vcpu_regs *r = &v->regs;

	r->rax = x->rax; r->rbx = x->rbx; r->rcx = x->rcx; r->rdx = x->rdx;
	r->rsi = x->rsi; r->rdi = x->rdi; r->rbp = x->rbp; r->rsp = x->rsp;
	r->r8 = x->r8; r->r9 = x->r9; r->r10 = x->r10; r->r11 = x->r11;
	r->r12 = x->r12; r->r13 = x->r13; r->r14 = x->r14; r->r15 = x->r15;
	r->rip = x->rip;
	r->rflags = (x->rflags & X86_USER_FLAGS) | 0x202;
	if (x->fs_base < PV_GUEST_VA_TOP)
		__asm__ volatile("wrfsbase %0" : : "r"(x->fs_base));
	if ((uint64_t)((int64_t)(x->gs_base << 16) >> 16) == x->gs_base)
		v->cpu.gs_user = x->gs_base;  /* (only a forged record is not canonical) */
	fpu_load(v->sb, x);
}

/* K's upcall signal handler, while v waits for its user code: stop it
 * (once per trip; the event is delivered when it is back). */
void uproc_kick(struct pv_vcpu *v)
{
	if (!__atomic_load_n(&v->uwaiting, __ATOMIC_ACQUIRE) || v->upreempted)
		return;
	v->upreempted = 1;
	sys6(NR_pidfd_send_signal, PV_UPROC_PIDFD, PV_UPROC_SIG(v->id), 0, 0, 0, 0);
}

/* Whether the user process of generation gen broke while v waited for
 * it (another vCPU may have found it so): dead (the pidfd no longer
 * takes signals once vmhv reaped it), or deaf to a preemption for
 * UPROC_ANSWER_LOOKS looks. Replaces it if so. */
static int uproc_broken(struct pv_vcpu *v, uint32_t gen, unsigned looks)
{
	struct sandbox *sb = v->sb;
	int dead;

	if (__atomic_load_n(&sb->ugen, __ATOMIC_ACQUIRE) != gen)
		return 1;
	dead = sys6(NR_pidfd_send_signal, PV_UPROC_PIDFD, 0, 0, 0, 0, 0) < 0;
	if (!dead && looks < UPROC_ANSWER_LOOKS)
		return 0;
	uproc_lock(sb);
	if (sb->ugen == gen)
		uproc_reset(sb);
	uproc_unlock(sb);
	return 1;
}

/* Run v's user code until it leaves; the exit record, copied. 0, or -1
 * if the user process broke meanwhile (v's registers are still those
 * it entered with). */
static int trip(struct pv_vcpu *v, struct pv_uexit *out)
{
	struct pv_ugo *g = go_of(v);
	struct pv_uexit *x = exit_of(v);
	uint32_t seen = __atomic_load_n(&x->seq, __ATOMIC_ACQUIRE), s;
	uint32_t gen = __atomic_load_n(&v->sb->ugen, __ATOMIC_ACQUIRE);
	struct { long sec, nsec; } look = { 0, UPROC_LOOK_NS };
	unsigned looks = 0;

	go_fill(v, g);
	v->upreempted = 0;
	__atomic_store_n(&v->uwaiting, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&v->recheck, __ATOMIC_ACQUIRE))
		uproc_kick(v);            /* a kick came since pv_resume_check's */
	__atomic_store_n(&g->seq, g->seq + 1, __ATOMIC_RELEASE);
	sys6(NR_futex, (long)&g->seq, FUTEX_WAKE_, 1, 0, 0, 0);
	while ((s = __atomic_load_n(&x->seq, __ATOMIC_ACQUIRE)) == seen &&
	       __atomic_load_n(&v->sb->ugen, __ATOMIC_ACQUIRE) == gen) {
		if (sys6(NR_futex, (long)&x->seq, FUTEX_WAIT_, s, (long)&look, 0, 0) !=
		    -ETIMEDOUT_)
			continue;
		looks += v->upreempted != 0;   /* (counted from the preemption on) */
		if (uproc_broken(v, gen, looks))
			break;
	}
	__atomic_store_n(&v->uwaiting, 0, __ATOMIC_RELEASE);
	if (__atomic_load_n(&v->sb->ugen, __ATOMIC_ACQUIRE) != gen)
		return -1;
	memcpy(out, x, sizeof(*out));
	return 0;
}

/* The hypercall page's stubs jump to the sandbox's entries, which the
 * user process does not map: such a fault is the stub's `syscall` on
 * Xen, a system call returning to the stub's caller (or, for the iret
 * stub, after its call), with RCX that address and R11 the flags. */
static int stub_call(struct pv_vcpu *v, const struct pv_uexit *x)
{
	uint64_t rip = x->rip, ret;

	if (x->vec != 14 || x->cr2 != rip ||
	    (rip != (uint64_t)(uintptr_t)pv_hypercall_entry_pk &&
	     rip != (uint64_t)(uintptr_t)pv_hypercall_entry_gs &&
	     rip != (uint64_t)(uintptr_t)pv_iret_entry_pk &&
	     rip != (uint64_t)(uintptr_t)pv_iret_entry_gs))
		return 0;
	if (aspace_read_in(v->sb, v->sb->as.user_cr3, v->regs.rsp, &ret, 8) < 0)
		return 0;                 /* no stack: the #PF it is */
	v->regs.rip = ret;
	v->regs.rcx = ret;
	v->regs.r11 = v->regs.rflags;
	v->regs.rsp += 8;
	return 1;
}

/* `int $0x80` from user mode, as Xen delivers it: the software
 * interrupt if the guest's vector 0x80 has DPL 3, else a #GP at it. */
static void int80(struct pv_vcpu *v)
{
	const struct trap_info *t = &v->sb->traps[0x80];

	if (t->address && (t->flags & 3) == 3) {
		events_trap(v, 0x80, 0, 0, 1);
		return;
	}
	v->regs.rip -= 2;
	events_trap(v, 13, 0x80 * 8 + 2, 0, 0);
}

void uproc_run(struct pv_vcpu *v)
{
	struct pv_uexit x;

	uproc_sync(v);
	if (trip(v, &x) < 0) {
		/* Its user process broke (what the program did to it, or
		 * another vCPU's program did): the program's own state is
		 * lost, as when a host program corrupts itself. A #GP at the
		 * registers it entered with, for its kernel to end it. */
		events_trap(v, 13, 0, 0, 0);
		return;
	}
	regs_take(v, &x);
	switch (x.reason) {
	case PV_UEXIT_SYSCALL:
		usermode_syscall(v);
		break;
	case PV_UEXIT_FAULT:
		if (stub_call(v, &x))
			usermode_syscall(v);
		else
			events_trap(v, x.vec, x.err, x.cr2, 0);
		break;
	case PV_UEXIT_INT80:          /* `int $0x80`, reported after it */
		int80(v);
		break;
	default:                      /* stopped for an event: pv_resume_check */
		break;
	}
}
