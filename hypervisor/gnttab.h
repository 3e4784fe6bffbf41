/* Grant tables v1: a domain's entries live in its hypervisor frames after
 * shared_info (memory.h); vmhv checks them whenever a grantee maps or
 * copies, and marks mapped entries GTF_reading/GTF_writing as Xen does
 * (counted, so two mappings of one ref need two unmaps). Results are
 * GNTST_* codes. */
#ifndef VMHV_GNTTAB_H
#define VMHV_GNTTAB_H

#include "hypervisor/memory.h"

#include <stdbool.h>
#include <stdint.h>

#define GNTTAB_NR_REFS (MEM_GNTTAB_FRAMES * 512)

struct vmhv;
struct domain;

/* The frame that `granter` grants `grantee` under `ref`, checking the
 * entry's type, grantee and read-only flag. */
int gnttab_resolve(struct domain *granter, uint32_t ref, uint32_t grantee, bool write,
		   uint64_t *frame);

/* Dom0 mappings (privcmd GNTTAB_MAP/UNMAP): a handle per mapping, owned by
 * the privcmd client that made it. */
int gnttab_dom0_map(struct vmhv *hv, uint32_t domid, uint32_t ref, bool write, void *owner,
		    uint64_t *frame, uint32_t *handle);
/* The same with the result as a GNTST_* code (the batch op's per-entry
 * status); gnttab_dom0_map() turns it into -errno. */
int gnttab_dom0_map_st(struct vmhv *hv, uint32_t domid, uint32_t ref, bool write,
		       void *owner, uint64_t *frame, uint32_t *handle);
int gnttab_dom0_unmap(struct vmhv *hv, uint32_t handle, void *owner);
void gnttab_dom0_release(struct vmhv *hv, void *owner);

/* One dom0 copy between two guests (privcmd GNTTAB_COPY): checks both
 * sides, copies, logs the destination as dirty. Returns GNTST_*. */
struct privcmd_gnttab_copy;
int gnttab_dom0_copy(struct vmhv *hv, const struct privcmd_gnttab_copy *op);

/* Dirty logging (each engine's dirty_read, before it reads): mark the
 * frames of `d` in [first, first+nr) that dom0 wrote behind the engine's
 * back through grant mappings that are still in place (a backend keeps
 * persistent grants mapped for the whole connection, so "dirty on unmap",
 * which gnttab_dom0_unmap does too, is not enough): what each mapping
 * process wrote there, scanned through its pagemap when its mapping is
 * write-tracked (xld's gmem), else every frame it maps writable. Also
 * the console and xenstore rings named by the reserved grant entries,
 * which xld writes through its own mappings. */
void gnttab_dirty_mapped(struct domain *d, uint64_t first, uint64_t nr);

/* Free a domain's pin counts (destroy). */
void gnttab_domain_dispose(struct domain *d);

#endif
