/* Watching domains shut down and applying their on_* actions. */
#include "xld/monitor.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/create.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/hv.h"
#include "libvmctl/libvmctl.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <vmctl/xen/sched.h>
#include <vmctl/xen/xen.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#define RESTART_BURST 5              /* restarts allowed within ... */
#define RESTART_WINDOW_NS 10000000000ull /* ... this long, then destroy */

void xld_event(struct xld *xld, const char *type, const struct xld_domain *d)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "{\"type\":\"%s\",\"domid\":%u,\"name\":", type, d->domid);

	if (n < 0 || (size_t)n >= sizeof(buf) - 2 ||
	    vmctl_json_quote(buf, sizeof(buf) - 2, d->name) < 0 || !xld->rpc)
		return;
	strcat(buf, "}");
	rpc_broadcast_event(xld->rpc, buf, strlen(buf));
}

static enum domcfg_action_on_shutdown action_for(const struct domcfg_config *cfg, uint32_t reason)
{
	switch (reason) {
	case SHUTDOWN_poweroff: return cfg->on_poweroff;
	case SHUTDOWN_reboot: return cfg->on_reboot;
	case SHUTDOWN_watchdog: return cfg->on_watchdog;
	case SHUTDOWN_soft_reset: return cfg->on_soft_reset;
	default: return cfg->on_crash;
	}
}

/* Write the domain's RAM to $VMCTL_STATEDIR/dump/<name>-<domid>.core. */
static void coredump(struct xld *xld, struct xld_domain *d)
{
	struct privcmd_foreign_map info;
	char *dir = path_join(xld->opt.statedir, "dump"), *path = NULL;
	int memfd = -1, out = -1;
	void *mem = MAP_FAILED;
	size_t len = 0;

	if (!dir || mkdir_p(dir, 0700) < 0 || asprintf(&path, "%s/%s-%u.core", dir, d->name, d->domid) < 0 ||
	    hv_foreign_map(xld->hv, d->domid, &memfd, &info) < 0)
		goto out;
	len = info.ram_frames * 4096;
	mem = mmap(NULL, len, PROT_READ, MAP_SHARED, memfd, 0);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (mem == MAP_FAILED || out < 0 || write_all(out, mem, len) < 0)
		log_error("domain %u: core dump to %s failed: %s", d->domid, path, strerror(errno));
	else
		log_info("domain %u: memory dumped to %s", d->domid, path);
out:
	if (mem != MAP_FAILED)
		munmap(mem, len);
	if (out >= 0)
		close(out);
	if (memfd >= 0)
		close(memfd);
	free(dir);
	free(path);
}

/* Destroy, then create again from the stored configuration (same name and
 * UUID, a new domid), unless it restarts too often. */
static void restart(struct xld *xld, struct xld_domain *d)
{
	char *json = strdup(d->config_json), msg[512];
	struct create_args a = { .config_json = json };
	uint64_t now = now_ns();
	uint64_t window = d->restart_window_ns;
	unsigned count = now - window < RESTART_WINDOW_NS ? d->restarts + 1 : 1;
	uint32_t domid;
	int code;

	if (!window || now - window >= RESTART_WINDOW_NS)
		window = now;
	xld_event(xld, "destroyed", d);
	xld_domain_destroy(xld, d);
	if (!json)
		return;
	if (count > RESTART_BURST) {
		log_error("domain restarted %u times in 10 s: not restarting it again", count - 1);
	} else if (xld_create(xld, &a, &domid, &code, msg, sizeof(msg)) < 0) {
		log_error("restart failed: %s", msg);
	} else {
		struct xld_domain *nd = xld_domain_by_id(xld, domid);
		if (nd) {
			nd->restarts = count;
			nd->restart_window_ns = window;
			xld_event(xld, "restarted", nd);
		}
	}
	free(json);
}

