/* In-guest benchmarks.  Timing uses the pvclock; the host puts each figure
 * next to its own reference (the same loop run natively, its file read). */
#include "kernel.h"
#include "hypercall.h"
#include "bench.h"
#include "blkfront.h"
#include "bench_loop.h"
#include "vmctl/xen/version.h"

static void bench_line(const char *figure, uint64_t value, const char *unit)
{
	printk("bench\t%s\t%lu\t%s\n", figure, (unsigned long)value, unit);
}

void bench_cpu(struct kernel *k)
{
	const uint64_t iters = BENCH_LOOP_ITERS;
	uint64_t t0 = time_now(k), ns;

	if (!t0) {
		printk("bench: no pvclock, nothing can be timed\n");
		return;
	}
	bench_loop(iters);
	ns = time_now(k) - t0;
	bench_line("cpu-loop", ns ? iters * 1000 / ns : 0, "Miter/s");
}

void bench_hypercall(struct kernel *k)
{
	const unsigned int n = 100000;
	uint64_t t0 = time_now(k);

	if (!t0)
		return;
	for (unsigned int i = 0; i < n; i++)
		hv_xen_version(XENVER_version, NULL);
	bench_line("null-hypercall", (time_now(k) - t0) / n, "ns");
}

/* How a pass moves its data: `chunk` bytes per blkfront_rw() call, each
 * waiting for its data (a read() at a time), or with `stream` one
 * blkfront_stream() over a buffer set of `chunk` bytes (a reader that
 * keeps chunk / 256 KiB requests in flight and reuses its buffers). */
struct blk_way {
	size_t chunk;
	bool stream;
};

static int blk_move(struct kernel *k, struct blkfront *b, bool write, uint8_t *buf,
		    struct blk_way way, uint64_t total)
{
	if (way.stream)
		return blkfront_stream(k, b, write, 0, buf, way.chunk, total);
	for (uint64_t off = 0; off < total; off += way.chunk) {
		int rc = blkfront_rw(k, b, write, off / 512, buf, way.chunk);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int blk_pass(struct kernel *k, struct blkfront *b, bool write,
		    uint8_t *buf, struct blk_way way, unsigned int mib, uint64_t *mbps)
{
	uint64_t total = (uint64_t)mib << 20, t0 = time_now(k), ns;
	uint64_t notifies = b->notifies, waits = b->waits, bounced = b->bounced_pages;
	uint64_t look = b->look_ns, sleep = b->sleep_ns;
	int rc = blk_move(k, b, write, buf, way, total);

	if (rc < 0)
		return rc;
	ns = time_now(k) - t0;
	*mbps = ns ? total * 1000 / ns : 0;	/* bytes/ns * 1000 = MB/s */
	/* How many events the pass cost (bench.log: the host keeps only rows). */
	printk("blk %s %lu KiB %s: %lu events sent, %lu sleeps, %lu pages bounced, "
	       "%lu us looking, %lu us sleeping, %lu us in all\n",
	       write ? "write" : "read", (unsigned long)(way.chunk >> 10),
	       way.stream ? "buffer set, streamed" : "calls",
	       (unsigned long)(b->notifies - notifies), (unsigned long)(b->waits - waits),
	       (unsigned long)(b->bounced_pages - bounced), (unsigned long)((b->look_ns - look) / 1000),
	       (unsigned long)((b->sleep_ns - sleep) / 1000), (unsigned long)(ns / 1000));
	return 0;
}

/* Sequential write then read of the first `mib` MiB, moved `way`.
 * Without `write`, the read only. */
static int blk_rows(struct kernel *k, struct blkfront *b, uint8_t *buf, struct blk_way way,
		    unsigned int mib, bool write, const char *wname, const char *rname)
{
	uint64_t mbps;
	int rc = write ? blk_pass(k, b, true, buf, way, mib, &mbps) : 0;

	if (rc == 0 && write)
		bench_line(wname, mbps, "MB/s");
	if (rc == 0)
		rc = blk_pass(k, b, false, buf, way, mib, &mbps);
	if (rc == 0)
		bench_line(rname, mbps, "MB/s");
	return rc;
}

/* Three rounds (the host takes the median of each figure; the machine is
 * shared). */
#define BLK_BENCH_ROUNDS 3
/* The streaming rows' buffer set, KiB (see bench_blk): 8 requests in
 * flight, four for each of blkback's two copy threads on a 2-CPU host.
 * The backend's copy of 256 KiB into a 2 MiB set is cheaper than into a
 * 4 MiB one (40-45 us against 55-120: it stays in the CPUs' caches) and
 * the rates steadier: on a quiet host the write went 0.91-0.97x of dd's
 * in four runs against 0.81-1.04x with 16 in flight (docs/devices.md,
 * session 8); bench-seq-kib=4096 runs 16. */
#define BLK_BENCH_SET_KIB 2048

int bench_blk(struct kernel *k, struct blkfront *b, unsigned int mib)
{
	/* A streaming reader and writer first: requests of 256 KiB through
	 * a reused buffer set of bench-seq-kib KiB (BLK_BENCH_SET_KIB by
	 * default: set / 256 KiB requests in flight; with bench-seq-calls=1
	 * one blkfront_rw() call per set instead, each waiting for all of
	 * it); then one 256 KiB request per call, nothing queued (a read()
	 * or write() at a time, dd's way). */
	const size_t small = 256 * 1024, max = 4u << 20;
	struct blk_way seq = {
		.chunk = (size_t)options_get_num(&k->opt, "bench-seq-kib", BLK_BENCH_SET_KIB) << 10,
		.stream = options_get_num(&k->opt, "bench-seq-calls", 0) == 0,
	}, sync = { .chunk = small };
	unsigned int rounds;
	const char *what;
	uint8_t *buf;
	int rc = 0;

	if ((uint64_t)mib << 11 > b->sectors)
		mib = (unsigned int)(b->sectors >> 11);
	if (mib < 4)
		return -ENOSPC;
	mib &= ~3u;
	if (seq.chunk < small || seq.chunk > max || seq.chunk % small)
		seq.chunk = (size_t)BLK_BENCH_SET_KIB << 10;
	buf = mm_alloc_pages(k, max / PAGE_SIZE, 1);
	if (!buf)
		return -ENOMEM;
	memset(buf, 0xa5, max);
	/* bench-rounds=N, bench-blk=seq (the 16-in-flight rows only), sync
	 * (the one-at-a-time rows only) or sync-read (their read only):
	 * longer runs of one path, to profile it. */
	rounds = (unsigned int)options_get_num(&k->opt, "bench-rounds", BLK_BENCH_ROUNDS);
	what = options_get(&k->opt, "bench-blk", "all");
	for (unsigned int round = 0; round < rounds && rc == 0; round++) {
		if (!strcmp(what, "all") || !strcmp(what, "seq"))
			rc = blk_rows(k, b, buf, seq, mib, true, "blk-write-seq", "blk-read-seq");
		if (rc == 0 && strcmp(what, "seq") != 0)
			rc = blk_rows(k, b, buf, sync, mib, strcmp(what, "sync-read") != 0,
				      "blk-write-256k-sync", "blk-read-256k-sync");
	}
	mm_free_pages(k, buf, max / PAGE_SIZE);
	if (rc < 0)
		printk("bench: disk error %d\n", rc);
	return rc;
}
