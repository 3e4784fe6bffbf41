#include "libvmctl/hv.h"

#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define HV_PKT_MAX (sizeof(struct privcmd_hdr) + PRIVCMD_MAX_PAYLOAD)

struct hv {
	int fd;
	uint32_t seq;
	_Alignas(8) uint8_t buf[HV_PKT_MAX];
};

int hv_open(const char *rundir, struct hv **out)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const char *env = getenv("VMCTL_RUNDIR");
	struct hv *h;
	int rc;

	if (!rundir)
		rundir = env && *env ? env : "/run/vmctl";
	if ((size_t)snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s", rundir,
			     PRIVCMD_SOCKET_NAME) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || connect(h->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		rc = -errno;
		hv_close(h);
		return rc;
	}
	*out = h;
	return 0;
}

void hv_close(struct hv *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

static int hv_send(struct hv *h, unsigned op, const void *req, size_t req_len)
{
	struct privcmd_hdr hdr = {
		.magic = PRIVCMD_MAGIC, .version = PRIVCMD_VERSION, .op = (uint16_t)op,
		.seq = ++h->seq, .len = (uint32_t)req_len,
	};
	struct iovec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)req, .iov_len = req_len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = req_len ? 2 : 1 };

	if (req_len > PRIVCMD_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (sendmsg(h->fd, &msg, MSG_NOSIGNAL) < 0)
		return errno == EPIPE ? -ECONNRESET : -errno;
	return 0;
}

/* Receive one packet into h->buf; a passed fd goes to *fd. Returns its size. */
static ssize_t hv_recv(struct hv *h, int *fd)
{
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } cbuf;
	struct iovec iov = { .iov_base = h->buf, .iov_len = sizeof(h->buf) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	ssize_t r;

	*fd = -1;
	do
		r = recvmsg(h->fd, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ECONNRESET;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EPROTO;
	return r;
}

static int hv_reply_check(struct hv *h, unsigned op, ssize_t len)
{
	struct privcmd_hdr hdr;

	if ((size_t)len < sizeof(hdr))
		return -EPROTO;
	memcpy(&hdr, h->buf, sizeof(hdr));
	if (hdr.magic != PRIVCMD_MAGIC || hdr.seq != h->seq || hdr.op != op ||
	    hdr.len != (size_t)len - sizeof(hdr))
		return -EPROTO;
	if (hdr.rc > 0)
		return -EPROTO;
	return hdr.rc;
}

int hv_call(struct hv *h, unsigned op, const void *req, size_t req_len,
	    void *rep, size_t rep_cap, size_t *rep_len, int *fd)
{
	int got_fd = -1, rc;
	ssize_t len;
	size_t n;

	rc = hv_send(h, op, req, req_len);
	if (rc < 0)
		return rc;
	len = hv_recv(h, &got_fd);
	rc = len < 0 ? (int)len : hv_reply_check(h, op, len);
	if (rc < 0)
		goto out;
	n = MIN((size_t)len - sizeof(struct privcmd_hdr), rep_cap);
	if (n)
		memcpy(rep, h->buf + sizeof(struct privcmd_hdr), n);
	if (rep_len)
		*rep_len = n;
	if (fd) {
		*fd = got_fd;
		got_fd = -1;
	}
out:
	if (got_fd >= 0)
		close(got_fd);
	return rc;
}

/* A call whose reply must be exactly `rep_size` bytes. */
static int hv_call_fixed(struct hv *h, unsigned op, const void *req, size_t req_len,
			 void *rep, size_t rep_size)
{
	size_t n = 0;
	int rc = hv_call(h, op, req, req_len, rep, rep_size, &n, NULL);

	if (rc == 0 && n != rep_size)
		rc = -EPROTO;
	return rc;
}

int hv_version(struct hv *h, struct privcmd_version *v)
{
	return hv_call_fixed(h, PRIVCMD_OP_VERSION, NULL, 0, v, sizeof(*v));
}

int hv_physinfo(struct hv *h, struct privcmd_physinfo *p)
{
	return hv_call_fixed(h, PRIVCMD_OP_PHYSINFO, NULL, 0, p, sizeof(*p));
}

int hv_domain_create(struct hv *h, const uint8_t handle[16], uint32_t flags,
		     uint32_t max_vcpus, uint64_t max_pages, uint32_t *domid)
{
	struct privcmd_domain_create req = {
		.flags = flags, .max_vcpus = max_vcpus, .max_pages = max_pages,
	};
	struct privcmd_domid rep;
	int rc;

	if (handle)
		memcpy(req.handle, handle, sizeof(req.handle));
	rc = hv_call_fixed(h, PRIVCMD_OP_DOMAIN_CREATE, &req, sizeof(req), &rep, sizeof(rep));
	if (rc == 0)
		*domid = rep.domid;
	return rc;
}

static int hv_domid_op(struct hv *h, unsigned op, uint32_t domid)
{
	struct privcmd_domid req = { .domid = domid };

	return hv_call_fixed(h, op, &req, sizeof(req), NULL, 0);
}

int hv_domain_destroy(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DOMAIN_DESTROY, domid);
}

