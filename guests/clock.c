/* pvclock and one-shot timers. */
#include "kernel.h"
#include "hypercall.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Scale a TSC delta to ns: shift first (right if negative), then multiply
 * by the 32.32 fixed-point factor. */
static uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

static uint64_t pvclock_read(const volatile struct vcpu_time_info *t)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = t->version;
		rmb();
		ns = t->system_time +
		     pvclock_scale(rdtsc() - t->tsc_timestamp,
				   t->tsc_to_system_mul, t->tsc_shift);
		rmb();
	} while ((version & 1) || version != t->version);
	return ns;
}

uint64_t time_now(struct kernel *k)
{
	struct cpu *cpu = cpu_self();

	if (!cpu->vcpu_info)
		return 0;
	return pvclock_read(&cpu->vcpu_info->time);
}

uint64_t time_wall(struct kernel *k, uint32_t *nsec)
{
	volatile struct shared_info *sh = k->shared;
	uint32_t version, sec, sec_hi, ns;
	uint64_t now;

	do {
		version = sh->wc_version;
		rmb();
		sec = sh->wc_sec;
		sec_hi = sh->wc_sec_hi;
		ns = sh->wc_nsec;
		now = time_now(k);
		rmb();
	} while ((version & 1) || version != sh->wc_version);
	now += ((uint64_t)sec_hi << 32 | sec) * NSEC_PER_SEC + ns;
	if (nsec)
		*nsec = (uint32_t)(now % NSEC_PER_SEC);
	return now / NSEC_PER_SEC;
}

static void timer_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	k->clk.fired++;
}

int time_init(struct kernel *k)
{
	struct cpu *cpu = cpu_self();

	return events_bind_virq(k, VIRQ_TIMER, cpu->id, timer_event, NULL,
				&cpu->timer_port);
}

void time_program(struct kernel *k, uint64_t deadline)
{
	struct clock *c = &k->clk;

	if (c->programmed && c->programmed <= time_now(k))
		c->programmed = 0;	/* already fired */
	if (c->list && (!deadline || c->list->deadline < deadline))
		deadline = c->list->deadline;
	if (!deadline || deadline == c->programmed)
		return;
	c->programmed = deadline;
	/* set_timer_op is the one-shot every PV guest has; Xen fires at
	 * once when the deadline is already past. */
	hv_set_timer_op(deadline);
}

void timer_cancel(struct kernel *k, struct timer *t)
{
	struct timer **pp = &k->clk.list;

	if (!t->armed)
		return;
	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	t->armed = false;
}

void timer_arm(struct kernel *k, struct timer *t, uint64_t deadline)
{
	struct timer **pp = &k->clk.list;

	timer_cancel(k, t);
	t->deadline = deadline;
	while (*pp && (*pp)->deadline <= deadline)
		pp = &(*pp)->next;
	t->next = *pp;
	*pp = t;
	t->armed = true;
	time_program(k, 0);
}

bool time_poll(struct kernel *k)
{
	struct clock *c = &k->clk;
	uint64_t now = time_now(k);
	bool ran = false;

	if (c->programmed && c->programmed <= now)
		c->programmed = 0;
	while (c->list && c->list->deadline <= now) {
		struct timer *t = c->list;

		c->list = t->next;
		t->armed = false;
		t->fn(k, t->arg);
		ran = true;
		now = time_now(k);
	}
	time_program(k, 0);
	return ran;
}
