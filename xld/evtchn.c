/* xld's event channel ends: vmhv's dom0 event channels over privcmd, each
 * bound port delivered as an eventfd watched by the event loop. */
#include "xld/evtchn.h"
#include "xld/xld.h"
#include "libvmctl/hv.h"
#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

struct xld_evtchn {
	struct xld *xld;
	uint32_t local_port;
	int fd;
	struct ev_watch *watch;
	xld_evtchn_cb on_event;
	void *arg;
};

int xld_evtchn_alloc_unbound(struct xld *xld, uint32_t domid, uint32_t *port)
{
	return hv_evtchn_alloc_unbound(xld->hv, domid, 0, port);
}

static void on_fd(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct xld_evtchn *ev = arg;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	ev->on_event(ev->arg);
}

struct xld_evtchn *xld_evtchn_open(struct xld *xld, uint32_t domid, uint32_t port,
				   xld_evtchn_cb on_event, void *arg)
{
	struct xld_evtchn *ev = calloc(1, sizeof(*ev));
	int rc;

	if (!ev)
		return NULL;
	ev->xld = xld;
	ev->fd = -1;
	ev->on_event = on_event;
	ev->arg = arg;
	rc = hv_evtchn_bind_interdomain(xld->hv, domid, port, &ev->local_port, &ev->fd);
	if (rc < 0) {
		log_error("domain %u: cannot bind event channel %u: %s", domid, port, strerror(-rc));
		free(ev);
		errno = -rc;
		return NULL;
	}
	ev->watch = evloop_watch(xld->loop, ev->fd, EPOLLIN, on_fd, ev);
	if (!ev->watch) {
		xld_evtchn_close(ev);
		errno = ENOMEM;
		return NULL;
	}
	return ev;
}

void xld_evtchn_notify(struct xld_evtchn *ev)
{
	if (ev)
		hv_evtchn_notify(ev->xld->hv, ev->local_port);
}

void xld_evtchn_close(struct xld_evtchn *ev)
{
	if (!ev)
		return;
	evloop_unwatch(ev->xld->loop, ev->watch);
	if (ev->fd >= 0)
		close(ev->fd);
	hv_evtchn_close(ev->xld->hv, ev->local_port);
	free(ev);
}
