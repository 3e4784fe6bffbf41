/* Secondary vCPUs.  Each gets a stack (struct cpu at its base), an IPI
 * event channel bound to it, and a context for VCPUOP_initialise that starts
 * it at smp_entry (boot.S) with our callbacks and trap table. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"

extern char smp_entry[], events_entry[], failsafe_entry[];

static void ipi_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	struct cpu *cpu = cpu_self();

	cpu->ipis++;
}

/* Sum 1..n scaled by (id + 1): enough work to see, easy to check. */
static uint64_t cpu_work(unsigned int id, uint64_t n)
{
	uint64_t sum = 0;

	for (uint64_t i = 1; i <= n; i++)
		sum += i * (id + 1);
	return sum;
}

/* Offline: VCPUOP_down on ourselves returns when VCPUOP_up wakes us, in
 * the same domain or, for a suspend, in the new one: the toolstack carried
 * our registers as we entered the call (docs/migration-stream.md). */
static void take_down(struct kernel *k, struct cpu *cpu)
{
	cpu->down_req = false;
	cpu->online = false;
	__atomic_fetch_sub(&k->smp.online, 1, __ATOMIC_SEQ_CST);
	printk("smp: vCPU %u down\n", cpu->id);
	hv_vcpu_op(VCPUOP_down, cpu->id, NULL);
	/* A new domain's vcpu_info starts masked; we ran with events on. */
	events_restore(cpu, 0);
	cpu->online = true;
	__atomic_fetch_add(&k->smp.online, 1, __ATOMIC_SEQ_CST);
	printk("smp: vCPU %u up again\n", cpu->id);
}

/* `cpus spin`: count until told to stop, and still answer a down (a
 * suspend) in the middle of it. The token lives in this frame only: a
 * vCPU restarted rather than resumed would publish a new one. */
static void spin_loop(struct kernel *k, struct cpu *cpu)
{
	volatile uint64_t token = time_now(k) | 1;

	cpu->spin_sp = (uint64_t)(unsigned long)&token;
	while (cpu->spin) {
		if (cpu->down_req)
			take_down(k, cpu);
		cpu->spin_token = token;
		cpu->spins++;
	}
}

void smp_spin(struct kernel *k, bool on)
{
	for (unsigned int id = 1; id < MAX_CPUS; id++) {
		if (!k->cpus[id] || !k->cpus[id]->online)
			continue;
		k->cpus[id]->spin = on;
		events_notify(k, k->cpus[id]->ipi_port);
	}
}

void smp_secondary_main(void)
{
	struct cpu *cpu = cpu_self();
	struct kernel *k = cpu->k;

	printk("smp: vCPU %u up\n", cpu->id);
	events_restore(cpu, 0);
	for (;;) {
		uint64_t n = __atomic_exchange_n(&cpu->work, 0, __ATOMIC_ACQ_REL);

		if (cpu->down_req) {
			take_down(k, cpu);
			continue;
		}
		if (cpu->spin) {
			spin_loop(k, cpu);
			continue;
		}
		if (n) {
			cpu->work_result = cpu_work(cpu->id, n);
			__atomic_fetch_add(&k->smp.done, 1, __ATOMIC_RELEASE);
			events_notify(k, k->cpus[0]->ipi_port);
			continue;
		}
		sched_idle(k);
	}
}

static void fill_context(struct kernel *k, struct vcpu_guest_context *ctx,
			 struct cpu *cpu)
{
	unsigned long top = (unsigned long)cpu + STACK_SIZE;
	unsigned long pt_pfn = (k->si->pt_base - PHYS_BASE) >> PAGE_SHIFT;

	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_in_kernel;
	ctx->user_regs.rip = (unsigned long)smp_entry;
	ctx->user_regs.rsp = top;
	ctx->user_regs.cs = FLAT_KERNEL_CS;
	ctx->user_regs.ss = FLAT_KERNEL_SS;
	ctx->user_regs.rflags = 0x200;	/* virtual IF; events stay masked */
	ctx->kernel_ss = FLAT_KERNEL_SS;
	ctx->kernel_sp = top;
	ctx->event_callback_eip = (unsigned long)events_entry;
	ctx->failsafe_callback_eip = (unsigned long)failsafe_entry;
	traps_fill(ctx->trap_ctxt);
	if (k->si->pt_base >= PHYS_BASE && pt_pfn < k->si->nr_pages)
		ctx->ctrlreg[3] = xen_pfn_to_cr3(mm_pfn_to_mfn(k, pt_pfn));
}

