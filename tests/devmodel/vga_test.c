/* std-VGA + Bochs VBE and the display the VNC server reads: VBE modes
 * through the LFB BAR, an 80x25 text mode with a font loaded into plane 2
 * the way a VGA BIOS does it, mode 13h, refused modes, input to PS/2. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/display.h"
#include "devmodel/dev/vga.h"

#include <stdlib.h>
#include <unistd.h>

#define VGA_FN (2 << 3)
#define LFB 0xe0000000u

static void vbe(struct dmt *t, uint16_t idx, uint16_t val)
{
	dmt_out(t, 0x1ce, 2, idx);
	dmt_out(t, 0x1cf, 2, val);
}

static uint16_t vbe_get(struct dmt *t, uint16_t idx)
{
	dmt_out(t, 0x1ce, 2, idx);
	return (uint16_t)dmt_in(t, 0x1cf, 2);
}

static void reg(struct dmt *t, uint16_t port, uint8_t idx, uint8_t val)
{
	dmt_out(t, port, 1, idx);
	dmt_out(t, port + 1, 1, val);
}

static void ar(struct dmt *t, uint8_t idx, uint8_t val)
{
	dmt_in(t, 0x3da, 1);
	dmt_out(t, 0x3c0, 1, idx);
	dmt_out(t, 0x3c0, 1, val);
}

static void dac(struct dmt *t, uint8_t i, uint8_t r, uint8_t g, uint8_t b)
{
	dmt_out(t, 0x3c8, 1, i);
	dmt_out(t, 0x3c9, 1, r);
	dmt_out(t, 0x3c9, 1, g);
	dmt_out(t, 0x3c9, 1, b);
}

static uint32_t px(struct display *d, uint32_t x, uint32_t y)
{
	return d->fb[(uint64_t)y * d->sh->width + x] & 0xffffff;
}

static void test_vbe(struct dmt *t, struct display *d)
{
	is_int(dmt_cfg_read(t, VGA_FN, 0, 4), 0x11111234, "00:02.0 is the std-VGA");
	dmt_cfg_write(t, VGA_FN, 0x10, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, VGA_FN, 0x10, 4), 0xff000008, "BAR0: 16 MiB prefetchable VRAM");
	dmt_cfg_write(t, VGA_FN, 0x10, 4, LFB);
	dmt_cfg_write(t, VGA_FN, 0x04, 2, 0x03);
	is_int(vbe_get(t, 0), 0xb0c5, "VBE id");
	is_int(vbe_get(t, 0xa), 256, "16 MiB in 64 KiB units");
	vbe(t, 4, 0x02);
	is_int(vbe_get(t, 1), 2560, "GETCAPS: largest width");
	vbe(t, 4, 0);
	vbe(t, 1, 4000);
	vbe(t, 2, 4000);
	vbe(t, 3, 32);
	vbe(t, 4, 0x41);
	is_int(vbe_get(t, 4) & 1, 0, "4000x4000 refused");
	vbe(t, 1, 640);
	vbe(t, 2, 480);
	vbe(t, 3, 7);
	vbe(t, 4, 0x41);
	is_int(vbe_get(t, 4) & 1, 0, "7 bits per pixel refused");
	vbe(t, 3, 32);
	vbe(t, 4, 0x41);
	is_int(vbe_get(t, 4), 0x41, "640x480x32 with LFB on");
	dmt_mmio_write(t, LFB + (10 * 640 + 20) * 4, 4, 0x00ff8000);
	d->sh->viewers = 1;
	is_int(display_update(d), 1, "the picture changed");
	ok(d->sh->width == 640 && d->sh->height == 480 && d->sh->stride == 2560, "640x480 published");
	is_int(px(d, 20, 10), 0xff8000, "the pixel written through the LFB");
	is_int(display_update(d), 0, "nothing new: no frame");
	vbe(t, 4, 0);
	vbe(t, 3, 16);
	vbe(t, 4, 0x41);
	is_int(dmt_mmio_read(t, LFB + (10 * 640 + 20) * 4, 4), 0, "enabling without NOCLEARMEM cleared VRAM");
	dmt_mmio_write(t, LFB + 2, 2, 0xf800);
	display_update(d);
	is_int(px(d, 1, 0), 0xf80000, "16 bpp (565): red");
	vbe(t, 4, 0);
}

static void test_text(struct dmt *t, struct display *d)
{
	/* load a glyph for 'A' (a solid block) into plane 2, as a BIOS does */
	reg(t, 0x3c4, 2, 0x04);
	reg(t, 0x3c4, 4, 0x06);
	reg(t, 0x3ce, 5, 0x00);
	reg(t, 0x3ce, 6, 0x04);
	reg(t, 0x3ce, 8, 0xff);
	for (int l = 0; l < 16; l++)
		dmt_mmio_write(t, 0xa0000 + 0x41 * 32 + l, 1, 0xff);
	/* 80x25 text, 8-dot characters, 16 lines */
	reg(t, 0x3c4, 2, 0x03);
	reg(t, 0x3c4, 4, 0x02);
	reg(t, 0x3c4, 1, 0x01);
	reg(t, 0x3ce, 5, 0x10);
	reg(t, 0x3ce, 6, 0x0e);
	reg(t, 0x3d4, 1, 79);
	reg(t, 0x3d4, 9, 15);
	reg(t, 0x3d4, 0x12, 0x8f);
	reg(t, 0x3d4, 7, 0x02);
	reg(t, 0x3d4, 0x13, 40);
	reg(t, 0x3d4, 0x0a, 0x20);
	for (int i = 0; i < 16; i++)
		ar(t, (uint8_t)i, (uint8_t)i);
	ar(t, 0x10, 0x0c);
	ar(t, 0x12, 0x0f);
	dmt_in(t, 0x3da, 1);
	dmt_out(t, 0x3c0, 1, 0x20);
	dac(t, 0, 0, 0, 0);
	dac(t, 7, 0x3f, 0x3f, 0x3f);
	dmt_mmio_write(t, 0xb8000, 2, 0x0741);
	dmt_mmio_write(t, 0xb8002, 2, 0x0700);
	display_update(d);
	ok(d->sh->width == 640 && d->sh->height == 400, "text mode: 80x25 cells of 8x16");
	ok(px(d, 0, 0) == 0xffffff && px(d, 7, 15) == 0xffffff, "'A' drawn from the font in plane 2");
	ok(px(d, 8, 0) == 0 && px(d, 15, 15) == 0, "the next cell is blank");
	is_int(dmt_mmio_read(t, 0xb8000, 2), 0x0741, "text memory reads back");
}

