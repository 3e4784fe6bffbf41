/* fbfront: the PV framebuffer frontend (io/fbif.h).  The framebuffer is our
 * own memory, described to the backend by frame numbers (page directory in
 * the shared page), not by grants; we send UPDATE events for the rectangles
 * we drew. */
#ifndef GUEST_FBFRONT_H
#define GUEST_FBFRONT_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

#define FB_CURSOR 11	/* cursor size in pixels */

struct fbfront {
	char nodename[64];
	char backend[128];
	unsigned int backend_id;
	int width, height;
	unsigned int line_length;	/* bytes per row */
	uint32_t *pixels;		/* xRGB, 32 bpp */
	unsigned long fb_pages;
	struct xenfb_page *page;	/* shared page */
	void *pd;			/* page directory pages */
	unsigned long pd_pages;
	uint32_t port;
	bool connected;
	bool request_update;
	uint64_t updates;
	/* the pointer cursor and the pixels it covers (draw.c) */
	int cur_x, cur_y;
	bool cur_on;
	uint32_t cur_save[FB_CURSOR * FB_CURSOR];
};

extern const struct frontend_ops fbfront_ops;

/* Tell the backend that a rectangle changed (clipped to the screen). */
void fbfront_update(struct kernel *k, struct fbfront *fb, int x, int y,
		    int w, int h);

#endif
