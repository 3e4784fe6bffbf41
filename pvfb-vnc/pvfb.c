/* The PV framebuffer source: fbif backend + the vkbd of the same number. */
#include "pvfb-vnc/pvfb.h"
#include "pvfb-vnc/pvdev.h"
#include "pvfb-vnc/pvkbd.h"
#include "pvfb-vnc/fbsrc.h"
#include "pvfb-vnc/vnc.h"
#include "pvfb-vnc/xs_client.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/io/fbif.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PG 4096u
#define FRAMES_PER_PD (PG / 8)          /* x86_64: unsigned long frame numbers */
/* pd[] entries that lie below the in ring at byte 1024 of the page. */
#define PD_MAX ((XENFB_IN_RING_OFFS - 40) / 8)
#define REFRESH_MS 30                   /* asked of the frontend while watched */
#define POLL_MS 50                      /* memory scan without feature-update */
#define BAND 16                         /* lines compared as one in that scan */

struct pvfb {
	struct fbsrc src;
	struct pvmem mem;
	struct xsc *xs;
	struct pvdev dev;
	struct xenfb_page *page;
	char *mem_base;                 /* the framebuffer memory, read-only */
	uint64_t mem_pages;
	bool feature_update;
	uint32_t in_prod, out_cons;     /* ours; the page has the guest's view */
	struct vnc_mode mode;
	char *shadow;                   /* last scanned picture (no feature-update) */
	int viewers;
	struct pvkbd kbd;
};

/* ---- mapping the framebuffer ------------------------------------------- */

/* Geometry as the frontend published it, read once: the guest may change
 * the page at any time, only these copies count. */
struct fb_geom {
	int width, height, depth;
	uint32_t line_length, mem_length;
};

static int geom_check(struct pvfb *p, const struct fb_geom *g)
{
	const char *why = NULL;

	if (g->depth != 16 && g->depth != 32)
		why = "depth is neither 16 nor 32";
	else if (g->width < 1 || g->height < 1 || g->width > 8192 || g->height > 8192)
		why = "absurd size";
	else if (g->mem_length == 0 || g->mem_length > PVFB_MEM_MAX)
		why = "memory size out of range";
	else if (g->line_length < (uint64_t)g->width * (g->depth / 8))
		why = "lines shorter than the width";
	else if ((uint64_t)g->line_length * g->height > g->mem_length)
		why = "picture larger than its memory";
	if (!why)
		return 0;
	log_error("%s: refusing %dx%d, %d bpp, %u bytes a line, %u bytes: %s", p->dev.fe,
		  g->width, g->height, g->depth, g->line_length, g->mem_length, why);
	return -EINVAL;
}

/* The frame list from the page directory: pd[i] names a page of 512 frames. */
static uint64_t *read_frames(struct pvfb *p, uint64_t npages)
{
	uint64_t npd = (npages + FRAMES_PER_PD - 1) / FRAMES_PER_PD;
	uint64_t *frames = calloc(npd * FRAMES_PER_PD, sizeof(*frames));

	if (!frames)
		return NULL;
	for (uint64_t i = 0; i < npd; i++) {
		uint64_t pd = __atomic_load_n(&p->page->pd[i], __ATOMIC_RELAXED);
		if (pvmem_read_frame(&p->mem, pd, frames + i * FRAMES_PER_PD) < 0) {
			log_error("%s: page directory entry %llu (frame %#llx) is not guest memory: refused",
				  p->dev.fe, (unsigned long long)i, (unsigned long long)pd);
			free(frames);
			return NULL;
		}
	}
	return frames;
}

static int fb_map(struct pvfb *p, const struct fb_geom *g)
{
	uint64_t npages = (g->mem_length + PG - 1) / PG;
	uint64_t *frames;

	if ((npages + FRAMES_PER_PD - 1) / FRAMES_PER_PD > PD_MAX) {
		log_error("%s: %llu framebuffer pages need too many directory pages", p->dev.fe,
			  (unsigned long long)npages);
		return -EINVAL;
	}
	frames = read_frames(p, npages);
	if (!frames)
		return -EINVAL;
	p->mem_base = pvmem_map_frames(&p->mem, frames, npages);
	free(frames);
	if (!p->mem_base)
		return -EINVAL;
	p->mem_pages = npages;
	return 0;
}

