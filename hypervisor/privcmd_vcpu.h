/* privcmd VCPU_LIST (`xl vcpu-list`): the handler that privcmd_ops.c's
 * table points at. */
#ifndef VMHV_PRIVCMD_VCPU_H
#define VMHV_PRIVCMD_VCPU_H

#include <stddef.h>

struct vmhv;
struct privcmd_reply;

/* Request: struct privcmd_domid. Reply: max_vcpus struct privcmd_vcpu_info.
 * -ESRCH for no such domain. */
int op_VCPU_LIST(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);

#endif
