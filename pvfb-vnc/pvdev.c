/* Guest memory and the backend half of the XenbusState handshake. */
#include "pvfb-vnc/pvdev.h"
#include "pvfb-vnc/xs_client.h"
#include "libvmctl/hv.h"
#include "common/log.h"

#include <vmctl/xen/io/xenbus.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096ull

/* ---- guest memory -------------------------------------------------------- */

int pvmem_open(struct pvmem *m, struct hv *hv, uint32_t domid)
{
	struct privcmd_foreign_map fm;
	int rc;

	m->hv = hv;
	m->domid = domid;
	m->memfd = -1;
	rc = hv_foreign_map(hv, domid, &m->memfd, &fm);
	if (rc < 0)
		return rc;
	m->ram_frames = fm.ram_frames;
	return 0;
}

void pvmem_close(struct pvmem *m)
{
	if (m->memfd >= 0)
		close(m->memfd);
	m->memfd = -1;
}

void *pvmem_map_frame(struct pvmem *m, uint64_t frame, int prot, const char *what)
{
	void *p;

	if (frame >= m->ram_frames) {
		log_error("domain %u: %s frame %#llx is not guest memory (%llu frames): refused",
			  m->domid, what, (unsigned long long)frame, (unsigned long long)m->ram_frames);
		return NULL;
	}
	p = mmap(NULL, PG, prot, MAP_SHARED, m->memfd, (off_t)(frame * PG));
	if (p == MAP_FAILED) {
		log_error("domain %u: cannot map the %s frame: %s", m->domid, what, strerror(errno));
		return NULL;
	}
	return p;
}

int pvmem_read_frame(struct pvmem *m, uint64_t frame, void *buf)
{
	if (frame >= m->ram_frames)
		return -EFAULT;
	if (pread(m->memfd, buf, PG, (off_t)(frame * PG)) != (ssize_t)PG)
		return -EIO;
	return 0;
}

/* The longest run of consecutive frames starting at frames[i]. */
static uint64_t run_length(const uint64_t *frames, uint64_t i, uint64_t n)
{
	uint64_t k = 1;

	while (i + k < n && frames[i + k] == frames[i] + k)
		k++;
	return k;
}

void *pvmem_map_frames(struct pvmem *m, const uint64_t *frames, uint64_t n)
{
	char *base;

	for (uint64_t i = 0; i < n; i++) {
		if (frames[i] >= m->ram_frames) {
			log_error("domain %u: framebuffer page %llu is frame %#llx, not guest memory: refused",
				  m->domid, (unsigned long long)i, (unsigned long long)frames[i]);
			return NULL;
		}
	}
	/* Reserve the whole range first so the pieces land side by side. */
	base = mmap(NULL, n * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (uint64_t i = 0, k; i < n; i += k) {
		k = run_length(frames, i, n);
		if (mmap(base + i * PG, k * PG, PROT_READ, MAP_SHARED | MAP_FIXED, m->memfd,
			 (off_t)(frames[i] * PG)) == MAP_FAILED) {
			log_error("domain %u: cannot map the framebuffer: %s", m->domid, strerror(errno));
			munmap(base, n * PG);
			return NULL;
		}
	}
	return base;
}

/* ---- the handshake --------------------------------------------------------- */

void pvdev_init(struct pvdev *d, struct pvmem *mem, struct xsc *xs, const char *kind, int devid)
{
	char path[128];
	long long v = -1;

	memset(d, 0, sizeof(*d));
	d->mem = mem;
	d->xs = xs;
	d->kind = kind;
	d->evfd = -1;
	d->failed_at = -1;
	snprintf(d->fe, sizeof(d->fe), "/local/domain/%u/device/%s/%d", mem->domid, kind, devid);
	snprintf(d->be, sizeof(d->be), "/local/domain/0/backend/%s/%u/%d", kind, mem->domid, devid);
	snprintf(path, sizeof(path), "%s/state", d->be);
	d->be_state = xsc_read_num(xs, path, &v) == 0 ? (int)v : -1;
}

int pvdev_watch(struct pvdev *d)
{
	int rc = xsc_watch(d->xs, d->fe, d->kind);

	return rc < 0 ? rc : xsc_watch(d->xs, d->be, d->kind);
}

static long long read_num(struct pvdev *d, const char *dir, const char *key, long long dflt)
{
	char path[160];
	long long v;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xsc_read_num(d->xs, path, &v) == 0 ? v : dflt;
}

long long pvdev_fe_num(struct pvdev *d, const char *key, long long dflt)
{
	return read_num(d, d->fe, key, dflt);
}

long long pvdev_be_num(struct pvdev *d, const char *key, long long dflt)
{
	return read_num(d, d->be, key, dflt);
}

int pvdev_set_state(struct pvdev *d, int state)
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), "%s/state", d->be);
	rc = xsc_printf(d->xs, path, "%d", state);
	if (rc == 0)
		d->be_state = state;
	return rc;
}

