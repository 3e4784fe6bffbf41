/* Start of day: from start_info to a running main loop. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"
#include "modes.h"
#include "vmctl/xen/version.h"

/* The one kernel instance, and vCPU 0's stack (its struct cpu at the base). */
static struct kernel the_kernel;
char boot_stack[STACK_SIZE] __attribute__((aligned(STACK_SIZE)));

unsigned long kernel_start_info_mfn(struct kernel *k)
{
	return mm_virt_to_mfn(k, k->si);
}

static void map_shared_info(struct kernel *k)
{
	unsigned long mfn = k->si->shared_info >> PAGE_SHIFT;

	/* Xen gives a machine address of a frame it owns, which a PV
	 * kernel maps itself; an engine may instead place it inside our
	 * pseudo-physical memory. */
	k->shared = mm_mfn_to_virt(k, mfn);
	if (!k->shared)
		k->shared = mm_map_foreign(k, mfn);
	if (!k->shared)
		panic("cannot map shared_info (machine address 0x%lx)",
		      k->si->shared_info);
}

static void banner(struct kernel *k)
{
	long ver = hv_xen_version(XENVER_version, NULL);
	struct start_info *si = k->si;

	printk("vmctl PV kernel %s\n", KERNEL_VERSION);
	printk("hypervisor: %s, xen %ld.%ld\n", si->magic, ver >> 16,
	       ver & 0xffff);
	printk("memory: %lu MiB (%lu pages, %lu free), vcpus: %u\n",
	       si->nr_pages >> (20 - PAGE_SHIFT), si->nr_pages,
	       k->mm.free_pages, k->smp.possible);
	printk("command line: %s\n", (const char *)si->cmd_line);
}

static void init_devices(struct kernel *k)
{
	int rc = gnttab_init(k);

	if (rc < 0)
		printk("gnttab: not available (%d)\n", rc);
	rc = -ENODEV;
	if (options_get_num(&k->opt, "xenbus", 1))
		rc = xenbus_init(k, options_get_num(&k->opt, "xenbus-wait", 5) *
				    NSEC_PER_SEC);
	if (rc < 0) {
		printk("xenbus: not available (%d)%s\n", rc, rc == -ETIMEDOUT ?
		       ": xenstore does not answer" : "");
		return;
	}
	rc = control_init(k);
	if (rc < 0)
		printk("control: not available (%d)\n", rc);
	rc = balloon_init(k);
	if (rc < 0)
		printk("balloon: not available (%d)\n", rc);
	if (k->smp.possible > 1 && smp_watch(k) < 0)
		printk("smp: cannot watch cpu/ (no vcpu-set)\n");
	k->dev.hotplug = options_get_num(&k->opt, "hotplug", 1) != 0;
	if (options_get_num(&k->opt, "devices", 1) && k->gt.nr_frames)
		devices_probe(k);
}

static void init_core(struct kernel *k, unsigned long boot_sp)
{
	struct cpu *cpu = k->cpus[0];
	int rc;

	if (strncmp(k->si->magic, "xen-3.0-x86_64", 14) != 0)
		panic("unexpected start_info magic '%.32s'", k->si->magic);
	rc = mm_init(k, boot_sp);
	if (rc < 0)
		panic("memory setup failed (%d)", rc);
	map_shared_info(k);
	cpu->vcpu_info = &k->shared->vcpu_info[0];
	traps_init(k);
	rc = events_init(k);
	if (rc < 0)	/* go on: polling still works, blocking does not */
		printk("events: cannot register the upcall (%d)\n", rc);
	rc = time_init(k);
	if (rc < 0)
		printk("time: no timer event channel (%d)\n", rc);
	k->boot_ns = time_now(k);
	events_restore(cpu, 0);		/* the builder left events masked */
}

bool kernel_poll(struct kernel *k)
{
	bool did = false;

	did |= time_poll(k);
	did |= console_poll(k);
	did |= xenbus_poll(k);
	did |= devices_poll(k);
	did |= control_poll(k);
	if (k->mode_poll)
		did |= k->mode_poll(k);
	return did;
}

void start_kernel(struct start_info *si, unsigned long boot_sp)
{
	struct kernel *k = &the_kernel;
	struct cpu *cpu = (struct cpu *)boot_stack;
	const char *mode;

	cpu->k = k;
	k->cpus[0] = cpu;
	k->si = si;
	si->cmd_line[MAX_GUEST_CMDLINE - 1] = '\0';
	options_parse(&k->opt, (const char *)si->cmd_line);
	init_core(k, boot_sp);
	if (console_ring_init(k, options_get(&k->opt, "console", "ring")) < 0)
		printk("console: no ring, using the hypervisor console\n");
	smp_init(k, (unsigned int)options_get_num(&k->opt, "smp", 0));
	banner(k);
	init_devices(k);
	mode = options_get(&k->opt, "mode", "shell");
	if (modes_start(k, mode) < 0) {
		printk("unknown mode '%s'; starting the shell\n", mode);
		modes_start(k, "shell");
	}
	for (;;)
		if (!kernel_poll(k))
			sched_idle(k);
}
