/* The control socket: one request per connection, answered at once. The
 * state of DMCTL_SAVE / DMCTL_LOAD moves on the same connection, blocking:
 * xld sends or reads all of it at once, and the guest is frozen meanwhile. */
#include "devmodel/ctl.h"
#include "devmodel/dev/acpi_hotplug.h"
#include "devmodel/dev/ide.h"
#include "devmodel/dm.h"
#include "devmodel/dm_save.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/sock.h"
#include "vmctl/dmctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Receive the request and the descriptor that may come with it. */
static int ctl_recv(int cfd, struct dmctl_req *req, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { req, sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	*fd = -1;
	n = recvmsg(cfd, &msg, MSG_CMSG_CLOEXEC);
	for (cm = CMSG_FIRSTHDR(&msg); n >= 0 && cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(sizeof(int)) && *fd < 0)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (n != (ssize_t)sizeof(*req) || req->magic != DMCTL_MAGIC || (msg.msg_flags & MSG_CTRUNC))
		return -EINVAL;
	return 0;
}

/* sendmsg: the sandbox allows it (send is sendto, which it does not). */
static int ctl_send(int cfd, const struct dmctl_rep *rep)
{
	struct iovec iov = { (void *)rep, sizeof(*rep) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	return sendmsg(cfd, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(*rep) ? 0 : -1;
}

static int blocking(int cfd)
{
	int fl = fcntl(cfd, F_GETFL);

	return fl < 0 || fcntl(cfd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? -errno : 0;
}

static int ctl_io_all(int cfd, void *buf, size_t len, bool in)
{
	for (size_t done = 0; done < len;) {
		struct iovec iov = { (char *)buf + done, len - done };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = in ? recvmsg(cfd, &msg, 0) : sendmsg(cfd, &msg, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		done += (size_t)n;
	}
	return 0;
}

static int ctl_load(struct dmctl *c, int cfd, uint32_t len)
{
	const char *why = NULL;
	uint8_t *buf;
	int rc;

	if (len > DMCTL_STATE_MAX)
		return -EINVAL;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	rc = blocking(cfd);
	if (rc == 0)
		rc = ctl_io_all(cfd, buf, len, true);
	if (rc == 0) {
		rc = dm_load(c->dm, buf, len, &why);
		if (rc < 0)
			log_warn("state refused: %s", why ? why : strerror(-rc));
		else
			log_info("state loaded (%u bytes)", len);
	}
	free(buf);
	return rc;
}

/* The reply with the state after it. */
static int ctl_save(struct dmctl *c, int cfd)
{
	struct dm_sbuf b = { 0 };
	struct dmctl_rep rep = { 0 };
	int rc = dm_save(c->dm, &b);

	if (rc == 0)
		rc = blocking(cfd);
	rep.rc = rc;
	rep.len = rc == 0 ? (uint32_t)b.len : 0;
	if (ctl_io_all(cfd, &rep, sizeof(rep), false) == 0 && rc == 0) {
		ctl_io_all(cfd, b.p, b.len, false);
		log_info("state saved (%zu bytes)", b.len);
	}
	free(b.p);
	return rc;
}

static int ctl_run(struct dmctl *c, const struct dmctl_req *req, int *fd)
{
	struct ide *ide = dm_device(c->dm, "ide");

	if (req->op == DMCTL_VCPUS) {
		struct acpi_hotplug *h = dm_device(c->dm, "acpi_hotplug");

		return h ? acpi_hotplug_set_vcpus(h, req->disk) : -ENODEV;
	}
	if (!ide)
		return -ENODEV;
	switch (req->op) {
	case DMCTL_CD_INSERT:
		if (*fd < 0)
			return -EBADF;
		return ide_cd_change(ide, req->disk, fd);
	case DMCTL_CD_EJECT:
		return ide_cd_change(ide, req->disk, NULL);
	default:
		return -EINVAL;
	}
}

/* One client: its request has arrived (or it hung up). */
struct ctl_conn {
	struct dmctl *c;
	int fd;
	struct ev_watch *w;
};

static void ctl_readable(struct evloop *loop, int cfd, uint32_t events, void *arg)
{
	struct ctl_conn *conn = arg;
	struct dmctl_req req;
	struct dmctl_rep rep = { 0 };
	int fd = -1;

	(void)events;
	rep.rc = ctl_recv(cfd, &req, &fd);
	if (rep.rc == 0 && req.op == DMCTL_SAVE) {
		ctl_save(conn->c, cfd);     /* answered there */
		goto out;
	}
	if (rep.rc == 0 && req.op == DMCTL_LOAD)
		rep.rc = ctl_load(conn->c, cfd, req.len);
	else if (rep.rc == 0)
		rep.rc = ctl_run(conn->c, &req, &fd);
	if (rep.rc < 0)
		log_warn("control request refused: %s", strerror(-rep.rc));
	else
		log_info("control request %u on disk %u done", req.op, req.disk);
	if (ctl_send(cfd, &rep) < 0 && errno != EPIPE)
		log_warn("control reply: %s", strerror(errno));
out:
	if (fd >= 0)
		close(fd);      /* not taken */
	evloop_unwatch(loop, conn->w);
	close(cfd);
	free(conn);
}

static void ctl_accept(struct evloop *loop, int lfd, uint32_t events, void *arg)
{
	struct ctl_conn *conn = malloc(sizeof(*conn));
	int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	(void)events;
	if (cfd < 0 || !conn) {
		if (cfd >= 0)
			close(cfd);
		free(conn);
		return;
	}
	*conn = (struct ctl_conn){ arg, cfd, NULL };
	conn->w = evloop_watch(loop, cfd, EPOLLIN, ctl_readable, conn);
	if (!conn->w) {
		close(cfd);
		free(conn);
	}
}

int dmctl_open(struct dmctl *c, struct dm *dm, struct evloop *loop, const char *path)
{
	c->dm = dm;
	c->loop = loop;
	c->listen_w = NULL;
	c->listen_fd = unix_listen(path, 0600, (gid_t)-1);
	if (c->listen_fd < 0)
		return c->listen_fd;
	c->listen_w = evloop_watch(loop, c->listen_fd, EPOLLIN, ctl_accept, c);
	return c->listen_w ? 0 : -ENOMEM;
}

void dmctl_close(struct dmctl *c)
{
	if (c->listen_w)
		evloop_unwatch(c->loop, c->listen_w);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->listen_w = NULL;
	c->listen_fd = -1;
}
