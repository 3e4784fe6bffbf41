/* The guest ring transport (xen-abi.md §3.5).  The page is shared with a
 * guest that may change any byte at any time: indices are read once per
 * pass and checked (a producer more than a ring ahead is an error), bytes
 * are copied out before they are looked at, and the guest is told through
 * `error` when it broke the protocol.  A guest sets connection = RECONNECT
 * to start afresh: everything of that connection is dropped. */
#include "xld/xenstore/xs.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

#define XS_RING_FEATURES \
	(XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR | \
	 XENSTORE_SERVER_FEATURE_WATCHDEPTH)

struct xs_ring {
	struct xs_conn *c;
	struct xenstore_domain_interface *intf;
	void (*notify)(void *arg);
	void *arg;
	bool kick;              /* guest must be notified */
	bool busy;              /* in ring_process: notify once at its end */
	struct ev_timer *resume;
};

static uint32_t load_acq(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_rel(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void ring_error(struct xs_ring *r, uint32_t err, const char *why)
{
	store_rel(&r->intf->error, err);
	r->kick = true;
	xs_conn_fail(r->c, why);
}

static void ring_notify(struct xs_ring *r)
{
	if (r->kick && r->notify)
		r->notify(r->arg);
	r->kick = false;
}

static void ring_push(struct xs_conn *c)
{
	struct xs_ring *r = c->tp;
	struct xenstore_domain_interface *in = r->intf;

	while (!c->failed && c->out_head) {
		struct xs_msg *m = c->out_head;
		uint32_t cons = load_acq(&in->rsp_cons), prod = in->rsp_prod;
		uint32_t used = prod - cons, n;
		if (used > XENSTORE_RING_SIZE) {
			ring_error(r, XENSTORE_ERROR_RINGIDX, "bad response ring indices");
			break;
		}
		n = XENSTORE_RING_SIZE - used;
		n = MIN(n, XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod));
		n = MIN(n, m->len - m->off);
		if (!n)
			break;
		memcpy(in->rsp + MASK_XENSTORE_IDX(prod), m->data + m->off, n);
		store_rel(&in->rsp_prod, prod + n);
		r->kick = true;
		xs_conn_sent(c, n);
	}
}

static void ring_flush(struct xs_conn *c)
{
	struct xs_ring *r = c->tp;

	/* The connection failed: tell the guest why. */
	if (c->failed && load_acq(&r->intf->error) == XENSTORE_ERROR_NONE) {
		store_rel(&r->intf->error,
			  c->proto_error ? XENSTORE_ERROR_PROTO : XENSTORE_ERROR_COMM);
		r->kick = true;
	}
	ring_push(c);
	if (!r->busy)
		ring_notify(r);
}

/* Take whole or partial requests from the request ring. */
static bool ring_pull(struct xs_ring *r)
{
	struct xenstore_domain_interface *in = r->intf;
	struct xs_conn *c = r->c;
	bool moved = false;

	while (!c->failed && !c->paused) {
		uint32_t prod = load_acq(&in->req_prod), cons = in->req_cons;
		uint32_t avail = prod - cons, n, took;
		if (avail > XENSTORE_RING_SIZE) {
			ring_error(r, XENSTORE_ERROR_RINGIDX, "bad request ring indices");
			break;
		}
		n = MIN(avail, XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons));
		if (!n)
			break;
		took = (uint32_t)xs_conn_input(c, in->req + MASK_XENSTORE_IDX(cons), n);
		store_rel(&in->req_cons, cons + took);
		if (took) {
			moved = true;
			r->kick = true;
		}
		if (took < n)
			break;
	}
	return moved;
}

static void ring_reconnect(struct xs_ring *r)
{
	struct xenstore_domain_interface *in = r->intf;

	xs_conn_reset(r->c);
	in->req_cons = in->req_prod = 0;
	in->rsp_cons = in->rsp_prod = 0;
	in->error = XENSTORE_ERROR_NONE;
	store_rel(&in->connection, XENSTORE_CONNECTED);
	r->kick = true;
}

static void ring_process(struct xs_ring *r)
{
	r->busy = true;
	if (load_acq(&r->intf->connection) == XENSTORE_RECONNECT)
		ring_reconnect(r);
	do
		ring_push(r->c);
	while (ring_pull(r));
	ring_push(r->c);
	r->busy = false;
	ring_notify(r);
}

static void resume_cb(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct xs_ring *r = arg;

	(void)loop;
	(void)t;
	r->resume = NULL;
	ring_process(r);
}

/* Input may flow again; continue from the event loop, not from inside
 * whatever call freed the queue. */
static void ring_resume(struct xs_conn *c)
{
	struct xs_ring *r = c->tp;

	if (!r->resume && c->xs->loop)
		r->resume = evloop_timer(c->xs->loop, 0, 0, resume_cb, r);
}

static void ring_close(struct xs_conn *c)
{
	struct xs_ring *r = c->tp;

	if (r->resume)
		evloop_timer_cancel(c->xs->loop, r->resume);
	free(r);
}

static const struct xs_transport_ops ring_ops = {
	.name = "ring",
	.flush = ring_flush,
	.resume = ring_resume,
	.close = ring_close,
};

int xenstored_ring_attach(struct xenstored *xs, uint32_t domid,
			  struct xenstore_domain_interface *ring,
			  void (*notify)(void *arg), void *arg)
{
	struct xs_dom *d = xs_dom_get(xs, domid, true);
	struct xs_ring *r;
	int rc;

	if (!d)
		return -ENOMEM;
	if (d->conn)
		return -EEXIST;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->intf = ring;
	r->notify = notify;
	r->arg = arg;
	r->c = xs_conn_new(xs, &ring_ops, r, domid, false);
	if (!r->c) {
		free(r);
		return -ENOMEM;
	}
	d->conn = r->c;
	ring->server_features = d->features ? d->features & XS_RING_FEATURES : XS_RING_FEATURES;
	rc = xs_dom_introduce(xs, domid);
	ring_process(r); /* the guest may have written before we came */
	return rc;
}

static struct xs_ring *ring_of(struct xenstored *xs, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(xs, domid, false);

	return d && d->conn ? d->conn->tp : NULL;
}

void xenstored_ring_kick(struct xenstored *xs, uint32_t domid)
{
	struct xs_ring *r = ring_of(xs, domid);

	if (r)
		ring_process(r);
}

void xenstored_ring_detach(struct xenstored *xs, uint32_t domid)
{
	struct xs_ring *r = ring_of(xs, domid);

	if (r)
		xs_conn_free(r->c);
}
