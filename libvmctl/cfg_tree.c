/* cfg_tree: the statement and value grammar of xl.cfg (Xen's
 * libxlu_cfg_y.y, re-stated) on top of cfg_lex, and the settings store
 * with its "last assignment wins" and "+=" rules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_lex.h"
#include "libvmctl/cfg_tree.h"

/* Lists nest; a hostile file must not be able to exhaust the stack. */
#define CFG_MAX_DEPTH 32

void cfg_tree_init(struct cfg_tree *t, struct domcfg_msgs *msgs)
{
	*t = (struct cfg_tree){ .msgs = msgs };
}

void cfg_value_free(struct cfg_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		cfg_value_free(v->items[i]);
	free(v->items);
	free(v->str);
	free(v);
}

void cfg_tree_dispose(struct cfg_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->settings[i].key);
		cfg_value_free(t->settings[i].value);
	}
	free(t->settings);
	for (size_t i = 0; i < t->num_files; i++)
		free(t->files[i]);
	free(t->files);
	cfg_tree_init(t, t->msgs);
}

struct cfg_setting *cfg_tree_find(struct cfg_tree *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->settings[i].key, key) == 0)
			return &t->settings[i];
	return NULL;
}

static int expect(struct cfg_lex *lx, const char *what)
{
	return cfg_error(lx->msgs, &lx->pos, lx->key, "expected %s, found %s",
			 what, cfg_lex_describe(lx));
}

static int skip_newlines(struct cfg_lex *lx)
{
	int rc = 0;

	while (rc == 0 && lx->tok == TOK_NEWLINE)
		rc = cfg_lex_next(lx);
	return rc;
}

