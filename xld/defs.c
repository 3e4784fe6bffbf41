/* Persistent definitions (see defs.h). One file per definition,
 * $VMCTL_STATEDIR/defs/<uuid>.json = {"autostart": bool, "config": {...}},
 * written atomically; the name and UUID are read back from the config. */
#include "xld/defs.h"
#include "xld/xld.h"
#include "xld/create.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/libvmctl.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#define DEF_FILE_MAX (16u << 20)

static char *defs_dir(struct xld *xld)
{
	return path_join(xld->opt.statedir, "defs");
}

static char *def_path(struct xld *xld, const uint8_t uuid[16])
{
	char us[37], *p;

	uuid_unparse_lower(uuid, us);
	if (asprintf(&p, "%s/defs/%s.json", xld->opt.statedir, us) < 0)
		return NULL;
	return p;
}

/* {"autostart": b, "config": <config_json as an object>} */
static int def_write(struct xld *xld, const struct xld_def *def)
{
	char err[128], *path = def_path(xld, def->uuid);
	yajl_val cfg = yajl_tree_parse(def->config_json, err, sizeof(err));
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int rc = -ENOMEM;

	if (!path || !g || !cfg)
		goto out;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	rpc_gen_str(g, "autostart");
	yajl_gen_bool(g, def->autostart);
	rpc_gen_str(g, "config");
	vmctl_json_gen_tree(g, cfg);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	rc = write_file_atomic(path, buf, len, 0600);
	if (rc < 0)
		log_error("cannot write %s: %s", path, strerror(-rc));
out:
	yajl_gen_free(g);
	yajl_tree_free(cfg);
	free(path);
	return rc;
}

static char *file_text(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size < DEF_FILE_MAX &&
	    (text = malloc((size_t)st.st_size + 1)) &&
	    read_all(fd, text, (size_t)st.st_size) == 0) {
		text[st.st_size] = '\0';
	} else {
		free(text);
		text = NULL;
	}
	close(fd);
	return text;
}

static void def_free(struct xld_def *def)
{
	free(def->config_json);
	free(def);
}

/* A definition from a config; the config's name and UUID name it. */
static struct xld_def *def_new(const struct domcfg_config *cfg, const char *json, bool autostart)
{
	struct xld_def *def = calloc(1, sizeof(*def));

	if (!def || !(def->config_json = strdup(json))) {
		free(def);
		return NULL;
	}
	snprintf(def->name, sizeof(def->name), "%s", cfg->c_info.name ? cfg->c_info.name : "");
	memcpy(def->uuid, cfg->c_info.uuid, 16);
	def->autostart = autostart;
	return def;
}

static struct xld_def *def_load(const char *path)
{
	char err[256], *text = file_text(path), *json = NULL;
	yajl_val v = text ? yajl_tree_parse(text, err, sizeof(err)) : NULL;
	const char *cp[] = { "config", NULL }, *ap[] = { "autostart", NULL };
	yajl_val cfgv = v ? yajl_tree_get(v, cp, yajl_t_object) : NULL;
	yajl_val auto_v = v ? yajl_tree_get(v, ap, yajl_t_any) : NULL;
	yajl_gen g = yajl_gen_alloc(NULL);
	struct domcfg_config cfg;
	struct xld_def *def = NULL;
	const unsigned char *buf;
	size_t len;
	char *perr = NULL;

	domcfg_config_init(&cfg);
	if (!cfgv || !g)
		goto out;
	vmctl_json_gen_tree(g, cfgv);
	yajl_gen_get_buf(g, &buf, &len);
	json = strndup((const char *)buf, len);
	if (json && domcfg_config_from_json(&cfg, json, &perr) == 0 && cfg.c_info.name &&
	    xld_domain_name_valid(cfg.c_info.name))
		def = def_new(&cfg, json, auto_v && YAJL_IS_TRUE(auto_v));
out:
	if (!def)
		log_error("ignoring definition %s: %s", path, perr ? perr : "not a definition file");
	domcfg_config_dispose(&cfg);
	yajl_gen_free(g);
	yajl_tree_free(v);
	free(perr);
	free(json);
	free(text);
	return def;
}

static int is_def_file(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return len > 5 && strcmp(e->d_name + len - 5, ".json") == 0;
}

