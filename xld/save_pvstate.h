/* The pv sandbox's part of a guest's state in the domain stream (record
 * STREAM_REC_PV_STATE, include/vmctl/pv_state.h): page-table bases and
 * pins, trap table, callbacks, segment bases, descriptor tables. Written
 * after the VCPU records, given back before the new domain first runs. */
#ifndef XLD_SAVE_PVSTATE_H
#define XLD_SAVE_PVSTATE_H

#include <vmctl/privcmd.h>

#include <stddef.h>
#include <stdint.h>

struct hv;
struct stream_writer;

/* The suspended domain's state as a record; none when vmhv has none
 * (0). 0 or -errno. */
int pvstate_write(struct hv *hv, uint32_t domid, struct stream_writer *w);

/* A record's body into the new (not started) domain: 0, -EINVAL for a
 * body vmhv refuses, or another -errno. */
int pvstate_load(struct hv *hv, uint32_t domid, const void *body, size_t len);

/* A saved state blob into the new (not started) domain through `op`
 * (PV_STATE_SET or HVM_CONTEXT_SET: a {domid, pad} header, then the
 * blob): 0, -EINVAL when `len` is over `max` or vmhv refuses the blob,
 * or another -errno. */
int save_state_set(struct hv *hv, enum privcmd_op op, uint32_t domid, const void *body,
		   size_t len, size_t max);

#endif
