/* PV framebuffer frontend.
 *
 * The framebuffer is ordinary memory of ours.  The shared page tells the
 * backend its geometry and, through pd[], the frames of "directory" pages,
 * each listing the frame numbers of 512 framebuffer pages in order.  These
 * are frame numbers (from the p2m), not grant references: the backend maps
 * them as foreign frames.  We draw, then send an UPDATE event with the
 * changed rectangle on the out ring. */
#include "kernel.h"
#include "schedop.h"
#include "fbfront.h"
#include "draw.h"
#include "vmctl/xen/io/fbif.h"
#include "vmctl/xen/io/xenbus.h"
#include "vmctl/xen/io/protocols.h"

#define FRAMES_PER_PD (PAGE_SIZE / sizeof(unsigned long))

static void fb_event(struct kernel *k, evtchn_port_t port, void *arg)
{
}

static int alloc_fb(struct kernel *k, struct fbfront *fb)
{
	unsigned long *pd;

	fb->line_length = (unsigned int)fb->width * 4;
	fb->fb_pages = ((unsigned long)fb->line_length * fb->height + PAGE_SIZE - 1) / PAGE_SIZE;
	fb->pd_pages = (fb->fb_pages + FRAMES_PER_PD - 1) / FRAMES_PER_PD;
	if (fb->pd_pages > 256)
		return -E2BIG;
	fb->pixels = mm_alloc_pages(k, fb->fb_pages, 1);
	fb->pd = mm_alloc_pages(k, fb->pd_pages, 1);
	fb->page = mm_alloc_pages(k, 1, 1);
	if (!fb->pixels || !fb->pd || !fb->page)
		return -ENOMEM;
	pd = fb->pd;
	for (unsigned long i = 0; i < fb->fb_pages; i++)
		pd[i] = mm_virt_to_mfn(k, (char *)fb->pixels + i * PAGE_SIZE);
	fb->page->width = fb->width;
	fb->page->height = fb->height;
	fb->page->line_length = fb->line_length;
	fb->page->mem_length = (uint32_t)(fb->fb_pages * PAGE_SIZE);
	fb->page->depth = 32;
	for (unsigned long i = 0; i < fb->pd_pages; i++)
		fb->page->pd[i] = mm_virt_to_mfn(k, (char *)fb->pd + i * PAGE_SIZE);
	return 0;
}

static int publish(struct kernel *k, xenbus_tx_t tx, void *arg)
{
	struct fbfront *fb = arg;
	const char *d = fb->nodename;
	int rc;

	rc = xenbus_printf(k, tx, d, "page-ref", "%lu", mm_virt_to_mfn(k, fb->page));
	if (!rc)
		rc = xenbus_printf(k, tx, d, "event-channel", "%u", fb->port);
	if (!rc)
		rc = xenbus_printf(k, tx, d, "protocol", "%s", XEN_IO_PROTO_ABI_X86_64);
	if (!rc)
		rc = xenbus_printf(k, tx, d, "feature-update", "1");
	if (!rc)
		rc = xenbus_printf(k, tx, d, "state", "%d", XenbusStateInitialised);
	return rc;
}

static void read_limits(struct kernel *k, struct fbfront *fb)
{
	char path[192];
	unsigned long long mib;

	/* The backend may cap video memory (videoram, MiB): shrink to fit. */
	snprintf(path, sizeof(path), "%s/videoram", fb->backend);
	if (xenbus_read_ull(k, XBT_NIL, path, &mib) == 0 && mib &&
	    (uint64_t)fb->width * 4 * fb->height > mib << 20)
		fb->height = (int)((mib << 20) / ((uint64_t)fb->width * 4));
}

