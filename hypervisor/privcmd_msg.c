#include "hypervisor/privcmd_msg.h"

#include <errno.h>
#include <string.h>

struct op_shape {
	const char *name;
	size_t size;
	bool exact;
};

static const struct op_shape op_shapes[PRIVCMD_OP_MAX] = {
#define OP_SHAPE(name_, nr, size_, exact_) \
	[nr] = { .name = #name_, .size = (size_), .exact = (exact_) },
	PRIVCMD_OPS(OP_SHAPE)
#undef OP_SHAPE
};

const char *privcmd_op_name(unsigned op)
{
	return op < PRIVCMD_OP_MAX ? op_shapes[op].name : NULL;
}

int privcmd_msg_check(const void *buf, size_t len, bool truncated)
{
	struct privcmd_hdr h;
	const struct op_shape *shape;

	if (truncated || len > sizeof(h) + PRIVCMD_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PRIVCMD_MAGIC || h.len != len - sizeof(h))
		return -EBADMSG;
	if (h.version != PRIVCMD_VERSION)
		return -EPROTONOSUPPORT;
	if (!privcmd_op_name(h.op))
		return -ENOSYS;
	if (h.rc != 0 || h.flags != 0)
		return -EINVAL;
	shape = &op_shapes[h.op];
	if (shape->exact ? h.len != shape->size : h.len < shape->size)
		return -EINVAL;
	return 0;
}
