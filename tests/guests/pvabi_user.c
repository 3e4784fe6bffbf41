/* pvabi_user: the 64-bit PV kernel/user split. The kernel builds user page
 * tables that map only a user code page and a user stack (at USER_VA, also
 * mapped in its own tables), registers a syscall callback, a #PF handler
 * and its kernel stack (stack_switch), gives the user tables with
 * NEW_USER_BASEPTR and irets to user mode. The user program makes system
 * calls (each reaches the callback and returns with iret), then reads the
 * kernel's memory and the sandbox's physmap: both are a #PF with the user
 * bit, delivered on the kernel stack; then it writes the sandbox's own
 * data at the address given as "sbw=0x..." on the command line (a #PF
 * where the sandbox has memory protection keys, a plain write with its
 * mprotect fallback). Command line "hostile": before those reads the user
 * program opens every memory protection key with WRPKRU (where the CPU
 * has keys), as a program that means harm would: it still must fault and
 * never see the kernel's data. Command line "bench N": N system calls, the round
 * trip time is printed as "result: NS". Command line "save": the user
 * program counts for ever (faulting and calling the kernel every 2^20
 * counts) while the kernel offers a suspend event channel and suspends
 * when it is notified; after each resume it reports that the count went
 * on and what the next fault's frame looked like (tests/pvabi/
 * pvabi_save.sh). Expected output:
 * tests/pvabi/pvabi_user.expected (and pvabi_test.sh's per-mode lines). */
#include "pvabi_lib.h"

#include <vmctl/xen/callback.h>
#include <vmctl/xen/event_channel.h>
#include <vmctl/xen/vcpu.h>

#define USER_VA 0x100000000000ul        /* L4 slot 32 */
#define PHYSMAP 0x600000000000ul        /* the sandbox's view of our memory */
#define GS_KERNEL_BASE 0x4000ul         /* the GS bases of the two modes */
#define GS_USER_BASE 0x5000ul

struct uframe { unsigned long rip, cs, rflags, rsp, ss; };

void pvabi_syscall_entry(void);
void pvabi_enter_user(unsigned long rip, unsigned long rsp, unsigned long rbx,
		      unsigned long r12, unsigned long r14, unsigned long r15);
extern char pvabi_user_code[], pvabi_user_code_end[];
extern char pvabi_user_count[], pvabi_user_count_end[];
extern char pvabi_user_wrpkru[];
extern char pvabi_user_smp[], pvabi_user_smp_end[];
void pvabi_smp_entry(void);
void pvabi_smp_main(void);
static void smp_syscall(unsigned long nr, const struct uframe *f, unsigned long who);
static long user_tables(void);
static long user_mode_setup(struct callback_register *cb);

static unsigned char tables[4][4096] __attribute__((aligned(4096))); /* L4u L3u L2u L1u */
static unsigned char ucode[4096] __attribute__((aligned(4096)));
static unsigned char ustack[4096] __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(4096)));
static volatile unsigned long secret = 0x5ec7e7;
static volatile unsigned long calls, frame_cs, frame_ss, rcx_is_return, red_zone;
static unsigned long sandbox_va, user_gs, kernel_gs_ok = 1;
static long gs_rc;
static unsigned long iret_stub_calls, iret_stub_frame_ok;
static unsigned long kernel_read;       /* what the user's read of the kernel got */
static unsigned long loops;
static uint64_t t0, t1;

static uint64_t frame_of(const void *p)
{
	return pvabi_va_frame(p);
}

static uint64_t now(void)
{
	return tg_system_time(&pv.shared->vcpu_info[0].time);
}

