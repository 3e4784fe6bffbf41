/* Internal types of xenstored: store, nodes, transactions, watches,
 * domains, connections.  Not for use outside xld/xenstore/ (and its tests). */
#ifndef VMCTL_XLD_XENSTORE_XS_H
#define VMCTL_XLD_XENSTORE_XS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmctl/xen/io/xs_wire.h"
#include "xld/xenstore/hmap.h"
#include "xld/xenstore/xenstored.h"

#define XS_DOMID_INVALID 0x7FF4u /* Xen's DOMID_INVALID */
#define XS_PERM_NONE  0u
#define XS_PERM_READ  1u
#define XS_PERM_WRITE 2u
#define XS_PERM_BOTH  3u

/* Return value of a wire handler that queued its own reply. */
#define XS_REPLIED 1

/* Default bound on a connection's queued output before it is dropped. */
#define XS_OUT_MAX_DEFAULT (1u << 20)

struct xs_perm {
	uint32_t id;
	uint32_t bits; /* XS_PERM_* */
};

struct xs_node {
	char *path;             /* owned; also the hash key */
	char *value;            /* vlen bytes (+ a NUL for convenience) */
	uint32_t vlen;
	char *children;         /* leaf names, each NUL-terminated */
	uint32_t clen;
	struct xs_perm *perms;  /* [0] = owner and default access */
	uint32_t nperms;
	uint64_t gen;           /* store generation of the last change */
	bool tomb;              /* transaction overlay: deleted here */
};

struct xs_quota {
#define X(field, name, def) uint32_t field;
#include "xld/xenstore/quota.def"
#undef X
};

struct xs_dom {
	struct xs_dom *next;
	uint32_t domid;
	bool introduced;
	uint32_t target;        /* SET_TARGET, XS_DOMID_INVALID if none */
	uint32_t features;      /* SET_FEATURE, offered on the ring */
	struct xs_quota q;
	uint32_t nnodes, nwatches, ntx;
	struct xs_conn *conn;   /* ring connection, if attached */
};

struct xs_watch {
	struct xs_watch *next;
	char *path;             /* absolute path or @special */
	char *token;
	bool relative;          /* report paths relative to the home */
	int depth;              /* levels below path, -1 = any */
	xenstored_watch_cb cb;  /* direct watches only */
	void *arg;
	uint64_t serial;        /* tells a new watch from a freed one */
};

/* A change to report when it becomes visible (now, or at commit). */
struct xs_event {
	struct xs_event *next;
	char *path;
	struct xs_perm *perms;  /* of the changed node, for the read check */
	uint32_t nperms;
	bool recurse;           /* removal: also tell watchers below path */
};

struct xs_seen {
	char *path;
	uint64_t gen;           /* 0 = the node did not exist */
};

struct xs_tx {
	struct xs_tx *next;
	uint32_t id;
	bool broken;            /* lost track of a read: commit fails */
	struct xs_hmap overlay; /* path -> struct xs_node (tomb = deleted) */
	struct xs_hmap seen;    /* path -> struct xs_seen */
	struct xs_event *events, **events_tail;
	int32_t created;        /* nodes created - removed in this tx */
};

struct xs_msg {
	struct xs_msg *next;
	uint32_t len, off;      /* bytes in data, bytes already sent */
	bool reply;             /* counts as an outstanding request */
	char data[];
};

struct xs_conn;

/* A transport moves a connection's bytes (socket, ring, in-process). */
struct xs_transport_ops {
	const char *name;
	void (*flush)(struct xs_conn *c);      /* push queued output */
	void (*resume)(struct xs_conn *c);     /* input may flow again */
	void (*close)(struct xs_conn *c);      /* free transport state */
};

struct xs_conn {
	struct xenstored *xs;
	struct xs_conn *next;
	const struct xs_transport_ops *ops;
	void *tp;               /* transport state */
	uint32_t domid;
	bool priv;
	struct xs_dom *dom;     /* guests only */
	bool failed;            /* ignored until freed or reset */
	bool proto_error;       /* failed because of a malformed message */
	bool paused;            /* too many outstanding replies */
	struct xsd_sockmsg hdr;
	uint32_t in_have;       /* bytes of header + body received */
	char in_body[XENSTORE_PAYLOAD_MAX + 1];
	struct xs_msg *out_head, **out_tail;
	size_t out_bytes;
	uint32_t out_replies;
	struct xs_watch *watches;
	struct xs_tx *txs;
	uint32_t next_txid;
};

