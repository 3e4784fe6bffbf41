/* PV console backend: ring <-> log, history and clients. */
#include "xld/console.h"
#include "xld/xld.h"
#include "xld/evtchn.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/io/console.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define HISTORY_SIZE (64u << 10)     /* what a newly attached client sees first */
#define CLIENT_MAX_QUEUE (1u << 20)  /* a client further behind is dropped */

struct console_client {
	struct xld_console *con;
	int fd;
	int writer;
	struct ev_watch *watch;
	char *out;
	size_t out_len;
	struct console_client *next;
};

struct xld_console {
	struct xld *xld;
	uint32_t domid;
	struct xencons_interface *ring;
	struct xld_evtchn *ev;
	int logfd;
	char *logpath;
	char suffix[8];                   /* of the log's name: "" or ".pv" */
	char hist[HISTORY_SIZE];
	size_t hist_head, hist_len;       /* circular: oldest byte at head */
	struct console_client *clients;
	int fd;                           /* a byte stream instead of a ring (serial), or -1 */
	struct ev_watch *fd_watch;
};

static char *log_path(struct xld_console *con, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/console/%s%s.log", con->xld->opt.logdir, name, con->suffix) < 0)
		return NULL;
	return p;
}

static void history_add(struct xld_console *con, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		size_t pos = (con->hist_head + con->hist_len) % HISTORY_SIZE;
		con->hist[pos] = buf[i];
		if (con->hist_len < HISTORY_SIZE)
			con->hist_len++;
		else
			con->hist_head = (con->hist_head + 1) % HISTORY_SIZE;
	}
}

size_t console_history(struct xld_console *con, char *buf, size_t cap)
{
	size_t n = MIN(cap, con->hist_len), skip = con->hist_len - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = con->hist[(con->hist_head + skip + i) % HISTORY_SIZE];
	return n;
}

static void client_free(struct console_client *c)
{
	struct xld_console *con = c->con;

	for (struct console_client **p = &con->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	evloop_unwatch(con->xld->loop, c->watch);
	close(c->fd);
	free(c->out);
	free(c);
}

/* Send now what the socket takes, queue the rest (bounded). */
static int client_send(struct console_client *c, const char *buf, size_t len)
{
	if (c->out_len == 0) {
		ssize_t r = send(c->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && errno != EAGAIN)
			return -errno;
		if (r > 0) {
			buf += r;
			len -= (size_t)r;
		}
	}
	if (len == 0)
		return 0;
	if (c->out_len + len > CLIENT_MAX_QUEUE)
		return -ENOBUFS;
	char *p = realloc(c->out, c->out_len + len);
	if (!p)
		return -ENOMEM;
	memcpy(p + c->out_len, buf, len);
	c->out = p;
	c->out_len += len;
	evloop_modify(c->con->xld->loop, c->watch, EPOLLIN | EPOLLOUT);
	return 0;
}

static void broadcast(struct xld_console *con, const char *buf, size_t len)
{
	struct console_client *c = con->clients, *next;

	for (; c; c = next) {
		next = c->next;
		if (client_send(c, buf, len) < 0)
			client_free(c);
	}
}

/* Guest output: everything between out_cons and out_prod. */
static void drain_output(struct xld_console *con)
{
	struct xencons_interface *r = con->ring;
	char buf[sizeof(r->out)];
	uint32_t cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
	uint32_t prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
	uint32_t n = prod - cons;

	if (n == 0)
		return;
	if (n > sizeof(r->out)) {
		/* A guest that lies about its indices loses its output, nothing else. */
		log_warn("domain %u: console ring indices corrupt (cons %u prod %u)",
			 con->domid, cons, prod);
		__atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		buf[i] = r->out[MASK_XENCONS_IDX(cons + i, r->out)];
	if (con->logfd >= 0 && write_all(con->logfd, buf, n) < 0)
		log_warn("domain %u: console log write failed: %s", con->domid, strerror(errno));
	history_add(con, buf, n);
	broadcast(con, buf, n);
	__atomic_store_n(&r->out_cons, prod, __ATOMIC_RELEASE);
	xld_evtchn_notify(con->ev);
}

/* Client input into the guest's input ring; what does not fit is dropped,
 * as a serial line would. */
static void feed_input(struct xld_console *con, const char *buf, size_t len)
{
	struct xencons_interface *r = con->ring;

	if (con->fd >= 0) {
		if (write(con->fd, buf, len) < 0)
			log_debug("domain %u: serial input dropped: %s", con->domid, strerror(errno));
		return;
	}
	uint32_t cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
	uint32_t prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
	size_t space = sizeof(r->in) - MIN((uint32_t)sizeof(r->in), prod - cons);
	size_t n = MIN(len, space);

	for (size_t i = 0; i < n; i++)
		r->in[MASK_XENCONS_IDX(prod + (uint32_t)i, r->in)] = buf[i];
	__atomic_store_n(&r->in_prod, prod + (uint32_t)n, __ATOMIC_RELEASE);
	if (n)
		xld_evtchn_notify(con->ev);
}

static void on_guest_event(void *arg)
{
	drain_output(arg);
}

static void on_client(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct console_client *c = arg;
	char buf[4096];

	if (events & EPOLLOUT && c->out_len) {
		ssize_t r = send(fd, c->out, c->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0) {
			memmove(c->out, c->out + r, c->out_len - (size_t)r);
			c->out_len -= (size_t)r;
		}
		if (c->out_len == 0)
			evloop_modify(loop, c->watch, EPOLLIN);
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r == 0 || (r < 0 && errno != EAGAIN)) {
			client_free(c);
			return;
		}
		if (r > 0 && c->writer)
			feed_input(c->con, buf, (size_t)r);
	}
}

int console_attach(struct xld_console *con, int fd, int writer,
		   const char *pending, size_t pending_len)
{
	struct console_client *c = calloc(1, sizeof(*c));
	char hist[HISTORY_SIZE];
	size_t n;

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->con = con;
	c->fd = fd;
	for (struct console_client *o = con->clients; o && writer; o = o->next)
		writer = !o->writer; /* one writer at a time; later ones only read */
	c->writer = writer;
	c->watch = evloop_watch(con->xld->loop, fd, EPOLLIN, on_client, c);
	if (!c->watch) {
		close(fd);
		free(c);
		return -ENOMEM;
	}
	c->next = con->clients;
	con->clients = c;
	n = console_history(con, hist, sizeof(hist));
	if (client_send(c, hist, n) < 0) {
		client_free(c);
		return -EIO;
	}
	if (c->writer && pending_len)
		feed_input(con, pending, pending_len);
	return 0;
}

static int open_log(struct xld_console *con, const char *name)
{
	char *dir = path_join(con->xld->opt.logdir, "console");

	if (!dir || mkdir_p(dir, 0750) < 0) {
		free(dir);
		return -errno;
	}
	free(dir);
	free(con->logpath);
	con->logpath = log_path(con, name);
	if (!con->logpath)
		return -ENOMEM;
	con->logfd = open(con->logpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	return con->logfd < 0 ? -errno : 0;
}

struct xld_console *console_open(struct xld *xld, uint32_t domid, const char *name,
				 void *ring, uint32_t port)
{
	struct xld_console *con = calloc(1, sizeof(*con));

	if (!con)
		return NULL;
	con->fd = -1;
	con->xld = xld;
	con->domid = domid;
	con->ring = ring;
	con->logfd = -1;
	if (open_log(con, name) < 0)
		log_warn("domain %u: cannot open console log: %s", domid, strerror(errno));
	con->ev = xld_evtchn_open(xld, domid, port, on_guest_event, con);
	if (!con->ev) {
		console_close(con);
		return NULL;
	}
	drain_output(con); /* whatever the guest wrote before we looked */
	return con;
}

/* A serial line's other end (a device model's pty): what it gives is
 * output, client input is written to it. */
static void on_stream(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct xld_console *con = arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			evloop_unwatch(loop, con->fd_watch);  /* the line hung up */
			con->fd_watch = NULL;
		}
		return;
	}
	if (con->logfd >= 0 && write_all(con->logfd, buf, (size_t)n) < 0)
		log_warn("domain %u: console log write failed: %s", con->domid, strerror(errno));
	history_add(con, buf, (size_t)n);
	broadcast(con, buf, (size_t)n);
}

