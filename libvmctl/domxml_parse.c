/* domxml_parse: libvirt domain XML -> struct domcfg_config (libxml2).
 *
 * Each element is handled by an entry of a table (the domain's children,
 * <os>'s, <features>', <devices>'); an element libvirt knows but vmctl
 * does not do is reported as a warning, one nobody knows is an error that
 * names it. Absent elements mean what they mean to libvirt (no <acpi/> is
 * ACPI off, no <graphics> is no display); what stays unsaid stays "not
 * set", as in a parsed xl.cfg. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "common/util.h"
#include "libvmctl/cfg_xl.h"
#include "libvmctl/domxml_int.h"
#include "libvmctl/domxml_parse.h"

/* Domain XML is small (libvirt caps strings at 4 MiB). */
#define DOMXML_MAX (4u << 20)

#define X(s) ((const xmlChar *)(s))

/* ---- messages and tree access ---- */

static __attribute__((format(printf, 2, 0)))
char *node_msg(xmlNodePtr n, const char *fmt, va_list ap)
{
	char *body = NULL, *out = NULL;

	if (vasprintf(&body, fmt, ap) < 0)
		return NULL;
	if (n && asprintf(&out, "%s:%ld: <%s>: %s", DOMXML_SOURCE, xmlGetLineNo(n),
			  (const char *)n->name, body) < 0)
		out = NULL;
	else if (!n && asprintf(&out, "%s: %s", DOMXML_SOURCE, body) < 0)
		out = NULL;
	free(body);
	return out;
}

int dx_error(struct dx *p, xmlNodePtr n, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = node_msg(n, fmt, ap);
	va_end(ap);
	if (p->msgs && !p->msgs->error)
		p->msgs->error = m;
	else
		free(m);
	return -EINVAL;
}

void dx_warn(struct dx *p, xmlNodePtr n, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = node_msg(n, fmt, ap);
	va_end(ap);
	if (m)
		cfg_warn(p->msgs, NULL, NULL, "%s", m);
	free(m);
}

/* Strings from the tree live until the parse ends. */
static const char *keep(struct dx *p, xmlChar *s)
{
	xmlChar **a;

	if (!s)
		return NULL;
	a = realloc(p->kept, (p->num_kept + 1) * sizeof(*a));
	if (!a) {
		xmlFree(s);
		p->oom = true;
		return NULL;
	}
	p->kept = a;
	p->kept[p->num_kept++] = s;
	return (const char *)s;
}

const char *dx_prop(struct dx *p, xmlNodePtr n, const char *name)
{
	return keep(p, xmlGetNoNsProp(n, X(name)));
}

const char *dx_text(struct dx *p, xmlNodePtr n)
{
	return keep(p, xmlNodeGetContent(n));
}

