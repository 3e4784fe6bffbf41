/* The sender: a domain into a stream (xld/save.h, docs/migration-stream.md).
 * The steps below run in the order they are listed, in the worker thread,
 * except those named main_*, which the worker hands to the main loop. */
#include "xld/save.h"
#include "xld/save_pvstate.h"
#include "xld/save_hvm.h"
#include "xld/save_worker.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/monitor.h"
#include "xld/xenstore/xenstored.h"
#include "libvmctl/hv.h"
#include "libvmctl/stream.h"
#include "common/log.h"
#include "common/util.h"
#include <vmctl/xen/sched.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/hvm/params.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE STREAM_PAGE_SIZE
#define SUSPEND_TIMEOUT_MS 30000u

struct save_op {
	struct save_worker w;
	struct xld *xld;
	uint32_t domid;
	int fd;
	struct save_opts opts;
	char *config_json;
	uint64_t console_pfn, store_pfn;
	uint32_t suspend_port;    /* the guest's suspend event channel (0: none) */
	bool hvm;                 /* frozen instead of suspended (save_hvm.h) */
	bool hvm_pv;              /* hvm with PV drivers that suspend (feature-suspend) */
	struct save_hvm hs;
	/* worker state */
	struct hv *hv;
	uint8_t *mem;             /* guest RAM, read-only */
	int memfd;                /* its file: holes are zero pages never touched */
	uint64_t ext_lo, ext_hi;  /* frames [lo, hi) are all data or all hole */
	bool ext_hole;
	uint64_t ram_frames;
	uint64_t *dirty;          /* frames still to send (live) */
	bool dirty_on;
	struct stream_writer out;
	uint64_t t_start, t_suspend, t_suspended, t_rest, t_end;
	uint64_t final_pages;     /* sent while suspended */
	/* shared with the main loop */
	uint64_t pages_done;      /* atomic */
	uint32_t round;           /* atomic */
	bool suspended;           /* atomic; the worker saw the suspend */
	bool abort;               /* atomic */
	int rc;
	char msg[320];
	struct save_op *next;     /* xld->saves */
};

