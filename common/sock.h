/* Listening UNIX sockets, as every vmctl daemon opens them. */
#ifndef VMCTL_COMMON_SOCK_H
#define VMCTL_COMMON_SOCK_H

#include <sys/types.h>

/* A non-blocking, close-on-exec stream socket listening on `path` (a stale
 * socket file there is replaced), with permissions `mode` (0 = 0600) and,
 * unless gid is (gid_t)-1, that group; the file appears only once the
 * socket listens.  Returns the fd or -errno; on error
 * nothing is left behind but a possibly removed stale file. */
int unix_listen(const char *path, mode_t mode, gid_t gid);

#endif
