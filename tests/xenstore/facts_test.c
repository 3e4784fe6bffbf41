/* The XenStore facts of xen-abi.md §7 most likely to be gotten wrong
 * (1-4), each checked on the wire against a dom0 socket client. */
#include "tests/tap.h"
#include "tests/xenstore/xsc.h"

#include <stdlib.h>

static struct evloop *loop;
static struct xenstored *xs;
static char sock[256];

/* Fact 1: READ values and WRITE values carry no NUL; OK, errors, txids,
 * events are NUL-terminated; DIRECTORY is NUL-terminated names. */
static void fact1(struct xsc *c)
{
	struct xsc_msg m;
	uint32_t tx;

	is_int(xsc_write(c, 0, "/f1/v", "abc"), 0, "fact 1: write");
	is_int(xsc_read(c, 0, "/f1/v", &m), 0, "fact 1: read");
	ok(m.h.len == 3 && memcmp(m.body, "abc", 3) == 0, "fact 1: READ reply is the value without NUL");
	xsc_write(c, 0, "/f1/v", "");
	xsc_read(c, 0, "/f1/v", &m);
	is_int(m.h.len, 0, "fact 1: empty value reads as len 0");
	xsc_cmd(c, XS_MKDIR, 0, &m, "/f1/d", NULL);
	ok(m.h.len == 3 && memcmp(m.body, "OK\0", 3) == 0, "fact 1: OK is \"OK\\0\", len 3");
	is_int(xsc_cmd(c, XS_READ, 0, &m, "/f1/missing", NULL), -ENOENT, "fact 1: missing node");
	ok(m.h.type == XS_ERROR && m.h.len == 7 && memcmp(m.body, "ENOENT\0", 7) == 0,
	   "fact 1: error reply is the errno name with NUL");
	tx = xsc_tx_start(c);
	ok(tx != 0, "fact 1: transaction started");
	xsc_rpc(c, XS_TRANSACTION_START, 0, "", 1, &m);
	ok(m.h.len == strlen(m.body) + 1, "fact 1: txid reply is NUL-terminated decimal");
	xsc_cmd(c, XS_TRANSACTION_END, (uint32_t)atoi(m.body), &m, "F", NULL);
	xsc_cmd(c, XS_TRANSACTION_END, tx, &m, "F", NULL);
	xsc_cmd(c, XS_DIRECTORY, 0, &m, "/f1/d", NULL);
	is_int(m.h.len, 0, "fact 1: empty DIRECTORY has len 0");
	xsc_write(c, 0, "/f1/d/x", "1");
	xsc_write(c, 0, "/f1/d/yy", "2");
	xsc_cmd(c, XS_DIRECTORY, 0, &m, "/f1/d", NULL);
	ok(m.h.len == 5 && memcmp(m.body, "x\0yy\0", 5) == 0, "fact 1: DIRECTORY is NUL-terminated leaves");
}

/* Fact 2: OK then one immediate WATCH_EVENT; events have req_id = tx_id =
 * 0; descendants fire; removing an ancestor fires with epath = wpath. */
static void fact2(struct xsc *c)
{
	struct xsc_msg m;

	xsc_write(c, 0, "/f2/a/b", "1");
	is_int(xsc_send(c, XS_WATCH, 0, "/f2/a\0tok\0", 10), 0, "fact 2: WATCH sent");
	is_int(xsc_recv(c, &m), 0, "fact 2: first message");
	ok(m.h.type == XS_WATCH && m.h.len == 3 && !strcmp(m.body, "OK"), "fact 2: OK comes first");
	is_int(xsc_recv(c, &m), 0, "fact 2: second message");
	ok(m.h.type == XS_WATCH_EVENT && m.h.req_id == 0 && m.h.tx_id == 0,
	   "fact 2: then a WATCH_EVENT with req_id = tx_id = 0");
	ok(m.h.len == 10 && !memcmp(m.body, "/f2/a\0tok\0", 10), "fact 2: event is path\\0token\\0");
	xsc_write(c, 0, "/f2/a/b/c", "x");
	ok(xsc_event(c, &m) == 0 && !strcmp(m.body, "/f2/a/b/c"), "fact 2: descendant change fires");
	xsc_write(c, 0, "/f2/other", "x");
	ok(xsc_no_event(c), "fact 2: a sibling of the watched path does not fire");
	xsc_cmd(c, XS_RM, 0, &m, "/f2", NULL);
	ok(xsc_event(c, &m) == 0 && !strcmp(m.body, "/f2/a"),
	   "fact 2: removing an ancestor fires with epath = wpath (got %s)", m.body);
	xsc_cmd(c, XS_UNWATCH, 0, &m, "/f2/a", "tok");
}

