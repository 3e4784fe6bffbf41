/* Migration connections: the timeouts that end a migration whose peer went
 * silent (a cut link must not leave a guest suspended for TCP's 15 minutes
 * of retransmissions), and the TCP connect of the sending side, which runs
 * in a thread because name lookup and connect block. */
#include "xld/migrate.h"
#include "xld/migrate_net.h"
#include "xld/xld.h"
#include "common/evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIGRATE_TIMEOUT_DEFAULT 30

unsigned migrate_timeout(const struct xld *xld)
{
	return xld->opt.migrate_timeout ? xld->opt.migrate_timeout : MIGRATE_TIMEOUT_DEFAULT;
}

int migrate_sock_timeouts(int fd, unsigned secs)
{
	struct timeval tv = { .tv_sec = secs };
	unsigned ms = secs * 1000;
	int one = 1, idle = secs > 2 ? (int)secs / 2 : 1, cnt = 2;
	int fl = fcntl(fd, F_GETFL);

	/* Blocking: the stream's worker threads want it so. */
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	/* TCP only (a relayed UNIX connection has no such options): data not
	 * acknowledged, or an idle peer not answering keepalives, for `secs`. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof(ms)) == 0) {
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof(idle));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return 0;
}

int migrate_addr_split(const char *spec, char *host, size_t cap, unsigned *port,
		       unsigned def_port)
{
	const char *first = strchr(spec, ':'), *last = strrchr(spec, ':');
	const char *h = spec, *p = NULL;
	size_t hlen = strlen(spec);
	char *end;
	long v;

	if (spec[0] == '[') {                 /* [v6addr] or [v6addr]:port */
		const char *close = strchr(spec, ']');
		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		h = spec + 1;
		hlen = (size_t)(close - h);
		p = close[1] ? close + 2 : NULL;
	} else if (first && first == last) {  /* host:port (several: a v6 address) */
		hlen = (size_t)(first - spec);
		p = first + 1;
	}
	if (hlen >= cap)
		return -ENAMETOOLONG;
	memcpy(host, h, hlen);
	host[hlen] = 0;
	*port = def_port;
	if (p) {
		errno = 0;
		v = strtol(p, &end, 10);
		if (!*p || *end || errno || v < 0 || v > 65535)
			return -EINVAL;
		*port = (unsigned)v;
	}
	return 0;
}

int migrate_tcp_connect(const char *host, unsigned port, unsigned secs, char *why, size_t cap)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char service[8];
	int fd = -1, r, err = 0;

	snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		snprintf(why, cap, "cannot resolve %s: %s", host, gai_strerror(r));
		return -EHOSTUNREACH;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* The send timeout also bounds connect(). */
		if (migrate_sock_timeouts(fd, secs) == 0 &&
		    connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno == EINPROGRESS ? ETIMEDOUT : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(why, cap, "cannot connect to %s port %u: %s", host, port, strerror(err));
		return -(err ? err : EHOSTUNREACH);
	}
	return fd;
}

/* ---- connect in a thread, answer on the loop ------------------------- */

struct connect_job {
	struct evloop *loop;
	char host[256];
	unsigned port, secs;
	int pipefd[2];
	struct ev_watch *watch;
	pthread_t thread;
	int result;
	char why[256];
	void (*done)(void *arg, int fd_or_rc, const char *why);
	void *arg;
};

static void *connect_thread(void *arg)
{
	struct connect_job *j = arg;
	char b = 1;

	j->result = migrate_tcp_connect(j->host, j->port, j->secs, j->why, sizeof(j->why));
	if (write(j->pipefd[1], &b, 1) < 0)
		return NULL; /* cannot happen: the loop holds the other end */
	return NULL;
}

static void connect_job_free(struct connect_job *j)
{
	close(j->pipefd[0]);
	close(j->pipefd[1]);
	free(j);
}

static void connect_finished(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct connect_job *j = arg;

	(void)fd;
	(void)events;
	evloop_unwatch(loop, j->watch);
	pthread_join(j->thread, NULL);
	j->done(j->arg, j->result, j->why);
	connect_job_free(j);
}

int migrate_connect_async(struct evloop *loop, const char *host, unsigned port,
			  unsigned secs, void (*done)(void *arg, int fd_or_rc, const char *why),
			  void *arg)
{
	struct connect_job *j = calloc(1, sizeof(*j));

	if (!j)
		return -ENOMEM;
	j->pipefd[0] = j->pipefd[1] = -1;
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->loop = loop;
	j->port = port;
	j->secs = secs;
	j->done = done;
	j->arg = arg;
	if (pipe2(j->pipefd, O_CLOEXEC) < 0 ||
	    !(j->watch = evloop_watch(loop, j->pipefd[0], EPOLLIN, connect_finished, j)))
		goto fail;
	if (pthread_create(&j->thread, NULL, connect_thread, j) != 0) {
		evloop_unwatch(loop, j->watch);
		goto fail;
	}
	return 0;
fail:
	connect_job_free(j);
	return -ENOMEM;
}
