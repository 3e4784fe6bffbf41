/* PV keyboard and pointer frontend.  The shared page is granted to the
 * backend (page-gref; its frame number goes in page-ref too, for older
 * backends); the backend writes 40-byte events into the in ring. */
#include "kernel.h"
#include "schedop.h"
#include "kbdfront.h"
#include "fbfront.h"
#include "draw.h"
#include "vmctl/xen/io/kbdif.h"
#include "vmctl/xen/io/xenbus.h"

static void kbd_event(struct kernel *k, evtchn_port_t port, void *arg)
{
}

static int publish(struct kernel *k, xenbus_tx_t tx, void *arg)
{
	struct kbdfront *kb = arg;
	const char *d = kb->nodename;
	int rc;

	rc = xenbus_printf(k, tx, d, XENKBD_FIELD_RING_GREF, "%d", kb->gref);
	if (!rc)
		rc = xenbus_printf(k, tx, d, XENKBD_FIELD_RING_REF, "%lu",
				   mm_virt_to_mfn(k, kb->page));
	if (!rc)
		rc = xenbus_printf(k, tx, d, XENKBD_FIELD_EVT_CHANNEL, "%u", kb->port);
	if (!rc && kb->abs_pointer)
		rc = xenbus_printf(k, tx, d, XENKBD_FIELD_REQ_ABS_POINTER, "1");
	if (!rc)
		rc = xenbus_printf(k, tx, d, "state", "%d", XenbusStateInitialised);
	return rc;
}

static int kbd_connect(struct kernel *k, struct kbdfront *kb)
{
	char path[192];
	unsigned long long v;
	int rc, state;

	rc = frontend_backend(k, kb->nodename, kb->backend, sizeof(kb->backend),
			      &kb->backend_id);
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/" XENKBD_FIELD_FEAT_ABS_POINTER, kb->backend);
	kb->abs_pointer = xenbus_read_ull(k, XBT_NIL, path, &v) == 0 && v;
	memset(kb->page, 0, PAGE_SIZE);
	kb->gref = gnttab_grant(k, (domid_t)kb->backend_id,
				mm_virt_to_mfn(k, kb->page), false);
	if (kb->gref < 0)
		return kb->gref;
	rc = events_alloc_unbound(k, (domid_t)kb->backend_id, &kb->port);
	if (rc == 0)
		rc = events_bind(k, kb->port, kbd_event, kb);
	if (rc == 0)
		rc = xenbus_transact(k, publish, kb);
	if (rc < 0)
		return rc;
	state = frontend_wait_backend(k, kb->backend, XenbusStateConnected);
	if (state != XenbusStateConnected)
		return state < 0 ? state : -EIO;
	rc = xenbus_switch_state(k, kb->nodename, XenbusStateConnected);
	kb->connected = rc == 0;
	return rc;
}

static int kbdfront_probe(struct kernel *k, const char *nodename)
{
	struct kbdfront *kb;
	int rc;

	if (k->dev.kbd)
		return -EEXIST;
	kb = mm_alloc_pages(k, 1, 1);
	if (!kb)
		return -ENOMEM;
	kb->page = mm_alloc_pages(k, 1, 1);
	if (!kb->page)
		return -ENOMEM;
	strlcpy(kb->nodename, nodename, sizeof(kb->nodename));
	k->dev.kbd = kb;
	rc = kbd_connect(k, kb);
	if (rc == 0)
		printk("kbd: %s connected (%s pointer)\n", nodename,
		       kb->abs_pointer ? "absolute" : "relative");
	return rc;
}

/* Show an event on the framebuffer, if there is one. */
static void show(struct kernel *k, struct kbdfront *kb, bool moved)
{
	struct fbfront *fb = k->dev.fb;
	char text[64];

	if (!fb || !fb->connected)
		return;
	if (moved) {
		kb->ptr_x = MAX(0, MIN(kb->ptr_x, fb->width - 1));
		kb->ptr_y = MAX(0, MIN(kb->ptr_y, fb->height - 1));
		draw_cursor(k, fb, kb->ptr_x, kb->ptr_y);
	}
	snprintf(text, sizeof(text), "KEY %u %s  PTR %d,%d", kb->last_key,
		 kb->last_pressed ? "DOWN" : "UP", kb->ptr_x, kb->ptr_y);
	draw_status(k, fb, text);
}

static void handle(struct kernel *k, struct kbdfront *kb,
		   const union xenkbd_in_event *ev)
{
	switch (ev->type) {
	case XENKBD_TYPE_KEY:
		kb->last_key = ev->key.keycode;
		kb->last_pressed = ev->key.pressed;
		kb->keys++;
		printk("kbd: key %u %s\n", ev->key.keycode,
		       ev->key.pressed ? "down" : "up");
		show(k, kb, false);
		break;
	case XENKBD_TYPE_MOTION:
		kb->ptr_x += ev->motion.rel_x;
		kb->ptr_y += ev->motion.rel_y;
		kb->motions++;
		printk("kbd: pointer moved by %d,%d\n", ev->motion.rel_x,
		       ev->motion.rel_y);
		show(k, kb, true);
		break;
	case XENKBD_TYPE_POS:
		kb->ptr_x = ev->pos.abs_x;
		kb->ptr_y = ev->pos.abs_y;
		kb->motions++;
		printk("kbd: pointer at %d,%d\n", ev->pos.abs_x, ev->pos.abs_y);
		show(k, kb, true);
		break;
	default:
		printk("kbd: event type %u ignored\n", ev->type);
	}
}

static bool kbdfront_poll(struct kernel *k)
{
	struct kbdfront *kb = k->dev.kbd;
	struct xenkbd_page *p;
	bool any = false;

	if (!kb || !kb->connected)
		return false;
	p = kb->page;
	for (;;) {
		uint32_t prod = __atomic_load_n(&p->in_prod, __ATOMIC_ACQUIRE);
		uint32_t cons = p->in_cons;

		if (cons == prod)
			break;
		if (prod - cons > XENKBD_IN_RING_LEN)
			cons = prod - XENKBD_IN_RING_LEN;	/* overrun: skip */
		for (; cons != prod; cons++) {
			union xenkbd_in_event ev = XENKBD_IN_RING_REF(p, cons);

			handle(k, kb, &ev);
		}
		__atomic_store_n(&p->in_cons, cons, __ATOMIC_RELEASE);
		events_notify(k, kb->port);
		any = true;
	}
	return any;
}

static void kbdfront_suspend(struct kernel *k)
{
	if (k->dev.kbd)
		k->dev.kbd->connected = false;
}

static void kbdfront_resume(struct kernel *k, bool new_domain)
{
	struct kbdfront *kb = k->dev.kbd;

	if (!kb)
		return;
	if (!new_domain)
		kb->connected = true;
	else if (kbd_connect(k, kb) < 0)
		printk("kbd: did not reconnect after resume\n");
}

const struct frontend_ops kbdfront_ops = {
	.kind = "vkbd",
	.probe = kbdfront_probe,
	.suspend = kbdfront_suspend,
	.resume = kbdfront_resume,
	.poll = kbdfront_poll,
};
