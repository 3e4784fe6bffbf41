/* cfg_disk: the disk spec mini-language (xl-disk-configuration(5),
 * reference §2.4): comma-separated key=value pairs, flags and up to four
 * positionals (target, format, vdev, access); "target=" takes the rest of
 * the string; deprecated "prefix:" forms and "vdev:cdrom" are accepted. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_spec.h"

struct disk_ctx {
	struct domcfg_disk *d;
	const char *spec;
	bool had_prefix;        /* deprecated "fmt:" form: no format positional */
	bool access_set;
	char **err;
};

static __attribute__((format(printf, 3, 4)))
int disk_fail(struct disk_ctx *x, const char *near, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r >= 0 && x->err && !*x->err &&
	    asprintf(x->err, "%s%s%s%s in disk spec '%s'", msg, near ? " near '" : "",
		     near ? near : "", near ? "'" : "", x->spec) < 0)
		*x->err = NULL;
	free(msg);
	return -EINVAL;
}

/* A string may be given once; an earlier empty value may be replaced. */
static int save_string(struct disk_ctx *x, const char *what, char **dst, const char *v)
{
	if (*dst && **dst)
		return disk_fail(x, v, "%s respecified", what);
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : -ENOMEM;
}

static int set_format(struct disk_ctx *x, const char *v)
{
	enum domcfg_disk_format f = DOMCFG_DISK_FORMAT_RAW;

	if (*v && (domcfg_disk_format_from_string(v, &f) || f == DOMCFG_DISK_FORMAT_UNKNOWN))
		return disk_fail(x, v, "unknown value for format");
	if (x->d->format != DOMCFG_DISK_FORMAT_UNKNOWN && x->d->format != f)
		return disk_fail(x, v, "format respecified");
	x->d->format = f;
	return 0;
}

static int set_access(struct disk_ctx *x, const char *v)
{
	if (!strcmp(v, "r") || !strcmp(v, "ro"))
		x->d->readwrite = 0;
	else if (!strcmp(v, "rw") || !strcmp(v, "w") || !*v)
		x->d->readwrite = 1;
	else
		return disk_fail(x, v, "unknown value for access");
	x->access_set = true;
	return 0;
}

static int set_devtype(struct disk_ctx *x, const char *v)
{
	if (!strcmp(v, "cdrom"))
		x->d->is_cdrom = 1;
	else if (!strcmp(v, "disk"))
		x->d->is_cdrom = 0;
	else
		return disk_fail(x, v, "unknown value for devtype");
	return 0;
}

static int set_backendtype(struct disk_ctx *x, const char *v)
{
	enum domcfg_disk_backend b;

	if (domcfg_disk_backend_from_string(v, &b) || b == DOMCFG_DISK_BACKEND_UNKNOWN)
		return disk_fail(x, v, "unknown value for backendtype");
	if (x->d->backend != DOMCFG_DISK_BACKEND_UNKNOWN && x->d->backend != b)
		return disk_fail(x, v, "backendtype respecified");
	x->d->backend = b;
	return 0;
}

static int set_specification(struct disk_ctx *x, const char *v)
{
	enum domcfg_disk_specification s;

	if (domcfg_disk_specification_from_string(v, &s) || s == DOMCFG_DISK_SPEC_UNKNOWN)
		return disk_fail(x, v, "unknown value for specification");
	x->d->specification = s;
	return 0;
}

static int set_vdev(struct disk_ctx *x, const char *v)
{
	return save_string(x, "vdev", &x->d->vdev, v);
}

static int set_backend(struct disk_ctx *x, const char *v)
{
	return save_string(x, "backend", &x->d->backend_domname, v);
}

static int set_script(struct disk_ctx *x, const char *v)
{
	return save_string(x, "script", &x->d->script, v);
}

static const struct {
	const char *key;
	int (*set)(struct disk_ctx *x, const char *v);
} disk_keys[] = {
	{ "format", set_format }, { "devtype", set_devtype }, { "access", set_access },
	{ "backend", set_backend }, { "backendtype", set_backendtype },
	{ "specification", set_specification }, { "vdev", set_vdev }, { "script", set_script },
};

