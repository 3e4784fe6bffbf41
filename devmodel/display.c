/* The display socket: one memfd shared with every VNC server, a FRAME
 * message when the picture changed, input messages turned into PS/2. */
#include "devmodel/display.h"

#include "devmodel/dev/i8042.h"
#include "devmodel/dev/vga.h"
#include "devmodel/dm.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_PIXELS (DMDISPLAY_MAX_W * DMDISPLAY_MAX_H)

static void display_send(struct display_client *c, const struct dmdisplay_frame *f, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)f, sizeof(*f) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	/* a server that does not read misses frames; the memory is current */
	sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static struct dmdisplay_frame display_frame(const struct display *d, uint32_t type,
					    uint32_t y0, uint32_t y1)
{
	return (struct dmdisplay_frame){
		.type = type, .seq = d->sh->seq, .width = d->sh->width, .height = d->sh->height,
		.stride = d->sh->stride, .y0 = y0, .y1 = y1,
	};
}

static void client_drop(struct display_client *c)
{
	evloop_unwatch(c->d->loop, c->w);
	close(c->fd);
	c->fd = -1;
	c->w = NULL;
}

/* FBSRC_BTN_* (left 1, middle 2, right 4) to PS/2 (left 1, right 2, middle 4). */
static unsigned ps2_buttons(uint32_t b)
{
	return (b & 1) | (b & 2) << 1 | (b & 4) >> 1;
}

void display_input(struct display *d, struct display_client *c, const struct dmdisplay_input *in)
{
	if (!d->kbd)
		return;
	if (in->type == DMDISPLAY_KEY) {
		i8042_key(d->kbd, in->code, in->value != 0);
	} else if (in->type == DMDISPLAY_POINTER) {
		i8042_mouse(d->kbd, in->x - c->last_x, in->y - c->last_y, in->dz,
			    ps2_buttons(in->buttons));
		c->last_x = in->x;
		c->last_y = in->y;
	}
}

static void client_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct display_client *c = arg;
	struct dmdisplay_input in;
	ssize_t n = recv(fd, &in, sizeof(in), MSG_DONTWAIT);

	(void)loop;
	(void)events;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		client_drop(c);
		return;
	}
	if (n == (ssize_t)sizeof(in))
		display_input(c->d, c, &in);
}

static void display_accept(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct display *d = arg;
	struct dmdisplay_frame hello = display_frame(d, DMDISPLAY_HELLO, 0, d->sh->height);
	int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	(void)events;
	if (cfd < 0)
		return;
	for (unsigned i = 0; i < DISPLAY_MAX_CLIENTS; i++) {
		struct display_client *c = &d->client[i];

		if (c->fd >= 0)
			continue;
		*c = (struct display_client){ .fd = cfd, .d = d };
		c->w = evloop_watch(loop, cfd, EPOLLIN, client_readable, c);
		display_send(c, &hello, d->memfd);
		return;
	}
	log_warn("display: more than %d servers, refused", DISPLAY_MAX_CLIENTS);
	close(cfd);
}

/* Copy the lines that differ into the shared picture; [y0, y1) of them. */
static bool display_publish(struct display *d, uint32_t w, uint32_t h, uint32_t *y0, uint32_t *y1)
{
	bool resized = w != d->last_w || h != d->last_h;

	*y0 = h;
	*y1 = 0;
	for (uint32_t y = 0; y < h; y++) {
		uint32_t *src = d->scratch + (uint64_t)y * w, *dst = d->fb + (uint64_t)y * w;

		if (!resized && memcmp(src, dst, (size_t)w * 4) == 0)
			continue;
		memcpy(dst, src, (size_t)w * 4);
		*y0 = MIN(*y0, y);
		*y1 = y + 1;
	}
	d->last_w = w;
	d->last_h = h;
	d->sh->width = w;
	d->sh->height = h;
	d->sh->stride = w * 4;
	return resized || *y1 > *y0;
}

