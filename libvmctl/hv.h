/* The privcmd client: dom0's hypercalls to vmhv, one function each.
 *
 * A struct hv is one connection to $rundir/privcmd (see
 * include/vmctl/privcmd.h for the wire format). Calls are synchronous: one
 * request, one reply. Every function returns 0 (or a count) on success and
 * a negative errno on failure: vmhv's own error, or the transport's
 * (-ECONNRESET when vmhv went away, -EPROTO for a garbled reply).
 * A connection may be used by one thread at a time.
 */
#ifndef VMCTL_LIBVMCTL_HV_H
#define VMCTL_LIBVMCTL_HV_H

#include "vmctl/privcmd.h"

#include <stddef.h>
#include <stdint.h>

struct hv;

/* Connect to `rundir`/privcmd (NULL = $VMCTL_RUNDIR or /run/vmctl). */
int hv_open(const char *rundir, struct hv **out);
void hv_close(struct hv *h);

/* The raw call under every function below: send `req` (`req_len` bytes) as
 * operation `op`; copy up to `rep_cap` reply bytes into `rep` and their
 * count into *rep_len (may be NULL); a passed fd goes to *fd (or is closed
 * when fd is NULL; *fd = -1 when none came). */
int hv_call(struct hv *h, unsigned op, const void *req, size_t req_len,
	    void *rep, size_t rep_cap, size_t *rep_len, int *fd);

int hv_version(struct hv *h, struct privcmd_version *v);
int hv_physinfo(struct hv *h, struct privcmd_physinfo *p);

/* Create a paused domain; its domid goes to *domid. */
int hv_domain_create(struct hv *h, const uint8_t handle[16], uint32_t flags,
		     uint32_t max_vcpus, uint64_t max_pages, uint32_t *domid);
int hv_domain_destroy(struct hv *h, uint32_t domid);
int hv_domain_pause(struct hv *h, uint32_t domid);
int hv_domain_unpause(struct hv *h, uint32_t domid);
int hv_domain_getinfo(struct hv *h, uint32_t domid, struct privcmd_dominfo *info);

/* Up to `max` domains with domid >= first into info[]; returns how many. */
int hv_domain_getinfolist(struct hv *h, uint32_t first, struct privcmd_dominfo *info,
			  uint32_t max);
int hv_domain_max_mem(struct hv *h, uint32_t domid, uint64_t max_kb);
int hv_domain_max_vcpus(struct hv *h, uint32_t domid, uint32_t max);
/* Shut the domain down from outside with a SHUTDOWN_* reason. */
int hv_domain_shutdown(struct hv *h, uint32_t domid, uint32_t reason);

/* vmhv's console text from position *pos (0 = oldest kept) into buf (at
 * most cap bytes, not NUL-terminated); *pos moves on. Returns the byte
 * count. `clear` empties the ring after reading (`xl dmesg -c`). */
int hv_dmesg(struct hv *h, uint64_t *pos, char *buf, size_t cap, int clear);

/* The domain's memory file (frame P at offset P << 12) into *fd (the
 * caller closes it) and its frame counts into *info. */
int hv_foreign_map(struct hv *h, uint32_t domid, int *fd,
		   struct privcmd_foreign_map *info);

int hv_setvcpucontext(struct hv *h, uint32_t domid, uint32_t vcpu,
		      const struct privcmd_vcpu_regs *regs);
int hv_getvcpucontext(struct hv *h, uint32_t domid, uint32_t vcpu,
		      struct privcmd_vcpu_regs *regs);
/* Ask vmhv to fill frame `gmfn` with the hypercall page. */
int hv_hypercall_init(struct hv *h, uint32_t domid, uint64_t gmfn);

/* Dom0 event channels (see privcmd.h). Ports bound here come with an
 * eventfd in *fd that becomes readable when the guest sends; they belong to
 * this connection and close with it. */
int hv_evtchn_alloc_unbound(struct hv *h, uint32_t dom, uint32_t remote_dom,
			    uint32_t *port);
int hv_evtchn_bind_interdomain(struct hv *h, uint32_t remote_dom, uint32_t remote_port,
			       uint32_t *port, int *fd);
/* Dom0's VIRQ_DOM_EXC (3): signalled when any domain shuts down or dies. */
int hv_evtchn_bind_virq(struct hv *h, uint32_t virq, uint32_t *port, int *fd);
int hv_evtchn_notify(struct hv *h, uint32_t port);
/* EVTCHN_DIRECT / EVTCHN_KICK (vmctl/privcmd.h): raise the peer's port
 * without vmhv; xld/dev/evtchn_direct.h does it. */
int hv_evtchn_direct(struct hv *h, uint32_t port, struct privcmd_evtchn_direct *out);
int hv_evtchn_kick(struct hv *h, uint32_t port);
int hv_evtchn_close(struct hv *h, uint32_t port);

/* Map guest `domid`'s grant `ref` for dom0 (readonly or not): *frame is
 * the frame to mmap from hv_foreign_map()'s memfd, *handle is for
 * hv_gnttab_unmap(). -EPERM if the guest does not grant it to dom0. */
int hv_gnttab_map(struct hv *h, uint32_t domid, uint32_t ref, int readonly,
		  uint64_t *frame, uint32_t *handle);
int hv_gnttab_unmap(struct hv *h, uint32_t handle);

/* Dirty-page logging of a running pv domain (see privcmd.h). hv_dirty_read
 * fills `bitmap` ((nr + 63) / 64 words) for frames [first, first+nr). */
int hv_dirty_enable(struct hv *h, uint32_t domid);
int hv_dirty_read(struct hv *h, uint32_t domid, uint64_t first, uint64_t nr, uint64_t *bitmap);
int hv_dirty_disable(struct hv *h, uint32_t domid);

/* Seconds added to the domain's wall clock. */
int hv_settimeoffset(struct hv *h, uint32_t domid, int64_t seconds);
/* Xen's HVM parameters (index < PRIVCMD_HVM_NR_PARAMS). */
int hv_hvm_param_get(struct hv *h, uint32_t domid, uint32_t index, uint64_t *value);
int hv_hvm_param_set(struct hv *h, uint32_t domid, uint32_t index, uint64_t value);

/* Cancel a guest's suspend: its SCHEDOP_shutdown(suspend) returns 1. */
int hv_domain_resume(struct hv *h, uint32_t domid);

/* Copy between guests' pages (see privcmd.h): ops[i].status gets each
 * op's GNTST_* result; returns 0 or -errno for the call as a whole. */
int hv_gnttab_copy(struct hv *h, struct privcmd_gnttab_copy *ops, unsigned n);

/* Many grant maps in one round trip (see privcmd.h): fill domid, ref and
 * flags of each entry; each gets its own status (GNTST_*), frame and
 * handle. Entries are independent: on a partial failure, unmap the ones
 * whose status is 0. Returns 0, or -errno for the call as a whole (then no
 * entry was mapped): -EINVAL for n = 0 or n > PRIVCMD_GNTMAP_MAX. */
int hv_gnttab_map_batch(struct hv *h, struct privcmd_gnttab_map_entry *ents, unsigned n);
/* Many unmaps in one round trip: each entry's status is GNTST_okay or
 * GNTST_bad_handle (not a live handle of this connection). */
int hv_gnttab_unmap_batch(struct hv *h, struct privcmd_gnttab_unmap_entry *ents, unsigned n);

#endif