static void fb_unmap(struct pvfb *p)
{
	if (p->mem_base)
		munmap(p->mem_base, p->mem_pages * PG);
	if (p->page)
		munmap(p->page, PG);
	p->mem_base = NULL;
	p->page = NULL;
	free(p->shadow);
	p->shadow = NULL;
}

/* ---- modes ------------------------------------------------------------------ */

static int show(struct pvfb *p, int width, int height, int stride, int depth, uint64_t offset)
{
	struct vnc_mode m = { p->mem_base + offset, width, height, stride, depth };
	uint64_t end = offset + (uint64_t)stride * (uint64_t)(height - 1) +
		       (uint64_t)width * (uint64_t)(depth / 8);

	if (end > p->mem_pages * PG) {
		log_error("%s: mode %dx%d at offset %llu lies outside the framebuffer memory: refused",
			  p->dev.fe, width, height, (unsigned long long)offset);
		return -EINVAL;
	}
	if (vnc_set_mode(p->src.vnc, &m) < 0)
		return -EINVAL;
	p->mode = m;
	free(p->shadow);
	p->shadow = NULL;
	return 0;
}

static void send_refresh(struct pvfb *p)
{
	union xenfb_in_event ev;
	uint32_t cons;

	if (!p->page || p->dev.evfd < 0)
		return;
	cons = __atomic_load_n(&p->page->in_cons, __ATOMIC_ACQUIRE);
	if (p->in_prod - cons >= XENFB_IN_RING_LEN)
		return; /* the guest does not read its ring: nothing more to say */
	memset(&ev, 0, sizeof(ev));
	ev.refresh_period.type = XENFB_TYPE_REFRESH_PERIOD;
	ev.refresh_period.period = p->viewers ? REFRESH_MS : XENFB_NO_REFRESH;
	memcpy(&XENFB_IN_RING_REF(p->page, p->in_prod), &ev, sizeof(ev));
	__atomic_store_n(&p->page->in_prod, ++p->in_prod, __ATOMIC_RELEASE);
	pvdev_notify(&p->dev);
}

/* ---- connecting ----------------------------------------------------------- */

static void geom_read(struct xenfb_page *pg, struct fb_geom *g)
{
	g->width = __atomic_load_n(&pg->width, __ATOMIC_RELAXED);
	g->height = __atomic_load_n(&pg->height, __ATOMIC_RELAXED);
	g->depth = __atomic_load_n(&pg->depth, __ATOMIC_RELAXED);
	g->line_length = __atomic_load_n(&pg->line_length, __ATOMIC_RELAXED);
	g->mem_length = __atomic_load_n(&pg->mem_length, __ATOMIC_RELAXED);
}

static int fb_connect(void *arg)
{
	struct pvfb *p = arg;
	long long ref = pvdev_fe_num(&p->dev, "page-ref", -1);
	struct fb_geom g;
	int rc = -EINVAL;

	if (ref < 0) {
		log_error("%s: no page-ref", p->dev.fe);
		return -EINVAL;
	}
	p->page = pvmem_map_frame(&p->mem, (uint64_t)ref, PROT_READ | PROT_WRITE, "framebuffer page");
	if (!p->page)
		return -EINVAL;
	geom_read(p->page, &g);
	if (geom_check(p, &g) == 0 && fb_map(p, &g) == 0 &&
	    show(p, g.width, g.height, (int)g.line_length, g.depth, 0) == 0)
		rc = pvdev_bind(&p->dev);
	if (rc < 0) {
		fb_unmap(p);
		vnc_set_mode(p->src.vnc, &(struct vnc_mode){ 0 });
		return rc;
	}
	p->feature_update = pvdev_fe_num(&p->dev, "feature-update", 0) == 1;
	p->in_prod = __atomic_load_n(&p->page->in_prod, __ATOMIC_RELAXED);
	p->out_cons = __atomic_load_n(&p->page->out_cons, __ATOMIC_RELAXED);
	log_info("%s: %dx%d, %d bpp, %llu pages%s", p->dev.fe, g.width, g.height, g.depth,
		 (unsigned long long)p->mem_pages, p->feature_update ? "" : ", no update events: polled");
	send_refresh(p);
	return 0;
}

