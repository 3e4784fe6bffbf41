/* pvabi_cpu: traps, emulated instructions and descriptor hypercalls as a
 * 64-bit PV kernel sees them on Xen: the forced-emulation prefix before
 * CPUID (even before a trap table exists), exceptions and `int n` with
 * their DPL and mask-events flags, privileged instructions (control
 * registers, clts, MSRs, port I/O under IOPL and the I/O bitmap, cli/sti,
 * hlt, wbinvd, flat selector loads), set_gdt, update_descriptor,
 * set_segment_base, stack_switch, fpu_taskswitch, debug registers,
 * callback_op and set_callbacks. Expected: tests/pvabi/pvabi_cpu.expected. */
#include "pvabi_lib.h"

#include <vmctl/xen/callback.h>
#include <vmctl/xen/physdev.h>

static unsigned char gdt_page[4096] __attribute__((aligned(4096)));
static unsigned char io_bitmap[8192];

/* Xen's forced-emulation prefix: ud2a; .ascii "xen"; then the instruction. */
static void xen_cpuid(uint32_t leaf, uint32_t out[4])
{
	__asm__ volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(leaf), "c"(0));
}

static void check_forced_cpuid(void)
{
	uint32_t r[4];

	xen_cpuid(0x40000000, r);
	tg_report("cpuid_xen_max_leaf", (long)r[0]);
	tg_report("cpuid_xen_signature", r[1] == 0x566e6558 && r[2] == 0x65584d4d &&
		  r[3] == 0x4d4d566e);
	xen_cpuid(0x40000001, r);
	tg_report("cpuid_xen_version", (long)r[0]);
	xen_cpuid(0x40000002, r);
	tg_report("cpuid_hypercall_pages", (long)r[0]);
	tg_report("cpuid_hypercall_msr", (long)r[1]);
	xen_cpuid(1, r);
	tg_report("cpuid_hypervisor_bit", (r[2] >> 31) & 1);
}

static unsigned long faults_of(void (*fn)(void), unsigned long skip)
{
	unsigned long before = pv.faults;

	pv.skip = skip;
	fn();
	pv.skip = 3;
	return pv.faults - before;
}

static void do_div0(void)
{
	__asm__ volatile("xorl %%ecx, %%ecx; movl $1, %%eax; xorl %%edx, %%edx; divl %%ecx"
			 : : : "rax", "rcx", "rdx");
}
static void do_int3(void) { __asm__ volatile("int3"); }
static void do_ud2(void) { __asm__ volatile("ud2"); }
static void do_int32(void) { __asm__ volatile("int $32"); }
static void do_int33(void) { __asm__ volatile("int $33"); }
static void do_lgdt(void) { __asm__ volatile("lgdt (%%rax)" : : "a"(gdt_page) : "memory"); }
/* ud2a; "xen"; nop: the prefix before anything but CPUID is a plain #UD. */
static void do_forced_nop(void) { __asm__ volatile(".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; nop"); }

/* Events unmasked (no event callback is registered, so none comes): the
 * handlers show whether their trap entry masked them. */
static void check_traps(void)
{
	pv.shared->vcpu_info[0].evtchn_upcall_mask = 0;
	tg_report("de_delivered", faults_of(do_div0, 2) == 1 && pv.last_vec == 0);
	tg_report("bp_delivered", faults_of(do_int3, 0) == 1 && pv.last_vec == 3);
	tg_report("ud_delivered", faults_of(do_ud2, 2) == 1 && pv.last_vec == 6);
	tg_report("forced_prefix_not_cpuid_is_ud", faults_of(do_forced_nop, 5) == 1 &&
		  pv.last_vec == 6);
	tg_report("gp_delivered", faults_of(do_lgdt, 3) == 1 && pv.last_vec == 13);
	tg_report("gp_err", (long)pv.last_err);
	tg_report("gp_masked_events", (long)pv.last_mask);
	tg_report("int_n_dpl3", faults_of(do_int32, 0) == 1 && pv.last_vec == 32);
	tg_report("int_n_dpl3_no_mask", (long)pv.last_mask);
	tg_report("int_n_no_gate_is_gp", faults_of(do_int33, 2) == 1 && pv.last_vec == 13);
	tg_report("int_n_no_gate_err", (long)pv.last_err);
	pv.shared->vcpu_info[0].evtchn_upcall_mask = 1;
}

