/* The RFB server: a listening socket of ours, libvncserver for the protocol. */
#include "pvfb-vnc/vnc.h"
#include "pvfb-vnc/fbsrc.h"
#include "pvfb-vnc/keymap.h"
#include "common/log.h"
#include "common/util.h"

#include <rfb/rfb.h>

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define VNC_PORT_BASE 5900
#define PORT_TRIES 100          /* vncunused: how far to look for a free port */
#define VIEWERS_MAX 16          /* more connections are refused at once */
#define BLANK_W 640
#define BLANK_H 480
#define MODE_MAX 8192           /* pixels, either way */

struct vnc {
	rfbScreenInfoPtr screen;
	struct fbsrc *src;
	int listen_fd;
	int port;
	char listen[256];
	char *passwords[2];     /* rfbCheckPasswordByList's NULL-terminated list */
	char *name;             /* the desktop name libvncserver points to */
	uint32_t *blank;
	int viewers;
	int last_mask;          /* RFB button mask of the last pointer event */
	struct vnc_mode mode;
};

/* ---- listening --------------------------------------------------------- */

/* "host", "host:display", "[v6]:display" or a bare IPv6 address. */
static void split_listen(const char *spec, char *host, size_t cap, int *display)
{
	const char *colon = strrchr(spec, ':');
	size_t n = strlen(spec);

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		n = end ? (size_t)(end - spec - 1) : n - 1;
		spec++;
		colon = end && end[1] == ':' ? end + 1 : NULL;
	} else if (colon && strchr(spec, ':') != colon) {
		colon = NULL;               /* several colons: an IPv6 address */
	} else if (colon) {
		n = (size_t)(colon - spec);
	}
	snprintf(host, cap, "%.*s", (int)MIN(n, cap - 1), spec);
	if (colon && colon[1])
		*display = atoi(colon + 1);
}

static int try_bind(const struct addrinfo *ai, int port)
{
	struct sockaddr_storage sa;
	int one = 1, fd, rc = 0;

	memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
	if (sa.ss_family == AF_INET)
		((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) < 0 || listen(fd, 8) < 0)
		rc = -errno;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

static int listen_open(struct vnc *v, const struct vnc_options *o)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo *ai = NULL;
	int display = o->display, tries, fd = -EADDRINUSE, port;
	int r;

	split_listen(o->listen && *o->listen ? o->listen : "127.0.0.1", v->listen,
		     sizeof(v->listen), &display);
	r = getaddrinfo(v->listen, NULL, &hints, &ai);
	if (r != 0) {
		log_error("vnclisten %s: %s", v->listen, gai_strerror(r));
		return -EINVAL;
	}
	if (display < 0 || display > 65535 - VNC_PORT_BASE) {
		log_error("vncdisplay %d is out of range", display);
		freeaddrinfo(ai);
		return -EINVAL;
	}
	tries = o->find_unused ? PORT_TRIES : 1;
	for (port = VNC_PORT_BASE + display; tries-- > 0 && port <= 65535; port++) {
		fd = try_bind(ai, port);
		if (fd >= 0 || fd != -EADDRINUSE)
			break;
	}
	freeaddrinfo(ai);
	if (fd < 0) {
		log_error("cannot listen on %s port %d%s: %s", v->listen, VNC_PORT_BASE + display,
			  o->find_unused ? " or the next ones" : "", strerror(-fd));
		return fd;
	}
	v->listen_fd = fd;
	v->port = port;
	return 0;
}

/* ---- pixel formats -------------------------------------------------------- */

/* fbif's layouts: xRGB with blue in the low bits (32), RGB 565 (16). */
static void set_format(struct vnc *v, int depth)
{
	rfbPixelFormat *f = &v->screen->serverFormat;
	rfbClientIteratorPtr it;
	rfbClientPtr cl;

	f->trueColour = TRUE;
	f->bigEndian = FALSE;
	if (depth == 16) {
		f->bitsPerPixel = 16, f->depth = 16;
		f->redMax = 31, f->greenMax = 63, f->blueMax = 31;
		f->redShift = 11, f->greenShift = 5, f->blueShift = 0;
	} else {
		f->bitsPerPixel = 32, f->depth = 24;
		f->redMax = f->greenMax = f->blueMax = 255;
		f->redShift = 16, f->greenShift = 8, f->blueShift = 0;
	}
	/* Viewers translate from the server's format: redo their tables. */
	it = rfbGetClientIterator(v->screen);
	while ((cl = rfbClientIteratorNext(it)))
		v->screen->setTranslateFunction(cl);
	rfbReleaseClientIterator(it);
}