struct xs_listener;
struct xs_local_event;

struct xenstored {
	struct evloop *loop;
	struct xs_hmap nodes;   /* path -> struct xs_node */
	uint64_t gen;
	struct xs_conn *conns;  /* every connection, local included */
	struct xs_conn *local;  /* the direct API's dom0 connection */
	struct xs_dom *doms;
	struct xs_quota qdef;
	size_t out_max;
	struct xs_listener *listeners;
	struct xs_local_event *lev_head, **lev_tail;
	struct ev_timer *lev_timer;
	uint64_t watch_serial;
	struct xenstored_hooks hooks;
	int journal_fd;         /* -1: no journal */
	FILE *jbuf;             /* records not yet written (open_memstream) */
	char *jdata;
	size_t jsize;
	unsigned jhold;         /* > 0: batch records until released */
};

/* path.c: validation and helpers.  Paths given to the store are canonical:
 * absolute, or @introduceDomain/@releaseDomain[/...]. */
int xs_path_canon(const struct xs_conn *c, const char *in, bool special_ok, char **out);
bool xs_path_is_special(const char *path);
/* A canonical path (absolute or a known special one)? */
bool xs_path_valid(const char *path);
bool xs_path_is_below(const char *anc, const char *path); /* anc or descendant */
int xs_path_depth(const char *path);
/* Parent of a canonical non-root path, newly allocated. */
char *xs_path_parent(const char *path);
const char *xs_path_leaf(const char *path);
/* Relative form for a domain's connection, or the path itself. */
const char *xs_path_for_conn(const struct xs_conn *c, const char *path);

/* perms.c */
int xs_perms_parse(const char *buf, size_t len, uint32_t maxn, struct xs_perm **perms,
		   uint32_t *n);
/* Wire form: "<c><id>\0" each; returns bytes written (<= size) or -E2BIG. */
int xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t size, char sep);
uint32_t xs_perms_access(const struct xs_conn *c, const struct xs_perm *p, uint32_t n);
struct xs_perm *xs_perms_dup(const struct xs_perm *p, uint32_t n);

/* node.c */
struct xs_node *xs_node_new(const char *path, const void *val, uint32_t vlen,
			    const struct xs_perm *perms, uint32_t nperms);
struct xs_node *xs_node_dup(const struct xs_node *n);
void xs_node_free(struct xs_node *n);
int xs_node_set_value(struct xs_node *n, const void *val, uint32_t vlen);
int xs_node_set_perms(struct xs_node *n, const struct xs_perm *p, uint32_t np);
int xs_node_add_child(struct xs_node *n, const char *leaf);
void xs_node_del_child(struct xs_node *n, const char *leaf);
uint32_t xs_node_size(const struct xs_node *n);

/* view.c: the store as seen outside (tx NULL) or inside a transaction. */
struct xs_node *xs_view_get(struct xenstored *xs, struct xs_tx *tx, const char *path);
struct xs_node *xs_view_edit(struct xenstored *xs, struct xs_tx *tx, const char *path);
int xs_view_insert(struct xenstored *xs, struct xs_tx *tx, struct xs_node *n);
void xs_view_remove(struct xenstored *xs, struct xs_tx *tx, const char *path);
void xs_view_touch(struct xenstored *xs, struct xs_tx *tx, struct xs_node *n);
/* Keep per-owner node counts right when a committed node changes. */
void xs_store_account(struct xenstored *xs, const struct xs_node *old, const struct xs_node *new_);

/* nodeops.c: node operations with permission checks and events. */
int xs_op_read(struct xs_conn *c, struct xs_tx *tx, const char *path, struct xs_node **out);
int xs_op_write(struct xs_conn *c, struct xs_tx *tx, const char *path, const void *val,
		uint32_t vlen);
int xs_op_mkdir(struct xs_conn *c, struct xs_tx *tx, const char *path);
int xs_op_rm(struct xs_conn *c, struct xs_tx *tx, const char *path);
int xs_op_set_perms(struct xs_conn *c, struct xs_tx *tx, const char *path,
		    const struct xs_perm *p, uint32_t np);