static unsigned long read_cr(int n)
{
	unsigned long v = 0;

	if (n == 0)
		__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	else if (n == 2)
		__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	else if (n == 3)
		__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static uint64_t gs_base(void)
{
	uint64_t v;

	__asm__ volatile("rdgsbase %0" : "=r"(v));
	return v;
}

/* The kernel's GS base: set by hypercall and by wrmsr, live (a %gs load
 * reads through it), kept across a hypercall. Where the sandbox still
 * needs GS itself (no PKRU on the host) the hypercall is -ENOSYS. */
static void check_gs(void)
{
	static volatile unsigned long gs_word = 0x65c0de;
	unsigned long va = (unsigned long)&gs_word, got = 0;
	long rc = hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, va);

	tg_report("set_segment_base_gs", rc);
	if (rc < 0)
		return;
	tg_report("gs_kernel_live", gs_base() == va);
	__asm__ volatile("movq %%gs:0, %0" : "=r"(got));
	tg_report("gs_load_through_base", got == 0x65c0de);
	hypercall2(__HYPERVISOR_xen_version, 0, 0);
	tg_report("gs_kept_across_hypercall", gs_base() == va);
	tg_report("rdmsr_gs_base", rdmsr(0xc0000101) == va);
	__asm__ volatile("wrmsr" : : "c"(0xc0000101), "a"((uint32_t)(va + 8)), "d"((uint32_t)((va + 8) >> 32)));
	tg_report("wrmsr_gs_base", gs_base() == va + 8);
	tg_report("set_segment_base_gs_noncanonical",
		  hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 1ul << 60));
	tg_report("set_segment_base_gs_user", hypercall2(__HYPERVISOR_set_segment_base,
							 SEGBASE_GS_USER, va));
	tg_report("set_segment_base_gs_user_sel", hypercall2(__HYPERVISOR_set_segment_base,
							     SEGBASE_GS_USER_SEL, 0));
	tg_report("set_segment_base_gs_user_sel_bad",
		  hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0x1234));
	tg_report("gs_kernel_unchanged_by_user", gs_base() == va + 8);
	hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL, 0);
}

static uint32_t inb_80(void)
{
	uint32_t v = 0x12345678;

	__asm__ volatile("inb $0x80, %%al" : "+a"(v));
	return v;
}

static void do_inb_80(void) { inb_80(); }
static void do_inb_70(void) { __asm__ volatile("inb $0x70, %%al" : : : "rax"); }
static void do_inb_71(void) { __asm__ volatile("inb $0x71, %%al" : : : "rax"); }
static void do_rdmsr_apic(void) { rdmsr(0x1b); }
static void do_cli(void) { __asm__ volatile("cli"); }
static void do_bad_ds(void) { __asm__ volatile("movw $0x1234, %%ax; movw %%ax, %%ds" : : : "rax"); }

static void check_privileged(void)
{
	struct physdev_set_iopl iopl = { .iopl = 1 };
	struct physdev_set_iobitmap bm = { .nr_ports = 0x80 };
	uint64_t base = 0x12345000;

	tg_report("cr0", (long)read_cr(0));
	hypercall2(__HYPERVISOR_fpu_taskswitch, 1, 0);
	tg_report("cr0_ts_after_fpu_taskswitch", (read_cr(0) >> 3) & 1);
	__asm__ volatile("clts");
	tg_report("cr0_ts_after_clts", (read_cr(0) >> 3) & 1);
	pvabi_read_faults(UNMAPPED_VA);
	tg_report("cr2_last_fault", read_cr(2) == UNMAPPED_VA);
	tg_report("cr3_is_pt_base", read_cr(3) == ((pv.si->pt_base - 0x40000000ul) & ~4095ul));
	tg_report("cr4", (long)read_cr(4));
	tg_report("set_segment_base_fs", hypercall2(__HYPERVISOR_set_segment_base, SEGBASE_FS, base));
	tg_report("rdmsr_fs_base", rdmsr(0xc0000100) == base);
	{
		uint64_t fs;

		__asm__ volatile("rdfsbase %0" : "=r"(fs));
		tg_report("rdfsbase", fs == base);
	}
	tg_report("rdmsr_efer", (long)rdmsr(0xc0000080));
	tg_report("rdmsr_unknown_is_gp", faults_of(do_rdmsr_apic, 2) == 1 && pv.last_vec == 13);
	tg_report("in_without_iopl_is_gp", faults_of(do_inb_80, 2) == 1 && pv.last_vec == 13);
	tg_report("cli_without_iopl_is_gp", faults_of(do_cli, 1) == 1);
	tg_report("set_iopl", hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl));
	tg_report("in_with_iopl", (long)(inb_80() & 0xff));
	__asm__ volatile("cli");
	tg_report("cli_masks_events", pv.shared->vcpu_info[0].evtchn_upcall_mask);
	__asm__ volatile("sti");
	tg_report("sti_unmasks_events", pv.shared->vcpu_info[0].evtchn_upcall_mask);
	pv.shared->vcpu_info[0].evtchn_upcall_mask = 1;
	iopl.iopl = 0;
	hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl);
	memset(io_bitmap, 0xff, sizeof(io_bitmap));
	io_bitmap[0x71 / 8] &= (unsigned char)~(1u << (0x71 % 8));
	set_xen_guest_handle(bm.bitmap, io_bitmap);
	tg_report("set_iobitmap", hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iobitmap, &bm));
	tg_report("in_bitmap_allowed", faults_of(do_inb_71, 2) == 0);
	tg_report("in_bitmap_denied", faults_of(do_inb_70, 2) == 1);
	iopl.iopl = 4;
	tg_report("set_iopl_bad", hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, &iopl));
	__asm__ volatile("hlt");
	tg_report("hlt_returns", 1);
	__asm__ volatile("wbinvd");
	tg_report("wbinvd_returns", 1);
	__asm__ volatile("movw $0xe02b, %%ax; movw %%ax, %%ds; movw %%ax, %%es" : : : "rax");
	tg_report("flat_selector_load", 1);
	tg_report("bad_selector_is_gp", faults_of(do_bad_ds, 2) == 1 && pv.last_vec == 13);
	tg_report("rdtsc_native", __builtin_ia32_rdtsc() != 0);
}

