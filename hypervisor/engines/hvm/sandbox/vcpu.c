/* One vCPU thread: run the soft CPU and act on its exits. An AP waits for
 * INIT/SIPI from another vCPU's LAPIC before it runs. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUN_BUDGET 50000   /* instructions between timer checks (~0.5 ms) */

const struct cpu_io_ops hvm_cpu_ops = {
	.pio = hvm_pio,
	.mmio = hvm_mmio,
	.cpuid = xen_cpuid,
	.msr = xen_msr,
	.inta = irq_inta,
};

/* Sleep until hvm_wake() or `deadline` (0: none); `seen` is the wake count
 * read before the caller decided to sleep. */
static void vcpu_sleep(struct hvm_vcpu *v, unsigned seen, uint64_t deadline)
{
	struct timespec ts, *tp = NULL;
	uint64_t now = hvm_now();

	if (deadline) {
		uint64_t d = deadline > now ? deadline - now : 0;

		ts.tv_sec = (time_t)(d / 1000000000ull);
		ts.tv_nsec = (long)(d % 1000000000ull);
		tp = &ts;
	}
	if (deadline && deadline <= now)
		return;
	syscall(SYS_futex, &v->wake, FUTEX_WAIT_PRIVATE, seen, tp, NULL, 0);
}

/* INIT: back to the reset state, waiting for a SIPI. */
static void vcpu_init(struct hvm_vcpu *v)
{
	if (v->id == 0)
		return;   /* the BSP ignores INIT here (no reset through INIT) */
	cpu_reset(v->cpu);
	atomic_store(&v->state, VCPU_WAIT_SIPI);
}

/* SIPI with vector V: real mode at V:0000. */
static void vcpu_sipi(struct hvm_vcpu *v, int vector)
{
	struct cpu_state st;

	cpu_get_state(v->cpu, &st);
	st.seg[SEG_CS].sel = (uint16_t)(vector << 8);
	st.seg[SEG_CS].base = (uint64_t)vector << 12;
	st.rip = 0;
	cpu_set_state(v->cpu, &st);
	atomic_store(&v->state, VCPU_RUNNING);
}

/* Under the lock, as the LAPICs send INIT and SIPI: an INIT and the SIPI
 * after it are seen together and in order (seen apart, the SIPI could be
 * taken first and the INIT then reset the started AP: SeaBIOS's CPU count
 * hung so, 3 boots of 20). */
static bool vcpu_wait_sipi(struct hvm_vcpu *v)
{
	unsigned seen = atomic_load(&v->wake);
	bool was, run;
	int vec;

	pthread_mutex_lock(&v->h->lock);
	was = atomic_load(&v->state) == VCPU_RUNNING;
	if (atomic_exchange(&v->init_pending, false))
		vcpu_init(v);
	vec = atomic_exchange(&v->sipi_vector, -1);
	if (vec >= 0 && atomic_load(&v->state) == VCPU_WAIT_SIPI &&
	    !(atomic_load(&v->h->absent) >> v->id & 1))   /* not plugged in: deaf */
		vcpu_sipi(v, vec);
	run = atomic_load(&v->state) == VCPU_RUNNING;
	pthread_mutex_unlock(&v->h->lock);
	/* vmhv counts the APs the guest runs (xl list, xl vcpu-list) */
	if (v->id && run != was)
		hvm_note(v->h, run ? HVM_NOTE_VCPU_UP : HVM_NOTE_VCPU_DOWN, v->id, 0, NULL, 0);
	if (!run)
		vcpu_sleep(v, seen, 0);
	return run;
}

static void vcpu_crash(struct hvm_vcpu *v, const char *msg)
{
	struct cpu_state st;

	cpu_get_state(v->cpu, &st);
	hvm_note(v->h, HVM_NOTE_CRASH, v->id, st.rip, msg, strlen(msg));
}

/* The vCPU is dead (the domain shuts down): wait to be killed. */
static void vcpu_park(struct hvm_vcpu *v)
{
	for (;;)
		vcpu_sleep(v, atomic_load(&v->wake), 0);
}

