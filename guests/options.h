/* The kernel command line: blank-separated words, each `key=value` or a bare
 * `key` (value "1").  Known keys are documented in docs/guest-kernel.md; the
 * others are kept so `info` can show them (xl adds e.g. root=). */
#ifndef GUEST_OPTIONS_H
#define GUEST_OPTIONS_H

#include <stdbool.h>

#define OPT_MAX 24

struct options {
	char buf[1024];			/* the command line, split in place */
	const char *key[OPT_MAX];
	const char *val[OPT_MAX];
	int n;
};

/* Copy and split a command line (at most 1023 bytes are kept). */
void options_parse(struct options *o, const char *cmdline);

/* The value of key, or def when absent. */
const char *options_get(const struct options *o, const char *key,
			const char *def);

/* The value of key as a number, or def when absent or not a number. */
unsigned long long options_get_num(const struct options *o, const char *key,
				   unsigned long long def);

#endif
