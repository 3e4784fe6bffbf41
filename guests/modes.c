/* Kernel modes: the shell, the benchmarks and the test workloads. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"
#include "modes.h"
#include "shell.h"
#include "bench.h"
#include "blkfront.h"
#include "selftest.h"
#include "diskread.h"

#define MODE(name, fn, help) static int fn(struct kernel *k);
#include "modes.def"
#undef MODE

static const struct mode {
	const char *name;
	int (*fn)(struct kernel *k);
	const char *help;
} modes[] = {
#define MODE(name, fn, help) { name, fn, help },
#include "modes.def"
#undef MODE
};

int modes_start(struct kernel *k, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(modes[i].name, name) == 0)
			return modes[i].fn(k);
	return -ENOENT;
}

void modes_list(struct kernel *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		printk("%s %s", i ? "," : "", modes[i].name);
	printk("\n");
}

/* Report a test result; power off unless stay=1 (then offer the shell). */
static int test_done(struct kernel *k, const char *name, const char *failure)
{
	if (failure)
		printk("TEST %s: FAIL %s\n", name, failure);
	else
		printk("TEST %s: PASS\n", name);
	if (!options_get_num(&k->opt, "stay", 0))
		control_halt(k, SHUTDOWN_poweroff);
	shell_start(k);
	return 0;
}

static int mode_shell(struct kernel *k)
{
	shell_start(k);
	return 0;
}

static int mode_bench(struct kernel *k)
{
	bench_cpu(k);
	bench_hypercall(k);
	if (k->dev.nr_blk)
		bench_blk(k, k->dev.blk[0],
			  (unsigned int)options_get_num(&k->opt, "bench-mib", 16));
	printk("bench: done\n");
	if (!options_get_num(&k->opt, "stay", 0))
		control_halt(k, SHUTDOWN_poweroff);
	shell_start(k);
	return 0;
}

static int test_boot(struct kernel *k)
{
	return test_done(k, "boot", NULL);
}

static int test_lib(struct kernel *k)
{
	return test_done(k, "lib", selftest_lib(k));
}

/* --- time ------------------------------------------------------------- */

struct timer_probe {
	struct timer t;
	uint64_t ran_at;
};

static void timer_probe_fn(struct kernel *k, void *arg)
{
	((struct timer_probe *)arg)->ran_at = time_now(k);
}

static bool probe_ran(struct kernel *k, void *arg)
{
	time_poll(k);
	return ((struct timer_probe *)arg)->ran_at != 0;
}

static const char *check_time(struct kernel *k)
{
	struct timer_probe p = { .t = { .fn = timer_probe_fn } };
	uint64_t t0 = time_now(k), t1, wall;

	p.t.arg = &p;
	if (!t0)
		return "system time is 0";
	t1 = time_now(k);
	if (t1 < t0)
		return "system time went backwards";
	wall = time_wall(k, NULL);
	if (wall < 1600000000ULL)
		return "wall clock before 2020";
	timer_arm(k, &p.t, t0 + 50 * NSEC_PER_MSEC);
	if (sched_wait(k, probe_ran, &p, 5 * NSEC_PER_SEC) < 0)
		return "one-shot timer never fired";
	if (p.ran_at < t0 + 50 * NSEC_PER_MSEC)
		return "timer fired early";
	printk("time: timer fired after %lu us, wall clock %lu\n",
	       (unsigned long)((p.ran_at - t0) / 1000), (unsigned long)wall);
	t0 = time_now(k);
	sched_sleep(k, 20 * NSEC_PER_MSEC);
	if (time_now(k) - t0 < 20 * NSEC_PER_MSEC)
		return "sleep returned early";
	return NULL;
}

static int test_time(struct kernel *k)
{
	return test_done(k, "time", check_time(k));
}

/* --- events ----------------------------------------------------------- */

static void count_event(struct kernel *k, evtchn_port_t port, void *arg)
{
	(*(unsigned int *)arg)++;
}

static bool count_reached(struct kernel *k, void *arg)
{
	return *(unsigned int *)arg >= 1;
}

