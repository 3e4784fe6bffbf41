/* cfg_write: the generic part of the xl.cfg writer (see cfg_write.h) and
 * vmctl_cfg_format_xl(). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/cfg_write.h"
#include "libvmctl/domxml.h"

void cfg_write_quoted(FILE *out, const char *s)
{
	static const char from[] = "\"\\\a\b\f\n\r\t\v", to[] = "\"\\abfnrtv";

	fputc('"', out);
	for (; *s; s++) {
		const char *m = strchr(from, *s);

		if (m)
			fprintf(out, "\\%c", to[m - from]);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(out, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

void cfg_write_string(struct cfg_writer *w, const char *key, const char *s)
{
	fprintf(w->out, "%s = ", key);
	cfg_write_quoted(w->out, s);
	fputc('\n', w->out);
}

void cfg_write_strlist(struct cfg_writer *w, const char *key, char *const *l)
{
	fprintf(w->out, "%s = [", key);
	for (size_t i = 0; l[i]; i++) {
		fputs(i ? ", " : " ", w->out);
		cfg_write_quoted(w->out, l[i]);
	}
	fputs(" ]\n", w->out);
}

char *cfg_bitmap_format(const struct domcfg_bitmap *bm)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	const char *sep = "";

	if (!f)
		return NULL;
	for (uint32_t i = 0; i < bm->size; i++) {
		uint32_t j = i;

		if (!domcfg_bitmap_test(bm, i))
			continue;
		while (j + 1 < bm->size && domcfg_bitmap_test(bm, j + 1))
			j++;
		if (j == i)
			fprintf(f, "%s%u", sep, i);
		else
			fprintf(f, "%s%u-%u", sep, i, j);
		sep = ",";
		i = j;
	}
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int64_t field_value(const struct cfg_key *k, const struct domcfg_config *cfg)
{
	struct type_field f = { .kind = k->tkind, .off = k->off };

	return type_field_get(&f, cfg);
}

/* Memory sizes are whole MiB in xl.cfg: round up, and say so. */
static void write_mb(struct cfg_writer *w, const struct cfg_key *k, uint64_t kib)
{
	if (kib % 1024)
		cfg_warn(w->msgs, NULL, k->name, "%llu KiB rounded up to %llu MiB",
			 (unsigned long long)kib, (unsigned long long)(kib + 1023) / 1024);
	fprintf(w->out, "%s = %llu\n", k->name, (unsigned long long)(kib + 1023) / 1024);
}

static int write_key(struct cfg_writer *w, const struct cfg_key *k)
{
	const void *p = (const char *)w->cfg + k->off;
	int64_t v = 0, d = 0;

	if (k->kind == KEY_K_FN)
		return k->write(w, k);
	if (k->kind == KEY_K_STRING && *(char *const *)p)
		cfg_write_string(w, k->name, *(char *const *)p);
	if (k->kind == KEY_K_STRLIST && *(char **const *)p)
		cfg_write_strlist(w, k->name, *(char **const *)p);
	if (k->kind != KEY_K_INT && k->kind != KEY_K_MB && k->kind != KEY_K_DEFBOOL &&
	    k->kind != KEY_K_ENUM)
		return 0;
	v = field_value(k, w->cfg);
	d = field_value(k, &w->dflt);
	if (v == d)
		return 0;
	if (k->kind == KEY_K_INT)
		fprintf(w->out, "%s = %lld\n", k->name, (long long)v);
	else if (k->kind == KEY_K_MB)
		write_mb(w, k, (uint64_t)v);
	else if (k->kind == KEY_K_DEFBOOL)
		fprintf(w->out, "%s = %d\n", k->name, v == DOMCFG_DEFBOOL_TRUE);
	else if (type_enum_name(k->en, (int)v))
		cfg_write_string(w, k->name, type_enum_name(k->en, (int)v));
	else
		return cfg_error(w->msgs, NULL, k->name, "value %lld has no name", (long long)v);
	return 0;
}

int cfg_write_keys(const struct domcfg_config *cfg, bool (*want)(const char *key, void *arg),
		   void *arg, char **text, struct domcfg_msgs *msgs)
{
	struct cfg_writer w = { .cfg = cfg, .msgs = msgs };
	unsigned bit = cfg_type_bit(cfg->c_info.type);
	size_t len = 0;
	int rc = 0;

	*text = NULL;
	w.out = open_memstream(text, &len);
	if (!w.out)
		return -ENOMEM;
	domcfg_config_init(&w.dflt);
	for (size_t i = 0; rc == 0 && i < cfg_num_keys; i++) {
		const struct cfg_key *k = &cfg_keys[i];

		if ((k->types & bit) && k->kind != KEY_K_IGNORE && (!want || want(k->name, arg)))
			rc = write_key(&w, k);
	}
	domcfg_config_dispose(&w.dflt);
	if (fclose(w.out) != 0 && rc == 0)
		rc = -ENOMEM;
	if (rc) {
		free(*text);
		*text = NULL;
	}
	if (rc == -ENOMEM && msgs && !msgs->error)
		cfg_error(msgs, NULL, NULL, "out of memory");
	return rc;
}

int vmctl_cfg_format_xl(const struct domcfg_config *cfg, char **text_out,
			struct domcfg_msgs *msgs)
{
	return cfg_write_keys(cfg, NULL, NULL, text_out, msgs);
}
