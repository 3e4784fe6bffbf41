/*
 * The PV framebuffer protocol.  One shared page (struct xenfb_page) holds
 * the framebuffer geometry, a directory of the frames that make up the
 * framebuffer, and two event rings of 40-byte events: in (backend to
 * frontend) at byte 1024, out (frontend to backend) at byte 2048.
 * pd[] and the xenstore `page-ref` are raw frame numbers (MFNs for PV,
 * GFNs for auto-translated guests), not grant references.
 */
#ifndef VMCTL_XEN_IO_FBIF_H
#define VMCTL_XEN_IO_FBIF_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

/* Out events (frontend -> backend). */
#define XENFB_TYPE_UPDATE 2	/* a rectangle changed (backend asked with request-update) */
#define XENFB_TYPE_RESIZE 3	/* new mode (backend offered feature-resize) */

struct xenfb_update {
	uint8_t type;			/* XENFB_TYPE_UPDATE */
	int32_t x, y;
	int32_t width, height;
};
XEN_ABI_SIZE(struct xenfb_update, 20);
XEN_ABI_OFFSET(struct xenfb_update, type, 0);
XEN_ABI_OFFSET(struct xenfb_update, x, 4);
XEN_ABI_OFFSET(struct xenfb_update, y, 8);
XEN_ABI_OFFSET(struct xenfb_update, width, 12);
XEN_ABI_OFFSET(struct xenfb_update, height, 16);

struct xenfb_resize {
	uint8_t type;			/* XENFB_TYPE_RESIZE */
	int32_t width;			/* pixels */
	int32_t height;
	int32_t stride;			/* bytes per line */
	int32_t depth;			/* bits per pixel */
	int32_t offset;			/* of the framebuffer within its memory */
};
XEN_ABI_SIZE(struct xenfb_resize, 24);
XEN_ABI_OFFSET(struct xenfb_resize, type, 0);
XEN_ABI_OFFSET(struct xenfb_resize, width, 4);
XEN_ABI_OFFSET(struct xenfb_resize, height, 8);
XEN_ABI_OFFSET(struct xenfb_resize, stride, 12);
XEN_ABI_OFFSET(struct xenfb_resize, depth, 16);
XEN_ABI_OFFSET(struct xenfb_resize, offset, 20);

#define XENFB_OUT_EVENT_SIZE 40

union xenfb_out_event {
	uint8_t type;
	struct xenfb_update update;
	struct xenfb_resize resize;
	char pad[XENFB_OUT_EVENT_SIZE];
};
XEN_ABI_SIZE(union xenfb_out_event, 40);

/* In events (backend -> frontend). */
#define XENFB_TYPE_REFRESH_PERIOD 1
#define XENFB_NO_REFRESH          0	/* nobody is looking: updates not needed */

struct xenfb_refresh_period {
	uint8_t type;			/* XENFB_TYPE_REFRESH_PERIOD */
	uint32_t period;		/* ms, or XENFB_NO_REFRESH */
};
XEN_ABI_SIZE(struct xenfb_refresh_period, 8);
XEN_ABI_OFFSET(struct xenfb_refresh_period, type, 0);
XEN_ABI_OFFSET(struct xenfb_refresh_period, period, 4);

#define XENFB_IN_EVENT_SIZE 40

union xenfb_in_event {
	uint8_t type;
	struct xenfb_refresh_period refresh_period;
	char pad[XENFB_IN_EVENT_SIZE];
};
XEN_ABI_SIZE(union xenfb_in_event, 40);

/* The rings: event idx lives at slot idx % LEN. */
#define XENFB_IN_RING_SIZE  1024
#define XENFB_IN_RING_LEN   (XENFB_IN_RING_SIZE / XENFB_IN_EVENT_SIZE)
#define XENFB_IN_RING_OFFS  1024
#define XENFB_IN_RING(page) \
	((union xenfb_in_event *)((char *)(page) + XENFB_IN_RING_OFFS))
#define XENFB_IN_RING_REF(page, idx) \
	(XENFB_IN_RING((page))[(idx) % XENFB_IN_RING_LEN])

#define XENFB_OUT_RING_SIZE 2048
#define XENFB_OUT_RING_LEN  (XENFB_OUT_RING_SIZE / XENFB_OUT_EVENT_SIZE)
#define XENFB_OUT_RING_OFFS (XENFB_IN_RING_OFFS + XENFB_IN_RING_SIZE)
#define XENFB_OUT_RING(page) \
	((union xenfb_out_event *)((char *)(page) + XENFB_OUT_RING_OFFS))
#define XENFB_OUT_RING_REF(page, idx) \
	(XENFB_OUT_RING((page))[(idx) % XENFB_OUT_RING_LEN])

/*
 * The shared page.  pd[i] is the frame of a directory page, which lists
 * PAGE_SIZE / sizeof(unsigned long) = 512 framebuffer frames in order.
 * The declared pd[256] overlaps the rings from byte 1024 on: only the
 * first entries are ever used (two of them cover 4 MiB).
 */
struct xenfb_page {
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
	int32_t width;			/* pixels */
	int32_t height;
	uint32_t line_length;		/* bytes per row */
	uint32_t mem_length;		/* bytes of framebuffer memory */
	uint8_t depth;			/* bits per pixel */
	unsigned long pd[256];
};
XEN_ABI_SIZE(struct xenfb_page, 2088);
XEN_ABI_OFFSET(struct xenfb_page, in_cons, 0);
XEN_ABI_OFFSET(struct xenfb_page, in_prod, 4);
XEN_ABI_OFFSET(struct xenfb_page, out_cons, 8);
XEN_ABI_OFFSET(struct xenfb_page, out_prod, 12);
XEN_ABI_OFFSET(struct xenfb_page, width, 16);
XEN_ABI_OFFSET(struct xenfb_page, height, 20);
XEN_ABI_OFFSET(struct xenfb_page, line_length, 24);
XEN_ABI_OFFSET(struct xenfb_page, mem_length, 28);
XEN_ABI_OFFSET(struct xenfb_page, depth, 32);
XEN_ABI_OFFSET(struct xenfb_page, pd, 40);

/* Linux's default mode. */
#define XENFB_WIDTH  800
#define XENFB_HEIGHT 600
#define XENFB_DEPTH  32

#endif
