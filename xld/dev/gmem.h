/* A guest's memory as a backend sees it: the domain's whole memfd mapped
 * once into xld, and grants checked by vmhv (hv_gnttab_map) but resolved
 * to a pointer into that mapping, so a granted page costs no mmap/munmap
 * of its own, and the pages of one request cost one privcmd call
 * (gmem_grant_many, a batched map) and one more to release. Grant handles belong to the privcmd
 * connection that made them: map and unmap through the same `hv`. */
#ifndef VMCTL_XLD_DEV_GMEM_H
#define VMCTL_XLD_DEV_GMEM_H

#include <stdbool.h>
#include <stdint.h>

struct hv;

struct gmem {
	uint32_t domid;
	uint8_t *base;          /* frame P at base + P * 4096; NULL = closed */
	uint64_t nr_frames;
};

/* Map every frame of `domid` (through connection `hv`); 0 or -errno. */
int gmem_open(struct gmem *m, struct hv *hv, uint32_t domid);
/* Unmap (idempotent). */
void gmem_close(struct gmem *m);

/* Check that the guest grants dom0 `ref` (read-only if `readonly`) and
 * return its page, or NULL with *rc = -errno (-EPERM: not granted).
 * Release with gmem_ungrant() on the same connection. */
void *gmem_grant(struct gmem *m, struct hv *hv, uint32_t ref, bool readonly,
		 uint32_t *handle, int *rc);
void gmem_ungrant(struct hv *hv, uint32_t handle);

/* Up to GMEM_BATCH_MAX grants in one privcmd round trip, all or nothing:
 * pages[i] is the page of refs[i] and handles[i] its handle, or, on any
 * failure, nothing stays mapped and the result is -errno (-EPERM: a ref is
 * not granted, -EINVAL: a bad ref or count). Release with
 * gmem_ungrant_many() on the same connection. */
#define GMEM_BATCH_MAX 256
int gmem_grant_many(struct gmem *m, struct hv *hv, const uint32_t *refs, unsigned n,
		    bool readonly, uint8_t **pages, uint32_t *handles);
void gmem_ungrant_many(struct hv *hv, const uint32_t *handles, unsigned n);

#endif
