/* cfg_spec: generic "key=value,..." spec parsing for vif/vfb/vkb. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_spec.h"
#include "libvmctl/cfg_tree.h"

int spec_fail(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err && !*err) {
		va_start(ap, fmt);
		if (vasprintf(err, fmt, ap) < 0)
			*err = NULL;
		va_end(ap);
	}
	return -EINVAL;
}

static int spec_number(const struct spec_key *k, const char *v,
		       long long min, long long max, long long *out, char **err)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 0);
	if (end == v || *end || errno || x < min || x > max)
		return spec_fail(err, "invalid value '%s' for %s", v, k->key);
	*out = x;
	return 0;
}

static int spec_set(const char *what, const struct spec_key *k, void *dev,
		    const char *v, char **err, struct domcfg_msgs *warn)
{
	void *dst = (char *)dev + k->off;
	long long x = 0;
	int rc = 0;

	switch (k->kind) {
	case SK_STRING: {
		char *s = strdup(v);

		if (!s)
			return -ENOMEM;
		free(*(char **)dst);
		*(char **)dst = s;
		return 0;
	}
	case SK_INT: rc = spec_number(k, v, INT_MIN, INT_MAX, &x, err); break;
	case SK_U32: rc = spec_number(k, v, 0, UINT32_MAX, &x, err); break;
	case SK_BOOL: case SK_DEFBOOL:
		rc = spec_number(k, v, LLONG_MIN, LLONG_MAX, &x, err);
		break;
	case SK_FN: return k->fn(dev, v, err);
	case SK_IGNORE:
		cfg_warn(warn, NULL, NULL, "%s option '%s' is not supported by vmctl; ignored",
			 what, k->key);
		return 0;
	}
	if (rc)
		return rc;
	if (k->kind == SK_INT)
		*(int *)dst = (int)x;
	else if (k->kind == SK_U32)
		*(uint32_t *)dst = (uint32_t)x;
	else if (k->kind == SK_BOOL)
		*(bool *)dst = x != 0;
	else
		domcfg_defbool_set(dst, x != 0);
	return 0;
}

static int spec_token(const char *what, const struct spec_key *keys, size_t n, void *dev,
		      char *tok, char **err, struct domcfg_msgs *warn)
{
	char *eq;

	tok += strspn(tok, " \t\n");
	if (!*tok)
		return 0;
	eq = strchr(tok, '=');
	if (eq)
		*eq = '\0';
	for (size_t i = 0; eq && i < n; i++)
		if (strcmp(keys[i].key, tok) == 0)
			return spec_set(what, &keys[i], dev, eq + 1, err, warn);
	if (eq)
		*eq = '=';
	cfg_warn(warn, NULL, NULL, "unknown %s option '%s'; ignored", what, tok);
	return 0;
}

int spec_parse(const char *what, const struct spec_key *keys, size_t n, void *dev,
	       const char *spec, char **err, struct domcfg_msgs *warn)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int rc = copy ? 0 : -ENOMEM;

	if (err)
		*err = NULL;
	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; rc == 0 && tok;
	     tok = strtok_r(NULL, ",", &save))
		rc = spec_token(what, keys, n, dev, tok, err, warn);
	free(copy);
	if (rc == -EINVAL && err && *err) {
		char *msg = NULL;

		if (asprintf(&msg, "%s in %s spec '%s'", *err, what, spec) >= 0) {
			free(*err);
			*err = msg;
		}
	}
	return rc;
}

/* ---- writing ---- */

static bool spec_same_target(const struct spec_key *keys, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (keys[j].kind == keys[i].kind && keys[j].kind != SK_FN &&
		    keys[j].kind != SK_IGNORE && keys[j].off == keys[i].off)
			return true;
	return false;
}

/* The value of keys[i] in `dev` as text, or NULL when it equals `dflt`. */
static int spec_value(const struct spec_key *k, const void *dev, const void *dflt,
		      char **val, char **err)
{
	const char *p = (const char *)dev + k->off, *d = (const char *)dflt + k->off;
	int r = 0;

	*val = NULL;
	switch (k->kind) {
	case SK_STRING: {
		const char *s = *(char *const *)p, *ds = *(char *const *)d;

		if (!s || (ds && !strcmp(s, ds)))
			return 0;
		if (strchr(s, ','))
			return spec_fail(err, "%s value '%s' has a comma", k->key, s);
		*val = strdup(s);
		return *val ? 0 : -ENOMEM;
	}
	case SK_INT:
		if (*(const int *)p != *(const int *)d)
			r = asprintf(val, "%d", *(const int *)p);
		break;
	case SK_U32:
		if (*(const uint32_t *)p != *(const uint32_t *)d)
			r = asprintf(val, "%u", *(const uint32_t *)p);
		break;
	case SK_BOOL:
		if (*(const bool *)p != *(const bool *)d)
			r = asprintf(val, "%d", *(const bool *)p);
		break;
	case SK_DEFBOOL:
		if (*(const domcfg_defbool *)p != *(const domcfg_defbool *)d)
			r = asprintf(val, "%d", *(const domcfg_defbool *)p == DOMCFG_DEFBOOL_TRUE);
		break;
	case SK_FN: return k->fmt ? k->fmt(dev, val, err) : 0;
	case SK_IGNORE: return 0;
	}
	if (r < 0) {
		*val = NULL;
		return -ENOMEM;
	}
	return 0;
}

int spec_format(const char *what, const struct spec_key *keys, size_t n,
		const struct type_struct *t, const void *dev, FILE *out, char **err)
{
	void *dflt = malloc(t->size);
	bool first = true;
	char *val;
	int rc = 0;

	if (err)
		*err = NULL;
	if (!dflt)
		return -ENOMEM;
	type_init(t, dflt);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (spec_same_target(keys, i))
			continue;
		rc = spec_value(&keys[i], dev, dflt, &val, err);
		if (rc == 0 && val) {
			fprintf(out, "%s%s=%s", first ? "" : ",", keys[i].key, val);
			first = false;
		}
		free(val);
	}
	type_dispose(t, dflt);
	free(dflt);
	if (rc == -EINVAL && err && *err) {
		char *msg = NULL;

		if (asprintf(&msg, "%s: %s", what, *err) >= 0) {
			free(*err);
			*err = msg;
		}
	}
	return rc;
}
