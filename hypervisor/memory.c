#include "hypervisor/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int memory_init(struct domain_mem *m, uint32_t domid, uint64_t ram_frames)
{
	char name[32];
	uint64_t size;
	int rc;

	m->fd = -1;
	m->base = MAP_FAILED;
	m->ram_frames = ram_frames;
	m->nr_frames = ram_frames + MEM_XEN_FRAMES;
	size = m->nr_frames << MEM_PAGE_SHIFT;
	snprintf(name, sizeof(name), "vmhv-d%u", domid);
	m->fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m->fd < 0 || ftruncate(m->fd, (off_t)size) < 0)
		goto fail;
	if (fcntl(m->fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto fail;
	m->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->base == MAP_FAILED)
		goto fail;
	return 0;
fail:
	rc = -errno;
	memory_dispose(m);
	return rc;
}

void memory_dispose(struct domain_mem *m)
{
	if (m->base != MAP_FAILED && m->base)
		munmap(m->base, m->nr_frames << MEM_PAGE_SHIFT);
	m->base = MAP_FAILED;
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

uint64_t memory_shared_info_pfn(const struct domain_mem *m)
{
	return m->ram_frames;
}

uint64_t memory_gnttab_pfn(const struct domain_mem *m, unsigned frame)
{
	return m->ram_frames + 1 + frame;
}

uint64_t memory_mailbox_pfn(const struct domain_mem *m)
{
	return m->ram_frames + 1 + MEM_GNTTAB_FRAMES;
}

void *memory_phys(const struct domain_mem *m, uint64_t paddr, size_t len)
{
	uint64_t size = m->nr_frames << MEM_PAGE_SHIFT;

	if (m->base == MAP_FAILED || paddr > size || len > size - paddr)
		return NULL;
	return m->base + paddr;
}
