/* Hypercalls, Xen's x86-64 PV way: `call hypercall_page + nr*32` with the
 * number in %rax, arguments in %rdi %rsi %rdx %r10 %r8 and the result in
 * %rax.  The argument registers may come back changed (Xen rewrites them when
 * it continues a long hypercall), so they are in/out operands here. */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include "vmctl/xen/xen.h"
#include "vmctl/xen/sched.h"
#include "vmctl/xen/event_channel.h"
#include "vmctl/xen/vcpu.h"

extern char hypercall_page[];

#define HYPERCALL5(nr, a1, a2, a3, a4, a5) ({				\
	register unsigned long a1_ __asm__("rdi") = (unsigned long)(a1);	\
	register unsigned long a2_ __asm__("rsi") = (unsigned long)(a2);	\
	register unsigned long a3_ __asm__("rdx") = (unsigned long)(a3);	\
	register unsigned long a4_ __asm__("r10") = (unsigned long)(a4);	\
	register unsigned long a5_ __asm__("r8") = (unsigned long)(a5);	\
	long ret_;							\
	__asm__ volatile("call hypercall_page + %c[off]"		\
			 : "=a"(ret_), "+r"(a1_), "+r"(a2_), "+r"(a3_),	\
			   "+r"(a4_), "+r"(a5_)				\
			 : [off] "i"((nr) * 32)				\
			 : "memory", "rcx", "r11");			\
	ret_;								\
})
#define HYPERCALL3(nr, a1, a2, a3) HYPERCALL5(nr, a1, a2, a3, 0, 0)
#define HYPERCALL2(nr, a1, a2) HYPERCALL5(nr, a1, a2, 0, 0, 0)
#define HYPERCALL1(nr, a1) HYPERCALL5(nr, a1, 0, 0, 0, 0)

static inline long hv_console_io(int cmd, int count, const char *buf)
{
	return HYPERCALL3(__HYPERVISOR_console_io, cmd, count, buf);
}

static inline long hv_sched_op(int cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_sched_op, cmd, arg);
}

/* SCHEDOP_shutdown with the start_info frame in %rdx, which the toolstack
 * reads from the saved registers when the reason is SHUTDOWN_suspend. */
static inline long hv_shutdown(unsigned int reason, unsigned long si_mfn)
{
	struct sched_shutdown arg = { .reason = reason };

	return HYPERCALL3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &arg, si_mfn);
}

static inline long hv_evtchn_op(int cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long hv_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return HYPERCALL3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static inline long hv_set_timer_op(uint64_t deadline_ns)
{
	return HYPERCALL1(__HYPERVISOR_set_timer_op, deadline_ns);
}

static inline long hv_callback_op(int cmd, const void *arg)
{
	return HYPERCALL2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long hv_set_callbacks(unsigned long event, unsigned long failsafe,
				    unsigned long syscall)
{
	return HYPERCALL3(__HYPERVISOR_set_callbacks, event, failsafe, syscall);
}

static inline long hv_set_trap_table(const void *table)
{
	return HYPERCALL1(__HYPERVISOR_set_trap_table, table);
}

static inline long hv_xen_version(int cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_xen_version, cmd, arg);
}

static inline long hv_update_va_mapping(unsigned long va, uint64_t pte,
					unsigned long flags)
{
	return HYPERCALL3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long hv_grant_table_op(int cmd, void *uop, unsigned int count)
{
	return HYPERCALL3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

static inline long hv_memory_op(int cmd, void *arg)
{
	return HYPERCALL2(__HYPERVISOR_memory_op, cmd, arg);
}

#endif
