/* privcmd HVM_VCPUS: see hvm_vcpus.h. vmhv keeps the absent set (0: all
 * present, the default for a domain without a device model) so a sandbox
 * started or restarted later gets it before the guest runs. */
#include "hypervisor/engines/hvm/hvm_vcpus.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/hvm/hvm_abi.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "vmctl/privcmd.h"

#include <errno.h>

static int vcpus_send(struct hvm_domain *h)
{
	struct hvm_ctl m = { .type = HVM_CTL_VCPUS, .addr = h->absent };

	return hvm_ctl_send(h, &m, NULL, 0);
}

int op_HVM_VCPUS(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_hvm_vcpus *r = req;
	struct domain *d = domain_lookup(hv, r->domid);
	struct hvm_domain *h;
	uint64_t all;

	(void)len;
	(void)rep;
	if (!d || d->dying)
		return -ESRCH;
	all = d->max_vcpus >= 64 ? UINT64_MAX : (1ull << d->max_vcpus) - 1;
	if (d->engine != &hvm_engine_ops || r->pad || !(r->present & 1) || (r->present & ~all))
		return -EINVAL;
	if (!(h = hvm_domain_get(d)))
		return -ENOMEM;
	h->absent = all & ~r->present;
	return vcpus_send(h);
}

int hvm_vcpus_replay(struct hvm_domain *h)
{
	return h->absent ? vcpus_send(h) : 0;
}

int hvm_vcpu_hold(struct domain *d, uint32_t id, bool hold)
{
	struct hvm_ctl m = { .type = HVM_CTL_VCPU_DOWN, .a = id, .b = hold };
	uint64_t bit = 1ull << id;
	struct hvm_domain *h;

	if (d->engine != &hvm_engine_ops)
		return -EOPNOTSUPP;
	if (id >= d->max_vcpus || id >= 64)
		return -EINVAL;
	if (!(h = hvm_domain_get(d)))
		return -ENOMEM;
	if (hold == !!(h->held & bit))
		return 0;
	h->held ^= bit;
	d->vcpus[id].online = !hold;
	return hvm_ctl_send(h, &m, NULL, 0);
}

bool hvm_vcpu_held(struct domain *d, uint32_t id)
{
	struct hvm_domain *h;

	if (d->engine != &hvm_engine_ops || id >= 64 || !(h = hvm_domain_get(d)))
		return false;
	return h->held >> id & 1;
}
