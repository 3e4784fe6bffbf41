/* The JSON-RPC transport: accept, frame lines, parse, dispatch, answer.
 * Every limit here protects xld from one client: a line longer than
 * RPC_MAX_LINE or an answer queue longer than RPC_MAX_OUT disconnects that
 * client only, and no read or write ever blocks the main loop. */
#include "xld/rpc/rpc.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define RPC_MAX_LINE (4u << 20)
#define RPC_MAX_OUT (64u << 20)
#define RPC_MAX_CONNS 256

struct rpc_conn {
	struct rpc_server *srv;
	int fd;
	struct ev_watch *watch;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	bool subscriber;
	bool dead;                   /* closed while a callback of it runs */
	bool eof;                    /* the client half-closed: answer, then close */
	size_t line_end;             /* offset after the line being handled */
	unsigned busy;
	struct rpc_req *pending;
	struct rpc_conn *next;
};

struct rpc_server {
	struct xld *xld;
	struct evloop *loop;
	struct listener *listener;
	struct rpc_conn *conns;
	unsigned nconns;
};

static void conn_close(struct rpc_conn *c);
static void conn_destroy(struct rpc_conn *c);

static void conn_update_events(struct rpc_conn *c)
{
	uint32_t ev = (c->eof ? 0 : EPOLLIN) | (c->out_len > c->out_off ? EPOLLOUT : 0);

	evloop_modify(c->srv->loop, c->watch, ev);
}

static void conn_flush(struct rpc_conn *c)
{
	if (c->dead)
		return;
	while (c->out_off < c->out_len) {
		ssize_t r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				c->out_off = c->out_len = 0; /* peer gone: drop, EPOLLHUP closes */
			break;
		}
		c->out_off += (size_t)r;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	conn_update_events(c);
}

/* Queue `len` bytes for the client; false if the client is too far behind. */
static bool conn_queue(struct rpc_conn *c, const char *buf, size_t len)
{
	size_t need = c->out_len + len;

	if (need > RPC_MAX_OUT)
		return false;
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < need)
			cap *= 2;
		char *p = realloc(c->out, cap);
		if (!p)
			return false;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return true;
}

static void req_free(struct rpc_req *req)
{
	if (req->conn) {
		struct rpc_req **p = &req->conn->pending;
		while (*p && *p != req)
			p = &(*p)->next;
		if (*p)
			*p = req->next;
	}
	yajl_gen_free(req->result);
	free(req->id);
	free(req);
}

/* A half-closed client is closed once its last answer has gone out. */
static void conn_maybe_done(struct rpc_conn *c)
{
	if (!c->dead && c->eof && !c->pending && c->out_off == c->out_len)
		conn_close(c);
}

/* Send `{"jsonrpc":"2.0","id":ID,KEY:BODY}\n` for a request. */
static void req_answer(struct rpc_req *req, const char *key, const char *body, size_t len)
{
	struct rpc_conn *c = req->conn;
	char head[256];
	const char *id = req->id ? req->id : "null";

	if (c && req->id) {
		int n = snprintf(head, sizeof(head), "{\"jsonrpc\":\"2.0\",\"id\":%s,\"%s\":", id, key);
		if (n > 0 && (size_t)n < sizeof(head) && conn_queue(c, head, (size_t)n) &&
		    conn_queue(c, body, len) && conn_queue(c, "}\n", 2)) {
			conn_flush(c);
		} else {
			conn_close(c); /* conn_close detaches req from c */
			c = NULL;
		}
	}
	req_free(req);
	if (c)
		conn_maybe_done(c);
}

void rpc_reply(struct rpc_req *req)
{
	const unsigned char *buf;
	size_t len;

	if (yajl_gen_get_buf(req->result, &buf, &len) != yajl_gen_status_ok || len == 0) {
		buf = (const unsigned char *)"null";
		len = 4;
	}
	req_answer(req, "result", (const char *)buf, len);
}

void rpc_error(struct rpc_req *req, int code, const char *fmt, ...)
{
	char msg[1024];
	const unsigned char *buf;
	size_t len;
	va_list ap;
	yajl_gen g = yajl_gen_alloc(NULL);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yajl_gen_map_open(g);
	rpc_gen_str(g, "code");
	yajl_gen_integer(g, code);
	rpc_gen_str(g, "message");
	rpc_gen_str(g, msg);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	req_answer(req, "error", (const char *)buf, len);
	yajl_gen_free(g);
}

