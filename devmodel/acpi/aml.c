/* The AML writer (aml.h). */
#include "devmodel/acpi/aml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PKGLEN_RESERVE 4   /* the longest PkgLength; shrunk at close */

void aml_init(struct aml *a)
{
	memset(a, 0, sizeof(*a));
}

void aml_free(struct aml *a)
{
	free(a->buf);
	a->buf = NULL;
	a->len = a->cap = 0;
}

int aml_finish(struct aml *a)
{
	if (!a->err && a->depth)
		a->err = -EINVAL;
	return a->err;
}

static uint8_t *aml_room(struct aml *a, size_t n)
{
	if (a->err)
		return NULL;
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 1024;
		uint8_t *nb;

		while (cap < a->len + n)
			cap *= 2;
		nb = realloc(a->buf, cap);
		if (!nb) {
			a->err = -ENOMEM;
			return NULL;
		}
		a->buf = nb;
		a->cap = cap;
	}
	a->len += n;
	return a->buf + a->len - n;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	uint8_t *d = aml_room(a, n);

	if (d)
		memcpy(d, p, n);
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

static int seg_char_ok(char c, int first)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/* One segment of up to four characters, padded with '_'. */
static int aml_seg(const char *s, size_t n, char out[4])
{
	if (n == 0 || n > 4)
		return -EINVAL;
	for (size_t i = 0; i < 4; i++) {
		out[i] = i < n ? s[i] : '_';
		if (!seg_char_ok(out[i], i == 0))
			return -EINVAL;
	}
	return 0;
}

void aml_name(struct aml *a, const char *path)
{
	char segs[8][4];
	unsigned n = 0;
	const char *p = path;

	if (*p == '\\')
		aml_byte(a, *p++);
	while (*p == '^')
		aml_byte(a, *p++);
	while (*p) {
		size_t l = strcspn(p, ".");

		if (n == 8 || aml_seg(p, l, segs[n]) < 0) {
			if (!a->err)
				a->err = -EINVAL;
			return;
		}
		n++;
		p += l + (p[l] == '.');
	}
	if (n == 0)
		aml_byte(a, AML_NULL_NAME);
	else if (n == 2)
		aml_byte(a, 0x2e);            /* DualNamePrefix */
	else if (n > 2) {
		aml_byte(a, 0x2f);            /* MultiNamePrefix */
		aml_byte(a, (uint8_t)n);
	}
	aml_bytes(a, segs, 4 * n);
}

void aml_int(struct aml *a, uint64_t v)
{
	static const struct { uint64_t max; uint8_t prefix; uint8_t size; } k[] = {
		{ 0xff, 0x0a, 1 }, { 0xffff, 0x0b, 2 }, { 0xffffffffu, 0x0c, 4 }, { UINT64_MAX, 0x0e, 8 },
	};

	if (v == 0 || v == 1) {
		aml_byte(a, v ? AML_ONE : AML_ZERO);
		return;
	}
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (v > k[i].max)
			continue;
		aml_byte(a, k[i].prefix);
		for (unsigned b = 0; b < k[i].size; b++)
			aml_byte(a, (uint8_t)(v >> (8 * b)));
		return;
	}
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, 0x0d);
	aml_bytes(a, s, strlen(s) + 1);
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint8_t b[4];
	unsigned v;

	if (strlen(id) != 7) {
		a->err = a->err ? a->err : -EINVAL;
		return;
	}
	v = (unsigned)(id[0] - 0x40) << 10 | (unsigned)(id[1] - 0x40) << 5 | (unsigned)(id[2] - 0x40);
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
	b[2] = (uint8_t)strtoul((char[]){ id[3], id[4], 0 }, NULL, 16);
	b[3] = (uint8_t)strtoul((char[]){ id[5], id[6], 0 }, NULL, 16);
	aml_byte(a, 0x0c);
	aml_bytes(a, b, 4);
}

void aml_name_decl(struct aml *a, const char *path)
{
	aml_byte(a, 0x08);
	aml_name(a, path);
}

