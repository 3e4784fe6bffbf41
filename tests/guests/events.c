/* events: the pv engine's event, time, trap and memory interfaces, each
 * checked from inside a guest. Prints "name: value" lines that
 * tests/hv/pv_events_test.sh compares with what Xen would answer. */
#include "tg.h"

#include <vmctl/xen/callback.h>
#include <vmctl/xen/event_channel.h>
#include <vmctl/xen/features.h>
#include <vmctl/xen/grant_table.h>
#include <vmctl/xen/memory.h>
#include <vmctl/xen/vcpu.h>

void tg_event_entry(void);
void tg_trap_3(void);
void tg_trap_6(void);
void tg_trap_14(void);

static struct shared_info *shared;
static start_info_t *si;
static volatile unsigned long events_seen, ports_seen[4], traps_seen[32];
static volatile unsigned long last_cr2, last_pf_err;
static unsigned char window[4096] __attribute__((aligned(4096)));

#define PORT_BIT(p) (1ul << ((p) % 64))

/* Xen's 2-level scan: take the selector, then each word's pending &
 * ~mask bits, clearing what we handle. */
void tg_event_handler(void)
{
	struct vcpu_info *vi = &shared->vcpu_info[0];
	unsigned long sel;

	vi->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned w = (unsigned)__builtin_ctzl(sel);
		unsigned long bits = shared->evtchn_pending[w] & ~shared->evtchn_mask[w];

		sel &= sel - 1;
		while (bits) {
			unsigned b = (unsigned)__builtin_ctzl(bits);
			unsigned port = w * 64 + b;

			bits &= bits - 1;
			__atomic_fetch_and(&shared->evtchn_pending[w], ~PORT_BIT(port), __ATOMIC_SEQ_CST);
			if (port < 4 * 64)
				ports_seen[port / 64] |= PORT_BIT(port);
			events_seen++;
		}
	}
}

struct trap_frame { unsigned long rip, cs, rflags, rsp, ss; };

void tg_trap_handler(unsigned long vec, unsigned long err, struct trap_frame *f)
{
	traps_seen[vec]++;
	if (vec == 6)
		f->rip += 2;            /* ud2 */
	if (vec == 14) {
		last_cr2 = shared->vcpu_info[0].arch.cr2;
		last_pf_err = err;
		f->rip += 6;            /* movl $1,(%rax) */
	}
}

static uint64_t system_time(void)
{
	return tg_system_time(&shared->vcpu_info[0].time);
}

static long evtchn(int cmd, void *arg)
{
	return hypercall2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static int seen(unsigned port)
{
	return (ports_seen[port / 64] & PORT_BIT(port)) != 0;
}

static void check_callbacks_and_traps(void)
{
	static struct trap_info traps[] = {
		{ 3, 0, 0xe033, (unsigned long)tg_trap_3 },
		{ 6, 0, 0xe033, (unsigned long)tg_trap_6 },
		{ 14, 0, 0xe033, (unsigned long)tg_trap_14 },
		{ 0, 0, 0, 0 },
	};
	struct callback_register cb = { .type = CALLBACKTYPE_event,
					.address = (unsigned long)tg_event_entry };
	volatile unsigned long *bad = (volatile unsigned long *)0x10;

	tg_report("callback_register", hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb));
	tg_report("set_trap_table", hypercall2(__HYPERVISOR_set_trap_table, traps, 0));
	__asm__ volatile("int3");
	tg_report("trap3_handled", traps_seen[3]);
	__asm__ volatile("ud2");
	tg_report("trap6_handled", traps_seen[6]);
	__asm__ volatile("movl $1, (%0)" : : "r"(bad) : "memory");
	tg_report("trap14_handled", traps_seen[14]);
	tg_report("trap14_cr2", (long)last_cr2);
	tg_report("trap14_write", (last_pf_err & 2) != 0);
}

