/* xenstored inside xld: Xen's XenStore server as a library.
 *
 * A `struct xenstored` is one store with its clients.  It has no globals:
 * several stores may live in one process (tests do this).  Everything runs
 * on the thread that runs the evloop given to xenstored_new(); none of these
 * functions is thread-safe.
 *
 * Clients reach the store three ways:
 *  - Xen's wire protocol on a UNIX socket (xenstored_listen()); such
 *    clients act as dom0 (privileged), as with C xenstored's socket;
 *  - Xen's wire protocol on a guest's shared ring page
 *    (xenstored_ring_attach()), acting as that domain;
 *  - the direct calls below, for xld's own use, also acting as dom0.
 *
 * Errors are negative errno values, the same ones the wire protocol names
 * (-ENOENT, -EACCES, -EAGAIN, ...).
 */
#ifndef VMCTL_XLD_XENSTORE_XENSTORED_H
#define VMCTL_XLD_XENSTORE_XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct evloop;
struct xenstored;
struct xenstore_domain_interface;

/* Create a store holding what C xenstored starts with (`/`, `/tool`,
 * `/tool/xenstored`; dom0 introduced) whose sockets and timers use `loop`.
 * NULL on ENOMEM. */
struct xenstored *xenstored_new(struct evloop *loop);

/* Disconnect every client, close listening sockets (unlinking their paths),
 * detach rings (without touching the ring pages) and free the store. */
void xenstored_free(struct xenstored *xs);

/* Serve the wire protocol on a new UNIX stream socket at `path` (an old
 * socket file there is replaced).  `mode` 0 means 0600; `gid` -1 keeps the
 * process's group, otherwise the socket is chown'ed to it (use 0660 then).
 * May be called several times (e.g. for a `socket_ro` alias). */
int xenstored_listen(struct xenstored *xs, const char *path, mode_t mode, gid_t gid);

/* ---- domains ---------------------------------------------------------- */

/* Called by the store when a dom0 client sends XS_INTRODUCE (after the
 * domain is marked introduced, before @introduceDomain fires), so that xld
 * can map the ring page `gfn` and call xenstored_ring_attach().  And on
 * XS_RELEASE, after the ring has been detached.  Either may be NULL. */
struct xenstored_hooks {
	int (*introduce)(void *arg, uint32_t domid, uint64_t gfn, uint32_t evtchn);
	void (*release)(void *arg, uint32_t domid);
	void *arg;
};
void xenstored_set_hooks(struct xenstored *xs, const struct xenstored_hooks *hooks);

/* Mark `domid` introduced and fire @introduceDomain.  Introducing an
 * introduced domain is a no-op returning 0. */
int xenstored_domain_introduce(struct xenstored *xs, uint32_t domid);

/* The domain is gone: detach its ring, drop its watches and transactions,
 * remove every node it owns (with their subtrees, anywhere in the tree),
 * strip its domid from the permissions of the remaining nodes, and fire
 * @releaseDomain.  Nodes dom0 owns under /local/domain/<id> stay (the
 * toolstack removes /local/domain/<id> itself), as with C xenstored.
 * -ENOENT if the domain was not introduced, -EINVAL for dom0. */
int xenstored_domain_release(struct xenstored *xs, uint32_t domid);

bool xenstored_domain_is_introduced(struct xenstored *xs, uint32_t domid);

/* Write "/local/domain/<domid>" into buf (at least 32 bytes). */
void xenstored_domain_path(uint32_t domid, char *buf, size_t size);

/* ---- guest rings --------------------------------------------------------- */

/* Serve the guest `domid` on its mapped ring page.  `notify(arg)` must
 * signal the guest's xenstore event channel; the store calls it after it
 * moved data on the ring.  The domain is introduced if it was not.  The
 * page must stay mapped until xenstored_ring_detach() or _release().
 * -EEXIST if that domain already has a ring attached. */
int xenstored_ring_attach(struct xenstored *xs, uint32_t domid,
			  struct xenstore_domain_interface *ring,
			  void (*notify)(void *arg), void *arg);

/* The guest signalled its event channel: consume requests, push replies. */
void xenstored_ring_kick(struct xenstored *xs, uint32_t domid);

/* Stop serving the ring (the domain stays introduced).  No-op if none. */
void xenstored_ring_detach(struct xenstored *xs, uint32_t domid);

/* ---- direct calls (act as dom0, outside any transaction) ------------- */

/* Read a value: *val is a new NUL-terminated buffer (the NUL is not part of
 * *len), to free(). */
int xenstored_read(struct xenstored *xs, const char *path, char **val, size_t *len);
/* Write a value, creating missing parents. */
int xenstored_write(struct xenstored *xs, const char *path, const void *val, size_t len);
int xenstored_mkdir(struct xenstored *xs, const char *path);
/* Remove a node and its subtree; a missing node whose parent exists is ok. */
int xenstored_rm(struct xenstored *xs, const char *path);
/* Children as NUL-terminated names one after the other (*len bytes). */
int xenstored_directory(struct xenstored *xs, const char *path, char **names, size_t *len);
/* Permissions as text: "n0 r5 b7" (owner first, see xen-abi.md §3.4).
 * *perms is a new string to free(). */
int xenstored_get_perms(struct xenstored *xs, const char *path, char **perms);
int xenstored_set_perms(struct xenstored *xs, const char *path, const char *perms);

/* Watch `path` (or @introduceDomain / @releaseDomain): `cb` runs from the
 * event loop context after the change that fired it has completed, never
 * inside a store call, and once right after the watch is set (as on the
 * wire).  (path, token) must be unique: -EEXIST otherwise. */
typedef void (*xenstored_watch_cb)(void *arg, const char *path, const char *token);
int xenstored_watch(struct xenstored *xs, const char *path, const char *token,
		    xenstored_watch_cb cb, void *arg);
int xenstored_unwatch(struct xenstored *xs, const char *path, const char *token);

/* ---- persistence --------------------------------------------------------- */

/* Save every node (value and permissions) and the introduced domains to
 * `file` atomically (written to file.tmp, then renamed).  Connections,
 * watches and transactions are not saved. */
int xenstored_save(struct xenstored *xs, const char *file);

/* Replace all nodes with the contents of a file written by xenstored_save()
 * (fires no watches; open transactions will fail with EAGAIN).  -EINVAL if
 * the file is not a valid store image; the store is unchanged then. */
int xenstored_load(struct xenstored *xs, const char *file);

/* Replay the journal `file` (if it exists) onto the store, then append every
 * later change of the committed tree to it before the change is answered;
 * xenstored_save() empties it.  Call after xenstored_load().  Returns the
 * number of records replayed, or a negative errno. */
int xenstored_journal(struct xenstored *xs, const char *file);

#endif
