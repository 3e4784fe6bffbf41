#include "hypervisor/reaper.h"

#include "hypervisor/vmhv.h"
#include "common/evloop.h"

#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct reaper {
	struct vmhv *hv;
	int pidfd;
	struct ev_watch *w;
	struct reaper *next;
};

static void reaper_free(struct reaper *r, int wait_flags)
{
	struct vmhv *hv = r->hv;
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	waitid((idtype_t)P_PIDFD, (id_t)r->pidfd, &si, WEXITED | wait_flags);
	for (struct reaper **pp = &hv->reapers; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	if (r->w)
		evloop_unwatch(hv->loop, r->w);
	close(r->pidfd);
	free(r);
}

static void reaper_ready(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	reaper_free(arg, WNOHANG);
}

void reaper_add(struct vmhv *hv, int pidfd)
{
	struct reaper *r = calloc(1, sizeof(*r));
	siginfo_t si;

	if (!r) {
		/* No memory to wait later: wait now rather than leak a zombie. */
		waitid((idtype_t)P_PIDFD, (id_t)pidfd, &si, WEXITED);
		close(pidfd);
		return;
	}
	*r = (struct reaper){ .hv = hv, .pidfd = pidfd, .next = hv->reapers };
	hv->reapers = r;
	r->w = evloop_watch(hv->loop, pidfd, EPOLLIN, reaper_ready, r);
	if (!r->w)
		reaper_free(r, 0);
}

void reaper_drain(struct vmhv *hv)
{
	while (hv->reapers)
		reaper_free(hv->reapers, 0);
}