int xs_op_get_perms(struct xs_conn *c, struct xs_tx *tx, const char *path,
		    const struct xs_perm **p, uint32_t *np);

/* tx.c */
int xs_tx_start(struct xs_conn *c, uint32_t *id);
int xs_tx_end(struct xs_conn *c, uint32_t id, bool commit);
struct xs_tx *xs_tx_find(struct xs_conn *c, uint32_t id);
void xs_tx_free_all(struct xs_conn *c);
void xs_tx_add_event(struct xs_tx *tx, const char *path, const struct xs_node *n, bool recurse);

/* watch.c */
int xs_watch_add(struct xs_conn *c, const char *path, const char *token, bool relative,
		 int depth, xenstored_watch_cb cb, void *arg, struct xs_watch **out);
int xs_watch_del(struct xs_conn *c, const char *path, const char *token);
void xs_watch_free_all(struct xs_conn *c);
/* Tell every interested connection that `path` changed. */
void xs_watch_fire(struct xenstored *xs, const char *path, const struct xs_perm *p,
		   uint32_t np, bool recurse);
void xs_watch_fire_one(struct xs_conn *c, struct xs_watch *w, const char *path);
void xs_local_deliver(struct xenstored *xs);
void xs_local_drop(struct xenstored *xs);

/* domain.c */
struct xs_dom *xs_dom_get(struct xenstored *xs, uint32_t domid, bool create);
int xs_dom_introduce(struct xenstored *xs, uint32_t domid);
int xs_dom_release(struct xenstored *xs, uint32_t domid);
int xs_quota_lookup(const char *name, size_t *offset);
int xs_quota_names(char *buf, size_t size);
const struct xs_quota *xs_conn_quota(const struct xs_conn *c);
void xs_dom_free_all(struct xenstored *xs);

/* conn.c */
struct xs_conn *xs_conn_new(struct xenstored *xs, const struct xs_transport_ops *ops,
			    void *tp, uint32_t domid, bool priv);
void xs_conn_free(struct xs_conn *c);
/* Feed received bytes; returns how many were taken (stops when paused or
 * failed). */
size_t xs_conn_input(struct xs_conn *c, const char *buf, size_t len);
int xs_conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
		 const void *payload, uint32_t len, bool reply);
int xs_conn_send_error(struct xs_conn *c, const struct xsd_sockmsg *req, int err);
/* Called by transports once bytes of the head message went out. */
void xs_conn_sent(struct xs_conn *c, size_t n);
void xs_conn_fail(struct xs_conn *c, const char *why);
void xs_conn_reset(struct xs_conn *c);

/* xenstored.c */
void xs_nodes_free(struct xs_hmap *h);

/* record.c: the encoding shared by the image and the journal. */
struct xs_rec_reader {
	const char *p, *end;
	bool bad;
};
void xs_rec_put_u32(FILE *f, uint32_t v);
void xs_rec_put_path(FILE *f, const char *path);
void xs_rec_put_node(FILE *f, const struct xs_node *n); /* 'N' + node */
uint32_t xs_rec_get_u32(struct xs_rec_reader *r);
const char *xs_rec_get_bytes(struct xs_rec_reader *r, uint32_t n);
char *xs_rec_get_path(struct xs_rec_reader *r);
struct xs_node *xs_rec_get_node(struct xs_rec_reader *r); /* after the 'N' */

/* persist.c */
int xs_read_file(const char *file, char **buf, size_t *len);

/* journal.c: every change to the committed tree, appended before the reply. */
void xs_journal_node(struct xenstored *xs, const struct xs_node *n);
void xs_journal_removed(struct xenstored *xs, const char *path);
void xs_journal_domain(struct xenstored *xs, uint32_t domid, bool introduced);
void xs_journal_hold(struct xenstored *xs);    /* batch until ... */
void xs_journal_release(struct xenstored *xs); /* ... the matching release */
void xs_journal_reset(struct xenstored *xs);   /* a new image holds it all */
void xs_journal_close(struct xenstored *xs);

/* sock.c */
void xs_listeners_free(struct xenstored *xs);

/* ops.c: dispatch of one complete request. */
void xs_ops_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr, char *body);

#endif
