/* The privcmd operations: one handler per PRIVCMD_OPS entry. Requests reach
 * here validated (known op, payload of the right size); handlers check the
 * values. */
#include "hypervisor/privcmd_server.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/hvm/hvm_context.h"
#include "hypervisor/engines/hvm/hvm_vram.h"
#include "hypervisor/engines/hvm/hvm_link.h"
#include "hypervisor/engines/hvm/hvm_vcpus.h"
#include "hypervisor/engines/pv/pv_engine.h"
#include "hypervisor/evtchn.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/host.h"
#include "hypervisor/privcmd_ioreq.h"
#include "hypervisor/privcmd_vcpu.h"
#include "hypervisor/vmhv.h"

#include <vmctl/xen/grant_table.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef int (*privcmd_handler)(struct vmhv *hv, const void *req, size_t len,
			       struct privcmd_reply *rep);

static int reply_put(struct privcmd_reply *rep, const void *data, size_t len)
{
	if (len > rep->cap - rep->len)
		return -E2BIG;
	memcpy((char *)rep->buf + rep->len, data, len);
	rep->len += len;
	return 0;
}

/* The domain a request names, or NULL: *rc then says why. */
static struct domain *req_domain(struct vmhv *hv, uint32_t domid, int *rc)
{
	struct domain *d = domain_lookup(hv, domid);

	*rc = d ? 0 : -ESRCH;
	return d;
}

static int op_VERSION(struct vmhv *hv, const void *req, size_t len,
		      struct privcmd_reply *rep)
{
	struct privcmd_version v;

	host_version(hv, &v);
	return reply_put(rep, &v, sizeof(v));
}

static int op_PHYSINFO(struct vmhv *hv, const void *req, size_t len,
		       struct privcmd_reply *rep)
{
	struct privcmd_physinfo p;
	int rc = host_physinfo(hv, &p);

	return rc < 0 ? rc : reply_put(rep, &p, sizeof(p));
}

static int op_DOMAIN_CREATE(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	struct privcmd_domid out = { 0 };
	struct domain *d;
	int rc = domain_create(hv, req, &d);

	if (rc < 0)
		return rc;
	out.domid = d->domid;
	return reply_put(rep, &out, sizeof(out));
}

/* The ops whose request is only a domid: look it up, then act on it. */
static int on_domain(struct vmhv *hv, const void *req, int (*act)(struct domain *))
{
	const struct privcmd_domid *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	return d ? act(d) : rc;
}

static int destroy(struct domain *d)
{
	domain_destroy(d);
	return 0;
}

static int op_DOMAIN_DESTROY(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	return on_domain(hv, req, destroy);
}

static int op_DOMAIN_PAUSE(struct vmhv *hv, const void *req, size_t len,
			   struct privcmd_reply *rep)
{
	return on_domain(hv, req, domain_pause);
}

static int op_DOMAIN_UNPAUSE(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	return on_domain(hv, req, domain_unpause);
}

static int op_DOMAIN_GETINFO(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	const struct privcmd_domid *r = req;
	struct privcmd_dominfo info;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	domain_getinfo(d, &info);
	return reply_put(rep, &info, sizeof(info));
}

static int op_DOMAIN_GETINFOLIST(struct vmhv *hv, const void *req, size_t len,
				 struct privcmd_reply *rep)
{
	const struct privcmd_getinfolist *r = req;
	struct { uint32_t nr, pad; } head = { 0, 0 };
	struct privcmd_dominfo info;
	uint32_t max = r->max;

	if (max > PRIVCMD_GETINFOLIST_MAX)
		max = PRIVCMD_GETINFOLIST_MAX;
	rep->len = sizeof(head);
	/* Stop once every live domain is listed: the id space is 32k wide, the
	 * live domains usually a few hundred at the start of it. */
	for (uint32_t id = r->first_domid;
	     id <= PRIVCMD_MAX_DOMID && head.nr < max && head.nr < hv->nr_domains; id++) {
		struct domain *d = domain_lookup(hv, id);

		if (!d)
			continue;
		domain_getinfo(d, &info);
		reply_put(rep, &info, sizeof(info));
		head.nr++;
	}
	memcpy(rep->buf, &head, sizeof(head));
	return 0;
}

static int op_DOMAIN_MAX_MEM(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	const struct privcmd_max_mem *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->max_kb / 4 > PRIVCMD_MAX_PAGES)
		return -EINVAL;
	d->max_pages = r->max_kb / 4;
	return 0;
}

