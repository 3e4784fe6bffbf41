/* libFuzzer target for the xl.cfg parser, the spec mini-languages and the
 * JSON round trip. Built only when asked (clang needed):
 *
 *   make tests/cfg/fuzz_cfg CC=clang     (in a build configured with CC=clang)
 *   mkdir -p corpus && ./tests/cfg/fuzz_cfg -max_len=4096 corpus \
 *       $top_srcdir/docs/examples $top_srcdir/tests/cfg/golden
 *
 * libFuzzer writes new inputs into the FIRST directory: keep it a scratch
 * one, never the source tree.
 *
 * Checked: messages are positioned, JSON round trips, and the config
 * written back as xl.cfg (vmctl_cfg_format_xl) parses to the same JSON.
 * The same body is run by test_cfg_fuzz in make check, over mutations of
 * the example and corpus files. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domcfg.h"
#include "libvmctl/domxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every message of a parse of "fuzz" must say where it comes from. */
static int fuzz_msgs_ok(int rc, const struct domcfg_msgs *m)
{
	if (rc == -EINVAL && (!m->error || strncmp(m->error, "fuzz:", 5) != 0))
		return 0;
	for (size_t i = 0; i < m->num_warnings; i++)
		if (strncmp(m->warnings[i], "fuzz:", 5) != 0)
			return 0;
	return rc == 0 || rc == -EINVAL;
}

/* types -> JSON -> types -> JSON must give the same text, and so must a
 * deep copy. */
static int fuzz_round_trip(const struct domcfg_config *cfg)
{
	struct domcfg_config again, copy;
	char *a = domcfg_config_to_json(cfg), *b = NULL, *c = NULL, *err = NULL;
	int good;

	domcfg_config_init(&again);
	domcfg_config_init(&copy);
	good = a && domcfg_config_from_json(&again, a, &err) == 0 &&
	       (b = domcfg_config_to_json(&again)) && strcmp(a, b) == 0 &&
	       domcfg_config_copy(&copy, cfg) == 0 &&
	       (c = domcfg_config_to_json(&copy)) && strcmp(a, c) == 0;
	free(a);
	free(b);
	free(c);
	free(err);
	domcfg_config_dispose(&again);
	domcfg_config_dispose(&copy);
	return good;
}

/* config -> xl.cfg text -> config must give the same JSON (the writer is
 * the parser's inverse); a value xl.cfg cannot hold may fail with a
 * message. */
static int fuzz_rewrite(const struct domcfg_config *cfg)
{
	struct domcfg_config again;
	struct domcfg_msgs m;
	char *text = NULL, *a = NULL, *b = NULL;
	int rc, good;

	domcfg_config_init(&again);
	domcfg_msgs_init(&m);
	rc = vmctl_cfg_format_xl(cfg, &text, &m);
	if (rc == -EINVAL) {
		good = m.error != NULL;
	} else {
		good = rc == 0 &&
		       domcfg_parse_buffer(&again, "rewrite", text, strlen(text), NULL, &m) == 0 &&
		       (a = domcfg_config_to_json(cfg)) && (b = domcfg_config_to_json(&again)) &&
		       strcmp(a, b) == 0;
	}
	free(text);
	free(a);
	free(b);
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&again);
	return good;
}

static int fuzz_config(const uint8_t *data, size_t size)
{
	struct domcfg_config cfg;
	struct domcfg_msgs msgs;
	char *err = NULL;
	int rc, good;

	domcfg_config_init(&cfg);
	domcfg_msgs_init(&msgs);
	rc = domcfg_parse_buffer(&cfg, "fuzz", (const char *)data, size, NULL, &msgs);
	good = fuzz_msgs_ok(rc, &msgs);
	if (good && rc == 0) {
		good = fuzz_round_trip(&cfg) && fuzz_rewrite(&cfg);
		rc = domcfg_config_setdefault(&cfg, &err);
		good = good && (rc == 0 || (rc == -EINVAL && err)) && fuzz_round_trip(&cfg);
	}
	free(err);
	domcfg_msgs_dispose(&msgs);
	domcfg_config_dispose(&cfg);
	return good;
}

/* The same bytes as one device spec of each kind and as a vdev. */
static int fuzz_specs(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size);
	struct domcfg_disk d;
	struct domcfg_nic n;
	struct domcfg_vfb f;
	char *err = NULL;
	int good = 1, rc;

	if (!s)
		return 1;
	domcfg_disk_init(&d);
	domcfg_nic_init(&n);
	domcfg_vfb_init(&f);
	rc = domcfg_disk_parse(&d, s, &err);
	good &= rc == 0 ? d.vdev != NULL && domcfg_vdev_to_devid(d.vdev, NULL, NULL) >= 0
			: rc == -EINVAL && err != NULL;
	free(err);
	err = NULL;
	rc = domcfg_nic_parse(&n, s, &err, NULL);
	good &= rc == 0 || (rc == -EINVAL && err != NULL);
	free(err);
	err = NULL;
	rc = domcfg_vfb_parse(&f, s, &err, NULL);
	good &= rc == 0 || (rc == -EINVAL && err != NULL);
	free(err);
	rc = domcfg_vdev_to_devid(s, NULL, NULL);
	good &= rc >= 0 || rc == -EINVAL;
	domcfg_disk_dispose(&d);
	domcfg_nic_dispose(&n);
	domcfg_vfb_dispose(&f);
	free(s);
	return good;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_config(data, size) || !fuzz_specs(data, size))
		abort();
	return 0;
}
