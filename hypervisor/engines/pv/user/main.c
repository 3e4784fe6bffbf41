/* vmhv-pv-user: guest user mode of one pv domain, in a process that maps
 * nothing of the guest but what its user tables map (pv_uproc.h). No
 * libc: like the sandbox, it lives at a fixed address above the guest's
 * part of the address space and talks to the kernel directly.
 *
 * Start-up (vmhv spawned us as root, with fds 3-5): map the control
 * memfd, drop to the guest uid, install the signal handlers, block every
 * signal, start one runner thread per vCPU (each installs the runner
 * filter on itself), then become the mapper behind the mapper filter. */
#include "hypervisor/engines/pv/pv_uproc.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define EXIT_BOOT 60
#define FUTEX_WAIT_ 0
#define FUTEX_WAKE_ 1
#define SIG_BLOCK_ 0
#define SIG_UNBLOCK_ 1
#define CLONE_THREAD_FLAGS 0x50f00ul /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */
#define SIGSYS_ 31
#define AUDIT_ARCH_X86_64 0xc000003eu
#define STACK_SIZE (64 * 1024)

long pv_clone_thread(unsigned long flags, uint64_t stack_top, void (*fn)(uint64_t), uint64_t arg);
__attribute__((noreturn)) void uproc_enter(const struct pv_ugo *go, int xsave);
__attribute__((noreturn)) void uproc_mapper(const struct pv_uproc_hdr *ctl);
void uproc_sigreturn(void);
__attribute__((noreturn)) void uproc_main(uint64_t *sp);
extern char __executable_start[], etext[];

static const struct pv_uproc_hdr *ctl;      /* read-only part */
static struct pv_uexit *exits;              /* writable part */
static uint32_t last_go[PV_UPROC_MAX_VCPUS];
static uint8_t stacks[PV_UPROC_MAX_VCPUS][STACK_SIZE] __attribute__((aligned(64)));

static __attribute__((noreturn)) void die(const char *why)
{
	sys_puts("vmhv-pv-user: ");
	sys_puts(why);
	sys_puts("\n");
	sys_exit_group(EXIT_BOOT);
}

static const struct pv_ugo *go_of(uint32_t v)
{
	return (const struct pv_ugo *)((const uint8_t *)ctl + PV_UPROC_GO) + v;
}

static uint64_t stack_top(uint32_t v)
{
	return (uint64_t)(uintptr_t)(stacks[v] + STACK_SIZE);
}

/* The signals runner v takes: all but the other runners' preemption
 * signals (each is process-directed: only its runner may take it). */
static uint64_t runner_set(uint32_t v)
{
	uint64_t set = ~0ull;

	for (uint32_t w = 0; w < ctl->nr_vcpus; w++)
		if (w != v)
			set &= ~(1ull << (PV_UPROC_SIG(w) - 1));
	return set;
}

/* Wait for K's next go and run it. On the vCPU's stack; never returns
 * (a way out of user code is a signal, whose handler comes back here). */
static __attribute__((noreturn)) void runner_loop(uint32_t v)
{
	const struct pv_ugo *go = go_of(v);
	uint64_t set = runner_set(v);
	uint32_t s;

	while ((s = __atomic_load_n(&go->seq, __ATOMIC_ACQUIRE)) == last_go[v])
		sys6(NR_futex, (long)&go->seq, FUTEX_WAIT_, s, 0, 0, 0);
	last_go[v] = s;
	/* A preemption that came meanwhile lands here, before user code:
	 * the handler reports the go's registers unchanged. */
	sys6(NR_rt_sigprocmask, SIG_UNBLOCK_, (long)&set, 0, 8, 0, 0);
	uproc_enter(go, (int)ctl->xsave);
}

static __attribute__((noreturn)) void runner_restart(uint32_t v)
{
	__asm__ volatile("movq %0, %%rsp\n\tjmp runner_loop_v" : : "r"(stack_top(v)), "D"(v));
	__builtin_unreachable();
}

