/* A small xenstore client for pvfb-vnc: Xen's wire protocol on xenstored's
 * UNIX socket (xld's, at $XENSTORED_PATH or <rundir>/xenstored/socket),
 * acting as dom0.
 *
 * Requests are synchronous: one request, then its reply is read. Watch
 * events that arrive meanwhile are queued and handed out by
 * xsc_next_event(), which never blocks, so the caller can poll xsc_fd()
 * in its own loop. Errors are negative errno values (the names xenstored
 * sends, -ECONNRESET when it went away, -EPROTO for a garbled message). */
#ifndef VMCTL_PVFB_VNC_XS_CLIENT_H
#define VMCTL_PVFB_VNC_XS_CLIENT_H

#include <stddef.h>

struct xsc;

/* Connect to the socket at `path`. */
int xsc_open(const char *path, struct xsc **out);
void xsc_close(struct xsc *x);
/* The socket, for poll(): readable means watch events may be waiting. */
int xsc_fd(const struct xsc *x);

/* Read `path`: *val is a new NUL-terminated string to free(). */
int xsc_read(struct xsc *x, const char *path, char **val);
/* Read `path` as a decimal number into *v; -EINVAL if it is not one. */
int xsc_read_num(struct xsc *x, const char *path, long long *v);
int xsc_write(struct xsc *x, const char *path, const char *val);
/* printf-style value. */
int xsc_printf(struct xsc *x, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int xsc_rm(struct xsc *x, const char *path);
/* Permissions as text ("n0 r5"). */
int xsc_set_perms(struct xsc *x, const char *path, const char *perms);
/* Watch `path` and its descendants; the first event fires at once. */
int xsc_watch(struct xsc *x, const char *path, const char *token);

/* The next watch event, without blocking: returns 1 and copies the path
 * and token (NUL-terminated, truncated to the capacities), 0 when none is
 * waiting, or a negative errno when the connection failed. */
int xsc_next_event(struct xsc *x, char *path, size_t path_cap, char *token, size_t token_cap);

#endif
