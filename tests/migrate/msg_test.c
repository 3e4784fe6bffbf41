/* The migration handshake's framing (xld/migrate_msg.c): every message type
 * round-trips through a socketpair and the event loop, a message split
 * across writes is put together, and what a hostile or broken peer sends
 * (bad magic, another version, a flipped bit, a wrong size, an oversized
 * length, random bytes, a close, silence) ends in on_fail with a reason,
 * never in on_msg. */
#include "tests/tap.h"
#include "xld/migrate_msg.h"
#include "libvmctl/stream.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct seen {
	int msgs, fails, rc, type;
	uint32_t len;
	char why[200];
	uint8_t payload[MIGRATE_MSG_MAX];
};

static void on_msg(void *arg, const struct migrate_msg *m, const uint8_t *payload)
{
	struct seen *s = arg;

	s->msgs++;
	s->type = m->type;
	s->len = m->len;
	memcpy(s->payload, payload, m->len);
}

static void on_fail(void *arg, int rc, const char *why)
{
	struct seen *s = arg;

	s->fails++;
	s->rc = rc;
	snprintf(s->why, sizeof(s->why), "%s", why);
}

/* Wait for one message on fd[0] after `feed` wrote to fd[1]. */
static struct seen wait_one(struct evloop *loop, int fd, unsigned secs)
{
	struct seen s = { 0 };
	struct migrate_chan c = { .loop = loop, .fd = fd, .on_msg = on_msg,
				  .on_fail = on_fail, .arg = &s };

	if (migrate_chan_wait(&c, secs) < 0)
		s.fails = -1;
	for (int i = 0; i < 200 && !s.msgs && !s.fails; i++)
		evloop_run_once(loop, 50);
	migrate_chan_stop(&c);
	evloop_run_once(loop, 0); /* deferred removals */
	return s;
}

static void raw_msg(uint8_t *buf, uint16_t type, uint32_t len, const void *payload)
{
	struct migrate_msg m = { .magic = MIGRATE_MAGIC, .version = MIGRATE_VERSION,
				 .type = type, .len = len };

	m.crc = stream_crc32c(stream_crc32c(0, &m, sizeof(m)), payload, len);
	memcpy(buf, &m, sizeof(m));
	if (len)
		memcpy(buf + sizeof(m), payload, len);
}

static void test_round_trips(struct evloop *loop, int sv[2])
{
	struct migrate_hello h = { .memory_kib = 262144, .vcpus = 2, .flags = MIGRATE_F_LIVE };
	struct migrate_domid id = { .domid = 7 };
	struct seen s;

	strcpy(h.name, "d1");
	ok(migrate_msg_send(sv[1], MIGRATE_HELLO, &h, sizeof(h)) == 0, "send HELLO");
	s = wait_one(loop, sv[0], 5);
	ok(s.msgs == 1 && s.type == MIGRATE_HELLO && s.len == sizeof(h) &&
	   memcmp(s.payload, &h, sizeof(h)) == 0, "HELLO arrives intact");
	for (uint16_t t = MIGRATE_ACCEPT; t <= MIGRATE_RUNNING; t++) {
		bool has_id = t == MIGRATE_READY || t == MIGRATE_RUNNING;
		migrate_msg_send(sv[1], t, has_id ? &id : NULL, has_id ? sizeof(id) : 0);
		s = wait_one(loop, sv[0], 5);
		ok(s.msgs == 1 && s.type == t, "%s arrives", migrate_msg_name(t));
	}
	migrate_msg_send_error(sv[1], -ENOMEM, 6, "not enough memory: %d MiB", 42);
	s = wait_one(loop, sv[0], 5);
	if (ok(s.msgs == 1 && s.type == MIGRATE_ERROR, "ERROR arrives")) {
		struct migrate_msg m = { .type = MIGRATE_ERROR, .len = s.len };
		const char *text;
		int rc, code;
		s.payload[s.len] = 0;
		migrate_msg_error(&m, s.payload, &rc, &code, &text);
		ok(rc == -ENOMEM && code == 6 && strcmp(text, "not enough memory: 42 MiB") == 0,
		   "ERROR carries rc, code and the message");
	}
}

