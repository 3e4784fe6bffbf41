/* xenstore round trips and throughput, each next to the bare transport
 * measured in the same run:
 *  - dom0 client on the UNIX socket vs a plain AF_UNIX echo of the same
 *    request/reply sizes;
 *  - a guest on its ring (simulated in a thread, eventfds as the event
 *    channel) vs the same eventfd ping-pong without xenstored.
 * Both ends are pinned: "same vCPU" puts them on CPU 0, "cross vCPU" on
 * CPUs 0 and 1 (skipped on a single-CPU host). */
#include "xld/xenstore/xenstored.h"
#include "vmctl/xen/io/xs_wire.h"
#include "common/evloop.h"
#include "common/util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define VAL_LEN 64
#define RUN_NS 250000000ull
#define PIPE 32

struct server {
	struct evloop *loop;
	struct xenstored *xs;
	int stop_fd, kick_fd, notify_fd;
	int cpu;
	struct xenstore_domain_interface *ring;
};

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void on_stop(struct evloop *loop, int fd, uint32_t ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	evloop_stop(loop);
}

static void on_kick(struct evloop *loop, int fd, uint32_t ev, void *arg)
{
	struct server *s = arg;
	uint64_t v;

	(void)loop;
	(void)ev;
	if (read(fd, &v, sizeof(v)) > 0)
		xenstored_ring_kick(s->xs, 5);
}

static void notify(void *arg)
{
	struct server *s = arg;
	uint64_t one = 1;

	if (write(s->notify_fd, &one, sizeof(one)) < 0)
		perror("notify");
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct ev_watch *a, *b = NULL;

	pin(s->cpu);
	a = evloop_watch(s->loop, s->stop_fd, EPOLLIN, on_stop, s);
	if (s->ring)
		b = evloop_watch(s->loop, s->kick_fd, EPOLLIN, on_kick, s);
	evloop_run(s->loop);
	evloop_unwatch(s->loop, a);
	evloop_unwatch(s->loop, b);
	return NULL;
}

/* ---- requests -------------------------------------------------------------- */

static size_t make_req(char *buf, uint32_t type, uint32_t id, const char *path, bool value)
{
	struct xsd_sockmsg h = { type, id, 0, (uint32_t)strlen(path) + 1 };

	memcpy(buf + sizeof(h), path, h.len);
	if (value) {
		memset(buf + sizeof(h) + h.len, 'v', VAL_LEN);
		h.len += VAL_LEN;
	}
	memcpy(buf, &h, sizeof(h));
	return sizeof(h) + h.len;
}

static int read_msg(int fd, char *buf)
{
	struct xsd_sockmsg h;

	if (read_all(fd, &h, sizeof(h)) < 0 || h.len > XENSTORE_PAYLOAD_MAX ||
	    read_all(fd, buf, h.len) < 0)
		return -1;
	return h.type == XS_ERROR ? -1 : 0;
}

