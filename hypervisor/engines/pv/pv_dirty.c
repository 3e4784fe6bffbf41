#include "hypervisor/engines/pv/pv_dirty.h"

#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* Walk [first, first+nr) of the flat map with PAGEMAP_SCAN as `tmpl`
 * asks (flags and categories), setting the returned pages' bits in bitmap
 * relative to frame `first`. */
static int scan_walk(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		     const struct pm_scan_arg *tmpl)
{
	struct page_region regs[SCAN_REGIONS];
	uint64_t start = dt->base + (first << 12), end = start + (nr << 12);

	while (start < end) {
		struct pm_scan_arg a = *tmpl;
		long n;

		a.size = sizeof(a);
		a.start = start;
		a.end = end;
		a.vec = (uint64_t)(uintptr_t)regs;
		a.vec_len = SCAN_REGIONS;
		n = ioctl(dt->pagemap_fd, PAGEMAP_SCAN, &a);
		if (n < 0)
			return -errno;
		for (long i = 0; i < n; i++)
			bit_set_range(bitmap, ((regs[i].start - dt->base) >> 12) - first,
				      ((regs[i].end - dt->base) >> 12) - first);
		if (a.walk_end <= start)
			return -EIO;
		start = a.walk_end;
	}
	return 0;
}

/* Written pages are reported (and protected again). `check`: fail
 * (-EPERM) on a range not registered for write-protection (the probe);
 * otherwise such ranges are skipped: they are windows where the guest
 * mapped other frames with update_va_mapping (its grant table, shared_info),
 * not its RAM at that address, so it cannot have written that RAM there. */
static int scan(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		bool check)
{
	struct pm_scan_arg a = {
		.flags = PM_SCAN_WP_MATCHING | (check ? PM_SCAN_CHECK_WPASYNC : 0),
		.category_mask = PAGE_IS_WRITTEN, .return_mask = PAGE_IS_WRITTEN,
	};

	return scan_walk(dt, first, nr, bitmap, &a);
}

/* Frames of [first, first+nr) whose address is not write-protect tracked
 * (a window the guest remapped with update_va_mapping, even back to the
 * flat page) count as dirty at every read: nothing says they were not. */
static int unregistered(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap)
{
	struct pm_scan_arg a = {
		.category_inverted = PAGE_IS_WPALLOWED, .category_mask = PAGE_IS_WPALLOWED,
		.return_mask = PAGE_IS_WPALLOWED,
	};

	return scan_walk(dt, first, nr, bitmap, &a);
}

int pv_dirty_enable(struct pv_dirty *dt, pid_t pid, uint64_t base, uint64_t frames)
{
	char path[64];
	uint64_t *probe;
	int rc;

	if (dt->pagemap_fd >= 0)
		return -EBUSY;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	dt->pagemap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dt->pagemap_fd < 0)
		return -errno;
	dt->base = base;
	dt->frames = frames;
	dt->self = calloc((frames + 63) / 64, 8);
	probe = calloc(1, 8);
	/* Probe (and arm) the first page: the kernel says here if it can. */
	rc = dt->self && probe ? scan(dt, 0, 1, probe, true) : -ENOMEM;
	free(probe);
	if (rc < 0) {
		log_warn("dirty logging unavailable: PAGEMAP_SCAN with userfaultfd WP_ASYNC "
			 "failed (%s); it needs Linux 6.7 or newer", strerror(-rc));
		pv_dirty_disable(dt);
		return rc == -ENOMEM ? rc : -EOPNOTSUPP;
	}
	/* The first read must report everything, the probed page included. */
	dt->self[0] |= 1;
	return 0;
}

void pv_dirty_disable(struct pv_dirty *dt)
{
	if (dt->pagemap_fd >= 0)
		close(dt->pagemap_fd);
	dt->pagemap_fd = -1;
	free(dt->self);
	dt->self = NULL;
	dt->untracked = false;
}

int pv_dirty_read(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		  bool elsewhere)
{
	int rc;

	if (dt->pagemap_fd < 0)
		return -EINVAL;
	if (first > dt->frames || nr > dt->frames - first)
		return -EINVAL;
	dt->untracked |= elsewhere;
	if (dt->untracked)
		bit_set_range(bitmap, 0, nr);
	rc = scan(dt, first, nr, bitmap, false);
	if (rc == 0)
		rc = unregistered(dt, first, nr, bitmap);
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
	if (dt->pagemap_fd < 0 || !len)
		return;
	for (uint64_t f = paddr >> 12; f <= (paddr + len - 1) >> 12 && f < dt->frames; f++)
		dt->self[f / 64] |= 1ull << (f % 64);
}
