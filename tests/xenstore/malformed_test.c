/* Malformed and abusive input: bad lengths, missing NULs, unknown types,
 * oversized payloads, clients that never read.  Each gets an error reply
 * or is disconnected, and the server keeps serving the others. */
#include "tests/tap.h"
#include "tests/xenstore/xsc.h"
#include "xld/xenstore/xs.h"

#include <stdlib.h>

static struct evloop *loop;
static struct xenstored *xs;
static char sock[256];

static int nconns(void)
{
	int n = 0;

	for (struct xs_conn *c = xs->conns; c; c = c->next)
		n++;
	return n;
}

/* Let the server notice hang-ups: pump until `n` connections are left. */
static int settle(int n)
{
	for (int i = 0; i < 100 && nconns() != n; i++)
		evloop_run_once(loop, 10);
	return nconns();
}

static void still_serving(struct xsc *other, const char *what)
{
	struct xsc_msg m;

	ok(xsc_write(other, 0, "/alive", what) == 0 && xsc_read(other, 0, "/alive", &m) == 0 &&
	   !strcmp(m.body, what), "another client is still served after %s", what);
}

static void test_errors(struct xsc *c)
{
	struct xsc_msg m;

	is_int(xsc_rpc(c, XS_READ, 0, "/a", 2, &m), -EINVAL, "path without NUL: EINVAL");
	is_int(xsc_rpc(c, XS_READ, 0, "", 0, &m), -EINVAL, "empty payload: EINVAL");
	is_int(xsc_rpc(c, XS_READ, 0, "/a\0/b\0", 6, &m), -EINVAL, "extra argument: EINVAL");
	is_int(xsc_rpc(c, XS_WRITE, 0, "/a", 2, &m), -EINVAL, "WRITE without NUL after the path");
	is_int(xsc_cmd(c, XS_READ, 0, &m, "/a//b", NULL), -EINVAL, "double slash");
	is_int(xsc_cmd(c, XS_READ, 0, &m, "/a/", NULL), -EINVAL, "trailing slash");
	is_int(xsc_cmd(c, XS_READ, 0, &m, "/a b", NULL), -EINVAL, "bad character");
	is_int(xsc_cmd(c, XS_WRITE, 0, &m, "@introduceDomain", NULL), -EINVAL, "writing a special path");
	is_int(xsc_cmd(c, XS_RM, 0, &m, "/", NULL), -EINVAL, "removing the root");
	is_int(xsc_cmd(c, XS_WATCH, 0, &m, "/a", NULL), -EINVAL, "WATCH without token");
	is_int(xsc_cmd(c, XS_WATCH, 0, &m, "@bogus", "t"), 0, "any @name may be watched (as C xenstored)");
	xsc_cmd(c, XS_UNWATCH, 0, &m, "@bogus", "t");
	c->nev = 0;
	is_int(xsc_cmd(c, XS_SET_PERMS, 0, &m, "@bogus", "n0"), -EINVAL, "but it is no node");
	is_int(xsc_rpc(c, XS_SET_PERMS, 0, "/a\0", 3, &m), -EINVAL, "SET_PERMS without perms");
	is_int(xsc_cmd(c, XS_GET_DOMAIN_PATH, 0, &m, "12x", NULL), 0, "GET_DOMAIN_PATH reads domids like atoi");
	is_str(m.body, "/local/domain/12", "(as C xenstored does)");
	is_int(xsc_rpc(c, XS_DIRECTORY_PART, 0, "/\0x\0", 4, &m), -EINVAL, "DIRECTORY_PART bad offset");
	is_int(xsc_rpc(c, XS_TYPE_COUNT, 0, "", 0, &m), -ENOSYS, "XS_TYPE_COUNT: ENOSYS");
	is_int(xsc_rpc(c, XS_ERROR, 0, "", 0, &m), -ENOSYS, "client-sent XS_ERROR: ENOSYS");
	is_int(xsc_rpc(c, 0xffffffffu, 0, "", 0, &m), -ENOSYS, "type 0xffffffff: ENOSYS");
	is_int(xsc_cmd(c, XS_CONTROL, 0, &m, "nonsense", NULL), -EINVAL, "unknown CONTROL command");
	{
		char path[XENSTORE_ABS_PATH_MAX + 2];
		path[0] = '/';
		memset(path + 1, 'a', sizeof(path) - 2);
		path[sizeof(path) - 1] = '\0';
		is_int(xsc_cmd(c, XS_WRITE, 0, &m, path, NULL), -EINVAL, "path over XENSTORE_ABS_PATH_MAX");
	}
	is_int(xsc_write(c, 0, "/ok", "fine"), 0, "the same client still works");
}

