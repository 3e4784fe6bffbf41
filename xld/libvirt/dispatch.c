/* One packet in, one answer out: header checks, keepalive, the procedure
 * table, argument decoding from each procedure's spec, flag and access
 * checks, error replies. No I/O here (server.c frames the bytes). */
#include "xld/libvirt/lv.h"
#include "xld/rpc/rpc.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lv_access { PREOPEN, READ, WRITE };

struct lv_proc {
	int32_t num;
	const char *name;
	const char *spec;
	uint32_t flags;
	enum lv_access access;
	lv_proc_fn fn;
};

static const struct lv_proc lv_procs[] = {
#define LV_PROC(num, name, spec, flags, access, fn) { num, #name, spec, flags, access, fn },
#include "xld/libvirt/procs.def"
#undef LV_PROC
};

static const struct lv_proc *proc_find(int32_t num)
{
	for (size_t i = 0; i < ARRAY_SIZE(lv_procs); i++)
		if (lv_procs[i].num == num)
			return &lv_procs[i];
	return NULL;
}

int lv_fail(struct lv_call *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->err_code = code;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* xld's action layer reports rpc codes (rpc.h); libvirt clients know these. */
int lv_fail_rpc(struct lv_call *c, int rpc_code, const char *msg)
{
	static const struct { int rpc, lv; } map[] = {
		{ RPC_ERR_NO_DOMAIN, LV_ERR_NO_DOMAIN },
		{ RPC_ERR_EXISTS, LV_ERR_DOM_EXIST },
		{ RPC_ERR_CONFIG, LV_ERR_CONFIG_UNSUPPORTED },
		{ RPC_ERR_STATE, LV_ERR_OPERATION_INVALID },
		{ RPC_ERR_HYPERVISOR, LV_ERR_OPERATION_FAILED },
		{ RPC_ERR_RESOURCE, LV_ERR_OPERATION_FAILED },
		{ RPC_ERR_IO, LV_ERR_OPERATION_FAILED },
		{ RPC_ERR_UNSUPPORTED, LV_ERR_CONFIG_UNSUPPORTED },
		{ RPC_ERR_PERMISSION, LV_ERR_OPERATION_DENIED },
		{ RPC_INVALID_PARAMS, LV_ERR_INVALID_ARG },
	};
	int code = LV_ERR_INTERNAL_ERROR;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].rpc == rpc_code)
			code = map[i].lv;
	return lv_fail(c, code, "%s", msg);
}

static void put_header(struct xdr_out *o, const struct lv_header *h)
{
	xdr_put_u32(o, h->prog);
	xdr_put_u32(o, h->vers);
	xdr_put_i32(o, h->proc);
	xdr_put_i32(o, h->type);
	xdr_put_u32(o, h->serial);
	xdr_put_i32(o, h->status);
}

/* remote_error: code, domain, message, level, dom, str1-3, int1-2, net. */
static void put_error(struct xdr_out *o, int code, int from, const char *msg)
{
	xdr_put_i32(o, code);
	xdr_put_i32(o, from);
	xdr_put_opt_string(o, msg);
	xdr_put_i32(o, LV_ERR_LEVEL_ERROR);
	xdr_put_u32(o, 0);            /* dom: none */
	xdr_put_opt_string(o, NULL);
	xdr_put_opt_string(o, NULL);
	xdr_put_opt_string(o, NULL);
	xdr_put_i32(o, 0);
	xdr_put_i32(o, 0);
	xdr_put_u32(o, 0);            /* net: none */
}

static int decode_args(const char *spec, struct xdr_in *in, struct lv_args *a)
{
	size_t nstr = 0;

	for (const char *p = spec; *p; p++) {
		switch (*p) {
		case 'd':
			xdr_get_string(in, &a->dom_name, LV_STRING_MAX);
			xdr_get_opaque(in, a->dom_uuid, 16);
			xdr_get_i32(in, &a->dom_id);
			break;
		case 'i': xdr_get_i32(in, &a->i); break;
		case 'u': xdr_get_u32(in, &a->flags); break;
		case 'U': xdr_get_opaque(in, a->uuid, 16); break;
		case 's': xdr_get_string(in, &a->str[nstr++], LV_STRING_MAX); break;
		case 'o': xdr_get_opt_string(in, &a->str[nstr++], LV_STRING_MAX); break;
		}
	}
	return xdr_in_end(in) ? 0 : -EBADMSG;
}

static void args_dispose(struct lv_args *a)
{
	free(a->str[0]);
	free(a->str[1]);
	free(a->dom_name);
}

