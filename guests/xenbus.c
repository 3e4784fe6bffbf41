/* xenstore client over the shared ring.
 *
 * Messages are a struct xsd_sockmsg header and `len` payload bytes, written
 * byte-wise into 1 KiB rings with free-running indices; either side kicks
 * the event channel after moving an index.  Replies are matched by req_id;
 * everything of type XS_WATCH_EVENT is queued for xenbus_poll(). */
#include "kernel.h"
#include "schedop.h"

#define REPLY_TIMEOUT_NS (30 * NSEC_PER_SEC)

/* The error names xenstored may send, with our errno values. */
static const struct { const char *name; int err; } xs_errors[] = {
	{ "EINVAL", EINVAL }, { "EACCES", EACCES }, { "EEXIST", EEXIST },
	{ "EISDIR", EISDIR }, { "ENOENT", ENOENT }, { "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "ENOTEMPTY", ENOTEMPTY },
	{ "ENOSYS", ENOSYS }, { "EROFS", EROFS }, { "EBUSY", EBUSY },
	{ "EAGAIN", EAGAIN }, { "EISCONN", EISCONN }, { "E2BIG", E2BIG },
	{ "EPERM", EPERM },
};

static int error_from_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(xs_errors); i++)
		if (strcmp(name, xs_errors[i].name) == 0)
			return -xs_errors[i].err;
	return -EINVAL;
}

/* --- receiving ---------------------------------------------------------- */

static void queue_event(struct xenbus *xb)
{
	const char *path = xb->body;
	size_t plen = strnlen(path, xb->hdr.len);
	const char *token = plen < xb->hdr.len ? path + plen + 1 : "";
	struct xenbus_event *ev;

	xb->ev_gen++;
	if (xb->ev_tail - xb->ev_head >= XENBUS_EVENTS) {
		xb->ev_dropped++;
		return;
	}
	ev = &xb->events[xb->ev_tail++ % XENBUS_EVENTS];
	strlcpy(ev->path, path, sizeof(ev->path));
	strlcpy(ev->token, token, sizeof(ev->token));
}

static void message_done(struct xenbus *xb)
{
	uint32_t len = xb->hdr.len;

	xb->body[len] = '\0';
	if (xb->hdr.type == XS_WATCH_EVENT) {
		queue_event(xb);
		return;
	}
	if (!xb->waiting || xb->hdr.req_id != xb->wait_id)
		return;		/* a reply nobody waits for: drop it */
	xb->reply_rc = (int)len;
	if (xb->hdr.type == XS_ERROR)
		xb->reply_rc = error_from_name(xb->body);
	else if (xb->reply && xb->reply_size)
		memcpy(xb->reply, xb->body, MIN(len + 1, xb->reply_size));
	xb->done = true;
}

/* Take one byte off the ring into the message being assembled. */
static void receive_byte(struct xenbus *xb, char c)
{
	if (xb->got < sizeof(xb->hdr)) {
		((char *)&xb->hdr)[xb->got++] = c;
		if (xb->got == sizeof(xb->hdr) && xb->hdr.len > XENSTORE_PAYLOAD_MAX) {
			/* A broken server: drop the header and hope the next
			 * bytes start a message; a waiter times out. */
			printk("xenbus: message of %u bytes: protocol error\n",
			       xb->hdr.len);
			xb->got = 0;
			return;
		}
	} else {
		xb->body[xb->got++ - sizeof(xb->hdr)] = c;
	}
	if (xb->got == sizeof(xb->hdr) + xb->hdr.len) {
		message_done(xb);
		xb->got = 0;
	}
}

static bool ring_receive(struct kernel *k)
{
	struct xenbus *xb = &k->xb;
	struct xenstore_domain_interface *r = xb->ring;
	bool any = false;

	while (r) {
		XENSTORE_RING_IDX prod = __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX cons = r->rsp_cons;

		if (cons == prod)
			break;
		if (prod - cons > XENSTORE_RING_SIZE) {
			printk("xenbus: bad response indices\n");
			break;
		}
		while (cons != prod)
			receive_byte(xb, r->rsp[MASK_XENSTORE_IDX(cons++)]);
		__atomic_store_n(&r->rsp_cons, cons, __ATOMIC_RELEASE);
		events_notify(k, xb->port);
		any = true;
	}
	return any;
}

/* --- sending ------------------------------------------------------------ */

static bool ring_has_room(struct kernel *k, void *arg)
{
	struct xenstore_domain_interface *r = k->xb.ring;

	ring_receive(k);	/* the server may be waiting for us to read */
	return r->req_prod - __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE) <
	       XENSTORE_RING_SIZE;
}

static int ring_write(struct kernel *k, const void *data, size_t len)
{
	struct xenstore_domain_interface *r = k->xb.ring;
	const char *p = data;

	while (len) {
		int rc = sched_wait(k, ring_has_room, NULL, REPLY_TIMEOUT_NS);

		if (rc < 0)
			return rc;
		XENSTORE_RING_IDX prod = r->req_prod;
		XENSTORE_RING_IDX cons = __atomic_load_n(&r->req_cons, __ATOMIC_ACQUIRE);
		while (len && prod - cons < XENSTORE_RING_SIZE) {
			r->req[MASK_XENSTORE_IDX(prod++)] = *p++;
			len--;
		}
		__atomic_store_n(&r->req_prod, prod, __ATOMIC_RELEASE);
		events_notify(k, k->xb.port);
	}
	return 0;
}

