/* A small XenStore client for the tests, speaking the wire protocol either
 * on a UNIX socket or, as a simulated guest, on a ring page in memory.
 * The server runs in the same thread: waiting for a reply pumps its event
 * loop.  Watch events that arrive while waiting for a reply are kept and
 * returned by xsc_event(). */
#ifndef VMCTL_TESTS_XENSTORE_XSC_H
#define VMCTL_TESTS_XENSTORE_XSC_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/evloop.h"
#include "vmctl/xen/io/xs_wire.h"
#include "xld/xenstore/xenstored.h"

#define XSC_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 64)
#define XSC_EVENTS 64

struct xsc_msg {
	struct xsd_sockmsg h;
	char body[XENSTORE_PAYLOAD_MAX + 64];
};

struct xsc {
	struct evloop *loop;
	struct xenstored *xs;
	int fd;                                /* socket client, or -1 */
	struct xenstore_domain_interface *ring; /* ring client, or NULL */
	uint32_t domid;
	int kicks;                             /* notifications from the server */
	uint32_t next_req;
	char in[2 * XSC_MAX];
	size_t have;
	struct xsc_msg ev[XSC_EVENTS];
	int nev;
};

static void xsc_notify(void *arg)
{
	((struct xsc *)arg)->kicks++;
}

static inline int xsc_connect(struct xsc *c, struct evloop *loop, struct xenstored *xs,
			      const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->xs = xs;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* A guest: its ring page is plain memory here. */
static inline int xsc_guest(struct xsc *c, struct evloop *loop, struct xenstored *xs,
			    uint32_t domid)
{
	memset(c, 0, sizeof(*c));
	c->loop = loop;
	c->xs = xs;
	c->fd = -1;
	c->domid = domid;
	c->ring = calloc(1, 4096);
	if (!c->ring)
		return -ENOMEM;
	return xenstored_ring_attach(xs, domid, c->ring, xsc_notify, c);
}

static inline void xsc_close(struct xsc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->ring) {
		xenstored_ring_detach(c->xs, c->domid);
		free(c->ring);
	}
	c->fd = -1;
	c->ring = NULL;
}

static inline void ring_put(struct xsc *c, const char *p, size_t len)
{
	struct xenstore_domain_interface *r = c->ring;

	while (len) {
		uint32_t prod = r->req_prod, room = XENSTORE_RING_SIZE - (prod - r->req_cons);
		uint32_t n = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
		n = n < room ? n : room;
		n = n < len ? n : (uint32_t)len;
		memcpy(r->req + MASK_XENSTORE_IDX(prod), p, n);
		__atomic_store_n(&r->req_prod, prod + n, __ATOMIC_RELEASE);
		p += n;
		len -= n;
		xenstored_ring_kick(c->xs, c->domid);
	}
}

/* Raw bytes to the server. */
static inline int xsc_raw(struct xsc *c, const void *p, size_t len)
{
	if (c->ring) {
		ring_put(c, p, len);
		return 0;
	}
	return send(c->fd, p, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -errno;
}

static inline int xsc_send(struct xsc *c, uint32_t type, uint32_t tx, const void *p,
			   uint32_t len)
{
	char buf[XSC_MAX];
	struct xsd_sockmsg h = { type, ++c->next_req, tx, len };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), p, len);
	return xsc_raw(c, buf, sizeof(h) + len);
}

static inline void ring_take(struct xsc *c)
{
	struct xenstore_domain_interface *r = c->ring;
	uint32_t cons = r->rsp_cons, prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);

	while (cons != prod && c->have < sizeof(c->in))
		c->in[c->have++] = r->rsp[MASK_XENSTORE_IDX(cons++)];
	__atomic_store_n(&r->rsp_cons, cons, __ATOMIC_RELEASE);
	xenstored_ring_kick(c->xs, c->domid);
}

