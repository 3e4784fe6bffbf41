/* Addresses and TCP connections of migration (migrate_net.c). */
#ifndef VMCTL_XLD_MIGRATE_NET_H
#define VMCTL_XLD_MIGRATE_NET_H

#include <stddef.h>

struct evloop;

/* "host", "host:port", "[v6]", "[v6]:port" (a bare v6 address has no
 * port) into host and *port (def_port when absent). 0 or -EINVAL /
 * -ENAMETOOLONG. */
int migrate_addr_split(const char *spec, char *host, size_t cap, unsigned *port,
		       unsigned def_port);

/* Resolve and connect, blocking, with the migration timeouts set on the
 * socket. The fd, or -errno with a reason in `why`. */
int migrate_tcp_connect(const char *host, unsigned port, unsigned secs, char *why, size_t cap);

/* The same in a thread; done(arg, fd or -errno, why) runs on the loop. */
int migrate_connect_async(struct evloop *loop, const char *host, unsigned port,
			  unsigned secs, void (*done)(void *arg, int fd_or_rc, const char *why),
			  void *arg);

#endif
