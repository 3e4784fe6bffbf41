/* Kernel command-line parsing. */
#include "options.h"
#include "lib.h"

void options_parse(struct options *o, const char *cmdline)
{
	char *words[OPT_MAX];

	strlcpy(o->buf, cmdline, sizeof(o->buf));
	o->n = str_split(o->buf, words, OPT_MAX);
	for (int i = 0; i < o->n; i++) {
		char *eq = strchr(words[i], '=');

		o->key[i] = words[i];
		o->val[i] = "1";
		if (eq) {
			*eq = '\0';
			o->val[i] = eq + 1;
		}
	}
}

const char *options_get(const struct options *o, const char *key,
			const char *def)
{
	/* The last occurrence wins, as with xl's own config keys. */
	for (int i = o->n - 1; i >= 0; i--)
		if (strcmp(o->key[i], key) == 0)
			return o->val[i];
	return def;
}

unsigned long long options_get_num(const struct options *o, const char *key,
				   unsigned long long def)
{
	unsigned long long v;
	const char *s = options_get(o, key, NULL);

	if (!s || str_to_ull(s, &v) < 0)
		return def;
	return v;
}
