/* bench: the guest half of bench/hv_bench. The command line says what to
 * time; results are "result: NS" lines in guest system time (pvclock).
 *   null N        N in-shim hypercalls (xen_version(XENVER_version))
 *   fwd N         N hypercalls answered by vmhv (xen_version(pagesize))
 *   loop N        bench_loop(N)
 *   ping PORT N   N event round trips: send on PORT, block for the answer
 *   pong PORT N D bind to domain D's PORT, say "ready", echo N events
 *   mmu512 N      N mmu_update calls of 512 PTEs each (a 2 MiB region
 *                 remapped to its frames shifted by one, and back)
 *   uvm N         N update_va_mapping calls (one page, two frames in turn)
 *   fault N       N #PF -> trap handler -> iret round trips
 */
#include "bench_loop.h"
#include "tg.h"

static struct shared_info *shared;
static start_info_t *si;
static volatile unsigned long faults;

void tg_trap_14(void);

void tg_event_handler(void)
{
}

/* A #PF from fault_loop(): skip its 3-byte load. */
void tg_trap_handler(unsigned long vec, unsigned long err, unsigned long *frame)
{
	faults++;
	frame[0] += 3;
}

static uint64_t system_time(void)
{
	return tg_system_time(&shared->vcpu_info[0].time);
}

/* The n-th space-separated word of s as a number. */
static unsigned long word_num(const char *s, int n)
{
	unsigned long v = 0;

	while (n-- > 0) {
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	return v;
}

/* Wait for an event on `port` with events masked (poll), then clear it. */
static void wait_port(evtchn_port_t port)
{
	struct sched_poll p = { .nr_ports = 1, .timeout = 0 };
	unsigned long bit = 1ul << (port % 64);

	set_xen_guest_handle(p.ports, &port);
	while (!(__atomic_load_n(&shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit))
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &p);
	__atomic_fetch_and(&shared->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST);
}

static void pingpong(unsigned long port, unsigned long n, int first)
{
	struct evtchn_send s = { .port = (evtchn_port_t)port };

	for (unsigned long i = 0; i < n; i++) {
		if (first) {
			hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s);
			wait_port(s.port);
		} else {
			wait_port(s.port);
			hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s);
		}
	}
}

/* Events arrive by polling with the ports masked (no upcalls). */
static void port_mask(unsigned long port)
{
	__atomic_fetch_or(&shared->evtchn_mask[port / 64], 1ul << (port % 64), __ATOMIC_SEQ_CST);
}

/* The pong side binds, forgets the event Xen raises on binding, and tells
 * the ping side it is ready. */
static unsigned long pong_bind(const char *cmd)
{
	struct evtchn_bind_interdomain b = {
		.remote_dom = (domid_t)word_num(cmd, 3), .remote_port = (evtchn_port_t)word_num(cmd, 1),
	};
	struct evtchn_send s;

	if (hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain, &b) < 0)
		tg_shutdown(SHUTDOWN_crash);
	port_mask(b.local_port);
	__atomic_fetch_and(&shared->evtchn_pending[b.local_port / 64],
			   ~(1ul << (b.local_port % 64)), __ATOMIC_SEQ_CST);
	s.port = b.local_port;
	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &s);
	return b.local_port;
}

#define REGION_VA 0x40200000ul     /* frames 512..1023 of a 4 MiB guest */
#define REGION_FRAME 512ul

/* The machine address of the L1 table mapping the region (the boot tree
 * maps its own tables read-only at 0x40000000 + frame). */
static uint64_t region_l1(void)
{
	uint64_t frame = (si->pt_base - 0x40000000ul) >> 12;

	for (int shift = 39; shift >= 21; shift -= 9)
		frame = (((volatile uint64_t *)(0x40000000ul + (frame << 12)))
				 [(REGION_VA >> shift) & 511] >> 12) & 0xffffffffffull;
	return frame << 12;
}

static void mmu_loop(unsigned long n)
{
	static struct mmu_update u[2][512];
	uint64_t l1 = region_l1();

	for (unsigned k = 0; k < 2; k++)
		for (unsigned i = 0; i < 512; i++)
			u[k][i] = (struct mmu_update){ l1 + i * 8,
						       ((REGION_FRAME + (i + k) % 512) << 12) | 7 };
	for (unsigned long i = 0; i < n; i++)
		if (hypercall5(__HYPERVISOR_mmu_update, (long)u[(i + 1) & 1], 512, 0, DOMID_SELF, 0))
			tg_shutdown(SHUTDOWN_crash);
}

static void uvm_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (hypercall3(__HYPERVISOR_update_va_mapping, REGION_VA,
			       ((REGION_FRAME + ((i + 1) & 1)) << 12) | 7, 0))
			tg_shutdown(SHUTDOWN_crash);
}

/* The page at REGION_VA is unmapped: each load faults. */
static void fault_loop(unsigned long n)
{
	static struct trap_info traps[] = { { 14, 0, 0xe033, (unsigned long)tg_trap_14 },
					    { 0, 0, 0, 0 } };

	hypercall2(__HYPERVISOR_set_trap_table, traps, 0);
	hypercall3(__HYPERVISOR_update_va_mapping, REGION_VA, 0, 0);
	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("movq (%%rdi), %%rax" : : "D"(REGION_VA) : "rax", "memory");
}

void guest_main(start_info_t *start, unsigned long boot_sp)
{
	const char *cmd = (const char *)start->cmd_line;
	unsigned long n = word_num(cmd, 1), port = 0;
	uint64_t t0, t1;

	si = start;
	shared = (struct shared_info *)(0x40000000ul + si->shared_info);
	if (tg_has_word(cmd, "pong")) {
		n = word_num(cmd, 2);
		port = pong_bind(cmd);
	} else if (tg_has_word(cmd, "ping")) {
		n = word_num(cmd, 2);
		port = word_num(cmd, 1);
		port_mask(port);
		wait_port((evtchn_port_t)port); /* the pong side is ready */
	}
	t0 = system_time();
	if (tg_has_word(cmd, "null"))
		for (unsigned long i = 0; i < n; i++)
			hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0);
	else if (tg_has_word(cmd, "fwd"))
		for (unsigned long i = 0; i < n; i++)
			hypercall2(__HYPERVISOR_xen_version, XENVER_pagesize, 0);
	else if (tg_has_word(cmd, "loop"))
		bench_loop(n);
	else if (tg_has_word(cmd, "mmu512"))
		mmu_loop(n);
	else if (tg_has_word(cmd, "uvm"))
		uvm_loop(n);
	else if (tg_has_word(cmd, "fault"))
		fault_loop(n);
	else if (port)
		pingpong(port, n, tg_has_word(cmd, "ping"));
	t1 = system_time();
	if (tg_has_word(cmd, "fault") && faults != n)
		tg_shutdown(SHUTDOWN_crash);
	tg_report("result", (long)(t1 - t0));
	tg_shutdown(SHUTDOWN_poweroff);
}