/* Fact 3: 20 is invalid, 21 RESET_WATCHES, 22 DIRECTORY_PART; unknown
 * types get ENOSYS; errors are names. */
static void fact3(struct xsc *c)
{
	struct xsc_msg m;

	is_int(XS_RESET_WATCHES, 21, "fact 3: RESET_WATCHES is 21");
	is_int(XS_DIRECTORY_PART, 22, "fact 3: DIRECTORY_PART is 22");
	is_int(xsc_rpc(c, 20, 0, "x\0", 2, &m), -ENOSYS, "fact 3: type 20 (RESTRICT) gets ENOSYS");
	is_str(m.body, "ENOSYS", "fact 3: as a name");
	is_int(xsc_rpc(c, 99, 0, "", 0, &m), -ENOSYS, "fact 3: type 99 gets ENOSYS");
	is_int(xsc_rpc(c, XS_WATCH_EVENT, 0, "", 0, &m), -ENOSYS, "fact 3: client WATCH_EVENT gets ENOSYS");
	is_int(xsc_rpc(c, XS_RESET_WATCHES, 0, "", 1, &m), 0, "fact 3: RESET_WATCHES (21) works");
	xsc_write(c, 0, "/f3/a", "");
	is_int(xsc_rpc(c, XS_DIRECTORY_PART, 0, "/f3\0" "0\0", 6, &m), 0, "fact 3: DIRECTORY_PART (22) works");
	size_t gl = strlen(m.body) + 1;
	ok(m.h.len == gl + 3 && !memcmp(m.body + gl, "a\0\0", 3), "fact 3: DIRECTORY_PART gen, names, final NUL");
}

/* Fact 4: the socket comes from XENSTORED_PATH (checked by the shell
 * test); TRANSACTION_START/END with EAGAIN is mandatory. */
static void fact4(struct xsc *c, struct xsc *d)
{
	struct xsc_msg m;
	uint32_t tx = xsc_tx_start(c);

	ok(tx != 0, "fact 4: TRANSACTION_START gives an id");
	xsc_read(c, tx, "/f4", &m);
	xsc_write(c, tx, "/f4", "mine");
	xsc_write(d, 0, "/f4", "theirs");
	is_int(xsc_cmd(c, XS_TRANSACTION_END, tx, &m, "T", NULL), -EAGAIN, "fact 4: conflicting commit gets EAGAIN");
	tx = xsc_tx_start(c);
	xsc_write(c, tx, "/f4", "mine");
	is_int(xsc_cmd(c, XS_TRANSACTION_END, tx, &m, "T", NULL), 0, "fact 4: the retry commits");
	xsc_read(d, 0, "/f4", &m);
	is_str(m.body, "mine", "fact 4: and its write is visible");
}

int main(void)
{
	char dir[] = "/tmp/xsfacts.XXXXXX";
	struct xsc c, d;

	if (!mkdtemp(dir))
		return 1;
	snprintf(sock, sizeof(sock), "%s/socket", dir);
	loop = evloop_new();
	xs = xenstored_new(loop);
	is_int(xenstored_listen(xs, sock, 0, (gid_t)-1), 0, "listen");
	is_int(xsc_connect(&c, loop, xs, sock), 0, "client 1 connects");
	is_int(xsc_connect(&d, loop, xs, sock), 0, "client 2 connects");
	fact1(&c);
	fact2(&c);
	fact3(&c);
	fact4(&c, &d);
	xsc_close(&c);
	xsc_close(&d);
	xenstored_free(xs);
	evloop_free(loop);
	rmdir(dir);
	return tap_done();
}
