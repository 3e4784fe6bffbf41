/* Bounds-checked XDR reader and writer (see xdr.h). */
#include "xld/libvirt/xdr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t pad4(size_t n)
{
	return (4 - (n & 3)) & 3;
}

void xdr_in_init(struct xdr_in *x, const void *buf, size_t len)
{
	x->buf = buf;
	x->len = len;
	x->off = 0;
	x->bad = false;
}

/* Take `n` bytes (plus padding); NULL once the reader is bad. */
static const uint8_t *in_take(struct xdr_in *x, size_t n)
{
	size_t total = n + pad4(n);
	const uint8_t *p;

	if (x->bad || total < n || x->len - x->off < total) {
		x->bad = true;
		return NULL;
	}
	p = x->buf + x->off;
	x->off += total;
	return p;
}

int xdr_get_u32(struct xdr_in *x, uint32_t *v)
{
	const uint8_t *p = in_take(x, 4);

	*v = 0;
	if (!p)
		return -EBADMSG;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int xdr_get_i32(struct xdr_in *x, int32_t *v)
{
	uint32_t u;
	int rc = xdr_get_u32(x, &u);

	*v = (int32_t)u;
	return rc;
}

int xdr_get_u64(struct xdr_in *x, uint64_t *v)
{
	uint32_t hi, lo;

	xdr_get_u32(x, &hi);
	int rc = xdr_get_u32(x, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return rc;
}

int xdr_get_opaque(struct xdr_in *x, void *dst, size_t n)
{
	const uint8_t *p = in_take(x, n);

	if (!p) {
		memset(dst, 0, n);
		return -EBADMSG;
	}
	memcpy(dst, p, n);
	return 0;
}

int xdr_get_string(struct xdr_in *x, char **s, size_t max)
{
	uint32_t n;
	const uint8_t *p;

	*s = NULL;
	if (xdr_get_u32(x, &n) < 0)
		return -EBADMSG;
	if (n > max) {
		x->bad = true;
		return -EBADMSG;
	}
	p = in_take(x, n);
	if (!p || memchr(p, '\0', n)) {
		x->bad = true;
		return -EBADMSG;
	}
	*s = malloc((size_t)n + 1);
	if (!*s) {
		x->bad = true;
		return -ENOMEM;
	}
	memcpy(*s, p, n);
	(*s)[n] = '\0';
	return 0;
}

int xdr_get_opt_string(struct xdr_in *x, char **s, size_t max)
{
	uint32_t present;

	*s = NULL;
	if (xdr_get_u32(x, &present) < 0)
		return -EBADMSG;
	if (present > 1) {
		x->bad = true;
		return -EBADMSG;
	}
	return present ? xdr_get_string(x, s, max) : 0;
}

bool xdr_in_end(const struct xdr_in *x)
{
	return !x->bad && x->off == x->len;
}

void xdr_out_init(struct xdr_out *x, size_t max)
{
	memset(x, 0, sizeof(*x));
	x->max = max;
}

void xdr_out_dispose(struct xdr_out *x)
{
	free(x->buf);
	xdr_out_init(x, x->max);
}

void xdr_out_reset(struct xdr_out *x)
{
	x->len = 0;
	x->err = 0;
}

/* Room for `n` more bytes; NULL once the writer has failed. */
static uint8_t *out_room(struct xdr_out *x, size_t n)
{
	if (x->err)
		return NULL;
	if (n > x->max - x->len || x->len > x->max) {
		x->err = -EMSGSIZE;
		return NULL;
	}
	if (x->len + n > x->cap) {
		size_t cap = x->cap ? x->cap : 256;
		while (cap < x->len + n)
			cap *= 2;
		uint8_t *p = realloc(x->buf, cap);
		if (!p) {
			x->err = -ENOMEM;
			return NULL;
		}
		x->buf = p;
		x->cap = cap;
	}
	uint8_t *p = x->buf + x->len;
	x->len += n;
	return p;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void xdr_put_u32(struct xdr_out *x, uint32_t v)
{
	uint8_t *p = out_room(x, 4);

	if (p)
		be32(p, v);
}

void xdr_put_i32(struct xdr_out *x, int32_t v)
{
	xdr_put_u32(x, (uint32_t)v);
}

void xdr_put_u64(struct xdr_out *x, uint64_t v)
{
	xdr_put_u32(x, (uint32_t)(v >> 32));
	xdr_put_u32(x, (uint32_t)v);
}

void xdr_put_opaque(struct xdr_out *x, const void *src, size_t n)
{
	size_t pad = pad4(n);
	uint8_t *p = out_room(x, n + pad);

	if (!p)
		return;
	memcpy(p, src, n);
	memset(p + n, 0, pad);
}

void xdr_put_string(struct xdr_out *x, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n > UINT32_MAX) {
		x->err = -EMSGSIZE;
		return;
	}
	xdr_put_u32(x, (uint32_t)n);
	xdr_put_opaque(x, s ? s : "", n);
}

void xdr_put_opt_string(struct xdr_out *x, const char *s)
{
	xdr_put_u32(x, s ? 1 : 0);
	if (s)
		xdr_put_string(x, s);
}

void xdr_patch_u32(struct xdr_out *x, size_t off, uint32_t v)
{
	if (!x->err && off + 4 <= x->len)
		be32(x->buf + off, v);
}
