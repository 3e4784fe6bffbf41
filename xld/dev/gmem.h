/* A guest's memory as a backend sees it: the domain's whole memfd mapped
 * once into xld, and grants checked by vmhv (hv_gnttab_map) but resolved
 * to a pointer into that mapping, so a granted page costs no mmap/munmap
 * of its own, and the pages of one request cost one privcmd call
 * (gmem_grant_many, a batched map) and one more to release. Grant handles belong to the privcmd
 * connection that made them: map and unmap through the same `hv`. */
#ifndef VMCTL_XLD_DEV_GMEM_H
#define VMCTL_XLD_DEV_GMEM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct hv;

struct gmem {
	uint32_t domid;
	uint8_t *base;          /* frame P at base + P * 4096; NULL = closed */
	uint64_t nr_frames;
	int uffd;               /* the mapping's write tracking, or -1 */
};

/* Map every frame of `domid` (through connection `hv`); 0 or -errno.
 * The mapping is registered for dirty tracking (common/uffd_wp.h): what
 * the backends write through it is in the domain's dirty log (vmhv scans
 * it, gnttab_dirty_mapped); without kernel support every frame it maps
 * counts as written at every read of the log. */
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

/* Persistent grants (blkif's feature-persistent): a frontend that keeps a
 * pool of pages granted for the whole connection lets the backend map each
 * ref once, writable, and keep it, so a request whose pages are all known
 * costs no privcmd call at all. The cache is shared by the threads of one
 * backend (it has its own lock); each entry remembers the connection that
 * mapped it. It holds at most GMEM_CACHE_MAX refs (Linux's blkback keeps
 * 1056 per ring); refs beyond that are mapped for one request only. */
#define GMEM_CACHE_MAX 1024
#define GMEM_CACHE_SLOTS (2 * GMEM_CACHE_MAX)   /* open addressing, load <= 1/2 */

struct gmem_cache_entry {
	uint32_t key;           /* ref + 1; 0 = empty */
	uint32_t handle;
	struct hv *hv;          /* the connection that holds the mapping */
	uint8_t *page;
};

struct gmem_cache {
	pthread_mutex_t lock;
	unsigned used;
	struct gmem_cache_entry slot[GMEM_CACHE_SLOTS];
};

void gmem_cache_init(struct gmem_cache *c);

/* pages[i] = the page of refs[i] (n <= GMEM_BATCH_MAX): cached refs from
 * the cache, the others mapped writable through `hv` with one batched call
 * and kept. Refs that found no room are mapped for this request only:
 * their handles come back in tmp[] (*ntmp of them), to be released with
 * gmem_ungrant_many(hv, tmp, *ntmp) after the I/O. 0, or -errno with
 * nothing new mapped (-EPERM: a ref is not granted writable to dom0). */
int gmem_cache_get(struct gmem *m, struct gmem_cache *c, struct hv *hv, const uint32_t *refs,
		   unsigned n, uint8_t **pages, uint32_t *tmp, unsigned *ntmp);

/* Unmap every cached ref, each through its own connection; those
 * connections must be idle (their threads waiting for work). Safe to call
 * twice; the cache is empty and usable afterwards. */
void gmem_cache_clear(struct gmem_cache *c);
void gmem_cache_dispose(struct gmem_cache *c);

#endif
