/* The device model's display, as a VNC server (pvfb-vnc) reads it: the
 * picture of an HVM guest's VGA (text, legacy graphics or a VBE mode)
 * rendered by vmctl-devmodel into shared memory, and input sent back for
 * the emulated PS/2 keyboard and mouse.
 *
 * The server connects to $rundir/devmodel.<domid>.display (SOCK_SEQPACKET)
 * and receives one DMDISPLAY_HELLO with a memfd (SCM_RIGHTS): page 0 is a
 * struct dmdisplay_shared, the pixels start at `fb_offset`. Map it shared;
 * only `viewers` is the server's to write. After that, each message from
 * the device model is a struct dmdisplay_frame (the picture changed), and
 * the server sends struct dmdisplay_input messages. While `viewers` is 0
 * the device model does not render. All fields are little-endian, sizes
 * fixed.
 */
#ifndef VMCTL_DMDISPLAY_H
#define VMCTL_DMDISPLAY_H

#include <stddef.h>
#include <stdint.h>

#define DMDISPLAY_MAGIC   0x44444d56u   /* "VMDD" */
#define DMDISPLAY_VERSION 1u
#define DMDISPLAY_MAX_W   2560u
#define DMDISPLAY_MAX_H   1600u
#define DMDISPLAY_FB_OFFSET 4096u
#define DMDISPLAY_BYTES   (DMDISPLAY_FB_OFFSET + DMDISPLAY_MAX_W * DMDISPLAY_MAX_H * 4u)

/* Pixels are 32-bit xRGB (blue in the low byte), `stride` bytes a line. */
struct dmdisplay_shared {
	uint32_t magic, version;
	uint32_t width, height, stride;
	uint32_t seq;            /* bumped after every rendered change */
	uint32_t viewers;        /* written by the server: how many look */
	uint32_t fb_offset;      /* DMDISPLAY_FB_OFFSET */
	uint32_t fb_bytes;
	uint32_t pad[7];
};
_Static_assert(sizeof(struct dmdisplay_shared) == 64, "dmdisplay_shared size");
_Static_assert(offsetof(struct dmdisplay_shared, viewers) == 24, "viewers offset");

enum dmdisplay_msg {
	DMDISPLAY_HELLO = 1,     /* dm -> server, with the memfd */
	DMDISPLAY_FRAME = 2,     /* dm -> server */
	DMDISPLAY_KEY = 3,       /* server -> dm */
	DMDISPLAY_POINTER = 4,   /* server -> dm */
};

/* HELLO and FRAME: the geometry and the changed lines [y0, y1). */
struct dmdisplay_frame {
	uint32_t type;
	uint32_t seq;
	uint32_t width, height, stride;
	uint32_t y0, y1;
	uint32_t pad;
};
_Static_assert(sizeof(struct dmdisplay_frame) == 32, "dmdisplay_frame size");

/* KEY: code = a Linux KEY_* code, value = 1 pressed / 0 released.
 * POINTER: x, y in pixels of the current picture, dz wheel steps,
 * buttons bit 0 left, 1 middle, 2 right (the server's FBSRC_BTN_*). */
struct dmdisplay_input {
	uint32_t type;
	uint32_t code;
	int32_t value;
	int32_t x, y, dz;
	uint32_t buttons;
	uint32_t pad;
};
_Static_assert(sizeof(struct dmdisplay_input) == 32, "dmdisplay_input size");

#endif
