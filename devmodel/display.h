/* The VGA's picture and the PS/2 input for a VNC server, over
 * $rundir/devmodel.<domid>.display (protocol: include/vmctl/dmdisplay.h).
 * Up to DISPLAY_MAX_CLIENTS servers at once; the picture is rendered
 * every DISPLAY_PERIOD_MS while someone looks and the VGA changed. */
#ifndef VMCTL_DEVMODEL_DISPLAY_H
#define VMCTL_DEVMODEL_DISPLAY_H

#include "vmctl/dmdisplay.h"

#include <stdint.h>

#define DISPLAY_MAX_CLIENTS 4
#define DISPLAY_PERIOD_MS   33

struct dm;
struct vga;
struct i8042;
struct evloop;
struct ev_watch;
struct ev_timer;

struct display {
	struct dm *dm;
	struct vga *vga;           /* NULL: no VGA, input only */
	struct i8042 *kbd;
	struct evloop *loop;
	int memfd, listen_fd;
	struct dmdisplay_shared *sh;
	uint32_t *fb;              /* the shared pixels */
	uint32_t *scratch;         /* the next picture, compared line by line */
	char *path;
	struct ev_watch *listen_w;
	struct ev_timer *timer;
	struct display_client {
		int fd;
		struct ev_watch *w;
		int last_x, last_y;
		struct display *d;
	} client[DISPLAY_MAX_CLIENTS];
	uint64_t rendered_writes;
	uint32_t last_w, last_h;
};

/* Listen at `path` (NULL: no socket, for tests) and start the timer. */
int display_open(struct display *d, struct dm *dm, struct evloop *loop, const char *path);
/* Render now; returns true when the picture changed (tests, the timer). */
int display_update(struct display *d);
/* Feed one input message as if a server sent it. */
void display_input(struct display *d, struct display_client *c, const struct dmdisplay_input *in);
void display_close(struct display *d);

#endif
