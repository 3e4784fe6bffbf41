/* Dirty-page tracking of guest RAM, vmhv's half, for every engine whose
 * guest memory is written through host mappings in other processes (the
 * pv sandbox's flat map; the hvm sandbox's and the device model's
 * mappings of the domain's memfd): each such mapping was registered with
 * userfaultfd WP_ASYNC by its process (common/uffd_wp.h).
 *
 * A log has sources: one mapping of frames [first, first+nr) at an address
 * of one process, read through that process's /proc/PID/pagemap. Every
 * read is one PAGEMAP_SCAN with PM_SCAN_WP_MATCHING per source that
 * returns the pages written since the last read and write-protects them
 * again, merged with the pages vmhv wrote itself on the guest's behalf
 * (which the scan cannot see). Pages of a source that are not registered
 * count as dirty at every read. The first read reports every page. Needs
 * Linux 6.7+; on an older kernel enabling fails with -EOPNOTSUPP and a
 * message in vmhv's log. */
#ifndef VMHV_PV_DIRTY_H
#define VMHV_PV_DIRTY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define PV_DIRTY_MAX_SOURCES 8

struct pv_dirty_source {
	int fd;                   /* /proc/PID/pagemap (may be another source's) */
	bool own_fd;              /* this source closes it */
	uint64_t addr;            /* where frame `first` is mapped there */
	uint64_t first, nr;
};

struct pv_dirty {
	int pagemap_fd;           /* -1 = off; else the first source's pagemap */
	uint64_t frames;          /* guest RAM frames tracked */
	uint64_t *self;           /* pages vmhv wrote, one bit per frame */
	bool untracked;           /* latched: every frame is dirty at every read */
	unsigned nsrc;
	struct pv_dirty_source src[PV_DIRTY_MAX_SOURCES];
};

/* The pv engine: one source, the sandbox `pid`'s flat map of all `frames`
 * at `base`. 0, -EOPNOTSUPP (no kernel support), -EBUSY or -errno. */
int pv_dirty_enable(struct pv_dirty *dt, pid_t pid, uint64_t base, uint64_t frames);

/* The hvm engine: an empty log of `frames` frames (0 or -errno), then
 * the sources of each process that writes guest RAM: every writable
 * mapping of the memory file (dev, ino) in `pid` (from /proc/PID/maps), cut to the
 * frames the log tracks. A process with no such mapping adds nothing;
 * a mapping that is not registered makes its frames dirty at every read.
 * 0, -EOPNOTSUPP (no kernel support), -ENOSPC (too many) or -errno. */
int pv_dirty_init(struct pv_dirty *dt, uint64_t frames);
int pv_dirty_add_file(struct pv_dirty *dt, pid_t pid, dev_t dev, ino_t ino);

void pv_dirty_disable(struct pv_dirty *dt);

/* Without a log: OR into `bitmap` (bit i = frame first+i) the frames of
 * [first, first+nr) that process `pid` wrote since the last scan through
 * its writable mappings of the memory file (dev, ino) of a domain with
 * `frames` frames, and protect them again; a mapping it did not register
 * counts as written. For xld, whose backends write guest memory through
 * their own mapping (xld/dev/gmem.c registers it). 0, -ENOENT (it maps
 * none of the file writable) or -errno. */
int pv_dirty_scan_process(pid_t pid, dev_t dev, ino_t ino, uint64_t frames, uint64_t first,
			  uint64_t nr, uint64_t *bitmap);

/* OR the dirty bits of frames [first, first+nr) into `bitmap` (bit i =
 * frame first+i) and clear them. `untracked`: the sandbox mapped guest
 * RAM away from its flat address (its mailbox says so), where writes are
 * not seen: every frame counts as dirty from then on. 0 or -errno. */
int pv_dirty_read(struct pv_dirty *dt, uint64_t first, uint64_t nr, uint64_t *bitmap,
		  bool untracked);

/* vmhv wrote [paddr, paddr+len) of guest RAM. */
void pv_dirty_mark(struct pv_dirty *dt, uint64_t paddr, uint64_t len);

#endif
