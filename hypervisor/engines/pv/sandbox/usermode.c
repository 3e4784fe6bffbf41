/* The 64-bit PV kernel/user split (Xen's toggle_guest_mode). Kernel and
 * user both run as host user code here, as both run in ring 3 on Xen;
 * what separates them is the address space. By default user mode runs in
 * a process of its own that maps only the user tables (uproc.c, the
 * user process vmhv-pv-user): per vCPU, nothing to switch here. Opt-in
 * (VMCTL_PV_USER=keys, docs/pv-engine.md; not safe against a user
 * program that means harm), it runs in this process, which then mirrors
 * the guest's user tables (NEW_USER_BASEPTR), which do not map
 * the kernel, and the kernel's own pages, the shim's physmap of guest RAM
 * and (with keys) the sandbox's memory are out of reach: by memory
 * protection keys where the CPU has them (pkey.c: the switch is a WRPKRU),
 * else by mprotect (aspace.c); all measured in docs/pv-engine.md. Every
 * way out of user mode (syscall, fault, event
 * upcall, a hypercall stub) switches back to the kernel tables and enters
 * the kernel on its stack_switch stack with Xen's bounce frame, CS.RPL 3
 * telling the kernel it came from user mode.
 *
 * The mode is the domain's, not a vCPU's: vCPUs share one process, so a
 * guest with user mode runs it on one vCPU at a time. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

void usermode_enter_user(struct pv_vcpu *v)
{
	struct sandbox *sb = v->sb;

	if (sb->uproc) {        /* in the user process: per vCPU, nothing to switch */
		v->umode = sb->as.user_cr3 != 0;
		return;
	}
	if (sb->user_mode || !sb->as.user_cr3)
		return;
	if (aspace_switch(sb, 1) < 0)
		shim_crash(v, 13, 0, v->regs.rip, 0);
	desc_gs_switch(v, 1);
	sb->user_mode = 1;
}

uint64_t usermode_enter_kernel(struct pv_vcpu *v)
{
	struct sandbox *sb = v->sb;

	v->umode = 0;
	if (sb->user_mode) {
		sb->user_mode = 0;
		desc_gs_switch(v, 0);
		if (aspace_switch(sb, 0) < 0)
			shim_crash(v, 13, 0, v->regs.rip, 0);
	}
	return v->cpu.kernel_sp;
}

/* Xen enters the syscall callback with RCX and R11 as the `syscall`
 * instruction left them (the return address and the flags). */
void usermode_syscall(struct pv_vcpu *v)
{
	struct sandbox *sb = v->sb;

	if (!sb->syscall_cb)
		shim_crash(v, 13, 0, v->regs.rip, 0); /* Xen crashes the domain too */
	if (events_bounce(v, sb->syscall_cb, 0, 0, sb->syscall_masks) < 0)
		shim_crash(v, 8, 0, v->regs.rsp, 0);
}

/* The iret stub (entry.S): Xen's iret in kernel mode. Called from user
 * mode its `syscall` is, on Xen, a system call for the guest kernel: the
 * syscall callback with RCX = the address after it (the vCPU's rip), R11
 * = the flags and rax 23, the stub's pushes on the user's stack. (With
 * memory protection keys entry.S sends that case down the hypercall
 * stubs' path, events.c.) */
void usermode_iret_stub(struct pv_vcpu *v)
{
	if (!v->sb->user_mode) {
		pv_shim_iret(v);
		return;
	}
	v->regs.rcx = v->regs.rip;
	v->regs.r11 = v->regs.rflags;
	usermode_syscall(v);
}
