/*
 * The PV keyboard and pointer protocol.  One shared page (struct
 * xenkbd_page) holds the ring indices and two rings of 40-byte events:
 * in (backend to frontend: input events) at byte 1024, 2048 bytes; out at
 * byte 3072, 1024 bytes.  Key codes are Linux input KEY_* / BTN_* codes;
 * mouse buttons are keys.
 */
#ifndef VMCTL_XEN_IO_KBDIF_H
#define VMCTL_XEN_IO_KBDIF_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

#define XENKBD_TYPE_MOTION   1	/* relative pointer motion */
#define XENKBD_TYPE_RESERVED 2
#define XENKBD_TYPE_KEY      3	/* key or button press/release */
#define XENKBD_TYPE_POS      4	/* absolute pointer position */
#define XENKBD_TYPE_MTOUCH   5	/* multi-touch */

#define XENKBD_MT_EV_DOWN    0
#define XENKBD_MT_EV_UP      1
#define XENKBD_MT_EV_MOTION  2
#define XENKBD_MT_EV_SYN     3
#define XENKBD_MT_EV_SHAPE   4
#define XENKBD_MT_EV_ORIENT  5

/* Xenstore keys. */
#define XENKBD_DRIVER_NAME             "vkbd"
#define XENKBD_FIELD_FEAT_DSBL_KEYBRD  "feature-disable-keyboard"
#define XENKBD_FIELD_FEAT_DSBL_POINTER "feature-disable-pointer"
#define XENKBD_FIELD_FEAT_ABS_POINTER  "feature-abs-pointer"
#define XENKBD_FIELD_FEAT_RAW_POINTER  "feature-raw-pointer"
#define XENKBD_FIELD_FEAT_MTOUCH       "feature-multi-touch"
#define XENKBD_FIELD_REQ_ABS_POINTER   "request-abs-pointer"
#define XENKBD_FIELD_REQ_RAW_POINTER   "request-raw-pointer"
#define XENKBD_FIELD_REQ_MTOUCH        "request-multi-touch"
#define XENKBD_FIELD_RING_GREF         "page-gref"
#define XENKBD_FIELD_EVT_CHANNEL       "event-channel"
#define XENKBD_FIELD_WIDTH             "width"
#define XENKBD_FIELD_HEIGHT            "height"
#define XENKBD_FIELD_MT_WIDTH          "multi-touch-width"
#define XENKBD_FIELD_MT_HEIGHT         "multi-touch-height"
#define XENKBD_FIELD_MT_NUM_CONTACTS   "multi-touch-num-contacts"
#define XENKBD_FIELD_UNIQUE_ID         "unique-id"
#define XENKBD_FIELD_RING_REF          "page-ref"	/* obsolete: a frame number */

struct xenkbd_motion {
	uint8_t type;			/* XENKBD_TYPE_MOTION */
	int32_t rel_x, rel_y;
	int32_t rel_z;			/* wheel */
};
XEN_ABI_SIZE(struct xenkbd_motion, 16);
XEN_ABI_OFFSET(struct xenkbd_motion, type, 0);
XEN_ABI_OFFSET(struct xenkbd_motion, rel_x, 4);
XEN_ABI_OFFSET(struct xenkbd_motion, rel_y, 8);
XEN_ABI_OFFSET(struct xenkbd_motion, rel_z, 12);

struct xenkbd_key {
	uint8_t type;			/* XENKBD_TYPE_KEY */
	uint8_t pressed;		/* 1 down, 0 up */
	uint32_t keycode;		/* KEY_* / BTN_* */
};
XEN_ABI_SIZE(struct xenkbd_key, 8);
XEN_ABI_OFFSET(struct xenkbd_key, type, 0);
XEN_ABI_OFFSET(struct xenkbd_key, pressed, 1);
XEN_ABI_OFFSET(struct xenkbd_key, keycode, 4);

