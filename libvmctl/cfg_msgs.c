/* cfg_msgs: the error and warnings of one parse, each prefixed with
 * "file:line:col: key: " so the user can go straight to the spot. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "libvmctl/cfg_tree.h"

void domcfg_msgs_init(struct domcfg_msgs *m)
{
	m->error = NULL;
	m->warnings = NULL;
	m->num_warnings = 0;
}

void domcfg_msgs_dispose(struct domcfg_msgs *m)
{
	free(m->error);
	for (size_t i = 0; i < m->num_warnings; i++)
		free(m->warnings[i]);
	free(m->warnings);
	domcfg_msgs_init(m);
}

static __attribute__((format(printf, 3, 0)))
char *msg_format(const struct cfg_pos *pos, const char *key,
			const char *fmt, va_list ap)
{
	char *body = NULL, *out = NULL;
	int r;

	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (pos && key)
		r = asprintf(&out, "%s:%u:%u: %s: %s", pos->file, pos->line, pos->col, key, body);
	else if (pos)
		r = asprintf(&out, "%s:%u:%u: %s", pos->file, pos->line, pos->col, body);
	else if (key)
		r = asprintf(&out, "%s: %s", key, body);
	else
		r = asprintf(&out, "%s", body);
	free(body);
	return r < 0 ? NULL : out;
}

int cfg_error(struct domcfg_msgs *m, const struct cfg_pos *pos, const char *key,
	      const char *fmt, ...)
{
	va_list ap;

	if (!m || m->error)
		return -EINVAL;
	va_start(ap, fmt);
	m->error = msg_format(pos, key, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void cfg_warn(struct domcfg_msgs *m, const struct cfg_pos *pos, const char *key,
	      const char *fmt, ...)
{
	char **w;
	char *s;
	va_list ap;

	if (!m)
		return;
	va_start(ap, fmt);
	s = msg_format(pos, key, fmt, ap);
	va_end(ap);
	w = s ? realloc(m->warnings, (m->num_warnings + 1) * sizeof(*w)) : NULL;
	if (!w) {
		free(s);
		return;
	}
	w[m->num_warnings++] = s;
	m->warnings = w;
}
