/* The PV console backend (console 0 of every domain, like xenconsoled):
 * drains the guest's output ring into $VMCTL_LOGDIR/console/<name>.log, a
 * history kept in memory, and every attached client; feeds the one writing
 * client's bytes into the input ring. The ring indices live in the shared
 * page, so an xld that restarts continues exactly where the last one
 * stopped: no output is lost and none is logged twice. */
#ifndef VMCTL_XLD_CONSOLE_H
#define VMCTL_XLD_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct xld;
struct xld_console;

/* Serve the ring at `ring` (a mapped page that stays valid until
 * console_close), signalled through the guest's event channel `port`.
 * Returns NULL (errno set) on failure. */
struct xld_console *console_open(struct xld *xld, uint32_t domid, const char *name,
				 void *ring, uint32_t port);
/* The same for a byte stream (an HVM guest's serial line: the device
 * model's pty): reads are guest output, client input is written to it.
 * Takes ownership of `fd` (non-blocking). NULL (errno set) on failure. */
struct xld_console *console_open_fd(struct xld *xld, uint32_t domid, const char *name, int fd);
/* Drain what is left, detach every client, close the log. */
void console_close(struct xld_console *con);
/* Log to $VMCTL_LOGDIR/console/<name><suffix>.log from now on (an hvm
 * domain's PV console ring: ".pv", next to its serial line's <name>.log). */
int console_relog(struct xld_console *con, const char *name, const char *suffix);
/* The log file moves with the domain's name (xl rename). */
int console_rename(struct xld_console *con, const char *name);

/* Hand a client connection to the console: it receives the history, then
 * live output; if `writer` and no other writer is attached, what it sends
 * becomes guest input. `pending` bytes already read from the client are
 * treated as input. Takes ownership of `fd`. */
int console_attach(struct xld_console *con, int fd, int writer,
		   const char *pending, size_t pending_len);

/* Copy up to `cap` bytes of the most recent history into buf; returns the
 * count (the newest output is last). */
size_t console_history(struct xld_console *con, char *buf, size_t cap);

#endif