static int failf(struct save_op *op, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int failf(struct save_op *op, int rc, const char *fmt, ...)
{
	va_list ap;

	if (op->msg[0])
		return rc;	/* the first reason is the one to report */
	va_start(ap, fmt);
	vsnprintf(op->msg, sizeof(op->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static bool aborted(struct save_op *op)
{
	return __atomic_load_n(&op->abort, __ATOMIC_RELAXED);
}

/* ---- the stream ------------------------------------------------------- */

static int out_err(struct save_op *op, int rc)
{
	return failf(op, rc, "cannot write the stream: %s", strerror(-rc));
}

static int map_memory(struct save_op *op)
{
	struct privcmd_foreign_map info;
	int rc = hv_foreign_map(op->hv, op->domid, &op->memfd, &info);

	if (rc < 0)
		return failf(op, rc, "cannot map the domain's memory: %s", strerror(-rc));
	__atomic_store_n(&op->ram_frames, info.ram_frames, __ATOMIC_RELAXED);
	op->mem = mmap(NULL, info.ram_frames * PAGE, PROT_READ, MAP_SHARED, op->memfd, 0);
	if (op->mem == MAP_FAILED) {
		op->mem = NULL;
		return failf(op, -errno, "cannot map the domain's memory: %s", strerror(errno));
	}
	return 0;
}

static int write_head(struct save_op *op)
{
	struct privcmd_dominfo info;
	struct stream_domain sd = { .src_domid = op->domid, .ram_frames = op->ram_frames,
				    .flags = op->hvm ? PRIVCMD_CREATE_HVM : 0 };
	int rc = hv_domain_getinfo(op->hv, op->domid, &info);

	if (rc < 0)
		return failf(op, rc, "vmhv: %s", strerror(-rc));
	memcpy(sd.uuid, info.handle, sizeof(sd.uuid));
	sd.max_vcpus = info.max_vcpus;
	sd.max_pages = info.max_pages;
	rc = stream_write_header(&op->out, op->opts.live_rounds ? STREAM_F_LIVE : 0);
	if (rc == 0)
		rc = stream_write_simple(&op->out, STREAM_REC_DOMAIN, &sd, sizeof(sd));
	if (rc == 0)
		rc = stream_write_simple(&op->out, STREAM_REC_CONFIG, op->config_json,
					 strlen(op->config_json));
	return rc < 0 ? out_err(op, rc) : 0;
}

static bool frame_wanted(const uint64_t *bitmap, uint64_t pfn)
{
	return !bitmap || (bitmap[pfn / 64] >> (pfn % 64) & 1);
}

/* Whether frame pfn lies in a hole of the memory file: a page the guest
 * never wrote, zero without reading it (reading would allocate it). Asked
 * in ascending order in a full pass; one lseek pair per extent. */
static bool frame_in_hole(struct save_op *op, uint64_t pfn)
{
	off_t at = (off_t)(pfn * PAGE), data, hole;

	if (pfn >= op->ext_lo && pfn < op->ext_hi)
		return op->ext_hole;
	op->ext_lo = pfn;
	data = lseek(op->memfd, at, SEEK_DATA);
	if (data < 0 || (uint64_t)data >= op->ram_frames * PAGE) {
		/* ENXIO: no data up to the end; any other error: read it all */
		op->ext_hole = data >= 0 || errno == ENXIO;
		op->ext_hi = op->ram_frames;
	} else if (data > at) {
		op->ext_hole = true;
		op->ext_hi = (uint64_t)data / PAGE;
	} else {
		hole = lseek(op->memfd, at, SEEK_HOLE);
		op->ext_hole = false;
		op->ext_hi = hole > at ? ((uint64_t)hole + PAGE - 1) / PAGE : op->ram_frames;
	}
	return op->ext_hole;
}

/* Every RAM frame (bitmap NULL) or the frames set in bitmap, in batches. */
static int send_frames(struct save_op *op, const uint64_t *bitmap)
{
	uint64_t pfns[STREAM_PAGES_MAX];
	const void *pages[STREAM_PAGES_MAX];
	unsigned n = 0;
	int rc = 0;

	for (uint64_t pfn = 0; rc == 0 && pfn < op->ram_frames; pfn++) {
		if (!frame_wanted(bitmap, pfn))
			continue;
		pfns[n] = pfn;
		pages[n] = !bitmap && frame_in_hole(op, pfn) ? NULL : op->mem + pfn * PAGE;
		if (++n < STREAM_PAGES_MAX && pfn + 1 < op->ram_frames)
			continue;
		rc = stream_write_pages(&op->out, pfns, pages, n);
		__atomic_add_fetch(&op->pages_done, n, __ATOMIC_RELAXED);
		n = 0;
		if (rc == 0 && aborted(op))
			return failf(op, -ECANCELED, "cancelled");
	}
	if (rc == 0 && n)
		rc = stream_write_pages(&op->out, pfns, pages, n);
	__atomic_add_fetch(&op->pages_done, n, __ATOMIC_RELAXED);
	return rc < 0 ? out_err(op, rc) : 0;
}

static int write_round(struct save_op *op, uint32_t round, bool final, uint64_t pages)
{
	struct stream_round r = { .round = round, .final = final, .pages = pages };
	int rc = stream_write_simple(&op->out, STREAM_REC_ROUND, &r, sizeof(r));

	__atomic_store_n(&op->round, round, __ATOMIC_RELAXED);
	return rc < 0 ? out_err(op, rc) : 0;
}

/* ---- live pre-copy ---------------------------------------------------- */

/* OR the frames written since the last read into op->dirty; their count. */
static int dirty_collect(struct save_op *op, uint64_t *count)
{
	uint64_t words = (op->ram_frames + 63) / 64;
	uint64_t *chunk = calloc(PRIVCMD_DIRTY_MAX / 64, sizeof(uint64_t));
	int rc = chunk ? 0 : -ENOMEM;

	for (uint64_t first = 0; rc == 0 && first < op->ram_frames; first += PRIVCMD_DIRTY_MAX) {
		uint64_t nr = op->ram_frames - first < PRIVCMD_DIRTY_MAX ? op->ram_frames - first
									 : PRIVCMD_DIRTY_MAX;

		rc = hv_dirty_read(op->hv, op->domid, first, nr, chunk);
		for (uint64_t i = 0; rc == 0 && i < (nr + 63) / 64; i++)
			op->dirty[first / 64 + i] |= chunk[i];
	}
	free(chunk);
	if (rc < 0)
		return failf(op, rc, "cannot read the dirty log: %s", strerror(-rc));
	*count = 0;
	for (uint64_t i = 0; i < words; i++)
		*count += (uint64_t)__builtin_popcountll(op->dirty[i]);
	return 0;
}

static int send_dirty(struct save_op *op)
{
	int rc = send_frames(op, op->dirty);

	memset(op->dirty, 0, (op->ram_frames + 63) / 64 * sizeof(uint64_t));
	return rc;
}

static int precopy(struct save_op *op)
{
	uint64_t count;
	int rc;

	op->dirty = calloc((op->ram_frames + 63) / 64, sizeof(uint64_t));
	if (!op->dirty)
		return failf(op, -ENOMEM, "out of memory");
	rc = hv_dirty_enable(op->hv, op->domid);
	if (rc < 0)
		return failf(op, rc, "dirty-page logging is not available: %s", strerror(-rc));
	op->dirty_on = true;
	/* The first read reports everything and arms the log: round 0 sends
	 * every frame anyway. */
	if ((rc = dirty_collect(op, &count)) < 0)
		return rc;
	memset(op->dirty, 0, (op->ram_frames + 63) / 64 * sizeof(uint64_t));
	if ((rc = write_round(op, 0, false, op->ram_frames)) < 0 || (rc = send_frames(op, NULL)) < 0)
		return rc;
	for (uint32_t r = 1; r <= op->opts.live_rounds; r++) {
		if ((rc = dirty_collect(op, &count)) < 0)
			return rc;
		if (count <= op->opts.live_min_dirty)
			break;	/* small enough: the rest goes while suspended */
		if ((rc = write_round(op, r, false, count)) < 0 || (rc = send_dirty(op)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the suspend ------------------------------------------------------ */

static int main_request_suspend(void *arg)
{
	struct save_op *op = arg;
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", op->domid);
	return xenstored_write(op->xld->xs, path, "suspend", 7);
}

/* Withdraw the request (the guest did not act on it in time), so that it
 * does not suspend later with nobody saving it. */
static int main_withdraw_suspend(void *arg)
{
	struct save_op *op = arg;
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", op->domid);
	return xenstored_write(op->xld->xs, path, "", 0);
}

/* 1 once suspended, 0 still running, -errno when it did something else. */
static int suspend_state(struct save_op *op)
{
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(op->hv, op->domid, &info);

	if (rc < 0)
		return failf(op, rc, "the domain went away while suspending: %s", strerror(-rc));
	if (!(info.flags & PRIVCMD_DOMINF_SHUTDOWN))
		return 0;
	if (info.shutdown_reason != SHUTDOWN_suspend)
		return failf(op, -ESHUTDOWN, "the domain shut down (reason %u) instead of suspending",
			     info.shutdown_reason);
	return 1;
}

static int wait_suspended(struct save_op *op, int evfd)
{
	unsigned limit = op->opts.suspend_timeout_ms ? op->opts.suspend_timeout_ms
						     : SUSPEND_TIMEOUT_MS;
	uint64_t deadline = now_ns() + (uint64_t)limit * 1000000u, n;
	int rc;

	while ((rc = suspend_state(op)) == 0) {
		struct pollfd p = { .fd = evfd, .events = POLLIN };

		if (now_ns() >= deadline)
			return failf(op, -ETIMEDOUT,
				     "the guest did not suspend within %u s (does its kernel handle control/shutdown = suspend?)",
				     limit / 1000);
		if (aborted(op))
			return failf(op, -ECANCELED, "cancelled");
		if (poll(&p, 1, 100) > 0 && read(evfd, &n, sizeof(n)) < 0)
			continue;
	}
	return rc < 0 ? rc : 0;
}

/* Notify the guest's suspend event channel, from this thread: no turn of
 * the main loop, no xenstore round trip in the guest. 0 or -errno (then
 * control/shutdown does it). */
static int request_by_evtchn(struct save_op *op, uint32_t *local, int *fd)
{
	int rc;

	if (!op->suspend_port)
		return -ENOENT;
	rc = hv_evtchn_bind_interdomain(op->hv, op->domid, op->suspend_port, local, fd);
	if (rc < 0)
		return rc;	/* e.g. bound by an earlier save that was cancelled */
	rc = hv_evtchn_notify(op->hv, *local);
	if (rc < 0) {
		hv_evtchn_close(op->hv, *local);
		close(*fd);
		*fd = -1;
	}
	return rc;
}

static int suspend(struct save_op *op)
{
	uint32_t port = 0, sport = 0;
	int evfd = -1, sfd = -1;
	int rc = hv_evtchn_bind_virq(op->hv, VIRQ_DOM_EXC, &port, &evfd);

	if (rc < 0)
		return failf(op, rc, "cannot watch for the suspend: %s", strerror(-rc));
	op->t_suspend = now_ns();
	rc = request_by_evtchn(op, &sport, &sfd);
	if (rc < 0)
		rc = save_worker_call(&op->w, main_request_suspend, op);
	if (rc < 0)
		failf(op, rc, "cannot ask the guest to suspend: %s", strerror(-rc));
	else
		rc = wait_suspended(op, evfd);
	if (rc == -ETIMEDOUT || rc == -ECANCELED) {
		save_worker_call(&op->w, main_withdraw_suspend, op);
		if (suspend_state(op) == 1)	/* it did, just now: resumed at the end */
			__atomic_store_n(&op->suspended, true, __ATOMIC_RELEASE);
	}
	if (rc == 0)
		__atomic_store_n(&op->suspended, true, __ATOMIC_RELEASE);
	op->t_suspended = now_ns();
	hv_evtchn_close(op->hv, port);
	close(evfd);
	if (sfd >= 0) {
		hv_evtchn_close(op->hv, sport);
		close(sfd);
	}
	return rc;
}

/* ---- after the suspend ------------------------------------------------ */

static int send_rest(struct save_op *op)
{
	uint64_t count, before = __atomic_load_n(&op->pages_done, __ATOMIC_RELAXED);
	int rc;

	if (!op->opts.live_rounds)
		rc = send_frames(op, NULL);
	else if ((rc = dirty_collect(op, &count)) == 0 &&
		 (rc = write_round(op, op->round + 1, true, count)) == 0)
		rc = send_dirty(op);
	op->final_pages = __atomic_load_n(&op->pages_done, __ATOMIC_RELAXED) - before;
	op->t_rest = now_ns();
	return rc;
}

/* The secondary vCPUs parked in their own VCPUOP_down (vmctl's kernel
 * parks them so for a suspend): one VCPU record each, flags 0 (down), so
 * that the guest's VCPUOP_up resumes them in the new domain where they
 * were. vmhv knows no registers for the others (-ENODATA): they start
 * afresh with VCPUOP_initialise there. */
static int write_parked_vcpus(struct save_op *op)
{
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(op->hv, op->domid, &info);

	for (uint32_t i = 1; rc == 0 && i < info.max_vcpus; i++) {
		struct stream_vcpu v = { .vcpu = i };

		rc = hv_getvcpucontext(op->hv, op->domid, i, &v.regs);
		if (rc == -ENODATA) {
			rc = 0;
			continue;
		}
		if (rc == 0)
			rc = stream_write_simple(&op->out, STREAM_REC_VCPU, &v, sizeof(v));
	}
	return rc;
}

/* An hvm domain is paused and its state taken. One whose PV drivers
 * announced control/feature-suspend is asked to suspend first, as libxl
 * does (its drivers quiesce, the restored guest sets up its Xen state and
 * reconnects its frontends); one that does not within the timeout is
 * frozen as it runs, which its PV devices may not survive (logged). */
static int freeze_hvm(struct save_op *op)
{
	int rc;

	if (op->hvm_pv) {
		rc = suspend(op);
		if (rc == -ETIMEDOUT && !__atomic_load_n(&op->suspended, __ATOMIC_ACQUIRE)) {
			log_warn("domain %u: %s; frozen without the suspend", op->domid, op->msg);
			op->msg[0] = 0;
			rc = 0;
		}
		if (rc < 0)
			return rc;
		if (__atomic_load_n(&op->suspended, __ATOMIC_ACQUIRE))
			log_info("domain %u: its PV drivers suspended it %.1f ms after the request",
				 op->domid, (now_ns() - op->t_suspend) / 1e6);
	}
	if (!__atomic_load_n(&op->suspended, __ATOMIC_ACQUIRE))
		op->t_suspend = now_ns();	/* else the downtime counts from the request */
	rc = save_hvm_freeze(op->hv, op->xld->opt.rundir, op->domid, &op->hs, op->msg,
			     sizeof(op->msg));
	if (rc == 0)
		__atomic_store_n(&op->suspended, true, __ATOMIC_RELEASE);
	op->t_suspended = now_ns();
	return rc;
}

static int write_tail_hvm(struct save_op *op)
{
	int rc = save_hvm_write(&op->out, op->hv, op->domid, &op->hs);

	if (rc == 0)
		rc = stream_write_end(&op->out);
	return rc < 0 ? out_err(op, rc) : 0;
}

static int write_tail(struct save_op *op)
{
	struct stream_vcpu v = { .vcpu = 0, .flags = STREAM_VCPU_UP };
	struct stream_pv_info pv = { .store_pfn = op->store_pfn, .console_pfn = op->console_pfn,
				     .shared_info_pfn = op->ram_frames };
	int rc = hv_getvcpucontext(op->hv, op->domid, 0, &v.regs);

	if (rc < 0)
		return failf(op, rc, "cannot read the suspended vCPU: %s", strerror(-rc));
	/* SCHEDOP_shutdown(suspend)'s third argument (rdx) is the start_info
	 * frame, as on Xen. */
	pv.start_info_pfn = v.regs.rdx;
	if (pv.start_info_pfn >= op->ram_frames)
		return failf(op, -EINVAL, "the guest suspended without naming its start_info frame");
	rc = stream_write_simple(&op->out, STREAM_REC_PV_INFO, &pv, sizeof(pv));
	if (rc == 0)
		rc = stream_write_simple(&op->out, STREAM_REC_VCPU, &v, sizeof(v));
	if (rc == 0)
		rc = write_parked_vcpus(op);
	if (rc == 0)
		rc = pvstate_write(op->hv, op->domid, &op->out);
	if (rc == 0)
		rc = stream_write_end(&op->out);
	return rc < 0 ? out_err(op, rc) : 0;
}

/* A save file is only saved once it is on the disk: a full disk may show
 * only here. */
static int sync_out(struct save_op *op)
{
	struct stat st;

	if (fstat(op->fd, &st) == 0 && S_ISREG(st.st_mode) && fdatasync(op->fd) < 0)
		return out_err(op, -errno);
	return 0;
}

static int main_report(void *arg);

static void save_body(struct save_worker *w)
{
	struct save_op *op = w->owner;
	int rc = hv_open(op->xld->opt.rundir, &op->hv);

	op->t_start = now_ns();
	if (rc < 0)
		failf(op, rc, "cannot reach vmhv: %s", strerror(-rc));
	if (rc == 0)
		rc = map_memory(op);
	if (rc == 0)
		rc = write_head(op);
	if (rc == 0 && op->opts.live_rounds)
		rc = precopy(op);
	if (rc == 0)
		rc = op->hvm ? freeze_hvm(op) : suspend(op);
	if (rc == 0)
		rc = send_rest(op);
	if (rc == 0)
		rc = op->hvm ? write_tail_hvm(op) : write_tail(op);
	if (rc == 0)
		rc = sync_out(op);
	op->t_end = now_ns();
	if (op->dirty_on)
		hv_dirty_disable(op->hv, op->domid);
	op->rc = rc;
	/* Report before the clean-up: unmapping a guest's memory takes
	 * milliseconds that a migration would count as downtime. */
	save_worker_call(&op->w, main_report, op);
	if (op->mem)
		munmap(op->mem, op->ram_frames * PAGE);
	if (op->memfd >= 0)
		close(op->memfd);
	stream_writer_dispose(&op->out);
	save_hvm_dispose(&op->hs);
	free(op->dirty);
	op->dirty = NULL;
	hv_close(op->hv);
}

/* ---- the main loop's side --------------------------------------------- */

static void progress_fill(struct save_op *op, struct save_progress *p)
{
	uint64_t ram = __atomic_load_n(&op->ram_frames, __ATOMIC_RELAXED) * PAGE;
	uint64_t total = op->opts.total_hint ? op->opts.total_hint : ram;

	p->bytes = __atomic_load_n(&op->pages_done, __ATOMIC_RELAXED) * PAGE;
	p->total = total > p->bytes ? total : p->bytes;
	p->round = __atomic_load_n(&op->round, __ATOMIC_RELAXED);
	p->suspended = __atomic_load_n(&op->suspended, __ATOMIC_ACQUIRE);
}

static void save_tick(struct save_worker *w)
{
	struct save_op *op = w->owner;
	struct save_progress p;

	if (!op->opts.progress || !__atomic_load_n(&op->ram_frames, __ATOMIC_RELAXED))
		return;
	progress_fill(op, &p);
	op->opts.progress(op->opts.arg, &p);
}

static void saves_unlink(struct save_op *op)
{
	for (struct save_op **pp = &op->xld->saves; *pp; pp = &(*pp)->next)
		if (*pp == op) {
			*pp = op->next;
			return;
		}
}

/* A suspended pv domain resumes; a frozen hvm domain is unpaused (its
 * vCPUs thaw with it). */
static int resume_domain(struct hv *hv, uint32_t domid)
{
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(hv, domid, &info);

	if (rc < 0)
		return rc;
	if (!(info.flags & PRIVCMD_DOMINF_HVM))
		return hv_domain_resume(hv, domid);
	/* an hvm guest that suspended gets 1 from its call: cancelled */
	if ((info.flags & PRIVCMD_DOMINF_SHUTDOWN) && info.shutdown_reason == SHUTDOWN_suspend &&
	    (rc = hv_domain_resume(hv, domid)) < 0)
		return rc;
	/* the freeze's pause: the count, not the PAUSED flag, which a domain
	 * that is shut down (suspended) does not show */
	return info.pause_count ? hv_domain_unpause(hv, domid) : 0;
}

/* Left paused: a suspended hvm guest's call is answered (cancelled) for
 * when it is unpaused. */
static int hvm_keep_paused(struct hv *hv, uint32_t domid)
{
	struct privcmd_dominfo info;
	int rc = hv_domain_getinfo(hv, domid, &info);

	if (rc == 0 && (info.flags & PRIVCMD_DOMINF_SHUTDOWN) &&
	    info.shutdown_reason == SHUTDOWN_suspend)
		rc = hv_domain_resume(hv, domid);
	return rc;
}

/* What becomes of the domain once the stream is written (or not). */
static int apply_after(struct save_op *op)
{
	struct xld *xld = op->xld;
	struct xld_domain *d = xld_domain_by_id(xld, op->domid);
	int rc = 0;

	if (op->rc < 0)
		return op->suspended ? resume_domain(xld->hv, op->domid) : 0;
	if (op->hvm && op->opts.after == SAVE_AFTER_PAUSE)
		return hvm_keep_paused(xld->hv, op->domid);	/* it is paused already */
	switch (op->opts.after) {
	case SAVE_AFTER_DESTROY:
		if (d) {
			xld_event(xld, "saved", d);
			rc = xld_domain_destroy(xld, d);
		}
		break;
	case SAVE_AFTER_PAUSE:
		rc = hv_domain_pause(xld->hv, op->domid);
		__attribute__((fallthrough));	/* resumed, but paused */
	case SAVE_AFTER_RESUME:
		if (rc == 0)
			rc = resume_domain(xld->hv, op->domid);
		break;
	case SAVE_AFTER_SUSPENDED:
		break;
	}
	return rc;
}

/* On the main loop, once the stream is complete or failed. */
static int main_report(void *arg)
{
	struct save_op *op = arg;
	struct save_result res = {
		.bytes = op->out.bytes, .pages = op->pages_done, .rounds = op->round,
		.downtime_ns = op->t_end - op->t_suspend, .total_ns = op->t_end - op->t_start,
		.suspend_ns = op->t_suspended - op->t_suspend, .final_pages = op->final_pages,
	};
	int rc = apply_after(op);

	saves_unlink(op);
	if (op->rc < 0) {
		log_warn("save of domain %u failed: %s%s", op->domid, op->msg,
			 op->suspended ? " (the domain was resumed)" : "");
		if (rc < 0)
			log_error("domain %u: cannot resume it after the failed save: %s", op->domid,
				  strerror(-rc));
	} else if (rc < 0) {
		op->rc = rc;
		snprintf(op->msg, sizeof(op->msg), "the stream is complete, but %s failed: %s",
			 op->opts.after == SAVE_AFTER_DESTROY ? "destroying the domain" : "resuming the domain",
			 strerror(-rc));
	} else {
		log_info("domain %u saved: %llu bytes, %llu pages in %u rounds", op->domid,
			 (unsigned long long)res.bytes, (unsigned long long)res.pages, res.rounds);
		/* The phases of the downtime on this side (docs/migration.md). */
		log_info("domain %u suspend: suspended %.1f ms after the request, last pass "
			 "%llu pages in %.1f ms, state and end %.1f ms", op->domid,
			 (op->t_suspended - op->t_suspend) / 1e6, (unsigned long long)op->final_pages,
			 (op->t_rest - op->t_suspended) / 1e6, (op->t_end - op->t_rest) / 1e6);
	}
	if (op->opts.done)
		op->opts.done(op->opts.arg, op->rc, op->msg, &res);
	/* opts.arg may be gone now; the worker is still cleaning up. */
	op->opts.done = NULL;
	op->opts.progress = NULL;
	return 0;
}

static void save_finish(struct save_worker *w)
{
	struct save_op *op = w->owner;

	free(op->config_json);
	free(op);
}

bool save_domain_busy(struct xld *xld, uint32_t domid)
{
	for (struct save_op *op = xld->saves; op; op = op->next)
		if (op->domid == domid)
			return true;
	return false;
}

/* device/suspend/event-channel: the port the guest offers for suspend
 * requests (the guest writes it), or 0. */
static uint32_t suspend_port_of(struct xld *xld, uint32_t domid)
{
	char path[64], *val = NULL, *end;
	size_t len;
	unsigned long port = 0;

	snprintf(path, sizeof(path), "/local/domain/%u/device/suspend/event-channel", domid);
	if (xenstored_read(xld->xs, path, &val, &len) == 0 && val && len) {
		port = strtoul(val, &end, 10);
		if (end != val + len || port >= 1u << 20)
			port = 0;	/* not a port number: use control/shutdown */
	}
	free(val);
	return (uint32_t)port;
}

/* The guest has PV drivers that act on control/shutdown = suspend: it set
 * HVM_PARAM_CALLBACK_IRQ (libxl's test: carried by a save, set again on
 * resume), or wrote control/feature-suspend = 1 (Linux's xen manage code,
 * at boot only: a restored domain's xenstore does not have it). */
static bool hvm_has_pv_suspend(struct xld *xld, uint32_t domid)
{
	char path[64], *val = NULL;
	size_t len = 0;
	uint64_t via = 0;
	bool yes;

	if (hv_hvm_param_get(xld->hv, domid, HVM_PARAM_CALLBACK_IRQ, &via) == 0 && via)
		return true;
	snprintf(path, sizeof(path), "/local/domain/%u/control/feature-suspend", domid);
	yes = xenstored_read(xld->xs, path, &val, &len) == 0 && val && len == 1 && val[0] == '1';
	free(val);
	return yes;
}

static bool save_domain_is_hvm(struct xld *xld, uint32_t domid)
{
	struct privcmd_dominfo info;

	return hv_domain_getinfo(xld->hv, domid, &info) == 0 && (info.flags & PRIVCMD_DOMINF_HVM);
}

static int save_check(struct xld *xld, struct xld_domain *dom)
{
	struct privcmd_dominfo info;
	int rc;

	if (save_domain_busy(xld, dom->domid))
		return -EBUSY;
	rc = hv_domain_getinfo(xld->hv, dom->domid, &info);
	if (rc < 0)
		return rc;
	if (info.flags & (PRIVCMD_DOMINF_SHUTDOWN | PRIVCMD_DOMINF_DYING))
		return -EINVAL;
	if (info.flags & PRIVCMD_DOMINF_HVM)	/* frozen, paused or not */
		return dom->config_json ? 0 : -EINVAL;
	if (info.flags & PRIVCMD_DOMINF_PAUSED)
		return -EINVAL;	/* only a running pv guest can suspend itself */
	return dom->config_json && dom->store_pfn && dom->console_pfn ? 0 : -EINVAL;
}

int save_domain_to_fd(struct xld *xld, struct xld_domain *dom, int fd,
		      const struct save_opts *opts, struct save_op **out)
{
	struct save_op *op;
	int rc = save_check(xld, dom);

	if (rc < 0)
		return rc;
	op = calloc(1, sizeof(*op));
	if (!op || !(op->config_json = strdup(dom->config_json))) {
		free(op);
		return -ENOMEM;
	}
	op->xld = xld;
	op->domid = dom->domid;
	op->fd = fd;
	op->memfd = -1;
	op->opts = *opts;
	op->console_pfn = dom->console_pfn;
	op->store_pfn = dom->store_pfn;
	op->suspend_port = suspend_port_of(xld, dom->domid);
	op->hvm = save_domain_is_hvm(xld, dom->domid);
	/* A domain that goes on in place (-c) is asked too, as libxl does: its
	 * call returns 1 (cancelled) and its drivers resume as they were. */
	op->hvm_pv = op->hvm && hvm_has_pv_suspend(xld, dom->domid);
	stream_writer_init(&op->out, fd);
	/* Guest memory changes while it is sent: the guest runs during the
	 * pre-copy rounds, and even a suspended guest's backends keep copying
	 * received frames into its granted rx pages. */
	op->out.snapshot = true;
	op->w = (struct save_worker){ .body = save_body, .finish = save_finish,
				      .tick = save_tick, .owner = op };
	rc = save_worker_start(&op->w, xld);
	if (rc < 0) {
		free(op->config_json);
		free(op);
		return rc;
	}
	op->next = xld->saves;
	xld->saves = op;
	if (out)
		*out = op;
	return 0;
}

void save_abort(struct save_op *op)
{
	__atomic_store_n(&op->abort, true, __ATOMIC_RELAXED);
}

int save_domain_finish(struct xld *xld, uint32_t domid, bool destroy)
{
	struct xld_domain *d = xld_domain_by_id(xld, domid);

	if (!destroy)
		return resume_domain(xld->hv, domid);
	if (!d)
		return -ESRCH;
	return xld_domain_destroy(xld, d);
}
