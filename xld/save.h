/* Saving a domain into a stream (include/vmctl/stream.h) on a file
 * descriptor: `xl save` (a file) and the sending half of live migration (a
 * socket). The two differ only in their options: a save makes no live
 * round (the guest is suspended first), a migration makes pre-copy rounds
 * while the guest runs, then suspends it and sends what is still dirty.
 *
 * The operation is a chain run by a worker thread (the stream I/O, its own
 * privcmd connection) that hands the steps needing xld's state (the
 * control/shutdown request, destroy, resume) to the main loop, so xld keeps
 * serving while gigabytes go out:
 *
 *   [live: DIRTY_ENABLE, send every page, rounds of DIRTY_READ + send]
 *   -> control/shutdown = "suspend", wait until vmhv says suspended
 *   -> send the (remaining dirty) pages, PV_INFO, the vCPU, END
 *   -> after: destroy | resume (DOMAIN_RESUME) | leave it suspended
 *
 * Any failure (write error, disk full, peer gone, guest never suspends,
 * save_abort) resumes a suspended domain: it keeps running, as before.
 */
#ifndef VMCTL_XLD_SAVE_H
#define VMCTL_XLD_SAVE_H

#include <stdbool.h>
#include <stdint.h>

struct xld;
struct xld_domain;
struct save_op;

struct save_progress {
	uint64_t bytes;           /* save: guest memory done (pages x 4096), all
				   * rounds; restore: stream bytes read */
	uint64_t total;           /* save: the guest's memory (or total_hint),
				   * grown as rounds add; restore: the file
				   * size (total_hint); 0 if unknown */
	uint32_t round;           /* pre-copy round (0 = first pass) */
	bool suspended;           /* the guest is suspended (downtime runs) */
};

struct save_result {
	uint64_t bytes;           /* stream length */
	uint64_t pages;           /* page records' entries sent, all rounds */
	uint32_t rounds;          /* live rounds made */
	uint64_t downtime_ns;     /* suspend request .. stream complete */
	uint64_t suspend_ns;      /* suspend request .. the guest is suspended */
	uint64_t final_pages;     /* pages sent while it was suspended */
	uint64_t total_ns;        /* start .. stream complete */
};

enum save_after {
	SAVE_AFTER_DESTROY,       /* xl save: the domain is destroyed */
	SAVE_AFTER_RESUME,        /* xl save -c: it continues (suspend cancelled) */
	SAVE_AFTER_PAUSE,         /* xl save -p: it continues, paused */
	SAVE_AFTER_SUSPENDED,     /* migration: left suspended; see save_domain_finish */
};

struct save_opts {
	unsigned live_rounds;     /* pre-copy rounds before suspending (0 = save) */
	uint64_t live_min_dirty;  /* stop pre-copy early below this many dirty pages */
	enum save_after after;
	unsigned suspend_timeout_ms; /* the guest must suspend within (0 = 30 s) */
	uint64_t total_hint;      /* for progress: bytes expected (0 = guess) */
	/* Both run on xld's main loop. progress: a few times a second.
	 * done: once; rc 0 or -errno, msg says why; the caller owns `fd` again
	 * (close it there). The op is freed after done returns. */
	void (*progress)(void *arg, const struct save_progress *p);
	void (*done)(void *arg, int rc, const char *msg, const struct save_result *res);
	void *arg;
};

/* Start saving `dom` into `fd` (blocking writes are fine: they happen in
 * the worker). Returns 0 (done will be called) or -errno without calling
 * done: -EBUSY another save of the domain runs, -EINVAL not a running pv
 * domain. *out (may be NULL) is for save_abort. */
int save_domain_to_fd(struct xld *xld, struct xld_domain *dom, int fd,
		      const struct save_opts *opts, struct save_op **out);

/* Stop at the next record (done comes with -ECANCELED, domain resumed).
 * Only valid until done has been called. */
void save_abort(struct save_op *op);

/* SAVE_AFTER_SUSPENDED's second half, on the main loop: destroy the
 * suspended domain (the receiver confirmed it runs) or resume it (it did
 * not). 0 or -errno. */
int save_domain_finish(struct xld *xld, uint32_t domid, bool destroy);

/* True while a save of `domid` runs (domain.destroy etc. may refuse). */
bool save_domain_busy(struct xld *xld, uint32_t domid);

#endif