static int fb_connect(struct kernel *k, struct fbfront *fb)
{
	char path[192];
	unsigned long long v;
	int rc, state;

	rc = frontend_backend(k, fb->nodename, fb->backend, sizeof(fb->backend),
			      &fb->backend_id);
	if (rc < 0)
		return rc;
	/* The backend's limits are there once it waits for us. */
	state = frontend_wait_backend(k, fb->backend, XenbusStateInitWait);
	if (state < 0)
		return state;
	if (!fb->pixels) {
		read_limits(k, fb);
		rc = alloc_fb(k, fb);
		if (rc < 0)
			return rc;
	}
	rc = events_alloc_unbound(k, (domid_t)fb->backend_id, &fb->port);
	if (rc == 0)
		rc = events_bind(k, fb->port, fb_event, fb);
	if (rc == 0)
		rc = xenbus_transact(k, publish, fb);
	if (rc < 0)
		return rc;
	state = frontend_wait_backend(k, fb->backend, XenbusStateConnected);
	if (state != XenbusStateConnected)
		return state < 0 ? state : -EIO;
	snprintf(path, sizeof(path), "%s/request-update", fb->backend);
	fb->request_update = xenbus_read_ull(k, XBT_NIL, path, &v) == 0 && v;
	rc = xenbus_switch_state(k, fb->nodename, XenbusStateConnected);
	fb->connected = rc == 0;
	return rc;
}

static int fbfront_probe(struct kernel *k, const char *nodename)
{
	struct fbfront *fb;
	int rc;

	if (k->dev.fb)
		return -EEXIST;	/* one screen is enough */
	fb = mm_alloc_pages(k, 1, 1);
	if (!fb)
		return -ENOMEM;
	strlcpy(fb->nodename, nodename, sizeof(fb->nodename));
	fb->width = (int)options_get_num(&k->opt, "fb-width", XENFB_WIDTH);
	fb->height = (int)options_get_num(&k->opt, "fb-height", XENFB_HEIGHT);
	k->dev.fb = fb;
	rc = fb_connect(k, fb);
	if (rc < 0)
		return rc;
	printk("fb: %s %dx%d, 32 bpp, %lu pages\n", nodename, fb->width,
	       fb->height, fb->fb_pages);
	draw_test_picture(k, fb);
	return 0;
}

void fbfront_update(struct kernel *k, struct fbfront *fb, int x, int y,
		    int w, int h)
{
	struct xenfb_page *p = fb->page;
	union xenfb_out_event *ev;

	if (x < 0)
		w += x, x = 0;
	if (y < 0)
		h += y, y = 0;
	w = MIN(w, fb->width - x);
	h = MIN(h, fb->height - y);
	if (!fb->connected || w <= 0 || h <= 0)
		return;
	if (p->out_prod - __atomic_load_n(&p->out_cons, __ATOMIC_ACQUIRE) >=
	    XENFB_OUT_RING_LEN) {
		events_notify(k, fb->port);	/* full: the backend is behind */
		return;
	}
	ev = &XENFB_OUT_RING_REF(p, p->out_prod);
	memset(ev, 0, sizeof(*ev));
	ev->update.type = XENFB_TYPE_UPDATE;
	ev->update.x = x;
	ev->update.y = y;
	ev->update.width = w;
	ev->update.height = h;
	__atomic_store_n(&p->out_prod, p->out_prod + 1, __ATOMIC_RELEASE);
	events_notify(k, fb->port);
	fb->updates++;
}

static bool fbfront_poll(struct kernel *k)
{
	struct fbfront *fb = k->dev.fb;
	struct xenfb_page *p;
	bool any = false;

	if (!fb || !fb->connected)
		return false;
	p = fb->page;
	/* In events only tell us the refresh period; we draw on change. */
	while (p->in_cons != __atomic_load_n(&p->in_prod, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&p->in_cons, p->in_cons + 1, __ATOMIC_RELEASE);
		any = true;
	}
	if (any)
		events_notify(k, fb->port);
	return any;
}

static void fbfront_suspend(struct kernel *k)
{
	if (k->dev.fb)
		k->dev.fb->connected = false;
}

static void fbfront_resume(struct kernel *k, bool new_domain)
{
	struct fbfront *fb = k->dev.fb;

	if (!fb)
		return;
	if (!new_domain || fb_connect(k, fb) == 0) {
		fb->connected = true;
		fbfront_update(k, fb, 0, 0, fb->width, fb->height);
	} else {
		printk("fb: did not reconnect after resume\n");
	}
}

const struct frontend_ops fbfront_ops = {
	.kind = "vfb",
	.probe = fbfront_probe,
	.suspend = fbfront_suspend,
	.resume = fbfront_resume,
	.poll = fbfront_poll,
};
