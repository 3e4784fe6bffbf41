/* The in-process API: xld's own calls, made as dom0 through the store's
 * local connection, outside any transaction. */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int canon(struct xenstored *xs, const char *in, bool special, char **out)
{
	return xs_path_canon(xs->local, in, special, out);
}

int xenstored_read(struct xenstored *xs, const char *path, char **val, size_t *len)
{
	char *p = NULL;
	struct xs_node *n = NULL;
	int rc = canon(xs, path, false, &p);

	if (rc == 0)
		rc = xs_op_read(xs->local, NULL, p, &n);
	if (rc == 0 && !(*val = malloc((size_t)n->vlen + 1)))
		rc = -ENOMEM;
	if (rc == 0) {
		memcpy(*val, n->value, (size_t)n->vlen + 1);
		if (len)
			*len = n->vlen;
	}
	free(p);
	return rc;
}

int xenstored_write(struct xenstored *xs, const char *path, const void *val, size_t len)
{
	char *p = NULL;
	int rc = len > XENSTORE_PAYLOAD_MAX ? -E2BIG : canon(xs, path, false, &p);

	if (rc == 0) {
		rc = xs_op_write(xs->local, NULL, p, val, (uint32_t)len);
		free(p);
	}
	return rc;
}

int xenstored_mkdir(struct xenstored *xs, const char *path)
{
	char *p = NULL;
	int rc = canon(xs, path, false, &p);

	if (rc == 0)
		rc = xs_op_mkdir(xs->local, NULL, p);
	free(p);
	return rc;
}

int xenstored_rm(struct xenstored *xs, const char *path)
{
	char *p = NULL;
	int rc = canon(xs, path, false, &p);

	if (rc == 0)
		rc = xs_op_rm(xs->local, NULL, p);
	free(p);
	return rc;
}

int xenstored_directory(struct xenstored *xs, const char *path, char **names, size_t *len)
{
	char *p = NULL;
	struct xs_node *n = NULL;
	int rc = canon(xs, path, false, &p);

	if (rc == 0)
		rc = xs_op_read(xs->local, NULL, p, &n);
	if (rc == 0 && !(*names = malloc(n->clen + 1)))
		rc = -ENOMEM;
	if (rc == 0) {
		if (n->clen)
			memcpy(*names, n->children, n->clen);
		(*names)[n->clen] = '\0';
		*len = n->clen;
	}
	free(p);
	return rc;
}

int xenstored_get_perms(struct xenstored *xs, const char *path, char **perms)
{
	char *p = NULL;
	const struct xs_perm *pp;
	uint32_t np;
	size_t size;
	int rc = canon(xs, path, true, &p);

	if (rc == 0)
		rc = xs_op_get_perms(xs->local, NULL, p, &pp, &np);
	size = rc == 0 ? (size_t)np * 12 + 1 : 0;
	if (rc == 0 && !(*perms = malloc(size)))
		rc = -ENOMEM;
	if (rc == 0) {
		rc = xs_perms_format(pp, np, *perms, size, ' ');
		if (rc > 0)
			(*perms)[rc - 1] = '\0'; /* the last separator */
		rc = rc < 0 ? rc : 0;
	}
	free(p);
	return rc;
}

/* "n0 r5" -> the wire form "n0\0r5\0", then parsed like a request. */
int xenstored_set_perms(struct xenstored *xs, const char *path, const char *perms)
{
	size_t len = strlen(perms) + 1;
	char *wire = strdup(perms), *p = NULL;
	struct xs_perm *pp = NULL;
	uint32_t np;
	int rc = wire ? 0 : -ENOMEM;

	for (size_t i = 0; wire && i < len; i++) {
		if (wire[i] == ' ')
			wire[i] = '\0';
	}
	if (rc == 0)
		rc = xs_perms_parse(wire, len, 1024, &pp, &np);
	if (rc == 0)
		rc = canon(xs, path, true, &p);
	if (rc == 0)
		rc = xs_op_set_perms(xs->local, NULL, p, pp, np);
	free(p);
	free(pp);
	free(wire);
	return rc;
}

int xenstored_watch(struct xenstored *xs, const char *path, const char *token,
		    xenstored_watch_cb cb, void *arg)
{
	char *p = NULL;
	struct xs_watch *w;
	int rc = cb ? canon(xs, path, true, &p) : -EINVAL;

	if (rc < 0)
		return rc;
	rc = xs_watch_add(xs->local, p, token, false, -1, cb, arg, &w);
	if (rc == 0)
		xs_watch_fire_one(xs->local, w, p);
	free(p);
	return rc;
}

int xenstored_unwatch(struct xenstored *xs, const char *path, const char *token)
{
	char *p = NULL;
	int rc = canon(xs, path, true, &p);

	if (rc == 0)
		rc = xs_watch_del(xs->local, p, token);
	free(p);
	return rc;
}

int xenstored_domain_introduce(struct xenstored *xs, uint32_t domid)
{
	return xs_dom_introduce(xs, domid);
}

int xenstored_domain_release(struct xenstored *xs, uint32_t domid)
{
	return xs_dom_release(xs, domid);
}

bool xenstored_domain_is_introduced(struct xenstored *xs, uint32_t domid)
{
	struct xs_dom *d = xs_dom_get(xs, domid, false);

	return d && d->introduced;
}

void xenstored_domain_path(uint32_t domid, char *buf, size_t size)
{
	snprintf(buf, size, "/local/domain/%u", domid);
}

void xenstored_set_hooks(struct xenstored *xs, const struct xenstored_hooks *hooks)
{
	if (hooks)
		xs->hooks = *hooks;
	else
		memset(&xs->hooks, 0, sizeof(xs->hooks));
}