static void disconnect(struct pvdev *d, const struct pvdev_ops *ops, void *arg)
{
	if (!d->connected)
		return;
	ops->disconnect(arg);
	d->connected = false;
	log_info("%s: frontend disconnected", d->fe);
}

static int connect(struct pvdev *d, const struct pvdev_ops *ops, void *arg, int fe_state)
{
	if (d->connected || d->failed_at == fe_state)
		return 0;
	if (ops->connect(arg) < 0) {
		/* Refused (logged): the frontend must start over. */
		d->failed_at = fe_state;
		return pvdev_set_state(d, XenbusStateClosed);
	}
	d->connected = true;
	d->failed_at = -1;
	log_info("%s: connected", d->fe);
	return d->be_state == XenbusStateConnected ? 0 : pvdev_set_state(d, XenbusStateConnected);
}

/* Whether the backend directory still exists (xld removes it on detach). */
static int backend_exists(struct pvdev *d)
{
	char path[128], *v = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/frontend", d->be);
	rc = xsc_read(d->xs, path, &v);
	free(v);
	return rc;
}

int pvdev_step(struct pvdev *d, const struct pvdev_ops *ops, void *arg)
{
	int rc = backend_exists(d);
	long long fe = pvdev_fe_num(d, "state", XenbusStateClosed);

	if (rc == -ENOENT) {
		disconnect(d, ops, arg);
		return d->be_state >= 0 ? -ENODEV : -ENOENT;
	}
	if (rc < 0)
		return rc;
	if (fe != d->failed_at)
		d->failed_at = -1;
	switch (fe) {
	case XenbusStateInitialised:
	case XenbusStateConnected:
		return connect(d, ops, arg, (int)fe);
	case XenbusStateClosing:
	case XenbusStateClosed:
		disconnect(d, ops, arg);
		return d->be_state == XenbusStateClosed || d->be_state == XenbusStateInitialising
			? 0 : pvdev_set_state(d, XenbusStateClosed);
	default: /* Unknown, Initialising: a frontend (re)starting */
		disconnect(d, ops, arg);
		return d->be_state == XenbusStateInitWait ? 0 : pvdev_set_state(d, XenbusStateInitWait);
	}
}

/* ---- the event channel ------------------------------------------------------ */

int pvdev_bind(struct pvdev *d)
{
	long long port = pvdev_fe_num(d, "event-channel", -1);
	int rc;

	if (port <= 0 || port > UINT32_MAX) {
		log_error("%s: no valid event-channel", d->fe);
		return -EINVAL;
	}
	rc = hv_evtchn_bind_interdomain(d->mem->hv, d->mem->domid, (uint32_t)port, &d->port,
					&d->evfd);
	if (rc < 0) {
		log_error("%s: cannot bind event channel %lld: %s", d->fe, port, strerror(-rc));
		return rc;
	}
	fcntl(d->evfd, F_SETFL, fcntl(d->evfd, F_GETFL) | O_NONBLOCK);
	return 0;
}

void pvdev_unbind(struct pvdev *d)
{
	if (d->evfd < 0)
		return;
	close(d->evfd);
	hv_evtchn_close(d->mem->hv, d->port);
	d->evfd = -1;
}

bool pvdev_kicked(struct pvdev *d)
{
	uint64_t count;

	return d->evfd >= 0 && read(d->evfd, &count, sizeof(count)) == sizeof(count);
}

int pvdev_notify(struct pvdev *d)
{
	int rc = d->evfd >= 0 ? hv_evtchn_notify(d->mem->hv, d->port) : 0;

	return rc == -ECONNRESET || rc == -EPIPE ? -ECONNRESET : 0;
}