static void test_split(struct evloop *loop, int sv[2])
{
	uint8_t buf[sizeof(struct migrate_msg) + sizeof(struct migrate_domid)];
	struct migrate_domid id = { .domid = 9 };
	struct seen s = { 0 };
	struct migrate_chan c = { .loop = loop, .fd = sv[0], .on_msg = on_msg,
				  .on_fail = on_fail, .arg = &s };

	raw_msg(buf, MIGRATE_READY, sizeof(id), &id);
	migrate_chan_wait(&c, 5);
	for (size_t i = 0; i < sizeof(buf); i += 5) {
		size_t n = sizeof(buf) - i < 5 ? sizeof(buf) - i : 5;
		if (write(sv[1], buf + i, n) != (ssize_t)n)
			break;
		evloop_run_once(loop, 20);
	}
	for (int i = 0; i < 50 && !s.msgs && !s.fails; i++)
		evloop_run_once(loop, 20);
	migrate_chan_stop(&c);
	evloop_run_once(loop, 0);
	ok(s.msgs == 1 && s.type == MIGRATE_READY && memcmp(s.payload, &id, sizeof(id)) == 0,
	   "a message written 5 bytes at a time is put together");
}

/* A fresh pair per bad input: a failed wait leaves the stream mid-message. */
static struct seen bad(struct evloop *loop, const void *bytes, size_t len, bool close_after)
{
	int sv[2];
	struct seen s;

	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	if (len && write(sv[1], bytes, len) != (ssize_t)len)
		diag("short write");
	if (close_after)
		close(sv[1]);
	s = wait_one(loop, sv[0], 1);
	close(sv[0]);
	if (!close_after)
		close(sv[1]);
	return s;
}

static void test_hostile(struct evloop *loop)
{
	uint8_t buf[sizeof(struct migrate_msg) + 2048], rnd[2000];
	struct migrate_hello h = { 0 };
	struct migrate_msg *m = (void *)buf;
	struct seen s;

	raw_msg(buf, MIGRATE_HELLO, sizeof(h), &h);
	m->magic ^= 1;
	s = bad(loop, buf, sizeof(*m) + sizeof(h), false);
	ok(s.fails == 1 && s.msgs == 0 && s.rc == -EBADMSG && strstr(s.why, "bad magic"),
	   "bad magic: refused (%s)", s.why);
	raw_msg(buf, MIGRATE_HELLO, sizeof(h), &h);
	m->version = 2;
	s = bad(loop, buf, sizeof(*m) + sizeof(h), false);
	ok(s.fails == 1 && s.rc == -EPROTONOSUPPORT, "another version: refused (%s)", s.why);
	raw_msg(buf, MIGRATE_HELLO, sizeof(h), &h);
	buf[sizeof(*m) + 20] ^= 0x10;
	s = bad(loop, buf, sizeof(*m) + sizeof(h), false);
	ok(s.fails == 1 && strstr(s.why, "checksum mismatch"), "a flipped bit: refused (%s)", s.why);
	raw_msg(buf, MIGRATE_READY, 4, &h);
	s = bad(loop, buf, sizeof(*m) + 4, false);
	ok(s.fails == 1 && strstr(s.why, "not in the protocol"), "READY of 4 bytes: refused (%s)", s.why);
	raw_msg(buf, 99, 0, NULL);
	s = bad(loop, buf, sizeof(*m), false);
	ok(s.fails == 1 && s.msgs == 0, "type 99: refused (%s)", s.why);
	raw_msg(buf, MIGRATE_ERROR, 0, NULL);
	s = bad(loop, buf, sizeof(*m), false);
	ok(s.fails == 1, "ERROR without rc and code: refused (%s)", s.why);
	raw_msg(buf, MIGRATE_HELLO, 0, NULL);
	m->len = 0x7fffffff;
	s = bad(loop, buf, sizeof(*m), false);
	ok(s.fails == 1 && strstr(s.why, "oversized"), "a 2 GiB length: refused at once (%s)", s.why);
	srand(1);
	for (size_t i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)rand();
	s = bad(loop, rnd, sizeof(rnd), false);
	ok(s.fails == 1 && s.msgs == 0, "random bytes: refused (%s)", s.why);
	s = bad(loop, buf, 7, true);
	ok(s.fails == 1 && s.rc == -ECONNRESET, "a peer that closes mid-header (%s)", s.why);
	s = bad(loop, NULL, 0, false);
	ok(s.fails == 1 && s.rc == -ETIMEDOUT, "a silent peer times out (%s)", s.why);
}

int main(void)
{
	struct evloop *loop = evloop_new();
	int sv[2];

	if (!loop || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		printf("Bail out! no event loop or socketpair\n");
		return 1;
	}
	test_round_trips(loop, sv);
	test_split(loop, sv);
	test_hostile(loop);
	close(sv[0]);
	close(sv[1]);
	evloop_free(loop);
	return tap_done();
}
