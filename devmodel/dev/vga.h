/* The standard VGA with Bochs VBE extensions (00:02.0, 1234:1111): the
 * register file and memory (vga.c) and the picture (vga_render.c). */
#ifndef VMCTL_DEVMODEL_DEV_VGA_H
#define VMCTL_DEVMODEL_DEV_VGA_H

#include "devmodel/dm.h"

#include <stdbool.h>
#include <stdint.h>

enum vbe_index {
	VBE_ID, VBE_XRES, VBE_YRES, VBE_BPP, VBE_ENABLE, VBE_BANK, VBE_VIRT_WIDTH,
	VBE_VIRT_HEIGHT, VBE_X_OFFSET, VBE_Y_OFFSET, VBE_VIDEO_MEMORY_64K, VBE_NREGS
};

#define VBE_ENABLED     0x01
#define VBE_GETCAPS     0x02
#define VBE_8BIT_DAC    0x20
#define VBE_LFB         0x40
#define VBE_NOCLEARMEM  0x80
#define VBE_MAX_X       2560
#define VBE_MAX_Y       1600

struct vga {
	struct pci_dev pci;
	struct dm *dm;
	int vram_fd;                 /* a memfd: vmhv's (HVM_VRAM_MAP) or ours */
	uint8_t *vram;
	uint32_t vram_size;
	uint64_t vram_map_len;       /* mapped: VRAM (+ vmhv's dirty page) */
	uint64_t *dirty;             /* vmhv's dirty bits, or NULL: no direct map */
	uint64_t vram_gpa;           /* where vmhv was last told to show it */
	uint8_t *rom;                /* the VGA BIOS behind the ROM BAR */
	uint32_t rom_len;
	uint8_t misc;
	uint8_t seq_idx, seq[8];
	uint8_t gc_idx, gc[16];
	uint8_t crtc_idx, crtc[32];
	uint8_t ar_idx, ar[32];
	bool ar_flip;                /* next 0x3c0 write: index (false) or data */
	uint8_t dac[256 * 3];
	uint8_t dac_widx, dac_ridx, dac_sub, pel_mask, dac_state;
	uint32_t latch;
	uint8_t st1;
	uint16_t vbe_idx, vbe[VBE_NREGS];
	uint64_t writes;             /* bumped on every change that can show */
};

/* Render the current picture into `out` (32-bit xRGB, `stride` bytes a
 * line, at most max_w x max_h); its size goes to *w, *h (0x0: blank). */
void vga_render(struct vga *v, uint32_t *out, uint32_t stride, uint32_t max_w, uint32_t max_h,
		uint32_t *w, uint32_t *h);

/* Take the dirty bits the vCPUs set writing VRAM directly (HVM_VRAM_MAP):
 * any set counts as a change (`writes`). */
void vga_dirty_poll(struct vga *v);

#endif
