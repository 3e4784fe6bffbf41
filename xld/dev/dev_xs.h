/* What every PV backend in xld shares: the device's xenstore nodes, written
 * as libxl writes them (reference §3.7), and the XenbusState handshake,
 * driven by a watch on the frontend's `state` node.
 *
 *   frontend /local/domain/<id>/device/<kind>/<devid>       [n<id>, r0]
 *   backend  /local/domain/0/backend/<kind>/<id>/<devid>    [n0, r<id>]
 *   toolstack /libxl/<id>/device/<kind>/<devid>             [n0]
 *
 * The backend publishes its features and goes InitWait (2); when the
 * frontend reaches Initialised (3) or Connected (4) the kind's connect()
 * maps the rings and binds the channel, and the backend goes Connected (4).
 * A frontend going Closing/Closed disconnects it; a frontend that starts
 * over (Initialising) finds the backend in InitWait again.
 *
 * Convention: a kind's dev->priv starts with its struct dev_xs, so that
 * hot plug (hotplug.c) can reach the handshake of any device. */
#ifndef VMCTL_XLD_DEV_DEV_XS_H
#define VMCTL_XLD_DEV_DEV_XS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xld;

struct dev_xs_ops {
	/* The frontend published its rings: connect, 0 or -errno. */
	int (*connect)(void *arg);
	/* The frontend closed (or vanished): stop using its rings. */
	void (*disconnect)(void *arg);
};

struct dev_xs {
	struct xld *xld;
	uint32_t domid;
	const char *kind;
	int devid;
	char fe[96], be[96], lx[96];   /* frontend, backend, /libxl paths */
	char token[64];                 /* the state watch's token */
	bool watching, connected;
	const struct dev_xs_ops *ops;
	void *arg;
	int rc;                         /* first error of a batch of writes */
};

/* Fill in the paths; nothing is written yet. */
void dev_xs_init(struct dev_xs *x, struct xld *xld, uint32_t domid, const char *kind, int devid);

/* Create the frontend and backend directories with their permissions and
 * the common keys (frontend, frontend-id, online, state = 1; backend,
 * backend-id, state = 1) and /libxl/<id>/device/<kind>/<devid> with
 * frontend and backend. 0 or -errno (x->rc). */
int dev_xs_make(struct dev_xs *x);

/* Write one key under the backend / frontend / libxl directory. Errors are
 * sticky in x->rc (later writes are skipped), so a kind can write a batch
 * and check once. */
void dev_xs_be(struct dev_xs *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dev_xs_fe(struct dev_xs *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void dev_xs_lx(struct dev_xs *x, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a frontend / backend key: a new string to free, or NULL. */
char *dev_xs_read_fe(struct dev_xs *x, const char *key);
char *dev_xs_read_be(struct dev_xs *x, const char *key);
/* A frontend key as a number; -1 when absent or not a number. */
long long dev_xs_fe_num(struct dev_xs *x, const char *key);

/* Publish the backend's state (XenbusState*). */
int dev_xs_set_state(struct dev_xs *x, int state);

/* Start the handshake: unless `recovering`, go InitWait; watch the
 * frontend's state and call ops as it moves. A recovering device whose
 * frontend is already connected is connected again at once. */
int dev_xs_start(struct dev_xs *x, const struct dev_xs_ops *ops, void *arg, bool recovering);

/* The backend asks the frontend to let go (a safe removal): stop serving
 * the rings first, so the frontend finds them unmapped, then go Closing. */
int dev_xs_close(struct dev_xs *x);

/* Stop watching; disconnect if connected. */
void dev_xs_stop(struct dev_xs *x);

/* Remove the device's nodes (frontend, backend, libxl), and the per-domain
 * backend directory if it is left empty. */
void dev_xs_remove(struct dev_xs *x);

/* The device numbers present under /local/domain/0/backend/<kind>/<domid>,
 * for listing; returns the count written into ids (at most cap). */
int dev_xs_list(struct xld *xld, const char *kind, uint32_t domid, int *ids, int cap);

#endif
