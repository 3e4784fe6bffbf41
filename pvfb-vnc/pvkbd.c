/* kbdif backend: the shared page, and events into its in ring. */
#include "pvfb-vnc/pvkbd.h"
#include "pvfb-vnc/fbsrc.h"
#include "libvmctl/hv.h"
#include "common/log.h"

#include <vmctl/xen/io/kbdif.h>

#include <linux/input-event-codes.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

/* page-gref (a grant) when the frontend gives one, else page-ref (a frame). */
static int map_page(struct pvkbd *k)
{
	struct pvdev *d = &k->dev;
	long long gref = pvdev_fe_num(d, XENKBD_FIELD_RING_GREF, -1);
	long long frame = pvdev_fe_num(d, XENKBD_FIELD_RING_REF, -1);
	uint64_t granted_frame;
	int rc;

	if (gref >= 0 && gref <= UINT32_MAX) {
		rc = hv_gnttab_map(d->mem->hv, d->mem->domid, (uint32_t)gref, 0, &granted_frame,
				   &k->gnt_handle);
		if (rc < 0) {
			log_error("%s: cannot map grant %lld: %s", d->fe, gref, strerror(-rc));
			return rc;
		}
		k->granted = true;
		frame = (long long)granted_frame;
	}
	if (frame < 0) {
		log_error("%s: neither page-gref nor page-ref given", d->fe);
		return -EINVAL;
	}
	k->page = pvmem_map_frame(d->mem, (uint64_t)frame, PROT_READ | PROT_WRITE, "keyboard page");
	return k->page ? 0 : -EINVAL;
}

static void unmap_page(struct pvkbd *k)
{
	if (k->page)
		munmap(k->page, 4096);
	if (k->granted)
		hv_gnttab_unmap(k->dev.mem->hv, k->gnt_handle);
	k->page = NULL;
	k->granted = false;
}

static int kbd_connect(void *arg)
{
	struct pvkbd *k = arg;
	struct xenkbd_page *p;
	int rc = map_page(k);

	if (rc == 0)
		rc = pvdev_bind(&k->dev);
	if (rc < 0) {
		unmap_page(k);
		return rc;
	}
	p = k->page;
	k->in_prod = __atomic_load_n(&p->in_prod, __ATOMIC_RELAXED);
	k->abs = pvdev_fe_num(&k->dev, XENKBD_FIELD_REQ_ABS_POINTER, 0) == 1;
	k->no_keys = pvdev_be_num(&k->dev, XENKBD_FIELD_FEAT_DSBL_KEYBRD, 0) == 1;
	k->no_pointer = pvdev_be_num(&k->dev, XENKBD_FIELD_FEAT_DSBL_POINTER, 0) == 1;
	k->x = k->y = -1;
	k->buttons = 0;
	k->full_logged = false;
	return 0;
}

static void kbd_disconnect(void *arg)
{
	struct pvkbd *k = arg;

	pvdev_unbind(&k->dev);
	unmap_page(k);
}

const struct pvdev_ops pvkbd_ops = {
	.connect = kbd_connect,
	.disconnect = kbd_disconnect,
};

/* One event into the ring; dropped (logged once) while the guest does not
 * read, as a keyboard controller would. */
static void put(struct pvkbd *k, const union xenkbd_in_event *ev)
{
	struct xenkbd_page *p = k->page;
	uint32_t cons;

	if (!k->dev.connected)
		return;
	cons = __atomic_load_n(&p->in_cons, __ATOMIC_ACQUIRE);
	if (k->in_prod - cons >= XENKBD_IN_RING_LEN) {
		if (!k->full_logged)
			log_warn("%s: input ring full, the guest does not read: dropping", k->dev.fe);
		k->full_logged = true;
		return;
	}
	k->full_logged = false;
	memcpy(&XENKBD_IN_RING_REF(p, k->in_prod), ev, sizeof(*ev));
	__atomic_store_n(&p->in_prod, ++k->in_prod, __ATOMIC_RELEASE);
	pvdev_notify(&k->dev);
}

void pvkbd_key(struct pvkbd *k, uint32_t keycode, bool down)
{
	union xenkbd_in_event ev;

	if (k->no_keys)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.key.type = XENKBD_TYPE_KEY;
	ev.key.pressed = down;
	ev.key.keycode = keycode;
	put(k, &ev);
}

static void move(struct pvkbd *k, int x, int y, int dz)
{
	union xenkbd_in_event ev;

	memset(&ev, 0, sizeof(ev));
	if (k->abs) {
		ev.pos.type = XENKBD_TYPE_POS;
		ev.pos.abs_x = x;
		ev.pos.abs_y = y;
		ev.pos.rel_z = dz;
	} else {
		ev.motion.type = XENKBD_TYPE_MOTION;
		ev.motion.rel_x = k->x < 0 ? 0 : x - k->x;
		ev.motion.rel_y = k->y < 0 ? 0 : y - k->y;
		ev.motion.rel_z = dz;
	}
	put(k, &ev);
	k->x = x;
	k->y = y;
}

void pvkbd_pointer(struct pvkbd *k, int x, int y, int dz, unsigned buttons)
{
	static const struct { unsigned bit; uint32_t code; } map[] = {
		{ FBSRC_BTN_LEFT, BTN_LEFT },
		{ FBSRC_BTN_MIDDLE, BTN_MIDDLE },
		{ FBSRC_BTN_RIGHT, BTN_RIGHT },
	};

	if (k->no_pointer)
		return;
	if (x != k->x || y != k->y || dz)
		move(k, x, y, dz);
	/* Buttons after the move: a click lands where the pointer now is. */
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		bool now = buttons & map[i].bit;
		if (now != !!(k->buttons & map[i].bit)) {
			union xenkbd_in_event ev;
			memset(&ev, 0, sizeof(ev));
			ev.key.type = XENKBD_TYPE_KEY;
			ev.key.pressed = now;
			ev.key.keycode = map[i].code;
			put(k, &ev);
		}
	}
	k->buttons = buttons;
}
