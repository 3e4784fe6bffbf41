/* The pv sandbox's state record (xld/save_pvstate.h): privcmd
 * PV_STATE_GET on the saving side, PV_STATE_SET on the restoring side.
 * vmhv checks the sizes, the new sandbox the contents. save_state_set
 * also gives an hvm domain its HVM_CONTEXT (xld/save_hvm.c). */
#include "xld/save_pvstate.h"

#include "libvmctl/hv.h"
#include "libvmctl/stream.h"

#include <vmctl/privcmd.h>
#include <vmctl/pv_state.h>
#include <vmctl/stream.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pvstate_write(struct hv *hv, uint32_t domid, struct stream_writer *w)
{
	struct privcmd_domid req = { .domid = domid };
	size_t len = 0;
	void *buf = malloc(PV_STATE_MAX_BYTES);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = hv_call(hv, PRIVCMD_OP_PV_STATE_GET, &req, sizeof(req), buf, PV_STATE_MAX_BYTES,
		     &len, NULL);
	if (rc == -ENODATA)
		rc = 0;
	else if (rc == 0)
		rc = stream_write_simple(w, STREAM_REC_PV_STATE, buf, len);
	free(buf);
	return rc;
}

int save_state_set(struct hv *hv, enum privcmd_op op, uint32_t domid, const void *body,
		   size_t len, size_t max)
{
	/* PV_STATE_SET and HVM_CONTEXT_SET share this header's layout. */
	struct privcmd_pv_state_set head = { .domid = domid };
	uint8_t *req;
	int rc;

	_Static_assert(sizeof(struct privcmd_pv_state_set) == sizeof(struct privcmd_hvm_context),
		       "one header for both SET ops");
	if (len > max)
		return -EINVAL;
	req = malloc(sizeof(head) + len);
	if (!req)
		return -ENOMEM;
	memcpy(req, &head, sizeof(head));
	memcpy(req + sizeof(head), body, len);
	rc = hv_call(hv, op, req, sizeof(head) + len, NULL, 0, NULL, NULL);
	free(req);
	return rc;
}

int pvstate_load(struct hv *hv, uint32_t domid, const void *body, size_t len)
{
	return save_state_set(hv, PRIVCMD_OP_PV_STATE_SET, domid, body, len, PV_STATE_MAX_BYTES);
}
