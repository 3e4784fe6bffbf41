/* The pv engine's address-space handling in vmhv (DESIGN §2): how guest
 * virtual addresses relate to the domain's memory.
 *
 * A guest built with boot page tables (the builder's PV_SET_BASEPTR) has
 * the address space its 4-level tree describes; the sandbox mirrors the
 * tree as mmaps of the memfd and reports the current L4 frame in each
 * mailbox request, and vmhv walks the same tree (in the memfd) to find
 * hypercall arguments. A guest without page tables has the flat map only:
 * pseudo-physical P is virtual VMCTL_PV_FLAT_BASE + P. */
#include "hypervisor/engines/pv/pv_engine.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/privcmd_server.h"

#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PTE_P 1ull
#define PTE_PSE 0x80ull
#define PTE_FRAME(e) (((e) >> 12) & 0xffffffffffull)

/* The frame guest page `va` maps to under L4 frame `l4`, or -1. */
static int64_t walk(const struct domain *d, uint64_t l4, uint64_t va)
{
	uint64_t frame = l4;

	for (int level = 3; level >= 0; level--) {
		const uint64_t *t = memory_phys(&d->mem, frame << MEM_PAGE_SHIFT, 4096);
		uint64_t e;

		if (!t)
			return -1;
		e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P) || (level && (e & PTE_PSE)))
			return -1;
		frame = PTE_FRAME(e);
	}
	return (int64_t)frame;
}

/* Each page of the range must be mapped, and to consecutive frames (the
 * handlers copy with one memcpy). */
static void *walk_range(struct domain *d, uint64_t l4, uint64_t va, size_t len)
{
	uint64_t first = va & ~4095ull, last = (va + len - 1) & ~4095ull;
	int64_t f0 = walk(d, l4, first);

	if (f0 < 0 || va + len < va)
		return NULL;
	for (uint64_t p = first + 4096, n = 1; p <= last && p; p += 4096, n++)
		if (walk(d, l4, p) != f0 + (int64_t)n)
			return NULL;
	return memory_phys(&d->mem, ((uint64_t)f0 << MEM_PAGE_SHIFT) | (va & 4095), len);
}

void *pv_aspace_guest_ptr(struct domain *d, uint64_t va, size_t len)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && pv->has_cr3)
		return len ? walk_range(d, pv->cr3, va, len) : NULL;
	if (va < VMCTL_PV_FLAT_BASE)
		return NULL;
	return memory_phys(&d->mem, va - VMCTL_PV_FLAT_BASE, len);
}

/* A pv domain by id for the privcmd ops here: NULL with *rc -ESRCH (no
 * such domain) or -EINVAL (not pv). */
static struct domain *pv_lookup(struct vmhv *hv, uint32_t domid, int *rc)
{
	struct domain *d = domain_lookup(hv, domid);

	*rc = !d ? -ESRCH : d->engine != &pv_engine_ops ? -EINVAL : 0;
	return *rc ? NULL : d;
}

int op_PV_SET_BASEPTR(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_pv_baseptr *r = req;
	int rc;
	struct domain *d = pv_lookup(hv, r->domid, &rc);
	struct pv_domain *pv;

	if (!d)
		return rc;
	if (r->vcpu != 0 || r->mfn >= d->mem.ram_frames)
		return -EINVAL;
	if (d->started)
		return -EBUSY;
	pv = pv_domain_get(d);
	if (!pv)
		return -ENOMEM;
	pv->boot_cr3 = r->mfn;
	pv->has_cr3 = true;
	return 0;
}

/* ---- save and restore: the sandbox's part of the guest's state ---------- */

/* A struct pv_state and its pins, len bytes: do the sizes add up? */
static bool state_sane(const struct pv_state *st, size_t len, uint32_t max_vcpus)
{
	return len >= sizeof(*st) && st->version == PV_STATE_VERSION &&
	       st->nr_pins <= PV_STATE_MAX_PINS && st->nr_vcpus <= max_vcpus &&
	       len == sizeof(*st) + 8ull * st->nr_pins;
}

static int state_keep(void **buf, size_t *buf_len, const void *src, size_t len)
{
	void *copy = malloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, src, len);
	free(*buf);
	*buf = copy;
	*buf_len = len;
	return 0;
}

void pv_state_take(struct pv_domain *pv, const struct pv_state_msg *m, size_t len)
{
	size_t st_len = len - offsetof(struct pv_state_msg, st);

	if (!state_sane(&m->st, st_len, pv->d->max_vcpus)) {
		domain_crash(pv->d, "malformed state packet");
		return;
	}
	if (state_keep(&pv->state_out, &pv->state_out_len, &m->st, st_len) < 0)
		log_error("d%u: no memory to keep the pv state for a save", pv->d->domid);
}

void pv_state_free(struct pv_domain *pv)
{
	free(pv->state_out);
	free(pv->state_in);
	pv->state_out = pv->state_in = NULL;
}

/* The state the guest's last suspend left (a domain that never suspended,
 * or a sandbox that sent none: -ENODATA). */
int op_PV_STATE_GET(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_domid *r = req;
	int rc;
	struct domain *d = pv_lookup(hv, r->domid, &rc);
	struct pv_domain *pv;

	if (!d)
		return rc;
	pv = d->engine_priv;
	if (!pv)
		return -ENODATA;
	pv_channels_drain(pv);
	if (!pv->state_out)
		return -ENODATA;
	if (pv->state_out_len > rep->cap - rep->len)
		return -E2BIG;
	memcpy((char *)rep->buf + rep->len, pv->state_out, pv->state_out_len);
	rep->len += pv->state_out_len;
	return 0;
}

/* A restore, before the domain first runs: the sandbox starts from it, on
 * the page tables it names. */
int op_PV_STATE_SET(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_pv_state_set *r = req;
	const struct pv_state *st = (const void *)(r + 1);
	size_t st_len = len - sizeof(*r);
	int rc;
	struct domain *d = pv_lookup(hv, r->domid, &rc);
	struct pv_domain *pv;
	struct pv_state head;

	if (!d)
		return rc;
	if (st_len < sizeof(head))
		return -EINVAL;
	memcpy(&head, st, sizeof(head));	/* the payload may be unaligned */
	if (!state_sane(&head, st_len, d->max_vcpus) ||
	    ((head.flags & PV_STATE_F_CR3) && head.kernel_cr3 >= d->mem.ram_frames))
		return -EINVAL;
	if (d->started)
		return -EBUSY;
	pv = pv_domain_get(d);
	if (!pv)
		return -ENOMEM;
	if (state_keep(&pv->state_in, &pv->state_in_len, st, st_len) < 0)
		return -ENOMEM;
	if (head.flags & PV_STATE_F_CR3) {
		pv->boot_cr3 = head.kernel_cr3;
		pv->has_cr3 = true;
	}
	return 0;
}