static void fb_disconnect(void *arg)
{
	struct pvfb *p = arg;

	vnc_set_mode(p->src.vnc, &(struct vnc_mode){ 0 });
	pvdev_unbind(&p->dev);
	fb_unmap(p);
}

static const struct pvdev_ops fb_ops = {
	.connect = fb_connect,
	.disconnect = fb_disconnect,
};

/* ---- the out ring ------------------------------------------------------------ */

static void on_update(struct pvfb *p, const union xenfb_out_event *ev)
{
	vnc_damage(p->src.vnc, ev->update.x, ev->update.y, ev->update.width, ev->update.height);
}

static void on_resize(struct pvfb *p, const union xenfb_out_event *ev)
{
	const struct xenfb_resize *r = &ev->resize;
	struct fb_geom g = { r->width, r->height, r->depth, (uint32_t)r->stride,
			     (uint32_t)(p->mem_pages * PG) };

	if (r->stride < 0 || r->offset < 0 || geom_check(p, &g) < 0)
		return;
	show(p, r->width, r->height, r->stride, r->depth, (uint64_t)r->offset);
}

static const struct {
	uint8_t type;
	void (*fn)(struct pvfb *p, const union xenfb_out_event *ev);
} out_events[] = {
	{ XENFB_TYPE_UPDATE, on_update },
	{ XENFB_TYPE_RESIZE, on_resize },
};

static void out_event(struct pvfb *p, const union xenfb_out_event *ev)
{
	for (size_t i = 0; i < ARRAY_SIZE(out_events); i++)
		if (out_events[i].type == ev->type)
			out_events[i].fn(p, ev);
}

static void drain(struct pvfb *p)
{
	uint32_t prod = __atomic_load_n(&p->page->out_prod, __ATOMIC_ACQUIRE);
	union xenfb_out_event ev;

	if (prod == p->out_cons)
		return;
	if (prod - p->out_cons > XENFB_OUT_RING_LEN) {
		/* Indices that cannot be: skip to the guest's producer, redraw all. */
		log_warn("%s: out ring indices corrupt (cons %u prod %u)", p->dev.fe, p->out_cons, prod);
		p->out_cons = prod;
		vnc_damage(p->src.vnc, 0, 0, p->mode.width, p->mode.height);
	}
	for (; p->out_cons != prod; p->out_cons++) {
		memcpy(&ev, &XENFB_OUT_RING_REF(p->page, p->out_cons), sizeof(ev));
		out_event(p, &ev);
	}
	__atomic_store_n(&p->page->out_cons, p->out_cons, __ATOMIC_RELEASE);
	pvdev_notify(&p->dev);
}

/* Without update events: compare bands of lines with the last scan. */
static void scan(struct pvfb *p)
{
	const struct vnc_mode *m = &p->mode;
	size_t line = (size_t)m->width * (size_t)(m->depth / 8);

	if (!p->shadow) {
		p->shadow = calloc((size_t)m->height, line);
		if (!p->shadow)
			return;
	}
	for (int y = 0; y < m->height; y += BAND) {
		int h = MIN(BAND, m->height - y);
		bool changed = false;
		for (int j = y; j < y + h; j++) {
			const char *src = (const char *)m->pixels + (size_t)j * (size_t)m->stride;
			char *dst = p->shadow + (size_t)j * line;
			if (memcmp(dst, src, line)) {
				memcpy(dst, src, line);
				changed = true;
			}
		}
		if (changed)
			vnc_damage(p->src.vnc, 0, y, m->width, h);
	}
}

/* ---- the source's ops ----------------------------------------------------------- */

static int step_all(struct pvfb *p)
{
	int rc = pvdev_step(&p->dev, &fb_ops, p);
	int krc = pvdev_step(&p->kbd.dev, &pvkbd_ops, &p->kbd);

	if (rc == -ENODEV || rc == -ENOENT) {
		log_info("%s: the device was removed", p->dev.be);
		return -ENODEV;
	}
	if (rc == -ECONNRESET || krc == -ECONNRESET)
		return -ECONNRESET;
	return 0;
}

