/* Guest memory and grant resolution for the backends. */
#include "xld/dev/gmem.h"
#include "libvmctl/hv.h"

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
