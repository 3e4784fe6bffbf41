/* The sending side of a migration, one chain per domain:
 *
 *   connect (thread) -> HELLO -> ACCEPT -> save_domain_to_fd (live rounds,
 *   suspend, last pages, left suspended) -> READY -> GO -> RUNNING
 *   -> destroy the suspended domain here
 *
 * Before GO any failure resumes the domain here (the save engine does it
 * for its own failures, save_domain_finish for later ones). After GO only
 * the target may run it: an ERROR answer (it could not unpause) resumes it
 * here, silence leaves it suspended (include/vmctl/migrate.h). */
#include "xld/migrate.h"
#include "xld/migrate_msg.h"
#include "xld/migrate_net.h"
#include "xld/save.h"
#include "xld/domain.h"
#include "xld/xld.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIGRATE_ROUNDS_DEFAULT 10
/* Stop pre-copy when fewer pages than this are dirty: what is left goes
 * while the guest is suspended (256 pages = 1 MiB, ~1 ms on a fast link). */
#define MIGRATE_MIN_DIRTY 256

struct migrate_out {
	struct xld *xld;
	uint32_t domid;
	struct migrate_hello hello;
	struct migrate_out_opts opts;
	char host[256];
	unsigned port;
	int fd;
	struct migrate_chan chan;
	uint64_t t0, t_save;
	uint64_t t_ready, t_running; /* READY, RUNNING came */
	struct save_result saved;
	int save_rc;              /* why the save failed (for the message) */
	char save_msg[256];
	bool suspended;           /* left suspended by the save: ours to finish */
	uint32_t target_domid;
};

static void out_done(struct migrate_out *m, int rc, int code, const char *msg)
{
	struct migrate_result res = {
		.bytes = m->saved.bytes, .pages = m->saved.pages, .rounds = m->saved.rounds,
		.memory_bytes = m->hello.memory_kib << 10, .target_domid = m->target_domid,
	};

	migrate_chan_stop(&m->chan);
	if (rc == 0) {
		uint64_t suspend_at = m->t_save + (m->saved.total_ns - m->saved.downtime_ns);
		res.total_ns = m->t_running - m->t0;
		res.downtime_ns = m->t_running - suspend_at;
		log_info("migration of %s done: downtime %.1f ms, total %.2f s, %llu bytes, %u rounds",
			 m->hello.name, res.downtime_ns / 1e6, res.total_ns / 1e9,
			 (unsigned long long)res.bytes, res.rounds);
		log_info("migration of %s downtime: suspend %.1f ms, stream complete at %.1f ms, "
			 "target ready at %.1f ms, running at %.1f ms", m->hello.name,
			 m->saved.suspend_ns / 1e6, m->saved.downtime_ns / 1e6,
			 (m->t_ready - suspend_at) / 1e6, res.downtime_ns / 1e6);
	} else {
		log_error("migration of %s failed: %s", m->hello.name, msg);
	}
	if (m->fd >= 0)
		close(m->fd);
	m->opts.done(m->opts.arg, rc, code, msg, rc == 0 ? &res : NULL);
	free(m);
}

/* Failure before GO: the domain runs on here. */
static void out_fail(struct migrate_out *m, int rc, int code, const char *msg)
{
	char buf[512];

	if (m->suspended) {
		int r = save_domain_finish(m->xld, m->domid, false);
		if (r < 0) {
			snprintf(buf, sizeof(buf), "%s; resuming the domain here failed too: %s",
				 msg, strerror(-r));
			msg = buf;
		}
	}
	out_done(m, rc, code, msg);
}

/* An ERROR from the target, or a message we did not expect. */
static void out_unexpected(struct migrate_out *m, const struct migrate_msg *msg,
			   const uint8_t *payload, const char *wanted)
{
	char buf[MIGRATE_MSG_MAX + 64];
	const char *text;
	int rc, code;

	if (msg->type == MIGRATE_ERROR) {
		migrate_msg_error(msg, payload, &rc, &code, &text);
		out_fail(m, rc, code, text);
		return;
	}
	snprintf(buf, sizeof(buf), "the target sent %s instead of %s",
		 migrate_msg_name(msg->type), wanted);
	out_fail(m, -EPROTO, RPC_ERR_IO, buf);
}