static void report_and_stop(void)
{
	if (loops > 1000) {
		tg_report("result", (long)((t1 - t0) / loops));
		tg_shutdown(SHUTDOWN_poweroff);
	}
	tg_report("syscalls_reached_kernel", calls == loops);
	tg_report("syscall_frame_cs", (long)frame_cs);
	tg_report("syscall_frame_ss", (long)frame_ss);
	tg_report("syscall_rcx_is_return_rip", rcx_is_return);
	tg_report("user_faults", (long)pv.faults);
	tg_report("user_read_kernel_err", (long)pv.err[0]);
	tg_report("user_read_kernel_cr2", pv.cr2[0] == (unsigned long)&secret);
	tg_report("user_read_kernel_frame_cs", (long)pv.cs[0]);
	tg_report("user_read_kernel_got_secret", kernel_read == 0x5ec7e7);
	tg_report("user_read_physmap_err", (long)pv.err[1]);
	tg_report("user_read_physmap_cr2", pv.cr2[1] == PHYSMAP);
	tg_report("user_write_sandbox_faulted", pv.faults >= 3);
	tg_report("user_write_sandbox_err", pv.faults >= 3 ? (long)pv.err[2] : -1);
	tg_report("user_write_sandbox_cr2", pv.faults >= 3 && pv.cr2[2] == sandbox_va);
	tg_report("user_red_zone_kept", red_zone == 0x2ed2011e);
	tg_report("iret_stub_from_user_is_syscall", (long)iret_stub_calls);
	tg_report("iret_stub_syscall_frame", (long)iret_stub_frame_ok);
	if (gs_rc == 0) {        /* (-ENOSYS where the sandbox needs GS: no PKRU) */
		tg_report("user_gs_is_user_base", user_gs == GS_USER_BASE);
		tg_report("kernel_gs_in_callbacks", kernel_gs_ok);
	}
	tg_report("kernel_still_reads_secret", secret == 0x5ec7e7);
	tg_puts("pvabi_user done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}

/* ---- "save" mode --------------------------------------------------------- */

static struct {
	evtchn_port_t port;      /* the suspend event channel (0: none) */
	unsigned long count;     /* the user's count at its last system call */
	unsigned long at_suspend, faults_at_suspend;
	long resumed;            /* the last suspend's result, -1 = none pending */
	unsigned long resumes;
} sv = { .resumed = -1 };

static void put_kv(const char *k, unsigned long v)
{
	tg_puts(k);
	tg_put_dec((long)v);
}

/* Offer a suspend event channel as libxl expects it. */
static void suspend_channel(void)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
	char num[12];
	unsigned n = 0, p;

	if (hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &a) < 0) {
		tg_puts("pvabi_save: no event channel\n");
		return;
	}
	p = a.port;
	do
		num[n++] = (char)('0' + p % 10);
	while ((p /= 10) && n < 10);
	for (unsigned i = 0; i < n / 2; i++) {
		char t = num[i];

		num[i] = num[n - 1 - i];
		num[n - 1 - i] = t;
	}
	num[n] = 0;
	sv.port = a.port;
	if (pvabi_xs_write("device/suspend/event-channel", num) < 0)
		tg_puts("pvabi_save: xenstore write refused\n");
}

/* The event upcall (kernel mode, events masked, possibly from user mode):
 * a notification on the suspend channel suspends us. */
static void save_event(void)
{
	struct shared_info *sh = pv.shared;
	unsigned long bit = 1ul << (sv.port % 64);
	struct sched_shutdown s = { .reason = SHUTDOWN_suspend };

	sh->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&sh->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	if (!sv.port || !(__atomic_fetch_and(&sh->evtchn_pending[sv.port / 64], ~bit,
					      __ATOMIC_SEQ_CST) & bit))
		return;
	sv.at_suspend = sv.count;
	sv.faults_at_suspend = pv.faults;
	sv.resumed = hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s,
				pvabi_va_frame(pv.si));
	if (sv.resumed == 0)
		suspend_channel();   /* a new domain: a new channel */
}

/* System call 4: the count; the first one after a resume and after a
 * fault since it reports (the suspend may come between a fault and the
 * system call that follows it: the first call after the resume would
 * show no new fault then). The syscall callback masks events (save_main),
 * so no suspend interrupts a report half-way and loses the next one. */