/* For runner_restart's jump (a fresh stack, v in %edi). */
__attribute__((noreturn, used)) void runner_loop_v(uint32_t v)
{
	runner_loop(v);
}

static int in_runner(uint64_t rip)
{
	return rip >= (uint64_t)(uintptr_t)__executable_start &&
	       rip < (uint64_t)(uintptr_t)etext;
}

static uint32_t vcpu_of_stack(void)
{
	uint64_t sp, off;

	__asm__ volatile("movq %%rsp, %0" : "=r"(sp));
	off = sp - (uint64_t)(uintptr_t)stacks;
	if (off >= sizeof(stacks))
		die("signal off its stack");
	return (uint32_t)(off / STACK_SIZE);
}

static void regs_from_go(struct pv_uexit *x, const struct pv_ugo *g)
{
	const uint64_t *r = g->gpr;

	x->r15 = r[0]; x->r14 = r[1]; x->r13 = r[2]; x->r12 = r[3]; x->r11 = r[4];
	x->r10 = r[5]; x->r9 = r[6]; x->r8 = r[7]; x->rbp = r[8]; x->rdi = r[9];
	x->rsi = r[10]; x->rdx = r[11]; x->rcx = r[12]; x->rbx = r[13]; x->rax = r[14];
	x->rip = g->iret[0];
	x->rflags = g->iret[2];
	x->rsp = g->iret[3];
	x->fs_base = g->fs_base;
	x->gs_base = g->gs_base;
	memcpy(x->xsave, g->xsave, PV_UPROC_XSAVE_BYTES);
}

static void regs_from_signal(struct pv_uexit *x, const struct kucontext *uc)
{
	const uint64_t *g = uc->gregs;

	x->rax = g[G_RAX]; x->rbx = g[G_RBX]; x->rcx = g[G_RCX]; x->rdx = g[G_RDX];
	x->rsi = g[G_RSI]; x->rdi = g[G_RDI]; x->rbp = g[G_RBP]; x->rsp = g[G_RSP];
	x->r8 = g[G_R8]; x->r9 = g[G_R9]; x->r10 = g[G_R10]; x->r11 = g[G_R11];
	x->r12 = g[G_R12]; x->r13 = g[G_R13]; x->r14 = g[G_R14]; x->r15 = g[G_R15];
	x->rip = g[G_RIP]; x->rflags = g[G_EFL];
	x->vec = g[G_TRAPNO]; x->err = g[G_ERR]; x->cr2 = g[G_CR2];
	__asm__ volatile("rdfsbase %0" : "=r"(x->fs_base));
	__asm__ volatile("rdgsbase %0" : "=r"(x->gs_base));
	if (uc->fpregs)
		memcpy(x->xsave, uc->fpregs, PV_UPROC_XSAVE_BYTES);
}

/* Every way out of user code: report to K, then wait for the next go. */
static void on_signal(int sig, void *info, void *ucv)
{
	const struct kucontext *uc = ucv;
	uint32_t v = vcpu_of_stack(), arch, nr;
	struct pv_uexit *x = &exits[v];

	if (in_runner(uc->gregs[G_RIP])) {
		regs_from_go(x, go_of(v));       /* stopped before user code ran */
		x->reason = PV_UEXIT_PREEMPT;
	} else {
		regs_from_signal(x, uc);
		x->reason = sig == PV_UPROC_SIG(v) ? PV_UEXIT_PREEMPT : PV_UEXIT_FAULT;
		if (sig == SIGSYS_) {
			memcpy(&nr, (const char *)info + 24, sizeof(nr));   /* si_syscall */
			memcpy(&arch, (const char *)info + 28, sizeof(arch)); /* si_arch */
			x->reason = arch == AUDIT_ARCH_X86_64 ? PV_UEXIT_SYSCALL : PV_UEXIT_INT80;
			x->rax = nr;
		}
	}
	__atomic_store_n(&x->seq, x->seq + 1, __ATOMIC_RELEASE);
	sys6(NR_futex, (long)&x->seq, FUTEX_WAKE_, 1, 0, 0, 0);
	runner_restart(v);
}