static void out_chan_fail(void *arg, int rc, const char *why)
{
	struct migrate_out *m = arg;
	char buf[300];

	snprintf(buf, sizeof(buf), "target host: %s", why);
	out_fail(m, rc, RPC_ERR_IO, buf);
}

static void out_running(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_out *m = arg;
	struct migrate_domid id;
	int rc;

	if (msg->type != MIGRATE_RUNNING) {
		out_unexpected(m, msg, payload, "running"); /* ERROR: resume here */
		return;
	}
	m->t_running = now_ns();	/* before our copy is destroyed */
	memcpy(&id, payload, sizeof(id));
	m->target_domid = id.domid;
	m->suspended = false;
	rc = save_domain_finish(m->xld, m->domid, true);
	if (rc < 0)
		log_error("migration of %s: it runs on the target, but destroying it here failed: %s",
			  m->hello.name, strerror(-rc));
	out_done(m, 0, 0, NULL);
}

/* After GO, silence: either side may run it; run it on neither. */
static void out_lost_after_go(void *arg, int rc, const char *why)
{
	struct migrate_out *m = arg;
	char buf[512];

	m->suspended = false;  /* out_fail must not resume it */
	snprintf(buf, sizeof(buf), "target host: %s after the go-ahead: the domain may run "
		 "there; it is left suspended here (see docs/migration.md)", why);
	out_fail(m, rc, RPC_ERR_IO, buf);
}

static void out_ready(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_out *m = arg;
	int rc;

	if (msg->type != MIGRATE_READY) {
		out_unexpected(m, msg, payload, "ready");
		return;
	}
	m->t_ready = now_ns();
	rc = migrate_msg_send(m->fd, MIGRATE_GO, NULL, 0);
	if (rc < 0) {
		/* A GO that did not leave cannot have reached the target. */
		out_fail(m, rc, RPC_ERR_IO, "target host: the connection broke before the go-ahead");
		return;
	}
	m->chan.on_msg = out_running;
	m->chan.on_fail = out_lost_after_go;
	if (migrate_chan_wait(&m->chan, migrate_timeout(m->xld)) < 0)
		out_lost_after_go(m, -ENOMEM, "no memory to wait for the answer");
}

/* The save failed writing: the target may have said why (an ERROR waiting
 * on the connection); that is the better message then. */
static bool peer_gone(int rc)
{
	return rc == -EPIPE || rc == -ECONNRESET || rc == -ENOTCONN;
}

static void out_why_msg(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_out *m = arg;

	if (msg->type == MIGRATE_ERROR && peer_gone(m->save_rc)) {
		out_unexpected(m, msg, payload, "");
		return;
	}
	out_fail(m, m->save_rc, RPC_ERR_IO, m->save_msg);
}

static void out_why_fail(void *arg, int rc, const char *why)
{
	struct migrate_out *m = arg;

	(void)rc;
	(void)why;
	out_fail(m, m->save_rc, RPC_ERR_IO, m->save_msg);
}

static void out_saved(void *arg, int rc, const char *msg, const struct save_result *res)
{
	struct migrate_out *m = arg;

	if (res)
		m->saved = *res;
	if (rc < 0) {
		m->save_rc = rc;
		snprintf(m->save_msg, sizeof(m->save_msg), "%s", msg && *msg ? msg : strerror(-rc));
		/* The target sees the stream end at once and answers. */
		shutdown(m->fd, SHUT_WR);
		m->chan.on_msg = out_why_msg;
		m->chan.on_fail = out_why_fail;
		if (migrate_chan_wait(&m->chan, 1) < 0)
			out_why_fail(m, rc, msg);
		return;
	}
	m->suspended = true;
	m->chan.on_msg = out_ready;
	if (migrate_chan_wait(&m->chan, migrate_timeout(m->xld)) < 0)
		out_fail(m, -ENOMEM, RPC_ERR_RESOURCE, "no memory");
}

static void out_accepted(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_out *m = arg;
	struct xld_domain *d = xld_domain_by_id(m->xld, m->domid);
	struct save_opts so = {
		.live_rounds = m->opts.live ? m->opts.max_rounds : 0,
		.live_min_dirty = MIGRATE_MIN_DIRTY,
		.after = SAVE_AFTER_SUSPENDED,
		.total_hint = m->hello.memory_kib << 10,
		.done = out_saved,
		.arg = m,
	};
	int rc;

	if (msg->type != MIGRATE_ACCEPT) {
		out_unexpected(m, msg, payload, "accept");
		return;
	}
	if (!d) {
		out_fail(m, -ESRCH, RPC_ERR_NO_DOMAIN, "the domain went away");
		return;
	}
	m->t_save = now_ns();
	rc = save_domain_to_fd(m->xld, d, m->fd, &so, NULL);
	if (rc < 0)
		out_fail(m, rc, rc == -EBUSY ? RPC_ERR_STATE : RPC_ERR_IO,
			 rc == -EBUSY ? "a save or migration of the domain runs already" :
			 strerror(-rc));
}

