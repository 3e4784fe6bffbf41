/* cfg_xl: xl.cfg file -> struct domcfg_config. The tree is walked in the
 * order of the key table (cfg_keys.def), not the file's order, so the guest
 * type is known before the keys that depend on it; keys no entry consumed
 * are reported as warnings where they stand. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "libvmctl/cfg_write.h"

/* ---- the key table ---- */

#define TARGET(f) ((struct domcfg_config *)0)->f
#define KIND_OF(f) _Generic(TARGET(f), \
	int: TK_INT, uint32_t: TK_U32, uint64_t: TK_U64, \
	domcfg_defbool: TK_DEFBOOL, default: TK_ENUM)
#define AT(f) .off = offsetof(struct domcfg_config, f), .tkind = KIND_OF(f)

#define KEY_STRING(n, t, f) { .name = n, .types = t, .kind = KEY_K_STRING, AT(f) },
#define KEY_INT(n, t, f, lo, hi) { .name = n, .types = t, .kind = KEY_K_INT, AT(f), .min = (lo), .max = (hi) },
#define KEY_MB(n, t, f) { .name = n, .types = t, .kind = KEY_K_MB, AT(f) },
#define KEY_DEFBOOL(n, t, f) { .name = n, .types = t, .kind = KEY_K_DEFBOOL, AT(f) },
#define KEY_ENUM(n, t, f, e) { .name = n, .types = t, .kind = KEY_K_ENUM, AT(f), .en = &type_enum_##e },
#define KEY_STRLIST(n, t, f) { .name = n, .types = t, .kind = KEY_K_STRLIST, AT(f) },
#define KEY_FN(n, t, h) { .name = n, .types = t, .kind = KEY_K_FN, .fn = h, .write = h##_write },
#define KEY_IGNORE(n) { .name = n, .types = CFG_ANY, .kind = KEY_K_IGNORE },

const struct cfg_key cfg_keys[] = {
#include "libvmctl/cfg_keys.def"
};
const size_t cfg_num_keys = ARRAY_SIZE(cfg_keys);

/* ---- value accessors ---- */

static const char *kind_name(const struct cfg_value *v)
{
	return v->kind == CFG_LIST ? "a list" : v->kind == CFG_NUMBER ? "a number" : "a string";
}

int cfg_set_string(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

/* xl keeps numbers as text, so a number is a fine string and a quoted
 * number a fine number. */
int cfg_get_string(struct cfg_conv *c, struct cfg_setting *s, const char **out)
{
	if (s->value->kind == CFG_LIST)
		return cfg_error(c->msgs, &s->value->pos, s->key,
				 "expected a string, found %s", kind_name(s->value));
	*out = s->value->str;
	return 0;
}

int cfg_get_number(struct cfg_conv *c, struct cfg_setting *s, const struct cfg_value *v,
		   long long min, long long max, long long *out)
{
	char *end;
	long long x;

	if (v->kind == CFG_LIST)
		return cfg_error(c->msgs, &v->pos, s->key, "expected a number, found %s",
				 kind_name(v));
	errno = 0;
	x = strtoll(v->str, &end, 0);
	if (end == v->str || *end || errno)
		return cfg_error(c->msgs, &v->pos, s->key, "'%s' is not a number", v->str);
	if (x < min || x > max)
		return cfg_error(c->msgs, &v->pos, s->key, "%lld is out of range (%lld..%lld)",
				 x, min, max);
	*out = x;
	return 0;
}

int cfg_get_bool(struct cfg_conv *c, struct cfg_setting *s, bool *out)
{
	long long x;
	int rc = cfg_get_number(c, s, s->value, LLONG_MIN, LLONG_MAX, &x);

	if (rc == 0)
		*out = x != 0;
	return rc;
}

static int strlist_from_list(struct cfg_conv *c, struct cfg_setting *s, char **l)
{
	const struct cfg_value *v = s->value;

	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->kind == CFG_LIST)
			return cfg_error(c->msgs, &v->items[i]->pos, s->key,
					 "expected a string in the list, found a list");
		l[i] = strdup(v->items[i]->str);
		if (!l[i])
			return -ENOMEM;
	}
	return 0;
}

int cfg_get_strlist(struct cfg_conv *c, struct cfg_setting *s, char ***out)
{
	size_t n = s->value->kind == CFG_LIST ? s->value->n : 1;
	char **l = calloc(n + 1, sizeof(*l));
	int rc = 0;

	if (!l)
		return -ENOMEM;
	if (s->value->kind == CFG_LIST)
		rc = strlist_from_list(c, s, l);
	else if (!(l[0] = strdup(s->value->str)))
		rc = -ENOMEM;
	if (rc) {
		type_strlist_free(l);
		return rc;
	}
	type_strlist_free(*out);
	*out = l;
	return 0;
}

