/* Frontend devices found under the domain's device/ directory in xenstore.
 * Each kind has an ops table (frontends.def); probing connects every device
 * present, suspend disconnects them all, resume connects them again. */
#ifndef GUEST_DEVICES_H
#define GUEST_DEVICES_H

#include <stdbool.h>

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
};

struct devices {
	struct blkfront *blk[MAX_BLK];
	int nr_blk;
	struct netfront *net[MAX_NET];
	int nr_net;
	struct fbfront *fb;
	struct kbdfront *kbd;
};

/* Probe every device listed in xenstore; returns how many connected. */
int devices_probe(struct kernel *k);
void devices_suspend(struct kernel *k);
void devices_resume(struct kernel *k, bool new_domain);
bool devices_poll(struct kernel *k);

/* Shared by the frontends: read "<nodename>/backend" and "backend-id". */
int frontend_backend(struct kernel *k, const char *nodename, char *backend,
		     unsigned int size, unsigned int *backend_id);

/* Wait (up to 10 s) for the backend's state to reach `state` or beyond;
 * returns the state reached or -ETIMEDOUT. */
int frontend_wait_backend(struct kernel *k, const char *backend, int state);

#endif
