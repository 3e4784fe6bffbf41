/* Guest memory and grant resolution for the backends. */
#include "xld/dev/gmem.h"
#include "libvmctl/hv.h"

#include <vmctl/xen/grant_table.h>

#include <errno.h>
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
	rc = hv_foreign_map(hv, domid, &memfd, &info);
	if (rc < 0)
		return rc;
	p = mmap(NULL, info.nr_frames * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	rc = p == MAP_FAILED ? -errno : 0;
	close(memfd);
	if (rc == 0) {
		m->base = p;
		m->nr_frames = info.nr_frames;
	}
	return rc;
}

void gmem_close(struct gmem *m)
{
	if (m->base)
		munmap(m->base, m->nr_frames * PAGE);
	m->base = NULL;
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

/* GNTST_* of one batch entry as the -errno that gmem_grant() gives. */
static int gnt_errno(int32_t status)
{
	switch (status) {
	case GNTST_okay:
		return 0;
	case GNTST_bad_domain:
		return -ESRCH;
	case GNTST_bad_gntref:
		return -EINVAL;
	case GNTST_permission_denied:
	case GNTST_bad_page:
		return -EPERM;
	default:
		return -ENOMEM;
	}
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
		rc = gnt_errno(e[i].status);
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
