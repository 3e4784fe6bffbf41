/* Watches: a (path, token) pair per connection.  A change to a node fires
 * every watch on it or on an ancestor (within the watch's depth); removing
 * a subtree also fires the watches below it, with the watched path as the
 * event path.  Connections only hear of nodes they may read.  Direct
 * (in-process) watches run their callback later from the event loop, never
 * inside the store call that caused them. */
#include "xld/xenstore/xs.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct xs_local_event {
	struct xs_local_event *next;
	struct xs_watch *w;
	uint64_t serial;
	char *path;
};

int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative,
		 int depth, xenstored_watch_cb cb, void *arg, struct xs_watch **out)
{
	const struct xs_quota *q = xs_conn_quota(c);
	struct xs_watch *w, **tail = &c->watches;

	for (w = c->watches; w; w = w->next) {
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
			return -EEXIST;
		tail = &w->next;
	}
	if (q && c->dom && c->dom->nwatches >= q->watches)
		return -E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->path = strdup(path);
	w->token = strdup(token);
	if (!w->path || !w->token) {
		free(w->path);
		free(w->token);
		free(w);
		return -ENOMEM;
	}
	w->relative = relative;
	w->depth = depth;
	w->cb = cb;
	w->arg = arg;
	w->serial = ++c->xs->watch_serial;
	*tail = w;
	if (c->dom)
		c->dom->nwatches++;
	if (out)
		*out = w;
	return 0;
}

static void watch_free(struct xs_conn *c, struct xs_watch *w)
{
	if (c->dom && c->dom->nwatches)
		c->dom->nwatches--;
	free(w->path);
	free(w->token);
	free(w);
}

int xs_watch_del(struct xs_conn *c, const char *path, const char *token)
{
	for (struct xs_watch **p = &c->watches; *p; p = &(*p)->next) {
		struct xs_watch *w = *p;
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
			*p = w->next;
			watch_free(c, w);
			return 0;
		}
	}
	return -ENOENT;
}

void xs_watch_free_all(struct xs_conn *c)
{
	while (c->watches) {
		struct xs_watch *w = c->watches;
		c->watches = w->next;
		watch_free(c, w);
	}
}

/* Does a change at `path` concern `w`?  *epath is the path to report. */
static bool watch_matches(const struct xs_watch *w, const char *path, bool recurse,
			  const char **epath)
{
	if (xs_path_is_special(path) || xs_path_is_special(w->path)) {
		*epath = path;
		return strcmp(w->path, path) == 0;
	}
	if (xs_path_is_below(w->path, path)) {
		*epath = path;
		return w->depth < 0 || xs_path_depth(path) - xs_path_depth(w->path) <= w->depth;
	}
	if (recurse && xs_path_is_below(path, w->path)) {
		*epath = w->path;
		return true;
	}
	return false;
}

void xs_watch_fire(struct xenstored *xs, const char *path, const struct xs_perm *p,
		   uint32_t np, bool recurse)
{
	for (struct xs_conn *c = xs->conns; c; c = c->next) {
		if (c->failed || !(xs_perms_access(c, p, np) & XS_PERM_READ))
			continue;
		for (struct xs_watch *w = c->watches; w; w = w->next) {
			const char *epath;
			if (watch_matches(w, path, recurse, &epath))
				xs_watch_fire_one(c, w, epath);
		}
	}
}

static void local_timer_cb(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct xenstored *xs = arg;

	(void)loop;
	(void)t;
	xs->lev_timer = NULL;
	xs_local_deliver(xs);
}

static void local_queue(struct xenstored *xs, struct xs_watch *w, const char *path)
{
	struct xs_local_event *e = calloc(1, sizeof(*e));

	if (!e || !(e->path = strdup(path))) {
		free(e);
		return;
	}
	e->w = w;
	e->serial = w->serial;
	*xs->lev_tail = e;
	xs->lev_tail = &e->next;
	if (!xs->lev_timer && xs->loop)
		xs->lev_timer = evloop_timer(xs->loop, 0, 0, local_timer_cb, xs);
}

/* Identical events still waiting in the queue are sent once. */
static bool already_queued(const struct xs_conn *c, const char *payload, uint32_t len)
{
	for (const struct xs_msg *m = c->out_head; m; m = m->next) {
		struct xsd_sockmsg h;
		memcpy(&h, m->data, sizeof(h));
		if (m->off == 0 && h.type == XS_WATCH_EVENT && h.len == len &&
		    memcmp(m->data + sizeof(h), payload, len) == 0)
			return true;
	}
	return false;
}

void xs_watch_fire_one(struct xs_conn *c, struct xs_watch *w, const char *path)
{
	const char *epath = w->relative ? xs_path_for_conn(c, path) : path;
	size_t pl = strlen(epath) + 1, tl = strlen(w->token) + 1;
	char *payload;

	if (w->cb) {
		local_queue(c->xs, w, path);
		return;
	}
	payload = malloc(pl + tl);
	if (!payload)
		return;
	memcpy(payload, epath, pl);
	memcpy(payload + pl, w->token, tl);
	if (xs_path_is_special(epath) || !already_queued(c, payload, (uint32_t)(pl + tl)))
		xs_conn_send(c, XS_WATCH_EVENT, 0, 0, payload, (uint32_t)(pl + tl), false);
	free(payload);
}

static bool local_watch_alive(struct xenstored *xs, const struct xs_local_event *e)
{
	for (const struct xs_watch *x = xs->local->watches; x; x = x->next) {
		if (x == e->w && x->serial == e->serial)
			return true;
	}
	return false;
}

void xs_local_deliver(struct xenstored *xs)
{
	while (xs->lev_head) {
		struct xs_local_event *e = xs->lev_head;
		xs->lev_head = e->next;
		if (!xs->lev_head)
			xs->lev_tail = &xs->lev_head;
		if (local_watch_alive(xs, e))
			e->w->cb(e->w->arg, e->path, e->w->token);
		free(e->path);
		free(e);
	}
}

void xs_local_drop(struct xenstored *xs)
{
	while (xs->lev_head) {
		struct xs_local_event *e = xs->lev_head;
		xs->lev_head = e->next;
		free(e->path);
		free(e);
	}
	xs->lev_tail = &xs->lev_head;
}
