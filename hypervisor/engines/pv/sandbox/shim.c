/* The hypercall shim: serves the guest's hypercalls inside its own process
 * when it can (callbacks, trap table, its own mappings, yield) and forwards
 * the rest to vmhv over the channel. Runs on the vCPU's shim stack with the
 * guest's registers in v->regs. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#include <vmctl/xen/callback.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/vcpu.h>
#include <vmctl/xen/version.h>

#define EXIT_CHANNEL 50
#define EXIT_CRASH 51
#define ENOSYS_ 38
#define EFAULT_ 14
#define EINVAL_ 22

typedef int64_t (*shim_handler)(struct pv_vcpu *v);

/* A one-way packet to vmhv (crash report, registers, hello). */
static void channel_send(int fd, const void *msg, size_t len)
{
	/* vmhv closes the channel when the domain stops: then we just end. */
	if (sys3(NR_write, fd, msg, len) != (long)len)
		sys_exit_group(EXIT_CHANNEL);
}

#define NR_futex_ 202
#define FUTEX_WAIT_ 0

/* The CPU we run on, + 1 (the kernel keeps it in TSC_AUX). */
static uint32_t cpu_tag(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return (aux & 0xfff) + 1;
}

/* Wait for vmhv's answer to request `seq`: spin while vmhv runs on another
 * CPU (and the call is not one that sleeps anyway), then futex-wait on
 * wake_seq. A SCHEDOP_block also ends when an upcall became pending (a
 * dom0 backend raised an event and bumped wake_seq: vmhv was not asked);
 * vmhv's answer to it comes later and the next request ends the block
 * there. Every return goes through the upcall check (pv_resume_check). */
static int64_t mailbox_wait(struct pv_vcpu *v, uint32_t seq, int sleeps, int block)
{
	struct pv_mailbox *mb = v->mb;
	int64_t ret = 0;
	uint32_t w, vcpu_cpu = mb->guest_cpu, vmhv_cpu = mb->vmhv_cpu;

	if (!sleeps && vmhv_cpu && vmhv_cpu != vcpu_cpu)
		for (uint32_t i = 0; i < v->sb->boot.spin; i++) {
			if (__atomic_load_n(&mb->rep_seq, __ATOMIC_SEQ_CST) == seq)
				return mb->ret;
			__asm__ volatile("pause");
		}
	__atomic_store_n(&mb->sleeping, block ? PV_SLEEP_BLOCK : PV_SLEEP_ANSWER, __ATOMIC_SEQ_CST);
	for (;;) {
		w = __atomic_load_n(&mb->wake_seq, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&mb->rep_seq, __ATOMIC_SEQ_CST) == seq) {
			ret = mb->ret;
			break;
		}
		if (block && __atomic_load_n(&v->vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
			break;  /* returns 0, as the block's answer will */
		sys6(NR_futex_, (long)&mb->wake_seq, FUTEX_WAIT_, w, 0, 0, 0);
	}
	__atomic_store_n(&mb->sleeping, 0, __ATOMIC_SEQ_CST);
	return ret;
}

/* Post the request in v->regs to the mailbox; ring the doorbell unless
 * vmhv is watching; wait for the answer. */
int64_t shim_forward(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	struct pv_mailbox *mb = v->mb;
	struct pv_hcall_req req = {
		.vcpu = v->id, .nr = (uint32_t)r->rax,
		.args = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 },
	};
	struct pv_doorbell bell = { .vcpu = v->id };
	int sleeps = req.nr == __HYPERVISOR_sched_op &&
		     (r->rdi == SCHEDOP_block || r->rdi == SCHEDOP_poll);
	int block = req.nr == __HYPERVISOR_sched_op && r->rdi == SCHEDOP_block;

	bell.seq = mb->req_seq + 1;
	memcpy(&mb->req, &req, sizeof(req));
	mb->guest_cpu = cpu_tag();
	__atomic_store_n(&mb->req_seq, bell.seq, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&mb->polling, __ATOMIC_SEQ_CST) &&
	    sys3(NR_write, v->chan_fd, &bell, sizeof(bell)) != sizeof(bell))
		sys_exit_group(EXIT_CHANNEL);
	return mailbox_wait(v, bell.seq, sleeps, block);
}