/* The checks every call passes before its handler. */
static int call_check(struct lv_call *c, const struct lv_proc *p)
{
	if (p->access != PREOPEN && !c->sess->open)
		return lv_fail(c, LV_ERR_INTERNAL_ERROR, "connection not open");
	if (p->access == WRITE && c->sess->readonly)
		return lv_fail(c, LV_ERR_OPERATION_DENIED,
			       "operation forbidden: read only access prevents %s", p->name);
	if (c->args.flags & ~p->flags)
		return lv_fail(c, LV_ERR_INVALID_ARG, "%s: unsupported flags (0x%x)", p->name,
			       c->args.flags & ~p->flags);
	if (strchr(p->spec, 'd') && !lv_dom_by_uuid(c->xld, c->args.dom_uuid, &c->dom))
		return lv_fail(c, LV_ERR_NO_DOMAIN, "Domain not found: no domain with matching uuid (%s)",
			       c->args.dom_name);
	return 0;
}

static int call_remote(struct xld *xld, struct lv_session *s, struct lv_header *h,
		       struct xdr_in *in, struct xdr_out *reply)
{
	const struct lv_proc *p = proc_find(h->proc);
	struct lv_call c = { .xld = xld, .sess = s, .out = reply, .err_from = LV_FROM_LIBXL };
	size_t status_off = reply->len + 20, body_off; /* header.status */
	int rc = 0;

	h->type = LV_REPLY;
	h->status = LV_OK;
	put_header(reply, h);
	body_off = reply->len;
	if (!p) {
		rc = lv_fail(&c, LV_ERR_NO_SUPPORT, "this function is not supported by the connection driver: procedure %d",
			     h->proc);
	} else if (decode_args(p->spec, in, &c.args) < 0) {
		log_warn("libvirt: %s: malformed arguments", p->name);
		args_dispose(&c.args);
		return -EBADMSG;
	} else if ((rc = call_check(&c, p)) == 0) {
		log_debug("libvirt: %s", p->name);
		rc = p->fn(&c);
	}
	if (reply->err) { /* the client's queue of unread answers is full */
		args_dispose(&c.args);
		return reply->err;
	}
	if (rc == 0 && reply->len - body_off > LV_MESSAGE_MAX - LV_HEADER_SIZE)
		rc = lv_fail(&c, LV_ERR_INTERNAL_ERROR, "the answer is larger than the protocol allows");
	if (rc < 0) {
		reply->len = body_off;
		xdr_patch_u32(reply, status_off, LV_ERROR);
		put_error(reply, c.err_code, c.err_from, c.err_msg);
	}
	args_dispose(&c.args);
	return 0;
}

/* PING gets PONG; anything else on this program is ignored. */
static void call_keepalive(struct lv_header *h, struct xdr_out *reply)
{
	if (h->vers != LV_KEEPALIVE_VERSION || h->type != LV_MESSAGE || h->proc != LV_KEEPALIVE_PING)
		return;
	h->proc = LV_KEEPALIVE_PONG;
	h->serial = 0;
	h->status = LV_OK;
	put_header(reply, h);
}

/* An unknown program or version: an error reply as libvirtd sends one. */
static void call_unknown(struct lv_header *h, struct xdr_out *reply)
{
	h->type = LV_REPLY;
	h->status = LV_ERROR;
	put_header(reply, h);
	put_error(reply, LV_ERR_RPC, LV_FROM_RPC, "cannot find program or version");
}

int lv_dispatch(struct xld *xld, struct lv_session *s, const uint8_t *pkt, size_t len,
		struct xdr_out *reply)
{
	struct xdr_in in;
	struct lv_header h;
	uint32_t plen;
	size_t start = reply->len;
	int rc = 0;

	xdr_in_init(&in, pkt, len);
	xdr_get_u32(&in, &plen);
	xdr_get_u32(&in, &h.prog);
	xdr_get_u32(&in, &h.vers);
	xdr_get_i32(&in, &h.proc);
	xdr_get_i32(&in, &h.type);
	xdr_get_u32(&in, &h.serial);
	xdr_get_i32(&in, &h.status);
	if (in.bad || plen != len)
		return -EBADMSG;
	xdr_put_u32(reply, 0); /* the length, patched below */
	if (h.prog == LV_KEEPALIVE_PROGRAM)
		call_keepalive(&h, reply);
	else if (h.prog != LV_PROGRAM || h.vers != LV_PROTOCOL_VERSION)
		call_unknown(&h, reply);
	else if (h.type != LV_CALL || h.status != LV_OK)
		rc = -EBADMSG; /* streams and fds are not served: a confused client */
	else
		rc = call_remote(xld, s, &h, &in, reply);
	if (rc < 0 || reply->len == start + 4) {
		reply->len = start; /* nothing to send */
		return rc;
	}
	xdr_patch_u32(reply, start, (uint32_t)(reply->len - start));
	return reply->err;
}