/* Remember where the PkgLength goes and leave room for its longest form. */
static void aml_open(struct aml *a)
{
	if (a->depth == AML_MAX_DEPTH) {
		a->err = a->err ? a->err : -E2BIG;
		return;
	}
	a->open[a->depth++] = a->len;
	aml_room(a, PKGLEN_RESERVE);
}

/* PkgLength counts itself and what follows: one byte up to 63, else a
 * lead byte (count of extra bytes in bits 7:6, low nibble in 3:0) and
 * up to three more bytes. */
void aml_close(struct aml *a)
{
	size_t at, body;
	unsigned n;
	uint32_t total;

	if (a->err)
		return;
	if (!a->depth) {
		a->err = -EINVAL;
		return;
	}
	at = a->open[--a->depth];
	body = a->len - at - PKGLEN_RESERVE;
	for (n = 1; n <= 4; n++) {
		uint64_t t = body + n;

		if ((n == 1 && t < 0x40) || (n > 1 && t < (1ull << (4 + 8 * (n - 1)))))
			break;
	}
	if (n > 4) {
		a->err = -E2BIG;
		return;
	}
	total = (uint32_t)(body + n);
	memmove(a->buf + at + n, a->buf + at + PKGLEN_RESERVE, body);
	a->len -= PKGLEN_RESERVE - n;
	if (n == 1) {
		a->buf[at] = (uint8_t)total;
		return;
	}
	a->buf[at] = (uint8_t)((n - 1) << 6 | (total & 0x0f));
	for (unsigned i = 1; i < n; i++)
		a->buf[at + i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
}

void aml_open_scope(struct aml *a, const char *path)
{
	aml_byte(a, 0x10);
	aml_open(a);
	aml_name(a, path);
}

void aml_open_device(struct aml *a, const char *path)
{
	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x82 }, 2);
	aml_open(a);
	aml_name(a, path);
}

void aml_open_method(struct aml *a, const char *path, uint8_t flags)
{
	aml_byte(a, 0x14);
	aml_open(a);
	aml_name(a, path);
	aml_byte(a, flags);
}

void aml_open_processor(struct aml *a, const char *path, uint8_t id, uint32_t pblk,
			uint8_t pblk_len)
{
	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x83 }, 2);
	aml_open(a);
	aml_name(a, path);
	aml_byte(a, id);
	aml_bytes(a, (const uint8_t[]){ (uint8_t)pblk, (uint8_t)(pblk >> 8), (uint8_t)(pblk >> 16),
					(uint8_t)(pblk >> 24) }, 4);
	aml_byte(a, pblk_len);
}

void aml_open_if(struct aml *a)
{
	aml_byte(a, 0xa0);
	aml_open(a);
}

void aml_open_else(struct aml *a)
{
	aml_byte(a, 0xa1);
	aml_open(a);
}

void aml_open_package(struct aml *a, uint8_t nelems)
{
	aml_byte(a, 0x12);
	aml_open(a);
	aml_byte(a, nelems);
}

void aml_buffer(struct aml *a, const void *p, size_t n)
{
	aml_byte(a, 0x11);
	aml_open(a);
	aml_int(a, n);
	aml_bytes(a, p, n);
	aml_close(a);
}

void aml_opregion(struct aml *a, const char *name, uint8_t space, uint64_t off, uint64_t len)
{
	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x80 }, 2);
	aml_name(a, name);
	aml_byte(a, space);
	aml_int(a, off);
	aml_int(a, len);
}

void aml_open_field(struct aml *a, const char *region, uint8_t flags)
{
	aml_bytes(a, (const uint8_t[]){ 0x5b, 0x81 }, 2);
	aml_open(a);
	aml_name(a, region);
	aml_byte(a, flags);
}

/* A NamedField: its NameSeg and its width in bits as a PkgLength-style
 * number (widths here stay below 64: one byte). */
void aml_field_unit(struct aml *a, const char *seg, unsigned bits)
{
	char s[4];

	if (bits >= 0x40 || aml_seg(seg, strlen(seg), s) < 0) {
		a->err = a->err ? a->err : -EINVAL;
		return;
	}
	aml_bytes(a, s, 4);
	aml_byte(a, (uint8_t)bits);
}