static void check_version(void)
{
	struct xen_feature_info fi = { .submap_idx = 0 };
	char extra[16];

	tg_report("xen_version", hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0));
	tg_report("get_features", hypercall2(__HYPERVISOR_xen_version, XENVER_get_features, &fi));
	tg_report("feature_writable_descriptor_tables",
		  (fi.submap >> XENFEAT_writable_descriptor_tables) & 1);
	tg_report("feature_mmu_pt_update_preserve_ad",
		  (fi.submap >> XENFEAT_mmu_pt_update_preserve_ad) & 1);
	tg_report("feature_writable_page_tables", (fi.submap >> XENFEAT_writable_page_tables) & 1);
	tg_report("extraversion", hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion, extra));
	tg_report("version_bad_cmd", hypercall2(__HYPERVISOR_xen_version, 99, 0));
	tg_report("unknown_hypercall", hypercall2(60, 0, 0));
	{
		static struct multicall_entry mc[3] = {
			{ .op = __HYPERVISOR_xen_version, .args = { XENVER_version } },
			{ .op = __HYPERVISOR_xen_version, .args = { XENVER_pagesize } },
			{ .op = 61 },
		};

		tg_report("multicall", hypercall2(__HYPERVISOR_multicall, mc, 3));
		tg_report("multicall_results", mc[0].result == 0x40011 && mc[1].result == 4096 &&
			  (long)mc[2].result == -38);
	}
	tg_report("bad_pointer", hypercall2(__HYPERVISOR_xen_version, XENVER_extraversion, 8));
}

static void check_time(void)
{
	uint64_t t1 = system_time(), t2;

	for (volatile int i = 0; i < 100000; i++)
		;
	t2 = system_time();
	tg_report("time_advances", t2 > t1);
	tg_report("time_plausible", t1 > 1000000ull);
	tg_report("wallclock_after_2020", shared->wc_sec > 1577836800u);
}

static void check_evtchn(void)
{
	struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct evtchn_send sd;
	struct evtchn_close cl = { .port = 4095 };

	tg_report("alloc_unbound", evtchn(EVTCHNOP_alloc_unbound, &au));
	bi.remote_port = au.port;
	tg_report("bind_interdomain", evtchn(EVTCHNOP_bind_interdomain, &bi));
	tg_report("ports_differ", bi.local_port != au.port && au.port != 0);
	st.port = au.port;
	tg_report("status", evtchn(EVTCHNOP_status, &st));
	tg_report("status_interdomain", st.status == EVTCHNSTAT_interdomain &&
		  st.u.interdomain.port == bi.local_port);
	tg_report("close_unused_port", evtchn(EVTCHNOP_close, &cl));
	/* Enable events, then send: the upcall comes on the way back. */
	shared->vcpu_info[0].evtchn_upcall_mask = 0;
	sd.port = au.port;
	tg_report("send", evtchn(EVTCHNOP_send, &sd));
	tg_report("event_delivered", seen(bi.local_port));
	sd.port = bi.local_port;
	evtchn(EVTCHNOP_send, &sd);
	tg_report("event_delivered_back", seen(au.port));
	/* A masked port stays pending until unmasked. */
	ports_seen[au.port / 64] = 0;
	shared->evtchn_mask[au.port / 64] |= PORT_BIT(au.port);
	evtchn(EVTCHNOP_send, &sd);
	tg_report("masked_not_delivered", !seen(au.port));
	struct evtchn_unmask um = { .port = au.port };
	tg_report("unmask", evtchn(EVTCHNOP_unmask, &um));
	tg_report("delivered_on_unmask", seen(au.port));
}

