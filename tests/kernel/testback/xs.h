/* A minimal blocking xenstore client on xenstored's UNIX socket, for the
 * test backends (no watches: the backends poll). */
#ifndef GUESTS_TESTBACK_XS_H
#define GUESTS_TESTBACK_XS_H

#include <stddef.h>

/* Connect to $XENSTORED_PATH; returns the socket or -errno. */
int xs_connect(void);

/* Read a node into buf (NUL-terminated); its length or -1. */
int xs_read(int fd, const char *path, char *buf, size_t size);

/* Read a node as a number; -1 if absent or not a number. */
long long xs_read_num(int fd, const char *path);

/* Write a node; 0 or -1. */
int xs_write(int fd, const char *path, const char *value);

/* Write printf-formatted value to dir/node with the given permissions
 * (e.g. "n5", "r0"; NULL = leave them); 0 or -1. */
int xs_printf(int fd, const char *perm0, const char *perm1, const char *dir,
	      const char *node, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Set a node's permissions to the two entries given; 0 or -1. */
int xs_set_perms(int fd, const char *path, const char *perm0, const char *perm1);

/* Poll path (every 10 ms, at most timeout_ms) until its number is >= want;
 * returns the value reached, or -1 on timeout. */
long long xs_wait_num(int fd, const char *path, long long want, int timeout_ms);

#endif