/* The id as JSON text; ids may be strings, numbers or null. */
static char *id_to_json(yajl_val id, bool *bad)
{
	*bad = false;
	if (!id)
		return NULL;
	if (YAJL_IS_NULL(id))
		return strdup("null");
	if (YAJL_IS_NUMBER(id))
		return strdup(id->u.number.r);
	if (YAJL_IS_STRING(id)) {
		yajl_gen g = yajl_gen_alloc(NULL);
		const unsigned char *buf;
		size_t len;
		rpc_gen_str(g, id->u.string);
		yajl_gen_get_buf(g, &buf, &len);
		char *s = strndup((const char *)buf, len);
		yajl_gen_free(g);
		return s;
	}
	*bad = true;
	return strdup("null");
}

static struct rpc_req *req_new(struct rpc_conn *c, char *id)
{
	struct rpc_req *req = calloc(1, sizeof(*req));

	if (!req) {
		free(id);
		return NULL;
	}
	req->srv = c->srv;
	req->conn = c;
	req->id = id;
	req->result = yajl_gen_alloc(NULL);
	req->next = c->pending;
	c->pending = req;
	return req;
}

static void conn_handle_line(struct rpc_conn *c, char *line)
{
	char errbuf[256];
	bool bad_id;
	yajl_val root = yajl_tree_parse(line, errbuf, sizeof(errbuf));
	struct rpc_req *req;

	if (!root || !YAJL_IS_OBJECT(root)) {
		req = req_new(c, strdup("null"));
		if (req)
			rpc_error(req, root ? RPC_INVALID_REQUEST : RPC_PARSE_ERROR,
				  root ? "a request must be a JSON object" : "parse error: %s", errbuf);
		goto out;
	}
	const char *ver_path[] = { "jsonrpc", NULL }, *method_path[] = { "method", NULL };
	const char *id_path[] = { "id", NULL }, *params_path[] = { "params", NULL };
	yajl_val ver = yajl_tree_get(root, ver_path, yajl_t_string);
	yajl_val method = yajl_tree_get(root, method_path, yajl_t_string);
	yajl_val params = yajl_tree_get(root, params_path, yajl_t_any);

	req = req_new(c, id_to_json(yajl_tree_get(root, id_path, yajl_t_any), &bad_id));
	if (!req)
		goto out;
	if (bad_id || !ver || strcmp(ver->u.string, "2.0") != 0 || !method) {
		if (!req->id)
			req->id = strdup("null");
		rpc_error(req, RPC_INVALID_REQUEST,
			  "a request needs \"jsonrpc\":\"2.0\", a string \"method\" and a string or number \"id\"");
		goto out;
	}
	if (params && !YAJL_IS_OBJECT(params) && !YAJL_IS_ARRAY(params)) {
		rpc_error(req, RPC_INVALID_PARAMS, "params must be an object");
		goto out;
	}
	const struct rpc_method *m = rpc_method_find(method->u.string);
	if (!m) {
		rpc_error(req, RPC_METHOD_NOT_FOUND, "no method '%.100s'", method->u.string);
		goto out;
	}
	log_debug("rpc: %s", m->name);
	m->handler(c->srv->xld, req, params);
out:
	yajl_tree_free(root);
}

static void conn_read(struct rpc_conn *c)
{
	for (;;) {
		if (c->in_cap - c->in_len < 4096) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
			char *p = cap > RPC_MAX_LINE + 8192 ? NULL : realloc(c->in, cap);
			if (!p) {
				static const char msg[] = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
					"{\"code\":-32600,\"message\":\"request line too long\"}}\n";
				ssize_t r = send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
				(void)r;
				log_warn("rpc: client fd %d sent an oversized line; disconnecting", c->fd);
				conn_close(c);
				return;
			}
			c->in = p;
			c->in_cap = cap;
		}
		ssize_t r = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len - 1, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r == 0 && c->pending) {
			/* Half-closed (socat, nc -N): long requests still get answers. */
			c->eof = true;
			conn_update_events(c);
			return;
		}
		if (r <= 0) {
			conn_close(c);
			return;
		}
		c->in_len += (size_t)r;
		/* Handle each complete line; a handler may close the connection. */
		char *start = c->in, *nl;
		while ((nl = memchr(start, '\n', c->in_len - (size_t)(start - c->in)))) {
			*nl = '\0';
			c->line_end = (size_t)(nl + 1 - c->in);
			if (nl > start)
				conn_handle_line(c, start);
			if (c->dead)
				return;
			start = nl + 1;
		}
		c->in_len -= (size_t)(start - c->in);
		memmove(c->in, start, c->in_len);
	}
}

