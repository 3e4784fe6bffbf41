/* xl domxml-to-cfg / cfg-to-domxml: convert between libvirt domain XML and
 * xl.cfg on the spot. Both are pure conversions of files, so they use
 * libvmctl's converters (libvmctl/domxml.h) directly and need no xld; the
 * same code serves virsh domxml-from-native/-to-native through xld. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml.h"
#include "xl/xl.h"

/* Domain XML and xl.cfg files are small; libvirt caps XML at 4 MiB. */
#define DOMXML_FILE_MAX (4u << 20)

/* The whole of `path` ("-": standard input) in *text; 0 or -errno. */
static int slurp(const char *path, char **text, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *buf = f ? malloc(DOMXML_FILE_MAX + 1) : NULL;
	size_t n = 0, got;
	int rc = 0;

	if (!f)
		return -errno;
	if (!buf)
		rc = -ENOMEM;
	while (rc == 0 && (got = fread(buf + n, 1, DOMXML_FILE_MAX + 1 - n, f)) > 0)
		n += got;
	if (rc == 0 && ferror(f))
		rc = -EIO;
	if (rc == 0 && n > DOMXML_FILE_MAX)
		rc = -EFBIG;
	if (f != stdin)
		fclose(f);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static int report(struct domcfg_msgs *m, int rc, const char *out)
{
	for (size_t i = 0; i < m->num_warnings; i++)
		fprintf(stderr, "xl: warning: %s\n", m->warnings[i]);
	if (rc) {
		fprintf(stderr, "xl: %s\n", m->error ? m->error : strerror(-rc));
		return 1;
	}
	fputs(out, stdout);
	if (*out && out[strlen(out) - 1] != '\n')
		fputc('\n', stdout);
	return 0;
}

/* One conversion: `text` (from file `name`) -> *out, with messages. */
typedef int (*convert_fn)(const char *name, const char *text, size_t len,
			  const char *const *overrides, char **out, struct domcfg_msgs *m);

static int xml_to_cfg(const char *name, const char *text, size_t len,
		      const char *const *overrides, char **out, struct domcfg_msgs *m)
{
	struct domcfg_config cfg;
	int rc;

	domcfg_config_init(&cfg);
	rc = vmctl_domxml_parse(text, len, &cfg, m);
	if (rc == 0)
		rc = vmctl_cfg_format_xl(&cfg, out, m);
	domcfg_config_dispose(&cfg);
	return rc;
}

/* The overrides work as for xl create. */
static int cfg_to_xml(const char *name, const char *text, size_t len,
		      const char *const *overrides, char **out, struct domcfg_msgs *m)
{
	struct domcfg_config cfg;
	int rc;

	domcfg_config_init(&cfg);
	rc = domcfg_parse_buffer(&cfg, name, text, len, overrides, m);
	if (rc == 0)
		rc = vmctl_domxml_format(&cfg, NULL, VMCTL_DOMXML_SECURE, out, m);
	domcfg_config_dispose(&cfg);
	return rc;
}

/* argv: command, file, overrides... */
static int convert(int argc, char **argv, convert_fn fn)
{
	struct domcfg_msgs m;
	char *text = NULL, *out = NULL;
	size_t len = 0;
	int rc, st;

	rc = slurp(argv[1], &text, &len);
	if (rc) {
		fprintf(stderr, "xl: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	domcfg_msgs_init(&m);
	rc = fn(argv[1], text, len, (const char *const *)argv + 2, &out, &m);
	st = report(&m, rc, out);
	free(out);
	free(text);
	domcfg_msgs_dispose(&m);
	return st;
}

int cmd_domxml_to_cfg(struct xl *xl, int argc, char **argv)
{
	return argc == 2 ? convert(argc, argv, xml_to_cfg) : xl_usage(argv[0]);
}

int cmd_cfg_to_domxml(struct xl *xl, int argc, char **argv)
{
	return argc >= 2 ? convert(argc, argv, cfg_to_xml) : xl_usage(argv[0]);
}
