#include "hypervisor/engines/pv/pv_dirty.h"

#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/param.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Debian 12's headers predate PAGEMAP_SCAN (Linux 6.7). */
#ifndef PAGEMAP_SCAN
struct page_region {
	uint64_t start, end, categories;
};
struct pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#define PM_SCAN_WP_MATCHING (1 << 0)
#define PM_SCAN_CHECK_WPASYNC (1 << 1)
#define PAGE_IS_WPALLOWED (1 << 0)
#define PAGE_IS_WRITTEN (1 << 1)
#endif

#define SCAN_REGIONS 512

static void bit_set_range(uint64_t *bm, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		bm[i / 64] |= 1ull << (i % 64);
}

/* Walk the frames [first, first+nr) of guest RAM that source `sc` maps
 * with PAGEMAP_SCAN as `tmpl` asks (flags and categories), setting the
 * returned pages' bits in bitmap relative to frame `first`. */
static int scan_walk(const struct pv_dirty_source *sc, uint64_t first, uint64_t nr,
		     uint64_t *bitmap, const struct pm_scan_arg *tmpl)
{
	struct page_region regs[SCAN_REGIONS];
	uint64_t lo = first > sc->first ? first : sc->first;
	uint64_t hi = first + nr < sc->first + sc->nr ? first + nr : sc->first + sc->nr;
	uint64_t base = sc->addr - (sc->first << 12); /* where frame 0 would be */
	uint64_t start = base + (lo << 12), end = base + (hi << 12);

	while (start < end) {
		struct pm_scan_arg a = *tmpl;
		long n;

		a.size = sizeof(a);
		a.start = start;
		a.end = end;
		a.vec = (uint64_t)(uintptr_t)regs;
		a.vec_len = SCAN_REGIONS;
		n = ioctl(sc->fd, PAGEMAP_SCAN, &a);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++)
			bit_set_range(bitmap, ((regs[i].start - base) >> 12) - first,
				      ((regs[i].end - base) >> 12) - first);
		if (a.walk_end <= start)
			return -EIO;
		start = a.walk_end;
	}
	return 0;
}

/* Written pages are reported (and protected again). `check`: fail
 * (-EPERM) on a range not registered for write-protection (the probe);
 * otherwise such ranges are skipped: in the pv sandbox they are windows
 * where the guest mapped other frames with update_va_mapping (its grant
 * table, shared_info), not its RAM at that address, so it cannot have
 * written that RAM there. */
static int scan(const struct pv_dirty_source *sc, uint64_t first, uint64_t nr,
		uint64_t *bitmap, bool check)
{
	struct pm_scan_arg a = {
		.flags = PM_SCAN_WP_MATCHING | (check ? PM_SCAN_CHECK_WPASYNC : 0),
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN,
	};

	return scan_walk(sc, first, nr, bitmap, &a);
}

/* Frames of [first, first+nr) whose address is not write-protect tracked
 * (a window the guest remapped with update_va_mapping, even back to the
 * flat page; a mapping its process did not register) count as dirty at
 * every read: nothing says they were not. */
static int unregistered(const struct pv_dirty_source *sc, uint64_t first, uint64_t nr,
			uint64_t *bitmap)
{
	struct pm_scan_arg a = {
		.category_inverted = PAGE_IS_WPALLOWED, .category_mask = PAGE_IS_WPALLOWED,
		.return_mask = PAGE_IS_WPALLOWED,
	};

	return scan_walk(sc, first, nr, bitmap, &a);
}

int pv_dirty_init(struct pv_dirty *dt, uint64_t frames)
{
	*dt = (struct pv_dirty){ .pagemap_fd = -1, .frames = frames };
	dt->self = calloc((frames + 63) / 64 + 1, 8);
	if (!dt->self)
		return -ENOMEM;
	/* The first read must report everything. */
	bit_set_range(dt->self, 0, frames);
	return 0;
}

