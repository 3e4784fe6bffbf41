/* Idle, waiting and shutdown. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"

void sched_idle(struct kernel *k)
{
	struct cpu *cpu = cpu_self();
	unsigned long flags = events_save(cpu);

	/* With events masked, a handler that ran before this point has set
	 * cpu->wake; one that is due now stays pending, and SCHEDOP_block
	 * (which unmasks) returns at once for it. */
	if (!cpu->wake)
		hv_sched_op(SCHEDOP_block, NULL);
	cpu->wake = false;
	events_restore(cpu, flags);
}

int sched_wait(struct kernel *k, bool (*cond)(struct kernel *k, void *arg),
	       void *arg, uint64_t timeout_ns)
{
	uint64_t deadline = timeout_ns ? time_now(k) + timeout_ns : 0;

	while (!cond(k, arg)) {
		if (deadline && time_now(k) >= deadline)
			return -ETIMEDOUT;
		time_program(k, deadline);
		sched_idle(k);
	}
	return 0;
}

static bool deadline_passed(struct kernel *k, void *arg)
{
	return time_now(k) >= *(uint64_t *)arg;
}

void sched_sleep(struct kernel *k, uint64_t ns)
{
	uint64_t deadline = time_now(k) + ns;

	sched_wait(k, deadline_passed, &deadline, ns + 1);
}

void sched_poll_port(struct kernel *k, evtchn_port_t port, uint64_t deadline)
{
	struct sched_poll poll = { .nr_ports = 1, .timeout = deadline };
	evtchn_port_t ports[1] = { port };

	set_xen_guest_handle(poll.ports, ports);
	events_clear(k, port);
	if (hv_sched_op(SCHEDOP_poll, &poll) < 0)
		hv_sched_op(SCHEDOP_yield, NULL);
}

void sched_shutdown(struct kernel *k, unsigned int reason)
{
	for (;;) {
		hv_shutdown(reason, 0);
		/* Still here: the hypervisor refused.  Nothing else to do. */
		hv_sched_op(SCHEDOP_block, NULL);
	}
}
