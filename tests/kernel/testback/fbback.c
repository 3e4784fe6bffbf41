/* A test-only framebuffer + keyboard backend for the PV kernel's fbfront
 * and kbdfront: dom0's part of io/fbif.h and io/kbdif.h, without a VNC
 * server.  It reads the guest's framebuffer through the domain's memory
 * (the frames listed in the page directory), checks the test picture and
 * the UPDATE events, then sends a key press and a pointer position and
 * checks that the guest redraws.
 *
 *   fbback DOMID      (run while the domain is paused; prints "ready", then
 *                      one "ok"/"FAIL" line per check) */
#include "tests/kernel/testback/xs.h"
#include "libvmctl/hv.h"
#include "vmctl/xen/io/fbif.h"
#include "vmctl/xen/io/kbdif.h"
#include "vmctl/xen/io/xenbus.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096

struct fbback {
	struct hv *hv;
	int xs, memfd;
	uint32_t domid;
	char fb_fe[128], fb_be[128], kb_fe[128], kb_be[128];
	struct xenfb_page *fb;
	struct xenkbd_page *kb;
	uint32_t fb_port, kb_port;
	int fb_fd, kb_fd;
	unsigned long *frames;		/* framebuffer frames, from pd[] */
	int failures;
	int upd_x, upd_y, upd_w, upd_h;	/* union of the updates seen */
	unsigned updates;
};

static int die(const char *what)
{
	fprintf(stderr, "fbback: %s\n", what);
	return 1;
}

static void check(struct fbback *b, int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	fflush(stdout);
	b->failures += !cond;
}

static int publish(struct fbback *b)
{
	char owner[16], reader[16];
	int rc = 0;

	snprintf(owner, sizeof(owner), "n%u", b->domid);
	snprintf(reader, sizeof(reader), "r%u", b->domid);
	for (int i = 0; i < 2; i++) {
		const char *fe = i ? b->kb_fe : b->fb_fe, *be = i ? b->kb_be : b->fb_be;

		rc |= xs_printf(b->xs, owner, "r0", fe, "backend", "%s", be);
		rc |= xs_printf(b->xs, owner, "r0", fe, "backend-id", "0");
		rc |= xs_printf(b->xs, owner, "r0", fe, "state", "%d", XenbusStateInitialising);
		rc |= xs_set_perms(b->xs, fe, owner, "r0");
		rc |= xs_printf(b->xs, "n0", reader, be, "frontend", "%s", fe);
		rc |= xs_printf(b->xs, "n0", reader, be, "frontend-id", "%u", b->domid);
	}
	rc |= xs_printf(b->xs, "n0", reader, b->fb_be, "request-update", "1");
	rc |= xs_printf(b->xs, "n0", reader, b->kb_be, "feature-abs-pointer", "1");
	rc |= xs_printf(b->xs, "n0", reader, b->fb_be, "state", "%d", XenbusStateInitWait);
	rc |= xs_printf(b->xs, "n0", reader, b->kb_be, "state", "%d", XenbusStateInitWait);
	return rc;
}

static void *map_frame(struct fbback *b, uint64_t frame)
{
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd,
		       (off_t)(frame * PG));

	return p == MAP_FAILED ? NULL : p;
}

static long long num(struct fbback *b, const char *dir, const char *node)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	return xs_read_num(b->xs, path);
}

static int connect_fb(struct fbback *b)
{
	char path[192];
	unsigned long npages;

	snprintf(path, sizeof(path), "%s/state", b->fb_fe);
	if (xs_wait_num(b->xs, path, XenbusStateInitialised, 20000) < 0)
		return die("fbfront never became Initialised");
	/* page-ref is a frame number, not a grant (io/fbif.h) */
	b->fb = map_frame(b, (uint64_t)num(b, b->fb_fe, "page-ref"));
	if (!b->fb)
		return die("cannot map the framebuffer page");
	npages = ((unsigned long)b->fb->mem_length + PG - 1) / PG;
	b->frames = calloc(npages + 512, sizeof(*b->frames));
	for (unsigned long i = 0; i * 512 < npages; i++)
		if (pread(b->memfd, b->frames + i * 512, PG, (off_t)(b->fb->pd[i] * PG)) != PG)
			return die("cannot read the page directory");
	if (hv_evtchn_bind_interdomain(b->hv, b->domid, (uint32_t)num(b, b->fb_fe, "event-channel"),
				       &b->fb_port, &b->fb_fd) < 0)
		return die("cannot bind the framebuffer channel");
	return xs_printf(b->xs, NULL, NULL, b->fb_be, "state", "%d", XenbusStateConnected);
}

static int connect_kbd(struct fbback *b)
{
	char path[192];
	uint64_t frame;
	uint32_t handle;

	snprintf(path, sizeof(path), "%s/state", b->kb_fe);
	if (xs_wait_num(b->xs, path, XenbusStateInitialised, 20000) < 0)
		return die("kbdfront never became Initialised");
	if (hv_gnttab_map(b->hv, b->domid, (uint32_t)num(b, b->kb_fe, "page-gref"), 0,
			  &frame, &handle) < 0)
		return die("cannot map the keyboard page's grant");
	b->kb = map_frame(b, frame);
	if (!b->kb)
		return die("cannot map the keyboard page");
	if (hv_evtchn_bind_interdomain(b->hv, b->domid, (uint32_t)num(b, b->kb_fe, "event-channel"),
				       &b->kb_port, &b->kb_fd) < 0)
		return die("cannot bind the keyboard channel");
	return xs_printf(b->xs, NULL, NULL, b->kb_be, "state", "%d", XenbusStateConnected);
}