int hv_domain_pause(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DOMAIN_PAUSE, domid);
}

int hv_domain_unpause(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DOMAIN_UNPAUSE, domid);
}

int hv_domain_getinfo(struct hv *h, uint32_t domid, struct privcmd_dominfo *info)
{
	struct privcmd_domid req = { .domid = domid };

	return hv_call_fixed(h, PRIVCMD_OP_DOMAIN_GETINFO, &req, sizeof(req),
			     info, sizeof(*info));
}

int hv_domain_getinfolist(struct hv *h, uint32_t first, struct privcmd_dominfo *info,
			  uint32_t max)
{
	struct privcmd_getinfolist req = { .first_domid = first, .max = max };
	struct privcmd_dominfo *rep;
	uint32_t nr;
	size_t n;
	int rc;

	rep = malloc(PRIVCMD_MAX_PAYLOAD);
	if (!rep)
		return -ENOMEM;
	rc = hv_call(h, PRIVCMD_OP_DOMAIN_GETINFOLIST, &req, sizeof(req), rep,
		     PRIVCMD_MAX_PAYLOAD, &n, NULL);
	if (rc < 0)
		goto out;
	memcpy(&nr, rep, sizeof(nr));
	if (n < 8 || nr > max || n != 8 + nr * sizeof(*info)) {
		rc = -EPROTO;
		goto out;
	}
	memcpy(info, (char *)rep + 8, nr * sizeof(*info));
	rc = (int)nr;
out:
	free(rep);
	return rc;
}

int hv_domain_max_mem(struct hv *h, uint32_t domid, uint64_t max_kb)
{
	struct privcmd_max_mem req = { .domid = domid, .max_kb = max_kb };

	return hv_call_fixed(h, PRIVCMD_OP_DOMAIN_MAX_MEM, &req, sizeof(req), NULL, 0);
}

static int hv_domid_u32_op(struct hv *h, unsigned op, uint32_t domid, uint32_t value)
{
	struct privcmd_domid_u32 req = { .domid = domid, .value = value };

	return hv_call_fixed(h, op, &req, sizeof(req), NULL, 0);
}

int hv_domain_max_vcpus(struct hv *h, uint32_t domid, uint32_t max)
{
	return hv_domid_u32_op(h, PRIVCMD_OP_DOMAIN_MAX_VCPUS, domid, max);
}

int hv_domain_shutdown(struct hv *h, uint32_t domid, uint32_t reason)
{
	return hv_domid_u32_op(h, PRIVCMD_OP_DOMAIN_SHUTDOWN, domid, reason);
}

int hv_dmesg(struct hv *h, uint64_t *pos, char *buf, size_t cap, int clear)
{
	struct privcmd_dmesg_req req = { .from = *pos, .flags = clear ? PRIVCMD_DMESG_CLEAR : 0 };
	struct privcmd_dmesg head;
	char *rep;
	size_t n;
	int rc;

	rep = malloc(PRIVCMD_MAX_PAYLOAD);
	if (!rep)
		return -ENOMEM;
	rc = hv_call(h, PRIVCMD_OP_DMESG, &req, sizeof(req), rep, PRIVCMD_MAX_PAYLOAD, &n, NULL);
	if (rc == 0 && n < sizeof(head))
		rc = -EPROTO;
	if (rc == 0) {
		size_t text = n - sizeof(head);

		memcpy(&head, rep, sizeof(head));
		n = MIN(text, cap);
		memcpy(buf, rep + sizeof(head), n);
		/* Text beyond `cap` is fetched by the next call. */
		*pos = head.next - text + n;
		rc = (int)n;
	}
	free(rep);
	return rc;
}

int hv_foreign_map(struct hv *h, uint32_t domid, int *fd,
		   struct privcmd_foreign_map *info)
{
	struct privcmd_domid req = { .domid = domid };
	size_t n = 0;
	int rc;