static int op_DOMAIN_MAX_VCPUS(struct vmhv *hv, const void *req, size_t len,
			       struct privcmd_reply *rep)
{
	const struct privcmd_domid_u32 *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	/* Xen allows setting it only before the vCPUs exist. */
	if (r->value < 1 || r->value > PRIVCMD_MAX_VCPUS)
		return -EINVAL;
	if (d->started)
		return -EBUSY;
	d->max_vcpus = r->value;
	return 0;
}

static int op_DOMAIN_SHUTDOWN(struct vmhv *hv, const void *req, size_t len,
			      struct privcmd_reply *rep)
{
	const struct privcmd_domid_u32 *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->value > 5)
		return -EINVAL;
	domain_shutdown(d, r->value);
	return 0;
}

static int op_DMESG(struct vmhv *hv, const void *req, size_t len,
		    struct privcmd_reply *rep)
{
	const struct privcmd_dmesg_req *r = req;
	struct privcmd_dmesg out;
	uint64_t pos = r->from;
	size_t n;

	if (r->flags & ~PRIVCMD_DMESG_CLEAR)
		return -EINVAL;
	n = dmesg_read(&hv->dmesg, &pos, (char *)rep->buf + sizeof(out),
		       rep->cap - sizeof(out));
	out.next = pos;
	memcpy(rep->buf, &out, sizeof(out));
	rep->len = sizeof(out) + n;
	if (r->flags & PRIVCMD_DMESG_CLEAR)
		dmesg_clear(&hv->dmesg);
	return 0;
}

static int op_FOREIGN_MAP(struct vmhv *hv, const void *req, size_t len,
			  struct privcmd_reply *rep)
{
	const struct privcmd_domid *r = req;
	struct privcmd_foreign_map out;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	out.nr_frames = d->mem.nr_frames;
	out.ram_frames = d->mem.ram_frames;
	rep->fd = d->mem.fd;
	return reply_put(rep, &out, sizeof(out));
}

static int op_SETVCPUCONTEXT(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	const struct privcmd_vcpucontext *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->vcpu >= d->max_vcpus)
		return -EINVAL;
	if (d->started)
		return -EBUSY;
	if (r->vcpu == 0) {
		d->boot_regs = r->regs;
		d->ctx_set = true;
		return 0;
	}
	/* A secondary vCPU restored parked in VCPUOP_down: initialised, not
	 * online; the guest's VCPUOP_up starts it from these registers. */
	d->vcpu_regs[r->vcpu] = r->regs;
	d->vcpu_regs_boot |= 1u << r->vcpu;
	d->vcpus[r->vcpu].initialised = true;
	return 0;
}

static int op_GETVCPUCONTEXT(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	const struct privcmd_domid_u32 *r = req;
	struct privcmd_vcpucontext out = { 0 };
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->value >= d->max_vcpus)
		return -EINVAL;
	/* A secondary vCPU's registers mean something only while it is
	 * parked in VCPUOP_down (sent as it entered the call). */
	if (r->value != 0 && !((d->vcpu_regs_valid >> r->value) & 1 && d->vcpus[r->value].parked))
		return -ENODATA;
	out.domid = d->domid;
	out.vcpu = r->value;
	if (d->vcpu_regs_valid & (1u << r->value))
		out.regs = d->vcpu_regs[r->value];
	else if (r->value == 0)
		out.regs = d->boot_regs;
	return reply_put(rep, &out, sizeof(out));
}

static int op_HYPERCALL_INIT(struct vmhv *hv, const void *req, size_t len,
			     struct privcmd_reply *rep)
{
	const struct privcmd_hypercall_init *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->gmfn >= d->mem.ram_frames)
		return -EINVAL;
	d->hypercall_gmfn = r->gmfn;
	return 0;
}

static int op_EVTCHN_ALLOC_UNBOUND(struct vmhv *hv, const void *req, size_t len,
				   struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_alloc_unbound *r = req;
	struct privcmd_evtchn_port out = { 0 };
	int rc;

	if (!domain_lookup(hv, r->dom))
		return -ESRCH;
	rc = evtchn_alloc_unbound(hv, r->dom, r->remote_dom, &out.port);
	return rc < 0 ? rc : reply_put(rep, &out, sizeof(out));
}

