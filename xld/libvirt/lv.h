/* Inside the libvirt server: one call being dispatched, the per-connection
 * session, and the procedure handlers listed in procs.def. */
#ifndef VMCTL_XLD_LIBVIRT_LV_H
#define VMCTL_XLD_LIBVIRT_LV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xld/libvirt/xdr.h"
#include "xld/libvirt/proto.h"

struct xld;
struct xld_domain;
struct xld_def;

/* What a connection has negotiated (CONNECT_OPEN). */
struct lv_session {
	bool open;
	bool readonly;
};

/* A domain as libvirt sees it: running (a domain in xld's table), defined
 * (a persistent definition), or both (a running persistent domain). */
struct lv_dom {
	struct xld_domain *run;
	struct xld_def *def;
};

/* The arguments of a call, decoded by the dispatcher from the procedure's
 * argument spec (procs.def): "d" remote_nonnull_domain, "i" int, "u"
 * unsigned flags, "s" string, "o" optional string, "U" uuid. */
struct lv_args {
	int32_t i;
	uint32_t flags;
	char *str[2];               /* strings and optional strings, in order */
	uint8_t uuid[16];
	char *dom_name;             /* the remote_nonnull_domain sent */
	uint8_t dom_uuid[16];
	int32_t dom_id;
};

struct lv_call {
	struct xld *xld;
	struct lv_session *sess;
	struct lv_args args;
	struct lv_dom dom;          /* resolved from args for "d" procedures */
	struct xdr_out *out;        /* the ret payload goes here */
	int err_code;
	int err_from;
	char err_msg[1024];
};

/* Handlers return 0 with their ret written to c->out, or -1 after
 * lv_fail(). */
typedef int (*lv_proc_fn)(struct lv_call *c);

int lv_fail(struct lv_call *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fail with the libvirt code that fits one of xld's rpc codes. */
int lv_fail_rpc(struct lv_call *c, int rpc_code, const char *msg);

/* Handle one complete packet (length word included). Appends the answer
 * packet, if any, to `reply` (the connection's queue of unsent answers).
 * Returns 0; -EBADMSG when the packet is malformed, or the queue's error
 * when it is full: the client must be dropped. */
int lv_dispatch(struct xld *xld, struct lv_session *s, const uint8_t *pkt, size_t len,
		struct xdr_out *reply);

/* ---- domains (dom.c) ---- */

/* Find a domain by uuid, name or id (id: running ones only). false if none. */
bool lv_dom_by_uuid(struct xld *xld, const uint8_t uuid[16], struct lv_dom *out);
bool lv_dom_by_name(struct xld *xld, const char *name, struct lv_dom *out);
bool lv_dom_by_id(struct xld *xld, int32_t id, struct lv_dom *out);
const char *lv_dom_name(const struct lv_dom *d);
const uint8_t *lv_dom_uuid(const struct lv_dom *d);
int32_t lv_dom_id(const struct lv_dom *d);
/* virDomainState and its reason. */
int lv_dom_state(struct xld *xld, const struct lv_dom *d, int *reason);
/* Write a remote_nonnull_domain. */
void lv_put_dom(struct xdr_out *o, const struct lv_dom *d);
/* Fail unless the domain runs (OPERATION_INVALID). */
int lv_need_running(struct lv_call *c);

/* ---- the procedures (procs.def) ---- */
#define LV_PROC(num, name, spec, flags, access, fn) int fn(struct lv_call *c);
#include "xld/libvirt/procs.def"
#undef LV_PROC

#endif