struct xb_part {
	const void *data;
	size_t len;
};

static bool reply_arrived(struct kernel *k, void *arg)
{
	ring_receive(k);
	return k->xb.done;
}

/* Send one request and wait for its reply.  Returns the reply length or a
 * negative errno (from an XS_ERROR reply too). */
static int xb_request(struct kernel *k, uint32_t type, xenbus_tx_t tx,
		      const struct xb_part *parts, int nparts,
		      char *reply, size_t size)
{
	struct xenbus *xb = &k->xb;
	struct xsd_sockmsg hdr = { .type = type, .tx_id = tx };
	int rc;

	if (!xb->ring)
		return -ENODEV;
	if (xb->waiting)
		return -EBUSY;	/* one request at a time */
	for (int i = 0; i < nparts; i++)
		hdr.len += parts[i].len;
	if (hdr.len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	hdr.req_id = ++xb->next_id;
	xb->waiting = true;
	xb->done = false;
	xb->wait_id = hdr.req_id;
	xb->reply = reply;
	xb->reply_size = size;
	xb->requests++;
	rc = ring_write(k, &hdr, sizeof(hdr));
	for (int i = 0; rc == 0 && i < nparts; i++)
		rc = ring_write(k, parts[i].data, parts[i].len);
	if (rc == 0)
		rc = sched_wait(k, reply_arrived, NULL,
				xb->timeout_ns ? xb->timeout_ns : REPLY_TIMEOUT_NS);
	xb->waiting = false;
	if (rc < 0)
		return rc;
	return xb->reply_rc;
}

/* A request whose payload is one string with its NUL. */
static int xb_simple(struct kernel *k, uint32_t type, xenbus_tx_t tx,
		     const char *arg, char *reply, size_t size)
{
	struct xb_part part = { arg, strlen(arg) + 1 };

	return xb_request(k, type, tx, &part, 1, reply, size);
}

/* --- operations --------------------------------------------------------- */

int xenbus_read(struct kernel *k, xenbus_tx_t tx, const char *path,
		char *buf, size_t size)
{
	int rc = xb_simple(k, XS_READ, tx, path, buf, size);

	if (rc >= 0 && (size_t)rc >= size)
		return -ERANGE;
	if (rc >= 0)
		buf[rc] = '\0';
	return rc;
}

int xenbus_read_ull(struct kernel *k, xenbus_tx_t tx, const char *path,
		    unsigned long long *val)
{
	char buf[32];
	int rc = xenbus_read(k, tx, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	return str_to_ull(buf, val);
}

int xenbus_write(struct kernel *k, xenbus_tx_t tx, const char *path,
		 const char *value)
{
	struct xb_part parts[2] = {
		{ path, strlen(path) + 1 },
		{ value, strlen(value) },	/* values carry no NUL */
	};
	int rc = xb_request(k, XS_WRITE, tx, parts, 2, NULL, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_printf(struct kernel *k, xenbus_tx_t tx, const char *dir,
		  const char *node, const char *fmt, ...)
{
	char path[XENBUS_PATH_MAX], value[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	return xenbus_write(k, tx, path, value);
}

int xenbus_rm(struct kernel *k, xenbus_tx_t tx, const char *path)
{
	int rc = xb_simple(k, XS_RM, tx, path, NULL, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_directory(struct kernel *k, xenbus_tx_t tx, const char *path,
		     char *buf, size_t size)
{
	int rc = xb_simple(k, XS_DIRECTORY, tx, path, buf, size);
	int n = 0;

	if (rc < 0)
		return rc;
	if ((size_t)rc >= size)
		return -ERANGE;
	for (int i = 0; i < rc; i++)
		n += buf[i] == '\0';
	return n;
}

int xenbus_transaction_start(struct kernel *k, xenbus_tx_t *tx)
{
	char buf[16];
	unsigned long long id;
	int rc = xb_simple(k, XS_TRANSACTION_START, XBT_NIL, "", buf, sizeof(buf));

	if (rc < 0)
		return rc;
	buf[MIN((size_t)rc, sizeof(buf) - 1)] = '\0';
	if (str_to_ull(buf, &id) < 0 || !id)
		return -EIO;
	*tx = (xenbus_tx_t)id;
	return 0;
}

int xenbus_transaction_end(struct kernel *k, xenbus_tx_t tx, bool abort)
{
	int rc = xb_simple(k, XS_TRANSACTION_END, tx, abort ? "F" : "T", NULL, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_transact(struct kernel *k,
		    int (*fn)(struct kernel *k, xenbus_tx_t tx, void *arg),
		    void *arg)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		xenbus_tx_t tx;
		int rc = xenbus_transaction_start(k, &tx);
		int end;

		if (rc < 0)
			return rc;
		rc = fn(k, tx, arg);
		end = xenbus_transaction_end(k, tx, rc < 0);
		if (rc < 0)
			return rc;
		if (end != -EAGAIN)
			return end < 0 ? end : rc;
	}
	return -EAGAIN;
}

static int send_watch(struct kernel *k, uint32_t type, struct xenbus_watch *w)
{
	struct xb_part parts[2] = {
		{ w->path, strlen(w->path) + 1 },
		{ w->token, strlen(w->token) + 1 },
	};
	int rc = xb_request(k, type, XBT_NIL, parts, 2, NULL, 0);

	return rc < 0 ? rc : 0;
}

int xenbus_watch(struct kernel *k, struct xenbus_watch *w)
{
	int rc;

	snprintf(w->token, sizeof(w->token), "w%u", ++k->xb.watch_seq);
	rc = send_watch(k, XS_WATCH, w);
	if (rc < 0)
		return rc;
	w->next = k->xb.watches;
	k->xb.watches = w;
	w->registered = true;
	return 0;
}

int xenbus_unwatch(struct kernel *k, struct xenbus_watch *w)
{
	struct xenbus_watch **pp = &k->xb.watches;

	if (!w->registered)
		return 0;
	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->registered = false;
	return send_watch(k, XS_UNWATCH, w);
}

struct wait_gen {
	uint64_t gen;
};

static bool event_arrived(struct kernel *k, void *arg)
{
	ring_receive(k);
	return k->xb.ev_gen != ((struct wait_gen *)arg)->gen;
}

int xenbus_wait_int(struct kernel *k, const char *path,
		    bool (*accept)(unsigned long long v, void *arg), void *arg,
		    uint64_t timeout_ns, unsigned long long *val)
{
	uint64_t deadline = time_now(k) + timeout_ns;

	for (;;) {
		struct wait_gen wg = { k->xb.ev_gen };
		uint64_t now;

		if (xenbus_read_ull(k, XBT_NIL, path, val) == 0 && accept(*val, arg))
			return 0;
		now = time_now(k);
		if (now >= deadline)
			return -ETIMEDOUT;
		sched_wait(k, event_arrived, &wg, deadline - now);
	}
}

int xenbus_switch_state(struct kernel *k, const char *dir, int state)
{
	return xenbus_printf(k, XBT_NIL, dir, "state", "%d", state);
}

bool xenbus_poll(struct kernel *k)
{
	struct xenbus *xb = &k->xb;
	bool any = ring_receive(k);

	while (xb->ev_head != xb->ev_tail) {
		struct xenbus_event ev = xb->events[xb->ev_head++ % XENBUS_EVENTS];

		for (struct xenbus_watch *w = xb->watches; w; w = w->next) {
			if (strcmp(w->token, ev.token) == 0) {
				w->fn(k, w, ev.path);
				break;
			}
		}
		any = true;
	}
	return any;
}

/* --- connection --------------------------------------------------------- */

static void xenbus_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	/* The ring is read from the main loop or by a waiting request. */
}

static int connect_ring(struct kernel *k)
{
	struct xenbus *xb = &k->xb;
	struct start_info *si = k->si;
	int rc;

	if (!si->store_mfn || !si->store_evtchn)
		return -ENODEV;
	xb->ring = mm_mfn_to_virt(k, si->store_mfn);
	if (!xb->ring)
		return -EFAULT;
	xb->port = si->store_evtchn;
	xb->got = 0;
	rc = events_bind(k, xb->port, xenbus_event, NULL);
	if (rc < 0)
		xb->ring = NULL;
	return rc;
}

/* A ring nobody serves would make every request wait for its timeout:
 * ask something harmless first, and give up on xenstore if no answer
 * (an error answer is fine) comes within `timeout_ns`. */
static int probe_store(struct kernel *k, uint64_t timeout_ns)
{
	char buf[64];
	int rc;

	k->xb.timeout_ns = timeout_ns;
	rc = xenbus_read(k, XBT_NIL, "name", buf, sizeof(buf));
	k->xb.timeout_ns = 0;
	return rc == -ETIMEDOUT ? rc : 0;
}

int xenbus_init(struct kernel *k, uint64_t timeout_ns)
{
	int rc = connect_ring(k);

	if (rc == 0)
		rc = probe_store(k, timeout_ns);
	if (rc < 0)
		k->xb.ring = NULL;
	return rc;
}

void xenbus_suspend(struct kernel *k)
{
	k->xb.saved_ring = k->xb.ring;
	k->xb.ring = NULL;
	k->xb.ev_head = k->xb.ev_tail = 0;
}

void xenbus_resume_cancelled(struct kernel *k)
{
	k->xb.ring = k->xb.saved_ring;	/* same ring, same watches */
}

int xenbus_resume(struct kernel *k)
{
	int rc = connect_ring(k);

	/* The new xenstored knows nothing of our watches. */
	for (struct xenbus_watch *w = k->xb.watches; rc == 0 && w; w = w->next)
		rc = send_watch(k, XS_WATCH, w);
	return rc;
}
