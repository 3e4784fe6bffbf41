/* The receiving side of a migration, one chain per connection:
 *
 *   HELLO -> checks (name and UUID free here, memory), journal -> ACCEPT
 *   -> restore_domain_from_fd (paused) -> READY -> GO -> unpause -> RUNNING
 *
 * A failure before GO destroys what was built and tells the source why
 * (ERROR), so the source resumes its domain. The journal file
 * ($statedir/migrate-in/<uuid>) lives from ACCEPT to the end: if xld dies
 * meanwhile, the next xld destroys the half-built domain
 * (migrate_in_recover), so a killed target leaves nothing behind. */
#include "xld/migrate.h"
#include "xld/migrate_msg.h"
#include "xld/restore.h"
#include "xld/domain.h"
#include "xld/xld.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

struct migrate_in {
	struct xld *xld;
	int fd;
	char peer[80];
	struct migrate_chan chan;
	struct migrate_hello hello;
	char *journal;            /* $statedir/migrate-in/<uuid>, while it exists */
	uint32_t domid;
	bool built;               /* the restore made a domain (destroy on failure) */
	uint64_t t_ready;         /* READY sent */
};

static void in_free(struct migrate_in *m)
{
	migrate_chan_stop(&m->chan);
	if (m->journal)
		unlink(m->journal);
	free(m->journal);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

/* Give up: destroy what was built, tell the source, forget it all. */
static void in_fail(struct migrate_in *m, int rc, int code, const char *why)
{
	log_error("migration of %s from %s failed: %s", m->hello.name[0] ? m->hello.name : "?",
		  m->peer, why);
	if (m->built) {
		struct xld_domain *d = xld_domain_by_id(m->xld, m->domid);
		int r = d ? xld_domain_destroy(m->xld, d) : hv_domain_destroy(m->xld->hv, m->domid);
		if (r < 0)
			log_error("migration: cannot destroy the half-built domain %u: %s",
				  m->domid, strerror(-r));
	}
	if (m->fd >= 0)
		migrate_msg_send_error(m->fd, rc, code, "target host: %s", why);
	in_free(m);
}

static void in_chan_fail(void *arg, int rc, const char *why)
{
	in_fail(arg, rc, RPC_ERR_IO, why);
}

static void in_go(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_in *m = arg;
	struct migrate_domid id = { .domid = m->domid };
	int rc = 0;

	(void)payload;
	if (msg->type != MIGRATE_GO) {
		in_fail(m, -EPROTO, RPC_ERR_IO, msg->type == MIGRATE_ERROR ?
			"the source gave up" : "the source sent no GO");
		return;
	}
	if (!(m->hello.flags & MIGRATE_F_PAUSED))
		rc = hv_domain_unpause(m->xld->hv, m->domid);
	if (rc < 0) {
		char why[96];
		snprintf(why, sizeof(why), "cannot unpause the domain: %s", strerror(-rc));
		in_fail(m, rc, RPC_ERR_HYPERVISOR, why);
		return;
	}
	/* From here the domain is ours whatever happens to the connection. */
	migrate_msg_send(m->fd, MIGRATE_RUNNING, &id, sizeof(id));
	log_info("migration of %s from %s: running as domain %u (%.1f ms after READY)",
		 m->hello.name, m->peer, m->domid, (now_ns() - m->t_ready) / 1e6);
	in_free(m);
}

static void in_restored(void *arg, int rc, int code, const char *msg, uint32_t domid)
{
	struct migrate_in *m = arg;
	struct migrate_domid id = { .domid = domid };

	if (rc < 0) {
		in_fail(m, rc, code, msg && *msg ? msg : strerror(-rc));
		return;
	}
	m->domid = domid;
	m->built = true;
	m->chan.on_msg = in_go;
	rc = migrate_msg_send(m->fd, MIGRATE_READY, &id, sizeof(id));
	m->t_ready = now_ns();
	if (rc == 0)
		rc = migrate_chan_wait(&m->chan, migrate_timeout(m->xld));
	if (rc < 0)
		in_fail(m, rc, RPC_ERR_IO, strerror(-rc));
}

/* Refuse what cannot work here before a byte of the stream is read. */
static int hello_check(struct migrate_in *m, char *why, size_t cap, int *code)
{
	struct migrate_hello *h = &m->hello;
	struct privcmd_physinfo pi;

	h->name[sizeof(h->name) - 1] = 0;
	*code = RPC_ERR_EXISTS;
	if (!xld_domain_name_valid(h->name)) {
		*code = RPC_ERR_CONFIG;
		snprintf(why, cap, "'%s' is no valid domain name", h->name);
		return -EINVAL;
	}
	if (xld_domain_by_name(m->xld, h->name)) {
		snprintf(why, cap, "a domain named %s exists already", h->name);
		return -EEXIST;
	}
	for (struct xld_domain *d = m->xld->domains; d; d = d->next)
		if (memcmp(d->uuid, h->uuid, 16) == 0) {
			snprintf(why, cap, "domain %s has the same UUID", d->name);
			return -EEXIST;
		}
	*code = RPC_ERR_RESOURCE;
	if (hv_physinfo(m->xld->hv, &pi) == 0 && pi.free_pages * 4 < h->memory_kib) {
		snprintf(why, cap, "not enough memory: the domain needs %llu MiB, %llu MiB free",
			 (unsigned long long)(h->memory_kib >> 10),
			 (unsigned long long)(pi.free_pages >> 8));
		return -ENOMEM;
	}
	return 0;
}

static int journal_write(struct migrate_in *m, char *why, size_t cap)
{
	char *dir = path_join(m->xld->opt.statedir, "migrate-in"), name[40];
	FILE *f = NULL;
	int rc = dir ? mkdir_p(dir, 0700) : -ENOMEM;

	uuid_unparse(m->hello.uuid, name);
	if (rc == 0 && !(m->journal = path_join(dir, name)))
		rc = -ENOMEM;
	if (rc == 0 && (!(f = fopen(m->journal, "w")) || fprintf(f, "%s\n", m->hello.name) < 0))
		rc = -errno;
	if (f && fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc < 0) {
		snprintf(why, cap, "cannot write %s: %s", m->journal ? m->journal : "the journal",
			 strerror(-rc));
		if (m->journal)
			unlink(m->journal);
		free(m->journal);
		m->journal = NULL;
	}
	free(dir);
	return rc;
}

static void in_hello(void *arg, const struct migrate_msg *msg, const uint8_t *payload)
{
	struct migrate_in *m = arg;
	struct restore_opts ro = { .paused = true, .done = in_restored, .arg = m };
	char why[300];
	int code = RPC_ERR_IO, rc;

	if (msg->type != MIGRATE_HELLO) {
		in_fail(m, -EPROTO, RPC_ERR_IO, "the source did not start with HELLO");
		return;
	}
	memcpy(&m->hello, payload, sizeof(m->hello));
	rc = hello_check(m, why, sizeof(why), &code);
	if (rc == 0 && (rc = journal_write(m, why, sizeof(why))) < 0)
		code = RPC_ERR_RESOURCE;
	if (rc < 0) {
		in_fail(m, rc, code, why);
		return;
	}
	log_info("migration of %s (%llu MiB) from %s: accepted", m->hello.name,
		 (unsigned long long)(m->hello.memory_kib >> 10), m->peer);
	rc = migrate_msg_send(m->fd, MIGRATE_ACCEPT, NULL, 0);
	if (rc == 0)
		rc = restore_domain_from_fd(m->xld, m->fd, &ro, NULL);
	if (rc < 0)
		in_fail(m, rc, RPC_ERR_IO, strerror(-rc));
}

int migrate_in_start(struct xld *xld, int fd, const char *peer)
{
	struct migrate_in *m = calloc(1, sizeof(*m));
	int rc;

	if (!m) {
		close(fd);
		return -ENOMEM;
	}
	m->xld = xld;
	m->fd = fd;
	snprintf(m->peer, sizeof(m->peer), "%s", peer);
	m->chan.loop = xld->loop;
	m->chan.fd = fd;
	m->chan.on_msg = in_hello;
	m->chan.on_fail = in_chan_fail;
	m->chan.arg = m;
	rc = migrate_chan_wait(&m->chan, migrate_timeout(xld));
	if (rc < 0)
		in_free(m);
	return rc;
}

/* Destroy vmhv's domain with this UUID unless xld adopted it. */
static int recover_uuid(struct xld *xld, const uint8_t uuid[16])
{
	struct privcmd_dominfo info[64];
	uint32_t first = 1;
	int n, killed = 0;

	while ((n = hv_domain_getinfolist(xld->hv, first, info, 64)) > 0) {
		for (int i = 0; i < n; i++) {
			if (memcmp(info[i].handle, uuid, 16) != 0 || xld_domain_by_id(xld, info[i].domid))
				continue;
			log_warn("destroying domain %u: a migration into it did not finish",
				 info[i].domid);
			if (hv_domain_destroy(xld->hv, info[i].domid) == 0)
				killed++;
		}
		first = info[n - 1].domid + 1;
	}
	return killed;
}

int migrate_in_recover(struct xld *xld)
{
	char *dir = path_join(xld->opt.statedir, "migrate-in");
	DIR *dh = dir ? opendir(dir) : NULL;
	struct dirent *e;
	uuid_t uuid;
	int n = 0;

	while (dh && (e = readdir(dh))) {
		char *path;
		if (uuid_parse(e->d_name, uuid) < 0 || !(path = path_join(dir, e->d_name)))
			continue;
		n += recover_uuid(xld, uuid);
		unlink(path);
		free(path);
	}
	if (dh)
		closedir(dh);
	free(dir);
	return n;
}
