#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"

#include <errno.h>
#include <string.h>
#include <vmctl/xen/xen.h>

typedef int64_t (*hc_handler)(struct hcall *c);

#define HC_TABLE_SIZE 64

static const hc_handler hc_table[HC_TABLE_SIZE] = {
#define HYPERCALL(nr, name) [nr] = hc_##name,
#include "hypervisor/hypercall.def"
#undef HYPERCALL
};

int64_t hypercall_dispatch(struct hcall *c)
{
	if (c->nr >= HC_TABLE_SIZE || !hc_table[c->nr])
		return -ENOSYS;
	return hc_table[c->nr](c);
}

int guest_copy_from(struct domain *d, uint64_t va, void *dst, size_t len)
{
	const void *p;

	if (!len)
		return 0;
	p = d->engine->guest_ptr(d, va, len);
	if (!p)
		return -EFAULT;
	memcpy(dst, p, len);
	return 0;
}

int guest_copy_to(struct domain *d, uint64_t va, const void *src, size_t len)
{
	void *p;

	if (!len)
		return 0;
	p = d->engine->guest_ptr(d, va, len);
	if (!p)
		return -EFAULT;
	memcpy(p, src, len);
	d->engine->dirty_mark(d, (uint64_t)((uint8_t *)p - d->mem.base), len);
	return 0;
}
