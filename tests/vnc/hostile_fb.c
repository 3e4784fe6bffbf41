/* A hostile PV framebuffer frontend, played from dom0 for a paused domain
 * whose kernel never runs: it writes the frontend's xenstore nodes and the
 * shared page into the domain's memory (vmhv's foreign mapping) the way a
 * malicious guest could, and checks that pvfb-vnc refuses each bad thing
 * (backend Closed, a log line) and keeps serving.
 *
 *   hostile_fb DOMID LOGFILE refuse    every refusal; prints ok/FAIL lines
 *   hostile_fb DOMID LOGFILE connect   a valid 64x64 green framebuffer without
 *                                      update events, then garbage on its out ring
 *   hostile_fb DOMID LOGFILE paint RRGGBB  new pixels, no event
 *   hostile_fb DOMID LOGFILE resize W H DEPTH  a RESIZE event (after connect)
 *   hostile_fb DOMID LOGFILE kbd-refuse  the keyboard's refusals
 *
 * Frames are taken from the top of the domain's memory, away from the
 * kernel the builder loaded at the bottom. */
#include "pvfb-vnc/xs_client.h"
#include "libvmctl/hv.h"
#include "vmctl/xen/io/fbif.h"
#include "vmctl/xen/io/xenbus.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
#define FB_W 64
#define FB_H 64
#define FB_PAGES ((FB_W * FB_H * 4 + PG - 1) / PG)

struct hostile {
	struct hv *hv;
	struct xsc *xs;
	uint32_t domid;
	int memfd;
	uint64_t ram;
	uint64_t page_frame, pd_frame, fb_frame;   /* fb: FB_PAGES in a row */
	struct xenfb_page *page;
	unsigned long *pd;
	char fe[96], be[96];
	const char *log;
	int failures;
};

static void check(struct hostile *h, int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	fflush(stdout);
	h->failures += !cond;
}

static void *map(struct hostile *h, uint64_t frame)
{
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, (off_t)(frame * PG));

	return p == MAP_FAILED ? NULL : p;
}

static void fe_write(struct hostile *h, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fe_write(struct hostile *h, const char *key, const char *fmt, ...)
{
	char path[160], val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", h->fe, key);
	xsc_write(h->xs, path, val);
}

/* Wait (5 s at most) for the backend's state to be one of two values. */
static long long wait_be(struct hostile *h, long long a, long long b)
{
	char path[160];
	long long v = -1;

	snprintf(path, sizeof(path), "%s/state", h->be);
	for (int i = 0; i < 500; i++) {
		if (xsc_read_num(h->xs, path, &v) == 0 && (v == a || v == b))
			return v;
		usleep(10000);
	}
	return v;
}

/* Whether pvfb-vnc's log has a line containing `text` (5 s at most). */
static int log_has(struct hostile *h, const char *text)
{
	char line[1024];

	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(h->log, "r");
		int found = 0;
		while (f && !found && fgets(line, sizeof(line), f))
			found = strstr(line, text) != NULL;
		if (f)
			fclose(f);
		if (found)
			return 1;
		usleep(10000);
	}
	return 0;
}

/* A good framebuffer: geometry, directory, green pixels. */
static void make_good(struct hostile *h)
{
	uint32_t *px;

	memset(h->page, 0, PG);
	h->page->width = FB_W;
	h->page->height = FB_H;
	h->page->line_length = FB_W * 4;
	h->page->mem_length = FB_PAGES * PG;
	h->page->depth = 32;
	h->page->pd[0] = h->pd_frame;
	memset(h->pd, 0, PG);
	for (int i = 0; i < FB_PAGES; i++) {
		h->pd[i] = h->fb_frame + (uint64_t)i;
		px = map(h, h->fb_frame + (uint64_t)i);
		for (int j = 0; px && j < PG / 4; j++)
			px[j] = 0x00ff00;
		if (px)
			munmap(px, PG);
	}
	fe_write(h, "page-ref", "%llu", (unsigned long long)h->page_frame);
	fe_write(h, "feature-update", "1");
}

/* Start over (Initialising -> backend InitWait), break something with
 * `spoil`, say Initialised, expect Closed and `logline`. */
static void refusal(struct hostile *h, const char *what, const char *logline,
		    void (*spoil)(struct hostile *h))
{
	char msg[256];

	fe_write(h, "state", "%d", XenbusStateInitialising);
	wait_be(h, XenbusStateInitWait, XenbusStateInitWait);
	make_good(h);
	spoil(h);
	fe_write(h, "state", "%d", XenbusStateInitialised);
	snprintf(msg, sizeof(msg), "%s: the backend refuses (Closed)", what);
	check(h, wait_be(h, XenbusStateClosed, XenbusStateConnected) == XenbusStateClosed, msg);
	snprintf(msg, sizeof(msg), "%s: logged (\"%s\")", what, logline);
	check(h, log_has(h, logline), msg);
}

