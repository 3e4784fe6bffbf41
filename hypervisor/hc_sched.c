/* sched_op: yield, block, shutdown and friends. The pv engine runs each vCPU
 * as a host thread, so yield is the host's business and costs nothing here. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/timer.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"

#include <stdbool.h>

#include <errno.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/event_channel.h>

typedef int64_t (*sched_handler)(struct hcall *c);

static int64_t sched_yield_op(struct hcall *c)
{
	return 0;
}

/* The sandbox already enabled events; sleep until one is deliverable. */
static int64_t sched_block(struct hcall *c)
{
	return vcpu_block(&c->d->vcpus[c->vcpu]);
}

#define POLL_PORTS_MAX 128

static bool poll_any_pending(struct hcall *c, const struct sched_poll *p)
{
	struct shared_info *sh = memory_phys(&c->d->mem,
					     memory_shared_info_pfn(&c->d->mem) << 12,
					     sizeof(*sh));

	for (uint32_t i = 0; i < p->nr_ports; i++) {
		evtchn_port_t port;

		if (guest_copy_from(c->d, (uint64_t)(uintptr_t)p->ports.p + 4 * i, &port, 4) < 0 ||
		    port >= EVTCHN_NR_PORTS)
			return true; /* a bad port ends the poll, as -EINVAL would */
		if (__atomic_load_n(&sh->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) &
		    (1ul << (port % 64)))
			return true;
	}
	return false;
}

/* Sleep until one of the ports is pending (masked or not) or the timeout. */
static int64_t sched_poll(struct hcall *c)
{
	struct vcpu *v = &c->d->vcpus[c->vcpu];
	struct sched_poll p;

	if (guest_copy_from(c->d, c->arg[1], &p, sizeof(p)) < 0)
		return -EFAULT;
	if (p.nr_ports > POLL_PORTS_MAX)
		return -EINVAL;
	if (poll_any_pending(c, &p) || vcpu_event_pending(v))
		return 0;
	if (p.timeout && p.timeout <= timer_system_time())
		return 0;
	v->blocked = true;
	v->poll_deadline_ns = p.timeout ? p.timeout : UINT64_MAX;
	if (p.timeout)
		timer_poll_set(v, p.timeout);
	return HC_NO_REPLY;
}

static int64_t sched_shutdown(struct hcall *c)
{
	struct sched_shutdown s;

	if (guest_copy_from(c->d, c->arg[1], &s, sizeof(s)) < 0)
		return -EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
	if (s.reason == SHUTDOWN_suspend)
		domain_suspend(c->d, c->vcpu);
	else
		domain_shutdown(c->d, s.reason);
	return HC_NO_REPLY;
}

static int64_t sched_shutdown_code(struct hcall *c)
{
	struct sched_shutdown s;

	if (guest_copy_from(c->d, c->arg[1], &s, sizeof(s)) < 0)
		return -EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
	c->d->shutdown_code = s.reason;
	return 0;
}

/* Only dom0 may shut other domains down, and dom0 is not a vmhv domain. */
static int64_t sched_remote_shutdown(struct hcall *c)
{
	return -EPERM;
}

static const sched_handler sched_ops[] = {
	[SCHEDOP_yield] = sched_yield_op,
	[SCHEDOP_block] = sched_block,
	[SCHEDOP_shutdown] = sched_shutdown,
	[SCHEDOP_poll] = sched_poll,
	[SCHEDOP_remote_shutdown] = sched_remote_shutdown,
	[SCHEDOP_shutdown_code] = sched_shutdown_code,
};

int64_t hc_sched_op(struct hcall *c)
{
	uint64_t cmd = c->arg[0];

	if (cmd >= sizeof(sched_ops) / sizeof(sched_ops[0]) || !sched_ops[cmd])
		return -ENOSYS;
	return sched_ops[cmd](c);
}
