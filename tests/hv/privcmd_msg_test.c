/* Unit test: privcmd packet validation (hypervisor/privcmd_msg.c). */
#include "hypervisor/privcmd_msg.h"
#include "tests/tap.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static _Alignas(8) uint8_t pkt[sizeof(struct privcmd_hdr) + PRIVCMD_MAX_PAYLOAD + 16];

static size_t build(unsigned op, uint32_t len)
{
	struct privcmd_hdr h = {
		.magic = PRIVCMD_MAGIC, .version = PRIVCMD_VERSION, .op = (uint16_t)op,
		.seq = 7, .len = len,
	};

	memset(pkt, 0, sizeof(pkt));
	memcpy(pkt, &h, sizeof(h));
	return sizeof(h) + len;
}

static void patch(size_t off, const void *v, size_t n)
{
	memcpy(pkt + off, v, n);
}

int main(void)
{
	size_t len;
	uint32_t u32;
	uint16_t u16;
	int32_t s32;

	len = build(PRIVCMD_OP_VERSION, 0);
	is_int(privcmd_msg_check(pkt, len, false), 0, "VERSION with no payload accepted");
	is_int(privcmd_msg_check(pkt, len, true), -EMSGSIZE, "truncated packet rejected");
	is_int(privcmd_msg_check(pkt, 10, false), -EBADMSG, "short header rejected");
	is_int(privcmd_msg_check(pkt, 0, false), -EBADMSG, "empty packet rejected");

	len = build(PRIVCMD_OP_DOMAIN_CREATE, sizeof(struct privcmd_domain_create));
	is_int(privcmd_msg_check(pkt, len, false), 0, "DOMAIN_CREATE of the right size accepted");
	len = build(PRIVCMD_OP_DOMAIN_CREATE, sizeof(struct privcmd_domain_create) - 1);
	is_int(privcmd_msg_check(pkt, len, false), -EINVAL, "short DOMAIN_CREATE rejected");
	len = build(PRIVCMD_OP_DOMAIN_CREATE, sizeof(struct privcmd_domain_create) + 8);
	is_int(privcmd_msg_check(pkt, len, false), -EINVAL, "long DOMAIN_CREATE rejected");

	len = build(PRIVCMD_OP_DOMAIN_GETINFO, sizeof(struct privcmd_domid));
	is_int(privcmd_msg_check(pkt, len + 4, false), -EBADMSG,
	       "length field disagreeing with the packet rejected");

	u32 = 0xdeadbeef;
	patch(offsetof(struct privcmd_hdr, magic), &u32, 4);
	is_int(privcmd_msg_check(pkt, len, false), -EBADMSG, "bad magic rejected");

	len = build(PRIVCMD_OP_DOMAIN_GETINFO, sizeof(struct privcmd_domid));
	u16 = PRIVCMD_VERSION + 1;
	patch(offsetof(struct privcmd_hdr, version), &u16, 2);
	is_int(privcmd_msg_check(pkt, len, false), -EPROTONOSUPPORT, "other version rejected");

	len = build(0, 0);
	is_int(privcmd_msg_check(pkt, len, false), -ENOSYS, "op 0 is unknown");
	len = build(PRIVCMD_OP_MAX, 0);
	is_int(privcmd_msg_check(pkt, len, false), -ENOSYS, "op past the table is unknown");
	len = build(0xffff, 0);
	is_int(privcmd_msg_check(pkt, len, false), -ENOSYS, "op 0xffff is unknown");

	len = build(PRIVCMD_OP_VERSION, 0);
	s32 = 5;
	patch(offsetof(struct privcmd_hdr, rc), &s32, 4);
	is_int(privcmd_msg_check(pkt, len, false), -EINVAL, "request with rc set rejected");
	len = build(PRIVCMD_OP_VERSION, 0);
	u32 = 1;
	patch(offsetof(struct privcmd_hdr, flags), &u32, 4);
	is_int(privcmd_msg_check(pkt, len, false), -EINVAL, "request with flags set rejected");

	len = build(PRIVCMD_OP_VERSION, PRIVCMD_MAX_PAYLOAD + 1);
	is_int(privcmd_msg_check(pkt, len, false), -EMSGSIZE, "payload over the limit rejected");

	for (unsigned op = 1; op < PRIVCMD_OP_MAX; op++)
		ok(privcmd_op_name(op) != NULL, "op %u has a name (%s)", op,
		   privcmd_op_name(op) ? privcmd_op_name(op) : "-");
	is_str(privcmd_op_name(PRIVCMD_OP_DOMAIN_CREATE), "DOMAIN_CREATE", "names come from the table");
	ok(privcmd_op_name(PRIVCMD_OP_MAX) == NULL, "no name past the table");
	return tap_done();
}