static void test_oversized(struct xsc *other)
{
	struct xsc bad;
	struct xsc_msg m;
	struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
	int before = nconns();

	xsc_connect(&bad, loop, xs, sock);
	xsc_write(&bad, 0, "/bad", "1"); /* so that the server knows it */
	is_int(nconns(), before + 1, "bad client connected");
	xsc_raw(&bad, &h, sizeof(h));
	is_int(xsc_recv(&bad, &m), -EPIPE, "header with len > XENSTORE_PAYLOAD_MAX: disconnected");
	is_int(nconns(), before, "its connection is gone");
	still_serving(other, "oversized");
	xsc_close(&bad);

	/* A partial message then a hang-up. */
	xsc_connect(&bad, loop, xs, sock);
	h.len = 100;
	xsc_raw(&bad, &h, sizeof(h));
	xsc_raw(&bad, "/x", 2);
	xsc_close(&bad);
	still_serving(other, "partial");
	is_int(settle(before), before, "half-sent request then close: connection freed");
}

/* A client that watches everything and never reads is dropped when its
 * queue is full; the writer is never blocked. */
static void test_not_reading(struct xsc *other)
{
	struct xsc lazy;
	struct xsc_msg m;
	char p[64];
	int before = nconns(), rc = 0;

	xs->out_max = 4096;
	xsc_connect(&lazy, loop, xs, sock);
	is_int(xsc_cmd(&lazy, XS_WATCH, 0, &m, "/flood", "f"), 0, "lazy client watches /flood");
	for (int i = 0; i < 20000 && nconns() > before; i++) {
		snprintf(p, sizeof(p), "/flood/n%d", i);
		rc |= xenstored_write(xs, p, "x", 1);
		if (i % 64 == 0)
			evloop_run_once(loop, 0);
	}
	is_int(rc, 0, "writer never failed");
	is_int(nconns(), before, "the client that does not read is disconnected");
	still_serving(other, "a flood");
	xsc_close(&lazy);
	xs->out_max = XS_OUT_MAX_DEFAULT;
}

/* A client that sends requests without ever reading the replies: the
 * server stops reading it (outstanding limit) and goes on with others. */
