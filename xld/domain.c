/* The domain table and its state files. */
#include "xld/domain.h"
#include "xld/create_hvm.h"
#include "xld/xld.h"
#include "xld/dom_xs.h"
#include "xld/devices.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

static char *state_path(struct xld *xld, uint32_t domid)
{
	char *p;

	if (asprintf(&p, "%s/domains/%u.json", xld->opt.statedir, domid) < 0)
		return NULL;
	return p;
}

/* Write the state file atomically (temp file + rename). */
int xld_domain_save(struct xld *xld, struct xld_domain *d)
{
	char uuid[37], *path = state_path(xld, d->domid);
	const unsigned char *buf;
	size_t len;
	int rc = -ENOMEM;
	yajl_gen g = yajl_gen_alloc(NULL);

	if (!path || !g)
		goto out;
	uuid_unparse_lower(d->uuid, uuid);
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"domid", 5);
	yajl_gen_integer(g, d->domid);
	yajl_gen_string(g, (const unsigned char *)"name", 4);
	yajl_gen_string(g, (const unsigned char *)d->name, strlen(d->name));
	yajl_gen_string(g, (const unsigned char *)"uuid", 4);
	yajl_gen_string(g, (const unsigned char *)uuid, strlen(uuid));
	yajl_gen_string(g, (const unsigned char *)"created", 7);
	yajl_gen_integer(g, (long long)(d->created_ns / 1000000000ull));
	static const char *const keys[] = { "console_pfn", "store_pfn", "console_port", "store_port" };
	const long long vals[] = { (long long)d->console_pfn, (long long)d->store_pfn,
				   d->console_port, d->store_port };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		yajl_gen_string(g, (const unsigned char *)keys[i], strlen(keys[i]));
		yajl_gen_integer(g, vals[i]);
	}
	yajl_gen_string(g, (const unsigned char *)"config", 6);
	yajl_gen_string(g, (const unsigned char *)(d->config_json ? d->config_json : "{}"),
			d->config_json ? strlen(d->config_json) : 2);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	rc = write_file_atomic(path, buf, len, 0600);
	if (rc < 0)
		log_error("cannot write %s: %s", path, strerror(-rc));
out:
	yajl_gen_free(g);
	free(path);
	return rc;
}

bool xld_domain_name_valid(const char *name)
{
	size_t len = strlen(name);
	bool digits = true;

	if (len == 0 || len >= XLD_NAME_MAX)
		return false;
	for (const char *p = name; *p; p++) {
		if (*p == '/' || !isprint((unsigned char)*p))
			return false;
		digits = digits && isdigit((unsigned char)*p);
	}
	return !digits;
}

struct xld_domain *xld_domain_new(uint32_t domid, const char *name, const uint8_t uuid[16],
				  const char *config_json)
{
	struct xld_domain *d = calloc(1, sizeof(*d));
	struct timespec ts;

	if (!d)
		return NULL;
	clock_gettime(CLOCK_REALTIME, &ts);
	d->domid = domid;
	snprintf(d->name, sizeof(d->name), "%s", name);
	memcpy(d->uuid, uuid, 16);
	d->created_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	d->config_json = strdup(config_json ? config_json : "{}");
	if (!d->config_json) {
		free(d);
		return NULL;
	}
	return d;
}

/* The list keeps creation order for iteration; the table finds a domid in
 * one step (domain.list asks for every domain's entry). */
static void domain_link(struct xld *xld, struct xld_domain *d)
{
	d->next = xld->domains;
	xld->domains = d;
	if (d->domid < XLD_MAX_DOMID)
		xld->by_id[d->domid] = d;
}

int xld_domain_insert(struct xld *xld, struct xld_domain *d)
{
	int rc = xld_domain_save(xld, d);

	if (rc < 0)
		return rc;
	domain_link(xld, d);
	return 0;
}

struct xld_domain *xld_domain_add(struct xld *xld, uint32_t domid, const char *name,
				  const uint8_t uuid[16], const char *config_json)
{
	struct xld_domain *d = xld_domain_new(domid, name, uuid, config_json);

	if (d && xld_domain_insert(xld, d) < 0) {
		xld_domain_free(d);
		errno = EIO;
		return NULL;
	}
	return d;
}

void xld_domain_free(struct xld_domain *d)
{
	free(d->config_json);
	free(d);
}

