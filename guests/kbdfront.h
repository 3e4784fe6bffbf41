/* kbdfront: the PV keyboard and pointer frontend (io/kbdif.h).  Every key
 * and pointer event is printed on the console (tests read them there) and
 * shown on the framebuffer: a cursor follows the pointer and the last key
 * is written in the status line. */
#ifndef GUEST_KBDFRONT_H
#define GUEST_KBDFRONT_H

#include <stdbool.h>
#include <stdint.h>

struct kernel;

struct kbdfront {
	char nodename[64];
	char backend[128];
	unsigned int backend_id;
	struct xenkbd_page *page;
	int gref;
	uint32_t port;
	bool connected;
	bool abs_pointer;
	int ptr_x, ptr_y;
	uint32_t last_key;
	bool last_pressed;
	uint64_t keys, motions;
};

extern const struct frontend_ops kbdfront_ops;

#endif
