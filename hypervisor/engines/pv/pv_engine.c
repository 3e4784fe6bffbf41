/* The native pv engine (placeholder until the sandbox loader lands): a
 * domain "runs" without executing anything. */
#include "hypervisor/engines/engine.h"

#include "hypervisor/domain.h"

static int pv_start(struct domain *d)
{
	return 0;
}

static void pv_pause(struct domain *d)
{
}

static void pv_unpause(struct domain *d)
{
}

static void pv_stop(struct domain *d)
{
}

static unsigned long long pv_cpu_time(struct domain *d)
{
	return 0;
}

const struct engine_ops pv_engine_ops = {
	.name = "pv",
	.start = pv_start,
	.pause = pv_pause,
	.unpause = pv_unpause,
	.stop = pv_stop,
	.cpu_time = pv_cpu_time,
};
