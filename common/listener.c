#include "common/listener.h"
#include "common/evloop.h"
#include "common/sock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct listener {
	struct evloop *loop;
	int fd;
	char *path;
	struct ev_watch *watch;
	listener_client_cb on_client;
	void *arg;
};

/* Take every client waiting: one wake-up may stand for several. */
static void listener_accept(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct listener *l = arg;
	int cfd;

	(void)loop;
	(void)events;
	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		l->on_client(l->arg, cfd);
}

struct listener *listener_open(struct evloop *loop, const char *path, mode_t mode, gid_t gid,
			       listener_client_cb on_client, void *arg, int *err)
{
	struct listener *l = calloc(1, sizeof(*l));
	int rc = -ENOMEM;

	if (!l || !(l->path = strdup(path)))
		goto out;
	l->loop = loop;
	l->on_client = on_client;
	l->arg = arg;
	l->fd = unix_listen(path, mode, gid);
	if ((rc = l->fd) < 0)
		goto out;
	l->watch = evloop_watch(loop, l->fd, EPOLLIN, listener_accept, l);
	if (l->watch)
		return l;
	rc = -ENOMEM;
	close(l->fd);
	unlink(path);
out:
	if (l)
		free(l->path);
	free(l);
	*err = rc;
	return NULL;
}

void listener_close(struct listener *l)
{
	if (!l)
		return;
	evloop_unwatch(l->loop, l->watch);
	close(l->fd);
	unlink(l->path);
	free(l->path);
	free(l);
}
