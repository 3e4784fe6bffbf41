/* Supervision of per-guest child processes (VNC servers now, device models
 * later): xld starts them with posix_spawn (never fork: xld is large), and
 * watches each through a pidfd in its event loop. A child that exits with
 * status 0 has finished its work and stays down; one that dies otherwise is
 * started again after a delay that doubles with every quick death (100 ms,
 * 200 ms, ... up to 10 s; back to 100 ms once a child has lived 10 s). A
 * child is stopped with its domain: SIGTERM, then SIGKILL, and reaped.
 *
 * Children get stdin from /dev/null, stdout and stderr appended to their
 * log file, no other descriptor of xld's, default signal dispositions, and
 * VMCTL_SUPERVISOR_PID=<xld's pid> in their environment: a child should
 * ask for PR_SET_PDEATHSIG and exit if its parent is not that pid, so that
 * it never outlives xld (a restarted xld starts fresh ones on recovery).
 * Device models do not: they live as long as their domain, and a restarted
 * xld adopts them (supervise_adopt). */
#ifndef VMCTL_XLD_SUPERVISE_H
#define VMCTL_XLD_SUPERVISE_H

#include <stdint.h>
#include <sys/types.h>

struct xld;
struct xld_child;

/* Start `argv` (argv[0] is the program's path) under supervision; `name`
 * labels it in xld's log; `logpath` (may be NULL: /dev/null) receives its
 * output. Returns NULL (errno set, logged) if the first spawn fails. */
struct xld_child *supervise_start(struct xld *xld, const char *name, char *const argv[],
				  const char *logpath);

/* The same, and the child gets `fds` (n of them, at most
 * SUPERVISE_MAX_FDS) as its descriptors 3, 4, ... at every start: the
 * handle keeps its own copies until supervise_stop (a tap an emulated NIC
 * serves lives that long). */
#define SUPERVISE_MAX_FDS 8
struct xld_child *supervise_start_fds(struct xld *xld, const char *name, char *const argv[],
				      const char *logpath, const int *fds, unsigned n);

/* Watch `pid`, a child an earlier xld started and that outlived it (a
 * device model: it lives as long as its domain). It is stopped like the
 * others, but not restarted when it dies (its argv and descriptors were
 * the earlier xld's). NULL (errno set, logged) if it cannot be watched. */
struct xld_child *supervise_adopt(struct xld *xld, const char *name, pid_t pid);

/* Change what the next restart passes: the argument after the first
 * `opt` whose value starts with `prefix` becomes `value` (a device model's
 * --disk after xl cd-insert). 0, -ENOENT or -ENOMEM. */
int supervise_set_arg(struct xld_child *c, const char *opt, const char *prefix,
		      const char *value);

/* Call fn(arg) before each restart (not the first start): the owner drops
 * what the dead process published (a device model's pty name). */
void supervise_on_restart(struct xld_child *c, void (*fn)(void *arg), void *arg);

/* Stop and reap the child (SIGTERM, at most 1 s, then SIGKILL) and free
 * the handle; no restart follows. NULL is a no-op. */
void supervise_stop(struct xld_child *c);

/* The running child's pid, 0 while it waits to be restarted. */
pid_t supervise_pid(const struct xld_child *c);
/* How many times it was restarted so far. */
unsigned supervise_restarts(const struct xld_child *c);

/* The path of a helper program: $<env> if set, else `name` next to the
 * running xld's directory in the build tree (<dir>/../<subdir>/<name>),
 * else the installed one in pkglibexecdir. A new string to free(). */
char *supervise_program(const char *env, const char *subdir, const char *name);

#endif
