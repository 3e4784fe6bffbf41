/* xld --migrate-listen [ADDR:]PORT: accept migrations over TCP. Each
 * connection becomes a receiver (migrate_recv.c); the listener only
 * accepts. */
#include "xld/migrate.h"
#include "xld/migrate_net.h"
#include "xld/xld.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"
#include "vmctl/migrate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct migrate_listener {
	struct xld *xld;
	int fd;
	struct ev_watch *watch;
	char *addr_file;          /* $rundir/migrate-listen */
};

/* "1.2.3.4:5" or "[::1]:5" of a socket address. */
static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;
		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
		snprintf(buf, cap, "%s:%u", host, port);
	} else {
		const struct sockaddr_in6 *a = (const void *)ss;
		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		port = ntohs(a->sin6_port);
		snprintf(buf, cap, "[%s]:%u", host, port);
	}
}

/* An address of this host (in this network namespace): one a socket can
 * bind to. */
static bool addr_is_local(const struct sockaddr_storage *ss)
{
	struct sockaddr_storage a = *ss;
	int fd = socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return false;
	if (a.ss_family == AF_INET)
		((struct sockaddr_in *)&a)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&a)->sin6_port = 0;
	local = bind(fd, (struct sockaddr *)&a, a.ss_family == AF_INET ? sizeof(struct sockaddr_in)
								      : sizeof(struct sockaddr_in6)) == 0;
	close(fd);
	return local;
}

static bool addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
}

static unsigned addr_port(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET ? ((const struct sockaddr_in *)ss)->sin_port
					      : ((const struct sockaddr_in6 *)ss)->sin6_port);
}

bool migrate_listen_is_self(const struct migrate_listener *l, int fd)
{
	struct sockaddr_storage mine, peer;
	socklen_t ml = sizeof(mine), pl = sizeof(peer);

	if (!l || getsockname(l->fd, (struct sockaddr *)&mine, &ml) < 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &pl) < 0 ||
	    (peer.ss_family != AF_INET && peer.ss_family != AF_INET6) ||
	    addr_port(&mine) != addr_port(&peer))
		return false;
	if (!addr_is_any(&mine))
		return ml == pl && memcmp(&mine, &peer, ml) == 0;
	return addr_is_local(&peer);
}

static void on_accept(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct migrate_listener *l = arg;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char peer[80];
	int c;

	(void)loop;
	(void)events;
	c = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
	if (c < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("migration listener: accept: %s", strerror(errno));
		return;
	}
	addr_text(&ss, peer, sizeof(peer));
	if (migrate_sock_timeouts(c, migrate_timeout(l->xld)) < 0) {
		close(c);
		return;
	}
	migrate_in_start(l->xld, c, peer); /* takes c, logs its own failures */
}

/* Bind the first address of spec that works. The fd or -errno. */
static int listen_bind(const char *spec, char *why, size_t cap)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE }, *res, *ai;
	char host[256] = "", service[8];
	unsigned port;
	int fd = -1, one = 1, r, err = EADDRNOTAVAIL;

	if (*spec && strspn(spec, "0123456789") == strlen(spec) && strlen(spec) < 6) {
		port = (unsigned)atoi(spec);  /* PORT alone: every address */
		r = 0;
	} else {
		r = migrate_addr_split(spec, host, sizeof(host), &port, MIGRATE_PORT);
	}
	if (r < 0 || port > 65535) {
		snprintf(why, cap, "bad address '%s' (want [ADDR:]PORT)", spec);
		return -EINVAL;
	}
	snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(*host ? host : NULL, service, &hints, &res);
	if (r != 0) {
		snprintf(why, cap, "cannot resolve '%s': %s", host, gai_strerror(r));
		return -EINVAL;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 8) < 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		snprintf(why, cap, "cannot listen on '%s': %s", spec, strerror(err));
	return fd < 0 ? -err : fd;
}

/* Tell scripts where we listen (the port the kernel chose for port 0). */
static void write_addr_file(struct migrate_listener *l, char *text, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char tmp[4096];
	FILE *f;

	if (getsockname(l->fd, (struct sockaddr *)&ss, &len) < 0)
		return;
	addr_text(&ss, text, cap);
	snprintf(tmp, sizeof(tmp), "%s.tmp", l->addr_file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s\n", text);
	if (fclose(f) == 0)
		rename(tmp, l->addr_file);
}

struct migrate_listener *migrate_listen_start(struct xld *xld, const char *spec)
{
	struct migrate_listener *l = calloc(1, sizeof(*l));
	char why[300], where[80] = "";

	if (!l)
		return NULL;
	l->xld = xld;
	l->fd = listen_bind(spec, why, sizeof(why));
	if (l->fd < 0) {
		log_error("--migrate-listen: %s", why);
		fprintf(stderr, "xld: --migrate-listen: %s\n", why);
		free(l);
		return NULL;
	}
	l->addr_file = path_join(xld->opt.rundir, "migrate-listen");
	l->watch = evloop_watch(xld->loop, l->fd, EPOLLIN, on_accept, l);
	if (!l->addr_file || !l->watch) {
		migrate_listen_stop(l);
		return NULL;
	}
	write_addr_file(l, where, sizeof(where));
	log_info("taking migrations on %s", where);
	return l;
}

void migrate_listen_stop(struct migrate_listener *l)
{
	if (!l)
		return;
	if (l->watch)
		evloop_unwatch(l->xld->loop, l->watch);
	if (l->addr_file)
		unlink(l->addr_file);
	close(l->fd);
	free(l->addr_file);
	free(l);
}