static void bad_page_ref(struct hostile *h) { fe_write(h, "page-ref", "%llu", (unsigned long long)h->ram + 5); }
static void huge_width(struct hostile *h) { h->page->width = 100000; }
static void odd_depth(struct hostile *h) { h->page->depth = 24; }
static void huge_memory(struct hostile *h) { h->page->mem_length = 1u << 30; }
static void short_memory(struct hostile *h) { h->page->height = FB_H * 2; }
static void bad_pd(struct hostile *h) { h->page->pd[0] = ~0ul >> 4; }
static void bad_frame(struct hostile *h) { h->pd[1] = h->ram + 1000; }
static void bad_port(struct hostile *h) { fe_write(h, "event-channel", "%llu", 5000000000ull); }
static void no_page_ref(struct hostile *h) { fe_write(h, "page-ref", "frame"); }

static int run_refusals(struct hostile *h)
{
	refusal(h, "page-ref outside guest memory", "framebuffer page frame", bad_page_ref);
	refusal(h, "a width of 100000", "absurd size", huge_width);
	refusal(h, "24 bits per pixel", "depth is neither 16 nor 32", odd_depth);
	refusal(h, "1 GiB of framebuffer memory", "memory size out of range", huge_memory);
	refusal(h, "a picture larger than its memory", "picture larger than its memory", short_memory);
	refusal(h, "a page directory frame outside memory", "page directory entry 0", bad_pd);
	refusal(h, "a framebuffer frame outside memory", "framebuffer page 1 is frame", bad_frame);
	refusal(h, "an impossible event channel", "no valid event-channel", bad_port);
	refusal(h, "a page-ref that is not a number", "no page-ref", no_page_ref);
	return h->failures ? 1 : 0;
}

/* Out events the guest should never send; then a kick through xenstore
 * (a frontend node changes), which makes pvfb-vnc look at its rings. */
static void push_out(struct hostile *h, const union xenfb_out_event *ev)
{
	uint32_t prod = h->page->out_prod;

	memcpy(&XENFB_OUT_RING_REF(h->page, prod), ev, sizeof(*ev));
	__atomic_store_n(&h->page->out_prod, prod + 1, __ATOMIC_RELEASE);
}

static void kick(struct hostile *h)
{
	static int n;

	fe_write(h, "kick", "%d", ++n);
	usleep(100000);
}

static int run_connect(struct hostile *h)
{
	union xenfb_out_event ev;
	uint32_t port;

	fe_write(h, "state", "%d", XenbusStateInitialising);
	wait_be(h, XenbusStateInitWait, XenbusStateInitWait);
	make_good(h);
	if (hv_evtchn_alloc_unbound(h->hv, h->domid, 0, &port) < 0)
		return 2;
	fe_write(h, "event-channel", "%u", port);
	fe_write(h, "feature-update", "0");	/* the backend must scan the memory */
	fe_write(h, "state", "%d", XenbusStateInitialised);
	check(h, wait_be(h, XenbusStateConnected, XenbusStateClosed) == XenbusStateConnected,
	      "a good 64x64 framebuffer connects");
	memset(&ev, 0, sizeof(ev));
	ev.update = (struct xenfb_update){ XENFB_TYPE_UPDATE, INT_MAX, INT_MAX, INT_MAX, INT_MAX };
	push_out(h, &ev);
	ev.update = (struct xenfb_update){ XENFB_TYPE_UPDATE, -5, -5, INT_MIN, 70 };
	push_out(h, &ev);
	ev.resize = (struct xenfb_resize){ XENFB_TYPE_RESIZE, 32, 32, 128, 32, 1 << 30 };
	push_out(h, &ev);
	ev.resize = (struct xenfb_resize){ XENFB_TYPE_RESIZE, 5000, 32, -1, 32, 0 };
	push_out(h, &ev);
	ev.type = 99;
	push_out(h, &ev);
	kick(h);
	check(h, log_has(h, "lies outside the framebuffer memory"), "a RESIZE beyond the memory is refused");
	__atomic_store_n(&h->page->out_prod, h->page->out_cons + 1000, __ATOMIC_RELEASE);
	kick(h);
	check(h, log_has(h, "out ring indices corrupt"), "impossible ring indices are noticed");
	return h->failures ? 1 : 0;
}

/* New pixels, and no UPDATE: only pvfb-vnc's scan can notice them. */
static int run_paint(struct hostile *h, uint32_t colour)
{
	for (int i = 0; i < FB_PAGES; i++) {
		uint32_t *px = map(h, h->fb_frame + (uint64_t)i);
		for (int j = 0; px && j < PG / 4; j++)
			px[j] = colour;
		if (px)
			munmap(px, PG);
	}
	return 0;
}

