/* XenStore path rules (xen-abi.md §3.3): '/'-separated, characters
 * A-Za-z0-9-/_@, no empty component, no trailing '/' except for the root.
 * Relative paths are relative to the connection's home /local/domain/<id>,
 * dom0's socket connections included, as in C xenstored. */
#include "xld/xenstore/xs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

static bool chars_ok(const char *p)
{
	for (; *p; p++) {
		if (!char_ok(*p) || (p[0] == '/' && p[1] == '/'))
			return false;
	}
	return true;
}

bool xs_path_is_special(const char *path)
{
	return path[0] == '@';
}

static bool special_ok(const char *p)
{
	if (strcmp(p, "@introduceDomain") == 0 || strcmp(p, "@releaseDomain") == 0)
		return true;
	/* @releaseDomain/<domid>, with the WATCHDEPTH feature. */
	if (strncmp(p, "@releaseDomain/", 15) != 0 || !p[15])
		return false;
	return strspn(p + 15, "0123456789") == strlen(p + 15);
}

/* The part after "/local/domain/<id>/", which the path-max quota limits
 * (as C xenstored does), or the whole path. */
static const char *xs_path_below_any_home(const char *p)
{
	const char *pre = "/local/domain/";
	size_t n = strlen(pre), d;

	if (strncmp(p, pre, n) != 0)
		return p;
	d = strspn(p + n, "0123456789");
	return d && p[n + d] == '/' ? p + n + d + 1 : p;
}

static size_t home_len(uint32_t domid, char *buf, size_t size)
{
	return (size_t)snprintf(buf, size, "/local/domain/%u", domid);
}

int xs_path_canon(const struct xs_conn *c, const char *in, bool special, char **out)
{
	const struct xs_quota *q = xs_conn_quota(c);
	size_t len = strlen(in);
	char home[32];

	*out = NULL;
	if (!len || !chars_ok(in))
		return -EINVAL;
	if (in[0] == '@') {
		if (!special || !special_ok(in))
			return -EINVAL;
		*out = strdup(in);
	} else if (in[0] == '/') {
		if (len > XENSTORE_ABS_PATH_MAX || (len > 1 && in[len - 1] == '/'))
			return -EINVAL;
		*out = strdup(in);
	} else {
		if (len > XENSTORE_REL_PATH_MAX || in[len - 1] == '/')
			return -EINVAL;
		size_t hl = home_len(c->domid, home, sizeof(home));
		*out = malloc(hl + 1 + len + 1);
		if (*out)
			sprintf(*out, "%s/%s", home, in);
	}
	if (*out && q && strlen(xs_path_below_any_home(*out)) > q->pathmax) {
		free(*out);
		*out = NULL;
		return -EINVAL;
	}
	return *out ? 0 : -ENOMEM;
}

bool xs_path_is_below(const char *anc, const char *path)
{
	size_t la = strlen(anc);

	if (strcmp(anc, "/") == 0)
		return path[0] == '/';
	return strncmp(path, anc, la) == 0 && (path[la] == '\0' || path[la] == '/');
}

int xs_path_depth(const char *path)
{
	int d = 0;

	if (strcmp(path, "/") == 0)
		return 0;
	for (; *path; path++)
		d += *path == '/';
	return d;
}

char *xs_path_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = (size_t)(slash - path);

	return n ? strndup(path, n) : strdup("/");
}

const char *xs_path_leaf(const char *path)
{
	return strrchr(path, '/') + 1;
}

const char *xs_path_for_conn(const struct xs_conn *c, const char *path)
{
	char home[32];
	size_t hl = home_len(c->domid, home, sizeof(home));

	if (strncmp(path, home, hl) == 0 && path[hl] == '/')
		return path + hl + 1;
	return path;
}

bool xs_path_valid(const char *path)
{
	size_t len = strlen(path);

	if (path[0] == '@')
		return chars_ok(path) && special_ok(path);
	return path[0] == '/' && len <= XENSTORE_ABS_PATH_MAX && chars_ok(path) &&
	       (len == 1 || path[len - 1] != '/');
}