static void save_tick(unsigned long count)
{
	if (!sv.count)
		tg_puts("pvabi_save: counting in user mode\n");
	sv.count = count;
	if (sv.resumed < 0 || pv.faults == sv.faults_at_suspend)
		return;
	sv.resumes++;
	put_kv("pvabi_save: resume ", sv.resumes);
	put_kv(" returned ", (unsigned long)sv.resumed);
	put_kv(" count_went_on ", count > sv.at_suspend);
	put_kv(" faults_went_on ", pv.faults > sv.faults_at_suspend);
	put_kv(" fault_err ", pv.last_err);
	put_kv(" fault_cr2_ok ", pv.last_cr2 == (unsigned long)&secret);
	put_kv(" fault_cs ", pv.last_cs);
	put_kv(" syscall_cs ", frame_cs);
	tg_puts("\n");
	sv.resumed = -1;
}

/* The user program called the iret stub (mapped at USER_VA + 2 pages):
 * on Xen its `syscall` is a system call, returning after it (RCX), with
 * the stub's pushes (rax, r11, rcx) and the caller's return address on
 * the user's stack. Return to that caller instead, as a kernel would. */
static void iret_stub_syscall(struct uframe *f, unsigned long rcx)
{
	const unsigned long *sp = (const unsigned long *)f->rsp;
	unsigned long stub = USER_VA + 2 * PAGE + 23 * 32;

	iret_stub_calls++;
	iret_stub_frame_ok = f->rip > stub && f->rip < stub + 32 && rcx == f->rip &&
			     sp[0] == 23 && f->cs == 0xe033 &&
			     sp[3] > USER_VA && sp[3] < USER_VA + PAGE;
	f->rip = sp[3];
	f->rsp += 4 * 8;
}

/* The syscall callback's C half (pvabi_user_entry.S). */
static uint64_t gs_base(void)
{
	uint64_t v;

	__asm__ volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static int harm_mode;

void pvabi_syscall(unsigned long nr, struct uframe *f, unsigned long rcx, unsigned long rdi,
		   unsigned long rsi, unsigned long rdx)
{
	if (harm_mode)
		return;  /* (a scribbling program may stumble on a `syscall`) */
	rcx_is_return &= rcx == f->rip;
	red_zone = rdi;
	user_gs = rsi;
	kernel_gs_ok &= gs_base() == GS_KERNEL_BASE;
	if (nr == 1) {
		calls++;
		frame_cs = f->cs;
		frame_ss = f->ss;
	} else if (nr == 2) {
		t1 = now();
	} else if (nr == 23) {
		iret_stub_syscall(f, rcx);
	} else if (nr == 4) {
		frame_cs = f->cs;
		save_tick(rdi);
	} else if (nr == 5 || nr == 6) {
		smp_syscall(nr, f, rdi);
	} else {
		kernel_read = rdx;
		report_and_stop();
	}
}

/* ---- "smp" mode ------------------------------------------------------------ */

#define SMP_CALLS 2000

static unsigned char kstack1[16384] __attribute__((aligned(4096)));
static struct vcpu_guest_context smp_ctx;
static volatile unsigned long smp_calls[2], smp_done[2], smp_wrong_vcpu;

/* vCPU 1's user program reads its stack page without entering its
 * kernel; take that page out of the user tables (and flush, as a kernel
 * must): the very next reads fault, as once the flush is done on Xen no
 * vCPU reaches the page any more. */
static int smp_unmap_seen(void)
{
	unsigned long before;

	for (int i = 0; i < 100; i++)   /* let it reach its loop */
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	before = pv.faults;
	if (pvabi_mmu((frame_of(tables[3]) << 12) + 8, 0) < 0 ||
	    pvabi_ext(MMUEXT_TLB_FLUSH_ALL, 0, 0) < 0)
		return -1;
	for (int i = 0; i < 20000 && pv.faults == before; i++)
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	return pv.faults != before && pv.last_vec == 14;
}

/* System calls 5 (count) and 6 (done) of the user programs of both
 * vCPUs: which vCPU's kernel stack took it must be the one the program
 * says it runs on (each vCPU's user mode comes back to its own kernel). */
static void smp_syscall(unsigned long nr, const struct uframe *f, unsigned long who)
{
	unsigned long cpu = (unsigned long)f >= (unsigned long)kstack1 &&
			    (unsigned long)f < (unsigned long)kstack1 + sizeof(kstack1);

	smp_wrong_vcpu |= who != cpu;
	if (nr == 5) {
		smp_calls[cpu]++;
		return;
	}
	__atomic_store_n(&smp_done[cpu], 1, __ATOMIC_SEQ_CST);
	if (cpu == 1)
		return;   /* its user program now reads its stack page for ever */
	while (!__atomic_load_n(&smp_done[1], __ATOMIC_SEQ_CST))
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
	tg_report("smp_user_calls_vcpu0", smp_calls[0] == SMP_CALLS);
	tg_report("smp_user_calls_vcpu1", smp_calls[1] == SMP_CALLS);
	tg_report("smp_user_back_on_own_vcpu", !smp_wrong_vcpu);
	tg_report("smp_unmap_reaches_running_user", smp_unmap_seen());
	tg_puts("pvabi_user done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}

/* vCPU 1: its own kernel stack, then its user program on the lower half
 * of the user stack page. */
void pvabi_smp_main(void)
{
	hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
		   (unsigned long)kstack1 + sizeof(kstack1));
	pvabi_enter_user(USER_VA, USER_VA + PAGE + PAGE / 2, 1, SMP_CALLS, USER_VA + PAGE, 0);
}

/* Both vCPUs in user mode at the same time (the user process runs each
 * vCPU's user code on its own thread). */
static __attribute__((noreturn)) void smp_main(struct callback_register *sys_cb)
{
	static unsigned char stack1[16384] __attribute__((aligned(16)));
	long rc;

	memcpy(ucode, pvabi_user_smp, (size_t)(pvabi_user_smp_end - pvabi_user_smp));
	rc = user_mode_setup(sys_cb);
	smp_ctx.user_regs.rip = (unsigned long)pvabi_smp_entry;
	smp_ctx.user_regs.rsp = (unsigned long)(stack1 + sizeof(stack1) - 8);
	if (rc == 0)
		rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, &smp_ctx);
	if (rc == 0)
		rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0);
	tg_report("smp_setup", rc);
	pvabi_enter_user(USER_VA, USER_VA + 2 * PAGE, 0, SMP_CALLS, 0, 0);
	for (;;)
		;
}