static void check_timers(void)
{
	struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct vcpu_set_periodic_timer pt = { .period_ns = 2000000 };
	struct evtchn_bind_virq dup = { .virq = VIRQ_TIMER, .vcpu = 0 };
	struct sched_poll poll;
	evtchn_port_t port;
	unsigned long before;
	int ticks = 0;

	tg_report("bind_virq_timer", evtchn(EVTCHNOP_bind_virq, &bv));
	tg_report("bind_virq_twice", evtchn(EVTCHNOP_bind_virq, &dup));
	uint64_t deadline = system_time() + 300000;

	/* Events off until block turns them on (atomically, as on Xen), or a
	 * timer firing before the block would be taken and the block would
	 * wait forever. */
	shared->vcpu_info[0].evtchn_upcall_mask = 1;
	tg_report("set_timer_op", hypercall2(__HYPERVISOR_set_timer_op, deadline, 0));
	tg_report("block", hypercall2(__HYPERVISOR_sched_op, SCHEDOP_block, 0));
	tg_report("timer_fired", seen(bv.port));
	tg_report("timer_not_early", system_time() >= deadline);
	tg_report("periodic", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, &pt));
	while (ticks < 3) {
		before = events_seen;
		shared->vcpu_info[0].evtchn_upcall_mask = 1;
		hypercall2(__HYPERVISOR_sched_op, SCHEDOP_block, 0);
		ticks += events_seen > before;
	}
	tg_report("periodic_ticks", ticks);
	hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0);
	port = bv.port;
	shared->evtchn_mask[port / 64] |= PORT_BIT(port);
	set_xen_guest_handle(poll.ports, &port);
	poll.nr_ports = 1;
	poll.timeout = system_time() + 2000000;
	tg_report("poll_timeout", hypercall2(__HYPERVISOR_sched_op, SCHEDOP_poll, &poll));
	tg_report("poll_after_deadline", system_time() >= poll.timeout);
	tg_report("vcpu0_is_up", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0));
	tg_report("vcpu1_is_up", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0));
	tg_report("vcpu_bad", hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 99, 0));
}

static void check_memory(void)
{
	domid_t self = DOMID_SELF;
	struct { uint64_t addr, size; uint32_t type; } __attribute__((packed)) e820;
	struct xen_memory_map map = { .nr_entries = 1 };
	struct gnttab_setup_table gs = { .dom = DOMID_SELF, .nr_frames = 1 };
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	xen_pfn_t frame = 0;

	tg_report("current_reservation",
		  hypercall2(__HYPERVISOR_memory_op, XENMEM_current_reservation, &self) ==
		  (long)si->nr_pages);
	set_xen_guest_handle(map.buffer, &e820);
	tg_report("memory_map", hypercall2(__HYPERVISOR_memory_op, XENMEM_memory_map, &map));
	tg_report("memory_map_ram", e820.type == 1 && e820.addr == 0 &&
		  e820.size == si->nr_pages * 4096);
	set_xen_guest_handle(gs.frame_list, &frame);
	tg_report("gnttab_setup", hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &gs, 1));
	tg_report("gnttab_status", gs.status);
	tg_report("gnttab_frame_after_shared_info", frame == (si->shared_info >> 12) + 1);
	hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_query_size, &qs, 1);
	tg_report("gnttab_nr_frames", qs.nr_frames);
	{
		static char a[4096] __attribute__((aligned(4096)));
		static char b[4096] __attribute__((aligned(4096)));
		struct gnttab_copy cp = {
			.source = { .u.gmfn = ((unsigned long)a - 0x40000000ul) >> 12,
				    .domid = DOMID_SELF, .offset = 8 },
			.dest = { .u.gmfn = ((unsigned long)b - 0x40000000ul) >> 12,
				  .domid = DOMID_SELF, .offset = 16 },
			.len = 5,
		};

		memcpy(a + 8, "grant", 5);
		hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, &cp, 1);
		tg_report("gnttab_copy_status", cp.status);
		tg_report("gnttab_copy_data", b[16] == 'g' && b[20] == 't');
		cp.flags = GNTCOPY_source_gref;
		cp.source.u.ref = 100;
		cp.source.domid = 0;
		hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, &cp, 1);
		tg_report("gnttab_copy_bad_ref", cp.status);
		cp.flags = 0;
		cp.source.domid = DOMID_SELF;
		cp.len = 4090;
		hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_copy, &cp, 1);
		tg_report("gnttab_copy_crossing", cp.status);
	}
}

static void check_mapping(void)
{
	unsigned long va = (unsigned long)window;
	uint64_t pte = (si->shared_info & ~0xffful) | 7;
	volatile struct shared_info *w = (volatile struct shared_info *)window;

	tg_report("update_va_mapping", hypercall3(__HYPERVISOR_update_va_mapping, va, pte, 0));
	w->arch.nmi_reason = 0x1234;
	tg_report("window_aliases_shared_info", shared->arch.nmi_reason == 0x1234);
	tg_report("unmap", hypercall3(__HYPERVISOR_update_va_mapping, va, 0, 0));
	/* As on Xen, the page is gone until the window's own frame goes back. */
	hypercall3(__HYPERVISOR_update_va_mapping, va, ((va - 0x40000000ul) & ~0xffful) | 7, 0);
	tg_report("flat_page_back", w->arch.nmi_reason == 0);
	tg_report("map_bad_frame", hypercall3(__HYPERVISOR_update_va_mapping, va,
					      (1ull << 40) | 7, 0));
}