void shim_crash(struct pv_vcpu *v, uint64_t trapno, uint64_t err, uint64_t cr2, int in_shim)
{
	struct pv_crash c = {
		.vcpu = v->id, .nr = PV_NR_CRASH, .trapno = trapno, .err = err, .cr2 = cr2,
		.in_shim = (uint64_t)in_shim, .regs = v->regs,
	};

	channel_send(v->chan_fd, &c, sizeof(c));
	sys_exit_group(EXIT_CRASH);
}

static int64_t shim_set_trap_table(struct pv_vcpu *v)
{
	return events_set_trap_table(v->sb, v->regs.rdi);
}

/* set_callbacks(event, failsafe, syscall) */
static int64_t shim_set_callbacks(struct pv_vcpu *v)
{
	v->sb->event_cb = v->regs.rdi;
	v->sb->failsafe_cb = v->regs.rsi;
	v->sb->syscall_cb = v->regs.rdx;
	return 0;
}

static int64_t shim_callback_op(struct pv_vcpu *v)
{
	struct callback_register cb;
	uint64_t va = v->regs.rsi;

	if (v->regs.rdi != CALLBACKOP_register && v->regs.rdi != CALLBACKOP_unregister)
		return -ENOSYS_;
	if (aspace_read(v->sb, va, &cb, sizeof(cb)) < 0)
		return -EFAULT_;
	/* As on Xen, only the NMI callback can be unregistered. */
	if (v->regs.rdi == CALLBACKOP_unregister) {
		if (cb.type != CALLBACKTYPE_nmi)
			return -EINVAL_;
		v->sb->nmi_cb = 0;
		return 0;
	}
	switch (cb.type) {
	case CALLBACKTYPE_event:
		v->sb->event_cb = cb.address;
		return 0;
	case CALLBACKTYPE_failsafe:
		v->sb->failsafe_cb = cb.address;
		v->sb->failsafe_masks = (cb.flags & CALLBACKF_mask_events) != 0;
		return 0;
	case CALLBACKTYPE_syscall:
		v->sb->syscall_cb = cb.address;
		v->sb->syscall_masks = (cb.flags & CALLBACKF_mask_events) != 0;
		return 0;
	case CALLBACKTYPE_nmi:
		v->sb->nmi_cb = cb.address;
		return 0;
	case CALLBACKTYPE_sysenter:
	case CALLBACKTYPE_syscall32:
		return 0;               /* 32-bit user mode: never entered here */
	default:
		return -EINVAL_;
	}
}

static int64_t shim_update_va_mapping(struct pv_vcpu *v)
{
	return aspace_update_va_mapping(v->sb, v->regs.rdi, v->regs.rsi, v->regs.rdx);
}

static int64_t shim_update_va_mapping_otherdomain(struct pv_vcpu *v)
{
	return aspace_update_va_mapping_otherdomain(v->sb, v->regs.rdi, v->regs.rsi, v->regs.rdx,
						    v->regs.r10);
}

static int64_t shim_mmu_update(struct pv_vcpu *v)
{
	return aspace_mmu_update(v->sb, v->regs.rdi, v->regs.rsi, v->regs.rdx, v->regs.r10);
}

static int64_t shim_mmuext_op(struct pv_vcpu *v)
{
	return aspace_mmuext_op(v->sb, v->regs.rdi, v->regs.rsi, v->regs.rdx, v->regs.r10);
}

