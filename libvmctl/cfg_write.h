/* cfg_write: struct domcfg_config -> xl.cfg text, the inverse of the
 * parser (cfg_xl.c), driven by the same key table (cfg_keys.def): each
 * plain key writes its field when it differs from domcfg_config_init()'s,
 * each KEY_FN key has a writer <handler>_write (cfg_write_keys.c) that
 * writes nothing when the config holds what the parser makes of an absent
 * key. Whatever is written parses back to an equal config. */
#ifndef VMCTL_LIBVMCTL_CFG_WRITE_H
#define VMCTL_LIBVMCTL_CFG_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "libvmctl/cfg_xl.h"

struct cfg_writer {
	FILE *out;
	const struct domcfg_config *cfg;
	struct domcfg_config dflt;      /* domcfg_config_init()'s values */
	struct domcfg_msgs *msgs;
};

/* Write the keys of `cfg` for which want(key, arg) is true (NULL: all) as
 * xl.cfg text, malloc'd in *text. 0, -EINVAL (msgs->error names the key)
 * or -ENOMEM. */
int cfg_write_keys(const struct domcfg_config *cfg, bool (*want)(const char *key, void *arg),
		   void *arg, char **text, struct domcfg_msgs *msgs);

/* Helpers for the writers. */
/* `s` as an xl.cfg string literal (double quotes, escapes). */
void cfg_write_quoted(FILE *out, const char *s);
/* "key = " then the quoted string and a newline. */
void cfg_write_string(struct cfg_writer *w, const char *key, const char *s);
/* A CPU set as "0-3,6" (malloc'd; "" for an empty set; NULL on ENOMEM). */
char *cfg_bitmap_format(const struct domcfg_bitmap *bm);
/* A list of quoted strings. */
void cfg_write_strlist(struct cfg_writer *w, const char *key, char *const *l);

#endif