/* Bad arguments get Xen's errors, never a crash. */
static void check_bad_arguments(void)
{
	struct evtchn_send closed = { .port = 4095 };
	struct evtchn_alloc_unbound other = { .dom = 5, .remote_dom = 0 };
	struct evtchn_bind_interdomain nobody = { .remote_dom = 999, .remote_port = 1 };
	struct gnttab_setup_table gs = { .dom = 5, .nr_frames = 1 };
	struct vcpu_set_singleshot_timer past = { .timeout_abs_ns = 1,
						  .flags = VCPU_SSHOTTMR_future };
	struct vcpu_set_periodic_timer fast = { .period_ns = 1000 };
	struct callback_register cb = { .type = 9, .address = 0x40001000 };
	struct sched_shutdown weird = { .reason = 77 };
	domid_t five = 5;
	xen_domain_handle_t handle;
	long raw;

	tg_report("bad_sched_op", hypercall2(__HYPERVISOR_sched_op, 99, 0));
	tg_report("bad_console_op", hypercall3(__HYPERVISOR_console_io, 7, 0, 0));
	tg_report("console_bad_pointer", hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, 4, 16));
	tg_report("bad_evtchn_op", hypercall2(__HYPERVISOR_event_channel_op, 99, 0));
	tg_report("send_closed_port", hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &closed));
	tg_report("alloc_unbound_for_other", hypercall2(__HYPERVISOR_event_channel_op,
							EVTCHNOP_alloc_unbound, &other));
	tg_report("bind_missing_domain", hypercall2(__HYPERVISOR_event_channel_op,
						    EVTCHNOP_bind_interdomain, &nobody));
	tg_report("reservation_of_other", hypercall2(__HYPERVISOR_memory_op,
						     XENMEM_current_reservation, &five));
	tg_report("bad_memory_op", hypercall2(__HYPERVISOR_memory_op, 15, 0));
	tg_report("bad_grant_op", hypercall3(__HYPERVISOR_grant_table_op, 99, 0, 0));
	hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &gs, 1);
	tg_report("grant_setup_other", gs.status);
	tg_report("bad_vcpu_op", hypercall3(__HYPERVISOR_vcpu_op, 99, 0, 0));
	tg_report("singleshot_in_past", hypercall3(__HYPERVISOR_vcpu_op,
						   VCPUOP_set_singleshot_timer, 0, &past));
	tg_report("periodic_too_fast", hypercall3(__HYPERVISOR_vcpu_op,
						  VCPUOP_set_periodic_timer, 0, &fast));
	tg_report("guest_handle", hypercall2(__HYPERVISOR_xen_version, XENVER_guest_handle, handle));
	tg_report("trap_table_bad_pointer", hypercall2(__HYPERVISOR_set_trap_table, 8, 0));
	tg_report("callback_bad_type", hypercall2(__HYPERVISOR_callback_op, CALLBACKOP_register, &cb));
	/* Xen ignores the low bits of va: this maps frame 0 where it is. */
	tg_report("map_unaligned", hypercall3(__HYPERVISOR_update_va_mapping, 0x40000123, 7, 0));
	tg_report("multicall_bad_list", hypercall2(__HYPERVISOR_multicall, 8, 1));
	tg_report("shutdown_bad_reason", hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &weird));
	tg_report("remote_shutdown", hypercall2(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &weird));
	__asm__ volatile("syscall" : "=a"(raw) : "a"(17L), "D"(0L) : "rcx", "r11", "memory");
	tg_report("raw_syscall_is_hypercall", raw);
}

void guest_main(start_info_t *start, unsigned long boot_sp)
{
	si = start;
	shared = (struct shared_info *)(0x40000000ul + si->shared_info);
	tg_puts("events guest\n");
	check_version();
	check_callbacks_and_traps();
	check_time();
	check_evtchn();
	check_timers();
	check_memory();
	check_mapping();
	check_bad_arguments();
	tg_puts("done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