/* Flags; the value is what the flag sets. */
static int disk_flag(struct disk_ctx *x, const char *tok)
{
	struct domcfg_disk *d = x->d;

	if (!strcmp(tok, "cdrom"))
		d->is_cdrom = 1;
	else if (!strcmp(tok, "direct-io-safe"))
		d->direct_io_safe = true;
	else if (!strcmp(tok, "discard") || !strcmp(tok, "no-discard"))
		domcfg_defbool_set(&d->discard_enable, tok[0] == 'd');
	else if (!strcmp(tok, "trusted") || !strcmp(tok, "untrusted"))
		domcfg_defbool_set(&d->trusted, tok[0] == 't');
	else
		return 0;
	return 1;
}

static int disk_keyval(struct disk_ctx *x, char *tok)
{
	char *eq = strchr(tok, '=');

	*eq = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(disk_keys); i++)
		if (!strcmp(tok, disk_keys[i].key))
			return disk_keys[i].set(x, eq + 1);
	*eq = '=';
	return disk_fail(x, tok, "unknown parameter");
}

/* "vdev:cdrom" / "vdev:disk" in the vdev position; 1 if it was that. */
static int vdev_devtype(struct disk_ctx *x, char *tok, int *rc)
{
	char *colon = strrchr(tok, ':');

	if (!colon)
		return 0;
	*colon = '\0';
	*rc = set_vdev(x, tok);
	if (*rc == 0)
		*rc = set_devtype(x, colon + 1);
	return 1;
}

static int disk_positional(struct disk_ctx *x, char *tok)
{
	struct domcfg_disk *d = x->d;
	int rc = 0;

	if (!d->pdev_path)
		return save_string(x, "target", &d->pdev_path, tok);
	if (!x->had_prefix && d->format == DOMCFG_DISK_FORMAT_UNKNOWN) {
		if (!*d->pdev_path && vdev_devtype(x, tok, &rc)) {
			d->format = DOMCFG_DISK_FORMAT_EMPTY;
			return rc;
		}
		return set_format(x, tok);
	}
	if (!d->vdev)
		return vdev_devtype(x, tok, &rc) ? rc : set_vdev(x, tok);
	if (!x->access_set)
		return set_access(x, tok);
	return disk_fail(x, tok, "too many positional parameters");
}

static int prefix_done(struct disk_ctx *x, size_t n)
{
	x->had_prefix = true;
	return (int)n + 1;
}

/* Deprecated "word:" before the target: a format, a block script, or
 * noise. Returns the prefix length consumed, 0 if none, -EINVAL. */
static int disk_prefix(struct disk_ctx *x, const char *p)
{
	static const char *const formats[] = { "raw", "qcow", "qcow2", "vhd" };
	static const char *const scripts[] = { "iscsi", "nbd", "enbd", "drbd" };
	static const char *const noise[] = { "tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy" };
	size_t n = 0;
	char word[16], script[32];

	while (n < sizeof(word) - 1 && ((p[n] >= 'a' && p[n] <= 'z') ||
					(n && p[n] >= '0' && p[n] <= '9')))
		n++;
	if (n == 0 || p[n] != ':')
		return 0;
	memcpy(word, p, n);
	word[n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(word, formats[i]))
			return set_format(x, word) ? -EINVAL : prefix_done(x, n);
	for (size_t i = 0; i < ARRAY_SIZE(scripts); i++) {
		if (strcmp(word, scripts[i]))
			continue;
		snprintf(script, sizeof(script), "block-%s", word);
		return set_script(x, script) ? -EINVAL : prefix_done(x, n);
	}
	for (size_t i = 0; i < ARRAY_SIZE(noise); i++)
		if (!strcmp(word, noise[i]))
			return prefix_done(x, n);
	/* "hdc:cdrom" or "host:port" are not prefixes: letters or digits follow. */
	if ((p[n + 1] >= 'a' && p[n + 1] <= 'z') || (p[n + 1] >= '0' && p[n + 1] <= '9'))
		return 0;
	return disk_fail(x, word, "unknown deprecated disk prefix");
}

static int disk_token(struct disk_ctx *x, char *tok)
{
	if (disk_flag(x, tok))
		return 0;
	if (strchr(tok, '='))
		return disk_keyval(x, tok);
	return disk_positional(x, tok);
}

