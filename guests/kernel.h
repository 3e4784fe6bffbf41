/* The vmctl PV kernel's one context: struct kernel holds the state of every
 * subsystem and is passed first to their functions; struct cpu is the
 * per-vCPU part, found from the stack pointer (see layout.h). */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include "layout.h"
#include "lib.h"
#include "xerrno.h"
#include "vmctl/xen/xen.h"
#include "vmctl/xen/start_info.h"
#include "vmctl/xen/shared_info.h"
#include "vmctl/xen/event_channel.h"

#include "options.h"
#include "console.h"
#include "events.h"
#include "clock.h"
#include "mm.h"
#include "xenbus.h"
#include "gnttab.h"
#include "devices.h"
#include "control.h"
#include "smp.h"
#include "balloon.h"

#define KERNEL_VERSION "1.0"
#define MAX_CPUS 32	/* XEN_LEGACY_MAX_VCPUS: vcpu_info lives in shared_info */

struct cpu {
	struct kernel *k;
	unsigned int id;
	struct vcpu_info *vcpu_info;
	evtchn_port_t timer_port;
	evtchn_port_t ipi_port;
	volatile bool wake;		/* an event handler ran: re-poll */
	volatile unsigned long work;	/* IPI work request: n to sum, 0 = none */
	volatile bool online;		/* running (secondaries: between up and down) */
	volatile bool down_req;		/* asked to take itself down */
	bool parked;			/* taken down for a suspend */
	uint64_t upcalls;
	uint64_t ipis;
	uint64_t work_result;
	volatile bool spin;		/* `cpus spin`: count in a loop (smp_spin) */
	volatile uint64_t spins;	/* ... how far it counted */
	volatile uint64_t spin_token;	/* ... a value only its loop's stack holds */
	volatile uint64_t spin_sp;	/* ... where that stack is */
};

struct kernel {
	struct start_info *si;
	struct shared_info *shared;
	struct options opt;
	struct console con;
	struct events ev;
	struct clock clk;
	struct mm mm;
	struct xenbus xb;
	struct gnttab gt;
	struct devices dev;
	struct control ctl;
	struct smp smp;
	struct balloon bal;
	struct cpu *cpus[MAX_CPUS];
	/* the running mode's step, called from the main loop (modes.c) */
	bool (*mode_poll)(struct kernel *k);
	void *mode_state;
	uint64_t boot_ns;		/* system time when start_kernel ran */
};

static inline struct cpu *cpu_self(void)
{
	unsigned long sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu *)(sp & ~(unsigned long)(STACK_SIZE - 1));
}

#define barrier() __asm__ volatile("" ::: "memory")
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* x86 keeps loads ordered with loads and stores with stores. */
#define rmb() barrier()
#define wmb() barrier()

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void *phys_to_virt(unsigned long paddr)
{
	return (void *)(PHYS_BASE + paddr);
}

static inline unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - PHYS_BASE) >> PAGE_SHIFT;
}

/* A spinlock for the few structures that several vCPUs share. */
typedef struct { volatile int locked; } spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Print to the console (the hypervisor's early console until the ring is
 * up).  Usable from any vCPU and any context: the console is reached through
 * the current CPU, so callers need no context pointer. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Report a fatal condition and crash the domain (SHUTDOWN_crash). */
__attribute__((noreturn)) void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* Exception handling: installs the virtual IDT (set_trap_table). */
void traps_init(struct kernel *k);

/* The same handlers, written into a vcpu_guest_context's trap_ctxt. */
struct trap_info;
void traps_fill(struct trap_info ctxt[256]);

/* The start_info frame number, passed to SCHEDOP_shutdown(suspend). */
unsigned long kernel_start_info_mfn(struct kernel *k);

/* Run pending work once; returns true when something was done. */
bool kernel_poll(struct kernel *k);

#endif
