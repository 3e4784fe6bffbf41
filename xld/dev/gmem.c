/* Guest memory and grant resolution for the backends. */
#include "xld/dev/gmem.h"
#include "libvmctl/hv.h"
#include "common/log.h"
#include "common/uffd_wp.h"

#include <vmctl/xen/grant_table.h>

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096ull

int gmem_open(struct gmem *m, struct hv *hv, uint32_t domid)
{
	struct privcmd_foreign_map info;
	int memfd = -1, rc;
	void *p;

	m->domid = domid;
	m->base = NULL;
	m->uffd = -1;
	rc = hv_foreign_map(hv, domid, &memfd, &info);
	if (rc < 0)
		return rc;
	p = mmap(NULL, info.nr_frames * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	rc = p == MAP_FAILED ? -errno : 0;
	close(memfd);
	if (rc == 0) {
		m->base = p;
		m->nr_frames = info.nr_frames;
		m->uffd = uffd_wp_register(p, info.nr_frames * PAGE);
		if (m->uffd < 0)
			log_warn("domain %u: backend writes not write-tracked (userfaultfd "
				 "WP_ASYNC unavailable): a live migration resends all they map",
				 domid);
	}
	return rc;
}

void gmem_close(struct gmem *m)
{
	if (!m->base)
		return;   /* never opened (uffd unset) or closed already */
	munmap(m->base, m->nr_frames * PAGE);
	if (m->uffd >= 0)
		close(m->uffd);
	m->base = NULL;
	m->uffd = -1;
}

void *gmem_grant(struct gmem *m, struct hv *hv, uint32_t ref, bool readonly,
		 uint32_t *handle, int *rc)
{
	uint64_t frame;

	*rc = hv_gnttab_map(hv, m->domid, ref, readonly, &frame, handle);
	if (*rc < 0)
		return NULL;
	if (frame >= m->nr_frames) {
		/* vmhv named a frame we did not map: never touch it. */
		hv_gnttab_unmap(hv, *handle);
		*rc = -EFAULT;
		return NULL;
	}
	return m->base + frame * PAGE;
}

void gmem_ungrant(struct hv *hv, uint32_t handle)
{
	hv_gnttab_unmap(hv, handle);
}

/* Unmap the entries of a batch that did map (a failed batch). */
static void ungrant_mapped(struct hv *hv, const struct privcmd_gnttab_map_entry *e, unsigned n)
{
	uint32_t handles[GMEM_BATCH_MAX];
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		if (e[i].status == GNTST_okay)
			handles[k++] = e[i].handle;
	if (k)
		gmem_ungrant_many(hv, handles, k);
}

int gmem_grant_many(struct gmem *m, struct hv *hv, const uint32_t *refs, unsigned n,
		    bool readonly, uint8_t **pages, uint32_t *handles)
{
	struct privcmd_gnttab_map_entry e[GMEM_BATCH_MAX];
	int rc;

	if (n == 0 || n > GMEM_BATCH_MAX)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++)
		e[i] = (struct privcmd_gnttab_map_entry){
			.domid = m->domid, .ref = refs[i],
			.flags = readonly ? PRIVCMD_GNT_READONLY : 0,
		};
	rc = hv_gnttab_map_batch(hv, e, n);
	if (rc < 0)
		return rc;   /* the call failed as a whole: nothing mapped */
	for (unsigned i = 0; rc == 0 && i < n; i++) {
		rc = privcmd_gntst_errno(e[i].status);
		/* vmhv naming a frame we did not map: never touch it. */
		if (rc == 0 && e[i].frame >= m->nr_frames)
			rc = -EFAULT;
		if (rc == 0) {
			pages[i] = m->base + e[i].frame * PAGE;
			handles[i] = e[i].handle;
		}
	}
	if (rc < 0)
		ungrant_mapped(hv, e, n);
	return rc;
}

void gmem_ungrant_many(struct hv *hv, const uint32_t *handles, unsigned n)
{
	struct privcmd_gnttab_unmap_entry e[GMEM_BATCH_MAX];

	for (unsigned off = 0; off < n; off += GMEM_BATCH_MAX) {
		unsigned k = n - off < GMEM_BATCH_MAX ? n - off : GMEM_BATCH_MAX;

		for (unsigned i = 0; i < k; i++)
			e[i] = (struct privcmd_gnttab_unmap_entry){ .handle = handles[off + i] };
		hv_gnttab_unmap_batch(hv, e, k);
	}
}