static void out_connected(void *arg, int fd, const char *why)
{
	struct migrate_out *m = arg;
	char buf[sizeof(m->host) + 96];
	int rc;

	if (fd < 0) {
		out_fail(m, fd, RPC_ERR_IO, why);
		return;
	}
	m->fd = m->chan.fd = fd;
	if (m->opts.fd < 0 && migrate_listen_is_self(m->xld->migrate, fd)) {
		/* The stream's config keeps the name; two copies of the domain
		 * with one name, one UUID and the same disks cannot coexist
		 * here (docs/migration.md). */
		snprintf(buf, sizeof(buf), "%s:%u is this host's own xld: migration to the same "
			 "host is not supported", m->host, m->port);
		out_fail(m, -ELOOP, RPC_ERR_UNSUPPORTED, buf);
		return;
	}
	rc = migrate_msg_send(fd, MIGRATE_HELLO, &m->hello, sizeof(m->hello));
	if (rc == 0)
		rc = migrate_chan_wait(&m->chan, migrate_timeout(m->xld));
	if (rc == -EPIPE || rc == -ECONNRESET) /* it went before our hello (an ssh that failed) */
		out_fail(m, rc, RPC_ERR_IO, "target host: the peer closed the connection");
	else if (rc < 0)
		out_fail(m, rc, RPC_ERR_IO, "cannot send to the target host");
}

static int out_hello(struct migrate_out *m, const struct xld_domain *d)
{
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(m->xld->hv, d->domid, &info);

	if (rc < 0)
		return rc;
	memcpy(m->hello.uuid, d->uuid, 16);
	snprintf(m->hello.name, sizeof(m->hello.name), "%s", d->name);
	m->hello.memory_kib = info.max_pages * 4;
	m->hello.vcpus = info.max_vcpus;
	m->hello.flags = (m->opts.live ? MIGRATE_F_LIVE : 0) |
			 (m->opts.paused ? MIGRATE_F_PAUSED : 0);
	return 0;
}

int migrate_out_start(struct xld *xld, struct xld_domain *dom,
		      const struct migrate_out_opts *opts, const char **msg)
{
	struct migrate_out *m;
	int rc;

	*msg = "no memory";
	if (save_domain_busy(xld, dom->domid)) {
		*msg = "a save or migration of the domain runs already";
		return -EBUSY;
	}
	if (!(m = calloc(1, sizeof(*m))))
		return -ENOMEM;
	if (opts->fd < 0 && (!opts->host || !*opts->host ||
			     migrate_addr_split(opts->host, m->host, sizeof(m->host), &m->port,
						opts->port ? opts->port : MIGRATE_PORT) < 0 ||
			     !*m->host)) {
		*msg = "the target must be host[:port]";
		free(m);
		return -EINVAL;
	}
	m->xld = xld;
	m->domid = dom->domid;
	m->opts = *opts;
	m->opts.host = NULL;
	if (!m->opts.max_rounds)
		m->opts.max_rounds = MIGRATE_ROUNDS_DEFAULT;
	m->fd = -1;
	m->t0 = now_ns();
	m->chan = (struct migrate_chan){ .loop = xld->loop, .fd = -1, .on_msg = out_accepted,
					 .on_fail = out_chan_fail, .arg = m };
	rc = out_hello(m, dom);
	if (rc < 0) {
		*msg = "vmhv does not know the domain";
		free(m);
		return rc;
	}
	if (opts->fd >= 0) {
		migrate_sock_timeouts(opts->fd, migrate_timeout(xld));
		out_connected(m, opts->fd, NULL);
		return 0;
	}
	log_info("migrating %s to %s port %u", m->hello.name, m->host, m->port);
	rc = migrate_connect_async(xld->loop, m->host, m->port, migrate_timeout(xld),
				   out_connected, m);
	if (rc < 0)
		free(m);
	return rc;
}
