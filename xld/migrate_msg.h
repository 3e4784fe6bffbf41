/* The handshake messages of include/vmctl/migrate.h on a connection:
 * sending one (a few bytes: written at once, bounded by the socket's send
 * timeout) and waiting for the next one on xld's event loop. */
#ifndef VMCTL_XLD_MIGRATE_MSG_H
#define VMCTL_XLD_MIGRATE_MSG_H

#include "vmctl/migrate.h"

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct ev_watch;
struct ev_timer;

/* Send one message; 0 or -errno. */
int migrate_msg_send(int fd, uint16_t type, const void *payload, size_t len);
/* An ERROR message: rc, code and a printf-style text. */
int migrate_msg_send_error(int fd, int rc, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Check a received header and payload: 0, or -EBADMSG / -EPROTONOSUPPORT
 * with a reason in `why`. */
int migrate_msg_check(const struct migrate_msg *m, const void *payload,
		      char *why, size_t cap);

/* "hello", "ready", ... */
const char *migrate_msg_name(unsigned type);

/* Waiting for one message on the event loop. */
struct migrate_chan {
	struct evloop *loop;
	int fd;
	struct ev_watch *watch;
	struct ev_timer *timer;
	size_t have;                      /* bytes of buf received */
	uint8_t buf[sizeof(struct migrate_msg) + MIGRATE_MSG_MAX + 8];
	/* Exactly one of these per wait: a checked message (the payload is
	 * NUL-terminated one byte past len), or a failure with a reason
	 * (the peer closed, timed out, sent garbage). */
	void (*on_msg)(void *arg, const struct migrate_msg *m, const uint8_t *payload);
	void (*on_fail)(void *arg, int rc, const char *why);
	void *arg;
};

/* Wait up to `secs` for the next message. 0 or -errno. */
int migrate_chan_wait(struct migrate_chan *c, unsigned secs);
/* Stop waiting (idempotent; no callback follows). */
void migrate_chan_stop(struct migrate_chan *c);

/* An ERROR message's text as "message" (the payload after the header),
 * and its rc and code. */
void migrate_msg_error(const struct migrate_msg *m, const uint8_t *payload,
		       int *rc, int *code, const char **text);

#endif
