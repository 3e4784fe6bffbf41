/* cfg_tree: xl.cfg text -> a tree of settings, with Xen's grammar.
 *
 * The tree keeps every value with the line and column it came from, so the
 * conversion to the typed config (cfg_xl.c) can point at the offending spot.
 * Nothing here knows what a key means.
 */
#ifndef VMCTL_LIBVMCTL_CFG_TREE_H
#define VMCTL_LIBVMCTL_CFG_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "libvmctl/domcfg.h"

enum cfg_kind { CFG_STRING, CFG_NUMBER, CFG_LIST };

struct cfg_pos {
	const char *file;       /* borrowed from the cfg_tree */
	unsigned line, col;     /* 1-based; col counts bytes */
};

struct cfg_value {
	enum cfg_kind kind;
	struct cfg_pos pos;
	char *str;              /* STRING (decoded) and NUMBER (as written) */
	struct cfg_value **items;       /* LIST */
	size_t n;
};

struct cfg_setting {
	char *key;
	struct cfg_pos pos;     /* of the key */
	struct cfg_value *value;
	bool used;              /* set by the consumer, for "unknown key" warnings */
};

struct cfg_tree {
	char **files;           /* source names, owned (positions point here) */
	size_t num_files;
	struct cfg_setting *settings;   /* in order of first assignment */
	size_t n, cap;
	struct domcfg_msgs *msgs;       /* where errors and warnings go */
};

void cfg_tree_init(struct cfg_tree *t, struct domcfg_msgs *msgs);
void cfg_tree_dispose(struct cfg_tree *t);

/* Parse `len` bytes of `text` named `name` into `t`, on top of what is
 * already there: a repeated key replaces the earlier value (the last one
 * wins), `key += value` appends to it. 0, -EINVAL (t->msgs->error set) or
 * -ENOMEM. */
int cfg_tree_parse(struct cfg_tree *t, const char *name, const char *text, size_t len);

/* The setting named `key`, or NULL. */
struct cfg_setting *cfg_tree_find(struct cfg_tree *t, const char *key);

/* Record an error / a warning at `pos` (NULL: no position) about `key`
 * (NULL: none): "file:line:col: key: message". cfg_error returns -EINVAL;
 * only the first error is kept. */
int cfg_error(struct domcfg_msgs *m, const struct cfg_pos *pos, const char *key,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void cfg_warn(struct domcfg_msgs *m, const struct cfg_pos *pos, const char *key,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Free a value and everything under it. */
void cfg_value_free(struct cfg_value *v);

#endif
