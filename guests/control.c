/* control/shutdown: xl writes "poweroff", "reboot" or "suspend" there and
 * waits for the guest to write "" back; then the guest does it. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"

#define SHUTDOWN_NODE "control/shutdown"
#define SUSPEND_EVTCHN_NODE "device/suspend/event-channel"

void control_halt(struct kernel *k, unsigned int reason)
{
	printk("%s\n", reason == SHUTDOWN_reboot ? "rebooting" : "powering off");
	sched_shutdown(k, reason);
}

static void remap_shared_info(struct kernel *k)
{
	unsigned long mfn = k->si->shared_info >> PAGE_SHIFT;

	mm_window_reset(k);
	k->shared = mm_mfn_to_virt(k, mfn);
	if (!k->shared)
		k->shared = mm_map_foreign(k, mfn);
	if (!k->shared)
		panic("resume: cannot map shared_info");
	for (unsigned int id = 0; id < MAX_CPUS; id++)
		if (k->cpus[id])
			k->cpus[id]->vcpu_info = &k->shared->vcpu_info[id];
}

/* Everything that lived in the old domain's hypervisor state is gone:
 * shared_info, event channels, grant table, rings may all have moved.
 * First the parts that need only hypercalls, with events still masked
 * (vcpu_info itself may have moved)... */
static void resume_core(struct kernel *k)
{
	remap_shared_info(k);
	events_reset(k);
	if (events_init(k) < 0)
		panic("resume: cannot register the event callback");
	k->clk.programmed = 0;
	time_init(k);
	console_ring_init(k, options_get(&k->opt, "console", "ring"));
}

/* ...then, with events on, what waits for answers from the backends. */
static void resume_devices(struct kernel *k)
{
	if (xenbus_resume(k) < 0)
		printk("resume: xenbus did not come back\n");
	if (gnttab_resume(k) < 0)
		printk("resume: no grant table\n");
	devices_resume(k, true);
}

static void suspend_notified(struct kernel *k, evtchn_port_t port, void *arg)
{
	(void)port, (void)arg;
	__atomic_store_n(&k->ctl.suspend_asked, true, __ATOMIC_RELEASE); /* noted only */
}

/* A fresh port for dom0 and its number in xenstore (at start, and in each
 * new domain: the old port did not move with it). Best effort: without
 * it the toolstack uses control/shutdown. */
static void suspend_evtchn_setup(struct kernel *k)
{
	char num[16];

	k->ctl.suspend_port = 0;
	if (events_alloc_unbound(k, 0, &k->ctl.suspend_port) < 0 ||
	    events_bind(k, k->ctl.suspend_port, suspend_notified, NULL) < 0) {
		k->ctl.suspend_port = 0;
		return;
	}
	snprintf(num, sizeof(num), "%u", k->ctl.suspend_port);
	xenbus_write(k, XBT_NIL, SUSPEND_EVTCHN_NODE, num);
}

bool control_poll(struct kernel *k)
{
	if (!__atomic_exchange_n(&k->ctl.suspend_asked, false, __ATOMIC_ACQ_REL))
		return false;
	printk("control: suspend requested on the event channel\n");
	control_suspend(k);
	return true;
}

int control_suspend(struct kernel *k)
{
	struct cpu *cpu = cpu_self();
	unsigned long flags;
	long rc;

	printk("suspending\n");
	if (smp_suspend(k) < 0) {
		printk("suspend: a vCPU did not stop; not suspending\n");
		smp_resume(k, false);
		return -EBUSY;
	}
	devices_suspend(k);
	xenbus_suspend(k);
	flags = events_save(cpu);
	rc = hv_shutdown(SHUTDOWN_suspend, kernel_start_info_mfn(k));
	if (rc == 0)
		resume_core(k);
	events_restore(cpu, flags);
	smp_resume(k, rc == 0);
	if (rc == 0) {
		resume_devices(k);
		suspend_evtchn_setup(k);
		k->ctl.suspends++;
	} else {
		/* Cancelled (SUSPEND_CANCEL): the old domain goes on, with
		 * its channels and backends intact. */
		xenbus_resume_cancelled(k);
		devices_resume(k, false);
		k->ctl.cancelled++;
	}
	printk("resumed (%s)\n", rc == 0 ? "new domain" : "suspend cancelled");
	if (k->ctl.on_resume)
		k->ctl.on_resume(k, k->ctl.on_resume_arg);
	return rc == 0 ? 0 : 1;
}

static void shutdown_changed(struct kernel *k, struct xenbus_watch *w,
			     const char *path)
{
	char req[32];

	if (xenbus_read(k, XBT_NIL, SHUTDOWN_NODE, req, sizeof(req)) <= 0)
		return;		/* gone or empty: nothing asked */
	printk("control: shutdown request '%s'\n", req);
	xenbus_write(k, XBT_NIL, SHUTDOWN_NODE, "");	/* the ack xl waits for */
	if (strcmp(req, "poweroff") == 0 || strcmp(req, "halt") == 0)
		control_halt(k, SHUTDOWN_poweroff);
	else if (strcmp(req, "reboot") == 0)
		control_halt(k, SHUTDOWN_reboot);
	else if (strcmp(req, "suspend") == 0)
		control_suspend(k);
	else
		printk("control: unknown request ignored\n");
}

int control_init(struct kernel *k)
{
	static const char *const features[] = {
		"control/feature-poweroff", "control/feature-reboot",
		"control/feature-suspend",
	};
	struct xenbus_watch *w = &k->ctl.watch;

	for (size_t i = 0; i < ARRAY_SIZE(features); i++)
		xenbus_write(k, XBT_NIL, features[i], "1");	/* best effort */
	strlcpy(w->path, SHUTDOWN_NODE, sizeof(w->path));
	w->fn = shutdown_changed;
	suspend_evtchn_setup(k);
	return xenbus_watch(k, w);
}