static uint32_t pixel(struct fbback *b, int x, int y)
{
	unsigned long off = (unsigned long)y * b->fb->line_length + (unsigned long)x * 4;
	uint32_t v = 0;

	if (pread(b->memfd, &v, 4, (off_t)(b->frames[off / PG] * PG + off % PG)) != 4)
		return 0xdeadbeef;
	return v & 0xffffff;
}

/* Take the UPDATE events queued so far (waiting up to 5 s for a kick). */
static void take_updates(struct fbback *b)
{
	struct pollfd p = { .fd = b->fb_fd, .events = POLLIN };
	uint64_t v;

	b->updates = 0;
	b->upd_x = b->upd_y = 1 << 30;
	b->upd_w = b->upd_h = 0;
	if (poll(&p, 1, 5000) <= 0 || read(b->fb_fd, &v, sizeof(v)) != sizeof(v))
		return;
	usleep(50 * 1000);	/* let a burst of updates finish */
	uint32_t prod = __atomic_load_n(&b->fb->out_prod, __ATOMIC_ACQUIRE);
	for (uint32_t c = b->fb->out_cons; c != prod; c++) {
		union xenfb_out_event *e = &XENFB_OUT_RING_REF(b->fb, c);

		if (e->type != XENFB_TYPE_UPDATE)
			continue;
		b->updates++;
		if (e->update.x < b->upd_x)
			b->upd_x = e->update.x;
		if (e->update.y < b->upd_y)
			b->upd_y = e->update.y;
		if (e->update.x + e->update.width > b->upd_w)
			b->upd_w = e->update.x + e->update.width;
		if (e->update.y + e->update.height > b->upd_h)
			b->upd_h = e->update.y + e->update.height;
	}
	__atomic_store_n(&b->fb->out_cons, prod, __ATOMIC_RELEASE);
}

static void send_kbd(struct fbback *b, const union xenkbd_in_event *ev)
{
	uint32_t prod = b->kb->in_prod;

	XENKBD_IN_RING_REF(b->kb, prod) = *ev;
	__atomic_store_n(&b->kb->in_prod, prod + 1, __ATOMIC_RELEASE);
	hv_evtchn_notify(b->hv, b->kb_port);
}

static void check_picture(struct fbback *b)
{
	static const uint32_t bars[] = { 0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
					 0xff00ff, 0xff0000, 0x0000ff, 0x000000 };
	int bw = b->fb->width / 8, ok = 1;

	check(b, b->fb->width == 800 && b->fb->height == 600 && b->fb->depth == 32 &&
	      b->fb->line_length == 3200, "geometry 800x600, 32 bpp, 3200 bytes a line");
	take_updates(b);
	check(b, b->updates >= 1 && b->upd_x == 0 && b->upd_y == 0 && b->upd_w == 800 &&
	      b->upd_h == 600, "the first updates cover the whole screen");
	for (int i = 0; i < 8; i++)
		ok &= pixel(b, i * bw + bw / 2, 300) == bars[i];
	check(b, ok, "eight colour bars in the framebuffer");
	check(b, pixel(b, 1, 1) == 0xff8000 && pixel(b, 798, 300) == 0xff8000,
	      "the orange border");
	/* inside the border: x = 4 is nearly black, x = 790 nearly white */
	check(b, pixel(b, 4, 500) == 0x010101 && pixel(b, 790, 500) == 0xfcfcfc,
	      "the grey ramp from black to white");
}

static void check_input(struct fbback *b)
{
	union xenkbd_in_event ev;
	int yellow = 0;

	memset(&ev, 0, sizeof(ev));
	ev.key.type = XENKBD_TYPE_KEY;
	ev.key.pressed = 1;
	ev.key.keycode = 30;	/* KEY_A */
	send_kbd(b, &ev);
	take_updates(b);
	for (int x = 0; x < 400; x++)
		for (int y = 576; y < 600; y++)
			yellow += pixel(b, x, y) == 0xffff00;
	check(b, b->updates >= 1 && b->upd_y >= 576 && yellow > 50,
	      "a key press redraws the status line");
	memset(&ev, 0, sizeof(ev));
	ev.pos.type = XENKBD_TYPE_POS;
	ev.pos.abs_x = 400;
	ev.pos.abs_y = 300;
	send_kbd(b, &ev);
	take_updates(b);
	check(b, pixel(b, 400, 300) == 0xff0000 && b->upd_x <= 400 && b->upd_w > 400,
	      "the cursor is drawn at the pointer position");
}

int main(int argc, char **argv)
{
	struct fbback b = { .memfd = -1 };
	struct privcmd_foreign_map fm;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2)
		return die("usage: fbback DOMID");
	b.domid = (uint32_t)atoi(argv[1]);
	snprintf(b.fb_fe, sizeof(b.fb_fe), "/local/domain/%u/device/vfb/0", b.domid);
	snprintf(b.fb_be, sizeof(b.fb_be), "/local/domain/0/backend/vfb/%u/0", b.domid);
	snprintf(b.kb_fe, sizeof(b.kb_fe), "/local/domain/%u/device/vkbd/0", b.domid);
	snprintf(b.kb_be, sizeof(b.kb_be), "/local/domain/0/backend/vkbd/%u/0", b.domid);
	b.xs = xs_connect();
	if (b.xs < 0 || hv_open(NULL, &b.hv) < 0)
		return die("cannot reach xenstored or vmhv");
	if (publish(&b))
		return die("cannot write the devices' nodes");
	printf("ready\n");
	fflush(stdout);
	if (hv_foreign_map(b.hv, b.domid, &b.memfd, &fm) < 0)
		return die("cannot map the domain's memory");
	if (connect_fb(&b) || connect_kbd(&b))
		return 1;
	check_picture(&b);
	check_input(&b);
	free(b.frames);
	hv_close(b.hv);
	return b.failures ? 1 : 0;
}