static const char *check_events(struct kernel *k)
{
	static unsigned int hits;
	static char why[48];
	evtchn_port_t port;
	int rc;

	hits = 0;
	rc = events_bind_ipi(k, 0, count_event, &hits, &port);
	if (rc < 0) {
		snprintf(why, sizeof(why), "bind_ipi failed (%d)", rc);
		return why;
	}
	events_notify(k, port);
	if (sched_wait(k, count_reached, &hits, NSEC_PER_SEC) < 0)
		return "self-IPI not delivered";
	hits = 0;
	events_mask(k, port);
	events_notify(k, port);
	sched_sleep(k, 10 * NSEC_PER_MSEC);
	if (hits)
		return "masked port was delivered";
	if (!events_pending(k, port))
		return "masked port not left pending";
	events_unmask(k, port);
	if (sched_wait(k, count_reached, &hits, NSEC_PER_SEC) < 0)
		return "unmask did not deliver the pending event";
	events_close(k, port);
	return NULL;
}

static int test_events(struct kernel *k)
{
	return test_done(k, "events", check_events(k));
}

/* --- grant table ------------------------------------------------------ */

static const char *check_gnttab(struct kernel *k)
{
	struct gnttab *gt = &k->gt;
	unsigned long mfn = mm_virt_to_mfn(k, k->si);
	int first, ref, n = 0;

	if (!gt->nr_frames)
		return "no grant table";
	first = gnttab_grant(k, 0, mfn, true);
	if (first < GNTTAB_NR_RESERVED_ENTRIES)
		return "grant returned a reserved or bad reference";
	if (gt->frame[first / GNTTAB_PER_FRAME][first % GNTTAB_PER_FRAME].frame != mfn ||
	    gt->frame[first / GNTTAB_PER_FRAME][first % GNTTAB_PER_FRAME].flags !=
	    (GTF_permit_access | GTF_readonly))
		return "grant entry not written as v1 expects";
	while ((ref = gnttab_grant(k, 0, mfn, false)) >= 0)
		n++;
	if (ref != -ENOSPC || (unsigned int)n + 1 != gt->nr_refs - GNTTAB_NR_RESERVED_ENTRIES)
		return "exhaustion not at the table size";
	for (ref = GNTTAB_NR_RESERVED_ENTRIES; ref < (int)gt->nr_refs; ref++)
		if (gnttab_end(k, (grant_ref_t)ref) < 0)
			return "revoke failed";
	if (gt->in_use || gnttab_end(k, 3) != -EINVAL)
		return "bookkeeping wrong after revoking everything";
	printk("gnttab: %u frames, %u references\n", gt->nr_frames, gt->nr_refs);
	return NULL;
}

static int test_gnttab(struct kernel *k)
{
	return test_done(k, "gnttab", check_gnttab(k));
}

/* --- xenbus ----------------------------------------------------------- */

static int tx_write_two(struct kernel *k, xenbus_tx_t tx, void *arg)
{
	int rc = xenbus_write(k, tx, "data/vmctl-test/a", "1");

	return rc < 0 ? rc : xenbus_write(k, tx, "data/vmctl-test/b", "2");
}

static void watch_count(struct kernel *k, struct xenbus_watch *w,
			const char *path)
{
	(*(unsigned int *)w->arg)++;
}

static bool watch_fired(struct kernel *k, void *arg)
{
	xenbus_poll(k);
	return *(unsigned int *)arg >= 2;
}

static const char *check_xenbus(struct kernel *k)
{
	static unsigned int fired;
	static struct xenbus_watch w = { .path = "data/vmctl-test", .fn = watch_count };
	char buf[64];
	int n;

	if (xenbus_write(k, XBT_NIL, "data/vmctl-test/x", "hello") < 0)
		return "write failed";
	if (xenbus_read(k, XBT_NIL, "data/vmctl-test/x", buf, sizeof(buf)) != 5 ||
	    strcmp(buf, "hello") != 0)
		return "read back differs";
	if (xenbus_read(k, XBT_NIL, "data/vmctl-test/missing", buf, sizeof(buf)) != -ENOENT)
		return "missing node did not give ENOENT";
	if (xenbus_transact(k, tx_write_two, NULL) < 0)
		return "transaction failed";
	n = xenbus_directory(k, XBT_NIL, "data/vmctl-test", buf, sizeof(buf));
	if (n != 3)
		return "directory does not list 3 nodes";
	fired = 0;
	w.arg = &fired;
	if (xenbus_watch(k, &w) < 0)
		return "watch failed";
	xenbus_write(k, XBT_NIL, "data/vmctl-test/x", "again");
	if (sched_wait(k, watch_fired, &fired, 5 * NSEC_PER_SEC) < 0)
		return "watch did not fire (initial + change)";
	xenbus_unwatch(k, &w);
	if (xenbus_rm(k, XBT_NIL, "data/vmctl-test") < 0)
		return "rm failed";
	return NULL;
}

