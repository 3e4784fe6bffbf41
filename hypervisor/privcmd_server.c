#include "hypervisor/privcmd_server.h"

#include "hypervisor/evtchn.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/privcmd_ioreq.h"
#include "hypervisor/privcmd_msg.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define PRIVCMD_PKT_MAX (sizeof(struct privcmd_hdr) + PRIVCMD_MAX_PAYLOAD)
#define PRIVCMD_MAX_GROUPS 256

struct privcmd_conn {
	struct privcmd_server *srv;
	int fd;
	struct ev_watch *w;
	pid_t pid;
	struct privcmd_conn *next;
};

struct privcmd_server {
	struct vmhv *hv;
	int listen_fd;
	struct ev_watch *w;
	char *path;
	struct privcmd_conn *conns;
	/* One packet in, one out: vmhv serves a request at a time. */
	_Alignas(8) uint8_t rx[PRIVCMD_PKT_MAX + 1];
	_Alignas(8) uint8_t tx[PRIVCMD_PKT_MAX];
};

static void conn_close(struct privcmd_conn *c)
{
	struct privcmd_server *srv = c->srv;

	for (struct privcmd_conn **pp = &srv->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	evtchn_dom0_release(srv->hv, c);
	gnttab_dom0_release(srv->hv, c);
	ioreq_dom0_release(srv->hv, c);
	evloop_unwatch(srv->hv->loop, c->w);
	close(c->fd);
	free(c);
}

static int send_reply(int fd, const void *pkt, size_t len, int pass_fd)
{
	struct iovec iov = { .iov_base = (void *)pkt, .iov_len = len };
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } cbuf;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (pass_fd >= 0) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass_fd, sizeof(int));
	}
	if (sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* Build and send the reply to the packet in srv->rx. */
static int conn_serve(struct privcmd_conn *c, size_t len, bool truncated)
{
	struct privcmd_server *srv = c->srv;
	struct privcmd_hdr req = { 0 }, *rh = (struct privcmd_hdr *)srv->tx;
	struct privcmd_reply rep = {
		.buf = srv->tx + sizeof(*rh), .cap = PRIVCMD_MAX_PAYLOAD, .fd = -1, .client = c,
	};
	int rc, sent;

	if (len >= sizeof(req))
		memcpy(&req, srv->rx, sizeof(req));
	rc = privcmd_msg_check(srv->rx, len, truncated);
	if (rc == 0)
		rc = privcmd_dispatch(srv->hv, req.op, srv->rx + sizeof(req),
				      req.len, &rep);
	if (rc < 0) {
		log_debug("privcmd: pid %d op %u: %s", (int)c->pid, req.op, strerror(-rc));
		rep.len = 0;
		if (rep.close_fd && rep.fd >= 0)
			close(rep.fd);
		rep.fd = -1;
	}
	*rh = (struct privcmd_hdr){
		.magic = PRIVCMD_MAGIC, .version = PRIVCMD_VERSION, .op = req.op,
		.seq = req.seq, .len = (uint32_t)rep.len, .rc = rc,
		.flags = rep.fd >= 0 ? PRIVCMD_F_FD : 0,
	};
	sent = send_reply(c->fd, srv->tx, sizeof(*rh) + rep.len, rep.fd);
	if (rep.close_fd && rep.fd >= 0)
		close(rep.fd);
	return sent;
}

static void conn_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct privcmd_conn *c = arg;
	struct privcmd_server *srv = c->srv;
	ssize_t r;

	r = recv(fd, srv->rx, sizeof(srv->rx), MSG_DONTWAIT | MSG_TRUNC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		conn_close(c);
		return;
	}
	/* A client that does not read its replies is dropped, never waited on. */
	if (conn_serve(c, MIN((size_t)r, sizeof(srv->rx)), (size_t)r > PRIVCMD_PKT_MAX) < 0)
		conn_close(c);
}

static bool peer_in_group(int fd, gid_t want, gid_t primary)
{
	gid_t groups[PRIVCMD_MAX_GROUPS];
	socklen_t len = sizeof(groups);

	if (primary == want)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == want)
			return true;
	return false;
}

int privcmd_client_pid(const void *client)
{
	return client ? (int)((const struct privcmd_conn *)client)->pid : -1;
}

/* Root, vmhv's own user, or a member of the configured group. */
static bool peer_allowed(struct privcmd_server *srv, int fd, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, cred, &len) < 0)
		return false;
	if (cred->uid == 0 || cred->uid == geteuid())
		return true;
	return srv->hv->cfg.have_allow_gid &&
	       peer_in_group(fd, srv->hv->cfg.allow_gid, cred->gid);
}

static void srv_accept(struct evloop *loop, int lfd, uint32_t events, void *arg)
{
	struct privcmd_server *srv = arg;
	struct privcmd_conn *c;
	struct ucred cred;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	if (!peer_allowed(srv, fd, &cred)) {
		log_warn("privcmd: refused uid %u pid %d", cred.uid, (int)cred.pid);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	*c = (struct privcmd_conn){ .srv = srv, .fd = fd, .pid = cred.pid, .next = srv->conns };
	c->w = evloop_watch(loop, fd, EPOLLIN, conn_readable, c);
	if (!c->w) {
		close(fd);
		free(c);
		return;
	}
	srv->conns = c;
}

/* A socket file that still accepts connections belongs to a live vmhv. */
static bool socket_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return alive;
}

static int srv_bind(struct privcmd_server *srv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	const struct vmhv_config *cfg = &srv->hv->cfg;

	if (strlen(srv->path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, srv->path);
	if (socket_alive(&addr))
		return -EADDRINUSE;
	unlink(srv->path);
	srv->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->listen_fd < 0)
		return -errno;
	if (bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return -errno;
	if (chmod(srv->path, cfg->have_allow_gid ? 0660 : 0600) < 0)
		return -errno;
	if (cfg->have_allow_gid && chown(srv->path, (uid_t)-1, cfg->allow_gid) < 0)
		return -errno;
	if (listen(srv->listen_fd, 64) < 0)
		return -errno;
	return 0;
}

int privcmd_server_start(struct vmhv *hv, struct privcmd_server **out)
{
	struct privcmd_server *srv;
	int rc;

	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -ENOMEM;
	srv->hv = hv;
	srv->listen_fd = -1;
	srv->path = path_join(hv->cfg.rundir, PRIVCMD_SOCKET_NAME);
	rc = srv->path ? srv_bind(srv) : -ENOMEM;
	if (rc == 0) {
		srv->w = evloop_watch(hv->loop, srv->listen_fd, EPOLLIN, srv_accept, srv);
		rc = srv->w ? 0 : -ENOMEM;
	}
	if (rc < 0) {
		/* Never remove a live vmhv's socket. */
		if (rc == -EADDRINUSE) {
			free(srv->path);
			srv->path = NULL;
		}
		privcmd_server_stop(srv);
		return rc;
	}
	*out = srv;
	return 0;
}

void privcmd_server_stop(struct privcmd_server *srv)
{
	if (!srv)
		return;
	while (srv->conns)
		conn_close(srv->conns);
	if (srv->w)
		evloop_unwatch(srv->hv->loop, srv->w);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	if (srv->path)
		unlink(srv->path);
	free(srv->path);
	free(srv);
}