/* Debug registers armed: a write watchpoint on watched[0] (DR0, DR7 L0,
 * R/W 01, LEN 8 bytes) is a #DB at trap 1 after the write, DR6 names DR0
 * (Xen's 0xffff0ff0 | B0); a write next to it and one after DR7 is
 * cleared are not. */
void tg_trap_1(void);
static volatile uint64_t watched[2] __attribute__((aligned(16)));

static void check_breakpoints(void)
{
	static struct trap_info db[] = {
		{ 1, 0, 0xe033, (unsigned long)tg_trap_1 }, { 0, 0, 0, 0 },
	};
	unsigned long faults = pv.faults;

	hypercall2(__HYPERVISOR_set_trap_table, db, 0);
	hypercall2(__HYPERVISOR_set_debugreg, 0, (unsigned long)&watched[0]);
	tg_report("debugreg_arm", hypercall2(__HYPERVISOR_set_debugreg, 7,
					     1 | (1ul << 16) | (2ul << 18)));
	pv.skip = 0;                     /* a trap: rip is past the write */
	watched[1] = 1;
	tg_report("debugreg_other_address_quiet", pv.faults == faults);
	watched[0] = 1;
	tg_report("debugreg_write_is_db", pv.faults == faults + 1 && pv.last_vec == 1);
	tg_report("debugreg_dr6_names_dr0",
		  hypercall2(__HYPERVISOR_get_debugreg, 6, 0) == 0xffff0ff1);
	hypercall2(__HYPERVISOR_set_debugreg, 7, 0);
	watched[0] = 2;
	tg_report("debugreg_disarmed_quiet", pv.faults == faults + 1 && watched[0] == 2);
	pv.skip = 3;
}

static void check_descriptors(void)
{
	uint64_t *gdt = (uint64_t *)gdt_page;
	unsigned long frame = pvabi_va_frame(gdt_page), frames[1] = { frame };
	uint64_t ma = (frame << 12) + 8 * 8;

	gdt[1] = 0x00af9a000000ffffull;          /* 64-bit code, DPL 0 */
	gdt[2] = 0x00cf92000000ffffull;          /* data, DPL 0 */
	tg_report("set_gdt", hypercall2(__HYPERVISOR_set_gdt, frames, 512));
	tg_report("set_gdt_too_big", hypercall2(__HYPERVISOR_set_gdt, frames, 14 * 512 + 1));
	tg_report("set_gdt_bad_list", hypercall2(__HYPERVISOR_set_gdt, UNMAPPED_VA, 16));
	gdt[3] = 0x0000ec0000000000ull | 1;      /* a call gate */
	tg_report("set_gdt_call_gate", hypercall2(__HYPERVISOR_set_gdt, frames, 512));
	gdt[3] = 0;
	tg_report("update_descriptor", hypercall2(__HYPERVISOR_update_descriptor, ma,
						  0x00cf92000000ffffull));
	tg_report("update_descriptor_dpl_raised", (gdt[8] >> 45) & 3);
	tg_report("update_descriptor_misaligned", hypercall2(__HYPERVISOR_update_descriptor,
							     ma + 4, 0));
	tg_report("update_descriptor_tss", hypercall2(__HYPERVISOR_update_descriptor, ma,
						      0x0000890000000067ull));
	tg_report("stack_switch", hypercall2(__HYPERVISOR_stack_switch, 0xe02b, 0x40001000));
	tg_report("set_debugreg", hypercall2(__HYPERVISOR_set_debugreg, 0, 0x40001000));
	tg_report("get_debugreg", hypercall2(__HYPERVISOR_get_debugreg, 0, 0) == 0x40001000);
	tg_report("set_debugreg_xen_address", hypercall2(__HYPERVISOR_set_debugreg, 1,
							 0xffff800000000000ul));
	tg_report("set_debugreg_bad_reg", hypercall2(__HYPERVISOR_set_debugreg, 9, 0));
	tg_report("get_debugreg_bad_reg", hypercall2(__HYPERVISOR_get_debugreg, 9, 0));
	check_breakpoints();
	check_gs();
	tg_report("set_segment_base_bad", hypercall2(__HYPERVISOR_set_segment_base, 7, 0));
}