int dx_set(struct dx *p, char **dst, const char *v)
{
	char *s = v ? strdup(v) : NULL;

	if (v && !s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

int dx_number(struct dx *p, xmlNodePtr n, const char *what, const char *s,
	      long long min, long long max, long long *out)
{
	char *end;
	long long x;

	if (!s)
		return dx_error(p, n, "missing %s", what);
	errno = 0;
	x = strtoll(s, &end, 10);
	if (end == s || *end || errno || x < min || x > max)
		return dx_error(p, n, "%s '%s' is not a number in %lld..%lld", what, s, min, max);
	*out = x;
	return 0;
}

static bool in_ns(xmlNodePtr n, const char *href, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns && !strcmp((const char *)n->ns->href, href) &&
	       !strcmp((const char *)n->name, name);
}

/* Dispatch the element children of `n` through `t` (NULL name ends it):
 * a known element runs its handler (NULL: accepted, nothing to do),
 * a name in `skip` is warned about, anything else is an error. */
int dx_children(struct dx *p, xmlNodePtr n, const struct dx_elem *t,
		const char *const *skip)
{
	int rc = 0;

	for (xmlNodePtr c = n->children; rc == 0 && c; c = c->next) {
		const struct dx_elem *e = t;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns) {
			if (!in_ns(c, DOMXML_NS_XEN, "commandline"))
				dx_warn(p, c, "element of namespace %s is not for vmctl; ignored",
					(const char *)c->ns->href);
			continue;
		}
		while (e->name && strcmp(e->name, (const char *)c->name))
			e++;
		if (e->name) {
			rc = e->fn ? e->fn(p, c) : 0;
			continue;
		}
		for (size_t i = 0; skip && skip[i]; i++)
			if (!strcmp(skip[i], (const char *)c->name)) {
				dx_warn(p, c, "not supported by vmctl; ignored");
				goto next;
			}
		rc = dx_error(p, c, "unknown element in <%s>", (const char *)n->name);
next:;
	}
	return rc ? rc : p->oom ? -ENOMEM : 0;
}

/* A setting meant for other guest types: warned, not stored. */
bool dx_only(struct dx *p, xmlNodePtr n, unsigned types)
{
	if (types & cfg_type_bit(p->cfg->c_info.type))
		return true;
	dx_warn(p, n, "only applies to %s guests; ignored",
		types == CFG_HVM ? "HVM" : types == CFG_PV ? "PV" : "HVM and PVH");
	return false;
}

/* ---- identity, memory, vCPUs ---- */

static int el_name(struct dx *p, xmlNodePtr n)
{
	const char *s = dx_text(p, n);

	if (!s || !*s)
		return dx_error(p, n, "empty domain name");
	return dx_set(p, &p->cfg->c_info.name, s);
}

static int el_uuid(struct dx *p, xmlNodePtr n)
{
	const char *s = dx_text(p, n);

	if (!s || uuid_parse(s, p->cfg->c_info.uuid))
		return dx_error(p, n, "'%s' is not a UUID", s ? s : "");
	return 0;
}

static const struct { const char *unit; unsigned long long mul; } mem_units[] = {
	{ "b", 1 }, { "bytes", 1 }, { "KB", 1000 }, { "k", 1024 }, { "KiB", 1024 },
	{ "MB", 1000000 }, { "M", 1ull << 20 }, { "MiB", 1ull << 20 },
	{ "GB", 1000000000 }, { "G", 1ull << 30 }, { "GiB", 1ull << 30 },
	{ "TB", 1000000000000ull }, { "T", 1ull << 40 }, { "TiB", 1ull << 40 },
};

/* <memory unit='MiB'>512</memory> -> KiB, rounded up. */
static int mem_kib(struct dx *p, xmlNodePtr n, uint64_t *kib)
{
	const char *unit = dx_prop(p, n, "unit");
	unsigned long long mul = 1024;
	long long v;
	size_t i;
	int rc;

	for (i = 0; unit && i < ARRAY_SIZE(mem_units); i++)
		if (!strcmp(unit, mem_units[i].unit))
			break;
	if (unit && i == ARRAY_SIZE(mem_units))
		return dx_error(p, n, "unknown unit '%s'", unit);
	if (unit)
		mul = mem_units[i].mul;
	rc = dx_number(p, n, "size", dx_text(p, n), 0, (long long)((1ull << 50) / mul), &v);
	if (rc == 0)
		*kib = ((unsigned long long)v * mul + 1023) / 1024;
	return rc;
}

static int el_memory(struct dx *p, xmlNodePtr n)
{
	return mem_kib(p, n, &p->cfg->b_info.max_memkb);
}

static int el_current_memory(struct dx *p, xmlNodePtr n)
{
	return mem_kib(p, n, &p->cfg->b_info.target_memkb);
}

/* The CPU list syntax is xl's cpus= one: let its parser check it. */
static int apply_key(struct dx *p, xmlNodePtr n, const char *key, const char *value)
{
	char *text = NULL, *src = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc;

	if (!m)
		return -ENOMEM;
	fprintf(m, "%s = ", key);
	cfg_write_quoted(m, value);
	if (fclose(m) != 0 || asprintf(&src, "%s:%ld: <%s>", DOMXML_SOURCE, xmlGetLineNo(n),
				       (const char *)n->name) < 0) {
		free(text);
		return -ENOMEM;
	}
	rc = cfg_apply_some(p->cfg, src, text, len, NULL, NULL, p->msgs);
	free(text);
	free(src);
	return rc;
}

static int el_vcpu(struct dx *p, xmlNodePtr n)
{
	const char *cur = dx_prop(p, n, "current"), *cpuset = dx_prop(p, n, "cpuset");
	struct domcfg_b_info *b = &p->cfg->b_info;
	long long max, online;
	int rc = dx_number(p, n, "vCPU count", dx_text(p, n), 1, 128, &max);

	online = max;
	if (rc == 0 && cur)
		rc = dx_number(p, n, "current", cur, 1, max, &online);
	if (rc)
		return rc;
	free(b->avail_vcpus.map);
	b->avail_vcpus = (struct domcfg_bitmap){ 0 };
	for (long long i = 0; rc == 0 && i < online; i++)
		rc = domcfg_bitmap_set(&b->avail_vcpus, (uint32_t)i);
	b->max_vcpus = (int)max;
	if (rc == 0 && cpuset)
		rc = apply_key(p, n, "cpus", cpuset);
	return rc;
}

static int el_bootloader(struct dx *p, xmlNodePtr n)
{
	return dx_set(p, &p->cfg->b_info.bootloader, dx_text(p, n));
}

/* One string in libvirt; xl's list of arguments. */
static int el_bootloader_args(struct dx *p, xmlNodePtr n)
{
	const char *s = dx_text(p, n);
	char *copy = s ? strdup(s) : NULL, *save = NULL, *tok, **l = NULL;
	size_t k = 0;
	int rc = copy ? 0 : -ENOMEM;

	for (tok = copy ? strtok_r(copy, " \t\n", &save) : NULL; rc == 0 && tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char **nl = realloc(l, (k + 2) * sizeof(*l));

		if (!nl || !(nl[k] = strdup(tok))) {
			l = nl ? nl : l;
			rc = -ENOMEM;
			break;
		}
		l = nl;
		l[++k] = NULL;
	}
	free(copy);
	if (rc) {
		if (l)
			l[k] = NULL;
		type_strlist_free(l);
		return rc;
	}
	type_strlist_free(p->cfg->b_info.bootloader_args);
	p->cfg->b_info.bootloader_args = l;
	return 0;
}

/* ---- lifecycle ---- */

static int el_action(struct dx *p, xmlNodePtr n)
{
	const char *s = dx_text(p, n);
	enum domcfg_action_on_shutdown *dst = !strcmp((const char *)n->name, "on_poweroff") ?
		&p->cfg->on_poweroff : !strcmp((const char *)n->name, "on_reboot") ?
		&p->cfg->on_reboot : &p->cfg->on_crash;
	int v;

	if (!s || domxml_value_of(domxml_actions, s, &v))
		return dx_error(p, n, "unknown action '%s'", s ? s : "");
	*dst = v;
	return 0;
}

/* ---- the Xen namespace and the metadata ---- */

static int xen_commandline(struct dx *p, xmlNodePtr n)
{
	char ***dst = &p->cfg->b_info.extra;
	size_t k = 0;

	for (xmlNodePtr c = n->children; c; c = c->next) {
		const char *v;
		char **l;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		v = dx_prop(p, c, "value");
		if (strcmp((const char *)c->name, "arg") || !v)
			return dx_error(p, c, "expected <arg value='...'/>");
		while (*dst && (*dst)[k])
			k++;
		l = realloc(*dst, (k + 2) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		*dst = l;
		l[k] = strdup(v);
		l[k + 1] = NULL;
		if (!l[k])
			return -ENOMEM;
	}
	return 0;
}


/* <metadata> belongs to applications; only ours is read, after the rest. */
static int el_metadata(struct dx *p, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (!in_ns(c, DOMXML_NS_VMCTL, "xl"))
			continue;
		for (xmlNodePtr k = c->children; k; k = k->next)
			if (in_ns(k, DOMXML_NS_VMCTL, "cfg"))
				p->metadata = k;
	}
	return 0;
}

static int apply_metadata(struct dx *p)
{
	const char *text;

	if (!p->metadata)
		return 0;
	text = dx_text(p, p->metadata);
	if (!text)
		return p->oom ? -ENOMEM : 0;
	return cfg_apply_some(p->cfg, DOMXML_SOURCE " <vmctl:cfg>", text, strlen(text),
			      domxml_key_in_metadata, NULL, p->msgs);
}

/* ---- the domain element ---- */

static const struct dx_elem domain_elems[] = {
	{ "name", el_name }, { "uuid", el_uuid }, { "memory", el_memory },
	{ "currentMemory", el_current_memory }, { "vcpu", el_vcpu },
	{ "bootloader", el_bootloader }, { "bootloader_args", el_bootloader_args },
	{ "os", dx_os }, { "features", dx_features }, { "clock", dx_clock },
	{ "on_poweroff", el_action }, { "on_reboot", el_action }, { "on_crash", el_action },
	{ "devices", dx_devices }, { "metadata", el_metadata },
	{ "title", NULL }, { "description", NULL },
	{ NULL, NULL },
};

/* Valid libvirt domain children that vmctl does not do. */
static const char *const domain_skip[] = {
	"maxMemory", "vcpus", "iothreads", "iothreadids", "defaultiothread", "cputune",
	"memtune", "blkiotune", "memoryBacking", "numatune", "resource", "sysinfo", "idmap",
	"cpu", "pm", "perf", "seclabel", "keywrap", "launchSecurity", "genid",
	"on_lockfailure", "throttlegroups", NULL,
};

/* libvirt parses the guest type first too: other elements depend on it. */
static int find_type(struct dx *p, xmlNodePtr root)
{
	for (xmlNodePtr c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && !strcmp((const char *)c->name, "os"))
			return dx_os_type(p, c);
	return dx_error(p, root, "missing <os> with the guest type");
}

/* What an absent element means, set before the children are read. */
static void absent_defaults(struct dx *p)
{
	struct domcfg_config *cfg = p->cfg;

	cfg->on_reboot = DOMCFG_ACTION_RESTART;         /* as xl and libvirt */
	cfg->on_soft_reset = DOMCFG_ACTION_SOFT_RESET;
	if (cfg->c_info.type == DOMCFG_TYPE_HVM) {
		domcfg_defbool_set(&cfg->b_info.hvm.pae, false);
		domcfg_defbool_set(&cfg->b_info.apic, false);
		domcfg_defbool_set(&cfg->b_info.hvm.vnc.enable, false);
		domcfg_defbool_set(&cfg->b_info.hvm.sdl.enable, false);
		domcfg_defbool_set(&cfg->b_info.acpi, false);
	}
}

static int finish(struct dx *p, xmlNodePtr root)
{
	struct domcfg_b_info *b = &p->cfg->b_info;
	const uint64_t unset = (uint64_t)DOMCFG_MEMKB_DEFAULT;

	if (!p->cfg->c_info.name)
		return dx_error(p, root, "missing <name>");
	if (b->max_memkb == unset && b->target_memkb != unset)
		b->max_memkb = b->target_memkb;
	if (b->target_memkb == unset)
		b->target_memkb = b->max_memkb;
	if (b->max_memkb != unset && b->target_memkb > b->max_memkb)
		return dx_error(p, root, "<currentMemory> is larger than <memory>");
	return dx_devices_finish(p);
}

static int parse_root(struct dx *p, xmlNodePtr root)
{
	const char *type = dx_prop(p, root, "type");
	int rc;

	if (strcmp((const char *)root->name, "domain") || root->ns)
		return dx_error(p, root, "expected <domain>");
	if (!type)
		return dx_error(p, root, "missing type attribute (type='xen')");
	if (strcmp(type, "xen")) {
		dx_error(p, root, "domain type '%s' is not supported by vmctl (xen)", type);
		return -EOPNOTSUPP;
	}
	rc = find_type(p, root);
	if (rc)
		return rc;
	absent_defaults(p);
	rc = dx_children(p, root, domain_elems, domain_skip);
	for (xmlNodePtr c = root->children; rc == 0 && c; c = c->next)
		if (in_ns(c, DOMXML_NS_XEN, "commandline"))
			rc = xen_commandline(p, c);
	if (rc == 0)
		rc = finish(p, root);
	if (rc == 0)
		rc = apply_metadata(p);
	return rc;
}

static int read_doc(struct dx *p, const char *xml, size_t len, xmlDocPtr *doc)
{
	xmlParserCtxtPtr ctxt;
	const xmlError *e;

	if (len > DOMXML_MAX)
		return dx_error(p, NULL, "document of %zu bytes is too large", len);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	*doc = xmlCtxtReadMemory(ctxt, xml, (int)len, NULL, NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				 XML_PARSE_NOCDATA);
	e = xmlCtxtGetLastError(ctxt);
	if (!*doc) {
		char *msg = e && e->message ? strdup(e->message) : NULL;
		size_t n = msg ? strlen(msg) : 0;

		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		if (p->msgs && !p->msgs->error &&
		    asprintf(&p->msgs->error, "%s:%d: %s", DOMXML_SOURCE, e ? e->line : 0,
			     msg ? msg : "not well-formed XML") < 0)
			p->msgs->error = NULL;
		free(msg);
	}
	xmlFreeParserCtxt(ctxt);
	if (!*doc)
		return -EINVAL;
	if ((*doc)->intSubset || (*doc)->extSubset)
		return dx_error(p, NULL, "a DOCTYPE is not accepted in domain XML");
	return 0;
}

int vmctl_domxml_parse(const char *xml, size_t len, struct domcfg_config *cfg,
		       struct domcfg_msgs *msgs)
{
	struct dx p = { .cfg = cfg, .msgs = msgs };
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc = read_doc(&p, xml, len, &doc);

	root = rc == 0 ? xmlDocGetRootElement(doc) : NULL;
	if (rc == 0 && !root)
		rc = dx_error(&p, NULL, "empty document");
	if (rc == 0)
		rc = parse_root(&p, root);
	if (rc == 0 && p.oom)
		rc = -ENOMEM;
	for (size_t i = 0; i < p.num_kept; i++)
		xmlFree(p.kept[i]);
	free(p.kept);
	dx_devices_dispose(&p);
	if (doc)
		xmlFreeDoc(doc);
	if (rc == -ENOMEM && msgs && !msgs->error)
		cfg_error(msgs, NULL, NULL, "out of memory");
	return rc;
}