static int test_xenbus(struct kernel *k)
{
	return test_done(k, "xenbus", k->xb.ring ? check_xenbus(k) : "no xenstore");
}

/* --- block ------------------------------------------------------------ */

/* blkfront_stream() through a set of two 256 KiB parts, five requests:
 * parts 0, 1, 0, 1, 0. A write puts set[x % set] at each offset x; a
 * read leaves in each part what its last request read (the disk's last
 * lap), which only holds if a part was reused after its request was
 * done. */
#define STREAM_SET (512 * 1024)
#define STREAM_LEN (5 * 256 * 1024)

static uint8_t stream_byte(size_t x, unsigned int salt)
{
	return (uint8_t)(x * 13 + (x >> 12) * 7 + salt);
}

static const char *check_blk_stream(struct kernel *k, struct blkfront *b, uint64_t sector,
				    uint8_t *set, uint8_t *disk)
{
	size_t x;

	unsigned int parts = STREAM_SET / (b->max_segs * PAGE_SIZE);

	for (x = 0; x < STREAM_SET; x++)
		set[x] = stream_byte(x, 1);
	b->inflight_peak = 0;
	if (blkfront_stream(k, b, true, sector, set, STREAM_SET, STREAM_LEN) < 0)
		return "stream write failed";
	/* (Parts of less than 256 KiB without indirect segments: one more,
	 * the set's short last one.) */
	if (b->inflight_peak > parts + 1)
		return "stream write: a part was in flight twice";
	if (blkfront_rw(k, b, false, sector, disk, STREAM_LEN) < 0)
		return "read after the stream write failed";
	for (x = 0; x < STREAM_LEN; x++)
		if (disk[x] != set[x % STREAM_SET])
			return "stream write: the disk differs";
	for (x = 0; x < STREAM_LEN; x++)
		disk[x] = stream_byte(x, 2);
	if (blkfront_rw(k, b, true, sector, disk, STREAM_LEN) < 0)
		return "write before the stream read failed";
	memset(set, 0, STREAM_SET);
	b->inflight_peak = 0;
	if (blkfront_stream(k, b, false, sector, set, STREAM_SET, STREAM_LEN) < 0)
		return "stream read failed";
	if (b->inflight_peak > parts + 1)
		return "stream read: a part was in flight twice";
	for (x = 0; x < STREAM_SET; x++) {
		size_t last = x + (STREAM_LEN - 1 - x) / STREAM_SET * STREAM_SET;

		if (set[x] != disk[last])
			return "stream read: a part holds an older lap";
	}
	printk("blk: streamed %u KiB through a %u KiB set both ways: ok\n",
	       STREAM_LEN >> 10, STREAM_SET >> 10);
	return NULL;
}