/* The failsafe callback: an iret whose SS the host cannot load enters it
 * with Xen's frame { rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss };
 * the handler fixes the selectors and irets again (asm below). */
struct failsafe_frame { unsigned long rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss; };
static volatile unsigned long failsafe_calls, failsafe_ss, failsafe_cs, failsafe_rip;
static volatile unsigned long failsafe_mask;
void pvabi_failsafe_entry(void);
void pvabi_bad_iret(void);
extern char pvabi_bad_iret_return[];

void pvabi_failsafe(const struct failsafe_frame *f)
{
	failsafe_calls++;
	failsafe_ss = f->ss;
	failsafe_cs = f->cs & 0xffff;
	failsafe_rip = f->rip;
	failsafe_mask = pv.shared->vcpu_info[0].evtchn_upcall_mask;
}

__asm__(".text\n"
	"pvabi_failsafe_entry:\n"
	"	movq %rsp, %rdi\n"
	"	subq $8, %rsp\n"                 /* the frame is 88 bytes */
	"	call pvabi_failsafe\n"
	"	addq $8, %rsp\n"
	"	popq %rcx\n"
	"	popq %r11\n"
	"	addq $32, %rsp\n"                /* ds, es, fs, gs */
	"	movq $0xe033, 8(%rsp)\n"
	"	movq $0xe02b, 32(%rsp)\n"
	"	pushq $0\n"
	"	jmp hypercall_page + 23 * 32\n"
	"pvabi_bad_iret:\n"                  /* iret to the next line with SS 0x1234 */
	"	movq %rsp, %rax\n"
	"	pushq $0x1234\n"
	"	pushq %rax\n"
	"	pushfq\n"
	"	pushq $0xe033\n"
	"	leaq pvabi_bad_iret_return(%rip), %rax\n"
	"	pushq %rax\n"
	"	pushq $0\n"
	"	jmp hypercall_page + 23 * 32\n"
	"pvabi_bad_iret_return:\n"
	"	ret\n");

static void check_failsafe(void)
{
	struct callback_register cb = { .type = CALLBACKTYPE_failsafe,
					.address = (unsigned long)pvabi_failsafe_entry,
					.flags = CALLBACKF_mask_events };

	tg_report("failsafe_register", hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register,
						  &cb));
	pvabi_bad_iret();
	tg_report("failsafe_entered", (long)failsafe_calls);
	tg_report("failsafe_frame_ss", (long)failsafe_ss);
	tg_report("failsafe_frame_cs", (long)failsafe_cs);
	tg_report("failsafe_frame_rip", failsafe_rip == (unsigned long)pvabi_bad_iret_return);
	tg_report("failsafe_masks_events", (long)failsafe_mask);
}

static void check_callbacks(void)
{
	static const unsigned types[] = { CALLBACKTYPE_event, CALLBACKTYPE_failsafe,
					  CALLBACKTYPE_syscall, CALLBACKTYPE_nmi,
					  CALLBACKTYPE_sysenter, CALLBACKTYPE_syscall32 };
	struct callback_register cb = { .address = 0x40001000 };
	struct callback_unregister un = { .type = CALLBACKTYPE_nmi };
	long rc = 0;

	for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		cb.type = (uint16_t)types[i];
		rc |= hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb);
	}
	tg_report("callback_register_all_types", rc);
	tg_report("callback_unregister_nmi", hypercall2(__HYPERVISOR_callback_op,
							CALLBACKOP_unregister, &un));
	un.type = CALLBACKTYPE_event;
	tg_report("callback_unregister_event", hypercall2(__HYPERVISOR_callback_op,
							  CALLBACKOP_unregister, &un));
	tg_report("callback_bad_op", hypercall2(__HYPERVISOR_callback_op, 9, &cb));
	tg_report("set_callbacks", hypercall3(__HYPERVISOR_set_callbacks, 0x40001000, 0x40002000,
					      0x40003000));
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	check_forced_cpuid();        /* before any trap table, as Xen allows */
	pvabi_init(si);
	check_traps();
	check_privileged();
	check_descriptors();
	check_callbacks();
	check_failsafe();
	tg_puts("pvabi_cpu done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
