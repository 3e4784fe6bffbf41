/* Descriptor tables, segment bases, debug registers, the FPU switch and
 * I/O privilege, per vCPU. The host's segments stay in force (DESIGN §2):
 * GDT and LDT entries are checked as Xen checks them and kept in guest
 * memory, never loaded. FS base is real (the shim does not use FS). The
 * GS bases are real where the sandbox finds its vCPUs through PKRU
 * (sb->gs_free, entry.S): the live GS base is the kernel's in kernel mode
 * and the user's in user mode, swapped by usermode.c as Xen swaps them on
 * its mode switch; elsewhere GS base finds the vCPU and those calls say
 * -ENOSYS rather than pretend. Debug registers DR0-3 are armed as perf
 * breakpoints of the vCPU's thread (data breakpoints; see debugreg_arm). */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <vmctl/xen/physdev.h>

#define EPERM_ 1
#define EFAULT_ 14
#define EINVAL_ 22
#define ENOSYS_ 38
#define GDT_MAX_ENTRIES (14 * 512)   /* Xen's reserved GDT entries start here */
#define GDT_MAX_FRAMES 16
#define DESC_P (1ull << 47)
#define DESC_S (1ull << 44)          /* code/data, not system */
#define DESC_DPL_SHIFT 45

/* Xen's check_descriptor for a 64-bit PV guest, as it looks from the
 * guest: not-present entries and code/data segments are fine (their DPL
 * is raised to the guest kernel's ring 3 if lower), system descriptors
 * (gates, TSS, LDT) are refused. *d is fixed up in place. */
static int descriptor_ok(uint64_t *d)
{
	if (!(*d & DESC_P))
		return 1;
	if (!(*d & DESC_S))
		return 0;
	*d |= 3ull << DESC_DPL_SHIFT;
	return 1;
}

int64_t desc_set_gdt(struct pv_vcpu *v, uint64_t frames_va, uint64_t entries)
{
	uint64_t frames[GDT_MAX_FRAMES];
	unsigned n = (unsigned)((entries + 511) / 512);

	if (entries > GDT_MAX_ENTRIES)
		return -EINVAL_;
	if (aspace_read(v->sb, frames_va, frames, n * sizeof(frames[0])) < 0)
		return -EFAULT_;
	for (unsigned f = 0; f < n; f++) {
		uint64_t *d = aspace_frame(v->sb, frames[f]);

		if (!d)
			return -EINVAL_;
		for (unsigned e = 0; e < 512 && f * 512 + e < entries; e++) {
			uint64_t copy = d[e];

			if (!descriptor_ok(&copy))
				return -EINVAL_;
		}
	}
	memcpy(v->cpu.gdt_frames, frames, n * sizeof(frames[0]));
	v->cpu.gdt_ents = (uint32_t)entries;
	return 0;
}

int64_t desc_update_descriptor(struct pv_vcpu *v, uint64_t maddr, uint64_t desc)
{
	uint64_t *frame = aspace_frame(v->sb, maddr >> 12);

	if ((maddr & 7) || !frame || !descriptor_ok(&desc))
		return -EINVAL_;
	frame[(maddr & 4095) / 8] = desc;
	return 0;
}

int64_t desc_stack_switch(struct pv_vcpu *v, uint64_t ss, uint64_t sp)
{
	v->cpu.kernel_ss = ss | 3;   /* Xen fixes the RPL to the kernel's ring */
	v->cpu.kernel_sp = sp;
	return 0;
}

/* CR0.TS as the guest reads it (mov from cr0); the host never sets TS,
 * so no #NM follows. */
int64_t desc_fpu_taskswitch(struct pv_vcpu *v, uint64_t set)
{
	v->cpu.ts = set != 0;
	return 0;
}

/* ---- debug registers ------------------------------------------------------- */

#define DR6_RESERVED 0xffff0ff0ull   /* DR6's value with no B0-B3 bit set */
#define SIGTRAP_ 5
#define TRAP_PERF_ 6

/* Xen's checks, and the value recorded (not armed). */
static int64_t debugreg_put(struct pv_vcpu *v, uint64_t reg, uint64_t value)
{
	if (reg > 7 || reg == 4 || reg == 5)
		return -EINVAL_;
	if (reg < 4 && value >= PV_GUEST_VA_TOP)
		return -EPERM_;       /* a breakpoint on the hypervisor's addresses */
	if (reg == 7 && (value >> 32))
		return -EPERM_;       /* reserved bits */
	v->cpu.dr[reg] = value;
	return 0;
}