/* ---- generic stores ---- */

static void *target(struct cfg_conv *c, const struct cfg_key *k)
{
	return (char *)c->cfg + k->off;
}

static void set_int(struct cfg_conv *c, const struct cfg_key *k, long long x)
{
	struct type_field f = { .kind = k->tkind, .off = k->off };

	type_field_set(&f, c->cfg, x);
}

static int store_enum(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	const char *str;
	int v, rc = cfg_get_string(c, s, &str);

	if (rc)
		return rc;
	if (type_enum_value(k->en, str, &v))
		return cfg_error(c->msgs, &s->value->pos, s->key, "unknown value '%s'", str);
	set_int(c, k, v);
	return 0;
}

static int store(struct cfg_conv *c, const struct cfg_key *k, struct cfg_setting *s)
{
	const char *str;
	long long x;
	bool b;
	int rc;

	switch (k->kind) {
	case KEY_K_STRING:
		rc = cfg_get_string(c, s, &str);
		return rc ? rc : cfg_set_string(target(c, k), str);
	case KEY_K_INT:
		rc = cfg_get_number(c, s, s->value, k->min, k->max, &x);
		if (rc == 0)
			set_int(c, k, x);
		return rc;
	case KEY_K_MB:
		rc = cfg_get_number(c, s, s->value, 0, 1LL << 40, &x);
		if (rc == 0)
			set_int(c, k, x * 1024);
		return rc;
	case KEY_K_DEFBOOL:
		rc = cfg_get_bool(c, s, &b);
		if (rc == 0)
			domcfg_defbool_set(target(c, k), b);
		return rc;
	case KEY_K_ENUM: return store_enum(c, k, s);
	case KEY_K_STRLIST: return cfg_get_strlist(c, s, target(c, k));
	case KEY_K_FN: return k->fn(c, k, s);
	case KEY_K_IGNORE:
		cfg_warn(c->msgs, &s->pos, s->key, "not supported by vmctl; ignored");
		return 0;
	}
	return 0;
}

unsigned cfg_type_bit(enum domcfg_domain_type t)
{
	return t == DOMCFG_TYPE_HVM ? CFG_HVM : t == DOMCFG_TYPE_PVH ? CFG_PVH : CFG_PV;
}

static const char *types_text(unsigned types)
{
	switch (types) {
	case CFG_HVM: return "HVM guests";
	case CFG_PV: return "PV guests";
	case CFG_PVH: return "PVH guests";
	case CFG_PVX: return "PV and PVH guests";
	case CFG_HVM | CFG_PVH: return "HVM and PVH guests";
	default: return "other guest types";
	}
}

/* Apply the keys of the tree in table order; keys for which want() says
 * no are left to the caller (NULL want: all). */
static int apply_keys(struct cfg_conv *c, bool (*want)(const char *key, void *arg),
		      void *arg)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(cfg_keys); i++) {
		const struct cfg_key *k = &cfg_keys[i];
		struct cfg_setting *s = cfg_tree_find(c->tree, k->name);

		if (!s || (want && !want(k->name, arg)))
			continue;
		s->used = true;
		if (!(k->types & cfg_type_bit(c->cfg->c_info.type))) {
			cfg_warn(c->msgs, &s->pos, s->key, "only applies to %s; ignored",
				 types_text(k->types));
			continue;
		}
		rc = store(c, k, s);
	}
	return rc;
}

static void warn_unknown(struct cfg_conv *c)
{
	for (size_t i = 0; i < c->tree->n; i++)
		if (!c->tree->settings[i].used)
			cfg_warn(c->msgs, &c->tree->settings[i].pos, c->tree->settings[i].key,
				 "unknown key; ignored");
}

/* ---- warnings in file order ---- */

/* Keys are applied in table order, so warnings come out of order; sort
 * them by source (the file, then each override), line and column. */
struct warn_key {
	size_t file, line, col, seq;
	char *text;
};

static struct warn_key warn_key_of(const struct cfg_tree *t, char *w, size_t seq)
{
	struct warn_key k = { .file = t->num_files, .seq = seq, .text = w };

	for (size_t i = 0; i < t->num_files; i++) {
		size_t n = strlen(t->files[i]);
		char *end;

		if (strncmp(w, t->files[i], n) != 0 || w[n] != ':')
			continue;
		k.file = i;
		k.line = strtoul(w + n + 1, &end, 10);
		k.col = *end == ':' ? strtoul(end + 1, NULL, 10) : 0;
		break;
	}
	return k;
}