static const char *check_blk(struct kernel *k)
{
	struct blkfront *b = k->dev.nr_blk ? k->dev.blk[0] : NULL;
	const size_t len = 64 * 1024;	/* several requests in flight */
	uint8_t *out, *in;
	uint64_t sector = options_get_num(&k->opt, "blk-sector", 0);
	const char *err = NULL;

	if (!b || !b->connected)
		return "no connected disk";
	out = mm_alloc_pages(k, len / PAGE_SIZE, 1);
	in = mm_alloc_pages(k, len / PAGE_SIZE, 1);
	if (!out || !in)
		return "out of memory";
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(i * 7 + (i >> 9));
	if (blkfront_rw(k, b, true, sector, out, len) < 0)
		err = "write failed";
	else if (blkfront_flush(k, b) < 0 && (b->feature_flush || b->feature_barrier))
		err = "flush failed";
	else if (blkfront_rw(k, b, false, sector, in, len) < 0)
		err = "read failed";
	else if (memcmp(in, out, len) != 0)
		err = "read back differs";
	printk("blk: %lu bytes at sector %lu, crc32 %08x\n", (unsigned long)len,
	       (unsigned long)sector, crc32(0, out, len));
	mm_free_pages(k, out, len / PAGE_SIZE);
	mm_free_pages(k, in, len / PAGE_SIZE);
	/* Streaming, after those sectors (the host checks their crc). */
	if (!err) {
		uint8_t *set = mm_alloc_pages(k, STREAM_SET / PAGE_SIZE, 1);
		uint8_t *disk = mm_alloc_pages(k, STREAM_LEN / PAGE_SIZE, 1);

		err = set && disk ? check_blk_stream(k, b, sector + len / 512, set, disk) :
				    "out of memory";
		if (set)
			mm_free_pages(k, set, STREAM_SET / PAGE_SIZE);
		if (disk)
			mm_free_pages(k, disk, STREAM_LEN / PAGE_SIZE);
	}
	return err;
}

static int test_blk(struct kernel *k)
{
	return test_done(k, "blk", check_blk(k));
}

/* --- smp -------------------------------------------------------------- */

static int test_smp(struct kernel *k)
{
	int ok;

	if (k->smp.online < 2)
		return test_done(k, "smp", "only one vCPU online");
	ok = smp_run_work(k, 100000);
	printk("smp: %d of %u secondaries answered\n", ok, k->smp.online - 1);
	return test_done(k, "smp", ok == (int)k->smp.online - 1 ? NULL :
			 "a vCPU did not answer correctly");
}

/* --- faults ----------------------------------------------------------- */

static int test_fault(struct kernel *k)
{
	/* The address comes from the command line so the compiler cannot
	 * see (and rewrite) the bad access. */
	volatile unsigned long *p =
		(void *)(uintptr_t)options_get_num(&k->opt, "fault-addr", 0x10);

	printk("fault: writing to %p\n", (void *)p);
	*p = 1;
	return test_done(k, "fault", "the write did not fault");
}

/* --- backend writes across migration (diskread.c) ------------------------ */

static int test_diskread(struct kernel *k)
{
	const char *err = diskread_start(k);

	return err ? test_done(k, "diskread", err) : 0;
}

/* --- memory dirtying across save/restore --------------------------------
 * A region of pages is rewritten over and over with a pattern that depends
 * on the page and a generation number; the expected checksum of every page
 * is kept apart.  Any page that does not match after a restore or
 * migration was lost by the copy.  The digest of all expected checksums is
 * printed each round, so the host can compare it across the save too. */

struct memdirty {
	uint64_t *pages;
	unsigned long nr;
	uint64_t *sum;		/* expected checksum per page */
	uint64_t gen;
	unsigned long cursor;
	uint64_t rounds, next_report;
	uint64_t dirtied;
	/* dirty-rate=: bytes a second (0: as fast as it can), counted from
	 * pace_t0 when `pace_base` pages had been dirtied. */
	uint64_t rate;
	uint64_t pace_t0, pace_base;
	struct timer pace;
};

static uint64_t page_sum(const uint64_t *p)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void page_fill(uint64_t *p, unsigned long idx, uint64_t gen)
{
	uint64_t v = (idx << 32) ^ gen ^ 0x9e3779b97f4a7c15ULL;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++) {
		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		p[i] = v;
	}
}

static unsigned long memdirty_verify(struct memdirty *md, uint64_t *digest)
{
	unsigned long bad = 0;
	uint64_t d = 0;

	for (unsigned long i = 0; i < md->nr; i++) {
		if (page_sum(md->pages + i * (PAGE_SIZE / 8)) != md->sum[i])
			bad++;
		d = (d ^ md->sum[i]) * 0x100000001b3ULL;
	}
	*digest = d;
	return bad;
}

