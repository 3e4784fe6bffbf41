/* The hvm parts of the stream (xld/save_hvm.h). */
#include "xld/save_hvm.h"
#include "xld/save_pvstate.h"
#include "xld/create.h"
#include "xld/domain.h"
#include "xld/rpc/rpc.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "libvmctl/stream.h"
#include "vmctl/dmctl.h"
#include "vmctl/privcmd.h"
#include "vmctl/stream.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DM_WAIT_MS 10000

/* ---- the device model's control socket ---- */

static int dm_connect(const char *rundir, uint32_t domid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/devmodel.%u.ctl", rundir,
			     domid) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;

		close(s);
		return rc;
	}
	return s;
}

/* All of `len` bytes, each wait bounded: the device model is a process
 * of its own that may hang. */
static int io_all(int s, void *buf, size_t len, bool in)
{
	for (size_t done = 0; done < len;) {
		struct pollfd p = { .fd = s, .events = in ? POLLIN : POLLOUT };
		ssize_t n;

		if (poll(&p, 1, DM_WAIT_MS) != 1)
			return -ETIMEDOUT;
		n = in ? recv(s, (char *)buf + done, len - done, MSG_DONTWAIT)
		       : send(s, (const char *)buf + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		done += (size_t)n;
	}
	return 0;
}

/* The state, or *len 0 when no device model runs (no control socket). */
static int dm_save(const char *rundir, uint32_t domid, uint8_t **out, size_t *len)
{
	struct dmctl_req req = { .magic = DMCTL_MAGIC, .op = DMCTL_SAVE };
	struct dmctl_rep rep;
	int s = dm_connect(rundir, domid), rc;

	*out = NULL;
	*len = 0;
	if (s == -ENOENT)
		return 0;
	if (s < 0)
		return s;
	rc = io_all(s, &req, sizeof(req), false);
	if (rc == 0)
		rc = io_all(s, &rep, sizeof(rep), true);
	if (rc == 0 && rep.rc < 0)
		rc = rep.rc;
	if (rc == 0 && rep.len > STREAM_EMULATOR_MAX)
		rc = -EFBIG;
	if (rc == 0 && !(*out = malloc(rep.len ? rep.len : 1)))
		rc = -ENOMEM;
	if (rc == 0)
		rc = io_all(s, *out, rep.len, true);
	if (rc == 0)
		*len = rep.len;
	close(s);
	return rc;
}

int save_hvm_load_dm(const char *rundir, uint32_t domid, const void *blob, size_t len)
{
	struct dmctl_req req = { .magic = DMCTL_MAGIC, .op = DMCTL_LOAD, .len = (uint32_t)len };
	struct dmctl_rep rep;
	int s, rc;

	if (len > DMCTL_STATE_MAX)
		return -EFBIG;
	s = dm_connect(rundir, domid);
	if (s < 0)
		return s;
	rc = io_all(s, &req, sizeof(req), false);
	if (rc == 0)
		rc = io_all(s, (void *)blob, len, false);
	if (rc == 0)
		rc = io_all(s, &rep, sizeof(rep), true);
	close(s);
	return rc < 0 ? rc : rep.rc;
}

/* ---- the sender ---- */

int save_hvm_freeze(struct hv *hv, const char *rundir, uint32_t domid, struct save_hvm *s,
		    char *msg, size_t cap)
{
	struct privcmd_domid req = { .domid = domid };
	size_t n = 0;
	int rc = hv_domain_pause(hv, domid);

	memset(s, 0, sizeof(*s));
	if (rc < 0) {
		snprintf(msg, cap, "cannot pause the domain: %s", strerror(-rc));
		return rc;
	}
	s->ctx = malloc(STREAM_HVM_CONTEXT_MAX);
	rc = s->ctx ? hv_call(hv, PRIVCMD_OP_HVM_CONTEXT_GET, &req, sizeof(req), s->ctx,
			      STREAM_HVM_CONTEXT_MAX, &n, NULL) : -ENOMEM;
	if (rc < 0) {
		snprintf(msg, cap, "vmhv cannot give the domain's hvm context: %s%s", strerror(-rc),
			 rc == -ETIMEDOUT || rc == -EBUSY ? " (a vCPU did not stop)" : "");
		goto fail;
	}
	s->ctx_len = n;
	rc = dm_save(rundir, domid, &s->dm, &s->dm_len);
	if (rc < 0) {
		snprintf(msg, cap, "the device model cannot give its state: %s", strerror(-rc));
		goto fail;
	}
	return 0;
fail:
	save_hvm_dispose(s);
	hv_domain_unpause(hv, domid);
	return rc;
}

/* Every HVM param that is set. */
static int write_params(struct stream_writer *out, struct hv *hv, uint32_t domid)
{
	struct stream_hvm_param p[PRIVCMD_HVM_NR_PARAMS];
	unsigned n = 0;

	for (uint32_t i = 0; i < PRIVCMD_HVM_NR_PARAMS; i++) {
		uint64_t v;
		int rc = hv_hvm_param_get(hv, domid, i, &v);

		if (rc < 0)
			return rc;
		if (v)
			p[n++] = (struct stream_hvm_param){ .index = i, .value = v };
	}
	return stream_write_simple(out, STREAM_REC_HVM_PARAMS, p, n * sizeof(p[0]));
}

int save_hvm_write(struct stream_writer *out, struct hv *hv, uint32_t domid,
		   const struct save_hvm *s)
{
	int rc = write_params(out, hv, domid);

	if (rc == 0)
		rc = stream_write_simple(out, STREAM_REC_HVM_CONTEXT, s->ctx, s->ctx_len);
	for (size_t off = 0; rc == 0 && off < s->dm_len; off += 1u << 20) {
		size_t n = s->dm_len - off < (1u << 20) ? s->dm_len - off : 1u << 20;

		rc = stream_write_simple(out, STREAM_REC_EMULATOR, s->dm + off, n);
	}
	return rc;
}

void save_hvm_dispose(struct save_hvm *s)
{
	free(s->ctx);
	free(s->dm);
	memset(s, 0, sizeof(*s));
}

/* ---- the receiver ---- */

int save_hvm_add_emulator(struct save_hvm *s, const void *body, size_t len)
{
	uint8_t *p;

	if (len > STREAM_EMULATOR_MAX || s->dm_len + len > STREAM_EMULATOR_MAX)
		return -EFBIG;
	p = realloc(s->dm, s->dm_len + len + 1);
	if (!p)
		return -ENOMEM;
	memcpy(p + s->dm_len, body, len);
	s->dm = p;
	s->dm_len += len;
	return 0;
}

int save_hvm_set_context(struct hv *hv, uint32_t domid, const void *blob, size_t len)
{
	return save_state_set(hv, PRIVCMD_OP_HVM_CONTEXT_SET, domid, blob, len,
			      STREAM_HVM_CONTEXT_MAX - sizeof(struct privcmd_hvm_context));
}

int restore_hvm_devmodel(struct xld *xld, struct xld_domain *d, const struct create_adopt *a,
			 int *code, char *msg, size_t cap)
{
	int rc;

	if (!a->dm_state_len)
		return 0;
	rc = save_hvm_load_dm(xld->opt.rundir, d->domid, a->dm_state, a->dm_state_len);
	if (rc < 0) {
		*code = rc == -EINVAL ? RPC_ERR_CONFIG : RPC_ERR_RESOURCE;
		snprintf(msg, cap, "the device model cannot take the saved state: %s%s",
			 strerror(-rc), rc == -ENOENT ? " (no device model runs)"
				 : rc == -EINVAL ? " (see its log)" : "");
		return -1;
	}
	return 0;
}
