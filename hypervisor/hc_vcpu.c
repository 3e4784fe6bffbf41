/* vcpu_op and set_timer_op. Secondary vCPUs: initialise records that a
 * context exists (the pv sandbox keeps the registers themselves, it read
 * them from the same guest memory), up marks the vCPU online and the
 * sandbox starts its thread, down parks the calling vCPU until an up makes
 * its VCPUOP_down return. In an hvm domain a vCPU may also take another
 * down and up (hvm_vcpu_hold: it stops where it is and runs on). */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/hvm/hvm_gfn.h"
#include "hypervisor/engines/hvm/hvm_vcpus.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/timer.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <string.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/vcpu.h>

typedef int64_t (*vcpu_handler)(struct hcall *c, struct vcpu *v, uint64_t arg);

#define VCPU_CONTEXT_SIZE 5168 /* struct vcpu_guest_context */

static int64_t vo_initialise(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	if (v->online || v->parked)
		return -EEXIST;
	/* The context must be readable guest memory. */
	if (!c->d->engine->guest_ptr(c->d, arg, VCPU_CONTEXT_SIZE))
		return -EFAULT;
	v->initialised = true;
	return 0;
}

/* 1 asks the engine to start the vCPU (its first up); 0 when it was up
 * already or parked in VCPUOP_down, whose call now returns, as on Xen. */
static int64_t vo_up(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	if (c->d->hvm && hvm_vcpu_held(c->d, v->id))
		return hvm_vcpu_hold(c->d, v->id, false);
	if (v->online)
		return 0;
	if (!v->initialised)
		return -EINVAL;
	v->online = true;
	if (!v->parked)
		return 1;
	v->parked = false;
	/* The registers it parked with are stale from now on (a save reads
	 * them only while it is parked). */
	c->d->vcpu_regs_valid &= ~(1u << v->id);
	c->d->engine->reply(c->d, v->id, 0);
	return 0;
}

/* A vCPU takes itself down (Linux does so from play_dead); an hvm vCPU
 * may take another one down too (Linux's resume does, xen_vcpu_restore):
 * an online one is held where it is, one the guest never started (waiting
 * for SIPI) is down already. */
static int64_t vo_down(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	if (v->id != c->vcpu && c->d->hvm)
		return v->online ? hvm_vcpu_hold(c->d, v->id, true) : 0;
	if (v->id != c->vcpu)
		return -EOPNOTSUPP;
	v->online = false;
	v->parked = true;
	return HC_NO_REPLY;
}

static int64_t vo_is_up(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	return v->online;
}

static int64_t vo_runstate(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	struct vcpu_runstate_info rs = { 0 };

	rs.state = v->online ? (v->blocked ? RUNSTATE_blocked : RUNSTATE_running)
			     : RUNSTATE_offline;
	rs.state_entry_time = c->d->create_ns;
	rs.time[RUNSTATE_running] = c->d->engine->cpu_time(c->d);
	return guest_copy_to(c->d, arg, &rs, sizeof(rs));
}

static int64_t vo_set_periodic(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;

	if (guest_copy_from(c->d, arg, &t, sizeof(t)) < 0)
		return -EFAULT;
	return timer_periodic_set(v, t.period_ns);
}

static int64_t vo_stop_periodic(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	return timer_periodic_set(v, 0);
}

static int64_t vo_set_singleshot(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;

	if (guest_copy_from(c->d, arg, &t, sizeof(t)) < 0)
		return -EFAULT;
	if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < timer_system_time())
		return -ETIME;
	timer_singleshot_set(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
	return 0;
}

static int64_t vo_stop_singleshot(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	timer_singleshot_set(v, 0);
	return 0;
}

/* Move the vCPU's vcpu_info to (mfn, offset), copying its contents. */
static int64_t vo_register_vcpu_info(struct hcall *c, struct vcpu *v, uint64_t arg)
{
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old = vcpu_info_of(v), *new;
	uint64_t paddr, frame;

	if (guest_copy_from(c->d, arg, &r, sizeof(r)) < 0)
		return -EFAULT;
	/* an hvm guest names a guest frame: RAM above 4 GiB is 1 GiB lower in the memfd */
	frame = c->d->hvm ? hvm_gfn_frame(c->d->mem.ram_frames, r.mfn) : r.mfn;
	if (r.offset > 4096 - sizeof(struct vcpu_info) || r.rsvd || frame >= c->d->mem.ram_frames)
		return -EINVAL;
	paddr = (frame << 12) + r.offset;
	new = memory_phys(&c->d->mem, paddr, sizeof(*new));
	if (!new)
		return -EINVAL;
	memmove(new, old, sizeof(*new));
	v->vcpu_info_paddr = paddr;
	evtchn_offers_revoke(c->d);  /* dom0's EVTCHN_DIRECT named the old place */
	return 0;
}

static const vcpu_handler vcpu_ops[] = {
	[VCPUOP_initialise] = vo_initialise,
	[VCPUOP_up] = vo_up,
	[VCPUOP_down] = vo_down,
	[VCPUOP_is_up] = vo_is_up,
	[VCPUOP_get_runstate_info] = vo_runstate,
	[VCPUOP_set_periodic_timer] = vo_set_periodic,
	[VCPUOP_stop_periodic_timer] = vo_stop_periodic,
	[VCPUOP_set_singleshot_timer] = vo_set_singleshot,
	[VCPUOP_stop_singleshot_timer] = vo_stop_singleshot,
	[VCPUOP_register_vcpu_info] = vo_register_vcpu_info,
};

int64_t hc_vcpu_op(struct hcall *c)
{
	uint64_t cmd = c->arg[0], id = c->arg[1];

	if (id >= c->d->max_vcpus)
		return -ENOENT;
	if (cmd >= sizeof(vcpu_ops) / sizeof(vcpu_ops[0]) || !vcpu_ops[cmd])
		return -ENOSYS;
	return vcpu_ops[cmd](c, &c->d->vcpus[id], c->arg[2]);
}

int64_t hc_set_timer_op(struct hcall *c)
{
	timer_singleshot_set(&c->d->vcpus[c->vcpu], c->arg[0]);
	return 0;
}
