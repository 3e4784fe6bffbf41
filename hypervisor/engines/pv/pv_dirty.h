/* Dirty-page tracking for pv domains, vmhv's half (the sandbox registered
 * its flat map with userfaultfd WP_ASYNC at boot, sandbox/dirty.c).
 *
 * Enabling opens the sandbox's /proc/PID/pagemap; every read is one
 * PAGEMAP_SCAN with PM_SCAN_WP_MATCHING that returns the pages written
 * since the last read and write-protects them again, merged with the pages
 * vmhv wrote itself on the guest's behalf (which the scan cannot see). The
 * first read reports every page. Needs Linux 6.7+; on an older kernel
 * enabling fails with -EOPNOTSUPP and a message in vmhv's log. */
#ifndef VMHV_PV_DIRTY_H
#define VMHV_PV_DIRTY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pv_dirty {
	int pagemap_fd;           /* -1 = off */
	uint64_t base, frames;    /* the tracked range: guest RAM at the flat base */
	uint64_t *self;           /* pages vmhv wrote, one bit per frame */
	bool untracked;           /* latched: every frame is dirty at every read */
};

int pv_dirty_enable(struct pv_dirty *dt, pid_t pid, uint64_t base, uint64_t frames);
void pv_dirty_disable(struct pv_dirty *dt);

/* OR the dirty bits of frames [first, first+nr) into `bitmap` (bit i =
 * frame first+i) and clear them. `untracked`: the sandbox mapped guest
 * RAM away from its flat address (its mailbox says so), where writes are
 * not seen: every frame counts as dirty from then on. 0 or -errno. */
int pv_dirty_read(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		  bool untracked);

/* vmhv wrote [paddr, paddr+len) of guest RAM. */
void pv_dirty_mark(struct pv_dirty *dt, uint64_t paddr, uint64_t len);

#endif
