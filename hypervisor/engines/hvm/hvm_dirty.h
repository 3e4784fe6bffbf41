/* Dirty-page logging of an hvm domain's RAM (privcmd DIRTY_*, so that
 * `xl migrate` makes pre-copy rounds). The soft CPU writes guest RAM with
 * ordinary host stores through the sandbox's mappings of the memory file,
 * the device model writes it (IDE and NIC DMA, rep ins, fw_cfg DMA)
 * through its own mapping, and both processes registered those mappings
 * with userfaultfd WP_ASYNC (common/uffd_wp.h): the pv engine's log
 * (pv_dirty.h) reads every mapping of the file in the sandbox and in each
 * ioreq server's process, plus what vmhv wrote itself, every frame xld
 * maps writable through a grant and the xenstore and console rings
 * (docs/migration-stream.md "What the dirty log covers"). */
#ifndef VMHV_HVM_DIRTY_H
#define VMHV_HVM_DIRTY_H

#include <stdint.h>

struct domain;

/* engine_ops.dirty_*: enable needs a running sandbox (-EINVAL otherwise). */
int hvm_dirty_enable(struct domain *d);
int hvm_dirty_read(struct domain *d, uint64_t first, uint64_t nr, uint64_t *bitmap);
void hvm_dirty_disable(struct domain *d);
void hvm_dirty_mark(struct domain *d, uint64_t paddr, uint64_t len);

#endif
