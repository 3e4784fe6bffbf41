/* event_channel_op: one handler per EVTCHNOP_, each copying its argument
 * in, calling evtchn.c and copying the result out. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/event_channel.h>

typedef int64_t (*evtchn_handler)(struct hcall *c, uint64_t arg);

/* The calling domain under any of its names. */
static int is_self(struct hcall *c, uint32_t dom)
{
	return dom == DOMID_SELF || dom == c->d->domid;
}

static int64_t ev_alloc_unbound(struct hcall *c, uint64_t arg)
{
	struct evtchn_alloc_unbound a;
	uint32_t port, remote;
	int rc;

	if (guest_copy_from(c->d, arg, &a, sizeof(a)) < 0)
		return -EFAULT;
	if (!is_self(c, a.dom))
		return -EPERM;
	remote = a.remote_dom == DOMID_SELF ? c->d->domid : a.remote_dom;
	rc = evtchn_alloc_unbound(c->d->hv, c->d->domid, remote, &port);
	if (rc < 0)
		return rc;
	a.port = port;
	return guest_copy_to(c->d, arg, &a, sizeof(a));
}

static int64_t ev_bind_interdomain(struct hcall *c, uint64_t arg)
{
	struct evtchn_bind_interdomain b;
	uint32_t port, remote;
	int rc;

	if (guest_copy_from(c->d, arg, &b, sizeof(b)) < 0)
		return -EFAULT;
	remote = b.remote_dom == DOMID_SELF ? c->d->domid : b.remote_dom;
	rc = evtchn_bind_interdomain(c->d->hv, c->d->domid, remote, b.remote_port, &port);
	if (rc < 0)
		return rc;
	b.local_port = port;
	return guest_copy_to(c->d, arg, &b, sizeof(b));
}

static int64_t ev_bind_virq(struct hcall *c, uint64_t arg)
{
	struct evtchn_bind_virq b;
	uint32_t port;
	int rc;

	if (guest_copy_from(c->d, arg, &b, sizeof(b)) < 0)
		return -EFAULT;
	rc = evtchn_bind_virq(c->d, b.virq, b.vcpu, &port);
	if (rc < 0)
		return rc;
	b.port = port;
	return guest_copy_to(c->d, arg, &b, sizeof(b));
}

static int64_t ev_bind_ipi(struct hcall *c, uint64_t arg)
{
	struct evtchn_bind_ipi b;
	uint32_t port;
	int rc;

	if (guest_copy_from(c->d, arg, &b, sizeof(b)) < 0)
		return -EFAULT;
	rc = evtchn_bind_ipi(c->d, b.vcpu, &port);
	if (rc < 0)
		return rc;
	b.port = port;
	return guest_copy_to(c->d, arg, &b, sizeof(b));
}

/* close, send and unmask take just a port. */
static int64_t port_arg(struct hcall *c, uint64_t arg, uint32_t *port)
{
	return guest_copy_from(c->d, arg, port, sizeof(*port));
}

static int64_t ev_close(struct hcall *c, uint64_t arg)
{
	uint32_t port;

	if (port_arg(c, arg, &port) < 0)
		return -EFAULT;
	return evtchn_close(c->d->hv, c->d->domid, port);
}

/* A pv sandbox may serve the next sends on `port` itself: hand it the
 * eventfd the send writes (pv_abi.h, PV_RET_EVFD), on the channel of the
 * vCPU that asked, before the answer. A full channel (a sandbox that does
 * not take its offers) only means no offer. */
static bool evfd_offer(struct hcall *c, uint32_t port)
{
	struct pv_domain *pv = c->d->engine == &pv_engine_ops ? c->d->engine_priv : NULL;
	struct pv_evfd_offer o = { .port = port };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct iovec iov = { .iov_base = &o, .iov_len = sizeof(o) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	int fd;

	if (!pv || c->vcpu >= PRIVCMD_MAX_VCPUS || pv->chan[c->vcpu].fd < 0)
		return false;
	fd = evtchn_offer_fd(c->d, port, &o.gen);
	if (fd < 0)
		return false;
	ctl.h.cmsg_level = SOL_SOCKET;
	ctl.h.cmsg_type = SCM_RIGHTS;
	ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(fd));
	if (sendmsg(pv->chan[c->vcpu].fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof(o))
		return false;
	evtchn_offer_made(c->d, port);
	return true;
}

static int64_t ev_send(struct hcall *c, uint64_t arg)
{
	uint32_t port;
	int rc;

	if (port_arg(c, arg, &port) < 0)
		return -EFAULT;
	rc = evtchn_send(c->d->hv, c->d->domid, port);
	if (rc == 0 && evfd_offer(c, port))
		return PV_RET_EVFD;
	return rc;
}

static int64_t ev_unmask(struct hcall *c, uint64_t arg)
{
	uint32_t port;

	if (port_arg(c, arg, &port) < 0)
		return -EFAULT;
	return evtchn_unmask(c->d, port);
}

static int64_t ev_status(struct hcall *c, uint64_t arg)
{
	struct evtchn_status st;
	int rc;

	if (guest_copy_from(c->d, arg, &st, sizeof(st)) < 0)
		return -EFAULT;
	rc = evtchn_status_get(c->d, &st);
	if (rc < 0)
		return rc;
	return guest_copy_to(c->d, arg, &st, sizeof(st));
}

static int64_t ev_bind_vcpu(struct hcall *c, uint64_t arg)
{
	struct evtchn_bind_vcpu b;

	if (guest_copy_from(c->d, arg, &b, sizeof(b)) < 0)
		return -EFAULT;
	return evtchn_bind_vcpu(c->d, b.port, b.vcpu);
}

static const evtchn_handler evtchn_ops[] = {
	[EVTCHNOP_bind_interdomain] = ev_bind_interdomain,
	[EVTCHNOP_bind_virq] = ev_bind_virq,
	[EVTCHNOP_close] = ev_close,
	[EVTCHNOP_send] = ev_send,
	[EVTCHNOP_status] = ev_status,
	[EVTCHNOP_alloc_unbound] = ev_alloc_unbound,
	[EVTCHNOP_bind_ipi] = ev_bind_ipi,
	[EVTCHNOP_bind_vcpu] = ev_bind_vcpu,
	[EVTCHNOP_unmask] = ev_unmask,
};

int64_t hc_event_channel_op(struct hcall *c)
{
	uint64_t cmd = c->arg[0];

	if (cmd >= sizeof(evtchn_ops) / sizeof(evtchn_ops[0]) || !evtchn_ops[cmd])
		return -ENOSYS;
	return evtchn_ops[cmd](c, c->arg[1]);
}
