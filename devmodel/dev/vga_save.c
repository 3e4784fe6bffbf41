/* The std-VGA's state for save and restore (devmodel/dm_save.h): the
 * register file, the DAC, the VBE registers and the whole video memory.
 * vga.c keeps every VRAM access and the renderer within vram_size, so a
 * loaded register file cannot reach outside it; what is checked here is
 * what the register file is indexed by and the VRAM's size. */
#include "devmodel/dev/vga.h"
#include "devmodel/dm_save.h"

#include <errno.h>
#include <string.h>

struct vga_wire {
	uint32_t vram_size;
	uint32_t latch;
	uint8_t misc, seq_idx, gc_idx, crtc_idx, ar_idx, ar_flip, st1, pad0;
	uint8_t dac_widx, dac_ridx, dac_sub, pel_mask, dac_state, pad1[3];
	uint16_t vbe_idx, vbe[VBE_NREGS];
	uint8_t pad2[2];
	uint8_t seq[8], gc[16], crtc[32], ar[32];
	uint8_t dac[256 * 3];
	/* then vram_size bytes of VRAM */
};
_Static_assert(sizeof(struct vga_wire) == 908, "vga_wire size");

int vga_save(void *state, struct dm_sbuf *b)
{
	const struct vga *v = state;
	struct vga_wire w = {
		.vram_size = v->vram_size, .latch = v->latch, .misc = v->misc,
		.seq_idx = v->seq_idx, .gc_idx = v->gc_idx, .crtc_idx = v->crtc_idx,
		.ar_idx = v->ar_idx, .ar_flip = v->ar_flip, .st1 = v->st1,
		.dac_widx = v->dac_widx, .dac_ridx = v->dac_ridx, .dac_sub = v->dac_sub,
		.pel_mask = v->pel_mask, .dac_state = v->dac_state, .vbe_idx = v->vbe_idx,
	};

	memcpy(w.vbe, v->vbe, sizeof(w.vbe));
	memcpy(w.seq, v->seq, sizeof(w.seq));
	memcpy(w.gc, v->gc, sizeof(w.gc));
	memcpy(w.crtc, v->crtc, sizeof(w.crtc));
	memcpy(w.ar, v->ar, sizeof(w.ar));
	memcpy(w.dac, v->dac, sizeof(w.dac));
	dm_sbuf_put(b, &w, sizeof(w));
	dm_sbuf_put(b, v->vram, v->vram_size);
	return b->err;
}

int vga_load(void *state, const void *body, size_t len)
{
	struct vga *v = state;
	const struct vga_wire *w = body;

	if (len < sizeof(*w) || w->vram_size != v->vram_size ||
	    len != sizeof(*w) + (size_t)w->vram_size || w->dac_sub > 2 ||
	    w->vbe[VBE_XRES] > VBE_MAX_X || w->vbe[VBE_YRES] > VBE_MAX_Y)
		return -EINVAL;
	v->latch = w->latch; v->misc = w->misc;
	v->seq_idx = w->seq_idx; v->gc_idx = w->gc_idx; v->crtc_idx = w->crtc_idx;
	v->ar_idx = w->ar_idx & 0x3f; v->ar_flip = w->ar_flip != 0; v->st1 = w->st1;
	v->dac_widx = w->dac_widx; v->dac_ridx = w->dac_ridx; v->dac_sub = w->dac_sub;
	v->pel_mask = w->pel_mask; v->dac_state = w->dac_state; v->vbe_idx = w->vbe_idx;
	memcpy(v->vbe, w->vbe, sizeof(v->vbe));
	memcpy(v->seq, w->seq, sizeof(v->seq));
	memcpy(v->gc, w->gc, sizeof(v->gc));
	memcpy(v->crtc, w->crtc, sizeof(v->crtc));
	memcpy(v->ar, w->ar, sizeof(v->ar));
	memcpy(v->dac, w->dac, sizeof(v->dac));
	memcpy(v->vram, w + 1, v->vram_size);
	v->writes++;              /* the display redraws */
	return 0;
}