int display_update(struct display *d)
{
	uint32_t w = 0, h = 0, y0, y1;
	struct dmdisplay_frame f;

	if (!d->vga)
		return 0;
	vga_dirty_poll(d->vga);
	if (d->vga->writes == d->rendered_writes)
		return 0;
	d->rendered_writes = d->vga->writes;
	vga_render(d->vga, d->scratch, DMDISPLAY_MAX_W * 4, DMDISPLAY_MAX_W, DMDISPLAY_MAX_H, &w, &h);
	/* the scratch picture is packed: re-pack it at its own width */
	for (uint32_t y = 1; y < h; y++)
		memmove(d->scratch + (uint64_t)y * w, d->scratch + (uint64_t)y * DMDISPLAY_MAX_W,
			(size_t)w * 4);
	if (!display_publish(d, w, h, &y0, &y1))
		return 0;
	__atomic_add_fetch(&d->sh->seq, 1, __ATOMIC_RELEASE);
	f = display_frame(d, DMDISPLAY_FRAME, y0 < y1 ? y0 : 0, y0 < y1 ? y1 : h);
	for (unsigned i = 0; i < DISPLAY_MAX_CLIENTS; i++)
		if (d->client[i].fd >= 0)
			display_send(&d->client[i], &f, -1);
	return 1;
}

static void display_tick(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct display *d = arg;

	(void)loop;
	(void)t;
	if (__atomic_load_n(&d->sh->viewers, __ATOMIC_RELAXED))
		display_update(d);
}

static int display_listen(struct display *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	unlink(path);
	d->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (d->listen_fd < 0 || bind(d->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(d->listen_fd, 4) < 0)
		return -errno;
	d->path = strdup(path);
	d->listen_w = evloop_watch(d->loop, d->listen_fd, EPOLLIN, display_accept, d);
	return d->listen_w ? 0 : -ENOMEM;
}

int display_open(struct display *d, struct dm *dm, struct evloop *loop, const char *path)
{
	void *p;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	d->memfd = d->listen_fd = -1;
	for (unsigned i = 0; i < DISPLAY_MAX_CLIENTS; i++)
		d->client[i].fd = -1;
	d->dm = dm;
	d->loop = loop;
	d->vga = dm_device(dm, "vga");
	d->kbd = dm_device(dm, "i8042");
	d->memfd = memfd_create("dm-display", MFD_CLOEXEC);
	if (d->memfd < 0 || ftruncate(d->memfd, DMDISPLAY_BYTES) < 0)
		return -errno;
	p = mmap(NULL, DMDISPLAY_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, 0);
	d->scratch = malloc((size_t)MAX_PIXELS * 4);
	if (p == MAP_FAILED || !d->scratch)
		return -ENOMEM;
	d->sh = p;
	*d->sh = (struct dmdisplay_shared){ .magic = DMDISPLAY_MAGIC, .version = DMDISPLAY_VERSION,
					    .fb_offset = DMDISPLAY_FB_OFFSET,
					    .fb_bytes = MAX_PIXELS * 4 };
	d->fb = (uint32_t *)(void *)((uint8_t *)p + DMDISPLAY_FB_OFFSET);
	d->rendered_writes = ~0ull;
	if (path)
		rc = display_listen(d, path);
	if (rc == 0 && loop) {
		uint64_t ns = DISPLAY_PERIOD_MS * 1000000ull;

		d->timer = evloop_timer(loop, ns, ns, display_tick, d);
		rc = d->timer ? 0 : -ENOMEM;
	}
	if (rc < 0)
		log_error("display %s: %s", path ? path : "", strerror(-rc));
	return rc;
}

void display_close(struct display *d)
{
	for (unsigned i = 0; i < DISPLAY_MAX_CLIENTS; i++)
		if (d->client[i].fd >= 0)
			client_drop(&d->client[i]);
	if (d->timer)
		evloop_timer_cancel(d->loop, d->timer);
	if (d->listen_w)
		evloop_unwatch(d->loop, d->listen_w);
	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (d->path) {
		unlink(d->path);   /* refused inside the sandbox: xld removes it */
		free(d->path);
	}
	if (d->sh)
		munmap(d->sh, DMDISPLAY_BYTES);
	if (d->memfd >= 0)
		close(d->memfd);
	free(d->scratch);
	memset(d, 0, sizeof(*d));
	d->memfd = d->listen_fd = -1;
}