/* Round trips for RUN_NS: returns mean ns per op; `pipe` requests in flight. */
static double sock_run(int fd, uint32_t type, bool value, int pipe)
{
	char req[PIPE][256], buf[XENSTORE_PAYLOAD_MAX];
	size_t len[PIPE];
	uint64_t t0 = now_ns(), n = 0;

	for (int i = 0; i < pipe; i++)
		len[i] = make_req(req[i], type, (uint32_t)i, "/bench/key", value);
	while (now_ns() - t0 < RUN_NS) {
		for (int i = 0; i < pipe; i++)
			write_all(fd, req[i], len[i]);
		for (int i = 0; i < pipe; i++) {
			if (read_msg(fd, buf) < 0)
				return -1;
		}
		n += (uint64_t)pipe;
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* ---- the reference: an AF_UNIX echo of the same sizes --------------------- */

struct echo {
	int fd, cpu;
	size_t reply;
};

static void *echo_main(void *arg)
{
	struct echo *e = arg;
	char buf[XENSTORE_PAYLOAD_MAX + 16];
	struct xsd_sockmsg h;

	pin(e->cpu);
	while (read_all(e->fd, &h, sizeof(h)) == 0 && read_all(e->fd, buf, h.len) == 0) {
		h.len = (uint32_t)e->reply;
		memcpy(buf, &h, sizeof(h));
		memset(buf + sizeof(h), 'v', e->reply);
		if (write_all(e->fd, buf, sizeof(h) + e->reply) < 0)
			break;
	}
	return NULL;
}

static double echo_run(int cpu, uint32_t type, bool value, size_t reply, int pipe)
{
	int sv[2];
	pthread_t t;
	struct echo e;
	double r;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	e = (struct echo){ sv[1], cpu, reply };
	pthread_create(&t, NULL, echo_main, &e);
	r = sock_run(sv[0], type, value, pipe);
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[0]);
	close(sv[1]);
	return r;
}

/* ---- the guest ring ---------------------------------------------------------- */

struct guest {
	struct xenstore_domain_interface *r;
	int kick_fd, notify_fd;
};

static void ring_put(struct guest *g, const char *p, size_t len)
{
	uint32_t prod = g->r->req_prod;

	for (size_t i = 0; i < len; i++)
		g->r->req[MASK_XENSTORE_IDX(prod + i)] = p[i];
	__atomic_store_n(&g->r->req_prod, prod + (uint32_t)len, __ATOMIC_RELEASE);
}

static void kick(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0)
		perror("kick");
}

static void wait_fd(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) < 0)
		perror("wait");
}

/* Consume replies from the response ring until `want` messages arrived. */
static void ring_take(struct guest *g, int want)
{
	struct xsd_sockmsg h;
	int got = 0;

	while (got < want) {
		uint32_t cons = g->r->rsp_cons;
		uint32_t prod = __atomic_load_n(&g->r->rsp_prod, __ATOMIC_ACQUIRE);
		if (prod - cons < sizeof(h)) {
			wait_fd(g->notify_fd);
			continue;
		}
		for (size_t i = 0; i < sizeof(h); i++)
			((char *)&h)[i] = g->r->rsp[MASK_XENSTORE_IDX(cons + (uint32_t)i)];
		if (prod - cons < sizeof(h) + h.len) {
			wait_fd(g->notify_fd);
			continue;
		}
		__atomic_store_n(&g->r->rsp_cons, cons + (uint32_t)sizeof(h) + h.len, __ATOMIC_RELEASE);
		got++;
	}
}

static double ring_run(struct guest *g, uint32_t type, bool value, int pipe)
{
	char req[256];
	size_t len = make_req(req, type, 1, "/bench/key", value);
	uint64_t t0 = now_ns(), n = 0;

	while (now_ns() - t0 < RUN_NS) {
		for (int i = 0; i < pipe; i++)
			ring_put(g, req, len);
		kick(g->kick_fd);
		ring_take(g, pipe);
		n += (uint64_t)pipe;
	}
	return (double)(now_ns() - t0) / (double)n;
}

/* Reference: the same eventfd ping-pong with an empty server. */
struct pong {
	int kick_fd, notify_fd, cpu;
	volatile bool stop;
};

static void *pong_main(void *arg)
{
	struct pong *p = arg;

	pin(p->cpu);
	while (!p->stop) {
		wait_fd(p->kick_fd);
		kick(p->notify_fd);
	}
	return NULL;
}

static double pong_run(int cpu)
{
	struct pong p = { eventfd(0, 0), eventfd(0, 0), cpu, false };
	pthread_t t;
	uint64_t t0, n = 0;

	pthread_create(&t, NULL, pong_main, &p);
	t0 = now_ns();
	while (now_ns() - t0 < RUN_NS) {
		kick(p.kick_fd);
		wait_fd(p.notify_fd);
		n++;
	}
	p.stop = true;
	kick(p.kick_fd);
	pthread_join(t, NULL);
	close(p.kick_fd);
	close(p.notify_fd);
	return (double)(now_ns() - t0) / (double)n;
}

/* ---- one placement ------------------------------------------------------------- */

static void row(const char *fig, const char *where, double v, const char *unit,
		const char *ref, double rv)
{
	printf("row\t%s (%s)\t%.2f\t%s\t%s (%s)\t%.2f\n", fig, where, v, unit, ref, where, rv);
}