struct xenkbd_position {
	uint8_t type;			/* XENKBD_TYPE_POS */
	int32_t abs_x, abs_y;		/* pixels, or 0..0x7fff raw */
	int32_t rel_z;			/* wheel */
};
XEN_ABI_SIZE(struct xenkbd_position, 16);
XEN_ABI_OFFSET(struct xenkbd_position, type, 0);
XEN_ABI_OFFSET(struct xenkbd_position, abs_x, 4);
XEN_ABI_OFFSET(struct xenkbd_position, abs_y, 8);
XEN_ABI_OFFSET(struct xenkbd_position, rel_z, 12);

struct xenkbd_mtouch {
	uint8_t type;			/* XENKBD_TYPE_MTOUCH */
	uint8_t event_type;		/* XENKBD_MT_EV_* */
	uint8_t contact_id;
	uint8_t reserved[5];
	union {
		struct {
			int32_t abs_x, abs_y;
		} pos;
		struct {
			uint32_t major, minor;
		} shape;
		int16_t orientation;
	} u;
};
XEN_ABI_SIZE(struct xenkbd_mtouch, 16);
XEN_ABI_OFFSET(struct xenkbd_mtouch, type, 0);
XEN_ABI_OFFSET(struct xenkbd_mtouch, event_type, 1);
XEN_ABI_OFFSET(struct xenkbd_mtouch, contact_id, 2);
XEN_ABI_OFFSET(struct xenkbd_mtouch, u, 8);

#define XENKBD_IN_EVENT_SIZE 40

union xenkbd_in_event {
	uint8_t type;
	struct xenkbd_motion motion;
	struct xenkbd_key key;
	struct xenkbd_position pos;
	struct xenkbd_mtouch mtouch;
	char pad[XENKBD_IN_EVENT_SIZE];
};
XEN_ABI_SIZE(union xenkbd_in_event, 40);

#define XENKBD_OUT_EVENT_SIZE 40

union xenkbd_out_event {
	uint8_t type;
	char pad[XENKBD_OUT_EVENT_SIZE];
};
XEN_ABI_SIZE(union xenkbd_out_event, 40);

/* The rings: event idx lives at slot idx % LEN. */
#define XENKBD_IN_RING_SIZE  2048
#define XENKBD_IN_RING_LEN   (XENKBD_IN_RING_SIZE / XENKBD_IN_EVENT_SIZE)
#define XENKBD_IN_RING_OFFS  1024
#define XENKBD_IN_RING(page) \
	((union xenkbd_in_event *)((char *)(page) + XENKBD_IN_RING_OFFS))
#define XENKBD_IN_RING_REF(page, idx) \
	(XENKBD_IN_RING((page))[(idx) % XENKBD_IN_RING_LEN])

#define XENKBD_OUT_RING_SIZE 1024
#define XENKBD_OUT_RING_LEN  (XENKBD_OUT_RING_SIZE / XENKBD_OUT_EVENT_SIZE)
#define XENKBD_OUT_RING_OFFS (XENKBD_IN_RING_OFFS + XENKBD_IN_RING_SIZE)
#define XENKBD_OUT_RING(page) \
	((union xenkbd_out_event *)((char *)(page) + XENKBD_OUT_RING_OFFS))
#define XENKBD_OUT_RING_REF(page, idx) \
	(XENKBD_OUT_RING((page))[(idx) % XENKBD_OUT_RING_LEN])

struct xenkbd_page {
	uint32_t in_cons, in_prod;
	uint32_t out_cons, out_prod;
};
XEN_ABI_SIZE(struct xenkbd_page, 16);
XEN_ABI_OFFSET(struct xenkbd_page, in_cons, 0);
XEN_ABI_OFFSET(struct xenkbd_page, in_prod, 4);
XEN_ABI_OFFSET(struct xenkbd_page, out_cons, 8);
XEN_ABI_OFFSET(struct xenkbd_page, out_prod, 12);

#endif
