/* Robustness: random privcmd packets through validation and dispatch, and
 * random hypercalls (numbers, commands, pointers) from a domain, all in one
 * process (run it under ASan/UBSan to catch what a crash would not show).
 * Deterministic (fixed seed); nothing may crash and vmhv's state must stay
 * consistent. The loader is a path that does not exist, so a domain that
 * gets unpaused with a context fails to start instead of spawning. */
#include "hypervisor/domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/privcmd_msg.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"
#include "tests/tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vmctl/xen/xen.h>

#define PACKETS 60000
#define HCALLS 120000

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Values that hit edges more often than uniform noise would. */
static uint64_t interesting(struct domain *d)
{
	switch (rnd() % 8) {
	case 0: return rnd() % 8;
	case 1: return rnd() % 4096;
	case 2: return DOMID_SELF;
	case 3: return d ? VMCTL_PV_FLAT_BASE + (rnd() % (d->mem.nr_frames << 12)) : 0;
	case 4: return (uint64_t)-(int64_t)(rnd() % 64);
	case 5: return d ? d->domid : 1;
	case 6: return VMCTL_PV_FLAT_BASE + (rnd() % 0x100000000ull);
	default: return rnd();
	}
}

static void fill(void *buf, size_t len, struct domain *d)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = interesting(d);

		memcpy((char *)buf + i, &v, len - i < 8 ? len - i : 8);
	}
}

static struct domain *fresh_domain(struct vmhv *hv);

static void fuzz_privcmd(struct vmhv *hv)
{
	static _Alignas(8) uint8_t pkt[sizeof(struct privcmd_hdr) + 512];
	static _Alignas(8) uint8_t out[PRIVCMD_MAX_PAYLOAD];
	int accepted = 0;

	/* Some domains to aim at: most requests name one. */
	for (int i = 0; i < 5; i++)
		fresh_domain(hv);
	for (int i = 0; i < PACKETS; i++) {
		struct privcmd_hdr h = {
			.magic = PRIVCMD_MAGIC, .version = PRIVCMD_VERSION,
			.op = (uint16_t)(rnd() % (PRIVCMD_OP_MAX + 2)),
		};
		struct privcmd_reply rep = { .buf = out, .cap = sizeof(out), .fd = -1,
					     .client = (void *)1 };
		/* Mostly the right size for some op, sometimes anything. */
		size_t len = rnd() % 4 ? 8 * (rnd() % 5) + (rnd() % 2) * 160 : rnd() % 200;

		/* Creating is cheap: keep the domain count bounded instead, and
		 * keep a few to aim at as random destroys take them. */
		if (h.op == PRIVCMD_OP_DOMAIN_CREATE && hv->nr_domains > 20)
			continue;
		if (hv->nr_domains < 3)
			fresh_domain(hv);
		h.len = (uint32_t)len;
		memcpy(pkt, &h, sizeof(h));
		fill(pkt + sizeof(h), len, domain_lookup(hv, hv->next_domid - 1 - rnd() % 4));
		if (privcmd_msg_check(pkt, sizeof(h) + len, false) != 0)
			continue;
		accepted++;
		privcmd_dispatch(hv, h.op, pkt + sizeof(h), len, &rep);
		if (rep.close_fd && rep.fd >= 0)
			close(rep.fd);
	}
	ok(accepted > 1000, "%d of %d random packets reached a handler", accepted, PACKETS);
	ok(hv->nr_domains <= 21, "domains stay bounded (%u)", hv->nr_domains);
	diag("%u domains alive, next domid %u", hv->nr_domains, hv->next_domid);
}

static struct domain *fresh_domain(struct vmhv *hv)
{
	struct privcmd_domain_create req = { .max_vcpus = 4, .max_pages = 512 };
	struct domain *d = NULL;

	return domain_create(hv, &req, &d) == 0 ? d : NULL;
}

static void fuzz_hypercalls(struct vmhv *hv)
{
	struct domain *d = fresh_domain(hv);
	int calls = 0;

	for (int i = 0; i < HCALLS && d; i++) {
		struct hcall c = { .d = d, .vcpu = (uint32_t)(rnd() % d->max_vcpus),
				   .nr = (uint32_t)(rnd() % 64) };

		for (int a = 0; a < 5; a++)
			c.arg[a] = interesting(d);
		/* Put argument structures in guest memory too, now and then. */
		if (rnd() % 2)
			fill(memory_phys(&d->mem, 0x1000, 4096), 4096, d);
		c.arg[1] = rnd() % 2 ? VMCTL_PV_FLAT_BASE + 0x1000 + rnd() % 256 : c.arg[1];
		hypercall_dispatch(&c);
		calls++;
		/* A guest that shut itself down is replaced by a new one. */
		if (d->shutdown) {
			domain_destroy(d);
			d = fresh_domain(hv);
		}
	}
	ok(calls == HCALLS, "%d random hypercalls served", calls);
	if (d)
		domain_destroy(d);
}

int main(void)
{
	struct vmhv hv;
	uint32_t alive = 0;

	log_open("fuzz_test", "/dev/null");
	memset(&hv, 0, sizeof(hv));
	hv.cfg.loader = "/nonexistent/vmhv-pv";
	hv.cfg.spin = 0;
	hv.next_domid = 1;
	hv.domains = calloc(PRIVCMD_MAX_DOMID + 1, sizeof(*hv.domains));
	hv.loop = evloop_new();
	dmesg_init(&hv.dmesg);
	if (!hv.domains || !hv.loop || evtchn_table_init(&hv.dom0_evtchn) < 0) {
		printf("Bail out! no memory\n");
		return 1;
	}
	pvclock_init(&hv.clock);
	fuzz_privcmd(&hv);
	fuzz_hypercalls(&hv);
	for (uint32_t id = 1; id <= PRIVCMD_MAX_DOMID; id++)
		alive += hv.domains[id] != NULL;
	is_int(alive, hv.nr_domains, "the domain table and its count agree");
	evtchn_dom0_release(&hv, (void *)1);
	for (uint32_t id = 1; id <= PRIVCMD_MAX_DOMID; id++)
		if (hv.domains[id])
			domain_destroy(hv.domains[id]);
	is_int(hv.nr_domains, 0, "everything destroyed");
	evtchn_table_dispose(&hv, 0, &hv.dom0_evtchn);
	free(hv.gnt_handles);
	free(hv.domains);
	evloop_free(hv.loop);
	return tap_done();
}
