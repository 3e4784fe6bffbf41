/* xld's entry point: options, directories, the event loop, clean shutdown. */
#include "config.h"
#include "xld/xld.h"
#include "xld/rpc/rpc.h"
#include "xld/domain.h"
#include "xld/store.h"
#include "xld/monitor.h"
#include "xld/migrate.h"
#include "xld/defs.h"
#include "xld/libvirt/libvirt.h"
#include "libvmctl/hv.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xld [--rundir DIR] [--statedir DIR] [--logdir DIR] [--group NAME] [--foreground]\n"
		"  --rundir    sockets (default $VMCTL_RUNDIR or /run/vmctl)\n"
		"  --statedir  configs and journal (default $VMCTL_STATEDIR or /var/lib/vmctl)\n"
		"  --logdir    logs (default $VMCTL_LOGDIR or /var/log/vmctl)\n"
		"  --group     a group whose members may use the sockets (default: root only)\n"
		"  --foreground  do not detach\n"
		"  --migrate-listen [ADDR:]PORT  take live migrations there (docs/migration.md)\n"
		"  --migrate-timeout SECONDS  a silent migration peer is given up after (30)\n");
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static int parse_options(int argc, char **argv, struct xld_options *o)
{
	static const struct option longopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "statedir", required_argument, NULL, 's' },
		{ "logdir", required_argument, NULL, 'l' },
		{ "group", required_argument, NULL, 'g' },
		{ "foreground", no_argument, NULL, 'F' },
		{ "migrate-listen", required_argument, NULL, 'M' },
		{ "migrate-timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->rundir = env_or("VMCTL_RUNDIR", "/run/vmctl");
	o->statedir = env_or("VMCTL_STATEDIR", "/var/lib/vmctl");
	o->logdir = env_or("VMCTL_LOGDIR", "/var/log/vmctl");
	o->sock_gid = -1;
	while ((c = getopt_long(argc, argv, "r:s:l:g:Fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rundir = optarg; break;
		case 's': o->statedir = optarg; break;
		case 'l': o->logdir = optarg; break;
		case 'F': o->foreground = 1; break;
		case 'M': o->migrate_listen = optarg; break;
		case 'T': o->migrate_timeout = (unsigned)atoi(optarg); break;
		case 'g': {
			struct group *g = getgrnam(optarg);
			if (!g) {
				fprintf(stderr, "xld: no group '%s'\n", optarg);
				return -1;
			}
			o->sock_gid = (int)g->gr_gid;
			break;
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -1;
	}
	return 0;
}

static void on_signal(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) == sizeof(si))
		log_info("signal %u: shutting down", si.ssi_signo);
	evloop_stop(loop);
}

/* vmhv may still be starting (both are started together): try for a while. */
static int connect_vmhv(struct xld *xld)
{
	int rc = -ENOENT;

	for (int i = 0; i < 100; i++) {
		rc = hv_open(xld->opt.rundir, &xld->hv);
		if (rc == 0)
			return 0;
		usleep(50000);
	}
	log_error("cannot reach vmhv at %s/privcmd: %s (is vmhv running?)",
		  xld->opt.rundir, strerror(-rc));
	fprintf(stderr, "xld: cannot reach vmhv at %s/privcmd: %s (is vmhv running?)\n",
		xld->opt.rundir, strerror(-rc));
	return rc;
}

static int make_dirs(const struct xld_options *o)
{
	const char *dirs[] = { o->rundir, o->statedir, o->logdir };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		int rc = mkdir_p(dirs[i], 0755);
		if (rc < 0) {
			fprintf(stderr, "xld: cannot create %s: %s\n", dirs[i], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct xld xld; /* large (the domid table): not on the stack */
	char *logpath = NULL, *sockpath = NULL, *lvpath = NULL;
	int sfd = -1, rc = 1;
	sigset_t mask;

	xld.started_ns = now_ns();
	xld.dom_exc_fd = -1;
	if (parse_options(argc, argv, &xld.opt) < 0 || make_dirs(&xld.opt) < 0)
		return 2;
	logpath = path_join(xld.opt.logdir, "xld.log");
	sockpath = path_join(xld.opt.rundir, "xld.sock");
	lvpath = path_join(xld.opt.rundir, "libvirt-sock");
	if (!logpath || !sockpath || !lvpath || log_open("xld", logpath) < 0) {
		fprintf(stderr, "xld: cannot open log %s\n", logpath ? logpath : "?");
		goto out;
	}
	if (!xld.opt.foreground && daemon(0, 0) < 0) {
		log_error("daemon: %s", strerror(errno));
		goto out;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	xld.loop = evloop_new();
	if (sfd < 0 || !xld.loop || !evloop_watch(xld.loop, sfd, EPOLLIN, on_signal, &xld))
		goto out;
	if (connect_vmhv(&xld) < 0)
		goto out;
	if (xld_store_start(&xld) < 0)
		goto out;
	int adopted = xld_domains_recover(&xld);
	if (adopted > 0)
		log_info("re-adopted %d running domain(s)", adopted);
	if (migrate_in_recover(&xld) > 0)
		log_info("destroyed the domains of unfinished incoming migrations");
	if (xld_monitor_start(&xld) < 0)
		goto out;
	if (xld_defs_load(&xld) < 0)
		log_error("cannot read the definitions in %s/defs", xld.opt.statedir);
	xld.libvirt = lv_server_new(&xld, lvpath, xld.opt.sock_gid >= 0 ? 0660 : 0600,
				    xld.opt.sock_gid);
	if (!xld.libvirt)
		goto out;
	xld_defs_autostart(&xld);
	xld.rpc = rpc_server_new(&xld, xld.loop, sockpath, xld.opt.sock_gid >= 0 ? 0660 : 0600,
				 xld.opt.sock_gid);
	if (!xld.rpc)
		goto out;
	if (xld.opt.migrate_listen &&
	    !(xld.migrate = migrate_listen_start(&xld, xld.opt.migrate_listen)))
		goto out;
	log_info("xld %s serving %s", PACKAGE_VERSION, sockpath);
	rc = evloop_run(xld.loop) < 0 ? 1 : 0;
out:
	migrate_listen_stop(xld.migrate);
	xld_monitor_stop(&xld);
	lv_server_free(xld.libvirt);
	rpc_server_free(xld.rpc);
	xld_domains_free(&xld);   /* detaches rings from the store: before it goes */
	xld_store_stop(&xld);
	xld_defs_free(&xld);
	hv_close(xld.hv);
	evloop_free(xld.loop);
	if (sfd >= 0)
		close(sfd);
	log_info("xld stopped");
	free(logpath);
	free(sockpath);
	free(lvpath);
	log_close();
	return rc;
}