/* The user page tables: only USER_VA's two pages. The tables are
 * read-only to us and filled through mmu_update, as on Xen. */
static long user_tables(void)
{
	long rc = 0;
	uint64_t l4 = frame_of(tables[0]);

	for (unsigned i = 0; i < 4 && rc == 0; i++)
		rc = pvabi_uvm((unsigned long)tables[i], (frame_of(tables[i]) << 12) | 5, 0);
	if (rc == 0)
		rc = pvabi_mmu((frame_of(tables[3]) << 12), (frame_of(ucode) << 12) | 5);
	if (rc == 0)
		rc = pvabi_mmu((frame_of(tables[3]) << 12) + 8, (frame_of(ustack) << 12) | 7);
	if (rc == 0)   /* the hypercall page, read-only: user code calls its iret stub */
		rc = pvabi_mmu((frame_of(tables[3]) << 12) + 16, (frame_of(hypercall_page) << 12) | 5);
	if (rc == 0)
		rc = pvabi_mmu(frame_of(tables[2]) << 12, (frame_of(tables[3]) << 12) | 7);
	if (rc == 0)
		rc = pvabi_mmu(frame_of(tables[1]) << 12, (frame_of(tables[2]) << 12) | 7);
	if (rc == 0)
		rc = pvabi_mmu((l4 << 12) + 32 * 8, (frame_of(tables[1]) << 12) | 7);
	/* The kernel's tables map the user region too, as a kernel's do. */
	if (rc == 0)
		rc = pvabi_mmu((pvabi_cr3 << 12) + 32 * 8, (frame_of(tables[1]) << 12) | 7);
	return rc;
}

/* What every user-mode run sets up: the user tables as the user base
 * pointer, the kernel stack for entries from user mode, and the syscall
 * callback `cb`. 0 or the first error. */
