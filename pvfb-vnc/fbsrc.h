/* A framebuffer source: where a VNC server's pixels come from and where its
 * viewers' input goes. The PV framebuffer and keyboard (fbif + kbdif,
 * pvfb.c) are one; the HVM device model's VGA picture and PS/2 keyboard
 * and mouse (its display socket, src_dmdisplay.c) are another, served by
 * the same server code.
 *
 * The source pushes to the server (vnc.h): vnc_set_mode() when the
 * picture's memory or geometry changes, vnc_damage() for a changed
 * rectangle. The server calls the ops below from its loop. */
#ifndef VMCTL_PVFB_VNC_FBSRC_H
#define VMCTL_PVFB_VNC_FBSRC_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

struct vnc;

/* Pointer buttons as the source receives them (bit set = held). */
#define FBSRC_BTN_LEFT   1u
#define FBSRC_BTN_MIDDLE 2u
#define FBSRC_BTN_RIGHT  4u

struct fbsrc;

struct fbsrc_ops {
	const char *name;
	/* Put the descriptors the source waits on into pfd[] (at most cap,
	 * events set); returns how many. */
	int (*pollfds)(struct fbsrc *s, struct pollfd *pfd, int cap);
	/* Called after every poll round (whatever woke it): take what the
	 * guest sent. A negative return means the source is gone for good
	 * (the domain or its device went away): the program ends. */
	int (*dispatch)(struct fbsrc *s);
	/* Milliseconds until dispatch() is wanted without any event (-1 for
	 * never): a source without change notifications polls its memory. */
	int (*timeout)(struct fbsrc *s);
	/* Input from a viewer: a Linux input key code (KEY_*), pressed or
	 * released; the pointer at (x, y) in framebuffer pixels with the held
	 * FBSRC_BTN_* buttons and wheel steps dz (positive = down). */
	void (*key)(struct fbsrc *s, uint32_t keycode, bool down);
	void (*pointer)(struct fbsrc *s, int x, int y, int dz, unsigned buttons);
	/* The number of viewers changed (0: nobody looks). */
	void (*viewers)(struct fbsrc *s, int count);
	void (*close)(struct fbsrc *s);
};

struct fbsrc {
	const struct fbsrc_ops *ops;
	struct vnc *vnc;             /* the server it feeds */
};

#endif