static int disk_finish(struct disk_ctx *x)
{
	struct domcfg_disk *d = x->d;

	if (d->format == DOMCFG_DISK_FORMAT_UNKNOWN)
		d->format = DOMCFG_DISK_FORMAT_RAW;
	if (d->is_cdrom) {
		d->removable = 1;
		d->readwrite = 0;
		if (!d->pdev_path || !*d->pdev_path)
			d->format = DOMCFG_DISK_FORMAT_EMPTY;
	}
	if (!d->vdev)
		return disk_fail(x, NULL, "no vdev specified");
	if (domcfg_vdev_to_devid(d->vdev, NULL, NULL) < 0)
		return disk_fail(x, d->vdev, "invalid virtual disk name (xvdX, hdX, sdX, dNpM "
				 "or a number)");
	if ((!d->pdev_path || !*d->pdev_path) && !d->removable)
		return disk_fail(x, NULL, "no target specified (and device not removable)");
	return 0;
}

static int disk_scan(struct disk_ctx *x, char *p)
{
	int rc = 0, n;

	while (rc == 0) {
		char *comma;

		p += strspn(p, " \t\n");
		if (!*p)
			break;
		if (!strncmp(p, "target=", 7)) {
			size_t len = strlen(p);

			if (p[len - 1] == ',')
				p[len - 1] = '\0';
			return save_string(x, "target", &x->d->pdev_path, p + 7);
		}
		n = x->d->pdev_path ? 0 : disk_prefix(x, p);
		if (n < 0)
			return n;
		if (n > 0) {
			p += n;
			continue;
		}
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		rc = disk_token(x, p);
		if (!comma)
			break;
		p = comma + 1;
	}
	return rc;
}

int domcfg_disk_parse(struct domcfg_disk *disk, const char *spec, char **err)
{
	struct disk_ctx x = { .d = disk, .spec = spec, .err = err };
	char *copy = strdup(spec);
	int rc;

	if (err)
		*err = NULL;
	if (!copy)
		return -ENOMEM;
	disk->readwrite = 1;
	rc = disk_scan(&x, copy);
	if (rc == 0)
		rc = disk_finish(&x);
	free(copy);
	return rc;
}

/* ---- writing: the spec domcfg_disk_parse() reads back ---- */

static int disk_put(FILE *out, const char *key, const char *v, char **err)
{
	if (strchr(v, ','))
		return spec_fail(err, "disk %s '%s' has a comma", key, v);
	fprintf(out, "%s=%s,", key, v);
	return 0;
}

static void disk_flags(const struct domcfg_disk *d, FILE *out)
{
	if (d->is_cdrom)
		fputs("devtype=cdrom,", out);
	if (d->direct_io_safe)
		fputs("direct-io-safe,", out);
	if (d->discard_enable != DOMCFG_DEFBOOL_DEFAULT)
		fputs(d->discard_enable == DOMCFG_DEFBOOL_TRUE ? "discard," : "no-discard,", out);
	if (d->trusted != DOMCFG_DEFBOOL_DEFAULT)
		fputs(d->trusted == DOMCFG_DEFBOOL_TRUE ? "trusted," : "untrusted,", out);
}

/* Keys first, the target last: "target=" takes the rest of the spec, so
 * a path may hold commas. */
int cfg_disk_format(const struct domcfg_disk *d, FILE *out, char **err)
{
	int rc = 0;

	if (err)
		*err = NULL;
	if (!d->vdev)
		return spec_fail(err, "disk without a vdev");
	if (d->format != DOMCFG_DISK_FORMAT_UNKNOWN)
		rc = disk_put(out, "format", domcfg_disk_format_to_string(d->format), err);
	if (rc == 0)
		rc = disk_put(out, "vdev", d->vdev, err);
	if (rc == 0 && !d->is_cdrom)
		rc = disk_put(out, "access", d->readwrite ? "rw" : "ro", err);
	if (rc == 0 && d->backend_domname)
		rc = disk_put(out, "backend", d->backend_domname, err);
	if (rc == 0 && d->backend != DOMCFG_DISK_BACKEND_UNKNOWN)
		rc = disk_put(out, "backendtype", domcfg_disk_backend_to_string(d->backend), err);
	if (rc == 0 && d->specification != DOMCFG_DISK_SPEC_UNKNOWN)
		rc = disk_put(out, "specification",
			      domcfg_disk_specification_to_string(d->specification), err);
	if (rc == 0 && d->script)
		rc = disk_put(out, "script", d->script, err);
	if (rc == 0)
		disk_flags(d, out);
	if (rc == 0 && d->pdev_path)
		fprintf(out, "target=%s", d->pdev_path);
	return rc;
}