	rc = hv_call(h, PRIVCMD_OP_FOREIGN_MAP, &req, sizeof(req), info, sizeof(*info), &n, fd);
	if (rc == 0 && (n != sizeof(*info) || *fd < 0)) {
		if (*fd >= 0)
			close(*fd);
		rc = -EPROTO;
	}
	return rc;
}

int hv_setvcpucontext(struct hv *h, uint32_t domid, uint32_t vcpu,
		      const struct privcmd_vcpu_regs *regs)
{
	struct privcmd_vcpucontext req = { .domid = domid, .vcpu = vcpu, .regs = *regs };

	return hv_call_fixed(h, PRIVCMD_OP_SETVCPUCONTEXT, &req, sizeof(req), NULL, 0);
}

int hv_getvcpucontext(struct hv *h, uint32_t domid, uint32_t vcpu,
		      struct privcmd_vcpu_regs *regs)
{
	struct privcmd_domid_u32 req = { .domid = domid, .value = vcpu };
	struct privcmd_vcpucontext rep;
	int rc;

	rc = hv_call_fixed(h, PRIVCMD_OP_GETVCPUCONTEXT, &req, sizeof(req), &rep, sizeof(rep));
	if (rc == 0)
		*regs = rep.regs;
	return rc;
}

int hv_hypercall_init(struct hv *h, uint32_t domid, uint64_t gmfn)
{
	struct privcmd_hypercall_init req = { .domid = domid, .gmfn = gmfn };

	return hv_call_fixed(h, PRIVCMD_OP_HYPERCALL_INIT, &req, sizeof(req), NULL, 0);
}

int hv_evtchn_alloc_unbound(struct hv *h, uint32_t dom, uint32_t remote_dom,
			    uint32_t *port)
{
	struct privcmd_evtchn_alloc_unbound req = { .dom = dom, .remote_dom = remote_dom };
	struct privcmd_evtchn_port rep;
	int rc;

	rc = hv_call_fixed(h, PRIVCMD_OP_EVTCHN_ALLOC_UNBOUND, &req, sizeof(req), &rep, sizeof(rep));
	if (rc == 0)
		*port = rep.port;
	return rc;
}

/* A call that answers with a port and an eventfd. */
static int hv_call_port_fd(struct hv *h, unsigned op, const void *req, size_t len,
			   uint32_t *port, int *fd)
{
	struct privcmd_evtchn_port rep;
	size_t n = 0;
	int rc;

	rc = hv_call(h, op, req, len, &rep, sizeof(rep), &n, fd);
	if (rc == 0 && (n != sizeof(rep) || *fd < 0)) {
		if (*fd >= 0)
			close(*fd);
		rc = -EPROTO;
	}
	if (rc == 0)
		*port = rep.port;
	return rc;
}

int hv_evtchn_bind_interdomain(struct hv *h, uint32_t remote_dom, uint32_t remote_port,
			       uint32_t *port, int *fd)
{
	struct privcmd_evtchn_bind_interdomain req = {
		.remote_dom = remote_dom, .remote_port = remote_port,
	};

	return hv_call_port_fd(h, PRIVCMD_OP_EVTCHN_BIND_INTERDOMAIN, &req, sizeof(req), port, fd);
}

int hv_evtchn_bind_virq(struct hv *h, uint32_t virq, uint32_t *port, int *fd)
{
	struct privcmd_evtchn_port req = { .port = virq };

	return hv_call_port_fd(h, PRIVCMD_OP_EVTCHN_BIND_VIRQ, &req, sizeof(req), port, fd);
}

int hv_evtchn_notify(struct hv *h, uint32_t port)
{
	struct privcmd_evtchn_port req = { .port = port };

	return hv_call_fixed(h, PRIVCMD_OP_EVTCHN_NOTIFY, &req, sizeof(req), NULL, 0);
}

int hv_evtchn_direct(struct hv *h, uint32_t port, struct privcmd_evtchn_direct *out)
{
	struct privcmd_evtchn_port req = { .port = port };

	return hv_call_fixed(h, PRIVCMD_OP_EVTCHN_DIRECT, &req, sizeof(req), out, sizeof(*out));
}

int hv_evtchn_kick(struct hv *h, uint32_t port)
{
	struct privcmd_evtchn_port req = { .port = port };

	return hv_call_fixed(h, PRIVCMD_OP_EVTCHN_KICK, &req, sizeof(req), NULL, 0);
}

