#include "hypervisor/timer.h"

#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"
#include "common/util.h"

#include <errno.h>
#include <vmctl/xen/xen.h>

#define TIMER_MIN_PERIOD_NS 50000ull /* Xen refuses shorter periods */

uint64_t timer_system_time(void)
{
	return now_ns();
}

static void singleshot_fired(void *arg)
{
	struct vcpu *v = arg;

	evtchn_send_virq(v->d, v->id, VIRQ_TIMER);
}

static void periodic_fired(void *arg)
{
	struct vcpu *v = arg;

	evtchn_send_virq(v->d, v->id, VIRQ_TIMER);
}

static void poll_expired(void *arg)
{
	struct vcpu *v = arg;

	if (v->blocked)
		vcpu_kick(v);
}

void vcpu_timers_init(struct vcpu *v)
{
	struct evloop *loop = v->d->hv->loop;

	hrtimer_init(&v->singleshot, loop, singleshot_fired, v);
	hrtimer_init(&v->periodic, loop, periodic_fired, v);
	hrtimer_init(&v->poll_timer, loop, poll_expired, v);
}

void vcpu_timers_stop(struct vcpu *v)
{
	hrtimer_dispose(&v->singleshot);
	hrtimer_dispose(&v->periodic);
	hrtimer_dispose(&v->poll_timer);
}

/* A guest's deadline of 0 cancels; anything else arms (the past = now). */
static void oneshot_set(struct hrtimer *t, uint64_t deadline_ns)
{
	if (!deadline_ns)
		hrtimer_cancel(t);
	else
		hrtimer_arm(t, deadline_ns, 0);
}

void timer_singleshot_set(struct vcpu *v, uint64_t deadline_ns)
{
	oneshot_set(&v->singleshot, deadline_ns);
}

void timer_poll_set(struct vcpu *v, uint64_t deadline_ns)
{
	oneshot_set(&v->poll_timer, deadline_ns);
}

int timer_periodic_set(struct vcpu *v, uint64_t period_ns)
{
	if (period_ns && period_ns < TIMER_MIN_PERIOD_NS)
		return -EINVAL;
	v->periodic_ns = period_ns;
	if (!period_ns) {
		hrtimer_cancel(&v->periodic);
		return 0;
	}
	return hrtimer_arm(&v->periodic, timer_system_time() + period_ns, period_ns);
}
