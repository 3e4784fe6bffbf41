/* The HVM source: the device model's display socket (see src_dmdisplay.h).
 * The device model is not trusted more than a guest: the memfd's size and
 * every geometry it sends are checked before the picture is shown. */
#include "pvfb-vnc/src_dmdisplay.h"
#include "pvfb-vnc/fbsrc.h"
#include "pvfb-vnc/vnc.h"
#include "common/log.h"

#include <vmctl/dmdisplay.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define HELLO_WAIT_MS 5000

struct dmdisplay {
	struct fbsrc src;
	int fd;                         /* the SEQPACKET connection */
	struct dmdisplay_shared *sh;    /* the memfd, DMDISPLAY_BYTES */
	struct vnc_mode mode;           /* what the server shows now */
	struct dmdisplay_frame pending; /* HELLO's geometry, shown at first dispatch */
	bool have_pending;
};

static struct dmdisplay *dd_of(struct fbsrc *s)
{
	return (struct dmdisplay *)s;
}

/* A geometry from the device model that fits the mapped picture. */
static bool frame_fits(const struct dmdisplay_frame *f)
{
	return f->width <= DMDISPLAY_MAX_W && f->height <= DMDISPLAY_MAX_H &&
	       f->stride >= f->width * 4u && f->stride <= DMDISPLAY_MAX_W * 4u &&
	       (uint64_t)f->stride * f->height <= DMDISPLAY_BYTES - DMDISPLAY_FB_OFFSET;
}

/* Show a frame: a new mode when the geometry changed, then its lines. */
static void frame_show(struct dmdisplay *d, const struct dmdisplay_frame *f)
{
	struct vnc_mode m = { NULL, (int)f->width, (int)f->height, (int)f->stride, 32 };

	if (!frame_fits(f)) {
		log_warn("display: refusing a frame of %ux%u, %u bytes a line", f->width,
			 f->height, f->stride);
		return;
	}
	if (f->width && f->height)
		m.pixels = (const char *)d->sh + DMDISPLAY_FB_OFFSET;
	if (m.pixels != d->mode.pixels || m.width != d->mode.width ||
	    m.height != d->mode.height || m.stride != d->mode.stride) {
		if (vnc_set_mode(d->src.vnc, &m) == 0)
			d->mode = m;
		return;   /* a new mode is sent whole */
	}
	if (m.pixels && f->y0 < f->y1)
		vnc_damage(d->src.vnc, 0, (int)f->y0, m.width, (int)(f->y1 - f->y0));
}

static int src_pollfds(struct fbsrc *s, struct pollfd *pfd, int cap)
{
	if (cap < 1)
		return 0;
	pfd[0] = (struct pollfd){ .fd = dd_of(s)->fd, .events = POLLIN };
	return 1;
}

/* Take every message waiting. The device model gone is an error (not
 * -ENODEV): xld restarts us, and we find its next incarnation. */
static int src_dispatch(struct fbsrc *s)
{
	struct dmdisplay *d = dd_of(s);
	struct dmdisplay_frame f;

	if (d->have_pending) {
		d->have_pending = false;
		frame_show(d, &d->pending);
	}
	for (;;) {
		ssize_t n = recv(d->fd, &f, sizeof(f), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			log_error("display: the device model went away");
			return -EPIPE;
		}
		if (n == (ssize_t)sizeof(f) && f.type == DMDISPLAY_FRAME)
			frame_show(d, &f);
	}
}

static int src_timeout(struct fbsrc *s)
{
	return dd_of(s)->have_pending ? 0 : -1;
}

static void send_input(struct dmdisplay *d, const struct dmdisplay_input *in)
{
	/* a full socket drops the event, as a busy PS/2 line would */
	if (send(d->fd, in, sizeof(*in), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_warn("display: input dropped: %s", strerror(errno));
}

static void src_key(struct fbsrc *s, uint32_t keycode, bool down)
{
	struct dmdisplay_input in = { .type = DMDISPLAY_KEY, .code = keycode, .value = down };

	send_input(dd_of(s), &in);
}

static void src_pointer(struct fbsrc *s, int x, int y, int dz, unsigned buttons)
{
	struct dmdisplay_input in = { .type = DMDISPLAY_POINTER, .x = x, .y = y, .dz = dz,
				      .buttons = buttons };

	send_input(dd_of(s), &in);
}

/* The device model renders only while someone looks. */
static void src_viewers(struct fbsrc *s, int count)
{
	__atomic_store_n(&dd_of(s)->sh->viewers, count > 0 ? (uint32_t)count : 0,
			 __ATOMIC_RELEASE);
}

static void dd_free(struct dmdisplay *d)
{
	if (d->sh) {
		__atomic_store_n(&d->sh->viewers, 0, __ATOMIC_RELEASE);
		munmap(d->sh, DMDISPLAY_BYTES);
	}
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

static void src_close(struct fbsrc *s)
{
	dd_free(dd_of(s));
}

static const struct fbsrc_ops dmdisplay_ops = {
	.name = "dmdisplay",
	.pollfds = src_pollfds,
	.dispatch = src_dispatch,
	.timeout = src_timeout,
	.key = src_key,
	.pointer = src_pointer,
	.viewers = src_viewers,
	.close = src_close,
};

static int dd_connect(struct dmdisplay *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	d->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (d->fd < 0 || connect(d->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* The memfd in the HELLO's SCM_RIGHTS, or -1. */
static int hello_fd(struct msghdr *msg)
{
	int fd = -1;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len >= CMSG_LEN(sizeof(int))) {
			if (fd >= 0)
				close(fd);
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		}
	return fd;
}

/* Wait for the HELLO, check and map its memfd. */
static int dd_hello(struct dmdisplay *d)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec iov = { &d->pending, sizeof(d->pending) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	struct stat st;
	ssize_t n;
	void *p;
	int fd, rc = 0;

	if (poll(&pfd, 1, HELLO_WAIT_MS) != 1)
		return -ETIMEDOUT;
	n = recvmsg(d->fd, &msg, MSG_CMSG_CLOEXEC);
	fd = n < 0 ? -1 : hello_fd(&msg);
	if (n != (ssize_t)sizeof(d->pending) || d->pending.type != DMDISPLAY_HELLO || fd < 0) {
		rc = n < 0 ? -errno : -EPROTO;
		goto out;
	}
	if (fstat(fd, &st) < 0 || st.st_size < (off_t)DMDISPLAY_BYTES) {
		rc = -EPROTO;   /* a short memfd would fault us */
		goto out;
	}
	p = mmap(NULL, DMDISPLAY_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	d->sh = p;
	if (d->sh->magic != DMDISPLAY_MAGIC || d->sh->version != DMDISPLAY_VERSION ||
	    d->sh->fb_offset != DMDISPLAY_FB_OFFSET)
		rc = -EPROTO;
	d->have_pending = true;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int dmdisplay_open(struct fbsrc **out, const char *rundir, uint32_t domid)
{
	struct dmdisplay *d = calloc(1, sizeof(*d));
	char path[256];
	int rc;

	if (!d)
		return -ENOMEM;
	d->fd = -1;
	d->src.ops = &dmdisplay_ops;
	snprintf(path, sizeof(path), "%s/devmodel.%u.display", rundir, domid);
	rc = dd_connect(d, path);
	if (rc == 0)
		rc = dd_hello(d);
	if (rc < 0) {
		log_error("display %s: %s", path, strerror(-rc));
		dd_free(d);
		return rc;
	}
	*out = &d->src;
	return 0;
}