static int open_pagemap(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Add frames [first, first+nr) mapped at `addr` in the process whose
 * pagemap is `fd`, after probing (and arming) the source's first page:
 * the kernel says here whether it can. The caller closes `fd` on failure. */
static int add_source(struct pv_dirty *dt, int fd, bool own_fd, uint64_t addr,
		      uint64_t first, uint64_t nr)
{
	struct pv_dirty_source *sc;
	uint64_t probe[2] = { 0 };
	int rc;

	if (dt->nsrc == PV_DIRTY_MAX_SOURCES)
		return -ENOSPC;
	sc = &dt->src[dt->nsrc];
	*sc = (struct pv_dirty_source){ fd, own_fd, addr, first, nr };
	rc = scan(sc, first, 1, probe, true);
	if (rc < 0) {
		log_warn("dirty logging unavailable: PAGEMAP_SCAN with userfaultfd WP_ASYNC "
			 "failed (%s); it needs Linux 6.7 or newer", strerror(-rc));
		return -EOPNOTSUPP;
	}
	if (dt->pagemap_fd < 0)
		dt->pagemap_fd = fd;
	dt->nsrc++;
	return 0;
}

int pv_dirty_enable(struct pv_dirty *dt, pid_t pid, uint64_t base, uint64_t frames)
{
	int rc, fd;

	if (dt->pagemap_fd >= 0)
		return -EBUSY;
	rc = pv_dirty_init(dt, frames);
	fd = rc < 0 ? rc : open_pagemap(pid);
	if (fd < 0) {
		pv_dirty_disable(dt);
		return fd;
	}
	rc = add_source(dt, fd, true, base, 0, frames);
	if (rc < 0) {
		close(fd);
		pv_dirty_disable(dt);
	}
	return rc;
}

/* One line of /proc/PID/maps, if it maps (dev, ino) writable: its address
 * range and file offset. A read-only mapping (xld's save reading the
 * pages it sends) cannot write guest memory. */
static bool maps_line(const char *line, dev_t dev, ino_t ino, uint64_t *lo, uint64_t *hi,
		      uint64_t *off)
{
	unsigned maj, min;
	unsigned long long l, h, o, i;
	char perms[8];

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu", &l, &h, perms, &o, &maj, &min, &i) != 7)
		return false;
	if (perms[1] != 'w' || i != (unsigned long long)ino || maj != major(dev) ||
	    min != minor(dev))
		return false;
	*lo = l;
	*hi = h;
	*off = o;
	return true;
}

/* Call fn for each writable mapping of (dev, ino) in `pid` that covers
 * frames below `frames`, as a source (its pagemap fd, cut to those
 * frames), until fn fails. *found: how many there were. 0 or -errno. */
static int maps_each(pid_t pid, dev_t dev, ino_t ino, uint64_t frames,
		     int (*fn)(void *ctx, const struct pv_dirty_source *sc), void *ctx,
		     unsigned *found)
{
	char path[64], line[512];
	FILE *f;
	int fd, rc = 0;

	*found = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	fd = open_pagemap(pid);
	if (fd < 0) {
		fclose(f);
		return fd;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		uint64_t lo, hi, off, first;
		struct pv_dirty_source sc;

		if (!maps_line(line, dev, ino, &lo, &hi, &off) || off % 4096 ||
		    (first = off >> 12) >= frames)
			continue;
		sc = (struct pv_dirty_source){ fd, false, lo, first,
					       MIN((hi - lo) >> 12, frames - first) };
		rc = fn(ctx, &sc);
		*found += rc == 0;
	}
	fclose(f);
	close(fd);
	return rc;
}

/* pv_dirty_add_file's step: a source of the log that keeps its own fd. */
static int add_file_source(void *ctx, const struct pv_dirty_source *sc)
{
	int fd = dup(sc->fd), rc;

	if (fd < 0)
		return -errno;
	rc = add_source(ctx, fd, true, sc->addr, sc->first, sc->nr);
	if (rc < 0)
		close(fd);
	return rc;
}

int pv_dirty_add_file(struct pv_dirty *dt, pid_t pid, dev_t dev, ino_t ino)
{
	unsigned found;

	return maps_each(pid, dev, ino, dt->frames, add_file_source, dt, &found);
}

struct scan_ctx {
	uint64_t first, nr;
	uint64_t *bitmap;
};

static int scan_source(void *ctx, const struct pv_dirty_source *sc)
{
	struct scan_ctx *c = ctx;
	int rc = scan(sc, c->first, c->nr, c->bitmap, false);

	return rc < 0 ? rc : unregistered(sc, c->first, c->nr, c->bitmap);
}

int pv_dirty_scan_process(pid_t pid, dev_t dev, ino_t ino, uint64_t frames, uint64_t first,
			  uint64_t nr, uint64_t *bitmap)
{
	struct scan_ctx c = { first, nr, bitmap };
	unsigned found;
	int rc;

	if (first > frames || nr > frames - first)
		return -EINVAL;
	rc = maps_each(pid, dev, ino, frames, scan_source, &c, &found);
	return rc < 0 ? rc : found ? 0 : -ENOENT;
}

void pv_dirty_disable(struct pv_dirty *dt)
{
	for (unsigned i = 0; i < dt->nsrc; i++)
		if (dt->src[i].own_fd)
			close(dt->src[i].fd);
	dt->nsrc = 0;
	dt->pagemap_fd = -1;
	free(dt->self);
	dt->self = NULL;
	dt->untracked = false;
}

int pv_dirty_read(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		  bool elsewhere)
{
	int rc = 0;

	if (!dt->self)
		return -EINVAL;
	if (first > dt->frames || nr > dt->frames - first)
		return -EINVAL;
	dt->untracked |= elsewhere;
	if (dt->untracked)
		bit_set_range(bitmap, 0, nr);
	for (unsigned s = 0; rc == 0 && s < dt->nsrc; s++) {
		rc = scan(&dt->src[s], first, nr, bitmap, false);
		if (rc == 0)
			rc = unregistered(&dt->src[s], first, nr, bitmap);
	}
	for (uint64_t i = 0; rc == 0 && i < nr; i++) {
		uint64_t f = first + i;

		if (dt->self[f / 64] & (1ull << (f % 64))) {
			bitmap[i / 64] |= 1ull << (i % 64);
			dt->self[f / 64] &= ~(1ull << (f % 64));
		}
	}
	return rc;
}

void pv_dirty_mark(struct pv_dirty *dt, uint64_t paddr, uint64_t len)
{
	if (!dt->self || !len)
		return;
	for (uint64_t f = paddr >> 12; f <= (paddr + len - 1) >> 12 && f < dt->frames; f++)
		dt->self[f / 64] |= 1ull << (f % 64);
}