static int mode_check(const struct vnc_mode *m)
{
	if (m->depth != 16 && m->depth != 32)
		return -EINVAL;
	if (m->width < 1 || m->height < 1 || m->width > MODE_MAX || m->height > MODE_MAX)
		return -EINVAL;
	if (m->stride < m->width * (m->depth / 8))
		return -EINVAL;
	return 0;
}

int vnc_set_mode(struct vnc *v, const struct vnc_mode *m)
{
	struct vnc_mode blank = { v->blank, BLANK_W, BLANK_H, BLANK_W * 4, 32 };
	rfbScreenInfoPtr s = v->screen;
	int bpp;

	if (!m->pixels)
		m = &blank;
	if (mode_check(m) < 0) {
		log_error("refusing the mode %dx%d, %d bpp, %d bytes a line", m->width, m->height,
			  m->depth, m->stride);
		return -EINVAL;
	}
	bpp = m->depth / 8;
	if (m->width == s->width && m->height == s->height && m->depth == v->mode.depth) {
		s->frameBuffer = (char *)m->pixels; /* same geometry: no NewFBSize */
	} else {
		rfbNewFramebuffer(s, (char *)m->pixels, m->width, m->height, m->depth == 16 ? 5 : 8,
				  3, bpp);
		set_format(v, m->depth);
	}
	s->paddedWidthInBytes = m->stride;
	v->mode = *m;
	rfbMarkRectAsModified(s, 0, 0, m->width, m->height);
	log_info("showing %dx%d, %d bpp, %d bytes a line%s", m->width, m->height, m->depth,
		 m->stride, m == &blank ? " (no framebuffer yet)" : "");
	return 0;
}

void vnc_damage(struct vnc *v, int x, int y, int w, int h)
{
	/* The guest's numbers: 64-bit sums cannot overflow. */
	long long x1 = MAX(x, 0), y1 = MAX(y, 0);
	long long x2 = MIN((long long)x + w, v->screen->width);
	long long y2 = MIN((long long)y + h, v->screen->height);

	if (x1 < x2 && y1 < y2)
		rfbMarkRectAsModified(v->screen, (int)x1, (int)y1, (int)x2, (int)y2);
}

/* ---- viewers ----------------------------------------------------------- */

static void on_key(rfbBool down, rfbKeySym sym, rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	uint32_t code = keymap_lookup((uint32_t)sym);

	if (!code)
		log_debug("keysym 0x%x has no key", (unsigned)sym);
	else if (v->src)
		v->src->ops->key(v->src, code, down);
}

/* RFB buttons: 1 left, 2 middle, 4 right, 8 wheel up, 16 wheel down. */
static void on_pointer(int mask, int x, int y, rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;
	unsigned buttons = 0;
	int dz = 0;

	buttons |= mask & 1 ? FBSRC_BTN_LEFT : 0;
	buttons |= mask & 2 ? FBSRC_BTN_MIDDLE : 0;
	buttons |= mask & 4 ? FBSRC_BTN_RIGHT : 0;
	dz -= (mask & 8) && !(v->last_mask & 8);   /* a wheel step is a press */
	dz += (mask & 16) && !(v->last_mask & 16);
	v->last_mask = mask;
	if (v->src)
		v->src->ops->pointer(v->src, x, y, dz, buttons);
}

static void viewers_changed(struct vnc *v, int delta)
{
	v->viewers += delta;
	if (v->src)
		v->src->ops->viewers(v->src, v->viewers);
}

static void on_client_gone(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;

	log_info("viewer %s left", cl->host ? cl->host : "?");
	viewers_changed(v, -1);
}

/* VNC authentication, logged: a guessing viewer leaves a trace. */
static rfbBool check_password(rfbClientPtr cl, const char *response, int len)
{
	rfbBool ok = rfbCheckPasswordByList(cl, response, len);

	if (!ok)
		log_warn("viewer %s gave a wrong password", cl->host ? cl->host : "?");
	return ok;
}

static enum rfbNewClientAction on_new_client(rfbClientPtr cl)
{
	struct vnc *v = cl->screen->screenData;

	log_info("viewer %s connected", cl->host ? cl->host : "?");
	cl->clientGoneHook = on_client_gone;
	viewers_changed(v, +1);
	return RFB_CLIENT_ACCEPT;
}