static int warn_cmp(const void *pa, const void *pb)
{
	const struct warn_key *a = pa, *b = pb;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void sort_warnings(const struct cfg_tree *t, struct domcfg_msgs *m, size_t first)
{
	size_t n = m ? m->num_warnings - first : 0;
	struct warn_key *keys = n > 1 ? calloc(n, sizeof(*keys)) : NULL;

	if (!keys)
		return;         /* nothing to sort, or keep the order we have */
	for (size_t i = 0; i < n; i++)
		keys[i] = warn_key_of(t, m->warnings[first + i], i);
	qsort(keys, n, sizeof(*keys), warn_cmp);
	for (size_t i = 0; i < n; i++)
		m->warnings[first + i] = keys[i].text;
	free(keys);
}

/* ---- entry points ---- */

static int parse_overrides(struct cfg_tree *t, const char *const *overrides)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && overrides && overrides[i]; i++)
		rc = cfg_tree_parse(t, "command line", overrides[i], strlen(overrides[i]));
	return rc;
}

int domcfg_parse_buffer(struct domcfg_config *cfg, const char *name,
			const char *text, size_t len,
			const char *const *overrides, struct domcfg_msgs *msgs)
{
	struct cfg_tree tree;
	struct cfg_conv c = { .tree = &tree, .cfg = cfg, .msgs = msgs };
	size_t first = msgs ? msgs->num_warnings : 0;
	int rc;

	cfg_tree_init(&tree, msgs);
	if (cfg->c_info.type == DOMCFG_TYPE_INVALID)
		cfg->c_info.type = cfg->b_info.type = DOMCFG_TYPE_PV;   /* xl's x86 default */
	rc = cfg_tree_parse(&tree, name ? name : "config", text, len);
	if (rc == 0)
		rc = parse_overrides(&tree, overrides);
	if (rc == 0)
		rc = apply_keys(&c, NULL, NULL);
	if (rc == 0)
		rc = cfg_keys_finish(&c);
	if (rc == 0)
		warn_unknown(&c);
	sort_warnings(&tree, msgs, first);
	if (rc == -ENOMEM && msgs && !msgs->error)
		cfg_error(msgs, NULL, NULL, "out of memory");
	cfg_tree_dispose(&tree);
	return rc;
}

/* Config files are small; anything over this is not one. */
#define CFG_MAX_FILE (4u << 20)

static int read_file(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;
	int rc = 0;

	if (!f)
		return -errno;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 8192;
			nb = cap <= CFG_MAX_FILE * 2 ? realloc(buf, cap) : NULL;
			if (!nb) {
				rc = cap > CFG_MAX_FILE * 2 ? -EFBIG : -ENOMEM;
				break;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0 && n <= CFG_MAX_FILE);
	if (rc == 0 && ferror(f))
		rc = -EIO;
	if (rc == 0 && n > CFG_MAX_FILE)
		rc = -EFBIG;
	fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	*text = buf;
	*len = n;
	return 0;
}

int domcfg_parse_file(struct domcfg_config *cfg, const char *path,
		      const char *const *overrides, struct domcfg_msgs *msgs)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len);

	if (rc) {
		cfg_error(msgs, NULL, NULL, "%s: cannot read: %s", path, strerror(-rc));
		return rc;
	}
	rc = domcfg_parse_buffer(cfg, path, text, len, overrides, msgs);
	free(text);
	return rc;
}

int cfg_apply_some(struct domcfg_config *cfg, const char *name, const char *text,
		   size_t len, bool (*want)(const char *key, void *arg), void *arg,
		   struct domcfg_msgs *msgs)
{
	struct cfg_tree tree;
	struct cfg_conv c = { .tree = &tree, .cfg = cfg, .msgs = msgs };
	int rc;

	cfg_tree_init(&tree, msgs);
	rc = cfg_tree_parse(&tree, name, text, len);
	if (rc == 0)
		rc = apply_keys(&c, want, arg);
	for (size_t i = 0; rc == 0 && i < tree.n; i++)
		if (!tree.settings[i].used)
			cfg_warn(msgs, &tree.settings[i].pos, tree.settings[i].key,
				 "not taken from here; ignored");
	if (rc == -ENOMEM && msgs && !msgs->error)
		cfg_error(msgs, NULL, NULL, "out of memory");
	cfg_tree_dispose(&tree);
	return rc;
}