/* The old domain stays, renamed, for inspection; a new one takes its name. */
static void rename_restart(struct xld *xld, struct xld_domain *d)
{
	char name[XLD_NAME_MAX], *json = strdup(d->config_json), msg[512];
	struct create_args a = { .config_json = json };
	uint32_t domid;
	int code;

	snprintf(name, sizeof(name), "%.40s-preserved-%u", d->name, d->domid);
	d->shutdown_handled = true;
	if (json && xld_domain_rename(xld, d, name) == 0 &&
	    xld_create(xld, &a, &domid, &code, msg, sizeof(msg)) < 0)
		log_error("rename-restart failed: %s", msg);
	free(json);
}

static void apply_action(struct xld *xld, struct xld_domain *d, uint32_t reason)
{
	struct domcfg_config cfg;
	char *err = NULL;
	enum domcfg_action_on_shutdown act = DOMCFG_ACTION_DESTROY;

	domcfg_config_init(&cfg);
	if (domcfg_config_from_json(&cfg, d->config_json, &err) == 0)
		act = action_for(&cfg, reason);
	domcfg_config_dispose(&cfg);
	free(err);
	log_info("domain %u (%s) shut down (reason %u): %s", d->domid, d->name, reason,
		 domcfg_action_on_shutdown_to_string(act));
	xld_event(xld, "shutdown", d);
	switch (act) {
	case DOMCFG_ACTION_PRESERVE:
		d->shutdown_handled = true;
		break;
	case DOMCFG_ACTION_RESTART_RENAME:
		rename_restart(xld, d);
		break;
	case DOMCFG_ACTION_COREDUMP_DESTROY:
		coredump(xld, d);
		/* fall through */
	case DOMCFG_ACTION_DESTROY:
		xld_event(xld, "destroyed", d);
		xld_domain_destroy(xld, d);
		break;
	case DOMCFG_ACTION_COREDUMP_RESTART:
		coredump(xld, d);
		/* fall through */
	default: /* restart, soft_reset */
		restart(xld, d);
		break;
	}
}

void xld_monitor_scan(struct xld *xld)
{
	struct xld_domain *d = xld->domains, *next;
	struct privcmd_dominfo info;

	for (; d; d = next) {
		next = d->next; /* actions may remove d (restart adds at the head) */
		int rc = hv_domain_getinfo(xld->hv, d->domid, &info);
		if (rc == -ESRCH || rc == -ENOENT) {
			log_info("domain %u (%s) is gone", d->domid, d->name);
			xld_event(xld, "destroyed", d);
			xld_domain_destroy(xld, d);
			continue;
		}
		if (rc < 0 || !(info.flags & PRIVCMD_DOMINF_SHUTDOWN) || d->shutdown_handled)
			continue;
		if (info.shutdown_reason == SHUTDOWN_suspend)
			continue; /* a save in progress owns it */
		apply_action(xld, d, info.shutdown_reason);
	}
}

static void on_dom_exc(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	xld_monitor_scan(arg);
}

int xld_monitor_start(struct xld *xld)
{
	int rc = hv_evtchn_bind_virq(xld->hv, VIRQ_DOM_EXC, &xld->dom_exc_port, &xld->dom_exc_fd);

	if (rc < 0) {
		log_error("cannot bind VIRQ_DOM_EXC: %s", strerror(-rc));
		return rc;
	}
	xld->dom_exc_watch = evloop_watch(xld->loop, xld->dom_exc_fd, EPOLLIN, on_dom_exc, xld);
	if (!xld->dom_exc_watch)
		return -ENOMEM;
	xld_monitor_scan(xld);
	return 0;
}

void xld_monitor_stop(struct xld *xld)
{
	if (xld->dom_exc_watch)
		evloop_unwatch(xld->loop, xld->dom_exc_watch);
	if (xld->dom_exc_fd > 0)
		close(xld->dom_exc_fd);
	xld->dom_exc_watch = NULL;
	xld->dom_exc_fd = -1;
}
