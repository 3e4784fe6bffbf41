/* smp: secondary vCPUs as Xen starts them. vCPU 0 gives each secondary a
 * context (VCPUOP_initialise) and brings it up; each wakes on its own IPI
 * event channel, takes itself down, and vCPU 1 comes back when vCPU 0
 * brings it up again (its VCPUOP_down returns). Prints "name: value". */
#include "tg.h"

#include <vmctl/xen/vcpu.h>

#define NCPUS 4

extern void smp_entry(void);
__asm__(".text\n.globl smp_entry\nsmp_entry:\n\tcall smp_main\n\tud2\n");

static struct shared_info *shared;
static unsigned char stacks[NCPUS][16384] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile int arrived, woken, back;
static evtchn_port_t ipi[NCPUS];

static void poll_port(evtchn_port_t port)
{
	struct sched_poll p = { .nr_ports = 1 };
	unsigned long bit = 1ul << (port % 64);

	set_xen_guest_handle(p.ports, &port);
	while (!(__atomic_load_n(&shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit))
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &p);
	__atomic_fetch_and(&shared->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST);
}

/* A secondary vCPU: %rdi = its id, %rsi = its IPI port. */
void smp_main(unsigned long id, unsigned long port)
{
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	poll_port((evtchn_port_t)port);
	__atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
	hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_down, id, 0);
	/* Only vCPU 1 is brought back. */
	__atomic_fetch_add(&back, (int)id, __ATOMIC_SEQ_CST);
	hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_down, id, 0);
	for (;;)
		;
}

static void wait_for(volatile int *v, int want)
{
	while (__atomic_load_n(v, __ATOMIC_SEQ_CST) < want)
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

static long vcpu_up(unsigned id)
{
	struct evtchn_bind_ipi b = { .vcpu = id };
	long rc = hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, &b);

	if (rc < 0)
		return rc;
	ipi[id] = b.port;
	shared->evtchn_mask[b.port / 64] |= 1ul << (b.port % 64);
	memset(&ctx, 0, sizeof(ctx));
	ctx.user_regs.rip = (unsigned long)smp_entry;
	ctx.user_regs.rsp = (unsigned long)(stacks[id] + sizeof(stacks[id]) - 8);
	ctx.user_regs.rdi = id;
	ctx.user_regs.rsi = b.port;
	rc = hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id, &ctx);
	return rc < 0 ? rc : hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, id, 0);
}

static void wait_down(unsigned id)
{
	while (hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, id, 0) != 0)
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	long rc = 0;

	shared = (struct shared_info *)(0x40000000ul + si->shared_info);
	tg_puts("smp guest\n");
	tg_report("up_without_context", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0));
	for (unsigned id = 1; id < NCPUS; id++)
		rc |= vcpu_up(id);
	tg_report("vcpus_started", rc);
	wait_for(&arrived, NCPUS - 1);
	tg_report("secondaries_running", arrived);
	tg_report("vcpu3_is_up", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 3, 0));
	tg_report("initialise_running", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 2, &ctx));
	for (unsigned id = 1; id < NCPUS; id++) {
		struct evtchn_send s = { .port = ipi[id] };

		hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s);
	}
	wait_for(&woken, NCPUS - 1);
	tg_report("secondaries_woken", woken);
	for (unsigned id = 1; id < NCPUS; id++)
		wait_down(id);
	tg_report("all_down", 1);
	tg_report("vcpu1_up_again", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0));
	wait_for(&back, 1);
	tg_report("vcpu1_resumed_after_down", back);
	tg_shutdown(SHUTDOWN_poweroff);
}
