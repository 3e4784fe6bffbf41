/* The VNC side of pvfb-vnc: one RFB server (libvncserver) for one guest
 * framebuffer, on a listening TCP socket of our own (so the port search of
 * xl.cfg's vncunused and the listen address are ours to decide), with
 * libvncserver kept strict: no HTTP server, no file transfer, no cursor
 * drawn into the guest's memory, VNC authentication when a password is set.
 * Everything runs on the caller's thread from vnc_pollfds()/vnc_dispatch(). */
#ifndef VMCTL_PVFB_VNC_VNC_H
#define VMCTL_PVFB_VNC_VNC_H

#include <poll.h>
#include <stdbool.h>

struct vnc;
struct fbsrc;

struct vnc_options {
	const char *listen;      /* address or host name; NULL = 127.0.0.1 */
	int display;             /* port 5900 + display */
	bool find_unused;        /* take the next free port if that one is busy */
	const char *password;    /* NULL or "" = no authentication */
	const char *name;        /* desktop name shown by viewers */
};

/* The picture a source shows: `pixels` stays valid until the next
 * vnc_set_mode(); NULL shows a black placeholder. depth is 16 (RGB 565)
 * or 32 (xRGB, blue in the low byte), as fbif defines them. */
struct vnc_mode {
	const void *pixels;
	int width, height;
	int stride;              /* bytes per line */
	int depth;
};

/* Bind the listening socket and set up the server. 0 or -errno (with a
 * log line: which address, which ports were tried). */
int vnc_open(struct vnc **out, const struct vnc_options *o);
void vnc_close(struct vnc *v);

/* Where it listens: the TCP port, and the address as configured. */
int vnc_port(const struct vnc *v);
const char *vnc_listen_addr(const struct vnc *v);

/* Connect the source whose input and viewer counts the server reports. */
void vnc_set_source(struct vnc *v, struct fbsrc *src);

/* Called by the source. vnc_set_mode() refuses (-EINVAL, logged) a mode
 * the server cannot show; the damage rectangle is clipped to the screen. */
int vnc_set_mode(struct vnc *v, const struct vnc_mode *m);
void vnc_damage(struct vnc *v, int x, int y, int w, int h);

/* The descriptors the server waits on (listening socket, viewers). */
int vnc_pollfds(struct vnc *v, struct pollfd *pfd, int cap);
/* After a poll round: accept viewers, read their messages, send updates. */
void vnc_dispatch(struct vnc *v);
/* The number of connected viewers. */
int vnc_viewers(const struct vnc *v);

#endif