static void accept_viewers(struct vnc *v)
{
	for (;;) {
		int fd = accept4(v->listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (v->viewers >= VIEWERS_MAX) {
			log_warn("too many viewers (%d): refusing one", v->viewers);
			close(fd);
			continue;
		}
		if (!rfbNewClient(v->screen, fd))
			close(fd);
	}
}

int vnc_pollfds(struct vnc *v, struct pollfd *pfd, int cap)
{
	rfbClientIteratorPtr it;
	rfbClientPtr cl;
	int n = 0;

	if (n < cap)
		pfd[n++] = (struct pollfd){ .fd = v->listen_fd, .events = POLLIN };
	it = rfbGetClientIterator(v->screen);
	while ((cl = rfbClientIteratorNext(it)) && n < cap)
		if (cl->sock >= 0)
			pfd[n++] = (struct pollfd){ .fd = cl->sock, .events = POLLIN };
	rfbReleaseClientIterator(it);
	return n;
}

void vnc_dispatch(struct vnc *v)
{
	accept_viewers(v);
	/* Reads what viewers sent and sends what changed; never waits. */
	rfbProcessEvents(v->screen, 0);
}

int vnc_viewers(const struct vnc *v)
{
	return v->viewers;
}

/* ---- set-up ------------------------------------------------------------ */

/* libvncserver's own messages: its chatter is debug, its errors warnings. */
static void rfb_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void rfb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void rfb_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_DEBUG, fmt, ap);
	va_end(ap);
}

static void rfb_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_WARN, fmt, ap);
	va_end(ap);
}

static void screen_configure(struct vnc *v, const struct vnc_options *o)
{
	rfbScreenInfoPtr s = v->screen;

	s->screenData = v;
	s->port = 0;                 /* we listen ourselves */
	s->ipv6port = 0;
	s->autoPort = FALSE;
	s->httpPort = 0;
	s->http6Port = 0;
	s->httpDir = NULL;
	s->cursor = NULL;            /* never draw into the guest's memory */
	s->alwaysShared = TRUE;      /* several viewers may look at once */
	s->deferUpdateTime = 0;      /* latency first: updates go out at once */
	s->handleEventsEagerly = TRUE;
	s->maxClientWait = 2000;     /* a viewer that stops reading is dropped */
	s->permitFileTransfer = FALSE;
	s->ignoreSIGPIPE = TRUE;
	s->kbdAddEvent = on_key;
	s->ptrAddEvent = on_pointer;
	s->newClientHook = on_new_client;
	s->desktopName = v->name;
	if (o->password && *o->password) {
		v->passwords[0] = strdup(o->password);
		s->authPasswdData = v->passwords;
		s->passwordCheck = check_password;
	}
}

int vnc_open(struct vnc **out, const struct vnc_options *o)
{
	char arg0[] = "pvfb-vnc", *argv[] = { arg0, NULL };
	int argc = 1, rc;
	struct vnc *v = calloc(1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	rfbLog = rfb_log;
	rfbErr = rfb_err;
	v->listen_fd = -1;
	v->blank = calloc(BLANK_W * BLANK_H, 4);
	v->name = strdup(o->name ? o->name : "vmctl");
	rc = v->blank && v->name ? listen_open(v, o) : -ENOMEM;
	if (rc < 0)
		goto out;
	v->screen = rfbGetScreen(&argc, argv, BLANK_W, BLANK_H, 8, 3, 4);
	if (!v->screen) {
		rc = -ENOMEM;
		goto out;
	}
	screen_configure(v, o);
	if (o->password && *o->password && !v->passwords[0]) {
		rc = -ENOMEM;
		goto out;
	}
	rfbInitServer(v->screen);
	v->screen->frameBuffer = (char *)v->blank;
	set_format(v, 32);
	v->mode = (struct vnc_mode){ v->blank, BLANK_W, BLANK_H, BLANK_W * 4, 32 };
	log_info("VNC server on %s port %d%s", v->listen, v->port,
		 v->passwords[0] ? " (password set)" : "");
	*out = v;
	return 0;
out:
	vnc_close(v);
	return rc;
}

void vnc_close(struct vnc *v)
{
	if (!v)
		return;
	if (v->screen) {
		rfbShutdownServer(v->screen, TRUE);
		rfbScreenCleanup(v->screen);
	}
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	if (v->passwords[0]) {
		explicit_bzero(v->passwords[0], strlen(v->passwords[0]));
		free(v->passwords[0]);
	}
	free(v->blank);
	free(v->name);
	free(v);
}

int vnc_port(const struct vnc *v)
{
	return v->port;
}

const char *vnc_listen_addr(const struct vnc *v)
{
	return v->listen;
}

void vnc_set_source(struct vnc *v, struct fbsrc *src)
{
	v->src = src;
	src->vnc = v;
}