static void handlers_set(void)
{
	static const int faults[] = { 4 /* ILL */, 5 /* TRAP */, 7 /* BUS */, 8 /* FPE */,
				      11 /* SEGV */, SIGSYS_ };
	struct ksigaction sa = {
		.handler = on_signal,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER,
		.restorer = uproc_sigreturn,
		.mask = ~0ull,
	};

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if (sys6(NR_rt_sigaction, faults[i], (long)&sa, 0, 8, 0, 0) < 0)
			die("cannot set a signal handler");
	for (uint32_t v = 0; v < ctl->nr_vcpus; v++)
		if (sys6(NR_rt_sigaction, PV_UPROC_SIG(v), (long)&sa, 0, 8, 0, 0) < 0)
			die("cannot set a signal handler");
}

static void filter_install(uint64_t off, uint32_t len)
{
	struct { unsigned short len; const void *insns; } prog = {
		(unsigned short)(len / 8), (const uint8_t *)ctl + off,
	};

	if (!len || len > PV_UPROC_FILTER_MAX || len % 8 ||
	    sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("cannot install a seccomp filter");
}

/* A runner: its signal stack (the same stack: a handler never returns),
 * its filter, then its loop. */
static void runner_start(uint64_t v)
{
	struct { void *sp; int flags; unsigned long size; } ss = { stacks[v], 0, STACK_SIZE };

	if (sys3(NR_sigaltstack, &ss, 0, 0) < 0)
		die("cannot set the signal stack");
	filter_install(PV_UPROC_RUNNER_FILTER, ctl->runner_filter_len);
	runner_restart((uint32_t)v);
}

static void privileges_drop(void)
{
	if (sys3(NR_geteuid, 0, 0, 0) == 0 && sys3(NR_setgroups, 0, 0, 0) < 0)
		die("cannot drop groups");
	if (sys3(NR_setresgid, ctl->gid, ctl->gid, ctl->gid) < 0 ||
	    sys3(NR_setresuid, ctl->uid, ctl->uid, ctl->uid) < 0 ||
	    sys3(NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0) < 0)
		die("cannot drop privileges");
}

void uproc_main(uint64_t *sp)
{
	long vmhv_pid = sys3(NR_getppid, 0, 0, 0);
	long ro = sys6(NR_mmap, 0, PV_UPROC_RO_BYTES, PROT_READ, MAP_SHARED, PV_UPROC_U_CTL, 0);
	long rw = sys6(NR_mmap, 0, PV_UPROC_CTL_BYTES - PV_UPROC_RO_BYTES, PROT_READ | PROT_WRITE,
		       MAP_SHARED, PV_UPROC_U_CTL, PV_UPROC_RO_BYTES);
	uint64_t all = ~0ull;

	(void)sp;
	if (ro < 0 || rw < 0)
		die("cannot map the control memory");
	ctl = (const struct pv_uproc_hdr *)ro;
	exits = (struct pv_uexit *)rw;
	if (ctl->magic != PV_UPROC_MAGIC || !ctl->nr_vcpus || ctl->nr_vcpus > PV_UPROC_MAX_VCPUS)
		die("bad control memory");
	privileges_drop();
	if (sys3(NR_prctl, PR_SET_PDEATHSIG, 9, 0) < 0 || sys3(NR_getppid, 0, 0, 0) != vmhv_pid)
		die("vmhv is gone");
	handlers_set();
	sys6(NR_rt_sigprocmask, SIG_BLOCK_, (long)&all, 0, 8, 0, 0);
	for (uint32_t v = 0; v < ctl->nr_vcpus; v++)
		if (pv_clone_thread(CLONE_THREAD_FLAGS, stack_top(v), runner_start, v) < 0)
			die("cannot start a runner");
	filter_install(PV_UPROC_MAPPER_FILTER, ctl->mapper_filter_len);
	uproc_mapper(ctl);
}