/* Next message from the server; -EPIPE on EOF, -ETIMEDOUT if none comes. */
static inline int xsc_recv(struct xsc *c, struct xsc_msg *m)
{
	for (int round = 0; round < 300; round++) {
		struct xsd_sockmsg h;
		if (c->have >= sizeof(h)) {
			memcpy(&h, c->in, sizeof(h));
			size_t total = sizeof(h) + h.len;
			if (h.len <= XENSTORE_PAYLOAD_MAX + 16 && c->have >= total) {
				m->h = h;
				memcpy(m->body, c->in + sizeof(h), h.len);
				m->body[h.len] = '\0';
				memmove(c->in, c->in + total, c->have - total);
				c->have -= total;
				return 0;
			}
		}
		if (c->ring) {
			ring_take(c);
		} else {
			ssize_t r = recv(c->fd, c->in + c->have, sizeof(c->in) - c->have, MSG_DONTWAIT);
			if (r == 0)
				return -EPIPE;
			if (r > 0) {
				c->have += (size_t)r;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -EPIPE;
		}
		evloop_run_once(c->loop, round < 3 ? 0 : 10);
	}
	return -ETIMEDOUT;
}

/* The reply to the last request; watch events on the way are kept. */
static inline int xsc_reply(struct xsc *c, struct xsc_msg *m)
{
	int rc;

	while ((rc = xsc_recv(c, m)) == 0 && m->h.type == XS_WATCH_EVENT) {
		if (c->nev < XSC_EVENTS)
			c->ev[c->nev++] = *m;
	}
	return rc;
}

static inline int err_of(const char *name)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (strcmp(xsd_errors[i].errstring, name) == 0)
			return -xsd_errors[i].errnum;
	}
	return -9999;
}

/* Request/reply: 0 with the reply in *m, or -errno from an XS_ERROR. */
static inline int xsc_rpc(struct xsc *c, uint32_t type, uint32_t tx, const void *p,
			  uint32_t len, struct xsc_msg *m)
{
	int rc = xsc_send(c, type, tx, p, len);

	if (rc == 0)
		rc = xsc_reply(c, m);
	if (rc == 0 && m->h.type == XS_ERROR)
		rc = err_of(m->body);
	return rc;
}

/* Request with string arguments "a", "b", ... each sent NUL-terminated. */
static inline int xsc_cmd(struct xsc *c, uint32_t type, uint32_t tx, struct xsc_msg *m,
			  const char *a, const char *b)
{
	char buf[XSC_MAX];
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;

	memcpy(buf, a, la);
	if (b)
		memcpy(buf + la, b, lb);
	return xsc_rpc(c, type, tx, buf, (uint32_t)(la + lb), m);
}

static inline int xsc_write(struct xsc *c, uint32_t tx, const char *path, const char *val)
{
	char buf[XSC_MAX];
	struct xsc_msg m;
	size_t lp = strlen(path) + 1, lv = strlen(val);

	memcpy(buf, path, lp);
	memcpy(buf + lp, val, lv);
	return xsc_rpc(c, XS_WRITE, tx, buf, (uint32_t)(lp + lv), &m);
}

/* Read into a static buffer of the message; returns -errno or 0. */
static inline int xsc_read(struct xsc *c, uint32_t tx, const char *path, struct xsc_msg *m)
{
	return xsc_cmd(c, XS_READ, tx, m, path, NULL);
}

/* Pump until a watch event arrives (or one is kept); 0 and fills *m. */
static inline int xsc_event(struct xsc *c, struct xsc_msg *m)
{
	int rc;

	if (c->nev) {
		*m = c->ev[0];
		memmove(c->ev, c->ev + 1, (size_t)(c->nev - 1) * sizeof(c->ev[0]));
		c->nev--;
		return 0;
	}
	rc = xsc_recv(c, m);
	return rc == 0 && m->h.type != XS_WATCH_EVENT ? -EPROTO : rc;
}

/* True if no event is pending after the server had a chance to run. */
static inline bool xsc_no_event(struct xsc *c)
{
	struct xsc_msg m;

	/* A round trip guarantees anything queued before it has arrived. */
	if (xsc_cmd(c, XS_GET_DOMAIN_PATH, 0, &m, "0", NULL) != 0)
		return false;
	return c->nev == 0;
}

static inline uint32_t xsc_tx_start(struct xsc *c)
{
	struct xsc_msg m;

	return xsc_rpc(c, XS_TRANSACTION_START, 0, "", 1, &m) == 0 ? (uint32_t)atoi(m.body) : 0;
}

#endif