static int list_push(struct cfg_value *list, struct cfg_value *item)
{
	struct cfg_value **items = realloc(list->items, (list->n + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	items[list->n++] = item;
	list->items = items;
	return 0;
}

static int parse_value(struct cfg_lex *lx, struct cfg_value **out, int depth);

/* '[' already current. Newlines may follow '[', values and commas; a
 * trailing comma is allowed. */
static int parse_list_items(struct cfg_lex *lx, struct cfg_value *list, int depth)
{
	struct cfg_value *item;
	int rc;

	rc = cfg_lex_next(lx);
	while (rc == 0 && (rc = skip_newlines(lx)) == 0 && lx->tok != TOK_RBRACK) {
		item = NULL;
		rc = parse_value(lx, &item, depth + 1);
		if (rc == 0 && (rc = list_push(list, item)) != 0)
			cfg_value_free(item);
		if (rc == 0)
			rc = skip_newlines(lx);
		if (rc == 0 && lx->tok == TOK_COMMA)
			rc = cfg_lex_next(lx);
		else if (rc == 0 && lx->tok != TOK_RBRACK)
			rc = expect(lx, "',' or ']' in the list");
	}
	return rc;
}

/* A value starts at the current token; on success the token after it is
 * current. */
static int parse_value(struct cfg_lex *lx, struct cfg_value **out, int depth)
{
	struct cfg_value *v;
	int rc;

	if (lx->tok != TOK_STRING && lx->tok != TOK_NUMBER && lx->tok != TOK_LBRACK)
		return expect(lx, "a value (string, number or list)");
	if (depth > CFG_MAX_DEPTH)
		return cfg_error(lx->msgs, &lx->pos, lx->key,
				 "lists nested deeper than %d levels", CFG_MAX_DEPTH);
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->pos = lx->pos;
	if (lx->tok == TOK_LBRACK) {
		v->kind = CFG_LIST;
		rc = parse_list_items(lx, v, depth);
	} else {
		v->kind = lx->tok == TOK_STRING ? CFG_STRING : CFG_NUMBER;
		v->str = lx->val;
		lx->val = NULL;
		rc = 0;
	}
	if (rc == 0)
		rc = cfg_lex_next(lx);
	if (rc)
		cfg_value_free(v);
	else
		*out = v;
	return rc;
}

static int append_string(struct cfg_value *old, struct cfg_value *add)
{
	size_t a = strlen(old->str), b = strlen(add->str);
	char *s = realloc(old->str, a + b + 1);

	if (!s)
		return -ENOMEM;
	memcpy(s + a, add->str, b + 1);
	old->str = s;
	return 0;
}

static int append_list(struct cfg_value *old, struct cfg_value *add)
{
	struct cfg_value **items;

	if (add->n == 0)
		return 0;
	items = realloc(old->items, (old->n + add->n) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	memcpy(items + old->n, add->items, add->n * sizeof(*items));
	old->items = items;
	old->n += add->n;
	add->n = 0;
	return 0;
}

/* "key += value": concatenate strings or lists, as xl does. */
static int setting_append(struct cfg_tree *t, struct cfg_setting *s,
			  struct cfg_value *v, const struct cfg_pos *pos)
{
	int rc;

	if (s->value->kind == CFG_NUMBER || v->kind == CFG_NUMBER)
		return cfg_error(t->msgs, pos, s->key, "'+=' cannot be used with numbers");
	if (s->value->kind != v->kind)
		return cfg_error(t->msgs, pos, s->key,
				 "'+=' cannot join a %s and a %s",
				 s->value->kind == CFG_LIST ? "list" : "string",
				 v->kind == CFG_LIST ? "list" : "string");
	rc = v->kind == CFG_LIST ? append_list(s->value, v) : append_string(s->value, v);
	if (rc == 0)
		cfg_value_free(v);
	return rc;
}

static int settings_grow(struct cfg_tree *t)
{
	size_t cap = t->cap ? t->cap * 2 : 16;
	struct cfg_setting *n;

	if (t->n < t->cap)
		return 0;
	n = realloc(t->settings, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->settings = n;
	t->cap = cap;
	return 0;
}

/* Takes ownership of `key` and `v` whatever happens. */
static int setting_store(struct cfg_tree *t, char *key, const struct cfg_pos *pos,
			 struct cfg_value *v, int append)
{
	struct cfg_setting *s = cfg_tree_find(t, key);
	int rc = 0;

	if (s && append) {
		rc = setting_append(t, s, v, pos);
		v = rc ? v : NULL;
	} else if (s) {
		cfg_value_free(s->value);
		s->value = v;
		s->pos = *pos;
		v = NULL;
	} else if ((rc = settings_grow(t)) == 0) {
		t->settings[t->n++] = (struct cfg_setting){ .key = key, .pos = *pos, .value = v };
		return 0;
	}
	cfg_value_free(v);
	free(key);
	return rc;
}

/* One "key = value" or "key += value" statement, IDENT current. */
static int parse_statement(struct cfg_tree *t, struct cfg_lex *lx)
{
	struct cfg_pos pos = lx->pos;
	struct cfg_value *v = NULL;
	char *key = lx->val;
	int append, rc;

	lx->val = NULL;
	lx->key = key;
	rc = cfg_lex_next(lx);
	if (rc == 0 && lx->tok != TOK_EQ && lx->tok != TOK_PLUSEQ)
		rc = expect(lx, "'=' or '+=' after the key");
	append = lx->tok == TOK_PLUSEQ;
	if (rc == 0)
		rc = cfg_lex_next(lx);
	if (rc == 0)
		rc = parse_value(lx, &v, 0);
	if (rc == 0 && lx->tok != TOK_NEWLINE && lx->tok != TOK_SEMI && lx->tok != TOK_EOF)
		rc = expect(lx, "end of line or ';' after the value");
	if (rc == 0) {
		lx->key = NULL;
		return setting_store(t, key, &pos, v, append);
	}
	lx->key = NULL;
	cfg_value_free(v);
	free(key);
	return rc;
}

static int tree_add_file(struct cfg_tree *t, const char *name, const char **stored)
{
	char **files = realloc(t->files, (t->num_files + 1) * sizeof(*files));

	if (!files)
		return -ENOMEM;
	t->files = files;
	files[t->num_files] = strdup(name);
	if (!files[t->num_files])
		return -ENOMEM;
	*stored = files[t->num_files++];
	return 0;
}

int cfg_tree_parse(struct cfg_tree *t, const char *name, const char *text, size_t len)
{
	struct cfg_lex lx;
	const char *file;
	int rc = tree_add_file(t, name, &file);

	if (rc)
		return rc;
	cfg_lex_init(&lx, file, text, len, t->msgs);
	rc = cfg_lex_next(&lx);
	while (rc == 0 && lx.tok != TOK_EOF) {
		if (lx.tok == TOK_NEWLINE || lx.tok == TOK_SEMI)
			rc = cfg_lex_next(&lx);
		else if (lx.tok == TOK_IDENT)
			rc = parse_statement(t, &lx);
		else
			rc = expect(&lx, "a key (lowercase name)");
	}
	cfg_lex_dispose(&lx);
	return rc;
}
