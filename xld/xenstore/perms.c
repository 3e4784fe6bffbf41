/* Permission lists: entry 0 names the owner and the access of every domain
 * not listed later; the owner, privileged connections and a domain whose
 * SET_TARGET target is the owner have full access (xen-abi.md §3.4). */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char perm_chars[4] = { 'n', 'r', 'w', 'b' };

static int perm_bits(char ch)
{
	const char *p = memchr(perm_chars, ch, sizeof(perm_chars));

	return p ? (int)(p - perm_chars) : -1;
}

static int parse_one(const char *s, struct xs_perm *out)
{
	int bits = perm_bits(s[0]);
	char *end;
	unsigned long id;

	if (bits < 0 || s[1] < '0' || s[1] > '9')
		return -EINVAL;
	errno = 0;
	id = strtoul(s + 1, &end, 10);
	if (*end || errno || id > UINT16_MAX)
		return -EINVAL;
	out->id = (uint32_t)id;
	out->bits = (uint32_t)bits;
	return 0;
}

/* `buf` holds NUL-terminated entries back to back (the wire form). */
int xs_perms_parse(const char *buf, size_t len, uint32_t maxn, struct xs_perm **perms,
		   uint32_t *n)
{
	struct xs_perm *p = NULL;
	uint32_t cnt = 0;
	int rc = -EINVAL;

	if (len == 0 || buf[len - 1] != '\0')
		goto out;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		cnt++;
	rc = -ENOSPC;
	if (cnt > maxn)
		goto out;
	rc = -ENOMEM;
	p = calloc(cnt, sizeof(*p));
	if (!p)
		goto out;
	cnt = 0;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
		rc = parse_one(buf + i, &p[cnt++]);
		if (rc < 0)
			goto out;
	}
	*perms = p;
	*n = cnt;
	p = NULL;
	rc = 0;
out:
	free(p);
	return rc;
}

int xs_perms_format(const struct xs_perm *p, uint32_t n, char *buf, size_t size, char sep)
{
	size_t off = 0;

	for (uint32_t i = 0; i < n; i++) {
		int w = snprintf(buf + off, size - off, "%c%u", perm_chars[p[i].bits & 3], p[i].id);
		if (w < 0 || (size_t)w + 1 > size - off)
			return -E2BIG;
		off += (size_t)w;
		buf[off++] = sep;
	}
	return (int)off;
}

uint32_t xs_perms_access(const struct xs_conn *c, const struct xs_perm *p, uint32_t n)
{
	const struct xs_dom *d = c->dom;

	if (c->priv || c->domid == p[0].id)
		return XS_PERM_BOTH;
	if (d && d->target != XS_DOMID_INVALID && d->target == p[0].id)
		return XS_PERM_BOTH;
	for (uint32_t i = 1; i < n; i++) {
		if (p[i].id == c->domid)
			return p[i].bits;
	}
	return p[0].bits;
}

struct xs_perm *xs_perms_dup(const struct xs_perm *p, uint32_t n)
{
	struct xs_perm *d = malloc(n * sizeof(*d));

	if (d)
		memcpy(d, p, n * sizeof(*d));
	return d;
}