static void test_mode13(struct dmt *t, struct display *d)
{
	reg(t, 0x3c4, 4, 0x0e);
	reg(t, 0x3c4, 2, 0x0f);
	reg(t, 0x3ce, 6, 0x05);
	reg(t, 0x3ce, 5, 0x40);
	reg(t, 0x3d4, 9, 0x41);
	ar(t, 0x10, 0x41);
	dmt_in(t, 0x3da, 1);
	dmt_out(t, 0x3c0, 1, 0x20);
	dac(t, 1, 0x3f, 0, 0);
	dmt_mmio_write(t, 0xa0000 + 320 + 1, 1, 1);
	display_update(d);
	ok(d->sh->width == 320 && d->sh->height == 200, "mode 13h: 320x200");
	is_int(px(d, 1, 1), 0xff0000, "palette colour 1 at (1,1)");
	dmt_mmio_write(t, 0xbfff0, 4, 0x12345678);
	ok(dmt_mmio_read(t, 0xbfff0, 4) == 0xffffffff, "outside the 64K chain-4 window: all ones");
}

/* The expansion ROM BAR with a ROM the test writes. */
static void test_rom(struct dmt *t)
{
	dmt_cfg_write(t, VGA_FN, 0x30, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, VGA_FN, 0x30, 4), 0xfffff801, "ROM BAR: 2 KiB, enable bit");
	dmt_cfg_write(t, VGA_FN, 0x30, 4, 0xfeb00000);
	ok(!bus_find(&t->dm.bus, BUS_MMIO, 0xfeb00000), "not decoded while disabled");
	dmt_cfg_write(t, VGA_FN, 0x30, 4, 0xfeb00001);
	ok(!bus_find(&t->dm.bus, BUS_MMIO, 0xfeb00000), "nor without the memory decode bit");
	dmt_cfg_write(t, VGA_FN, 0x04, 2, 0x02);
	is_int(dmt_mmio_read(t, 0xfeb00000, 2), 0xaa55, "the ROM's signature");
	is_int(dmt_mmio_read(t, 0xfeb00400, 4), 0, "past the file: zeros");
	dmt_cfg_write(t, VGA_FN, 0x30, 4, 0);
}

int main(void)
{
	struct dmt t;
	struct display d;
	char rom[] = "/tmp/dm-vgarom-XXXXXX";
	int fd = mkstemp(rom);
	struct dmdisplay_input key = { .type = DMDISPLAY_KEY, .code = 30, .value = 1 };

	if (dmt_init(&t, 1 << 20) < 0) {
		skip_all("no memfd");
		return 0;
	}
	if (fd < 0 || write(fd, "\x55\xaa\x04", 3) != 3)
		return 1;
	close(fd);
	t.cfg.vram_mb = 16;
	t.cfg.vgabios = rom;
	is_int(dmt_start(&t), 0, "devices created");
	test_rom(&t);
	is_int(display_open(&d, &t.dm, NULL, NULL), 0, "display without a socket");
	test_vbe(&t, &d);
	test_text(&t, &d);
	test_mode13(&t, &d);
	display_input(&d, &d.client[0], &key);
	is_int(dmt_in(&t, 0x60, 1), 0x1e, "a key from the VNC server reaches port 0x60");
	display_close(&d);
	dmt_fini(&t);
	unlink(rom);
	return tap_done();
}
