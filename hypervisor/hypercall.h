/* The guest hypercall dispatcher, shared by every engine: an engine turns a
 * vCPU's hypercall into a struct hcall and runs hypercall_dispatch(); the
 * table is hypercall.def, one line per implemented hypercall. Handlers read
 * and write guest memory only through guest_copy_from/guest_copy_to, which
 * check every address. */
#ifndef VMHV_HYPERCALL_H
#define VMHV_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

struct domain;

struct hcall {
	struct domain *d;
	uint32_t vcpu;
	uint32_t nr;
	uint64_t arg[5];
};

/* Returned by a handler when the vCPU must not be resumed now (the domain
 * shut down, or the vCPU blocks and is answered later). */
#define HC_NO_REPLY INT64_MIN

/* Run one hypercall; returns the guest's rax (0 or -errno as Xen does),
 * or HC_NO_REPLY. Unknown hypercalls return -ENOSYS. */
int64_t hypercall_dispatch(struct hcall *c);

/* Copy between guest virtual memory and vmhv: 0, or -EFAULT if any byte of
 * the range is not guest memory. */
int guest_copy_from(struct domain *d, uint64_t va, void *dst, size_t len);
int guest_copy_to(struct domain *d, uint64_t va, const void *src, size_t len);

/* The handlers named in hypercall.def. */
#define HYPERCALL(nr, name) int64_t hc_##name(struct hcall *c);
#include "hypervisor/hypercall.def"
#undef HYPERCALL

#endif
