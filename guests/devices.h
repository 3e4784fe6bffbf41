/* Frontend devices found under the domain's device/ directory in xenstore.
 * Each kind has an ops table (frontends.def); probing connects every device
 * present, suspend disconnects them all, resume connects them again. */
#ifndef GUEST_DEVICES_H
#define GUEST_DEVICES_H

#include <stdbool.h>
#include "xenbus.h"

struct kernel;
struct blkfront;
struct netfront;
struct fbfront;
struct kbdfront;

#define MAX_BLK 4
#define MAX_NET 2

struct frontend_ops {
	const char *kind;	/* xenstore device kind: vbd, vif, vfb, vkbd */
	/* Connect device/<kind>/<id> (nodename). */
	int (*probe)(struct kernel *k, const char *nodename);
	/* Quiesce all devices of this kind (suspend); then either connect
	 * them to the new backends (resume in a new domain) or carry on with
	 * the old ones (the suspend was cancelled). */
	void (*suspend)(struct kernel *k);
	void (*resume)(struct kernel *k, bool new_domain);
	/* Work for the main loop; true if anything was done. */
	bool (*poll)(struct kernel *k);
	/* The toolstack removed device nodename (hot unplug); may be NULL. */
	void (*remove)(struct kernel *k, const char *nodename);
};

#define MAX_DEVICES 16

struct devices {
	struct blkfront *blk[MAX_BLK];
	int nr_blk;
	struct netfront *net[MAX_NET];
	int nr_net;
	struct fbfront *fb;
	struct kbdfront *kbd;
	bool hotplug;		/* hotplug=1: the two watches below are set */
	/* every device/<kind>/<id> seen, so a watch event probes only new ones */
	char known[MAX_DEVICES][48];
	int nr_known;
	struct xenbus_watch watch;
};

/* Probe every device listed in xenstore; returns how many connected.
 * With hotplug set, then watch device/ to probe devices plugged in later
 * and to tell the frontends about devices unplugged. */
int devices_probe(struct kernel *k);
void devices_suspend(struct kernel *k);
void devices_resume(struct kernel *k, bool new_domain);
bool devices_poll(struct kernel *k);

/* Shared by the frontends: read "<nodename>/backend" and "backend-id". */
int frontend_backend(struct kernel *k, const char *nodename, char *backend,
		     unsigned int size, unsigned int *backend_id);

/* With hotplug set, watch "<backend>/state" with w (once; fn and arg set
 * by the caller): a backend going Closing is how the toolstack asks for a
 * safe unplug. */
int frontend_watch_backend(struct kernel *k, struct xenbus_watch *w,
			   const char *backend);

/* Read the backend's state; -errno if it cannot be read. */
int frontend_backend_state(struct kernel *k, const char *backend);

/* Wait (up to 10 s) for the backend's state to reach `state` or beyond;
 * returns the state reached or -ETIMEDOUT. */
int frontend_wait_backend(struct kernel *k, const char *backend, int state);

#endif
