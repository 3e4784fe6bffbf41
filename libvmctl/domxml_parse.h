/* domxml_parse: the state of one domain XML parse and the helpers its
 * parts share (domxml_parse.c: the domain element; domxml_parse_os.c:
 * <os>, <features>, <clock>; domxml_parse_dev.c: <devices>). */
#ifndef VMCTL_LIBVMCTL_DOMXML_PARSE_H
#define VMCTL_LIBVMCTL_DOMXML_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "libvmctl/cfg_write.h"
#include "libvmctl/domxml_int.h"

struct dx {
	struct domcfg_config *cfg;
	struct domcfg_msgs *msgs;
	xmlChar **kept;                 /* strings taken from the tree */
	size_t num_kept;
	bool oom;
	xmlNodePtr metadata;            /* our <vmctl:cfg>, applied last */
	char **serials;                 /* HVM serial ports in order */
	size_t num_serials;
};

/* A handler of one child element; NULL fn: accepted, nothing to do. */
struct dx_elem {
	const char *name;
	int (*fn)(struct dx *p, xmlNodePtr n);
};

/* "domain XML:LINE: <elem>: ..." as the error (-EINVAL) or a warning. */
int dx_error(struct dx *p, xmlNodePtr n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dx_warn(struct dx *p, xmlNodePtr n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An attribute / the text of an element, valid until the parse ends;
 * NULL if absent (or out of memory: p->oom). */
const char *dx_prop(struct dx *p, xmlNodePtr n, const char *name);
const char *dx_text(struct dx *p, xmlNodePtr n);
/* *dst = copy of v (NULL: NULL); 0 or -ENOMEM. */
int dx_set(struct dx *p, char **dst, const char *v);
/* A decimal number in min..max, else an error naming `what`. */
int dx_number(struct dx *p, xmlNodePtr n, const char *what, const char *s,
	      long long min, long long max, long long *out);
/* Run `t` over the element children of `n`; names in `skip` (NULL-ended,
 * may be NULL) are warned about, unknown ones are errors. */
int dx_children(struct dx *p, xmlNodePtr n, const struct dx_elem *t,
		const char *const *skip);
/* Whether the guest's type is in `types` (CFG_*); if not, warn. */
bool dx_only(struct dx *p, xmlNodePtr n, unsigned types);

/* domxml_parse_os.c */
int dx_os_type(struct dx *p, xmlNodePtr os);    /* the guest type only */
int dx_os(struct dx *p, xmlNodePtr n);
int dx_features(struct dx *p, xmlNodePtr n);
int dx_clock(struct dx *p, xmlNodePtr n);

/* domxml_parse_dev.c */
int dx_devices(struct dx *p, xmlNodePtr n);
int dx_devices_finish(struct dx *p);    /* after all elements */
void dx_devices_dispose(struct dx *p);

#endif
