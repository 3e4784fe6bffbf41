/* Handshake messages: framing, checks, and one wait at a time on the loop.
 * The connection stays blocking (the stream's workers want it so): a read
 * after EPOLLIN returns what is there without blocking, and a message is a
 * few bytes, so sending one never waits for long (the socket's send
 * timeout bounds it in any case). */
#include "xld/migrate_msg.h"
#include "libvmctl/stream.h"
#include "common/evloop.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static const char *const msg_names[] = {
	[MIGRATE_HELLO] = "hello", [MIGRATE_ACCEPT] = "accept",
	[MIGRATE_READY] = "ready", [MIGRATE_GO] = "go",
	[MIGRATE_RUNNING] = "running", [MIGRATE_ERROR] = "error",
};

/* The payload size each type must have (ERROR: at least). */
static const size_t msg_sizes[] = {
	[MIGRATE_HELLO] = sizeof(struct migrate_hello), [MIGRATE_ACCEPT] = 0,
	[MIGRATE_READY] = sizeof(struct migrate_domid), [MIGRATE_GO] = 0,
	[MIGRATE_RUNNING] = sizeof(struct migrate_domid),
	[MIGRATE_ERROR] = sizeof(struct migrate_error),
};

const char *migrate_msg_name(unsigned type)
{
	return type < ARRAY_SIZE(msg_names) && msg_names[type] ? msg_names[type] : "unknown";
}

int migrate_msg_send(int fd, uint16_t type, const void *payload, size_t len)
{
	uint8_t buf[sizeof(struct migrate_msg) + MIGRATE_MSG_MAX];
	struct migrate_msg m = {
		.magic = MIGRATE_MAGIC, .version = MIGRATE_VERSION,
		.type = type, .len = (uint32_t)len,
	};

	if (len > MIGRATE_MSG_MAX)
		return -EINVAL;
	m.crc = stream_crc32c(stream_crc32c(0, &m, sizeof(m)), payload, len);
	memcpy(buf, &m, sizeof(m));
	if (len)
		memcpy(buf + sizeof(m), payload, len);
	return write_all(fd, buf, sizeof(m) + len);
}

int migrate_msg_send_error(int fd, int rc, int code, const char *fmt, ...)
{
	uint8_t buf[MIGRATE_MSG_MAX];
	struct migrate_error e = { .rc = rc, .code = code };
	va_list ap;
	int n;

	memcpy(buf, &e, sizeof(e));
	va_start(ap, fmt);
	n = vsnprintf((char *)buf + sizeof(e), sizeof(buf) - sizeof(e), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf) - sizeof(e))
		n = (int)(sizeof(buf) - sizeof(e) - 1);
	return migrate_msg_send(fd, MIGRATE_ERROR, buf, sizeof(e) + (size_t)n);
}

/* What the header alone tells: magic, version, a possible length. */
static int header_check(const struct migrate_msg *m, char *why, size_t cap)
{
	if (m->magic != MIGRATE_MAGIC) {
		snprintf(why, cap, "not a vmctl migration peer (bad magic)");
		return -EBADMSG;
	}
	if (m->version != MIGRATE_VERSION) {
		snprintf(why, cap, "the peer speaks migration protocol version %u, we %u",
			 m->version, MIGRATE_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (m->len > MIGRATE_MSG_MAX) {
		snprintf(why, cap, "the peer sent an oversized message (%u bytes)", m->len);
		return -EBADMSG;
	}
	return 0;
}

int migrate_msg_check(const struct migrate_msg *m, const void *payload,
		      char *why, size_t cap)
{
	struct migrate_msg h = *m;
	int rc = header_check(m, why, cap);

	if (rc < 0)
		return rc;
	h.crc = 0;
	if (stream_crc32c(stream_crc32c(0, &h, sizeof(h)), payload, m->len) != m->crc) {
		snprintf(why, cap, "%s message: checksum mismatch", migrate_msg_name(m->type));
		return -EBADMSG;
	}
	if (m->type >= ARRAY_SIZE(msg_sizes) || !msg_names[m->type] ||
	    (m->type == MIGRATE_ERROR ? m->len < msg_sizes[m->type] : m->len != msg_sizes[m->type])) {
		snprintf(why, cap, "message type %u with %u bytes is not in the protocol",
			 m->type, m->len);
		return -EBADMSG;
	}
	return 0;
}

void migrate_msg_error(const struct migrate_msg *m, const uint8_t *payload,
		       int *rc, int *code, const char **text)
{
	struct migrate_error e;

	memcpy(&e, payload, sizeof(e));
	*rc = e.rc < 0 ? e.rc : -EIO;
	*code = e.code;
	*text = m->len > sizeof(e) ? (const char *)payload + sizeof(e) : "(no reason given)";
}

/* ---- waiting for one message ----------------------------------------- */

static void chan_fail(struct migrate_chan *c, int rc, const char *why)
{
	migrate_chan_stop(c);
	c->on_fail(c->arg, rc, why);
}

static void chan_timeout(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct migrate_chan *c = arg;

	(void)loop;
	(void)t;
	c->timer = NULL; /* one-shot: gone after this call */
	chan_fail(c, -ETIMEDOUT, "the peer did not answer in time");
}

/* How many bytes the message in buf needs in all (header first). */
static size_t chan_need(const struct migrate_chan *c)
{
	const struct migrate_msg *m = (const void *)c->buf;

	if (c->have < sizeof(*m))
		return sizeof(*m);
	return sizeof(*m) + (m->len > MIGRATE_MSG_MAX ? 0 : m->len); /* (refused) */
}

static void chan_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct migrate_chan *c = arg;
	struct migrate_msg m;
	char why[160];
	size_t need = chan_need(c);
	ssize_t n;

	(void)loop;
	(void)events;
	n = read(fd, c->buf + c->have, need - c->have);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	/* A peer that closed with our bytes unread gives ECONNRESET instead
	 * of an end of file (AF_UNIX too: an ssh that exits at once): the
	 * same event, said the same way. */
	if (n == 0 || (n < 0 && errno == ECONNRESET)) {
		chan_fail(c, -ECONNRESET, "the peer closed the connection");
		return;
	}
	if (n < 0) {
		chan_fail(c, -errno, strerror(errno));
		return;
	}
	c->have += (size_t)n;
	if (c->have < sizeof(m))
		return;
	memcpy(&m, c->buf, sizeof(m));
	/* A header that cannot be ours fails before its length is believed. */
	int rc = header_check(&m, why, sizeof(why));
	if (rc == 0 && c->have < chan_need(c))
		return;
	if (rc == 0)
		rc = migrate_msg_check(&m, c->buf + sizeof(m), why, sizeof(why));
	if (rc < 0) {
		chan_fail(c, rc, why);
		return;
	}
	c->buf[sizeof(m) + m.len] = 0;
	migrate_chan_stop(c);
	c->on_msg(c->arg, &m, c->buf + sizeof(m));
}

int migrate_chan_wait(struct migrate_chan *c, unsigned secs)
{
	c->have = 0;
	c->watch = evloop_watch(c->loop, c->fd, EPOLLIN, chan_readable, c);
	c->timer = evloop_timer(c->loop, (uint64_t)secs * 1000000000ull, 0, chan_timeout, c);
	if (!c->watch || !c->timer) {
		migrate_chan_stop(c);
		return -ENOMEM;
	}
	return 0;
}

void migrate_chan_stop(struct migrate_chan *c)
{
	if (c->watch)
		evloop_unwatch(c->loop, c->watch);
	if (c->timer)
		evloop_timer_cancel(c->loop, c->timer);
	c->watch = NULL;
	c->timer = NULL;
}