void xld_domain_remove(struct xld *xld, struct xld_domain *d)
{
	char *path = state_path(xld, d->domid);

	xld_domain_detach(xld, d);
	for (struct xld_domain **p = &xld->domains; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	if (d->domid < XLD_MAX_DOMID && xld->by_id[d->domid] == d)
		xld->by_id[d->domid] = NULL;
	if (path)
		unlink(path);
	free(path);
	xld_domain_free(d);
}

struct xld_domain *xld_domain_by_id(struct xld *xld, uint32_t domid)
{
	return domid < XLD_MAX_DOMID ? xld->by_id[domid] : NULL;
}

struct xld_domain *xld_domain_by_name(struct xld *xld, const char *name)
{
	for (struct xld_domain *d = xld->domains; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

struct xld_domain *xld_domain_lookup(struct xld *xld, const char *s)
{
	char *end;
	unsigned long id;

	if (!s || !*s)
		return NULL;
	id = strtoul(s, &end, 10);
	if (*end == '\0' && isdigit((unsigned char)*s))
		return id <= UINT32_MAX ? xld_domain_by_id(xld, (uint32_t)id) : NULL;
	return xld_domain_by_name(xld, s);
}

int xld_domain_rename(struct xld *xld, struct xld_domain *d, const char *name)
{
	char old[XLD_NAME_MAX];
	struct xld_domain *other = xld_domain_by_name(xld, name);

	if (other && other != d)
		return -EEXIST;
	if (!xld_domain_name_valid(name))
		return -EINVAL;
	snprintf(old, sizeof(old), "%s", d->name);
	snprintf(d->name, sizeof(d->name), "%s", name);
	int rc = xld_domain_save(xld, d);
	if (rc < 0)
		snprintf(d->name, sizeof(d->name), "%s", old);
	return rc;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while (m && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

static const char *jstr(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val s = yajl_tree_get(v, path, yajl_t_string);

	return s ? s->u.string : NULL;
}

static long long jint(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val n = yajl_tree_get(v, path, yajl_t_number);

	return n && YAJL_IS_INTEGER(n) ? n->u.number.i : 0;
}

/* Adopt one state file if vmhv still runs that domid with that UUID. */
static bool recover_one(struct xld *xld, const char *path)
{
	char err[128], *text = slurp(path);
	yajl_val v = text ? yajl_tree_parse(text, err, sizeof(err)) : NULL;
	const char *idp[] = { "domid", NULL }, *cp[] = { "created", NULL };
	yajl_val id = v ? yajl_tree_get(v, idp, yajl_t_number) : NULL;
	yajl_val created = v ? yajl_tree_get(v, cp, yajl_t_number) : NULL;
	const char *name = v ? jstr(v, "name") : NULL, *uuid_s = v ? jstr(v, "uuid") : NULL;
	struct privcmd_dominfo info;
	uuid_t uuid;
	bool adopted = false;

	if (!id || !name || !uuid_s || uuid_parse(uuid_s, uuid) < 0 ||
	    hv_domain_getinfo(xld->hv, (uint32_t)id->u.number.i, &info) < 0 ||
	    memcmp(info.handle, uuid, 16) != 0)
		goto out;
	struct xld_domain *d = calloc(1, sizeof(*d));
	if (!d)
		goto out;
	d->domid = (uint32_t)id->u.number.i;
	snprintf(d->name, sizeof(d->name), "%s", name);
	memcpy(d->uuid, uuid, 16);
	d->created_ns = created ? (uint64_t)created->u.number.i * 1000000000ull : 0;
	d->config_json = strdup(jstr(v, "config") ? jstr(v, "config") : "{}");
	d->console_pfn = (uint64_t)jint(v, "console_pfn");
	d->store_pfn = (uint64_t)jint(v, "store_pfn");
	d->console_port = (uint32_t)jint(v, "console_port");
	d->store_port = (uint32_t)jint(v, "store_port");
	domain_link(xld, d);
	adopted = true;
	log_info("re-adopted domain %u (%s)", d->domid, d->name);
out:
	yajl_tree_free(v);
	free(text);
	return adopted;
}

int xld_domains_recover(struct xld *xld)
{
	char *dir = path_join(xld->opt.statedir, "domains");
	DIR *dh;
	struct dirent *e;
	int n = 0;

	if (!dir || mkdir_p(dir, 0700) < 0 || !(dh = opendir(dir))) {
		free(dir);
		return -errno;
	}
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		char *path = path_join(dir, e->d_name);
		if (!path)
			break;
		if (recover_one(xld, path))
			n++;
		else
			unlink(path); /* that domain is gone */
		free(path);
	}
	closedir(dh);
	free(dir);
	for (struct xld_domain *d = xld->domains; d; d = d->next)
		if (xld_domain_attach(xld, d) < 0 || xld_devices_recover(xld, d) < 0 ||
		    create_hvm_recover(xld, d) < 0)
			log_error("domain %u: cannot re-attach its console, xenstore ring or devices", d->domid);
	return n;
}

void xld_domains_free(struct xld *xld)
{
	while (xld->domains) {
		struct xld_domain *d = xld->domains;
		xld->domains = d->next;
		xld->by_id[d->domid] = NULL;
		xld_devices_release(xld, d);
		xld_domain_detach(xld, d);
		xld_domain_free(d);
	}
}

int xld_domain_destroy(struct xld *xld, struct xld_domain *d)
{
	struct privcmd_dominfo info;
	int rc;

	xld_devices_destroy(xld, d); /* backends let go of guest memory first */
	rc = hv_domain_destroy(xld->hv, d->domid);

	if (rc < 0 && hv_domain_getinfo(xld->hv, d->domid, &info) == 0)
		return rc; /* still there: keep our entry so the user can retry */
	log_info("domain %u (%s) destroyed", d->domid, d->name);
	xld_domain_detach(xld, d);
	xenstored_domain_release(xld->xs, d->domid);
	dom_xs_remove(xld, d->domid, d->uuid);
	xld_domain_remove(xld, d);
	return 0;
}