static long user_mode_setup(struct callback_register *cb)
{
	long rc = user_tables();

	if (rc == 0)
		rc = pvabi_ext(MMUEXT_NEW_USER_BASEPTR, frame_of(tables[0]), 0);
	if (rc == 0)
		rc = hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
				(unsigned long)kstack + sizeof(kstack));
	if (rc == 0)
		rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, cb);
	return rc;
}

static unsigned long cmd_number(const char *s)
{
	unsigned long v = 0;

	while (*s && (*s < '0' || *s > '9'))
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

/* The hex number after "sbw=0x" on the command line, or dflt. */
static unsigned long cmd_sbw(const char *s, unsigned long dflt)
{
	unsigned long v = 0;

	for (; *s; s++)
		if (s[0] == 's' && s[1] == 'b' && s[2] == 'w' && s[3] == '=' && s[4] == '0' &&
		    s[5] == 'x')
			break;
	if (!*s)
		return dflt;
	for (s += 6; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'); s++)
		v = v * 16 + (unsigned long)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
	return v;
}

void tg_event_entry(void);
void tg_trap_14(void);

/* "save" mode: the user tables, the syscall and event callbacks, the
 * suspend channel; then the user program counts for ever. */
static __attribute__((noreturn)) void save_main(struct callback_register *sys_cb)
{
	struct callback_register ev = { .type = CALLBACKTYPE_event,
					.address = (unsigned long)tg_event_entry };
	/* #PF masks events here (an interrupt gate, as Linux has it): an
	 * upcall between the fault's delivery and the handler's read of cr2
	 * would suspend us in between, and shared_info (cr2) starts afresh
	 * in the new domain. It is also a trap flag the restore must keep. */
	static struct trap_info pf_masked[] = {
		{ 14, 4, 0xe033, (unsigned long)tg_trap_14 }, { 0, 0, 0, 0 },
	};

	/* As Linux registers it: events stay masked in the system call
	 * until its iret (the frame's IF gives the mask back). */
	sys_cb->flags = CALLBACKF_mask_events;
	memcpy(ucode, pvabi_user_count, (size_t)(pvabi_user_count_end - pvabi_user_count));
	if (hypercall2(__HYPERVISOR_set_trap_table, pf_masked, 0) < 0 ||
	    user_mode_setup(sys_cb) < 0 ||
	    hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &ev) < 0)
		tg_puts("pvabi_save: setup failed\n");
	pv.event_hook = save_event;
	suspend_channel();
	pv.faults = 0;
	pvabi_enter_user(USER_VA, USER_VA + 2 * PAGE, (unsigned long)&secret, USER_VA + PAGE, 0, 0);
	for (;;)
		;
}


/* ---- "harm" mode ----------------------------------------------------------- */

/* Hostile user programs, one after another, each of which must not hang
 * or crash its kernel (as on Xen): the kernel's timer ticks keep coming
 * and, once a program has had its ticks (and its fault, if it is one that
 * must fault), the kernel "kills" it by turning the user frame it
 * interrupted into the next program's entry (one that must fault, at
 * the first tick after its fault: what runs of it after the fault is not
 * its code any more). Each program's parameters
 * sit at the bottom of its stack page. Events stay masked in every
 * fault handler, so a tick always interrupts user mode, whose frame is
 * the top of the kernel stack. */
#define HARM_TICKS 25
#define HARM_GIVE_UP 5000         /* ticks without the fault: record none */

extern char pvabi_user_harm[], pvabi_user_harm_end[];
extern char harm_spin[], harm_rsp0[], harm_rspnc[], harm_ud2[], harm_int3[], harm_hlt[],
	harm_ljmp[], harm_crash[], harm_hang[];

static const struct {
	const char *name;
	const char *entry;
	int faults;               /* it must fault (and is ended after that) */
} harm_progs[] = {
	{ "spin", harm_spin, 0 },     { "rsp0", harm_rsp0, 0 },   { "rspnc", harm_rspnc, 0 },
	{ "ud2", harm_ud2, 1 },       { "int3", harm_int3, 1 },   { "hlt", harm_hlt, 1 },
	{ "ljmp", harm_ljmp, 1 },     { "hang", harm_hang, 1 },   { "crash", harm_crash, 1 },
};
#define HARM_N (sizeof(harm_progs) / sizeof(harm_progs[0]))

static struct {
	evtchn_port_t port;
	unsigned i, ticks;
	unsigned long faults[HARM_N], vec[HARM_N], err0[HARM_N], cs0[HARM_N];
} harm;

/* What program i did, as it ends (a hang or crash shows where). */
static void harm_report(unsigned i)
{
	char k[40];
	size_t n = tg_strlen(harm_progs[i].name);

	memcpy(k, "harm_", 5);
	memcpy(k + 5, harm_progs[i].name, n);
	memcpy(k + 5 + n, "_faults", 8);
	tg_report(k, (long)(harm.faults[i] != 0));
	if (!harm_progs[i].faults)
		return;
	memcpy(k + 5 + n, "_vec", 5);
	tg_report(k, (long)harm.vec[i]);
	memcpy(k + 5 + n, "_err", 5);
	tg_report(k, (long)harm.err0[i]);
	memcpy(k + 5 + n, "_from_user", 11);
	tg_report(k, harm.cs0[i] == 0xe033);
}

/* A tick: end the current program when its time has come. */
static void harm_event(void)
{
	struct uframe *f = (struct uframe *)(kstack + sizeof(kstack)) - 1;
	unsigned long bit = 1ul << (harm.port % 64);

	pv.shared->vcpu_info[0].evtchn_upcall_pending = 0;
	__atomic_exchange_n(&pv.shared->vcpu_info[0].evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&pv.shared->evtchn_pending[harm.port / 64], ~bit, __ATOMIC_SEQ_CST);
	if (f->cs != 0xe033)
		return;
	harm.ticks++;
	if (harm_progs[harm.i].faults ? !pv.faults && harm.ticks < HARM_GIVE_UP
				      : harm.ticks < HARM_TICKS)
		return;             /* (one that faulted goes at once: no more of it) */
	harm.faults[harm.i] = pv.faults;
	harm.vec[harm.i] = pv.faults == 1 || !harm_progs[harm.i].faults ? pv.last_vec : 99;
	harm.err0[harm.i] = pv.err[0];
	harm.cs0[harm.i] = pv.cs[0];
	harm_report(harm.i);
	if (++harm.i == HARM_N) {
		tg_report("harm_kernel_went_on", 1);
		tg_puts("pvabi_user done\n");
		tg_shutdown(SHUTDOWN_poweroff);
	}
	harm.ticks = 0;
	pv.faults = 0;
	f->rip = USER_VA + (unsigned long)(harm_progs[harm.i].entry - pvabi_user_harm);
	f->rsp = USER_VA + 2 * PAGE;
	f->rflags = 0x202;
}

/* The hex numbers after "key=0x" and its "-0x" on the command line. */
static void cmd_range(const char *s, const char *key, unsigned long *lo, unsigned long *hi);

void tg_trap_0(void);
void tg_trap_3(void);
void tg_trap_6(void);
void tg_trap_13(void);

static __attribute__((noreturn)) void harm_main(struct callback_register *sys_cb, const char *cmd)
{
	static struct trap_info masked[] = {   /* as pvabi_init's, all masking events */
		{ 0, 4, 0xe033, (unsigned long)tg_trap_0 },
		{ 3, 7, 0xe033, (unsigned long)tg_trap_3 },
		{ 6, 4, 0xe033, (unsigned long)tg_trap_6 },
		{ 13, 4, 0xe033, (unsigned long)tg_trap_13 },
		{ 14, 4, 0xe033, (unsigned long)tg_trap_14 },
		{ 0, 0, 0, 0 },
	};
	struct callback_register ev = { .type = CALLBACKTYPE_event,
					.address = (unsigned long)tg_event_entry };
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_periodic_timer pt = { .period_ns = 2000000 };
	unsigned long *param = (unsigned long *)ustack, first;
	long rc;

	harm_mode = 1;
	cmd_range(cmd, "uw", &param[0], &param[1]);   /* the user process's writable part */
	cmd_range(cmd, "us", &param[2], &param[3]);   /* its runners' stacks */
	cmd_range(cmd, "ux", &param[6], &param[7]);   /* its pointer to the exit records */
	param[4] = 0x1234ul << 32;  /* ljmp's m16:32: offset 0, a selector past any GDT */
	memcpy(ucode, pvabi_user_harm, (size_t)(pvabi_user_harm_end - pvabi_user_harm));
	rc = hypercall2(__HYPERVISOR_set_trap_table, masked, 0);
	if (rc == 0)
		rc = user_mode_setup(sys_cb);
	if (rc == 0)
		rc = hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &ev);
	if (rc == 0)
		rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, &bv);
	harm.port = bv.port;
	pv.event_hook = harm_event;
	if (rc == 0)
		rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, &pt);
	tg_report("harm_setup", rc);
	tg_report("harm_params", param[0] && param[1] > param[0] && param[3] > param[2] &&
				 param[6] >= param[0] && param[6] < param[1]);
	pv.faults = 0;
	cmd_range(cmd, "hfirst", &first, &param[8]);  /* start at program "hfirst=0xN" */
	harm.i = first < HARM_N ? (unsigned)first : 0;
	pvabi_enter_user(USER_VA + (unsigned long)(harm_progs[harm.i].entry - pvabi_user_harm),
			 USER_VA + 2 * PAGE, 0, 0, 0, 0);
	for (;;)
		;
}