/* Make DR0-3 real breakpoints of the calling thread (it must be v's) as
 * DR7 enables them: a perf breakpoint event each, whose hit the kernel
 * signals synchronously (SIGTRAP, TRAP_PERF, sig_data = the register).
 * Data breakpoints (R/W 01 write, 11 read/write) only: an instruction
 * breakpoint would fire again on the return to it (the kernel-mode return
 * to the guest cannot set RFLAGS.RF), I/O ones do not exist for us. A
 * breakpoint the kernel refuses (misaligned, no free slot) stays
 * recorded only. */
static void debugreg_arm(struct pv_vcpu *v)
{
	static const uint8_t len[4] = { 1, 2, 8, 4 };   /* DR7 LEN encodings */
	uint64_t dr7 = v->cpu.dr[7];

	for (unsigned i = 0; i < 4; i++) {
		unsigned rw = (unsigned)(dr7 >> (16 + 4 * i)) & 3;
		struct perf_event_attr a;
		long fd;

		if (v->cpu.bp_fd[i])
			sys3(NR_close, v->cpu.bp_fd[i] - 1, 0, 0);
		v->cpu.bp_fd[i] = 0;
		if (!((dr7 >> (2 * i)) & 3) || (rw != 1 && rw != 3))
			continue;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_BREAKPOINT;
		a.bp_type = rw == 1 ? HW_BREAKPOINT_W : HW_BREAKPOINT_RW;
		a.bp_addr = v->cpu.dr[i];
		a.bp_len = len[(dr7 >> (18 + 4 * i)) & 3];
		a.sample_period = 1;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		a.sigtrap = 1;
		a.remove_on_exec = 1;     /* the kernel's condition for sigtrap */
		a.sig_data = i;
		fd = sys6(NR_perf_event_open, (long)&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC, 0);
		if (fd >= 0)
			v->cpu.bp_fd[i] = (int)fd + 1;
	}
}

int64_t desc_set_debugreg(struct pv_vcpu *v, uint64_t reg, uint64_t value)
{
	int64_t rc = debugreg_put(v, reg, value);

	if (rc == 0 && reg != 6)
		debugreg_arm(v);
	return rc;
}

int desc_debug_hit(struct pv_vcpu *v, int sig, const void *info)
{
	int32_t code;
	uint64_t which;

	memcpy(&code, (const char *)info + 8, sizeof(code));            /* si_code */
	if (sig != SIGTRAP_ || code != TRAP_PERF_)
		return 0;
	memcpy(&which, (const char *)info + 24, sizeof(which));         /* si_perf_data */
	v->cpu.dr[6] = DR6_RESERVED | (1ull << (which & 3));
	return 1;
}

int64_t desc_get_debugreg(struct pv_vcpu *v, uint64_t reg)
{
	if (reg > 7 || reg == 4 || reg == 5)
		return -EINVAL_;
	return (int64_t)v->cpu.dr[reg];
}

static int64_t gs_set(struct pv_vcpu *v, uint64_t which, uint64_t base);

int64_t desc_set_segment_base(struct pv_vcpu *v, uint64_t which, uint64_t base)
{
	switch (which) {
	case SEGBASE_FS:
		if (base >= PV_GUEST_VA_TOP)
			return -EINVAL_;
		__asm__ volatile("wrfsbase %0" : : "r"(base));
		return 0;
	case SEGBASE_GS_USER:
	case SEGBASE_GS_KERNEL:
	case SEGBASE_GS_USER_SEL:
		return gs_set(v, which, base);
	default:
		return -EINVAL_;
	}
}

/* The live GS base belongs to the mode the vCPU runs in. */
static int canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

void desc_gs_kernel_set(struct pv_vcpu *v, uint64_t base)
{
	v->cpu.gs_kernel = base;
	if (v->sb->gs_free && !v->sb->user_mode)
		__asm__ volatile("wrgsbase %0" : : "r"(base) : "memory");
}

/* Hypercalls come from kernel mode: GS_KERNEL is live, GS_USER waits for
 * the switch. GS_USER_SEL loads a selector for user mode: the flat ones
 * (null, Xen's ring-3 data selectors) have base 0; others -EINVAL (there is
 * no descriptor table to load from). */
static int64_t gs_set(struct pv_vcpu *v, uint64_t which, uint64_t base)
{
	uint16_t sel = (uint16_t)base;

	if (!v->sb->gs_free)
		return -ENOSYS_;
	if (which == SEGBASE_GS_USER_SEL) {
		if ((sel & ~3) && sel != FLAT_RING3_DS32 && sel != FLAT_RING3_DS64)
			return -EINVAL_;
		v->cpu.gs_user = 0;
		return 0;
	}
	if (!canonical(base))
		return -EINVAL_;
	if (which == SEGBASE_GS_USER)
		v->cpu.gs_user = base;
	else
		desc_gs_kernel_set(v, base);
	return 0;
}

