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
 * mprotect fallback). Command line "bench N": N system calls, the round
 * trip time is printed as "result: NS". Expected output:
 * tests/pvabi/pvabi_user.expected (and pvabi_test.sh's per-mode lines). */
#include "pvabi_lib.h"

#include <vmctl/xen/callback.h>

#define USER_VA 0x100000000000ul        /* L4 slot 32 */
#define PHYSMAP 0x600000000000ul        /* the sandbox's view of our memory */
#define GS_KERNEL_BASE 0x4000ul         /* the GS bases of the two modes */
#define GS_USER_BASE 0x5000ul

struct uframe { unsigned long rip, cs, rflags, rsp, ss; };

void pvabi_syscall_entry(void);
void pvabi_enter_user(unsigned long rip, unsigned long rsp, unsigned long rbx,
		      unsigned long r12, unsigned long r14, unsigned long r15);
extern char pvabi_user_code[], pvabi_user_code_end[];

static unsigned char tables[4][4096] __attribute__((aligned(4096))); /* L4u L3u L2u L1u */
static unsigned char ucode[4096] __attribute__((aligned(4096)));
static unsigned char ustack[4096] __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(4096)));
static volatile unsigned long secret = 0x5ec7e7;
static volatile unsigned long calls, frame_cs, frame_ss, rcx_is_return, red_zone;
static unsigned long sandbox_va, user_gs, kernel_gs_ok = 1;
static long gs_rc;
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
	tg_report("user_read_physmap_err", (long)pv.err[1]);
	tg_report("user_read_physmap_cr2", pv.cr2[1] == PHYSMAP);
	tg_report("user_write_sandbox_faulted", pv.faults >= 3);
	tg_report("user_write_sandbox_err", pv.faults >= 3 ? (long)pv.err[2] : -1);
	tg_report("user_write_sandbox_cr2", pv.faults >= 3 && pv.cr2[2] == sandbox_va);
	tg_report("user_red_zone_kept", red_zone == 0x2ed2011e);
	if (gs_rc == 0) {        /* (-ENOSYS where the sandbox needs GS: no PKRU) */
		tg_report("user_gs_is_user_base", user_gs == GS_USER_BASE);
		tg_report("kernel_gs_in_callbacks", kernel_gs_ok);
	}
	tg_report("kernel_still_reads_secret", secret == 0x5ec7e7);
	tg_puts("pvabi_user done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}

/* The syscall callback's C half (pvabi_user_entry.S). */
static uint64_t gs_base(void)
{
	uint64_t v;

	__asm__ volatile("rdgsbase %0" : "=r"(v));
	return v;
}

void pvabi_syscall(unsigned long nr, struct uframe *f, unsigned long rcx, unsigned long rdi,
		   unsigned long rsi)
{
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
	} else {
		report_and_stop();
	}
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

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall,
					.address = (unsigned long)pvabi_syscall_entry };
	const char *cmd = (const char *)si->cmd_line;

	pvabi_init(si);
	loops = tg_has_word(cmd, "bench") ? cmd_number(cmd) : 10;
	sandbox_va = cmd_sbw(cmd, PHYSMAP);
	memcpy(ucode, pvabi_user_code, (size_t)(pvabi_user_code_end - pvabi_user_code));
	if (loops <= 1000) {
		tg_report("user_tables", user_tables());
		tg_report("new_user_baseptr", pvabi_ext(MMUEXT_NEW_USER_BASEPTR, frame_of(tables[0]), 0));
		tg_report("stack_switch", hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
						     (unsigned long)kstack + sizeof(kstack)));
		tg_report("syscall_callback", hypercall2(__HYPERVISOR_callback_op,
							 CALLBACKOP_register, &cb));
	} else {
		user_tables();
		pvabi_ext(MMUEXT_NEW_USER_BASEPTR, frame_of(tables[0]), 0);
		hypercall2(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS,
			   (unsigned long)kstack + sizeof(kstack));
		hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
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
