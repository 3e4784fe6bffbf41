/* test-diskread: the first disk read over and over into page-aligned
 * buffers that only the backend writes, to show that live migration
 * carries what a backend wrote into guest memory (the dirty log must see
 * writes through dom0's grant mappings, not only the guest's own).
 *
 * The disk is first filled with a pattern that names its chunk. Then
 * buffer b receives chunk (b + pass) mod nchunks in pass `pass`, so every
 * read changes every byte of its buffer and the guest itself never writes
 * a buffer: a copy that missed a backend write leaves the previous
 * chunk's bytes there. Each read is checked at once (the backend's work),
 * and after every resume all buffers are checked again against the chunk
 * they last received (the migration's work). Lines for the host:
 *   diskread: periodic reads N bad B
 *   diskread: after-resume buffers N checked C bad B: ok|MISMATCH
 * Options: diskread-kib= buffer space (default 2048, at most the frames a
 * disk keeps granted), diskread-chunk= pages per read (default 4). */
#include "diskread.h"
#include "kernel.h"
#include "blkfront.h"
#include "clock.h"
#include "xerrno.h"
#include "mm.h"
#include "options.h"
#include "shell.h"

#define NO_CHUNK UINT32_MAX

struct diskread {
	struct blkfront *b;
	uint8_t *buf;		/* nbuf buffers of chunk_bytes */
	uint32_t *chunk_of;	/* the chunk each buffer last received */
	unsigned long nbuf, nchunks, chunk_bytes;
	unsigned long cursor;	/* reads issued: buffer cursor % nbuf */
	uint64_t reads, bad, next_report;
};

/* Word w of chunk c: different for every word of the disk. */
static uint64_t pattern(unsigned long c, unsigned long w)
{
	uint64_t v = ((uint64_t)c << 32 | w) * 0x9e3779b97f4a7c15ULL;

	return v ^ (v >> 29) ^ 0xd15c4ead00000000ULL;
}

static void chunk_fill(struct diskread *dr, uint8_t *p, unsigned long c)
{
	uint64_t *w = (uint64_t *)p;

	for (unsigned long i = 0; i < dr->chunk_bytes / 8; i++)
		w[i] = pattern(c, i);
}

static bool chunk_ok(const struct diskread *dr, const uint8_t *p, unsigned long c)
{
	const uint64_t *w = (const uint64_t *)p;

	for (unsigned long i = 0; i < dr->chunk_bytes / 8; i++)
		if (w[i] != pattern(c, i))
			return false;
	return true;
}

static uint64_t chunk_sector(const struct diskread *dr, unsigned long c)
{
	return (uint64_t)c * dr->chunk_bytes / 512;
}

/* Write every chunk's pattern (through the first buffer). */
static int disk_fill(struct kernel *k, struct diskread *dr)
{
	int rc;

	for (unsigned long c = 0; c < dr->nchunks; c++) {
		chunk_fill(dr, dr->buf, c);
		rc = blkfront_rw(k, dr->b, true, chunk_sector(dr, c), dr->buf, dr->chunk_bytes);
		if (rc < 0)
			return rc;
	}
	rc = blkfront_flush(k, dr->b);
	return rc == -EOPNOTSUPP ? 0 : rc;	/* a write-through backend */
}

static void diskread_report(struct kernel *k, struct diskread *dr)
{
	printk("diskread: periodic reads %lu bad %lu\n", (unsigned long)dr->reads,
	       (unsigned long)dr->bad);
}

static bool diskread_step(struct kernel *k)
{
	struct diskread *dr = k->mode_state;
	unsigned long b = dr->cursor % dr->nbuf, pass = dr->cursor / dr->nbuf;
	unsigned long c = (b + pass) % dr->nchunks;
	uint8_t *p = dr->buf + b * dr->chunk_bytes;
	uint64_t now;

	if (!dr->b->connected)
		return false;	/* unplugged or between suspend and resume */
	dr->chunk_of[b] = NO_CHUNK;	/* unknown until the read completes */
	if (blkfront_rw(k, dr->b, false, chunk_sector(dr, c), p, dr->chunk_bytes) < 0) {
		dr->bad++;
		printk("diskread: read of chunk %lu failed: MISMATCH\n", c);
	} else if (!chunk_ok(dr, p, c)) {
		dr->bad++;
		printk("diskread: chunk %lu read into buffer %lu is wrong: MISMATCH\n", c, b);
	} else {
		dr->chunk_of[b] = (uint32_t)c;
	}
	dr->reads++;
	dr->cursor++;
	now = time_now(k);
	if (now >= dr->next_report) {
		diskread_report(k, dr);
		dr->next_report = now + NSEC_PER_SEC;
	}
	return true;
}

static void diskread_resumed(struct kernel *k, void *arg)
{
	struct diskread *dr = arg;
	unsigned long checked = 0, bad = 0;

	for (unsigned long b = 0; b < dr->nbuf; b++) {
		if (dr->chunk_of[b] == NO_CHUNK)
			continue;
		checked++;
		if (!chunk_ok(dr, dr->buf + b * dr->chunk_bytes, dr->chunk_of[b]))
			bad++;
	}
	dr->bad += bad;
	printk("diskread: after-resume buffers %lu checked %lu bad %lu: %s\n", dr->nbuf,
	       checked, bad, bad ? "MISMATCH" : "ok");
	dr->next_report = time_now(k) + NSEC_PER_SEC;
}

const char *diskread_start(struct kernel *k)
{
	static struct diskread dr;
	unsigned long kib = options_get_num(&k->opt, "diskread-kib", 2048);
	unsigned long pages = options_get_num(&k->opt, "diskread-chunk", 4);
	unsigned long bytes;

	dr.b = k->dev.nr_blk ? k->dev.blk[0] : NULL;
	if (!dr.b || !dr.b->connected)
		return "no connected disk";
	if (pages == 0 || pages > BLK_MAX_SEGS || kib * 1024 < pages * PAGE_SIZE)
		return "bad diskread-kib or diskread-chunk";
	dr.chunk_bytes = pages * PAGE_SIZE;
	dr.nbuf = kib * 1024 / dr.chunk_bytes;
	bytes = dr.nbuf * dr.chunk_bytes;
	/* More chunks than buffers: a buffer gets a new chunk every pass. */
	dr.nchunks = dr.b->sectors * 512 / dr.chunk_bytes;
	if (dr.nchunks <= dr.nbuf)
		return "the disk is not larger than the buffers";
	dr.buf = mm_alloc_pages(k, bytes / PAGE_SIZE, 1);
	dr.chunk_of = mm_alloc_pages(k, (dr.nbuf * 4 + PAGE_SIZE - 1) / PAGE_SIZE, 1);
	if (!dr.buf || !dr.chunk_of)
		return "out of memory";
	for (unsigned long b = 0; b < dr.nbuf; b++)
		dr.chunk_of[b] = NO_CHUNK;
	if (disk_fill(k, &dr) < 0)
		return "cannot write the disk's pattern";
	printk("diskread: %lu buffers of %lu KiB, %lu chunks on the disk\n", dr.nbuf,
	       dr.chunk_bytes / 1024, dr.nchunks);
	k->mode_state = &dr;
	k->mode_poll = diskread_step;
	k->ctl.on_resume = diskread_resumed;
	k->ctl.on_resume_arg = &dr;
	dr.next_report = time_now(k) + NSEC_PER_SEC;
	shell_start(k);
	return NULL;
}
