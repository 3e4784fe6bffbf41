/* xs-testd: a stand-alone xenstored for tests.  Serves the wire protocol
 * on the socket given as argument, with dom0's nodes written as
 * xen-init-dom0 does, until SIGTERM/SIGINT.
 *
 *   xs-testd SOCKET [-l STATEFILE] [-s STATEFILE] [-i DOMID]...
 *     -l  load the store from STATEFILE first
 *     -s  save the store to STATEFILE on exit
 *     -i  introduce DOMID (no ring) so its @introduceDomain/release work
 */
#include "xld/xenstore/xenstored.h"
#include "common/evloop.h"
#include "common/log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void on_signal(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;

	(void)events;
	(void)arg;
	if (read(fd, &si, sizeof(si)) > 0)
		evloop_stop(loop);
}

static int setup(struct xenstored *xs, int argc, char **argv, const char **save)
{
	int opt;

	while ((opt = getopt(argc, argv, "l:s:i:")) != -1) {
		if (opt == 'l' && xenstored_load(xs, optarg) < 0)
			return -1;
		else if (opt == 's')
			*save = optarg;
		else if (opt == 'i')
			xenstored_domain_introduce(xs, (uint32_t)atoi(optarg));
		else if (opt == '?')
			return -1;
	}
	if (optind != argc - 1)
		return -1;
	xenstored_write(xs, "/local/domain/0/name", "Domain-0", 8);
	xenstored_write(xs, "/local/domain/0/domid", "0", 1);
	return xenstored_listen(xs, argv[optind], 0, (gid_t)-1);
}

int main(int argc, char **argv)
{
	struct evloop *loop = evloop_new();
	struct xenstored *xs = loop ? xenstored_new(loop) : NULL;
	const char *save = NULL;
	sigset_t set;
	int sfd, rc = 1;

	log_open("xs-testd", NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (!xs || sfd < 0 || setup(xs, argc, argv, &save) < 0) {
		fprintf(stderr, "usage: xs-testd SOCKET [-l FILE] [-s FILE] [-i DOMID]\n");
		goto out;
	}
	struct ev_watch *w = evloop_watch(loop, sfd, EPOLLIN, on_signal, NULL);
	rc = evloop_run(loop) < 0;
	evloop_unwatch(loop, w);
	if (save && xenstored_save(xs, save) < 0)
		rc = 1;
out:
	xenstored_free(xs);
	evloop_free(loop);
	return rc;
}