/* ---- persistent grants ------------------------------------------------ */

void gmem_cache_init(struct gmem_cache *c)
{
	pthread_mutex_init(&c->lock, NULL);
	c->used = 0;
	memset(c->slot, 0, sizeof(c->slot));
}

static struct gmem_cache_entry *cache_find(struct gmem_cache *c, uint32_t ref)
{
	uint32_t key = ref + 1;
	unsigned i = (key * 2654435761u) & (GMEM_CACHE_SLOTS - 1);

	while (c->slot[i].key && c->slot[i].key != key)
		i = (i + 1) & (GMEM_CACHE_SLOTS - 1);
	return &c->slot[i];   /* the ref's entry, or the empty slot it would take */
}

/* Under the lock: pages[] from the cache; the misses' indexes in miss[]. */
static unsigned cache_lookup(struct gmem_cache *c, const uint32_t *refs, unsigned n,
			     uint8_t **pages, unsigned *miss)
{
	unsigned nmiss = 0;

	for (unsigned i = 0; i < n; i++) {
		struct gmem_cache_entry *e = cache_find(c, refs[i]);

		if (e->key)
			pages[i] = e->page;
		else
			miss[nmiss++] = i;
	}
	return nmiss;
}

/* Under the lock: keep what was just mapped; what another thread mapped
 * meanwhile, or what finds no room, goes to tmp[] to be unmapped. */
static void cache_insert(struct gmem_cache *c, struct hv *hv, uint32_t ref, uint8_t *page,
			 uint32_t handle, uint32_t *tmp, unsigned *ntmp)
{
	struct gmem_cache_entry *e = cache_find(c, ref);

	if (e->key || c->used >= GMEM_CACHE_MAX) {
		tmp[(*ntmp)++] = handle;
		return;
	}
	*e = (struct gmem_cache_entry){ .key = ref + 1, .handle = handle, .hv = hv, .page = page };
	c->used++;
}

int gmem_cache_get(struct gmem *m, struct gmem_cache *c, struct hv *hv, const uint32_t *refs,
		   unsigned n, uint8_t **pages, uint32_t *tmp, unsigned *ntmp)
{
	unsigned miss[GMEM_BATCH_MAX], nmiss;
	uint32_t mrefs[GMEM_BATCH_MAX], handles[GMEM_BATCH_MAX];
	uint8_t *mpages[GMEM_BATCH_MAX];
	int rc;

	*ntmp = 0;
	if (n == 0 || n > GMEM_BATCH_MAX)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	nmiss = cache_lookup(c, refs, n, pages, miss);
	pthread_mutex_unlock(&c->lock);
	if (nmiss == 0)
		return 0;
	for (unsigned i = 0; i < nmiss; i++)
		mrefs[i] = refs[miss[i]];
	rc = gmem_grant_many(m, hv, mrefs, nmiss, false, mpages, handles);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&c->lock);
	for (unsigned i = 0; i < nmiss; i++) {
		pages[miss[i]] = mpages[i];
		cache_insert(c, hv, mrefs[i], mpages[i], handles[i], tmp, ntmp);
	}
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void gmem_cache_clear(struct gmem_cache *c)
{
	uint32_t handles[GMEM_CACHE_MAX];

	pthread_mutex_lock(&c->lock);
	while (c->used) {
		struct hv *hv = NULL;
		unsigned k = 0;

		/* One batch per connection that holds mappings. */
		for (unsigned i = 0; i < GMEM_CACHE_SLOTS; i++) {
			struct gmem_cache_entry *e = &c->slot[i];

			if (!e->key || (hv && e->hv != hv))
				continue;
			hv = e->hv;
			handles[k++] = e->handle;
			*e = (struct gmem_cache_entry){ 0 };
			c->used--;
		}
		gmem_ungrant_many(hv, handles, k);
	}
	pthread_mutex_unlock(&c->lock);
}

void gmem_cache_dispose(struct gmem_cache *c)
{
	gmem_cache_clear(c);
	pthread_mutex_destroy(&c->lock);
}
