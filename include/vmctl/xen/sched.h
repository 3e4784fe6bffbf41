/*
 * Scheduler operations: HYPERVISOR_sched_op(cmd, arg) with SCHEDOP_*.
 * Shutdown reasons (SHUTDOWN_*) are also what the toolstack reports.
 */
#ifndef VMCTL_XEN_SCHED_H
#define VMCTL_XEN_SCHED_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/event_channel.h>

#define SCHEDOP_yield           0	/* give up the CPU; arg unused */
#define SCHEDOP_block           1	/* sleep until an event is pending */
#define SCHEDOP_shutdown        2	/* struct sched_shutdown */
#define SCHEDOP_poll            3	/* struct sched_poll */
#define SCHEDOP_remote_shutdown 4	/* struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5	/* struct sched_shutdown: record reason only */
#define SCHEDOP_watchdog        6	/* struct sched_watchdog */
#define SCHEDOP_pin_override    7	/* struct sched_pin_override */

#define SHUTDOWN_poweroff   0
#define SHUTDOWN_reboot     1
#define SHUTDOWN_suspend    2	/* saved; state kept for resume */
#define SHUTDOWN_crash      3
#define SHUTDOWN_watchdog   4	/* watchdog expired */
#define SHUTDOWN_soft_reset 5	/* reset without rebuilding the domain */
#define SHUTDOWN_MAX        5

/* Stop the calling domain for `reason`. */
struct sched_shutdown {
	unsigned int reason;	/* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;
XEN_ABI_SIZE(struct sched_shutdown, 4);
XEN_ABI_OFFSET(struct sched_shutdown, reason, 0);

/* Block until one of `ports` is pending or `timeout` (system time ns, 0 = none). */
struct sched_poll {
	XEN_GUEST_HANDLE(evtchn_port_t) ports;
	unsigned int nr_ports;
	uint64_t timeout;
};
typedef struct sched_poll sched_poll_t;
XEN_ABI_SIZE(struct sched_poll, 24);
XEN_ABI_OFFSET(struct sched_poll, ports, 0);
XEN_ABI_OFFSET(struct sched_poll, nr_ports, 8);
XEN_ABI_OFFSET(struct sched_poll, timeout, 16);

/* Shut another domain down (privileged). */
struct sched_remote_shutdown {
	domid_t domain_id;
	unsigned int reason;	/* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;
XEN_ABI_SIZE(struct sched_remote_shutdown, 8);
XEN_ABI_OFFSET(struct sched_remote_shutdown, domain_id, 0);
XEN_ABI_OFFSET(struct sched_remote_shutdown, reason, 4);

/* Create (id 0), pet (id, timeout s) or destroy (timeout 0) a watchdog. */
struct sched_watchdog {
	uint32_t id;
	uint32_t timeout;
};
typedef struct sched_watchdog sched_watchdog_t;
XEN_ABI_SIZE(struct sched_watchdog, 8);
XEN_ABI_OFFSET(struct sched_watchdog, id, 0);
XEN_ABI_OFFSET(struct sched_watchdog, timeout, 4);

/* dom0 only: pin the calling vCPU to a physical CPU (-1 undoes it). */
struct sched_pin_override {
	int32_t pcpu;
};
typedef struct sched_pin_override sched_pin_override_t;
XEN_ABI_SIZE(struct sched_pin_override, 4);
XEN_ABI_OFFSET(struct sched_pin_override, pcpu, 0);

#endif
