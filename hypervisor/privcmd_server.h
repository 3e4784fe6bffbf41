/* The privcmd socket: accepts dom0 clients on $rundir/privcmd, checks who
 * they are (SO_PEERCRED), validates every packet (privcmd_msg.h) and hands
 * it to the operation table (privcmd_ops.c); one reply per request. */
#ifndef VMHV_PRIVCMD_SERVER_H
#define VMHV_PRIVCMD_SERVER_H

#include <stdbool.h>
#include <stddef.h>

struct vmhv;
struct privcmd_server;

/* What a handler fills in: payload bytes in buf (cap bytes available) and
 * optionally one fd to pass (not owned by the reply: the handler's object
 * keeps it open). */
struct privcmd_reply {
	void *buf;
	size_t len;
	size_t cap;
	int fd;
	bool close_fd;     /* close `fd` after sending (a new eventfd) */
	void *client;      /* the connection: owner of dom0 resources */
};

/* Bind $rundir/privcmd and start accepting. Fails with -EADDRINUSE if a live
 * vmhv already serves that socket. */
int privcmd_server_start(struct vmhv *hv, struct privcmd_server **out);

/* Close every connection and remove the socket file. NULL is a no-op. */
void privcmd_server_stop(struct privcmd_server *srv);

/* The process that connected as `client` (a privcmd_reply's client, as
 * SO_PEERCRED said at accept), or -1 for NULL. */
int privcmd_client_pid(const void *client);

/* Run one validated request (privcmd_ops.c). Returns 0 or -errno. */
int privcmd_dispatch(struct vmhv *hv, unsigned op, const void *req, size_t len,
		     struct privcmd_reply *rep);

#endif