/* A fresh eventfd for a dom0 port; the reply passes it and closes ours. */
static int dom0_port_fd(struct vmhv *hv, struct privcmd_reply *rep, uint32_t port)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int keep;

	if (fd < 0)
		return -errno;
	keep = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (keep < 0) {
		close(fd);
		return -errno;
	}
	evtchn_dom0_attach(hv, port, keep, rep->client);
	rep->fd = fd;
	rep->close_fd = true;
	return 0;
}

/* A new dom0 port (bound with result `rc`): reply with it and its eventfd,
 * or close it again if that fails. */
static int reply_dom0_port(struct vmhv *hv, struct privcmd_reply *rep, int rc,
			   const struct privcmd_evtchn_port *out)
{
	if (rc == 0)
		rc = dom0_port_fd(hv, rep, out->port);
	if (rc < 0) {
		if (out->port)
			evtchn_close(hv, 0, out->port);
		return rc;
	}
	return reply_put(rep, out, sizeof(*out));
}

static int op_EVTCHN_BIND_INTERDOMAIN(struct vmhv *hv, const void *req, size_t len,
				      struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_bind_interdomain *r = req;
	struct privcmd_evtchn_port out = { 0 };
	int rc;

	if (r->remote_dom == 0)
		return -EINVAL;
	rc = evtchn_bind_interdomain(hv, 0, r->remote_dom, r->remote_port, &out.port);
	return reply_dom0_port(hv, rep, rc, &out);
}

static int op_EVTCHN_BIND_VIRQ(struct vmhv *hv, const void *req, size_t len,
			       struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;
	struct privcmd_evtchn_port out = { 0 };
	int rc;

	rc = evtchn_dom0_bind_virq(hv, r->port, rep->client, &out.port);
	return reply_dom0_port(hv, rep, rc, &out);
}

static int op_EVTCHN_NOTIFY(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;

	if (!evtchn_dom0_owned(hv, r->port, rep->client))
		return -EBADF;
	return evtchn_send(hv, 0, r->port);
}

static int op_EVTCHN_DIRECT(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;
	struct privcmd_evtchn_direct out;
	int rc = evtchn_direct_get(hv, r->port, rep->client, &out);

	return rc < 0 ? rc : reply_put(rep, &out, sizeof(out));
}

static int op_EVTCHN_KICK(struct vmhv *hv, const void *req, size_t len,
			  struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;

	return evtchn_direct_kick(hv, r->port, rep->client);
}

static int op_EVTCHN_CLOSE(struct vmhv *hv, const void *req, size_t len,
			   struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;

	if (!evtchn_dom0_owned(hv, r->port, rep->client))
		return -EBADF;
	return evtchn_close(hv, 0, r->port);
}

static int op_GNTTAB_MAP(struct vmhv *hv, const void *req, size_t len,
			 struct privcmd_reply *rep)
{
	const struct privcmd_gnttab_map *r = req;
	struct privcmd_gnttab_mapped out = { 0 };
	int rc;

	if (r->flags & ~PRIVCMD_GNT_READONLY)
		return -EINVAL;
	rc = gnttab_dom0_map(hv, r->domid, r->ref, !(r->flags & PRIVCMD_GNT_READONLY),
			     rep->client, &out.frame, &out.handle);
	return rc < 0 ? rc : reply_put(rep, &out, sizeof(out));
}

/* GNTTAB_UNMAP reuses struct privcmd_evtchn_port's one number: the handle. */
static int op_GNTTAB_UNMAP(struct vmhv *hv, const void *req, size_t len,
			   struct privcmd_reply *rep)
{
	const struct privcmd_evtchn_port *r = req;

	return gnttab_dom0_unmap(hv, r->port, rep->client);
}

static int dirty_enable(struct domain *d)
{
	return d->shutdown ? -EINVAL : d->engine->dirty_enable(d);
}

static int op_DIRTY_ENABLE(struct vmhv *hv, const void *req, size_t len,
			   struct privcmd_reply *rep)
{
	return on_domain(hv, req, dirty_enable);
}

static int op_DIRTY_READ(struct vmhv *hv, const void *req, size_t len,
			 struct privcmd_reply *rep)
{
	const struct privcmd_dirty_read *r = req;
	size_t bytes;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->nr == 0 || r->nr > PRIVCMD_DIRTY_MAX)
		return -EINVAL;
	bytes = (size_t)((r->nr + 63) / 64 * 8);
	memset(rep->buf, 0, bytes);
	rc = d->engine->dirty_read(d, r->first, r->nr, rep->buf);
	if (rc == 0)
		rep->len = bytes;
	return rc;
}

static int dirty_disable(struct domain *d)
{
	d->engine->dirty_disable(d);
	return 0;
}

