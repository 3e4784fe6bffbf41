/* The i8042 with its PS/2 keyboard and mouse: controller commands, the
 * keyboard's and mouse's replies, key and motion input as the VNC server
 * feeds it, IRQ 1 and 12, reset through the controller. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/dev/i8042.h"

static uint8_t rd(struct dmt *t)
{
	return (uint8_t)dmt_in(t, 0x60, 1);
}

int main(void)
{
	struct dmt t;
	struct i8042 *k;

	if (dmt_init(&t, 1 << 16) < 0 || dmt_start(&t) < 0) {
		skip_all("no memfd");
		return 0;
	}
	k = dm_device(&t.dm, "i8042");
	ok(k != NULL, "the controller is there");
	is_int(dmt_in(&t, 0x64, 1) & 1, 0, "output buffer empty");
	dmt_out(&t, 0x64, 1, 0xaa);
	ok((dmt_in(&t, 0x64, 1) & 1) && rd(&t) == 0x55, "self test: 0x55");
	dmt_out(&t, 0x64, 1, 0x20);
	is_int(rd(&t), 0x45, "command byte: kbd IRQ, system, translation");
	dmt_out(&t, 0x60, 1, 0xff);
	ok(rd(&t) == 0xfa && rd(&t) == 0xaa, "keyboard reset: ACK, 0xAA");
	is_int(t.rec.isa[1], 0, "IRQ 1 low when the queue is empty");
	dmt_out(&t, 0x60, 1, 0xf2);
	ok(rd(&t) == 0xfa && rd(&t) == 0xab && rd(&t) == 0x41, "keyboard id (translated)");
	dmt_out(&t, 0x60, 1, 0xed);
	dmt_out(&t, 0x60, 1, 0x07);
	ok(rd(&t) == 0xfa && rd(&t) == 0xfa, "set LEDs: two ACKs");
	i8042_key(k, 30, true);
	is_int(t.rec.isa[1], 1, "a key raises IRQ 1");
	is_int(rd(&t), 0x1e, "A pressed: 0x1e");
	i8042_key(k, 30, false);
	is_int(rd(&t), 0x9e, "released: 0x9e");
	i8042_key(k, 103, true);
	ok(rd(&t) == 0xe0 && rd(&t) == 0x48, "up arrow: E0 48");
	i8042_key(k, 999, true);
	is_int(dmt_in(&t, 0x64, 1) & 1, 0, "an unknown key is dropped");
	/* mouse */
	i8042_mouse(k, 5, 5, 0, 1);
	is_int(dmt_in(&t, 0x64, 1) & 1, 0, "mouse off: no packet");
	dmt_out(&t, 0x64, 1, 0x60);
	dmt_out(&t, 0x60, 1, 0x47);
	dmt_out(&t, 0x64, 1, 0xa8);
	dmt_out(&t, 0x64, 1, 0xd4);
	dmt_out(&t, 0x60, 1, 0xf4);
	ok((dmt_in(&t, 0x64, 1) & 0x21) == 0x21 && rd(&t) == 0xfa, "mouse enable ACKed from the aux side");
	i8042_mouse(k, 3, -2, 0, 1);
	is_int(t.rec.isa[12], 1, "motion raises IRQ 12");
	ok(rd(&t) == 0x09 && rd(&t) == 3 && rd(&t) == 2, "packet: left button, +3 right, +2 up");
	i8042_mouse(k, -400, 0, 0, 0);
	ok(rd(&t) == 0x18 && rd(&t) == 0x00, "x clamped to -256: sign bit, 0");
	rd(&t);
	for (int i = 0; i < 300; i++)
		i8042_key(k, 30, true);
	int n = 0;
	while ((dmt_in(&t, 0x64, 1) & 1) && n < 1000) {
		rd(&t);
		n++;
	}
	is_int(n, 256, "a guest that never reads: the queue keeps 256 bytes, the rest is dropped");
	dmt_out(&t, 0x64, 1, 0xfe);
	ok(t.rec.shutdowns == 1 && t.rec.last_shutdown == DM_SHUTDOWN_REBOOT, "0xFE pulses reset");
	dmt_fini(&t);
	return tap_done();
}