/* Add one file's definition unless its name or UUID is taken already. */
static bool defs_add_file(struct xld *xld, const char *dir, const char *file)
{
	char *path = path_join(dir, file);
	struct xld_def *def = path ? def_load(path) : NULL;

	free(path);
	if (!def)
		return false;
	if (xld_def_by_name(xld, def->name) || xld_def_by_uuid(xld, def->uuid)) {
		log_error("ignoring definition %s: its name or uuid is defined twice", file);
		def_free(def);
		return false;
	}
	def->next = xld->defs;
	xld->defs = def;
	return true;
}

/* In file name order, so that a start-up reads them the same every time. */
int xld_defs_load(struct xld *xld)
{
	char *dir = defs_dir(xld);
	struct dirent **files = NULL;
	int n = 0, nfiles;

	if (!dir || mkdir_p(dir, 0700) < 0 || (nfiles = scandir(dir, &files, is_def_file, alphasort)) < 0) {
		free(dir);
		return -errno;
	}
	for (int i = 0; i < nfiles; i++) {
		n += defs_add_file(xld, dir, files[i]->d_name);
		free(files[i]);
	}
	free(files);
	free(dir);
	return n;
}

void xld_defs_free(struct xld *xld)
{
	while (xld->defs) {
		struct xld_def *def = xld->defs;
		xld->defs = def->next;
		def_free(def);
	}
}

struct xld_def *xld_def_by_name(struct xld *xld, const char *name)
{
	for (struct xld_def *def = xld->defs; def; def = def->next)
		if (strcmp(def->name, name) == 0)
			return def;
	return NULL;
}

struct xld_def *xld_def_by_uuid(struct xld *xld, const uint8_t uuid[16])
{
	for (struct xld_def *def = xld->defs; def; def = def->next)
		if (memcmp(def->uuid, uuid, 16) == 0)
			return def;
	return NULL;
}

struct xld_def *xld_def_lookup(struct xld *xld, const char *s)
{
	uuid_t u;

	if (!s)
		return NULL;
	if (strlen(s) == 36 && uuid_parse(s, u) == 0)
		return xld_def_by_uuid(xld, u);
	return xld_def_by_name(xld, s);
}

struct xld_domain *xld_def_domain(struct xld *xld, const struct xld_def *def)
{
	for (struct xld_domain *d = xld->domains; d; d = d->next)
		if (memcmp(d->uuid, def->uuid, 16) == 0)
			return d;
	return NULL;
}

struct xld_def *xld_domain_def(struct xld *xld, const struct xld_domain *d)
{
	return xld_def_by_uuid(xld, d->uuid);
}

