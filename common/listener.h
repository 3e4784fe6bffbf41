/* A listening UNIX socket served by the event loop: the daemons' front
 * doors (xenstored, the JSON-RPC API, the libvirt protocol). */
#ifndef VMCTL_COMMON_LISTENER_H
#define VMCTL_COMMON_LISTENER_H

#include <sys/types.h>

struct evloop;
struct listener;

/* Called with each accepted client's fd (non-blocking, close-on-exec);
 * the callee owns it. */
typedef void (*listener_client_cb)(void *arg, int fd);

/* unix_listen(path, mode, gid) watched by `loop`. Returns NULL with
 * *err = -errno on failure, leaving no socket file behind. */
struct listener *listener_open(struct evloop *loop, const char *path, mode_t mode, gid_t gid,
			       listener_client_cb on_client, void *arg, int *err);

/* Stop listening and remove the socket file; clients already accepted
 * are the caller's. NULL is ignored. */
void listener_close(struct listener *l);

#endif
