#include "hypervisor/timer.h"

#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/util.h"

#include <errno.h>
#include <vmctl/xen/xen.h>

#define TIMER_MIN_PERIOD_NS 50000ull /* Xen refuses shorter periods */

uint64_t timer_system_time(void)
{
	return now_ns();
}

static void singleshot_fired(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct vcpu *v = arg;

	v->singleshot = NULL; /* one-shot timers free themselves */
	evtchn_send_virq(v->d, v->id, VIRQ_TIMER);
}

static void periodic_fired(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct vcpu *v = arg;

	evtchn_send_virq(v->d, v->id, VIRQ_TIMER);
}

static void poll_expired(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct vcpu *v = arg;

	v->poll_timer = NULL;
	if (v->blocked)
		vcpu_kick(v);
}

static void oneshot_arm(struct vcpu *v, struct ev_timer **slot, uint64_t deadline_ns,
			ev_timer_cb cb)
{
	struct evloop *loop = v->d->hv->loop;
	uint64_t now = timer_system_time();

	if (*slot)
		evloop_timer_cancel(loop, *slot);
	*slot = NULL;
	if (!deadline_ns)
		return;
	*slot = evloop_timer(loop, deadline_ns > now ? deadline_ns - now : 1, 0, cb, v);
}

void timer_singleshot_set(struct vcpu *v, uint64_t deadline_ns)
{
	oneshot_arm(v, &v->singleshot, deadline_ns, singleshot_fired);
}

void timer_poll_set(struct vcpu *v, uint64_t deadline_ns)
{
	oneshot_arm(v, &v->poll_timer, deadline_ns, poll_expired);
}

int timer_periodic_set(struct vcpu *v, uint64_t period_ns)
{
	struct evloop *loop = v->d->hv->loop;

	if (period_ns && period_ns < TIMER_MIN_PERIOD_NS)
		return -EINVAL;
	if (v->periodic)
		evloop_timer_cancel(loop, v->periodic);
	v->periodic = NULL;
	v->periodic_ns = period_ns;
	if (period_ns)
		v->periodic = evloop_timer(loop, period_ns, period_ns, periodic_fired, v);
	return 0;
}
