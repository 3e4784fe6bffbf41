/* vmhv: the hypervisor core. `vmhv --rundir DIR [--foreground] [--log FILE]` */
#include "config.h"
#include "hypervisor/vmhv.h"

#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define VMHV_LOADER_NAME "vmhv-pv"

struct opts {
	struct vmhv_config cfg;
	bool foreground;
	bool exit_with_parent;
	const char *log;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmhv [--rundir DIR] [--foreground] [--log FILE] [--group GROUP]\n"
		"            [--guest-user USER] [--loader PATH] [--spin N] [--exit-with-parent]\n"
		"  --rundir DIR        serve DIR/privcmd (default $VMCTL_RUNDIR or /run/vmctl)\n"
		"  --foreground        do not detach\n"
		"  --log FILE          log there instead of stderr\n"
		"  --group GROUP       members of GROUP may use privcmd (root always may)\n"
		"  --guest-user USER   run guest processes as USER (default nobody)\n"
		"  --loader PATH       the pv sandbox program (default %s/%s)\n"
		"  --spin N            pause iterations to spin for a peer on another CPU\n"
		"                      before sleeping (default 2000, 0 = never spin)\n"
		"  --exit-with-parent  shut down (as on SIGTERM) when the starting process dies\n"
		"                      (for tests and tools that run a private vmhv)\n",
		VMCTL_LIBEXECDIR, VMHV_LOADER_NAME);
}

static int opt_group(struct opts *o, const char *name)
{
	struct group *g = getgrnam(name);

	if (!g)
		return -ENOENT;
	o->cfg.allow_gid = g->gr_gid;
	o->cfg.have_allow_gid = true;
	return 0;
}

static int opt_guest_user(struct opts *o, const char *name)
{
	struct passwd *p = getpwnam(name);

	if (!p)
		return -ENOENT;
	o->cfg.guest_uid = p->pw_uid;
	o->cfg.guest_gid = p->pw_gid;
	return 0;
}

/* Installed, the loader is in pkglibexecdir; in the build tree it sits in
 * engines/pv/ next to the vmhv binary. $VMHV_PV_LOADER overrides both. */
static const char *default_loader(void)
{
	static char buf[4096];
	const char *env = getenv("VMHV_PV_LOADER");
	char *slash;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 64);
	if (n > 0) {
		buf[n] = 0;
		slash = strrchr(buf, '/');
		if (slash) {
			strcpy(slash + 1, "engines/pv/" VMHV_LOADER_NAME);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return VMCTL_LIBEXECDIR "/" VMHV_LOADER_NAME;
}

static void opts_cmdline(struct opts *o, int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc && n < sizeof(o->cfg.cmdline) - 1; i++)
		n += (size_t)snprintf(o->cfg.cmdline + n, sizeof(o->cfg.cmdline) - n,
				      "%s%s", i > 1 ? " " : "", argv[i]);
}

static int opts_parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "group", required_argument, NULL, 'g' },
		{ "guest-user", required_argument, NULL, 'u' },
		{ "loader", required_argument, NULL, 'L' },
		{ "spin", required_argument, NULL, 's' },
		{ "exit-with-parent", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("VMCTL_RUNDIR");
	int c, rc = 0;

	o->cfg.rundir = env && *env ? env : "/run/vmctl";
	o->cfg.loader = default_loader();
	/* Only root can switch users; otherwise guests run as vmhv's user. */
	o->cfg.guest_uid = geteuid() == 0 ? 65534 : geteuid();
	o->cfg.guest_gid = geteuid() == 0 ? 65534 : getegid();
	opts_cmdline(o, argc, argv);
	o->cfg.spin = 2000;
	while (rc == 0 && (c = getopt_long(argc, argv, "r:fl:g:u:L:s:Ph", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->cfg.rundir = optarg; break;
		case 'f': o->foreground = true; break;
		case 'l': o->log = optarg; break;
		case 'g': rc = opt_group(o, optarg); break;
		case 'u': rc = opt_guest_user(o, optarg); break;
		case 'L': o->cfg.loader = optarg; break;
		case 's': o->cfg.spin = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'P': o->exit_with_parent = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
		if (rc < 0)
			fprintf(stderr, "vmhv: unknown group or user '%s'\n", optarg);
	}
	if (rc == 0 && optind != argc)
		rc = -EINVAL;
	return rc;
}

static void on_signal(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return;
	log_info("signal %u: shutting down", si.ssi_signo);
	evloop_stop(loop);
}

/* SIGTERM/SIGINT end the loop; SIGPIPE is ignored (clients may vanish). */
static int signals_setup(struct vmhv *hv, struct ev_watch **w)
{
	sigset_t set;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	*w = evloop_watch(hv->loop, fd, EPOLLIN, on_signal, NULL);
	if (!*w) {
		close(fd);
		return -ENOMEM;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct vmhv hv;
	struct ev_watch *sigw = NULL;
	int rc, sigfd = -1;

	if (opts_parse(&o, argc, argv) < 0) {
		usage(stderr);
		return 2;
	}
	rc = log_open("vmhv", o.log);
	if (rc < 0) {
		fprintf(stderr, "vmhv: cannot open log %s: %s\n", o.log, strerror(-rc));
		return 1;
	}
	if (!o.foreground && daemon(1, o.log ? 0 : 1) < 0) {
		log_error("daemon: %s", strerror(errno));
		return 1;
	}
	rc = vmhv_init(&hv, &o.cfg);
	if (rc < 0) {
		log_error("cannot serve %s/privcmd: %s", o.cfg.rundir, strerror(-rc));
		return 1;
	}
	sigfd = signals_setup(&hv, &sigw);
	/* SIGTERM is blocked and read from the signalfd by now, so the parent's
	 * death ends the loop like a kill does. */
	if (sigfd >= 0 && o.exit_with_parent && prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		log_warn("--exit-with-parent: %s", strerror(errno));
	if (sigfd < 0) {
		rc = sigfd;
		log_error("signals: %s", strerror(-rc));
		goto out;
	}
	dmesg_printf(&hv.dmesg, "(XEN) vmhv %s serving %s/privcmd\n", PACKAGE_VERSION,
		     o.cfg.rundir);
	rc = evloop_run(hv.loop);
out:
	if (sigw)
		evloop_unwatch(hv.loop, sigw);
	vmhv_dispose(&hv);
	if (sigfd >= 0)
		close(sigfd);
	log_info("exit");
	return rc < 0 ? 1 : 0;
}
