/* sched_op: yield, block, shutdown and friends. The pv engine runs each vCPU
 * as a host thread, so yield is the host's business and costs nothing here. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/sched.h>

typedef int64_t (*sched_handler)(struct hcall *c);

static int64_t sched_yield_op(struct hcall *c)
{
	return 0;
}

/* Until event channels exist nothing can wake a blocked vCPU, so block
 * returns at once (as Xen does when an event is already pending). */
static int64_t sched_block(struct hcall *c)
{
	return 0;
}

static int64_t sched_shutdown(struct hcall *c)
{
	struct sched_shutdown s;

	if (guest_copy_from(c->d, c->arg[1], &s, sizeof(s)) < 0)
		return -EFAULT;
	if (s.reason > SHUTDOWN_MAX)
		return -EINVAL;
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
