/* domxml_check: the round trips of libvirt domain XML <-> domain config,
 * for tests/domxml/domxml.sh (TAP is made there).
 *
 *   domxml_check cfg FILE.cfg [OUT.xml]
 *       1. the parsed config C0 -> XML -> config -> XML: both XML texts equal
 *          (the XML we write is a fixed point);
 *       2. unless the formatter warned that it left something out, and
 *          if C0 takes the defaults (C1 = setdefault(C0); a PV guest
 *          without a kernel gets one first): C1 -> XML ->
 *          config -> setdefault gives C1's JSON again, and so does
 *          C1 -> XML -> xl.cfg (domxml-to-native) -> config -> setdefault;
 *       writes the XML of C0 to OUT.xml (for the schema check).
 *   domxml_check xml FILE.xml [OUT.xml]
 *       XML -> config -> XML -> config -> XML: the last two equal; OUT.xml
 *       gets the first XML written.
 *   domxml_check bad FILE.xml
 *       the parse must fail; prints the error message.
 * Messages go to stderr; exit 0 when every check passed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domxml.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = f ? malloc(1 << 22) : NULL;

	*len = buf ? fread(buf, 1, (1 << 22) - 1, f) : 0;
	if (buf)
		buf[*len] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void show(const char *what, struct domcfg_msgs *m)
{
	for (size_t i = 0; i < m->num_warnings; i++)
		fprintf(stderr, "warning: %s: %s\n", what, m->warnings[i]);
	if (m->error)
		fprintf(stderr, "error: %s: %s\n", what, m->error);
	domcfg_msgs_dispose(m);
}

/* *lossy (may be NULL): whether the formatter said it left something out. */
static int to_xml_lossy(const struct domcfg_config *cfg, char **xml, bool *lossy)
{
	struct domcfg_msgs m;
	int rc;

	domcfg_msgs_init(&m);
	rc = vmctl_domxml_format(cfg, NULL, VMCTL_DOMXML_SECURE, xml, &m);
	if (lossy)
		*lossy = m.num_warnings > 0;
	show("format", &m);
	return rc;
}

static int to_xml(const struct domcfg_config *cfg, char **xml)
{
	return to_xml_lossy(cfg, xml, NULL);
}

static int from_xml(const char *xml, struct domcfg_config *cfg)
{
	struct domcfg_msgs m;
	int rc;

	domcfg_msgs_init(&m);
	domcfg_config_init(cfg);
	rc = vmctl_domxml_parse(xml, strlen(xml), cfg, &m);
	show("parse", &m);
	return rc;
}

/* XML -> config -> XML; *out = the second XML. */
static int again(const char *xml, char **out)
{
	struct domcfg_config cfg;
	int rc = from_xml(xml, &cfg);

	*out = NULL;
	if (rc == 0)
		rc = to_xml(&cfg, out);
	domcfg_config_dispose(&cfg);
	return rc;
}

static int same(const char *what, const char *a, const char *b)
{
	if (a && b && !strcmp(a, b))
		return 0;
	fprintf(stderr, "error: %s differ:\n--- first\n%s\n--- second\n%s\n", what,
		a ? a : "(none)", b ? b : "(none)");
	return 1;
}

static int fixpoint(const char *xml1)
{
	char *xml2 = NULL, *xml3 = NULL;
	int bad = again(xml1, &xml2) || again(xml2, &xml3) || same("XML round trips", xml2, xml3);

	free(xml2);
	free(xml3);
	return bad;
}

static char *defaulted_json(struct domcfg_config *cfg)
{
	char *err = NULL, *json = NULL;

	if (domcfg_config_setdefault(cfg, &err) == 0)
		json = domcfg_config_to_json(cfg);
	else
		fprintf(stderr, "note: no defaults: %s\n", err ? err : "?");
	free(err);
	return json;
}

/* C1 -> XML -> (xl.cfg ->) config -> setdefault: C1's JSON again. */
static int defaults_trip(struct domcfg_config *c1, const char *json1, bool native)
{
	struct domcfg_config c2;
	struct domcfg_msgs m;
	char *xml = NULL, *text = NULL, *json2 = NULL;
	int rc = to_xml(c1, &xml);

	domcfg_config_init(&c2);
	domcfg_msgs_init(&m);
	if (rc == 0 && native) {
		rc = vmctl_domxml_to_native("xen-xl", xml, strlen(xml), &text, &m);
		if (rc == 0)
			rc = domcfg_parse_buffer(&c2, "native", text, strlen(text), NULL, &m);
		show("to native", &m);
	} else if (rc == 0) {
		domcfg_config_dispose(&c2);
		rc = from_xml(xml, &c2);
	}
	if (rc == 0)
		json2 = defaulted_json(&c2);
	rc = rc || same(native ? "configs via xl.cfg" : "configs via XML", json1, json2);
	if (rc && text)
		fprintf(stderr, "--- xl.cfg\n%s", text);
	free(xml);
	free(text);
	free(json2);
	domcfg_config_dispose(&c2);
	return rc;
}

static int check_cfg(const char *path, FILE *out)
{
	struct domcfg_config c0;
	struct domcfg_msgs m;
	char *xml = NULL, *json1 = NULL;
	bool lossy = false;
	int bad;

	domcfg_config_init(&c0);
	domcfg_msgs_init(&m);
	bad = domcfg_parse_file(&c0, path, NULL, &m) != 0;
	show("xl.cfg", &m);
	/* Parser tests' PV configs may lack a kernel; the defaults want one. */
	if (!bad && c0.c_info.type != DOMCFG_TYPE_HVM && !c0.b_info.kernel &&
	    !c0.b_info.bootloader && !(c0.b_info.kernel = strdup("/boot/test-kernel")))
		bad = 1;
	bad = bad || to_xml_lossy(&c0, &xml, &lossy) || fixpoint(xml);
	if (!bad && out)
		fputs(xml, out);
	if (!bad && lossy)
		fprintf(stderr, "note: the XML leaves things out (see the warnings): "
			"no config round trip\n");
	else if (!bad && (json1 = defaulted_json(&c0)))
		bad = defaults_trip(&c0, json1, false) | defaults_trip(&c0, json1, true);
	free(xml);
	free(json1);
	domcfg_config_dispose(&c0);
	return bad;
}

static int check_xml(const char *path, FILE *out)
{
	size_t len;
	char *text = slurp(path, &len), *xml = NULL;
	int bad = !text || again(text, &xml) || fixpoint(xml);

	if (!bad && out)
		fputs(xml, out);
	free(text);
	free(xml);
	return bad;
}

static int check_bad(const char *path)
{
	struct domcfg_config cfg;
	struct domcfg_msgs m;
	size_t len;
	char *text = slurp(path, &len);
	int rc;

	domcfg_msgs_init(&m);
	domcfg_config_init(&cfg);
	rc = text ? vmctl_domxml_parse(text, len, &cfg, &m) : -EIO;
	if (rc && m.error)
		printf("%s\n", m.error);
	domcfg_msgs_dispose(&m);
	domcfg_config_dispose(&cfg);
	free(text);
	return rc ? 0 : 1;
}

int main(int argc, char **argv)
{
	FILE *out = NULL;
	int bad;

	if (argc < 3)
		return 2;
	if (argc > 3 && !(out = fopen(argv[3], "w")))
		return 2;
	if (!strcmp(argv[1], "cfg"))
		bad = check_cfg(argv[2], out);
	else if (!strcmp(argv[1], "xml"))
		bad = check_xml(argv[2], out);
	else
		bad = check_bad(argv[2]);
	if (out)
		fclose(out);
	return bad;
}
