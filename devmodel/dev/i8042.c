/* The i8042 keyboard controller with a PS/2 keyboard (IRQ 1) and mouse
 * (IRQ 12) at ports 0x60/0x64. Replies and input wait in one queue,
 * tagged by device; the head sits in the output buffer. Controller and
 * device commands are tables. */
#include "devmodel/dev/i8042.h"

#include "devmodel/dm.h"
#include "devmodel/dm_save.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define KBD_DATA 0x60
#define KBD_CMD  0x64
#define Q_SIZE   256

#define ST_OBF   0x01
#define ST_SYS   0x04
#define ST_CMD   0x08
#define ST_UNLOCKED 0x10
#define ST_AUX   0x20

#define CCB_KBD_INT  0x01
#define CCB_AUX_INT  0x02
#define CCB_SYS      0x04
#define CCB_KBD_OFF  0x10
#define CCB_AUX_OFF  0x20
#define CCB_XLATE    0x40

#define ACK 0xfa

enum src { SRC_KBD, SRC_AUX };

struct i8042 {
	struct dm *dm;
	struct { uint8_t byte; uint8_t src; } q[Q_SIZE];
	unsigned head, len;
	uint8_t ccb, outport;
	uint8_t pending_ctl;       /* controller command waiting for its data byte */
	uint8_t pending_kbd;       /* keyboard command waiting for its parameter */
	uint8_t pending_aux;
	bool kbd_on, aux_on;
	int irq1, irq12;
};

static void i8042_update(struct i8042 *k)
{
	bool kbd = false, aux = false;

	if (k->len) {
		aux = k->q[k->head].src == SRC_AUX;
		kbd = !aux && (k->ccb & CCB_KBD_INT);
		aux = aux && (k->ccb & CCB_AUX_INT);
	}
	if (kbd != k->irq1)
		dm_host_isa_irq(&k->dm->host, 1, kbd);
	if (aux != k->irq12)
		dm_host_isa_irq(&k->dm->host, 12, aux);
	k->irq1 = kbd;
	k->irq12 = aux;
}

static void i8042_push(struct i8042 *k, enum src s, uint8_t b)
{
	if (k->len == Q_SIZE)
		return;   /* a guest that does not read loses input, as on hardware */
	k->q[(k->head + k->len) % Q_SIZE].byte = b;
	k->q[(k->head + k->len++) % Q_SIZE].src = (uint8_t)s;
	i8042_update(k);
}

static uint8_t i8042_pop(struct i8042 *k)
{
	uint8_t b;

	if (!k->len)
		return k->q[(k->head + Q_SIZE - 1) % Q_SIZE].byte;   /* re-read the last */
	b = k->q[k->head].byte;
	k->head = (k->head + 1) % Q_SIZE;
	k->len--;
	/* drop the line so the next byte makes a fresh edge */
	if (k->irq1)
		dm_host_isa_irq(&k->dm->host, 1, 0);
	if (k->irq12)
		dm_host_isa_irq(&k->dm->host, 12, 0);
	k->irq1 = k->irq12 = 0;
	i8042_update(k);
	return b;
}

/* ---- keyboard ------------------------------------------------------------ */

static void kbd_reply(struct i8042 *k, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		i8042_push(k, SRC_KBD, b[i]);
}

static void kbd_command(struct i8042 *k, uint8_t v)
{
	static const uint8_t reset[] = { ACK, 0xaa }, id[] = { ACK, 0xab, 0x41 }, echo[] = { 0xee };
	static const uint8_t with_param[] = { 0xed, 0xf0, 0xf3 };

	if (k->pending_kbd) {
		uint8_t cmd = k->pending_kbd;

		k->pending_kbd = 0;
		i8042_push(k, SRC_KBD, ACK);
		if (cmd == 0xf0 && v == 0)
			i8042_push(k, SRC_KBD, 2);   /* "set 2" (translated to set 1) */
		return;
	}
	if (memchr(with_param, v, sizeof(with_param))) {
		k->pending_kbd = v;
		i8042_push(k, SRC_KBD, ACK);
	} else if (v == 0xff) {
		k->kbd_on = true;
		kbd_reply(k, reset, sizeof(reset));
	} else if (v == 0xf2) {
		kbd_reply(k, id, sizeof(id));
	} else if (v == 0xee) {
		kbd_reply(k, echo, 1);
	} else {
		k->kbd_on = v != 0xf5;   /* F4 enable, F5 disable, F6 defaults ... */
		i8042_push(k, SRC_KBD, ACK);
	}
}

