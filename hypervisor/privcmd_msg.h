/* Validation of privcmd packets, independent of sockets (unit-tested).
 *
 * vmhv calls privcmd_msg_check() on every packet before looking at its
 * payload: a packet that passes has a known operation and a payload of the
 * size that operation takes, so handlers may cast it to their struct.
 */
#ifndef VMHV_PRIVCMD_MSG_H
#define VMHV_PRIVCMD_MSG_H

#include "vmctl/privcmd.h"

#include <stdbool.h>
#include <stddef.h>

/* Check a packet of `len` bytes (`truncated` if the socket cut it).
 * Returns 0, or the negative errno to put in the error reply:
 * -EMSGSIZE (too big), -EBADMSG (short, bad magic or length field),
 * -EPROTONOSUPPORT (other version), -ENOSYS (unknown op),
 * -EINVAL (payload size wrong for the op, reserved fields set). */
int privcmd_msg_check(const void *buf, size_t len, bool truncated);

/* The operation's name for logs ("DOMAIN_CREATE"), or NULL if unknown. */
const char *privcmd_op_name(unsigned op);

#endif