static int bench_socket(struct server *s, const char *where, const char *sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	double rd, wr, rdp, erd, ewr, erdp;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	rd = sock_run(fd, XS_READ, false, 1);
	wr = sock_run(fd, XS_WRITE, true, 1);
	rdp = sock_run(fd, XS_READ, false, PIPE);
	close(fd);
	erd = echo_run(s->cpu, XS_READ, false, VAL_LEN, 1);
	ewr = echo_run(s->cpu, XS_WRITE, true, 3, 1);
	erdp = echo_run(s->cpu, XS_READ, false, VAL_LEN, PIPE);
	row("xenstore READ 64B round trip, dom0 socket", where, rd / 1000, "us",
	    "AF_UNIX echo, same sizes", erd / 1000);
	row("xenstore WRITE 64B round trip, dom0 socket", where, wr / 1000, "us",
	    "AF_UNIX echo, same sizes", ewr / 1000);
	row("xenstore READ throughput, dom0 socket", where, 1e9 / rd, "ops/s",
	    "AF_UNIX echo", 1e9 / erd);
	row("xenstore READ throughput, 32 in flight", where, 1e9 / rdp, "ops/s",
	    "AF_UNIX echo, 32 in flight", 1e9 / erdp);
	return 0;
}

static void bench_ring(struct server *s, const char *where)
{
	struct guest g = { s->ring, s->kick_fd, s->notify_fd };
	double rd = ring_run(&g, XS_READ, false, 1);
	double wr = ring_run(&g, XS_WRITE, true, 1);
	double rdp = ring_run(&g, XS_READ, false, 8);
	double pp = pong_run(s->cpu);

	row("xenstore READ 64B round trip, guest ring", where, rd / 1000, "us",
	    "eventfd ping-pong", pp / 1000);
	row("xenstore WRITE 64B round trip, guest ring", where, wr / 1000, "us",
	    "eventfd ping-pong", pp / 1000);
	row("xenstore READ throughput, guest ring, 8 in flight", where, 1e9 / rdp, "ops/s",
	    "eventfd ping-pong", 1e9 / pp);
}

static int placement(const char *where, int scpu, int ccpu, const char *sock)
{
	struct server s = { .cpu = scpu };
	pthread_t t;
	char val[VAL_LEN];
	int rc;

	s.loop = evloop_new();
	s.xs = xenstored_new(s.loop);
	s.stop_fd = eventfd(0, 0);
	s.kick_fd = eventfd(0, 0);
	s.notify_fd = eventfd(0, 0);
	s.ring = calloc(1, 4096);
	memset(val, 'v', sizeof(val));
	xenstored_write(s.xs, "/bench/key", val, sizeof(val));
	xenstored_write(s.xs, "/local/domain/5/bench/key", val, sizeof(val));
	xenstored_set_perms(s.xs, "/local/domain/5/bench", "n5");
	xenstored_set_perms(s.xs, "/local/domain/5/bench/key", "n5");
	xenstored_ring_attach(s.xs, 5, s.ring, notify, &s);
	unlink(sock);
	rc = xenstored_listen(s.xs, sock, 0, (gid_t)-1);
	pin(ccpu);
	pthread_create(&t, NULL, server_main, &s);
	if (rc == 0)
		rc = bench_socket(&s, where, sock);
	bench_ring(&s, where);
	kick(s.stop_fd);
	pthread_join(t, NULL);
	xenstored_ring_detach(s.xs, 5);
	xenstored_free(s.xs);
	evloop_free(s.loop);
	free(s.ring);
	close(s.stop_fd);
	close(s.kick_fd);
	close(s.notify_fd);
	return rc;
}

int main(void)
{
	char dir[] = "/tmp/xsbench.XXXXXX", sock[128];
	int rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	rc = placement("same vCPU", 0, 0, sock);
	if (rc == 0 && sysconf(_SC_NPROCESSORS_ONLN) > 1)
		rc = placement("cross vCPU", 0, 1, sock);
	unlink(sock);
	rmdir(dir);
	return rc ? 1 : 0;
}
