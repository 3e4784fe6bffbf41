/* The test guest reads its own name from xenstore as a PV-on-HVM Linux
 * finds its store: HVM_PARAM_STORE_PFN and HVM_PARAM_STORE_EVTCHN, the
 * ring at that frame, a notification on the event channel, and the answer
 * announced by an upcall. Needs a toolstack (xl create): the expected name
 * is the multiboot command line's second word. */
#include "hg.h"
#include "pvhvm.h"

#define XS_READ 2
#define RING 1024u

struct xs_ring {
	char req[RING];
	char rsp[RING];
	uint32_t req_cons, req_prod, rsp_cons, rsp_prod;
};

struct xs_msg {
	uint32_t type, req_id, tx_id, len;
};

static void ring_put(volatile struct xs_ring *r, const void *data, uint32_t len)
{
	const char *p = data;

	for (uint32_t i = 0; i < len; i++)
		r->req[(r->req_prod + i) % RING] = p[i];
	__asm__ volatile("" ::: "memory");
	r->req_prod += len;
}

static void ring_get(volatile struct xs_ring *r, void *data, uint32_t len)
{
	char *p = data;

	for (uint32_t i = 0; i < len; i++)
		p[i] = r->rsp[(r->rsp_cons + i) % RING];
	r->rsp_cons += len;
}

/* Wait (upcalls) until `len` bytes of answer are there. */
static bool ring_wait(volatile struct xs_ring *r, uint32_t len)
{
	for (int i = 0; i < 50 && r->rsp_prod - r->rsp_cons < len; i++)
		pvhvm_wait_upcall(pvhvm_upcalls());
	return r->rsp_prod - r->rsp_cons >= len;
}

static bool same(const char *a, const char *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return b[n] == 0;
}

void pvhvm_xenstore_test(const char *want)
{
	uint64_t pfn = 0, port = 0;
	volatile struct xs_ring *r;
	struct xs_msg m = { .type = XS_READ, .req_id = 7, .len = 5 };
	char name[64];
	uint32_t seen;

	hg_ok(pvhvm_setup(), "hypercall page, shared_info, callback vector");
	hg_ok(pvhvm_param(false, 1 /* STORE_PFN */, &pfn) == 0 && pfn == 0xfeff0,
	      "HVM_PARAM_STORE_PFN: the special page below the IOAPIC");
	hg_ok(pvhvm_param(false, 2 /* STORE_EVTCHN */, &port) == 0 && port,
	      "HVM_PARAM_STORE_EVTCHN");
	r = (volatile struct xs_ring *)(uint32_t)(pfn << 12);
	ring_put(r, &m, sizeof(m));
	ring_put(r, "name", 5);
	seen = pvhvm_upcalls();
	hg_ok(pvhvm_send((uint32_t)port) == 0, "XS_READ name sent on the store's event channel");
	hg_ok(ring_wait(r, sizeof(m)), "xenstored answers");
	/* its event may come a moment after the answer is visible */
	for (int i = 0; i < 10 && pvhvm_upcalls() == seen; i++)
		pvhvm_wait_upcall(seen);
	hg_ok(pvhvm_upcalls() != seen, "and its event channel brings an upcall");
	ring_get(r, &m, sizeof(m));
	hg_ok(m.type == XS_READ && m.req_id == 7 && m.len < sizeof(name) && ring_wait(r, m.len),
	      "the answer's header");
	ring_get(r, name, m.len < sizeof(name) ? m.len : sizeof(name));
	hg_ok(same(name, want, m.len), "it is the domain's name");
}

const char *pvhvm_xenstore_arg(const char *cmd)
{
	static const char word[] = "xenstore ";

	for (unsigned i = 0; i < sizeof(word) - 1; i++)
		if (cmd[i] != word[i])
			return 0;
	return cmd + sizeof(word) - 1;
}
