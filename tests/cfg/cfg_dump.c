/* cfg_dump: parse an xl.cfg file and print the config as JSON (the golden
 * tests compare this output). Warnings go to stderr as "warning: ...", an
 * error as "error: ..." with exit status 1.
 *
 *   cfg_dump [-d] [-r] FILE [key=value ...]
 *     -d  apply domcfg_config_setdefault() (UUID and MACs stay random)
 *     -r  also check that JSON -> types -> JSON gives the same text, and
 *         that the config written as xl.cfg (vmctl_cfg_format_xl) parses
 *         back to the same JSON (not with -d: xl.cfg cannot say everything
 *         the defaults fill in, such as a vfb's own vkb's backend)
 *   cfg_dump -j FILE.json   read JSON instead and print it back
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvmctl/domcfg.h"
#include "libvmctl/domxml.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	buf = malloc(1 << 20);
	if (buf) {
		n = fread(buf, 1, (1 << 20) - 1, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static int roundtrip(const char *json)
{
	struct domcfg_config again;
	char *err = NULL, *json2 = NULL;
	int rc;

	domcfg_config_init(&again);
	rc = domcfg_config_from_json(&again, json, &err);
	if (rc == 0)
		json2 = domcfg_config_to_json(&again);
	if (rc || !json2 || strcmp(json, json2) != 0) {
		fprintf(stderr, "error: round trip differs%s%s\n", err ? ": " : "", err ? err : "");
		if (json2)
			fprintf(stderr, "%s\n", json2);
		rc = 1;
	}
	free(err);
	free(json2);
	domcfg_config_dispose(&again);
	return rc ? 1 : 0;
}

/* config -> xl.cfg text -> config: the JSON must not change. */
static int rewrite(const struct domcfg_config *cfg, const char *json)
{
	struct domcfg_config again;
	struct domcfg_msgs msgs;
	char *text = NULL, *json2 = NULL;
	int rc;

	domcfg_config_init(&again);
	domcfg_msgs_init(&msgs);
	rc = vmctl_cfg_format_xl(cfg, &text, &msgs);
	if (rc == 0)
		rc = domcfg_parse_buffer(&again, "written", text, strlen(text), NULL, &msgs);
	if (rc == 0 && !(json2 = domcfg_config_to_json(&again)))
		rc = -1;
	if (rc || strcmp(json, json2) != 0) {
		fprintf(stderr, "error: written xl.cfg differs%s%s\n%s\n%s\n", msgs.error ? ": " : "",
			msgs.error ? msgs.error : "", text ? text : "", json2 ? json2 : "");
		rc = 1;
	}
	free(text);
	free(json2);
	domcfg_msgs_dispose(&msgs);
	domcfg_config_dispose(&again);
	return rc ? 1 : 0;
}

static int from_json(const char *path)
{
	struct domcfg_config cfg;
	char *text = slurp(path), *err = NULL, *json = NULL;
	int rc = 1;

	domcfg_config_init(&cfg);
	if (text && domcfg_config_from_json(&cfg, text, &err) == 0)
		json = domcfg_config_to_json(&cfg);
	if (json) {
		printf("%s\n", json);
		rc = 0;
	} else {
		fprintf(stderr, "error: %s\n", err ? err : "cannot read");
	}
	free(text);
	free(err);
	free(json);
	domcfg_config_dispose(&cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct domcfg_config cfg;
	struct domcfg_msgs msgs;
	int opt, defaults = 0, check = 0, rc;
	char *json = NULL, *err = NULL;

	while ((opt = getopt(argc, argv, "drj")) != -1) {
		if (opt == 'd')
			defaults = 1;
		else if (opt == 'r')
			check = 1;
		else if (opt == 'j' && optind < argc)
			return from_json(argv[optind]);
		else
			return 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: cfg_dump [-d] [-r] FILE [key=value ...]\n");
		return 2;
	}
	domcfg_config_init(&cfg);
	domcfg_msgs_init(&msgs);
	rc = domcfg_parse_file(&cfg, argv[optind], (const char *const *)argv + optind + 1, &msgs);
	for (size_t i = 0; i < msgs.num_warnings; i++)
		fprintf(stderr, "warning: %s\n", msgs.warnings[i]);
	if (rc) {
		fprintf(stderr, "error: %s\n", msgs.error ? msgs.error : "failed");
	} else if (defaults && domcfg_config_setdefault(&cfg, &err)) {
		fprintf(stderr, "error: %s\n", err ? err : "setdefault failed");
		rc = 1;
	} else if (!(json = domcfg_config_to_json(&cfg))) {
		rc = 1;
	} else {
		printf("%s\n", json);
		if (check)
			rc = roundtrip(json) | (defaults ? 0 : rewrite(&cfg, json));
	}
	free(json);
	free(err);
	domcfg_msgs_dispose(&msgs);
	domcfg_config_dispose(&cfg);
	return rc ? 1 : 0;
}