static int64_t shim_vm_assist(struct pv_vcpu *v)
{
	return aspace_vm_assist(v->sb, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_set_gdt(struct pv_vcpu *v)
{
	return desc_set_gdt(v, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_update_descriptor(struct pv_vcpu *v)
{
	return desc_update_descriptor(v, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_stack_switch(struct pv_vcpu *v)
{
	return desc_stack_switch(v, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_fpu_taskswitch(struct pv_vcpu *v)
{
	return desc_fpu_taskswitch(v, v->regs.rdi);
}

static int64_t shim_set_debugreg(struct pv_vcpu *v)
{
	return desc_set_debugreg(v, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_get_debugreg(struct pv_vcpu *v)
{
	return desc_get_debugreg(v, v->regs.rdi);
}

static int64_t shim_set_segment_base(struct pv_vcpu *v)
{
	return desc_set_segment_base(v, v->regs.rdi, v->regs.rsi);
}

static int64_t shim_physdev_op(struct pv_vcpu *v)
{
	return desc_physdev_op(v, v->regs.rdi, v->regs.rsi);
}

/* Before suspending or parking in VCPUOP_down, vmhv gets the registers to
 * save: the state in which this hypercall returns (0 in a restored domain;
 * a cancelled suspend returns 1). */
static void parked_regs_send(struct pv_vcpu *v)
{
	struct pv_crash c = { .vcpu = v->id, .nr = PV_NR_REGS, .regs = v->regs };

	c.regs.rax = 0;
	desc_bases_save(v);
	channel_send(v->chan_fd, &c, sizeof(c));
}

/* Halt polling, as KVM's halt_poll_ns: a SCHEDOP_block first looks for an
 * upcall for up to v->poll_ns before it asks vmhv to sleep. A dom0
 * backend's event then only sets bits (the mailbox says PV_SLEEP_POLL: no
 * futex wake, no EVTCHN_KICK) and the vCPU runs again within a
 * microsecond or two instead of after a futex wake-up (10-20 us on a busy
 * host). The window adapts to how long blocks last: one that ended after
 * the look but within boot.halt_poll_us grows it (from 10 us, doubling),
 * one that lasted longer halves it (0 below 10 us: an idle guest's long
 * blocks spin for nothing). Time comes from the TSC scaled by the vCPU's
 * time info; that is the guest's memory, so the loop also stops after
 * poll_ns pauses (a pause takes more than a ns): a guest that scribbles on
 * it only burns its own CPU, which it could do anyway. */
#define HALT_POLL_START_NS 10000u

static uint64_t tsc_to_ns(const struct vcpu_info *vi, uint64_t delta)
{
	int8_t shift = vi->time.tsc_shift;
	uint32_t mul = vi->time.tsc_to_system_mul;

	if (shift < 0)
		delta >>= (unsigned)-shift & 63;
	else
		delta <<= (unsigned)shift & 63;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

#define HALT_POLL_PREEMPTED_NS 20000u

/* 1 if an upcall became pending within the window (the block is over), 0
 * if not, -1 if the vCPU was preempted while it looked (two looks more
 * than 20 us apart: the host's CPUs are taken, and looking on would keep
 * one from the backend that is to raise the event). */
static int block_poll(struct pv_vcpu *v, uint64_t t0)
{
	uint32_t n = v->poll_ns;
	uint64_t last = 0, ns;

	if (!n)
		return 0;
	__atomic_store_n(&v->mb->sleeping, PV_SLEEP_POLL, __ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < n; i++) {
		if (__atomic_load_n(&v->vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&v->mb->sleeping, 0, __ATOMIC_SEQ_CST);
			return 1;
		}
		if ((i & 15) == 15) {
			ns = tsc_to_ns(v->vi, __builtin_ia32_rdtsc() - t0);
			if (ns - last > HALT_POLL_PREEMPTED_NS)
				return -1;
			if (ns >= n)
				break;
			last = ns;
		}
		__asm__ volatile("pause");
	}
	/* Still PV_SLEEP_POLL: mailbox_wait() says BLOCK, then looks again. */
	return 0;
}

/* A block that needed vmhv took `ns` in all: grow or shrink the window. */
static void block_poll_adapt(struct pv_vcpu *v, uint64_t ns)
{
	uint64_t max = (uint64_t)v->sb->boot.halt_poll_us * 1000;

	if (ns <= max)
		v->poll_ns = (uint32_t)(v->poll_ns ? (2ull * v->poll_ns < max ? 2ull * v->poll_ns : max)
					       : (HALT_POLL_START_NS < max ? HALT_POLL_START_NS : max));
	else
		v->poll_ns = v->poll_ns / 2 < HALT_POLL_START_NS ? 0 : v->poll_ns / 2;
}

static int64_t sched_block(struct pv_vcpu *v)
{
	uint64_t t0 = __builtin_ia32_rdtsc();
	int64_t ret;
	int polled;

	v->vi->evtchn_upcall_mask = 0;
	if (v->vi->evtchn_upcall_pending)
		return 0;
	polled = block_poll(v, t0);
	if (polled > 0)
		return 0;
	ret = shim_forward(v);
	if (polled < 0)
		v->poll_ns = 0;   /* a busy host: sleep at once until blocks grow it again */
	else if (v->sb->boot.halt_poll_us)
		block_poll_adapt(v, tsc_to_ns(v->vi, __builtin_ia32_rdtsc() - t0));
	return ret;
}

/* Yield stays here; block enables events first, as Xen does, and only asks
 * vmhv to sleep when nothing is pending yet (after halt polling). */
static int64_t shim_sched_op(struct pv_vcpu *v)
{
	struct sched_shutdown sd;

	if (v->regs.rdi == SCHEDOP_shutdown &&
	    aspace_read(v->sb, v->regs.rsi, &sd, sizeof(sd)) == 0 &&
	    sd.reason == SHUTDOWN_suspend) {
		parked_regs_send(v);
		sandbox_state_send(v);
	}
	if (v->regs.rdi == SCHEDOP_yield) {
		sys3(NR_sched_yield, 0, 0, 0);
		return 0;
	}
	if (v->regs.rdi == SCHEDOP_block)
		return sched_block(v);
	return shim_forward(v);
}

/* VCPUOP_initialise: vmhv checks, the shim keeps the registers (and the
 * callbacks and trap table, which are per domain here). */
static void vcpu_context_take(struct pv_vcpu *t, const struct vcpu_guest_context *ctx)
{
	const struct cpu_user_regs *u = &ctx->user_regs;
	struct privcmd_vcpu_regs *r = &t->init_regs;

	*r = (struct privcmd_vcpu_regs){
		.rax = u->rax, .rbx = u->rbx, .rcx = u->rcx, .rdx = u->rdx, .rsi = u->rsi,
		.rdi = u->rdi, .rbp = u->rbp, .rsp = u->rsp, .r8 = u->r8, .r9 = u->r9,
		.r10 = u->r10, .r11 = u->r11, .r12 = u->r12, .r13 = u->r13, .r14 = u->r14,
		.r15 = u->r15, .rip = u->rip, .rflags = 0x202,
	};
	if (ctx->event_callback_eip)
		t->sb->event_cb = ctx->event_callback_eip;
	if (ctx->failsafe_callback_eip)
		t->sb->failsafe_cb = ctx->failsafe_callback_eip;
	for (unsigned i = 0; i < PV_MAX_TRAPS; i++)
		if (ctx->trap_ctxt[i].address)
			t->sb->traps[ctx->trap_ctxt[i].vector] = ctx->trap_ctxt[i];
}

static int64_t vcpu_initialise(struct pv_vcpu *v, struct pv_vcpu *t, uint64_t va)
{
	struct vcpu_guest_context ctx; /* 5 KiB: the shim stack has 64 */
	int64_t rc = shim_forward(v);

	if (rc == 0 && aspace_read(v->sb, va, &ctx, sizeof(ctx)) == 0)
		vcpu_context_take(t, &ctx);
	return rc;
}

/* vmhv answers 1 when the vCPU needs its thread started. */
static int64_t vcpu_up(struct pv_vcpu *v, struct pv_vcpu *t)
{
	int64_t rc = shim_forward(v);

	if (rc == PV_RET_START_THREAD)
		rc = t->started ? 0 : vcpu_thread_start(t);
	return rc;
}

static int64_t vcpu_register_info(struct pv_vcpu *v, struct pv_vcpu *t, uint64_t va)
{
	struct vcpu_register_vcpu_info info;
	int64_t rc = shim_forward(v);

	if (rc == 0 && aspace_read(v->sb, va, &info, sizeof(info)) == 0 &&
	    info.offset <= 4096 - sizeof(struct vcpu_info) && aspace_frame(v->sb, info.mfn))
		t->vi = (struct vcpu_info *)((uint8_t *)aspace_frame(v->sb, info.mfn) + info.offset);
	return rc;
}

static int64_t shim_vcpu_op(struct pv_vcpu *v)
{
	uint64_t cmd = v->regs.rdi, id = v->regs.rsi, arg = v->regs.rdx;
	struct pv_vcpu *t;

	if (id >= v->sb->boot.max_vcpus)
		return shim_forward(v); /* vmhv has the error for it */
	t = &v->sb->vcpu[id];
	if (cmd == VCPUOP_initialise)
		return vcpu_initialise(v, t, arg);
	if (cmd == VCPUOP_up)
		return vcpu_up(v, t);
	if (cmd == VCPUOP_register_vcpu_info)
		return vcpu_register_info(v, t, arg);
	if (cmd == VCPUOP_down && t == v)
		parked_regs_send(v); /* a save carries it (docs/migration-stream.md) */
	return shim_forward(v);
}

/* The most frequent question a guest asks needs no trip to vmhv. */
static int64_t shim_xen_version(struct pv_vcpu *v)
{
	if (v->regs.rdi == XENVER_version)
		return v->sb->boot.xen_version;
	return shim_forward(v);
}

static int64_t shim_dispatch(struct pv_vcpu *v);

/* multicall(list, n): each entry runs as if called alone (nested
 * multicalls are refused); results go back into the entries. */
static int64_t shim_multicall(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs saved = v->regs;
	uint64_t list = v->regs.rdi, n = v->regs.rsi;

	for (uint64_t i = 0; i < n; i++) {
		struct multicall_entry e;
		uint64_t va = list + i * sizeof(e);

		if (aspace_read(v->sb, va, &e, sizeof(e)) < 0) {
			v->regs = saved;
			return -EFAULT_;
		}
		v->regs.rax = e.op;
		v->regs.rdi = e.args[0];
		v->regs.rsi = e.args[1];
		v->regs.rdx = e.args[2];
		v->regs.r10 = e.args[3];
		v->regs.r8 = e.args[4];
		e.result = e.op == __HYPERVISOR_multicall ? (uint64_t)-EINVAL_
							  : (uint64_t)shim_dispatch(v);
		if (aspace_write(v->sb, va + 8, &e.result, sizeof(e.result)) < 0) {
			v->regs = saved;
			return -EFAULT_;
		}
	}
	v->regs = saved;
	return 0;
}

static const shim_handler local[64] = {
	[__HYPERVISOR_multicall] = shim_multicall,
	[__HYPERVISOR_xen_version] = shim_xen_version,
	[__HYPERVISOR_set_trap_table] = shim_set_trap_table,
	[__HYPERVISOR_set_callbacks] = shim_set_callbacks,
	[__HYPERVISOR_callback_op] = shim_callback_op,
	[__HYPERVISOR_update_va_mapping] = shim_update_va_mapping,
	[__HYPERVISOR_update_va_mapping_otherdomain] = shim_update_va_mapping_otherdomain,
	[__HYPERVISOR_mmu_update] = shim_mmu_update,
	[__HYPERVISOR_mmuext_op] = shim_mmuext_op,
	[__HYPERVISOR_vm_assist] = shim_vm_assist,
	[__HYPERVISOR_set_gdt] = shim_set_gdt,
	[__HYPERVISOR_update_descriptor] = shim_update_descriptor,
	[__HYPERVISOR_stack_switch] = shim_stack_switch,
	[__HYPERVISOR_fpu_taskswitch] = shim_fpu_taskswitch,
	[__HYPERVISOR_set_debugreg] = shim_set_debugreg,
	[__HYPERVISOR_get_debugreg] = shim_get_debugreg,
	[__HYPERVISOR_set_segment_base] = shim_set_segment_base,
	[__HYPERVISOR_physdev_op] = shim_physdev_op,
	[__HYPERVISOR_sched_op] = shim_sched_op,
	[__HYPERVISOR_vcpu_op] = shim_vcpu_op,
	[__HYPERVISOR_event_channel_op] = events_channel_op,
};

static int64_t shim_dispatch(struct pv_vcpu *v)
{
	uint64_t nr = v->regs.rax;

	/* Hypercall numbers are 32-bit in %eax; anything else is garbage. */
	if (nr >= 64 || nr == __HYPERVISOR_iret)
		return -ENOSYS_;
	if (local[nr])
		return local[nr](v);
	return shim_forward(v);
}

/* From user mode a hypercall stub is a system call to the guest kernel,
 * as the stub's `syscall` is on Xen. */
void pv_shim_hypercall(struct pv_vcpu *v)
{
	if (v->sb->user_mode)
		usermode_syscall(v);
	else
		v->regs.rax = (uint64_t)shim_dispatch(v);
}