static int run_resize(struct hostile *h, int w, int hgt, int depth)
{
	union xenfb_out_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.resize = (struct xenfb_resize){ XENFB_TYPE_RESIZE, w, hgt, w * depth / 8, depth, 0 };
	push_out(h, &ev);
	kick(h);
	return 0;
}

/* The keyboard: a grant that is not one, a frame outside memory. */
static int kbd_refusal(struct hostile *h, const char *what, const char *key, const char *val,
		       const char *logline)
{
	char kfe[96], kbe[96], path[160], msg[160];
	long long st = -1;

	snprintf(kfe, sizeof(kfe), "/local/domain/%u/device/vkbd/0", h->domid);
	snprintf(kbe, sizeof(kbe), "/local/domain/0/backend/vkbd/%u/0/state", h->domid);
	snprintf(path, sizeof(path), "%s/state", kfe);
	xsc_write(h->xs, path, "1");
	for (int i = 0; i < 500 && st != XenbusStateInitWait; i++, usleep(10000))
		xsc_read_num(h->xs, kbe, &st);
	snprintf(path, sizeof(path), "%s/page-gref", kfe);
	xsc_rm(h->xs, path);
	snprintf(path, sizeof(path), "%s/%s", kfe, key);
	xsc_write(h->xs, path, val);
	snprintf(path, sizeof(path), "%s/event-channel", kfe);
	xsc_write(h->xs, path, "1");
	snprintf(path, sizeof(path), "%s/state", kfe);
	xsc_write(h->xs, path, "3");
	for (int i = 0; i < 500 && st != XenbusStateClosed && st != XenbusStateConnected;
	     i++, usleep(10000))
		xsc_read_num(h->xs, kbe, &st);
	snprintf(msg, sizeof(msg), "keyboard, %s: the backend refuses (Closed)", what);
	check(h, st == XenbusStateClosed, msg);
	snprintf(msg, sizeof(msg), "keyboard, %s: logged (\"%s\")", what, logline);
	check(h, log_has(h, logline), msg);
	return 0;
}

static int run_kbd_refusals(struct hostile *h)
{
	kbd_refusal(h, "a grant never given", "page-gref", "1000", "cannot map grant 1000");
	kbd_refusal(h, "a frame outside memory", "page-ref", "99999999", "keyboard page frame");
	return h->failures ? 1 : 0;
}

static int setup(struct hostile *h)
{
	struct privcmd_foreign_map fm;

	snprintf(h->fe, sizeof(h->fe), "/local/domain/%u/device/vfb/0", h->domid);
	snprintf(h->be, sizeof(h->be), "/local/domain/0/backend/vfb/%u/0", h->domid);
	if (hv_open(NULL, &h->hv) < 0 || xsc_open(getenv("XENSTORED_PATH"), &h->xs) < 0 ||
	    hv_foreign_map(h->hv, h->domid, &h->memfd, &fm) < 0)
		return -1;
	h->ram = fm.ram_frames;
	h->page_frame = h->ram - 16;
	h->pd_frame = h->ram - 15;
	h->fb_frame = h->ram - 14;
	h->page = map(h, h->page_frame);
	h->pd = map(h, h->pd_frame);
	return h->page && h->pd ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct hostile h = { .memfd = -1 };
	int rc = 2;

	if (argc < 4 || !getenv("XENSTORED_PATH")) {
		fprintf(stderr, "usage: hostile_fb DOMID LOGFILE refuse|kbd-refuse|connect|paint RRGGBB|resize W H DEPTH\n");
		return 2;
	}
	h.domid = (uint32_t)atoi(argv[1]);
	h.log = argv[2];
	if (setup(&h) < 0) {
		fprintf(stderr, "hostile_fb: cannot reach the domain\n");
		return 2;
	}
	if (!strcmp(argv[3], "refuse"))
		rc = run_refusals(&h);
	else if (!strcmp(argv[3], "connect"))
		rc = run_connect(&h);
	else if (!strcmp(argv[3], "paint") && argc == 5)
		rc = run_paint(&h, (uint32_t)strtoul(argv[4], NULL, 16));
	else if (!strcmp(argv[3], "resize") && argc == 7)
		rc = run_resize(&h, atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	else if (!strcmp(argv[3], "kbd-refuse"))
		rc = run_kbd_refusals(&h);
	munmap(h.page, PG);
	munmap(h.pd, PG);
	close(h.memfd);
	xsc_close(h.xs);
	hv_close(h.hv);
	return rc;
}
