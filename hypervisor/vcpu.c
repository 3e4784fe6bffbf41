#include "hypervisor/vcpu.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/vmhv.h"

#include <vmctl/xen/xen.h>

struct vcpu_info *vcpu_info_of(struct vcpu *v)
{
	struct vcpu_info *vi = memory_phys(&v->d->mem, v->vcpu_info_paddr, sizeof(*vi));

	/* register_vcpu_info checked the address; shared_info's slot otherwise. */
	return vi ? vi : memory_phys(&v->d->mem, memory_shared_info_pfn(&v->d->mem) << 12, 64);
}

bool vcpu_event_pending(struct vcpu *v)
{
	struct vcpu_info *vi = vcpu_info_of(v);

	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST);
}

void vcpu_kick(struct vcpu *v)
{
	struct domain *d = v->d;

	if (!d->started || d->shutdown)
		return;
	if (v->blocked) {
		v->blocked = false;
		v->poll_deadline_ns = 0;
		d->engine->reply(d, v->id, 0);
		return;
	}
	d->engine->kick(d, v->id);
}

int64_t vcpu_block(struct vcpu *v)
{
	if (vcpu_event_pending(v))
		return 0;
	v->blocked = true;
	return HC_NO_REPLY;
}