static int cpu_up(struct kernel *k, unsigned int id)
{
	struct vcpu_guest_context *ctx = NULL;
	struct cpu *cpu = k->cpus[id];
	long rc;

	if (!cpu) {
		cpu = mm_alloc_pages(k, STACK_SIZE / PAGE_SIZE, STACK_SIZE / PAGE_SIZE);
		if (!cpu)
			return -ENOMEM;
		cpu->k = k;
		cpu->id = id;
		k->cpus[id] = cpu;
	}
	cpu->vcpu_info = &k->shared->vcpu_info[id];
	rc = events_bind_ipi(k, id, ipi_event, NULL, &cpu->ipi_port);
	if (rc < 0)
		return (int)rc;
	ctx = mm_alloc_pages(k, 2, 1);	/* 5 KiB: too big for our stack */
	if (!ctx)
		return -ENOMEM;
	fill_context(k, ctx, cpu);
	rc = hv_vcpu_op(VCPUOP_initialise, id, ctx);
	cpu->online = rc == 0;
	if (rc == 0)
		rc = hv_vcpu_op(VCPUOP_up, id, NULL);
	mm_free_pages(k, ctx, 2);
	if (rc < 0)
		cpu->online = false;
	return (int)rc;
}

/* A parked vCPU whose context did not survive a move: initialise it again
 * (its IPI port is bound already) and count it online. */
static int cpu_restart(struct kernel *k, struct cpu *cpu)
{
	struct vcpu_guest_context *ctx = mm_alloc_pages(k, 2, 1);
	long rc;

	if (!ctx)
		return -ENOMEM;
	fill_context(k, ctx, cpu);
	cpu->online = true;
	__atomic_fetch_add(&k->smp.online, 1, __ATOMIC_SEQ_CST);
	rc = hv_vcpu_op(VCPUOP_initialise, cpu->id, ctx);
	if (rc == 0)
		rc = hv_vcpu_op(VCPUOP_up, cpu->id, NULL);
	mm_free_pages(k, ctx, 2);
	if (rc < 0) {
		cpu->online = false;
		__atomic_fetch_sub(&k->smp.online, 1, __ATOMIC_SEQ_CST);
	}
	return (int)rc;
}

static unsigned int count_vcpus(struct kernel *k)
{
	unsigned int n = 1;
	long rc;

	/* is_up answers 0 or 1 for each vCPU the domain has, an error
	 * beyond the last. */
	while (n < MAX_CPUS && (rc = hv_vcpu_op(VCPUOP_is_up, n, NULL)) >= 0)
		n++;
	if (rc == -ENOSYS)
		printk("smp: cannot count vCPUs (%ld)\n", rc);
	return n;
}

int smp_init(struct kernel *k, unsigned int want)
{
	struct smp *s = &k->smp;
	struct cpu *boot = k->cpus[0];
	int rc;

	s->possible = count_vcpus(k);
	s->online = 1;
	boot->online = true;
	rc = events_bind_ipi(k, 0, ipi_event, NULL, &boot->ipi_port);
	if (rc < 0)
		return rc;
	want = want ? MIN(want, s->possible) : s->possible;
	for (unsigned int id = 1; id < want; id++) {
		rc = cpu_up(k, id);
		if (rc < 0) {
			printk("smp: vCPU %u did not come up (%d)\n", id, rc);
			break;
		}
		s->online++;
	}
	return (int)s->online;
}

/* Every parked vCPU is really down: it cleared `online` before calling
 * VCPUOP_down, so ask the hypervisor too (an "up" sent before its "down"
 * would be lost and leave it down for good). */
static bool parked_down(struct kernel *k)
{
	for (unsigned int id = 1; id < MAX_CPUS; id++) {
		struct cpu *cpu = k->cpus[id];

		if (cpu && cpu->parked &&
		    (cpu->online || hv_vcpu_op(VCPUOP_is_up, id, NULL) != 0))
			return false;
	}
	return true;
}

int smp_suspend(struct kernel *k)
{
	for (unsigned int id = 1; id < MAX_CPUS; id++) {
		struct cpu *cpu = k->cpus[id];

		if (!cpu || !cpu->online)
			continue;
		cpu->parked = true;
		cpu->down_req = true;
		events_notify(k, cpu->ipi_port);
	}
	/* Going down sends us no event: look every millisecond. */
	for (int ms = 0; ms < 5000; ms++) {
		if (parked_down(k))
			return 0;
		sched_sleep(k, NSEC_PER_MSEC);
	}
	return -ETIMEDOUT;
}