/* Linux KEY_* codes below 89 are scan code set 1; the rest need E0. */
static const struct { uint16_t key; uint8_t code; } kbd_ext[] = {
	{ 96, 0x1c }, { 97, 0x1d }, { 98, 0x35 }, { 100, 0x38 }, { 102, 0x47 },
	{ 103, 0x48 }, { 104, 0x49 }, { 105, 0x4b }, { 106, 0x4d }, { 107, 0x4f },
	{ 108, 0x50 }, { 109, 0x51 }, { 110, 0x52 }, { 111, 0x53 }, { 125, 0x5b },
	{ 126, 0x5c }, { 127, 0x5d },
};

void i8042_key(struct i8042 *k, uint32_t keycode, bool down)
{
	uint8_t rel = down ? 0 : 0x80;

	if (!k->kbd_on || (k->ccb & CCB_KBD_OFF))
		return;
	if (keycode > 0 && keycode < 89) {
		i8042_push(k, SRC_KBD, (uint8_t)keycode | rel);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kbd_ext); i++)
		if (kbd_ext[i].key == keycode) {
			i8042_push(k, SRC_KBD, 0xe0);
			i8042_push(k, SRC_KBD, kbd_ext[i].code | rel);
			return;
		}
}

/* ---- mouse --------------------------------------------------------------- */

static void aux_command(struct i8042 *k, uint8_t v)
{
	static const uint8_t with_param[] = { 0xe8, 0xf3 };

	if (k->pending_aux) {
		k->pending_aux = 0;
		i8042_push(k, SRC_AUX, ACK);
		return;
	}
	i8042_push(k, SRC_AUX, ACK);
	if (memchr(with_param, v, sizeof(with_param))) {
		k->pending_aux = v;
	} else if (v == 0xff) {
		k->aux_on = false;
		i8042_push(k, SRC_AUX, 0xaa);
		i8042_push(k, SRC_AUX, 0x00);
	} else if (v == 0xf2) {
		i8042_push(k, SRC_AUX, 0x00);   /* a plain PS/2 mouse */
	} else if (v == 0xe9) {
		i8042_push(k, SRC_AUX, k->aux_on ? 0x20 : 0);
		i8042_push(k, SRC_AUX, 2);
		i8042_push(k, SRC_AUX, 100);
	} else if (v == 0xf4 || v == 0xf5 || v == 0xf6) {
		k->aux_on = v == 0xf4;
	}
}

static int clamp9(int v)
{
	return v > 255 ? 255 : v < -256 ? -256 : v;
}

void i8042_mouse(struct i8042 *k, int dx, int dy, int dz, unsigned buttons)
{
	int x = clamp9(dx), y = clamp9(-dy);

	(void)dz;   /* a plain PS/2 mouse has no wheel */
	if (!k->aux_on || (k->ccb & CCB_AUX_OFF) || k->len > Q_SIZE - 3)
		return;
	i8042_push(k, SRC_AUX, (uint8_t)(0x08 | (buttons & 7) | (x < 0 ? 0x10 : 0) | (y < 0 ? 0x20 : 0)));
	i8042_push(k, SRC_AUX, (uint8_t)x);
	i8042_push(k, SRC_AUX, (uint8_t)y);
}

/* ---- the controller --------------------------------------------------- */

static void ctl_data(struct i8042 *k, uint8_t cmd, uint8_t v)
{
	switch (cmd) {
	case 0x60: k->ccb = v; i8042_update(k); break;
	case 0xd1:
		k->outport = v;
		if (!(v & 1))
			dm_host_shutdown(&k->dm->host, DM_SHUTDOWN_REBOOT);
		break;
	case 0xd2: i8042_push(k, SRC_KBD, v); break;
	case 0xd3: i8042_push(k, SRC_AUX, v); break;
	case 0xd4: aux_command(k, v); break;
	default: break;
	}
}

static void ctl_command(struct i8042 *k, uint8_t cmd)
{
	static const uint8_t with_data[] = { 0x60, 0xd1, 0xd2, 0xd3, 0xd4 };

	if (memchr(with_data, cmd, sizeof(with_data))) {
		k->pending_ctl = cmd;
		return;
	}
	switch (cmd) {
	case 0x20: i8042_push(k, SRC_KBD, k->ccb); break;
	case 0xa7: k->ccb |= CCB_AUX_OFF; break;
	case 0xa8: k->ccb &= (uint8_t)~CCB_AUX_OFF; break;
	case 0xa9: case 0xab: i8042_push(k, SRC_KBD, 0x00); break;
	case 0xaa: k->ccb |= CCB_SYS; i8042_push(k, SRC_KBD, 0x55); break;
	case 0xad: k->ccb |= CCB_KBD_OFF; break;
	case 0xae: k->ccb &= (uint8_t)~CCB_KBD_OFF; break;
	case 0xd0: i8042_push(k, SRC_KBD, k->outport); break;
	case 0xfe: dm_host_shutdown(&k->dm->host, DM_SHUTDOWN_REBOOT); break;
	default: break;
	}
}

