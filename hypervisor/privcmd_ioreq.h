/* The ioreq-server privcmd operations (vmctl/ioreq.h): the handlers that
 * privcmd_ops.c's table points at, and the cleanup when a connection that
 * owns servers closes. */
#ifndef VMHV_PRIVCMD_IOREQ_H
#define VMHV_PRIVCMD_IOREQ_H

#include <stddef.h>

struct vmhv;
struct privcmd_reply;

#define IOREQ_OP_DECL(name)                                                \
	int op_##name(struct vmhv *hv, const void *req, size_t len,         \
		      struct privcmd_reply *rep)
IOREQ_OP_DECL(IOREQ_SERVER_CREATE);
IOREQ_OP_DECL(IOREQ_SERVER_DESTROY);
IOREQ_OP_DECL(IOREQ_SERVER_SET_STATE);
IOREQ_OP_DECL(IOREQ_SERVER_EVENTFD);
IOREQ_OP_DECL(IOREQ_MAP_RANGE);
IOREQ_OP_DECL(IOREQ_UNMAP_RANGE);
IOREQ_OP_DECL(IRQ_LEVEL);
IOREQ_OP_DECL(INJECT_MSI);
#undef IOREQ_OP_DECL

struct domain;
/* An HVM param changed: a running hvm domain's sandbox gets it. */
void hvm_param_changed(struct domain *d, unsigned index);

/* The connection `client` closed: destroy the servers it created. */
void ioreq_dom0_release(struct vmhv *hv, void *client);

#endif
