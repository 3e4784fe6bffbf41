/* Small libc-only helpers shared by every layer. */
#ifndef VMCTL_COMMON_UTIL_H
#define VMCTL_COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/* write()/read() the whole buffer, retrying on EINTR and short counts.
 * Return 0 or -errno (-EPIPE for EOF on read). */
int write_all(int fd, const void *buf, size_t len);
int read_all(int fd, void *buf, size_t len);

/* Create a directory and its parents with `mode`; 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);

/* Replace `path` with `len` bytes atomically and durably: written to
 * path.tmp (mode `mode`), fsync'ed, renamed over `path`.  0 or -errno; on
 * error `path` is untouched and no .tmp file is left. */
int write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode);

/* For a child of xld's supervision (xld/supervise.c puts its pid in
 * VMCTL_SUPERVISOR_PID): get SIGTERM when that parent dies, so a restarted
 * xld starts a fresh child.  0, or -1 if the parent is already gone; 0
 * without the variable (started by hand). */
int supervisor_follow(void);

/* Join `dir` and `name` into a newly allocated string (NULL on ENOMEM). */
char *path_join(const char *dir, const char *name);

/* The decimal number in environment variable `name`, at most `max`;
 * `dflt` when it is unset, empty or not a number (a tuning knob). */
unsigned long env_ulong(const char *name, unsigned long dflt, unsigned long max);

#endif
