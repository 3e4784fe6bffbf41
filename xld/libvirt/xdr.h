/* XDR (RFC 4506) as libvirt's rpcgen code lays it out: big-endian 4-byte
 * units, 8-byte hypers, strings and opaques padded to 4 bytes.
 *
 * The reader never reads past its buffer: every getter checks the bytes
 * left and, on a short or invalid field, marks the reader bad and returns
 * -EBADMSG; later getters then fail too, so a decoder may read all its
 * fields and test xdr_in_end() once. The writer grows its buffer and
 * likewise remembers a failure (-ENOMEM or a value over its limit). */
#ifndef VMCTL_XLD_LIBVIRT_XDR_H
#define VMCTL_XLD_LIBVIRT_XDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xdr_in {
	const uint8_t *buf;
	size_t len, off;
	bool bad;
};

void xdr_in_init(struct xdr_in *x, const void *buf, size_t len);
int xdr_get_u32(struct xdr_in *x, uint32_t *v);
int xdr_get_i32(struct xdr_in *x, int32_t *v);
int xdr_get_u64(struct xdr_in *x, uint64_t *v);
/* A fixed-size opaque (remote_uuid is opaque[16]). */
int xdr_get_opaque(struct xdr_in *x, void *dst, size_t n);
/* string<max>: *s is a malloc'd NUL-terminated copy (free it). A string
 * longer than `max` or holding a NUL byte is invalid. */
int xdr_get_string(struct xdr_in *x, char **s, size_t max);
/* An optional string (remote_string): *s is NULL when absent. */
int xdr_get_opt_string(struct xdr_in *x, char **s, size_t max);
/* True when the reader is not bad and every byte was consumed. */
bool xdr_in_end(const struct xdr_in *x);

struct xdr_out {
	uint8_t *buf;
	size_t len, cap, max;
	int err;                 /* 0, or the first failure */
};

/* `max` bounds the encoded size (the protocol's message limit). */
void xdr_out_init(struct xdr_out *x, size_t max);
void xdr_out_dispose(struct xdr_out *x);
/* Forget the contents (keep the buffer) and any failure. */
void xdr_out_reset(struct xdr_out *x);
void xdr_put_u32(struct xdr_out *x, uint32_t v);
void xdr_put_i32(struct xdr_out *x, int32_t v);
void xdr_put_u64(struct xdr_out *x, uint64_t v);
void xdr_put_opaque(struct xdr_out *x, const void *src, size_t n);
void xdr_put_string(struct xdr_out *x, const char *s);
/* remote_string: 0, or 1 then the string (s may be NULL). */
void xdr_put_opt_string(struct xdr_out *x, const char *s);
/* Overwrite the u32 at `off` (a length or count written before it was known). */
void xdr_patch_u32(struct xdr_out *x, size_t off, uint32_t v);

#endif
