/* The VGA's picture as 32-bit xRGB: VBE modes from VRAM, text modes from
 * the character/attribute planes and the font in plane 2, the 256-colour
 * chain-4 mode and the 16-colour planar modes. Everything read from VRAM
 * or the registers is bounded: a guest's odd register values give an odd
 * picture, never a read outside VRAM. */
#include "devmodel/dev/vga.h"

#include "common/util.h"

#include <string.h>

static uint32_t dac_rgb(const struct vga *v, uint8_t i)
{
	const uint8_t *c = &v->dac[i * 3];

	if (v->vbe[VBE_ENABLE] & VBE_8BIT_DAC)
		return (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
	return (uint32_t)(c[0] << 2 | c[0] >> 4) << 16 | (uint32_t)(c[1] << 2 | c[1] >> 4) << 8 |
	       (uint32_t)(c[2] << 2 | c[2] >> 4);
}

/* An attribute-controller palette entry (0..15) through to the DAC. */
static uint32_t ar_rgb(const struct vga *v, unsigned idx)
{
	uint8_t p = v->ar[idx & 15] & 0x3f;

	if (v->ar[0x10] & 0x80)
		p = (uint8_t)((p & 0x0f) | (v->ar[0x14] & 0x0f) << 4);
	else
		p = (uint8_t)(p | (v->ar[0x14] & 0x0c) << 4);
	return dac_rgb(v, p & v->pel_mask);
}

static uint8_t vram_at(const struct vga *v, uint64_t i)
{
	return i < v->vram_size ? v->vram[i] : 0;
}

/* ---- VBE ---------------------------------------------------------------- */

static uint32_t vbe_pixel(const struct vga *v, uint64_t at, unsigned bpp)
{
	uint32_t p = 0;

	switch (bpp) {
	case 8:
		return dac_rgb(v, vram_at(v, at));
	case 15:
		p = vram_at(v, at) | vram_at(v, at + 1) << 8;
		return (p >> 10 & 31) << 19 | (p >> 5 & 31) << 11 | (p & 31) << 3;
	case 16:
		p = vram_at(v, at) | vram_at(v, at + 1) << 8;
		return (p >> 11) << 19 | (p >> 5 & 63) << 10 | (p & 31) << 3;
	case 24:
		return (uint32_t)vram_at(v, at) | (uint32_t)vram_at(v, at + 1) << 8 |
		       (uint32_t)vram_at(v, at + 2) << 16;
	default:
		memcpy(&p, v->vram + at, 4);
		return p & 0xffffff;
	}
}

static void render_vbe(struct vga *v, uint32_t *out, uint32_t stride, uint32_t w, uint32_t h)
{
	unsigned bpp = v->vbe[VBE_BPP], bytes = bpp == 15 ? 2 : (bpp + 7) / 8;
	uint64_t line = (uint64_t)v->vbe[VBE_VIRT_WIDTH] * bytes;
	uint64_t base = v->vbe[VBE_Y_OFFSET] * line + (uint64_t)v->vbe[VBE_X_OFFSET] * bytes;

	for (uint32_t y = 0; y < h; y++) {
		uint32_t *o = (uint32_t *)(void *)((uint8_t *)out + (uint64_t)y * stride);
		uint64_t at = base + y * line;

		if (bpp == 32 && at + (uint64_t)w * 4 <= v->vram_size) {
			memcpy(o, v->vram + at, (size_t)w * 4);
			continue;
		}
		for (uint32_t x = 0; x < w; x++, at += bytes)
			o[x] = at + bytes <= v->vram_size ? vbe_pixel(v, at, bpp) : 0;
	}
}

/* ---- legacy modes -------------------------------------------------------- */

static uint32_t crtc_vde(const struct vga *v)
{
	return (v->crtc[0x12] | (v->crtc[7] & 0x02) << 7 | (v->crtc[7] & 0x40) << 3) + 1u;
}

static void text_cell(struct vga *v, uint32_t *out, uint32_t stride, uint32_t x0, uint32_t y0,
		      uint8_t ch, uint8_t attr, unsigned cw, unsigned chh, bool cursor)
{
	bool blink_off = !(v->ar[0x10] & 0x08);
	uint32_t fg = ar_rgb(v, attr & 15), bg = ar_rgb(v, (attr >> 4) & (blink_off ? 15 : 7));
	unsigned cs = v->crtc[0x0a] & 0x1f, ce = v->crtc[0x0b] & 0x1f;

	for (unsigned l = 0; l < chh; l++) {
		uint8_t bits = vram_at(v, 4ull * (ch * 32u + l) + 2);
		uint32_t *o = (uint32_t *)(void *)((uint8_t *)out + (uint64_t)(y0 + l) * stride) + x0;

		if (cursor && l >= cs && l <= ce)
			bits = 0xff;
		for (unsigned x = 0; x < 8; x++)
			o[x] = bits & (0x80 >> x) ? fg : bg;
		if (cw == 9)   /* line-drawing characters extend into the 9th column */
			o[8] = (ch >= 0xc0 && ch <= 0xdf && (v->ar[0x10] & 0x04) && (bits & 1)) ? fg : bg;
	}
}

static void render_text(struct vga *v, uint32_t *out, uint32_t stride, uint32_t *w, uint32_t *h,
			uint32_t max_w, uint32_t max_h)
{
	unsigned cols = v->crtc[1] + 1u, chh = (v->crtc[9] & 0x1f) + 1u;
	unsigned cw = (v->seq[1] & 1) ? 8 : 9, rows = crtc_vde(v) / chh;
	unsigned pitch = v->crtc[0x13] * 2u;
	unsigned start = (unsigned)v->crtc[0x0c] << 8 | v->crtc[0x0d];
	unsigned cursor = (unsigned)v->crtc[0x0e] << 8 | v->crtc[0x0f];
	bool cursor_on = !(v->crtc[0x0a] & 0x20);

	while (cols * cw > max_w)
		cols--;
	while (rows * chh > max_h && rows)
		rows--;
	*w = cols * cw;
	*h = rows * chh;
	for (unsigned r = 0; r < rows; r++)
		for (unsigned c = 0; c < cols; c++) {
			unsigned cell = start + r * pitch + c;

			text_cell(v, out, stride, c * cw, r * chh, vram_at(v, 4ull * cell),
				  vram_at(v, 4ull * cell + 1), cw, chh, cursor_on && cell == cursor);
		}
}

static void render_chain4(struct vga *v, uint32_t *out, uint32_t stride, uint32_t w, uint32_t h,
			  unsigned dbl)
{
	unsigned pitch = v->crtc[0x13] * 8u;
	unsigned start = ((unsigned)v->crtc[0x0c] << 8 | v->crtc[0x0d]) * 4u;

	for (uint32_t y = 0; y < h; y++) {
		uint32_t *o = (uint32_t *)(void *)((uint8_t *)out + (uint64_t)y * stride);

		for (uint32_t x = 0; x < w; x++)
			o[x] = dac_rgb(v, vram_at(v, start + (uint64_t)(y / dbl) * pitch + x) & v->pel_mask);
	}
}

static void render_planar(struct vga *v, uint32_t *out, uint32_t stride, uint32_t w, uint32_t h,
			  unsigned dbl)
{
	unsigned pitch = v->crtc[0x13] * 2u;
	unsigned start = (unsigned)v->crtc[0x0c] << 8 | v->crtc[0x0d];

	for (uint32_t y = 0; y < h; y++) {
		uint32_t *o = (uint32_t *)(void *)((uint8_t *)out + (uint64_t)y * stride);

		for (uint32_t x = 0; x < w; x++) {
			uint64_t a = 4ull * (start + (y / dbl) * pitch + x / 8);
			unsigned bit = 7 - (x & 7), idx = 0;

			for (unsigned p = 0; p < 4; p++)
				idx |= ((vram_at(v, a + p) >> bit) & 1u) << p;
			o[x] = ar_rgb(v, idx & (v->ar[0x12] & 0x0f));
		}
	}
}

void vga_render(struct vga *v, uint32_t *out, uint32_t stride, uint32_t max_w, uint32_t max_h,
		uint32_t *w, uint32_t *h)
{
	unsigned dbl = ((v->crtc[9] & 0x80) ? 2 : 1) * ((v->crtc[9] & 0x1f) + 1u);

	*w = *h = 0;
	if (v->vbe[VBE_ENABLE] & VBE_ENABLED) {
		*w = MIN((uint32_t)v->vbe[VBE_XRES], max_w);
		*h = MIN((uint32_t)v->vbe[VBE_YRES], max_h);
		render_vbe(v, out, stride, *w, *h);
		return;
	}
	if (!(v->ar_idx & 0x20) && !(v->ar[0x10] | v->ar[0x12]))
		return;   /* the screen is off (the BIOS has not set a mode yet) */
	if (!(v->gc[6] & 1)) {
		render_text(v, out, stride, w, h, max_w, max_h);
		return;
	}
	*w = MIN((v->crtc[1] + 1u) * 8, max_w);
	*h = MIN(crtc_vde(v) / dbl, max_h);
	if (v->seq[4] & 0x08) {
		*w = MIN(*w / 2, max_w);   /* 256 colours: two clocks a pixel */
		render_chain4(v, out, stride, *w, *h, 1);
	} else {
		render_planar(v, out, stride, *w, *h, 1);
	}
}
