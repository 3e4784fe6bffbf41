/* xenbus: the guest's xenstore client over the shared ring in start_info
 * (io/xs_wire.h).  Requests are synchronous (one outstanding at a time: the
 * caller waits for its reply); watch events are queued by the receiver and
 * delivered to their callbacks from the main loop (xenbus_poll). */
#ifndef GUEST_XENBUS_H
#define GUEST_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "vmctl/xen/io/xs_wire.h"

struct kernel;

typedef uint32_t xenbus_tx_t;	/* 0: no transaction */
#define XBT_NIL 0

#define XENBUS_PATH_MAX 256
#define XENBUS_EVENTS 32

struct xenbus_watch {
	char path[XENBUS_PATH_MAX];
	char token[16];
	void (*fn)(struct kernel *k, struct xenbus_watch *w, const char *path);
	void *arg;
	struct xenbus_watch *next;
	bool registered;
};

struct xenbus_event {
	char path[XENBUS_PATH_MAX];
	char token[16];
};

struct xenbus {
	struct xenstore_domain_interface *ring;
	struct xenstore_domain_interface *saved_ring;	/* while suspended */
	uint32_t port;
	uint32_t next_id;
	/* receiver: a message may be longer than the ring, so it is
	 * assembled as it arrives */
	struct xsd_sockmsg hdr;
	uint32_t got;
	char body[XENSTORE_PAYLOAD_MAX + 1];
	/* the one outstanding request */
	bool waiting, done;
	uint32_t wait_id;
	uint64_t timeout_ns;		/* per request; 0 = the default */
	int reply_rc;			/* reply length, or -errno from XS_ERROR */
	char *reply;
	size_t reply_size;
	/* watches and their queued events */
	struct xenbus_watch *watches;
	unsigned int watch_seq;
	struct xenbus_event events[XENBUS_EVENTS];
	unsigned int ev_head, ev_tail;
	uint64_t ev_gen;		/* bumped for every event received */
	uint64_t ev_dropped;
	uint64_t requests;
};

/* Connect to the ring and event channel named in start_info and check that
 * xenstored answers within timeout_ns (-ETIMEDOUT: running without it). */
int xenbus_init(struct kernel *k, uint64_t timeout_ns);

/* Before suspend: stop using the ring.  After resume in a new domain:
 * reconnect to the (possibly new) ring and register every watch again;
 * after a cancelled suspend: carry on with the old ring. */
void xenbus_suspend(struct kernel *k);
int xenbus_resume(struct kernel *k);
void xenbus_resume_cancelled(struct kernel *k);

/* Read a node's value into buf (always NUL-terminated); returns its length
 * or a negative errno (-ENOENT, -ERANGE when it did not fit, ...). */
int xenbus_read(struct kernel *k, xenbus_tx_t tx, const char *path,
		char *buf, size_t size);
/* Read a node and parse it as an unsigned number. */
int xenbus_read_ull(struct kernel *k, xenbus_tx_t tx, const char *path,
		    unsigned long long *val);
int xenbus_write(struct kernel *k, xenbus_tx_t tx, const char *path,
		 const char *value);
int xenbus_printf(struct kernel *k, xenbus_tx_t tx, const char *dir,
		  const char *node, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int xenbus_rm(struct kernel *k, xenbus_tx_t tx, const char *path);
/* List the children of path into buf as NUL-separated names; returns the
 * number of children (step through them with strlen + 1). */
int xenbus_directory(struct kernel *k, xenbus_tx_t tx, const char *path,
		     char *buf, size_t size);

int xenbus_transaction_start(struct kernel *k, xenbus_tx_t *tx);
/* Commit (abort=false) or abort; -EAGAIN means a conflict: start again. */
int xenbus_transaction_end(struct kernel *k, xenbus_tx_t tx, bool abort);
/* Run fn inside a transaction, retrying on conflict (up to 16 times);
 * fn returning <0 aborts.  Returns fn's result or the commit error. */
int xenbus_transact(struct kernel *k,
		    int (*fn)(struct kernel *k, xenbus_tx_t tx, void *arg),
		    void *arg);

/* Register w (path, fn and arg set by the caller); xenstored fires it once
 * at once, then on every change under path. */
int xenbus_watch(struct kernel *k, struct xenbus_watch *w);
int xenbus_unwatch(struct kernel *k, struct xenbus_watch *w);

/* Wait until the integer at path satisfies accept(value, arg), or timeout.
 * Needs a watch covering path (re-checks on every watch event). */
int xenbus_wait_int(struct kernel *k, const char *path,
		    bool (*accept)(unsigned long long v, void *arg), void *arg,
		    uint64_t timeout_ns, unsigned long long *val);

/* Switch a frontend's `state` node (XenbusState*). */
int xenbus_switch_state(struct kernel *k, const char *dir, int state);

/* Drain the ring and deliver queued watch events; true if any. */
bool xenbus_poll(struct kernel *k);

#endif