static void memdirty_report(struct kernel *k, struct memdirty *md,
			    const char *when)
{
	uint64_t digest;
	unsigned long bad = memdirty_verify(md, &digest);

	printk("memdirty: %s round %lu pages %lu dirtied %lu digest %016lx: %s (%lu bad)\n",
	       when, (unsigned long)md->rounds, md->nr, (unsigned long)md->dirtied,
	       (unsigned long)digest, bad ? "MISMATCH" : "ok", bad);
}

static void memdirty_pace_restart(struct kernel *k, struct memdirty *md)
{
	md->pace_t0 = time_now(k);
	md->pace_base = md->dirtied;
}

static void memdirty_pace_wake(struct kernel *k, void *arg)
{
	(void)k, (void)arg;	/* running is the point: the main loop polls again */
}

/* How many pages to dirty now (at most 64): all of them without a rate,
 * else what the rate allows since pace_t0; with none allowed, a timer
 * wakes the loop when the next page is due. */
static unsigned int memdirty_budget(struct kernel *k, struct memdirty *md)
{
	uint64_t now = time_now(k), allowed, page_ns;

	if (!md->rate)
		return 64;
	if (now < md->pace_t0)	/* a new domain's clock */
		memdirty_pace_restart(k, md);
	allowed = md->pace_base +
		  (now - md->pace_t0) / NSEC_PER_MSEC * md->rate / PAGE_SIZE / 1000;
	if (allowed > md->dirtied)
		return allowed - md->dirtied < 64 ? (unsigned int)(allowed - md->dirtied) : 64;
	page_ns = PAGE_SIZE * NSEC_PER_SEC / md->rate;
	timer_arm(k, &md->pace, now + (page_ns > NSEC_PER_MSEC ? page_ns : NSEC_PER_MSEC));
	return 0;
}

static bool memdirty_step(struct kernel *k)
{
	struct memdirty *md = k->mode_state;
	unsigned int n = memdirty_budget(k, md);
	uint64_t now;

	for (unsigned int i = 0; i < n; i++) {
		unsigned long idx = md->cursor++ % md->nr;
		uint64_t *p = md->pages + idx * (PAGE_SIZE / 8);

		if (idx == 0)
			md->gen++;
		page_fill(p, idx, md->gen);
		md->sum[idx] = page_sum(p);
		md->dirtied++;
	}
	now = time_now(k);
	if (now >= md->next_report) {
		md->rounds++;
		memdirty_report(k, md, "periodic");
		md->next_report = now + NSEC_PER_SEC;
	}
	return n > 0;	/* flat out: never idle; paced: idle until the timer */
}

static void memdirty_resumed(struct kernel *k, void *arg)
{
	struct memdirty *md = arg;

	memdirty_report(k, md, "after-resume");
	/* The clock of a new domain starts again; the time suspended is no
	 * debt to catch up on. */
	memdirty_pace_restart(k, md);
	md->next_report = time_now(k) + NSEC_PER_SEC;
}

static int test_memdirty(struct kernel *k)
{
	static struct memdirty md;
	unsigned long mib = options_get_num(&k->opt, "dirty-mib", 8);
	unsigned long rate_mb = options_get_num(&k->opt, "dirty-rate", 0);

	md.nr = mib * 256;
	md.pages = mm_alloc_pages(k, md.nr, 1);
	md.sum = mm_alloc_pages(k, (md.nr * 8 + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!md.pages || !md.sum)
		return test_done(k, "memdirty", "out of memory");
	for (unsigned long i = 0; i < md.nr; i++)
		md.sum[i] = page_sum(md.pages + i * (PAGE_SIZE / 8));
	k->mode_state = &md;
	k->mode_poll = memdirty_step;
	k->ctl.on_resume = memdirty_resumed;
	k->ctl.on_resume_arg = &md;
	md.rate = (uint64_t)rate_mb * 1000000;
	md.pace.fn = memdirty_pace_wake;
	memdirty_pace_restart(k, &md);
	if (rate_mb)
		printk("memdirty: dirtying %lu MiB (%lu pages) at %lu MB/s\n", mib, md.nr, rate_mb);
	else
		printk("memdirty: dirtying %lu MiB (%lu pages)\n", mib, md.nr);
	shell_start(k);
	return 0;
}