static void conn_event(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct rpc_conn *c = arg;

	c->busy++;
	if (events & EPOLLIN)
		conn_read(c);
	if (!c->dead && (events & EPOLLOUT)) {
		conn_flush(c);
		conn_maybe_done(c);
	}
	if (!c->dead && (events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
		conn_close(c);
	if (--c->busy == 0 && c->dead)
		conn_destroy(c);
}

/* Close now, or as soon as the callback running for this connection returns. */
static void conn_close(struct rpc_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	evloop_unwatch(c->srv->loop, c->watch);
	if (!c->busy)
		conn_destroy(c);
}

static void conn_destroy(struct rpc_conn *c)
{
	struct rpc_server *srv = c->srv;

	for (struct rpc_conn **p = &srv->conns; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	srv->nconns--;
	for (struct rpc_req *r = c->pending; r; r = r->next)
		r->conn = NULL; /* long operations finish; their answers are dropped */
	close(c->fd);
	c->fd = -1;
	free(c->in);
	free(c->out);
	free(c);
}

static void server_accept(void *arg, int cfd)
{
	struct rpc_server *srv = arg;

	if (srv->nconns >= RPC_MAX_CONNS) {
		log_warn("rpc: too many clients; refusing one");
		close(cfd);
		return;
	}
	struct rpc_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(cfd);
		return;
	}
	c->srv = srv;
	c->fd = cfd;
	c->watch = evloop_watch(srv->loop, cfd, EPOLLIN, conn_event, c);
	if (!c->watch) {
		close(cfd);
		free(c);
		return;
	}
	c->next = srv->conns;
	srv->conns = c;
	srv->nconns++;
}

struct rpc_server *rpc_server_new(struct xld *xld, struct evloop *loop,
				  const char *path, unsigned mode, int gid)
{
	struct rpc_server *srv = calloc(1, sizeof(*srv));
	int rc = -ENOMEM;

	if (srv) {
		srv->xld = xld;
		srv->loop = loop;
		srv->listener = listener_open(loop, path, mode, gid >= 0 ? (gid_t)gid : (gid_t)-1,
					      server_accept, srv, &rc);
	}
	if (srv && srv->listener)
		return srv;
	log_error("rpc: cannot listen on %s: %s", path, strerror(-rc));
	free(srv);
	return NULL;
}

void rpc_server_free(struct rpc_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_destroy(srv->conns);
	listener_close(srv->listener);
	free(srv);
}

void rpc_conn_subscribe(struct rpc_conn *conn)
{
	if (conn)
		conn->subscriber = true;
}

void rpc_broadcast_event(struct rpc_server *srv, const char *params_json, size_t len)
{
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"method\":\"event\",\"params\":";
	struct rpc_conn *c = srv->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (!c->subscriber || c->dead)
			continue;
		if (conn_queue(c, head, sizeof(head) - 1) && conn_queue(c, params_json, len) &&
		    conn_queue(c, "}\n", 2))
			conn_flush(c);
		else
			conn_close(c);
	}
}

const char *rpc_param_str(yajl_val params, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = params ? yajl_tree_get(params, path, yajl_t_string) : NULL;

	return v ? v->u.string : NULL;
}

bool rpc_param_int(yajl_val params, const char *key, long long *out)
{
	const char *path[] = { key, NULL };
	yajl_val v = params ? yajl_tree_get(params, path, yajl_t_number) : NULL;

	if (!v || !YAJL_IS_INTEGER(v))
		return false;
	*out = v->u.number.i;
	return true;
}

int rpc_reply_and_take(struct rpc_req *req, int *fd, char **rest, size_t *rest_len)
{
	struct rpc_conn *c = req->conn;

	*fd = -1;
	*rest = NULL;
	*rest_len = 0;
	if (!c || c->dead) {
		req_free(req);
		return -ENOTCONN;
	}
	rpc_reply(req);
	if (c->dead)
		return -ENOTCONN;
	/* The answer is small: finish sending it before the fd changes hands. */
	while (c->out_off < c->out_len) {
		ssize_t r = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (r <= 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (r > 0)
			c->out_off += (size_t)r;
	}
	if (c->in_len > c->line_end) {
		*rest_len = c->in_len - c->line_end;
		*rest = malloc(*rest_len);
		if (*rest)
			memcpy(*rest, c->in + c->line_end, *rest_len);
		else
			*rest_len = 0;
	}
	*fd = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
	conn_close(c);
	return *fd < 0 ? -errno : 0;
}
