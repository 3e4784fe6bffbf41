/* The UNIX socket transport.  Every socket client acts as dom0, as on C
 * xenstored's socket; access is controlled by the socket file's mode and
 * group.  Sockets are non-blocking: a reply that does not fit waits in the
 * connection's queue (EPOLLOUT), and a client whose queue overflows is
 * dropped. */
#include "xld/xenstore/xs.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/listener.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct xs_listener {
	struct xs_listener *next;
	struct listener *l;
};

struct xs_sock {
	struct xs_conn *c;
	int fd;
	struct ev_watch *w;
	uint32_t events;
	struct ev_timer *reap;  /* closes a failed connection */
	size_t off, len;        /* unprocessed input in buf */
	char buf[8192];
};

static void sock_update(struct xs_sock *s)
{
	struct xs_conn *c = s->c;
	bool leftover = s->off < s->len;
	uint32_t ev = 0;

	if (!c->failed && !c->paused)
		ev |= EPOLLIN;
	/* EPOLLOUT also brings us back to process input kept while paused,
	 * and to close a connection that failed outside our callback. */
	if (c->out_head || c->failed || (leftover && !c->paused))
		ev |= EPOLLOUT;
	if (ev != s->events && evloop_modify(c->xs->loop, s->w, ev) == 0)
		s->events = ev;
}

static void reap_cb(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct xs_sock *s = arg;

	(void)loop;
	(void)t;
	s->reap = NULL;
	xs_conn_free(s->c);
}

static void sock_flush(struct xs_conn *c)
{
	struct xs_sock *s = c->tp;

	/* A failed client may never become writable again (it stopped
	 * reading): close it from the loop, not from inside this call. */
	if (c->failed && !s->reap)
		s->reap = evloop_timer(c->xs->loop, 0, 0, reap_cb, s);

	while (!c->failed && c->out_head) {
		struct xs_msg *m = c->out_head;
		ssize_t r = send(s->fd, m->data + m->off, m->len - m->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r > 0) {
			xs_conn_sent(c, (size_t)r);
		} else if (r < 0 && errno == EINTR) {
			continue;
		} else {
			if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				xs_conn_fail(c, "write error");
			break;
		}
	}
	sock_update(s);
}

static void sock_resume(struct xs_conn *c)
{
	sock_update(c->tp);
}

static void sock_close(struct xs_conn *c)
{
	struct xs_sock *s = c->tp;

	evloop_unwatch(c->xs->loop, s->w);
	if (s->reap)
		evloop_timer_cancel(c->xs->loop, s->reap);
	close(s->fd);
	free(s);
}

static const struct xs_transport_ops sock_ops = {
	.name = "socket",
	.flush = sock_flush,
	.resume = sock_resume,
	.close = sock_close,
};

static void sock_feed(struct xs_sock *s)
{
	while (s->off < s->len && !s->c->failed && !s->c->paused)
		s->off += xs_conn_input(s->c, s->buf + s->off, s->len - s->off);
}

/* Returns false when the peer is gone. */
static bool sock_read(struct xs_sock *s)
{
	ssize_t r = read(s->fd, s->buf, sizeof(s->buf));

	if (r < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (r == 0)
		return false;
	s->off = 0;
	s->len = (size_t)r;
	sock_feed(s);
	return true;
}

static void sock_cb(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct xs_sock *s = arg;
	struct xs_conn *c = s->c;
	bool alive = true;

	(void)loop;
	(void)fd;
	if (events & EPOLLOUT)
		sock_flush(c);
	sock_feed(s);
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && s->off == s->len && !c->paused &&
	    !c->failed)
		alive = sock_read(s);
	if (!alive || c->failed) {
		xs_conn_free(c);
		return;
	}
	sock_update(s);
}

static void accept_cb(void *arg, int cfd)
{
	struct xenstored *xs = arg;
	struct xs_sock *s = calloc(1, sizeof(*s));

	if (s) {
		s->fd = cfd;
		s->events = EPOLLIN;
		s->w = evloop_watch(xs->loop, cfd, EPOLLIN, sock_cb, s);
	}
	if (s && s->w)
		s->c = xs_conn_new(xs, &sock_ops, s, 0, true);
	if (!s || !s->c) {
		log_error("xenstored: cannot serve a new client: out of memory");
		if (s)
			evloop_unwatch(xs->loop, s->w);
		free(s);
		close(cfd);
	}
}

int xenstored_listen(struct xenstored *xs, const char *path, mode_t mode, gid_t gid)
{
	struct xs_listener *n = calloc(1, sizeof(*n));
	int rc = -ENOMEM;

	if (n && (n->l = listener_open(xs->loop, path, mode, gid, accept_cb, xs, &rc))) {
		n->next = xs->listeners;
		xs->listeners = n;
		return 0;
	}
	free(n);
	return rc;
}

void xs_listeners_free(struct xenstored *xs)
{
	while (xs->listeners) {
		struct xs_listener *n = xs->listeners;

		xs->listeners = n->next;
		listener_close(n->l);
		free(n);
	}
}