struct xld_console *console_open_fd(struct xld *xld, uint32_t domid, const char *name, int fd)
{
	struct xld_console *con = calloc(1, sizeof(*con));

	if (!con) {
		close(fd);
		return NULL;
	}
	con->xld = xld;
	con->domid = domid;
	con->fd = fd;
	con->logfd = -1;
	if (open_log(con, name) < 0)
		log_warn("domain %u: cannot open console log: %s", domid, strerror(errno));
	con->fd_watch = evloop_watch(xld->loop, fd, EPOLLIN, on_stream, con);
	if (!con->fd_watch) {
		console_close(con);
		return NULL;
	}
	return con;
}

int console_rename(struct xld_console *con, const char *name)
{
	char *old = con->logpath ? strdup(con->logpath) : NULL;
	char *new = log_path(con, name);
	int rc = 0;

	if (old && new && rename(old, new) < 0)
		rc = -errno;
	if (rc == 0) {
		free(con->logpath);
		con->logpath = new;
		new = NULL;
	}
	free(old);
	free(new);
	return rc;
}

int console_relog(struct xld_console *con, const char *name, const char *suffix)
{
	if (strlen(suffix) >= sizeof(con->suffix))
		return -EINVAL;
	strcpy(con->suffix, suffix);
	if (con->logfd >= 0)
		close(con->logfd);
	con->logfd = -1;
	return open_log(con, name);
}

void console_close(struct xld_console *con)
{
	if (!con)
		return;
	if (con->ring && con->ev)
		drain_output(con);
	while (con->clients)
		client_free(con->clients);
	xld_evtchn_close(con->ev);
	if (con->fd_watch)
		evloop_unwatch(con->xld->loop, con->fd_watch);
	if (con->fd >= 0)
		close(con->fd);
	if (con->logfd >= 0)
		close(con->logfd);
	free(con->logpath);
	free(con);
}