static void test_no_reply_reader(struct xsc *other)
{
	struct xsc lazy;
	char req[64];
	struct xsd_sockmsg h = { XS_READ, 1, 0, 7 };
	int sent = 0;

	xsc_connect(&lazy, loop, xs, sock);
	memcpy(req, &h, sizeof(h));
	memcpy(req + sizeof(h), "/alive", 7);
	for (int i = 0; i < 20000; i++) {
		if (send(lazy.fd, req, sizeof(h) + 7, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(sizeof(h) + 7))
			break;
		sent++;
		if (i % 256 == 0)
			evloop_run_once(loop, 0);
	}
	ok(sent < 20000, "the lazy client's socket filled up after %d requests", sent);
	still_serving(other, "a client not reading replies");
	xsc_close(&lazy);
}

/* A guest writing garbage on its ring. */
static void test_ring(struct xsc *other)
{
	struct xsc g;
	struct xsc_msg m;
	struct xsd_sockmsg h = { XS_READ, 1, 0, 60000 };

	is_int(xsc_guest(&g, loop, xs, 7), 0, "guest 7 attached");
	xsc_raw(&g, &h, sizeof(h));
	is_int(g.ring->error, XENSTORE_ERROR_PROTO, "oversized request: ring error = PROTO");
	xsc_write(other, 0, "/local/domain/7/x", "1");
	still_serving(other, "a bad ring");
	g.ring->connection = XENSTORE_RECONNECT;
	xenstored_ring_kick(xs, 7);
	ok(g.ring->connection == XENSTORE_CONNECTED && g.ring->error == XENSTORE_ERROR_NONE &&
	   g.ring->req_prod == 0 && g.ring->rsp_prod == 0, "reconnect: queues and error reset");
	g.have = 0;
	is_int(xsc_cmd(&g, XS_GET_DOMAIN_PATH, 0, &m, "7", NULL), 0, "guest works again after reconnect");
	is_str(m.body, "/local/domain/7", "and gets the right reply");
	/* A guest that never reads its responses while events pile up. */
	xs->out_max = 4096;
	xenstored_write(xs, "/gflood", "", 0);
	xenstored_set_perms(xs, "/gflood", "n0 r7");
	is_int(xsc_cmd(&g, XS_WATCH, 0, &m, "/gflood", "t"), 0, "guest watches /gflood");
	for (int i = 0; i < 2000 && g.ring->error == XENSTORE_ERROR_NONE; i++) {
		char p[32];
		snprintf(p, sizeof(p), "/gflood/n%d", i);
		xenstored_write(xs, p, "x", 1);
	}
	is_int(g.ring->error, XENSTORE_ERROR_COMM, "its queue overflows: ring error = COMM");
	xs->out_max = XS_OUT_MAX_DEFAULT;
	still_serving(other, "a guest not reading");
	g.ring->connection = XENSTORE_RECONNECT;
	xenstored_ring_kick(xs, 7);
	g.have = 0;
	g.nev = 0;
	is_int(xsc_cmd(&g, XS_GET_DOMAIN_PATH, 0, &m, "7", NULL), 0, "and works again after reconnecting");
	g.ring->req_prod = g.ring->req_cons + 5000;
	xenstored_ring_kick(xs, 7);
	is_int(g.ring->error, XENSTORE_ERROR_RINGIDX, "producer index too far ahead: RINGIDX");
	still_serving(other, "bad ring indices");
	xsc_close(&g);
}

/* Many pipelined requests from a guest: replies come back in order through
 * a ring far smaller than the total, without losing any. */
static void test_pipeline(void)
{
	struct xsc g;
	struct xsc_msg m;
	int good = 0;

	xsc_guest(&g, loop, xs, 8);
	for (int i = 0; i < 100; i++)
		xsc_send(&g, XS_GET_DOMAIN_PATH, 0, "8", 2);
	for (int i = 0; i < 100; i++)
		good += xsc_recv(&g, &m) == 0 && m.h.req_id == (uint32_t)i + 1 &&
			!strcmp(m.body, "/local/domain/8");
	is_int(good, 100, "100 pipelined ring requests answered in order");
	xsc_close(&g);
}

/* Random requests (fixed seed): every one gets exactly one reply, with its
 * req_id, on the socket and on a ring; nothing crashes (run under ASan). */
static void test_random(struct xsc *c, const char *what)
{
	static const char alphabet[] = "/ab@0123\0\0\0xyzTF";
	unsigned seed = 12345;
	int good = 0;

	for (int i = 0; i < 300; i++) {
		char body[300];
		uint32_t len, type, tx;
		struct xsc_msg m;
		seed = seed * 1103515245u + 12345u;
		type = (seed >> 8) % 30;
		if (type == XS_INTRODUCE || type == XS_RELEASE || type == XS_SET_QUOTA ||
		    type == XS_SET_TARGET || type == XS_SET_FEATURE)
			type = XS_READ; /* keep the store's domains as they are */
		tx = (seed >> 20) % 4 == 0 ? (seed >> 4) % 3 : 0;
		len = (seed >> 12) % 64;
		for (uint32_t j = 0; j < len; j++) {
			seed = seed * 1103515245u + 12345u;
			body[j] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		if (xsc_send(c, type, tx, body, len) == 0 && xsc_reply(c, &m) == 0 &&
		    m.h.req_id == c->next_req && (m.h.type == type || m.h.type == XS_ERROR))
			good++;
		c->nev = 0;
	}
	is_int(good, 300, "300 random requests on %s: one reply each", what);
}

int main(void)
{
	char dir[] = "/tmp/xsbad.XXXXXX";
	struct xsc c, other;

	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	loop = evloop_new();
	xs = xenstored_new(loop);
	xenstored_listen(xs, sock, 0, (gid_t)-1);
	xsc_connect(&c, loop, xs, sock);
	xsc_connect(&other, loop, xs, sock);
	test_errors(&c);
	test_oversized(&other);
	test_not_reading(&other);
	test_no_reply_reader(&other);
	test_ring(&other);
	test_pipeline();
	test_random(&c, "the socket");
	{
		struct xsc g;
		xsc_guest(&g, loop, xs, 9);
		test_random(&g, "a ring");
		xsc_close(&g);
	}
	still_serving(&other, "random requests");
	xsc_close(&c);
	xsc_close(&other);
	xenstored_free(xs);
	evloop_free(loop);
	rmdir(dir);
	return tap_done();
}
