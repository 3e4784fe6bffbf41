/* pvfb-vnc's xenstore client: synchronous requests, queued watch events. */
#include <errno.h>

#include "pvfb-vnc/xs_client.h"
#include "vmctl/xen/io/xs_wire.h"
#include "common/util.h"

#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define EVENTS_MAX 256   /* a client that never looks loses the oldest */

struct xsc_event {
	char *path, *token;
	struct xsc_event *next;
};

struct xsc {
	int fd;
	uint32_t req_id;
	struct xsc_event *head, **tail;
	unsigned queued;
};

int xsc_open(const char *path, struct xsc **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct xsc *x;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->tail = &x->head;
	x->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (x->fd < 0 || connect(x->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int rc = -errno;
		xsc_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

static void event_free(struct xsc_event *e)
{
	free(e->path);
	free(e->token);
	free(e);
}

static void event_pop(struct xsc *x)
{
	struct xsc_event *e = x->head;

	x->head = e->next;
	if (!x->head)
		x->tail = &x->head;
	x->queued--;
	event_free(e);
}

void xsc_close(struct xsc *x)
{
	if (!x)
		return;
	while (x->head)
		event_pop(x);
	if (x->fd >= 0)
		close(x->fd);
	free(x);
}

int xsc_fd(const struct xsc *x)
{
	return x->fd;
}

/* A WATCH_EVENT payload is "path\0token\0". */
static void event_queue(struct xsc *x, const char *body, size_t len)
{
	size_t plen = strnlen(body, len);
	struct xsc_event *e;

	if (plen + 1 >= len)
		return; /* no token: malformed, ignore */
	e = calloc(1, sizeof(*e));
	if (!e)
		return;
	e->path = strdup(body);
	e->token = strndup(body + plen + 1, len - plen - 1);
	if (!e->path || !e->token) {
		event_free(e);
		return;
	}
	if (x->queued == EVENTS_MAX)
		event_pop(x);
	*x->tail = e;
	x->tail = &e->next;
	x->queued++;
}

/* One whole message; body gets len bytes plus a NUL. */
static int msg_read(struct xsc *x, struct xsd_sockmsg *h, char *body)
{
	int rc = read_all(x->fd, h, sizeof(*h));

	if (rc == 0 && h->len > XENSTORE_PAYLOAD_MAX)
		rc = -EPROTO;
	if (rc == 0)
		rc = read_all(x->fd, body, h->len);
	if (rc == -EPIPE)
		rc = -ECONNRESET;
	if (rc == 0)
		body[h->len] = '\0';
	return rc;
}

static int error_code(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(xsd_errors); i++)
		if (strcmp(xsd_errors[i].errstring, name) == 0)
			return -xsd_errors[i].errnum;
	return -EINVAL;
}

/* Send a request made of `n` NUL-terminated-or-not parts; wait for its
 * reply (queueing watch events). The reply body goes to *reply (may be
 * NULL) as a new string. */
static int request(struct xsc *x, uint32_t type, const char *const *parts, const size_t *lens,
		   int n, char **reply)
{
	struct xsd_sockmsg h = { .type = type, .req_id = ++x->req_id };
	char *body = NULL;
	int rc = 0;

	for (int i = 0; i < n; i++)
		h.len += (uint32_t)lens[i];
	if (h.len > XENSTORE_PAYLOAD_MAX)
		return -E2BIG;
	rc = write_all(x->fd, &h, sizeof(h));
	for (int i = 0; rc == 0 && i < n; i++)
		rc = write_all(x->fd, parts[i], lens[i]);
	body = malloc(XENSTORE_PAYLOAD_MAX + 1);
	if (rc == 0 && !body)
		rc = -ENOMEM;
	while (rc == 0) {
		rc = msg_read(x, &h, body);
		if (rc < 0)
			break;
		if (h.type == XS_WATCH_EVENT) {
			event_queue(x, body, h.len);
			continue;
		}
		if (h.req_id != x->req_id)
			continue; /* a stale reply: not ours */
		if (h.type == XS_ERROR)
			rc = error_code(body);
		else if (reply)
			*reply = strndup(body, h.len), rc = *reply ? 0 : -ENOMEM;
		break;
	}
	free(body);
	return rc;
}

int xsc_read(struct xsc *x, const char *path, char **val)
{
	const char *parts[] = { path };
	size_t lens[] = { strlen(path) + 1 };

	*val = NULL;
	return request(x, XS_READ, parts, lens, 1, val);
}

int xsc_read_num(struct xsc *x, const char *path, long long *v)
{
	char *s, *end;
	int rc = xsc_read(x, path, &s);

	if (rc < 0)
		return rc;
	errno = 0;
	*v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		rc = -EINVAL;
	free(s);
	return rc;
}

int xsc_write(struct xsc *x, const char *path, const char *val)
{
	const char *parts[] = { path, val };
	size_t lens[] = { strlen(path) + 1, strlen(val) };

	return request(x, XS_WRITE, parts, lens, 2, NULL);
}

int xsc_printf(struct xsc *x, const char *path, const char *fmt, ...)
{
	char val[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return -E2BIG;
	return xsc_write(x, path, val);
}

int xsc_rm(struct xsc *x, const char *path)
{
	const char *parts[] = { path };
	size_t lens[] = { strlen(path) + 1 };

	return request(x, XS_RM, parts, lens, 1, NULL);
}

/* SET_PERMS: the path, then each permission NUL-terminated. */
int xsc_set_perms(struct xsc *x, const char *path, const char *perms)
{
	char buf[256];
	size_t n = strlen(perms);

	if (n + 1 > sizeof(buf))
		return -E2BIG;
	memcpy(buf, perms, n + 1);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == ' ')
			buf[i] = '\0';
	const char *parts[] = { path, buf };
	size_t lens[] = { strlen(path) + 1, n + 1 };
	return request(x, XS_SET_PERMS, parts, lens, 2, NULL);
}

int xsc_watch(struct xsc *x, const char *path, const char *token)
{
	const char *parts[] = { path, token };
	size_t lens[] = { strlen(path) + 1, strlen(token) + 1 };

	return request(x, XS_WATCH, parts, lens, 2, NULL);
}

static void copy_out(char *dst, size_t cap, const char *src)
{
	if (cap) {
		strncpy(dst, src, cap - 1);
		dst[cap - 1] = '\0';
	}
}

int xsc_next_event(struct xsc *x, char *path, size_t path_cap, char *token, size_t token_cap)
{
	struct pollfd p = { .fd = x->fd, .events = POLLIN };

	/* Whatever has arrived goes to the queue first, in order. */
	while (!x->head && poll(&p, 1, 0) == 1) {
		struct xsd_sockmsg h;
		char body[XENSTORE_PAYLOAD_MAX + 1];
		int rc;

		if (p.revents & (POLLHUP | POLLERR) && !(p.revents & POLLIN))
			return -ECONNRESET;
		rc = msg_read(x, &h, body);
		if (rc < 0)
			return rc;
		if (h.type == XS_WATCH_EVENT)
			event_queue(x, body, h.len);
	}
	if (!x->head)
		return 0;
	copy_out(path, path_cap, x->head->path);
	copy_out(token, token_cap, x->head->token);
	event_pop(x);
	return 1;
}