void desc_gs_switch(struct pv_vcpu *v, int to_user)
{
	uint64_t live;

	if (!v->sb->gs_free)
		return;
	__asm__ volatile("rdgsbase %0" : "=r"(live));
	if (to_user) {
		v->cpu.gs_kernel = live;
		__asm__ volatile("wrgsbase %0" : : "r"(v->cpu.gs_user) : "memory");
	} else {
		v->cpu.gs_user = live;
		__asm__ volatile("wrgsbase %0" : : "r"(v->cpu.gs_kernel) : "memory");
	}
}

/* ---- save and restore ---------------------------------------------------- */

void desc_bases_save(struct pv_vcpu *v)
{
	__asm__ volatile("rdfsbase %0" : "=r"(v->cpu.fs_base));
	if (v->sb->gs_free && !v->sb->user_mode)
		__asm__ volatile("rdgsbase %0" : "=r"(v->cpu.gs_kernel));
}

void desc_bases_load(struct pv_vcpu *v)
{
	__asm__ volatile("wrfsbase %0" : : "r"(v->cpu.fs_base));
	desc_gs_kernel_set(v, v->cpu.gs_kernel);
	if (v->cpu.dr[7])
		debugreg_arm(v);
}

void desc_state_save(const struct pv_vcpu *v, struct pv_state_vcpu *out)
{
	const struct pv_cpu *c = &v->cpu;

	*out = (struct pv_state_vcpu){
		.fs_base = c->fs_base, .gs_kernel = c->gs_kernel, .gs_user = c->gs_user,
		.kernel_ss = c->kernel_ss, .kernel_sp = c->kernel_sp, .iobitmap = c->iobitmap,
		.iobitmap_ports = c->iobitmap_ports, .iopl = c->iopl, .gdt_ents = c->gdt_ents,
		.ts = (uint32_t)c->ts,
	};
	memcpy(out->dr, c->dr, sizeof(out->dr));
	memcpy(out->gdt_frames, c->gdt_frames, sizeof(out->gdt_frames));
}

/* Checked as the hypercalls check them; a value they refuse is dropped. */
void desc_state_load(struct pv_vcpu *v, const struct pv_state_vcpu *in)
{
	struct pv_cpu *c = &v->cpu;

	c->fs_base = in->fs_base < PV_GUEST_VA_TOP ? in->fs_base : 0;
	if (v->sb->gs_free) {
		c->gs_kernel = canonical(in->gs_kernel) ? in->gs_kernel : 0;
		c->gs_user = canonical(in->gs_user) ? in->gs_user : 0;
	}
	desc_stack_switch(v, in->kernel_ss, in->kernel_sp);
	c->iobitmap = in->iobitmap;
	c->iobitmap_ports = in->iobitmap_ports <= 65536 ? in->iobitmap_ports : 0;
	c->iopl = in->iopl <= 3 ? in->iopl : 0;
	for (unsigned r = 0; r < 8; r++)
		debugreg_put(v, r, in->dr[r]);  /* armed in the vCPU's thread */
	if (in->gdt_ents <= GDT_MAX_ENTRIES) {
		memcpy(c->gdt_frames, in->gdt_frames, sizeof(c->gdt_frames));
		c->gdt_ents = in->gdt_ents;
	}
	c->ts = in->ts != 0;
}

/* set_iopl and set_iobitmap are the vCPU's; the rest goes to vmhv. */
int64_t desc_physdev_op(struct pv_vcpu *v, uint64_t cmd, uint64_t arg)
{
	if (cmd == PHYSDEVOP_set_iopl) {
		struct physdev_set_iopl s;

		if (aspace_read(v->sb, arg, &s, sizeof(s)) < 0)
			return -EFAULT_;
		if (s.iopl > 3)
			return -EINVAL_;
		v->cpu.iopl = s.iopl;
		return 0;
	}
	if (cmd == PHYSDEVOP_set_iobitmap) {
		struct physdev_set_iobitmap s;

		if (aspace_read(v->sb, arg, &s, sizeof(s)) < 0)
			return -EFAULT_;
		if (s.nr_ports > 65536)
			return -EINVAL_;
		v->cpu.iobitmap = (uint64_t)(uintptr_t)s.bitmap.p;
		v->cpu.iobitmap_ports = s.nr_ports;
		return 0;
	}
	return shim_forward(v);
}