static uint64_t data_read(void *opaque, uint64_t off, unsigned size)
{
	(void)off;
	(void)size;
	return i8042_pop(opaque);
}

static uint64_t status_read(void *opaque, uint64_t off, unsigned size)
{
	struct i8042 *k = opaque;
	uint8_t st = ST_UNLOCKED | (k->ccb & CCB_SYS);

	(void)off;
	(void)size;
	if (k->len)
		st |= ST_OBF | (k->q[k->head].src == SRC_AUX ? ST_AUX : 0);
	if (k->pending_ctl)
		st |= ST_CMD;
	return st;
}

static void data_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = opaque;
	uint8_t cmd = k->pending_ctl;

	(void)off;
	(void)size;
	k->pending_ctl = 0;
	if (cmd)
		ctl_data(k, cmd, (uint8_t)val);
	else
		kbd_command(k, (uint8_t)val);
}

static void cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	(void)off;
	(void)size;
	ctl_command(opaque, (uint8_t)val);
}

static const struct bus_ops data_ops = { data_read, data_write };
static const struct bus_ops cmd_ops = { status_read, cmd_write };

static void i8042_reset(void *state)
{
	struct i8042 *k = state;

	k->head = k->len = 0;
	k->ccb = CCB_KBD_INT | CCB_XLATE;
	k->outport = 0x03;   /* reset line high, A20 on */
	k->pending_ctl = k->pending_kbd = k->pending_aux = 0;
	k->kbd_on = true;
	k->aux_on = false;
	i8042_update(k);
}

static void i8042_destroy(void *state)
{
	struct i8042 *k = state;

	bus_release(&k->dm->bus, BUS_PIO, KBD_DATA, k);
	bus_release(&k->dm->bus, BUS_PIO, KBD_CMD, k);
	free(k);
}

static int i8042_create(struct dm *dm, void **state)
{
	struct i8042 *k = calloc(1, sizeof(*k));
	int rc;

	if (!k)
		return -ENOMEM;
	k->dm = dm;
	i8042_reset(k);
	rc = bus_claim(&dm->bus, BUS_PIO, KBD_DATA, 1, &data_ops, k, "i8042");
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, KBD_CMD, 1, &cmd_ops, k, "i8042-cmd");
	if (rc < 0) {
		i8042_destroy(k);
		return rc;
	}
	*state = k;
	return 0;
}

const struct dm_dev_type dev_i8042 = {
	.name = "i8042",
	.create = i8042_create,
	.destroy = i8042_destroy,
	.reset = i8042_reset,
};

/* ---- save and restore (devmodel/dm_save.h) ---- */

struct i8042_wire {
	uint8_t q[Q_SIZE][2];     /* byte, source */
	uint16_t head, len;
	uint8_t ccb, outport, pending_ctl, pending_kbd, pending_aux;
	uint8_t kbd_on, aux_on, irq1, irq12;
	uint8_t pad[3];
};
_Static_assert(sizeof(struct i8042_wire) == 528, "i8042_wire size");

int i8042_save(void *state, struct dm_sbuf *b)
{
	const struct i8042 *k = state;
	struct i8042_wire w = {
		.head = (uint16_t)k->head, .len = (uint16_t)k->len, .ccb = k->ccb,
		.outport = k->outport, .pending_ctl = k->pending_ctl,
		.pending_kbd = k->pending_kbd, .pending_aux = k->pending_aux,
		.kbd_on = k->kbd_on, .aux_on = k->aux_on, .irq1 = (uint8_t)k->irq1,
		.irq12 = (uint8_t)k->irq12,
	};

	for (unsigned i = 0; i < Q_SIZE; i++) {
		w.q[i][0] = k->q[i].byte;
		w.q[i][1] = k->q[i].src;
	}
	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

/* The lines come back as saved (the interrupt controllers were saved
 * with them). */
int i8042_load(void *state, const void *body, size_t len)
{
	struct i8042 *k = state;
	const struct i8042_wire *w = body;

	if (len != sizeof(*w) || w->head >= Q_SIZE || w->len > Q_SIZE)
		return -EINVAL;
	for (unsigned i = 0; i < Q_SIZE; i++) {
		k->q[i].byte = w->q[i][0];
		k->q[i].src = w->q[i][1] ? SRC_AUX : SRC_KBD;
	}
	k->head = w->head;
	k->len = w->len;
	k->ccb = w->ccb; k->outport = w->outport;
	k->pending_ctl = w->pending_ctl; k->pending_kbd = w->pending_kbd;
	k->pending_aux = w->pending_aux;
	k->kbd_on = w->kbd_on != 0; k->aux_on = w->aux_on != 0;
	k->irq1 = w->irq1 != 0; k->irq12 = w->irq12 != 0;
	i8042_update(k);
	return 0;
}