int smp_resume(struct kernel *k, bool new_domain)
{
	int rc = 0;

	if (new_domain)
		rc = events_bind_ipi(k, 0, ipi_event, NULL, &k->cpus[0]->ipi_port);
	for (unsigned int id = 1; id < MAX_CPUS; id++) {
		struct cpu *cpu = k->cpus[id];

		if (!cpu || !cpu->parked)
			continue;
		cpu->parked = false;
		if (new_domain)	/* its channel did not survive the move */
			events_bind_ipi(k, id, ipi_event, NULL, &cpu->ipi_port);
		/* Parked in VCPUOP_down: up makes that call return, here or
		 * in the new domain (vmctl's toolstack carries every parked
		 * vCPU's registers, as Xen carries every vCPU's). */
		if (hv_vcpu_op(VCPUOP_up, id, NULL) == 0)
			continue;
		/* A toolstack that carried only the suspending vCPU's context
		 * (vmctl's before it carried every parked vCPU) leaves the
		 * others uninitialised: start them afresh, as Linux's CPU
		 * hotplug does. */
		if (new_domain && cpu_restart(k, cpu) == 0)
			continue;
		printk("smp: vCPU %u did not come back\n", id);
	}
	return rc;
}

static bool all_done(struct kernel *k, void *arg)
{
	return k->smp.done >= *(unsigned int *)arg;
}

static bool secondary_online(struct kernel *k, unsigned int id)
{
	return id > 0 && id < MAX_CPUS && k->cpus[id] && k->cpus[id]->online;
}

int smp_run_work(struct kernel *k, uint64_t n)
{
	struct smp *s = &k->smp;
	unsigned int want = 0;
	int ok = 0;

	s->done = 0;
	s->rounds++;
	for (unsigned int id = 1; id < MAX_CPUS; id++) {
		if (!secondary_online(k, id))
			continue;
		k->cpus[id]->work_result = 0;
		__atomic_store_n(&k->cpus[id]->work, n, __ATOMIC_RELEASE);
		events_notify(k, k->cpus[id]->ipi_port);
		want++;
	}
	sched_wait(k, all_done, &want, 10 * NSEC_PER_SEC);
	for (unsigned int id = 1; id < MAX_CPUS; id++)
		if (secondary_online(k, id) && k->cpus[id]->work_result == cpu_work(id, n))
			ok++;
	return ok;
}

/* Make vCPU id match its cpu/<id>/availability. */
static void apply_availability(struct kernel *k, unsigned long long id)
{
	char path[48], want[16];
	struct cpu *cpu;

	snprintf(path, sizeof(path), "cpu/%llu/availability", id);
	if (xenbus_read(k, XBT_NIL, path, want, sizeof(want)) < 0)
		return;
	cpu = k->cpus[id];
	if (strcmp(want, "online") == 0 && !(cpu && cpu->online)) {
		long rc;

		/* Still on its way down: an up now would be lost. */
		for (int ms = 0; cpu && ms < 1000 &&
		     hv_vcpu_op(VCPUOP_is_up, (unsigned int)id, NULL) > 0; ms++)
			sched_sleep(k, NSEC_PER_MSEC);
		rc = cpu ? hv_vcpu_op(VCPUOP_up, (unsigned int)id, NULL)
			 : cpu_up(k, (unsigned int)id);

		if (rc < 0)
			printk("smp: vCPU %llu did not come up (%ld)\n", id, rc);
		else if (!cpu)
			__atomic_fetch_add(&k->smp.online, 1, __ATOMIC_SEQ_CST);
	} else if (strcmp(want, "offline") == 0 && cpu && cpu->online) {
		cpu->down_req = true;
		events_notify(k, cpu->ipi_port);
	}
}

/* The watch fires for "cpu" itself once (look at every vCPU), then for
 * each cpu/<N>/availability written. */
static void availability_changed(struct kernel *k, struct xenbus_watch *w,
				 const char *path)
{
	unsigned long long id;
	const char *end;

	if (strcmp(path, "cpu") == 0) {
		for (id = 1; id < k->smp.possible; id++)
			apply_availability(k, id);
		return;
	}
	if (!str_starts(path, "cpu/"))
		return;
	id = strtoull(path + 4, &end, 10);
	if (end != path + 4 && strcmp(end, "/availability") == 0 && id > 0 &&
	    id < k->smp.possible)
		apply_availability(k, id);
}

int smp_watch(struct kernel *k)
{
	struct xenbus_watch *w = &k->smp.watch;

	strlcpy(w->path, "cpu", sizeof(w->path));
	w->fn = availability_changed;
	return xenbus_watch(k, w);
}