static int src_dispatch(struct fbsrc *s)
{
	struct pvfb *p = container_of(s, struct pvfb, src);
	char path[256], token[16];
	bool changed = false;
	int rc;

	/* A step's own requests may queue more events: until none is left. */
	do {
		changed = false;
		while ((rc = xsc_next_event(p->xs, path, sizeof(path), token, sizeof(token))) == 1)
			changed = true;
		if (rc < 0) {
			log_error("xenstored went away: %s", strerror(-rc));
			return rc;
		}
		if (changed && (rc = step_all(p)) < 0)
			return rc;
	} while (changed);
	if (p->dev.connected) {
		pvdev_kicked(&p->dev);
		drain(p);
		if (!p->feature_update && p->viewers)
			scan(p);
	}
	pvdev_kicked(&p->kbd.dev);
	return 0;
}

static int src_pollfds(struct fbsrc *s, struct pollfd *pfd, int cap)
{
	struct pvfb *p = container_of(s, struct pvfb, src);
	int fds[] = { xsc_fd(p->xs), p->dev.evfd, p->kbd.dev.evfd };
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fds) && n < cap; i++)
		if (fds[i] >= 0)
			pfd[n++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	return n;
}

static int src_timeout(struct fbsrc *s)
{
	struct pvfb *p = container_of(s, struct pvfb, src);

	return p->dev.connected && !p->feature_update && p->viewers ? POLL_MS : -1;
}

static void src_key(struct fbsrc *s, uint32_t keycode, bool down)
{
	pvkbd_key(&container_of(s, struct pvfb, src)->kbd, keycode, down);
}

static void src_pointer(struct fbsrc *s, int x, int y, int dz, unsigned buttons)
{
	struct pvfb *p = container_of(s, struct pvfb, src);

	x = MAX(0, MIN(x, p->mode.width - 1));
	y = MAX(0, MIN(y, p->mode.height - 1));
	pvkbd_pointer(&p->kbd, x, y, dz, buttons);
}

static void src_viewers(struct fbsrc *s, int count)
{
	struct pvfb *p = container_of(s, struct pvfb, src);
	bool was = p->viewers > 0;

	p->viewers = count;
	if (was != (count > 0))
		send_refresh(p);
}

static void src_close(struct fbsrc *s)
{
	struct pvfb *p = container_of(s, struct pvfb, src);

	if (p->kbd.dev.connected)
		pvkbd_ops.disconnect(&p->kbd);
	if (p->dev.connected)
		fb_disconnect(p);
	pvmem_close(&p->mem);
	free(p);
}

static const struct fbsrc_ops pvfb_src_ops = {
	.name = "pv",
	.pollfds = src_pollfds,
	.dispatch = src_dispatch,
	.timeout = src_timeout,
	.key = src_key,
	.pointer = src_pointer,
	.viewers = src_viewers,
	.close = src_close,
};

/* What the backend offers, before InitWait: resizing and update events. */
static int publish_features(struct pvfb *p)
{
	char path[160];
	int rc;

	snprintf(path, sizeof(path), "%s/feature-resize", p->dev.be);
	rc = xsc_write(p->xs, path, "1");
	snprintf(path, sizeof(path), "%s/request-update", p->dev.be);
	return rc < 0 ? rc : xsc_write(p->xs, path, "1");
}

int pvfb_open(struct fbsrc **out, struct hv *hv, struct xsc *xs, uint32_t domid, int devid)
{
	struct pvfb *p = calloc(1, sizeof(*p));
	int rc;

	if (!p)
		return -ENOMEM;
	p->src.ops = &pvfb_src_ops;
	p->xs = xs;
	rc = pvmem_open(&p->mem, hv, domid);
	if (rc < 0) {
		log_error("domain %u: cannot map its memory: %s", domid, strerror(-rc));
		free(p);
		return rc;
	}
	pvdev_init(&p->dev, &p->mem, xs, "vfb", devid);
	pvdev_init(&p->kbd.dev, &p->mem, xs, "vkbd", devid);
	rc = publish_features(p);
	if (rc == 0)
		rc = pvdev_watch(&p->dev);
	if (rc == 0)
		rc = pvdev_watch(&p->kbd.dev);
	if (rc < 0) {
		log_error("domain %u: xenstore: %s", domid, strerror(-rc));
		pvmem_close(&p->mem);
		free(p);
		return rc;
	}
	*out = &p->src;
	return 0;
}
