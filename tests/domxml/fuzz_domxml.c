/* libFuzzer target for the domain XML parser and formatter. Built only
 * when asked (clang needed):
 *
 *   make tests/domxml/fuzz_domxml CC=clang   (in a build configured with CC=clang)
 *   mkdir -p corpus && ./tests/domxml/fuzz_domxml -max_len=8192 corpus \
 *       $top_srcdir/tests/domxml/xml $top_srcdir/tests/domxml/bad
 *
 * Checked for every input: the parse ends in 0, -EINVAL or -EOPNOTSUPP,
 * a failure has a message naming "domain XML" and every warning does too;
 * an accepted document formats, its XML parses again and formats to the
 * same text (a fixed point), and its config written as xl.cfg parses. The
 * same body is run by test_domxml_fuzz in make check. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_msgs_ok(int rc, const struct domcfg_msgs *m)
{
	if (rc && (!m->error || strncmp(m->error, "domain XML", 10) != 0))
		return 0;
	for (size_t i = 0; i < m->num_warnings; i++)
		if (strncmp(m->warnings[i], "domain XML", 10) != 0)
			return 0;
	return rc == 0 || rc == -EINVAL || rc == -EOPNOTSUPP;
}

/* XML -> config -> XML; 1 if that worked, with *xml set. */
static int fuzz_again(const char *in, char **xml)
{
	struct domcfg_config cfg;
	int rc;

	domcfg_config_init(&cfg);
	rc = vmctl_domxml_parse(in, strlen(in), &cfg, NULL);
	*xml = NULL;
	if (rc == 0)
		rc = vmctl_domxml_format(&cfg, NULL, VMCTL_DOMXML_SECURE, xml, NULL);
	domcfg_config_dispose(&cfg);
	return rc == 0;
}

static int fuzz_accepted(const struct domcfg_config *cfg)
{
	struct domcfg_config back;
	char *x1 = NULL, *x2 = NULL, *x3 = NULL, *text = NULL;
	int good;

	domcfg_config_init(&back);
	good = vmctl_domxml_format(cfg, NULL, VMCTL_DOMXML_SECURE, &x1, NULL) == 0 &&
	       fuzz_again(x1, &x2) && fuzz_again(x2, &x3) && strcmp(x2, x3) == 0;
	if (good && vmctl_cfg_format_xl(cfg, &text, NULL) == 0)
		good = domcfg_parse_buffer(&back, "rewrite", text, strlen(text), NULL, NULL) == 0;
	free(x1);
	free(x2);
	free(x3);
	free(text);
	domcfg_config_dispose(&back);
	return good;
}

static int fuzz_domxml(const uint8_t *data, size_t size)
{
	struct domcfg_config cfg;
	struct domcfg_msgs m;
	int rc, good;

	domcfg_config_init(&cfg);
	domcfg_msgs_init(&m);
	rc = vmctl_domxml_parse((const char *)data, size, &cfg, &m);
	good = fuzz_msgs_ok(rc, &m);
	if (good && rc == 0)
		good = fuzz_accepted(&cfg);
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&cfg);
	return good;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fuzz_domxml(data, size))
		abort();
	return 0;
}
