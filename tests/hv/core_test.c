/* Unit tests of vmhv's core without processes or sockets: 2-level event
 * channels (evtchn.c), grant checks (gnttab.c) and the hypercall
 * dispatcher (hypercall.c), on domains made directly. Guest memory is read
 * through vmhv's own mapping, where the guest would see it. */
#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"
#include "tests/tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/event_channel.h>
#include <vmctl/xen/grant_table.h>
#include <vmctl/xen/version.h>

static struct domain *mkdom(struct vmhv *hv, uint32_t vcpus)
{
	struct privcmd_domain_create req = { .max_vcpus = vcpus, .max_pages = 256 };
	struct domain *d = NULL;

	return domain_create(hv, &req, &d) == 0 ? d : NULL;
}

static struct shared_info *shinfo(struct domain *d)
{
	return memory_phys(&d->mem, memory_shared_info_pfn(&d->mem) << 12, sizeof(struct shared_info));
}

static int pending(struct domain *d, uint32_t port)
{
	return (shinfo(d)->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void test_evtchn(struct vmhv *hv)
{
	struct domain *a = mkdom(hv, 2), *b = mkdom(hv, 1);
	struct evtchn_status st = { .dom = DOMID_SELF };
	uint32_t pa = 0, pb = 0, pv = 0, pi = 0;
	struct vcpu_info *vi;

	ok(a && b, "two domains");
	is_int(evtchn_alloc_unbound(hv, a->domid, b->domid, &pa), 0, "alloc_unbound");
	ok(pa >= 1, "port 0 is never handed out (got %u)", pa);
	is_int(evtchn_bind_interdomain(hv, b->domid, a->domid, pa + 1, &pb), -EINVAL,
	       "binding a port that is not unbound fails");
	is_int(evtchn_bind_interdomain(hv, a->domid, a->domid, pa, &pb), -EINVAL,
	       "only the named remote domain may bind");
	is_int(evtchn_bind_interdomain(hv, b->domid, a->domid, pa, &pb), 0, "bind_interdomain");
	ok(pending(b, pb), "a new binding is raised at once, as on Xen");
	shinfo(b)->evtchn_pending[0] = 0;

	vi = &shinfo(a)->vcpu_info[0];
	vi->evtchn_upcall_mask = 0;
	is_int(evtchn_send(hv, b->domid, pb), 0, "send from b");
	ok(pending(a, pa), "pending in a");
	ok(vi->evtchn_pending_sel & (1ul << (pa / 64)), "selector bit set");
	is_int(vi->evtchn_upcall_pending, 1, "upcall pending");

	/* Masked: pending but no selector/upcall until unmask. */
	shinfo(a)->evtchn_pending[0] = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	shinfo(a)->evtchn_mask[0] |= 1ul << pa;
	evtchn_send(hv, b->domid, pb);
	ok(pending(a, pa) && !vi->evtchn_pending_sel && !vi->evtchn_upcall_pending,
	   "a masked port sets only its pending bit");
	is_int(evtchn_unmask(a, pa), 0, "unmask");
	ok(vi->evtchn_pending_sel && vi->evtchn_upcall_pending, "unmask raises the upcall");
	is_int(evtchn_unmask(a, 0), -EINVAL, "unmask port 0");
	is_int(evtchn_unmask(a, EVTCHN_NR_PORTS), -EINVAL, "unmask past the end");

	st.port = pa;
	is_int(evtchn_status_get(a, &st), 0, "status");
	is_int(st.status, EVTCHNSTAT_interdomain, "interdomain");
	is_int(st.u.interdomain.dom, b->domid, "peer domain");
	is_int(st.u.interdomain.port, pb, "peer port");
	st.dom = b->domid;
	is_int(evtchn_status_get(a, &st), -EPERM, "status of another domain's port");

	is_int(evtchn_bind_virq(a, VIRQ_TIMER, 1, &pv), 0, "bind VIRQ_TIMER on vCPU 1");
	is_int(evtchn_bind_virq(a, VIRQ_TIMER, 1, &pv), -EEXIST, "twice");
	is_int(evtchn_bind_virq(a, VIRQ_DOM_EXC, 1, &pi), -EINVAL, "a global VIRQ on vCPU 1");
	is_int(evtchn_bind_virq(a, 99, 0, &pi), -EINVAL, "an unknown VIRQ");
	is_int(evtchn_bind_virq(a, VIRQ_TIMER, 2, &pi), -EINVAL, "a vCPU the domain lacks");
	is_int(evtchn_send(hv, a->domid, pv), -EINVAL, "send on a VIRQ port");
	evtchn_send_virq(a, 1, VIRQ_TIMER);
	ok(pending(a, pv), "the VIRQ raises its port");
	ok(shinfo(a)->vcpu_info[1].evtchn_pending_sel, "on vCPU 1's selector");
	is_int(evtchn_bind_ipi(a, 5, &pi), -ENOENT, "IPI to a missing vCPU");
	is_int(evtchn_bind_ipi(a, 1, &pi), 0, "IPI port");
	is_int(evtchn_bind_vcpu(a, pi, 0), -EINVAL, "IPIs stay on their vCPU");
	is_int(evtchn_bind_vcpu(a, pa, 1), 0, "an interdomain port moves to vCPU 1");

	is_int(evtchn_close(hv, b->domid, pb), 0, "close b's end");
	st.dom = DOMID_SELF;
	st.port = pa;
	evtchn_status_get(a, &st);
	is_int(st.status, EVTCHNSTAT_unbound, "a's end becomes unbound");
	is_int(evtchn_close(hv, b->domid, pb), -EINVAL, "close twice");
	is_int(evtchn_send(hv, a->domid, pa), 0, "send on an unbound port is dropped");
	domain_destroy(b);
	domain_destroy(a);
}

static void test_gnttab(struct vmhv *hv)
{
	struct domain *d = mkdom(hv, 1);
	grant_entry_v1_t *g = memory_phys(&d->mem, memory_gnttab_pfn(&d->mem, 0) << 12, 4096);
	uint64_t frame = 0;

	g[3] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 7, .frame = 9 };
	g[4] = (grant_entry_v1_t){ .flags = GTF_permit_access | GTF_readonly, .domid = 7, .frame = 9 };
	g[5] = (grant_entry_v1_t){ .flags = GTF_permit_access, .domid = 7, .frame = 100000 };
	is_int(gnttab_resolve(d, 3, 7, true, &frame), GNTST_okay, "a write grant");
	is_int(frame, 9, "its frame");
	is_int(gnttab_resolve(d, 3, 8, false, &frame), GNTST_permission_denied, "another grantee");
	is_int(gnttab_resolve(d, 4, 7, true, &frame), GNTST_permission_denied, "read-only for writing");
	is_int(gnttab_resolve(d, 4, 7, false, &frame), GNTST_okay, "read-only for reading");
	is_int(gnttab_resolve(d, 5, 7, false, &frame), GNTST_bad_page, "a frame outside RAM");
	is_int(gnttab_resolve(d, 6, 7, false, &frame), GNTST_permission_denied, "an empty entry");
	is_int(gnttab_resolve(d, GNTTAB_NR_REFS, 7, false, &frame), GNTST_bad_gntref, "ref too big");
	is_int(gnttab_resolve(NULL, 3, 7, false, &frame), GNTST_bad_domain, "no domain");
	domain_destroy(d);
}

static void test_dispatch(struct vmhv *hv)
{
	struct domain *d = mkdom(hv, 1);
	struct hcall c = { .d = d };
	char *extra = memory_phys(&d->mem, 0x2000, 16);
	char log[256];
	uint64_t pos = 0;
	size_t n;

	c.nr = __HYPERVISOR_xen_version;
	c.arg[0] = XENVER_version;
	is_int(hypercall_dispatch(&c), (4 << 16) | 17, "xen_version 4.17");
	c.arg[0] = XENVER_extraversion;
	c.arg[1] = VMCTL_PV_FLAT_BASE + 0x2000;
	is_int(hypercall_dispatch(&c), 0, "extraversion into guest memory");
	is_str(extra, ".0-vmctl", "written where the guest reads it");
	c.arg[1] = 0x1000;
	is_int(hypercall_dispatch(&c), -EFAULT, "a pointer below the flat map");
	c.arg[1] = VMCTL_PV_FLAT_BASE + (d->mem.nr_frames << 12) - 4;
	is_int(hypercall_dispatch(&c), -EFAULT, "a buffer running off the end");
	c.nr = 60;
	is_int(hypercall_dispatch(&c), -ENOSYS, "an unknown hypercall");
	c.nr = 0xffffffff;
	is_int(hypercall_dispatch(&c), -ENOSYS, "a huge number");

	memcpy(memory_phys(&d->mem, 0x3000, 8), "hi\nthere", 8);
	c.nr = __HYPERVISOR_console_io;
	c.arg[0] = CONSOLEIO_write;
	c.arg[1] = 8;
	c.arg[2] = VMCTL_PV_FLAT_BASE + 0x3000;
	is_int(hypercall_dispatch(&c), 0, "console_io write");
	n = dmesg_read(&hv->dmesg, &pos, log, sizeof(log) - 1);
	log[n] = 0;
	ok(strstr(log, "(d") && strstr(log, ") hi\n"), "a whole line reaches dmesg with (dN)");
	ok(!strstr(log, "there"), "the unfinished line waits for its newline");
	c.arg[0] = CONSOLEIO_read;
	is_int(hypercall_dispatch(&c), -EPERM, "console_io read is dom0's");
	domain_destroy(d);
}

/* pvclock's scale turns ticks into ns within a part per million. */
static void test_pvclock_scale(void)
{
	static const uint64_t rates[] = { 1000000000ull, 2095078000ull, 3700000000ull,
					  125000000ull, 5000000000ull };

	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t ticks = rates[i] * 7, want = 7000000000ull, got;
		uint32_t mul;
		int8_t shift;

		pvclock_scale(rates[i], &mul, &shift);
		ticks = shift >= 0 ? ticks << shift : ticks >> -shift;
		got = (uint64_t)(((unsigned __int128)ticks * mul) >> 32);
		ok(got > want - 7000 && got < want + 7000,
		   "%llu Hz: 7 s of ticks give %llu ns (mul %u, shift %d)",
		   (unsigned long long)rates[i], (unsigned long long)got, mul, shift);
		ok(mul >= (1u << 31), "the multiplier keeps 31 bits of precision");
	}
}

int main(void)
{
	struct vmhv hv;

	log_set_level(LOG_LVL_WARN);
	memset(&hv, 0, sizeof(hv));
	hv.next_domid = 1;
	hv.domains = calloc(PRIVCMD_MAX_DOMID + 1, sizeof(*hv.domains));
	hv.loop = evloop_new();
	dmesg_init(&hv.dmesg);
	if (!hv.domains || !hv.loop || evtchn_table_init(&hv.dom0_evtchn) < 0) {
		printf("Bail out! no memory\n");
		return 1;
	}
	test_evtchn(&hv);
	test_gnttab(&hv);
	test_dispatch(&hv);
	test_pvclock_scale();
	evtchn_table_dispose(&hv, 0, &hv.dom0_evtchn);
	free(hv.domains);
	evloop_free(hv.loop);
	return tap_done();
}
