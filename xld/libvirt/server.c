/* The libvirt socket: accept clients, cut the byte stream into packets by
 * their length word, hand each packet to lv_dispatch() and queue the
 * answer. Every limit protects xld from one client: a length outside
 * 28 .. 16 MiB + 4, an undecodable packet or 64 MiB of unread answers
 * (the output queue is an xdr_out with that limit) drops that client only, and no read or write blocks the event loop. */
#include "xld/libvirt/libvirt.h"
#include "xld/libvirt/lv.h"
#include "xld/xld.h"
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

#define LV_MAX_CONNS 256
#define LV_MAX_OUT (64u << 20)
#define LV_READ_CHUNK (64u << 10)

struct lv_conn {
	struct lv_server *srv;
	int fd;
	struct ev_watch *watch;
	struct lv_session sess;
	uint8_t *in;
	size_t in_len, in_cap;
	struct xdr_out out;          /* answers not yet sent, from out_off on */
	size_t out_off;
	struct lv_conn *next;
};

struct lv_server {
	struct xld *xld;
	struct listener *listener;
	struct lv_conn *conns;
	unsigned nconns;
};

static void conn_free(struct lv_conn *c)
{
	struct lv_server *srv = c->srv;

	for (struct lv_conn **p = &srv->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	srv->nconns--;
	evloop_unwatch(srv->xld->loop, c->watch);
	close(c->fd);
	free(c->in);
	xdr_out_dispose(&c->out);
	free(c);
}

/* Send what we can; false if the peer is gone. */
static bool conn_flush(struct lv_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t r = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return false;
		c->out_off += (size_t)r;
	}
	if (c->out_off == c->out.len) {
		xdr_out_reset(&c->out);
		c->out_off = 0;
	}
	evloop_modify(c->srv->xld->loop, c->watch, EPOLLIN | (c->out.len ? EPOLLOUT : 0));
	return true;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Handle every complete packet in the input; false to drop the client. */
static bool conn_packets(struct lv_conn *c)
{
	struct lv_server *srv = c->srv;
	size_t off = 0;

	while (c->in_len - off >= LV_LEN_SIZE) {
		uint32_t len = be32_at(c->in + off);
		if (len < LV_LEN_SIZE + LV_HEADER_SIZE || len - LV_LEN_SIZE > LV_MESSAGE_MAX) {
			log_warn("libvirt: client fd %d sent a packet length of %u; disconnecting", c->fd, len);
			return false;
		}
		if (c->in_len - off < len)
			break;
		int rc = lv_dispatch(srv->xld, &c->sess, c->in + off, len, &c->out);
		if (rc < 0) {
			log_warn("libvirt: client fd %d: %s; disconnecting", c->fd,
				 rc == -EBADMSG ? "malformed packet" : "too many answers unread");
			return false;
		}
		off += len;
	}
	c->in_len -= off;
	memmove(c->in, c->in + off, c->in_len);
	return conn_flush(c);
}

/* Room for at least one more chunk; the buffer grows with the data that
 * arrives, not with the length a client announces. */
static bool conn_grow(struct lv_conn *c)
{
	size_t want = c->in_len + LV_READ_CHUNK, cap = c->in_cap ? c->in_cap : LV_READ_CHUNK;

	if (want <= c->in_cap)
		return true;
	while (cap < want)
		cap *= 2;
	uint8_t *p = realloc(c->in, cap);
	if (!p)
		return false;
	c->in = p;
	c->in_cap = cap;
	return true;
}

static bool conn_read(struct lv_conn *c)
{
	for (;;) {
		if (!conn_grow(c))
			return false;
		ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return true;
		if (r <= 0)
			return false;
		c->in_len += (size_t)r;
		if (!conn_packets(c))
			return false;
	}
}

static void conn_event(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct lv_conn *c = arg;
	bool ok = true;

	(void)loop;
	(void)fd;
	if (events & EPOLLIN)
		ok = conn_read(c);
	if (ok && (events & EPOLLOUT))
		ok = conn_flush(c);
	if (ok && (events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
		ok = false;
	if (!ok)
		conn_free(c);
}

static void server_accept(void *arg, int cfd)
{
	struct lv_server *srv = arg;
	struct lv_conn *c;

	if (srv->nconns >= LV_MAX_CONNS || !(c = calloc(1, sizeof(*c)))) {
		log_warn("libvirt: refusing a client (%u connected)", srv->nconns);
		close(cfd);
		return;
	}
	c->srv = srv;
	c->fd = cfd;
	xdr_out_init(&c->out, LV_MAX_OUT);
	c->watch = evloop_watch(srv->xld->loop, cfd, EPOLLIN, conn_event, c);
	if (!c->watch) {
		close(cfd);
		free(c);
		return;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
}

struct lv_server *lv_server_new(struct xld *xld, const char *path, unsigned mode, int gid)
{
	struct lv_server *srv = calloc(1, sizeof(*srv));
	int rc = -ENOMEM;

	if (srv) {
		srv->xld = xld;
		srv->listener = listener_open(xld->loop, path, mode,
					      gid >= 0 ? (gid_t)gid : (gid_t)-1,
					      server_accept, srv, &rc);
	}
	if (srv && srv->listener)
		return srv;
	log_error("libvirt: cannot listen on %s: %s", path, strerror(-rc));
	free(srv);
	return NULL;
}

void lv_server_free(struct lv_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_free(srv->conns);
	listener_close(srv->listener);
	free(srv);
}