int hv_evtchn_close(struct hv *h, uint32_t port)
{
	struct privcmd_evtchn_port req = { .port = port };

	return hv_call_fixed(h, PRIVCMD_OP_EVTCHN_CLOSE, &req, sizeof(req), NULL, 0);
}

int hv_gnttab_map(struct hv *h, uint32_t domid, uint32_t ref, int readonly,
		  uint64_t *frame, uint32_t *handle)
{
	struct privcmd_gnttab_map req = {
		.domid = domid, .ref = ref, .flags = readonly ? PRIVCMD_GNT_READONLY : 0,
	};
	struct privcmd_gnttab_mapped rep;
	int rc;

	rc = hv_call_fixed(h, PRIVCMD_OP_GNTTAB_MAP, &req, sizeof(req), &rep, sizeof(rep));
	if (rc == 0) {
		*frame = rep.frame;
		*handle = rep.handle;
	}
	return rc;
}

int hv_gnttab_unmap(struct hv *h, uint32_t handle)
{
	struct privcmd_evtchn_port req = { .port = handle };

	return hv_call_fixed(h, PRIVCMD_OP_GNTTAB_UNMAP, &req, sizeof(req), NULL, 0);
}

int hv_dirty_enable(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DIRTY_ENABLE, domid);
}

int hv_dirty_disable(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DIRTY_DISABLE, domid);
}

int hv_dirty_read(struct hv *h, uint32_t domid, uint64_t first, uint64_t nr, uint64_t *bitmap)
{
	struct privcmd_dirty_read req = { .domid = domid, .first = first, .nr = nr };

	if (nr == 0 || nr > PRIVCMD_DIRTY_MAX)
		return -EINVAL;
	return hv_call_fixed(h, PRIVCMD_OP_DIRTY_READ, &req, sizeof(req), bitmap,
			     (size_t)((nr + 63) / 64 * 8));
}

int hv_settimeoffset(struct hv *h, uint32_t domid, int64_t seconds)
{
	struct privcmd_timeoffset req = { .domid = domid, .seconds = seconds };

	return hv_call_fixed(h, PRIVCMD_OP_SETTIMEOFFSET, &req, sizeof(req), NULL, 0);
}

int hv_hvm_param_get(struct hv *h, uint32_t domid, uint32_t index, uint64_t *value)
{
	struct privcmd_hvm_param req = { .domid = domid, .index = index }, rep;
	int rc = hv_call_fixed(h, PRIVCMD_OP_HVM_PARAM_GET, &req, sizeof(req), &rep, sizeof(rep));

	if (rc == 0)
		*value = rep.value;
	return rc;
}

int hv_hvm_param_set(struct hv *h, uint32_t domid, uint32_t index, uint64_t value)
{
	struct privcmd_hvm_param req = { .domid = domid, .index = index, .value = value };

	return hv_call_fixed(h, PRIVCMD_OP_HVM_PARAM_SET, &req, sizeof(req), NULL, 0);
}

int hv_domain_resume(struct hv *h, uint32_t domid)
{
	return hv_domid_op(h, PRIVCMD_OP_DOMAIN_RESUME, domid);
}

int hv_gnttab_copy(struct hv *h, struct privcmd_gnttab_copy *ops, unsigned n)
{
	size_t bytes = (size_t)n * sizeof(*ops);

	if (n == 0 || n > PRIVCMD_GNTCOPY_MAX)
		return -EINVAL;
	return hv_call_fixed(h, PRIVCMD_OP_GNTTAB_COPY, ops, bytes, ops, bytes);
}

int hv_gnttab_map_batch(struct hv *h, struct privcmd_gnttab_map_entry *ents, unsigned n)
{
	size_t bytes = (size_t)n * sizeof(*ents);

	if (n == 0 || n > PRIVCMD_GNTMAP_MAX)
		return -EINVAL;
	return hv_call_fixed(h, PRIVCMD_OP_GNTTAB_MAP_BATCH, ents, bytes, ents, bytes);
}

int hv_gnttab_unmap_batch(struct hv *h, struct privcmd_gnttab_unmap_entry *ents, unsigned n)
{
	size_t bytes = (size_t)n * sizeof(*ents);

	if (n == 0 || n > PRIVCMD_GNTMAP_MAX)
		return -EINVAL;
	return hv_call_fixed(h, PRIVCMD_OP_GNTTAB_UNMAP_BATCH, ents, bytes, ents, bytes);
}
