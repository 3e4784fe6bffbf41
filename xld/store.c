/* Starting, persisting and stopping xld's XenStore. */
#include "xld/store.h"
#include "xld/xld.h"
#include "xld/dom_xs.h"
#include "xld/xenstore/xenstored.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every change is in the journal before it is answered; the image is
 * rewritten (and the journal emptied) after a burst of writes calms down. */
#define SAVE_DELAY_NS 10000000ull

static void store_save(struct xld *xld)
{
	char *file = path_join(xld->opt.statedir, "xenstore.db");
	int rc = file ? xenstored_save(xld->xs, file) : -ENOMEM;

	if (rc < 0)
		log_error("cannot save the xenstore to %s: %s", file ? file : "?", strerror(-rc));
	xld->xs_dirty = false;
	free(file);
}

static void on_save_timer(struct evloop *loop, struct ev_timer *t, void *arg)
{
	struct xld *xld = arg;

	xld->xs_save_timer = NULL;
	store_save(xld);
}

/* A watch on "/" fires for every change anywhere in the store. */
static void on_change(void *arg, const char *path, const char *token)
{
	struct xld *xld = arg;

	xld->xs_dirty = true;
	if (!xld->xs_save_timer)
		xld->xs_save_timer = evloop_timer(xld->loop, SAVE_DELAY_NS, 0, on_save_timer, xld);
}

int xld_store_start(struct xld *xld)
{
	char *dir = path_join(xld->opt.rundir, "xenstored");
	char *sock = path_join(xld->opt.rundir, "xenstored/socket");
	char *file = path_join(xld->opt.statedir, "xenstore.db");
	char *journal = path_join(xld->opt.statedir, "xenstore.journal");
	int rc = -ENOMEM;

	xld->xs = xenstored_new(xld->loop);
	if (!dir || !sock || !file || !journal || !xld->xs)
		goto out;
	if (access(file, F_OK) == 0) {
		rc = xenstored_load(xld->xs, file);
		if (rc < 0)
			log_error("%s is not a valid xenstore image (%s): starting empty",
				  file, strerror(-rc));
		else
			log_info("xenstore restored from %s", file);
	}
	rc = xenstored_journal(xld->xs, journal);
	if (rc > 0)
		log_info("xenstore: %d changes replayed from %s", rc, journal);
	else if (rc < 0) {
		log_error("cannot open the xenstore journal %s: %s", journal, strerror(-rc));
		goto out;
	}
	if ((rc = mkdir_p(dir, 0755)) < 0 ||
	    (rc = xenstored_listen(xld->xs, sock, xld->opt.sock_gid >= 0 ? 0660 : 0600,
				   (gid_t)xld->opt.sock_gid)) < 0) {
		log_error("xenstored cannot listen on %s: %s", sock, strerror(-rc));
		goto out;
	}
	if ((rc = dom_xs_dom0(xld)) < 0)
		goto out;
	rc = xenstored_watch(xld->xs, "/", "xld-persist", on_change, xld);
out:
	free(dir);
	free(sock);
	free(file);
	free(journal);
	return rc;
}

void xld_store_stop(struct xld *xld)
{
	if (!xld->xs)
		return;
	evloop_timer_cancel(xld->loop, xld->xs_save_timer);
	xld->xs_save_timer = NULL;
	if (xld->xs_dirty)
		store_save(xld);
	xenstored_free(xld->xs);
	xld->xs = NULL;
}