static void vcpu_exit(struct hvm_vcpu *v, struct cpu_exit *ex, unsigned seen)
{
	struct cpu_state st;
	uint64_t deadline;

	switch (ex->reason) {
	case CPU_EXIT_IO:
		hvm_pio_exit(v, &ex->io);
		break;
	case CPU_EXIT_MMIO:
		hvm_mmio_exit(v, &ex->mmio);
		break;
	case CPU_EXIT_HYPERCALL:
		xen_hypercall(v);
		break;
	case CPU_EXIT_HALT:
		pthread_mutex_lock(&v->h->lock);
		deadline = lapic_tick(v, hvm_now());
		pthread_mutex_unlock(&v->h->lock);
		vcpu_sleep(v, seen, deadline);
		break;
	case CPU_EXIT_SHUTDOWN:
		cpu_get_state(v->cpu, &st);
		hvm_note(v->h, HVM_NOTE_TRIPLE_FAULT, v->id, st.rip, NULL, 0);
		vcpu_park(v);
		break;
	case CPU_EXIT_INTERNAL:
		vcpu_crash(v, ex->msg ? ex->msg : "internal error");
		vcpu_park(v);
		break;
	case CPU_EXIT_FAULT:
		vcpu_crash(v, "unexpected fault exit");
		vcpu_park(v);
		break;
	default:
		break;
	}
}

void hvm_vcpus_absent(struct hvm *h, uint64_t absent)
{
	uint64_t was = atomic_load(&h->absent);
	unsigned present = 0;

	absent &= ~1ull;                    /* the boot vCPU stays */
	atomic_store(&h->absent, absent);
	for (uint32_t i = 0; i < h->boot.max_vcpus; i++) {
		struct hvm_vcpu *v = &h->vcpus[i];

		if (!(absent >> i & 1))
			present++;
		else if (!(was >> i & 1) && atomic_load(&v->state) == VCPU_RUNNING)
			lapic_init_ipi(v);          /* ejected: waits for a SIPI again */
	}
	h->rtc.cmos[0x5f] = (uint8_t)(present - 1);   /* SeaBIOS's CPU count */
}

void hvm_vcpu_down(struct hvm *h, uint32_t id, bool down)
{
	struct hvm_vcpu *v;

	if (id >= h->boot.max_vcpus)
		return;   /* vmhv checked it: nothing to do */
	v = &h->vcpus[id];
	atomic_store(&v->down, down);
	if (down) {
		cpu_kick(v->cpu);   /* out of its block at the next boundary */
		hvm_wake(v);        /* out of HLT or a wait for SIPI */
	} else {
		syscall(SYS_futex, &v->down, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

/* Held by VCPUOP_down: the vCPU counts as frozen while it waits (a save
 * takes its state as it is, as Xen keeps a down vCPU's context). */
static void vcpu_down_point(struct hvm_vcpu *v)
{
	if (!atomic_load(&v->down))
		return;
	hvm_park_begin(v);
	while (atomic_load(&v->down))
		syscall(SYS_futex, &v->down, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	hvm_park_end(v);
}

void hvm_vcpus_report(struct hvm *h)
{
	for (uint32_t i = 1; i < h->boot.max_vcpus; i++)
		if (atomic_load(&h->vcpus[i].state) == VCPU_RUNNING)
			hvm_note(h, HVM_NOTE_VCPU_UP, i, 0, NULL, 0);
}

void *hvm_vcpu_main(void *arg)
{
	struct hvm_vcpu *v = arg;
	struct cpu_exit ex;

	hvm_gate_wait();
	for (;;) {
		unsigned seen;

		hvm_freeze_point(v);
		vcpu_down_point(v);

		if (atomic_load(&v->init_pending) || atomic_load(&v->state) != VCPU_RUNNING) {
			if (!vcpu_wait_sipi(v))
				continue;
		}
		seen = atomic_load(&v->wake);
		pthread_mutex_lock(&v->h->lock);
		lapic_tick(v, hvm_now());
		pthread_mutex_unlock(&v->h->lock);
		pvhvm_poll(v);
		cpu_run(v->cpu, RUN_BUDGET, &ex);
		vcpu_exit(v, &ex, seen);
	}
	return NULL;
}