static int has_prefix(const char *s, const char *key)
{
	while (*key && *s == *key)
		s++, key++;
	return !*key;
}

static void cmd_range(const char *s, const char *key, unsigned long *lo, unsigned long *hi)
{
	size_t n = tg_strlen(key);
	unsigned long *out = lo;

	*lo = *hi = 0;
	for (; *s; s++)
		if (has_prefix(s, key) && s[n] == '=')
			break;
	if (!*s)
		return;
	for (s += n + 1; *s && *s != ' ' && out; s++) {
		if (s[0] == '0' && s[1] == 'x') {
			s++;
			continue;
		}
		if (*s == '-') {
			out = out == lo ? hi : NULL;
			continue;
		}
		*out = *out * 16 + (unsigned long)(*s <= '9' ? *s - '0' : *s - 'a' + 10);
	}
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall,
					.address = (unsigned long)pvabi_syscall_entry };
	const char *cmd = (const char *)si->cmd_line;

	pvabi_init(si);
	if (tg_has_word(cmd, "save"))
		save_main(&cb);
	if (tg_has_word(cmd, "smp"))
		smp_main(&cb);
	if (tg_has_word(cmd, "harm"))
		harm_main(&cb, cmd);
	loops = tg_has_word(cmd, "bench") ? cmd_number(cmd) : 10;
	sandbox_va = cmd_sbw(cmd, PHYSMAP);
	memcpy(ucode, pvabi_user_code, (size_t)(pvabi_user_code_end - pvabi_user_code));
	if (!tg_has_word(cmd, "hostile"))   /* WRPKRU (3 bytes) -> NOPs */
		memset(ucode + (pvabi_user_wrpkru - pvabi_user_code), 0x90, 3);
	if (loops <= 1000) {
		tg_report("user_tables", user_tables());
		tg_report("new_user_baseptr", pvabi_ext(MMUEXT_NEW_USER_BASEPTR, frame_of(tables[0]), 0));
		tg_report("stack_switch", hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
						     (unsigned long)kstack + sizeof(kstack)));
		tg_report("syscall_callback", hypercall2(__HYPERVISOR_callback_op,
							 CALLBACKOP_register, &cb));
	} else {
		user_mode_setup(&cb);
	}
	gs_rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, GS_KERNEL_BASE);
	if (gs_rc == 0)
		gs_rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER, GS_USER_BASE);
	if (loops > 1000)
		tg_puts("bench: entering user mode\n");
	rcx_is_return = 1;
	pv.faults = 0;
	t0 = now();
	pvabi_enter_user(USER_VA, USER_VA + 2 * PAGE, (unsigned long)&secret, loops, PHYSMAP,
			 sandbox_va);
}
