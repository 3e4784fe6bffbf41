/* The ioreq-server privcmd operations. First step: the wire format is
 * fixed (vmctl/ioreq.h); the servers come with the hvm engine. */
#include "hypervisor/privcmd_ioreq.h"

#include "hypervisor/privcmd_server.h"

#include <errno.h>

#define IOREQ_OP_TODO(name)                                                \
	int op_##name(struct vmhv *hv, const void *req, size_t len,         \
		      struct privcmd_reply *rep)                            \
	{                                                                  \
		(void)hv; (void)req; (void)len; (void)rep;                  \
		return -EOPNOTSUPP;                                         \
	}
IOREQ_OP_TODO(IOREQ_SERVER_CREATE)
IOREQ_OP_TODO(IOREQ_SERVER_DESTROY)
IOREQ_OP_TODO(IOREQ_SERVER_SET_STATE)
IOREQ_OP_TODO(IOREQ_SERVER_EVENTFD)
IOREQ_OP_TODO(IOREQ_MAP_RANGE)
IOREQ_OP_TODO(IOREQ_UNMAP_RANGE)
IOREQ_OP_TODO(IRQ_LEVEL)
IOREQ_OP_TODO(INJECT_MSI)