static int def_fail(int *code, char *msg, size_t cap, int c, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int def_fail(int *code, char *msg, size_t cap, int c, const char *fmt, ...)
{
	va_list ap;

	*code = c;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* A config without a UUID updates the domain of that name, if any. */
static void inherit_uuid(struct xld *xld, struct domcfg_config *cfg)
{
	static const uint8_t zero[16];
	struct xld_def *def = xld_def_by_name(xld, cfg->c_info.name);
	struct xld_domain *d = xld_domain_by_name(xld, cfg->c_info.name);

	if (memcmp(cfg->c_info.uuid, zero, 16) != 0)
		return;
	if (def)
		memcpy(cfg->c_info.uuid, def->uuid, 16);
	else if (d)
		memcpy(cfg->c_info.uuid, d->uuid, 16);
}

/* The name and the UUID must not belong to two different domains. */
static int check_identity(struct xld *xld, const struct domcfg_config *cfg,
			  int *code, char *msg, size_t cap)
{
	const char *name = cfg->c_info.name;
	const uint8_t *uuid = cfg->c_info.uuid;
	struct xld_def *by_name = xld_def_by_name(xld, name), *by_uuid = xld_def_by_uuid(xld, uuid);
	struct xld_domain *run_name = xld_domain_by_name(xld, name);
	char us[37];

	if (by_name && by_name != by_uuid) {
		uuid_unparse_lower(by_name->uuid, us);
		return def_fail(code, msg, cap, RPC_ERR_EXISTS, "domain '%s' is already defined with uuid %s",
				name, us);
	}
	if (run_name && memcmp(run_name->uuid, uuid, 16) != 0) {
		uuid_unparse_lower(run_name->uuid, us);
		return def_fail(code, msg, cap, RPC_ERR_EXISTS, "domain '%s' is already running with uuid %s",
				name, us);
	}
	for (struct xld_domain *d = xld->domains; d; d = d->next) {
		if (memcmp(d->uuid, uuid, 16) == 0 && strcmp(d->name, name) != 0) {
			uuid_unparse_lower(uuid, us);
			return def_fail(code, msg, cap, RPC_ERR_EXISTS, "domain '%s' already exists with uuid %s",
					d->name, us);
		}
	}
	if (by_uuid && strcmp(by_uuid->name, name) != 0) {
		uuid_unparse_lower(uuid, us);
		return def_fail(code, msg, cap, RPC_ERR_EXISTS, "domain '%s' already exists with uuid %s",
				by_uuid->name, us);
	}
	return 0;
}

int xld_def_define(struct xld *xld, struct domcfg_config *cfg, struct xld_def **out,
		   int *code, char *msg, size_t cap)
{
	struct xld_def *def = NULL, *old;
	char *err = NULL, *json = NULL;
	int rc = -1;

	*out = NULL;
	if (!cfg->c_info.name || !xld_domain_name_valid(cfg->c_info.name) ||
	    strcmp(cfg->c_info.name, "Domain-0") == 0)
		return def_fail(code, msg, cap, RPC_ERR_CONFIG, "invalid or missing domain name '%s'",
				cfg->c_info.name ? cfg->c_info.name : "");
	inherit_uuid(xld, cfg);
	if (domcfg_config_setdefault(cfg, &err) < 0) {
		def_fail(code, msg, cap, RPC_ERR_CONFIG, "%s", err ? err : "invalid configuration");
		goto out;
	}
	if (check_identity(xld, cfg, code, msg, cap) < 0)
		goto out;
	json = domcfg_config_to_json(cfg);
	old = xld_def_by_uuid(xld, cfg->c_info.uuid);
	def = json ? def_new(cfg, json, old && old->autostart) : NULL;
	if (!def) {
		def_fail(code, msg, cap, RPC_ERR_RESOURCE, "out of memory");
		goto out;
	}
	if ((rc = def_write(xld, def)) < 0) {
		def_fail(code, msg, cap, RPC_ERR_IO, "cannot write the definition: %s", strerror(-rc));
		def_free(def);
		rc = -1;
		goto out;
	}
	if (old) { /* redefined: the new config takes the old one's place */
		free(old->config_json);
		old->config_json = def->config_json;
		def->config_json = NULL;
		def_free(def);
		def = old;
	} else {
		def->next = xld->defs;
		xld->defs = def;
	}
	log_info("domain %s defined", def->name);
	*out = def;
	rc = 0;
out:
	free(err);
	free(json);
	return rc;
}

int xld_def_undefine(struct xld *xld, struct xld_def *def)
{
	char *path = def_path(xld, def->uuid);

	if (!path)
		return -ENOMEM;
	if (unlink(path) < 0 && errno != ENOENT) {
		int rc = -errno;
		free(path);
		return rc;
	}
	free(path);
	for (struct xld_def **p = &xld->defs; *p; p = &(*p)->next) {
		if (*p == def) {
			*p = def->next;
			break;
		}
	}
	log_info("domain %s undefined", def->name);
	def_free(def);
	return 0;
}

int xld_def_set_autostart(struct xld *xld, struct xld_def *def, bool on)
{
	bool was = def->autostart;
	int rc;

	def->autostart = on;
	rc = def_write(xld, def);
	if (rc < 0)
		def->autostart = was;
	return rc;
}

int xld_def_start(struct xld *xld, struct xld_def *def, bool paused, uint32_t *domid,
		  int *code, char *msg, size_t cap)
{
	struct create_args a = {
		.config_json = def->config_json,
		.config_name = def->name,
		.paused = paused,
	};

	if (xld_def_domain(xld, def))
		return def_fail(code, msg, cap, RPC_ERR_STATE, "domain '%s' is already running", def->name);
	return xld_create(xld, &a, domid, code, msg, cap);
}

void xld_defs_autostart(struct xld *xld)
{
	char msg[1024];
	uint32_t domid;
	int code;

	for (struct xld_def *def = xld->defs; def; def = def->next) {
		if (!def->autostart || xld_def_domain(xld, def))
			continue;
		if (xld_def_start(xld, def, false, &domid, &code, msg, sizeof(msg)) < 0)
			log_error("autostart of %s failed: %s", def->name, msg);
		else
			log_info("autostarted %s as domain %u", def->name, domid);
	}
}
