/* A client connection, whatever carries its bytes: reassembles requests,
 * dispatches them, and queues replies and watch events.  The queue is
 * bounded (xs->out_max): a client that stops reading is dropped, never
 * waited for.  Input stops while too many replies are unsent, which is
 * how the `outstanding` quota is enforced without refusing anything. */
#include "xld/xenstore/xs.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define XS_PRIV_OUTSTANDING 256
#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))

struct xs_conn *xs_conn_new(struct xenstored *xs, const struct xs_transport_ops *ops,
			    void *tp, uint32_t domid, bool priv)
{
	struct xs_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->xs = xs;
	c->ops = ops;
	c->tp = tp;
	c->domid = domid;
	c->priv = priv;
	c->out_tail = &c->out_head;
	c->next_txid = 1;
	if (!priv && !(c->dom = xs_dom_get(xs, domid, true))) {
		free(c);
		return NULL;
	}
	c->next = xs->conns;
	xs->conns = c;
	return c;
}

static void out_drop(struct xs_conn *c)
{
	while (c->out_head) {
		struct xs_msg *m = c->out_head;
		c->out_head = m->next;
		free(m);
	}
	c->out_tail = &c->out_head;
	c->out_bytes = 0;
	c->out_replies = 0;
}

void xs_conn_free(struct xs_conn *c)
{
	struct xs_conn **p = &c->xs->conns;

	while (*p && *p != c)
		p = &(*p)->next;
	if (*p)
		*p = c->next;
	xs_watch_free_all(c);
	xs_tx_free_all(c);
	out_drop(c);
	if (c->dom && c->dom->conn == c)
		c->dom->conn = NULL;
	if (c->ops->close)
		c->ops->close(c);
	free(c);
}

void xs_conn_reset(struct xs_conn *c)
{
	xs_watch_free_all(c);
	xs_tx_free_all(c);
	out_drop(c);
	c->in_have = 0;
	c->failed = false;
	c->proto_error = false;
	c->paused = false;
}

void xs_conn_fail(struct xs_conn *c, const char *why)
{
	if (c->failed)
		return;
	log_warn("xenstored: dropping %s client (domain %u): %s", c->ops->name, c->domid, why);
	c->failed = true;
	out_drop(c);
	if (c->ops->flush)
		c->ops->flush(c);
}

static uint32_t outstanding_limit(const struct xs_conn *c)
{
	const struct xs_quota *q = xs_conn_quota(c);

	return q ? q->outstanding : XS_PRIV_OUTSTANDING;
}

size_t xs_conn_input(struct xs_conn *c, const char *buf, size_t len)
{
	size_t used = 0;

	while (used < len && !c->failed && !c->paused) {
		size_t take;
		if (c->in_have < sizeof(c->hdr)) {
			take = MIN_SZ(sizeof(c->hdr) - c->in_have, len - used);
			memcpy((char *)&c->hdr + c->in_have, buf + used, take);
		} else {
			take = MIN_SZ(sizeof(c->hdr) + c->hdr.len - c->in_have, len - used);
			memcpy(c->in_body + c->in_have - sizeof(c->hdr), buf + used, take);
		}
		used += take;
		c->in_have += (uint32_t)take;
		if (c->in_have == sizeof(c->hdr) && c->hdr.len > XENSTORE_PAYLOAD_MAX) {
			c->proto_error = true;
			xs_conn_fail(c, "request larger than XENSTORE_PAYLOAD_MAX");
			break;
		}
		if (c->in_have < sizeof(c->hdr) || c->in_have < sizeof(c->hdr) + c->hdr.len)
			continue;
		c->in_body[c->hdr.len] = '\0';
		c->in_have = 0;
		xs_ops_dispatch(c, &c->hdr, c->in_body);
		if (c->out_replies >= outstanding_limit(c))
			c->paused = true;
	}
	return used;
}

int xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		 const void *payload, uint32_t len, bool reply)
{
	struct xsd_sockmsg h = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = len };
	struct xs_msg *m;

	if (c->failed)
		return -EPIPE;
	if (c->out_bytes + sizeof(h) + len > c->xs->out_max) {
		xs_conn_fail(c, "output queue full (client not reading)");
		return -ENOBUFS;
	}
	m = malloc(sizeof(*m) + sizeof(h) + len);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->len = (uint32_t)sizeof(h) + len;
	m->off = 0;
	m->reply = reply;
	memcpy(m->data, &h, sizeof(h));
	if (len)
		memcpy(m->data + sizeof(h), payload, len);
	*c->out_tail = m;
	c->out_tail = &m->next;
	c->out_bytes += m->len;
	if (reply)
		c->out_replies++;
	if (c->ops->flush)
		c->ops->flush(c);
	return 0;
}

static const char *err_name(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	}
	return "EINVAL";
}

int xs_conn_send_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err)
{
	const char *name = err_name(err < 0 ? -err : err);

	return xs_conn_send(c, XS_ERROR, req->req_id, req->tx_id, name,
			    (uint32_t)strlen(name) + 1, true);
}

void xs_conn_sent(struct xs_conn *c, size_t n)
{
	struct xs_msg *m = c->out_head;

	m->off += (uint32_t)n;
	if (m->off < m->len)
		return;
	c->out_head = m->next;
	if (!c->out_head)
		c->out_tail = &c->out_head;
	c->out_bytes -= m->len;
	if (m->reply)
		c->out_replies--;
	free(m);
	if (c->paused && c->out_replies < outstanding_limit(c)) {
		c->paused = false;
		if (c->ops->resume)
			c->ops->resume(c);
	}
}
