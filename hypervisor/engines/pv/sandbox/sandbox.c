/* vmhv-pv: the process that runs one pv domain (see pv_abi.h).
 *
 * Start-up, in order: read the boot packet, map the guest's memory at the
 * flat base, write the hypercall page, drop to the unprivileged uid, then
 * jump to the guest's entry with the builder's registers. Any failure exits
 * with a distinct status that vmhv reports. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

enum {
	EXIT_BOOT = 40,     /* no or bad boot packet */
	EXIT_CPU,           /* the CPU lacks FSGSBASE */
	EXIT_MAP,           /* the memory could not be mapped */
	EXIT_HCPAGE,        /* the hypercall page is outside the memory */
	EXIT_PRIV,          /* privileges could not be dropped */
	EXIT_PKEY,          /* no memory for the user-mode page */
};

static struct sandbox sb;
/* entry.S's *_pk entries: the vCPU of the id in PKRU. */
struct pv_vcpu *pv_vcpu_table[PRIVCMD_MAX_VCPUS];
static uint64_t filter[PV_SECCOMP_MAX / 8];
static long filter_bytes;
static uint8_t shim_stacks[PRIVCMD_MAX_VCPUS][PV_SHIM_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t alt_stacks[PRIVCMD_MAX_VCPUS][PV_ALT_STACK_SIZE] __attribute__((aligned(16)));
/* The guest's state as a restore hands it over, or as a suspend sends it
 * (one vCPU suspends at a time). */
static union {
	struct pv_state_msg msg;
	uint8_t bytes[PV_STATE_MSG_MAX];
} state_buf;

static __attribute__((noreturn)) void die(int code, const char *why)
{
	sys_puts("vmhv-pv: ");
	sys_puts(why);
	sys_puts("\n");
	sys_exit_group(code);
}

static uint64_t auxv_get(uint64_t *sp, uint64_t type)
{
	uint64_t argc = sp[0];
	uint64_t *p = sp + 1 + argc + 1;

	while (*p)              /* skip envp */
		p++;
	for (p++; p[0]; p += 2)
		if (p[0] == type)
			return p[1];
	return 0;
}

static void boot_read(void)
{
	long r = sys3(NR_read, PV_CHAN_FD, &sb.boot, sizeof(sb.boot));

	if (r != sizeof(sb.boot) || sb.boot.magic != PV_BOOT_MAGIC ||
	    sb.boot.version != PV_ABI_VERSION)
		die(EXIT_BOOT, "bad boot packet");
	if (sb.boot.max_vcpus < 1 || sb.boot.max_vcpus > PRIVCMD_MAX_VCPUS)
		die(EXIT_BOOT, "bad vcpu count");
}

static void filter_read(void)
{
	filter_bytes = sys3(NR_read, PV_CHAN_FD, filter, sizeof(filter));
	if (filter_bytes <= 0 || filter_bytes % 8)
		die(EXIT_BOOT, "bad seccomp filter packet");
}

/* ---- save and restore ---------------------------------------------------- */

static void traps_save(struct pv_state *st)
{
	for (unsigned i = 0; i < PV_STATE_TRAPS; i++) {
		const struct trap_info *t = &sb.traps[i];

		st->traps[i] = (struct pv_state_trap){ .vector = t->vector, .flags = t->flags,
						       .cs = t->cs, .address = t->address };
	}
}

void sandbox_state_send(struct pv_vcpu *v)
{
	struct pv_state_msg *m = &state_buf.msg;
	struct pv_state *st = &m->st;

	memset(m, 0, sizeof(*m));
	m->vcpu = v->id;
	m->nr = PV_NR_STATE;
	st->version = PV_STATE_VERSION;
	st->nr_vcpus = sb.boot.max_vcpus;
	st->nr_pins = aspace_state_save(&sb, st, (uint64_t *)(m + 1), PV_STATE_MAX_PINS);
	st->event_cb = sb.event_cb;
	st->failsafe_cb = sb.failsafe_cb;
	st->syscall_cb = sb.syscall_cb;
	st->nmi_cb = sb.nmi_cb;
	st->flags |= (sb.syscall_masks ? PV_STATE_F_SYSCALL_MASK : 0) |
		     (sb.failsafe_masks ? PV_STATE_F_FAILSAFE_MASK : 0);
	traps_save(st);
	for (uint32_t id = 0; id < sb.boot.max_vcpus; id++)
		desc_state_save(&sb.vcpu[id], &st->vcpu[id]);
	sys3(NR_write, v->chan_fd, m, sizeof(*m) + 8ull * st->nr_pins);
}

/* vmhv checked the sizes; the contents are checked as they are applied. */
static void state_read(void)
{
	struct pv_state *st = &state_buf.msg.st;
	long r;

	if (!(sb.boot.flags & PV_BOOT_STATE))
		return;
	r = sys3(NR_read, PV_CHAN_FD, st, sizeof(state_buf) - offsetof(struct pv_state_msg, st));
	if (r < (long)sizeof(*st) || st->version != PV_STATE_VERSION ||
	    st->nr_pins > PV_STATE_MAX_PINS || r != (long)(sizeof(*st) + 8ull * st->nr_pins) ||
	    st->nr_vcpus > sb.boot.max_vcpus)
		die(EXIT_BOOT, "bad state packet");
}

/* Before any guest instruction, after the boot tree (= kernel_cr3) is
 * mirrored: what the guest set up before it was saved. */
static void state_apply(void)
{
	const struct pv_state *st = &state_buf.msg.st;

	if (!(sb.boot.flags & PV_BOOT_STATE))
		return;
	aspace_state_load(&sb, st, (const uint64_t *)(st + 1));
	for (unsigned i = 0; i < PV_STATE_TRAPS; i++) {
		const struct pv_state_trap *t = &st->traps[i];

		if (t->address < PV_GUEST_VA_TOP)
			sb.traps[i] = (struct trap_info){ .vector = (uint8_t)i, .flags = t->flags,
							  .cs = t->cs, .address = t->address };
	}
	sb.event_cb = st->event_cb;
	sb.failsafe_cb = st->failsafe_cb;
	sb.syscall_cb = st->syscall_cb;
	sb.nmi_cb = st->nmi_cb;
	sb.syscall_masks = (st->flags & PV_STATE_F_SYSCALL_MASK) != 0;
	sb.failsafe_masks = (st->flags & PV_STATE_F_FAILSAFE_MASK) != 0;
	for (uint32_t id = 0; id < st->nr_vcpus; id++)
		desc_state_load(&sb.vcpu[id], &st->vcpu[id]);
}

/* From here on only the allow-list runs; everything else traps. */
static void filter_install(void)
{
	struct { unsigned short len; void *insns; } prog = {
		(unsigned short)(filter_bytes / 8), filter,
	};

	if (sys3(NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die(EXIT_PRIV, "cannot install the seccomp filter");
}

/* The guest's address space (aspace.c): needs our privileges for a
 * mapping at page 0. */
static void memory_map(void)
{
	const char *why = aspace_init(&sb);

	if (why)
		die(EXIT_MAP, why);
	sb.shared = aspace_frame(&sb, sb.boot.shared_info_pfn);
	if (!sb.shared || !aspace_frame(&sb, sb.boot.mailbox_pfn))
		die(EXIT_BOOT, "shared_info or mailboxes outside guest memory");
}

static void stub_jump(uint8_t *s, void (*target)(void))
{
	uint64_t addr = (uint64_t)(uintptr_t)target;

	s[0] = 0xff;            /* jmp *0(%rip) */
	s[1] = 0x25;
	memset(s + 2, 0, 4);
	memcpy(s + 6, &addr, 8);
}

/* The iret stub's `call *9(%rip)` (where Xen's has `syscall`): its return
 * address is the byte after it, as after Xen's syscall; int3s up to the
 * target's address in the stub's last 8 bytes. */
static void stub_call_iret(uint8_t *s, void (*target)(void))
{
	uint64_t addr = (uint64_t)(uintptr_t)target;
	static const uint8_t call[] = { 0xff, 0x15, 9, 0, 0, 0 };

	memcpy(s, call, sizeof(call));
	memcpy(s + sizeof(call) + 9, &addr, 8);
}

/* Stub i: mov $i,%eax; jmp *pv_hypercall_entry. The iret stub is Xen's:
 * push %rcx; push %r11; push %rax; mov $23,%eax; call *pv_iret_entry. */
static void hypercall_page_fill(void)
{
	uint8_t *page;

	if (sb.boot.hypercall_frame == PV_NO_FRAME)
		return;
	page = aspace_frame(&sb, sb.boot.hypercall_frame);
	if (!page)
		die(EXIT_HCPAGE, "hypercall page outside guest memory");
	memset(page, 0xcc, 4096);
	for (uint32_t i = 0; i < 128; i++) {
		uint8_t *s = page + 32 * i;

		if (i == __HYPERVISOR_iret) {
			static const uint8_t push3[] = { 0x51, 0x41, 0x53, 0x50 };

			memcpy(s, push3, sizeof(push3));
			s += sizeof(push3);
		}
		s[0] = 0xb8;
		memcpy(s + 1, &i, 4);
		if (i == __HYPERVISOR_iret)
			stub_call_iret(s + 5, sb.gs_free ? pv_iret_entry_pk : pv_iret_entry_gs);
		else
			stub_jump(s + 5, sb.gs_free ? pv_hypercall_entry_pk : pv_hypercall_entry_gs);
	}
}

static void privileges_drop(void)
{
	/* An unprivileged vmhv runs guests as itself: nothing to drop then. */
	if (sys3(NR_geteuid, 0, 0, 0) == 0 && sys3(NR_setgroups, 0, 0, 0) < 0)
		die(EXIT_PRIV, "cannot drop groups");
	if (sys3(NR_setresgid, sb.boot.gid, sb.boot.gid, sb.boot.gid) < 0 ||
	    sys3(NR_setresuid, sb.boot.uid, sb.boot.uid, sb.boot.uid) < 0 ||
	    sys3(NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0) < 0)
		die(EXIT_PRIV, "cannot drop privileges");
}

/* If vmhv dies the guest goes too: nobody could serve or stop it. Set
 * after the uid change, which clears it; a vmhv gone already is caught by
 * our parent having changed. */
static void parent_death_kills(long vmhv_pid)
{
	if (sys3(NR_prctl, PR_SET_PDEATHSIG, 9 /* SIGKILL */, 0) < 0 ||
	    sys3(NR_getppid, 0, 0, 0) != vmhv_pid)
		die(EXIT_PRIV, "vmhv is gone");
}

static void vcpus_init(void)
{
	for (uint32_t id = 0; id < sb.boot.max_vcpus; id++) {
		struct pv_vcpu *v = &sb.vcpu[id];

		v->id = id;
		v->sb = &sb;
		v->vi = &sb.shared->vcpu_info[id];
		v->chan_fd = PV_CHAN_FD_OF(id);
		v->mb = (struct pv_mailbox *)aspace_frame(&sb, sb.boot.mailbox_pfn) + id;
		v->shim_stack_top = (uint64_t)(uintptr_t)(shim_stacks[id] + PV_SHIM_STACK_SIZE);
		/* Restored parked in VCPUOP_down: VCPUOP_up resumes it there. */
		if (id > 0 && (sb.boot.resume_mask & (1u << id)))
			v->init_regs = sb.boot.vcpu_regs[id];
	}
	for (uint32_t id = 0; id < PRIVCMD_MAX_VCPUS; id++)
		pv_vcpu_table[id] = &sb.vcpu[id];
	aspace_untracked_publish(&sb);
	aspace_cr3_publish(&sb);
}

struct pv_vcpu *sandbox_vcpu_of_altstack(uint64_t sp)
{
	uint64_t off = sp - (uint64_t)(uintptr_t)alt_stacks;

	if (off >= sizeof(alt_stacks))
		die(EXIT_BOOT, "signal handler off its stack");
	return &sb.vcpu[off / PV_ALT_STACK_SIZE];
}

/* Per thread: the signal stack, and the vCPU id in PKRU (keys open: we
 * run in kernel mode) or GS base = the vCPU (entry.S). */
static void vcpu_enter(struct pv_vcpu *v)
{
	events_vcpu_setup(v, alt_stacks[v->id], PV_ALT_STACK_SIZE);
	if (sb.gs_free)
		__asm__ volatile("wrpkru" : : "a"(PV_PKRU_ID(v->id)), "c"(0), "d"(0) : "memory");
	else
		__asm__ volatile("wrgsbase %0" : : "r"((uint64_t)(uintptr_t)v) : "memory");
	desc_bases_load(v);
	v->started = 1;
}

/* CPUID.7.0:ECX.OSPKE: the kernel enabled PKRU (rdpkru/wrpkru work). */
static int cpu_has_ospke(void)
{
	uint32_t a = 7, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 4) & 1;
}

/* A secondary vCPU's thread: say hello to vmhv, then run the guest. */
static void vcpu_thread(struct pv_vcpu *v)
{
	struct pv_hcall_req hello = { .vcpu = v->id, .nr = PV_NR_HELLO };

	vcpu_enter(v);
	hello.args[0] = (uint64_t)sys3(NR_gettid, 0, 0, 0);
	if (sys3(NR_write, v->chan_fd, &hello, sizeof(hello)) != sizeof(hello))
		sys_exit_group(EXIT_BOOT);
	v->regs = v->init_regs;
	pv_resume_vcpu(v);
}

#define CLONE_THREAD_FLAGS 0x50f00ul /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */

int vcpu_thread_start(struct pv_vcpu *v)
{
	long r = pv_clone_thread(CLONE_THREAD_FLAGS, v->shim_stack_top, vcpu_thread, v);

	return r < 0 ? (int)r : 0;
}

void sandbox_main(uint64_t *sp)
{
	long vmhv_pid = sys3(NR_getppid, 0, 0, 0);

	if (!(auxv_get(sp, AT_HWCAP2) & HWCAP2_FSGSBASE))
		die(EXIT_CPU, "the CPU or kernel lacks FSGSBASE");
	boot_read();
	filter_read();
	state_read();
	memory_map();
	sb.gs_free = cpu_has_ospke();
	sb.pkeys = sb.gs_free && (sb.boot.flags & PV_BOOT_PKEYS) &&
		   !(sb.boot.flags & PV_BOOT_UPROC);
	uproc_setup(&sb);
	if (pkey_setup(&sb, (const uint64_t *)(uintptr_t)auxv_get(sp, AT_PHDR),
		       auxv_get(sp, AT_PHNUM)) < 0)
		die(EXIT_PKEY, "cannot map the user-mode page");
	dirty_setup(&sb);
	hypercall_page_fill();
	if (events_setup(&sb) < 0)
		die(EXIT_BOOT, "cannot install signal handlers");
	vcpus_init();
	state_apply();
	vcpu_enter(&sb.vcpu[0]);
	privileges_drop();
	parent_death_kills(vmhv_pid);
	filter_install();
	sb.vcpu[0].regs = sb.boot.regs;
	pv_resume_vcpu(&sb.vcpu[0]);
}