static int op_DIRTY_DISABLE(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	return on_domain(hv, req, dirty_disable);
}

static int op_SETTIMEOFFSET(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_timeoffset *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	/* A century either way is more than any time zone needs. */
	if (r->seconds > 3155760000ll || r->seconds < -3155760000ll)
		return -EINVAL;
	d->time_offset_s = r->seconds;
	if (d->started && !d->shutdown)
		pvclock_update(&hv->clock, d);
	return 0;
}

static int op_HVM_PARAM_GET(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	struct privcmd_hvm_param out = *(const struct privcmd_hvm_param *)req;
	int rc;
	struct domain *d = req_domain(hv, out.domid, &rc);

	if (!d)
		return rc;
	if (out.index >= PRIVCMD_HVM_NR_PARAMS)
		return -EINVAL;
	out.value = d->hvm_params[out.index];
	return reply_put(rep, &out, sizeof(out));
}

static int op_HVM_PARAM_SET(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	const struct privcmd_hvm_param *r = req;
	int rc;
	struct domain *d = req_domain(hv, r->domid, &rc);

	if (!d)
		return rc;
	if (r->index >= PRIVCMD_HVM_NR_PARAMS)
		return -EINVAL;
	d->hvm_params[r->index] = r->value;
	hvm_param_changed(d, r->index);
	return 0;
}

static int op_DOMAIN_RESUME(struct vmhv *hv, const void *req, size_t len,
			    struct privcmd_reply *rep)
{
	return on_domain(hv, req, domain_resume);
}

static int op_GNTTAB_COPY(struct vmhv *hv, const void *req, size_t len,
			  struct privcmd_reply *rep)
{
	size_t n = len / sizeof(struct privcmd_gnttab_copy);

	if (len % sizeof(struct privcmd_gnttab_copy) || n > PRIVCMD_GNTCOPY_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		struct privcmd_gnttab_copy op;

		memcpy(&op, (const char *)req + i * sizeof(op), sizeof(op));
		op.status = (int16_t)gnttab_dom0_copy(hv, &op);
		reply_put(rep, &op, sizeof(op));
	}
	return 0;
}

/* Batches are checked as a whole first (a whole number of entries, not
 * too many), then every entry is served on its own, as the single op would
 * be; the reply is the array with each entry's result. */
static int batch_count(size_t len, size_t entry, size_t *n)
{
	*n = len / entry;
	return len % entry || *n == 0 || *n > PRIVCMD_GNTMAP_MAX ? -EINVAL : 0;
}

static int op_GNTTAB_MAP_BATCH(struct vmhv *hv, const void *req, size_t len,
			       struct privcmd_reply *rep)
{
	struct privcmd_gnttab_map_entry e;
	size_t n;
	int rc = batch_count(len, sizeof(e), &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		memcpy(&e, (const char *)req + i * sizeof(e), sizeof(e));
		e.frame = 0;
		e.handle = 0;
		if (e.flags & ~PRIVCMD_GNT_READONLY)
			e.status = GNTST_general_error;
		else
			e.status = gnttab_dom0_map_st(hv, e.domid, e.ref,
						      !(e.flags & PRIVCMD_GNT_READONLY),
						      rep->client, &e.frame, &e.handle);
		rc = reply_put(rep, &e, sizeof(e));
	}
	return rc;
}

static int op_GNTTAB_UNMAP_BATCH(struct vmhv *hv, const void *req, size_t len,
				 struct privcmd_reply *rep)
{
	struct privcmd_gnttab_unmap_entry e;
	size_t n;
	int rc = batch_count(len, sizeof(e), &n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		memcpy(&e, (const char *)req + i * sizeof(e), sizeof(e));
		e.status = gnttab_dom0_unmap(hv, e.handle, rep->client) < 0 ? GNTST_bad_handle
									      : GNTST_okay;
		rc = reply_put(rep, &e, sizeof(e));
	}
	return rc;
}

static const privcmd_handler handlers[PRIVCMD_OP_MAX] = {
#define OP_HANDLER(name, nr, size, exact) [nr] = op_##name,
	PRIVCMD_OPS(OP_HANDLER)
#undef OP_HANDLER
};

int privcmd_dispatch(struct vmhv *hv, unsigned op, const void *req, size_t len,
		     struct privcmd_reply *rep)
{
	if (op >= PRIVCMD_OP_MAX || !handlers[op])
		return -ENOSYS;
	return handlers[op](hv, req, len, rep);
}
