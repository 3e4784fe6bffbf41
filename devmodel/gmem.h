/* The guest's memory as the device model sees it: the domain's memory
 * file mapped in one piece, guest-physical address = offset. Every access
 * a guest asks for (a rep string's buffer, a DMA descriptor, a fw_cfg DMA
 * target) goes through gmem_ptr(), which refuses anything not wholly
 * inside. */
#ifndef VMCTL_DEVMODEL_GMEM_H
#define VMCTL_DEVMODEL_GMEM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

struct gmem {
	uint8_t *base;
	uint64_t size;
};

/* [gpa, gpa+len) in our address space, or NULL if any of it is outside. */
static inline void *gmem_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	if (!g->base || gpa > g->size || len > g->size - gpa)
		return NULL;
	return g->base + gpa;
}

static inline int gmem_read(const struct gmem *g, uint64_t gpa, void *buf, uint64_t len)
{
	void *p = gmem_ptr(g, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(buf, p, len);
	return 0;
}

static inline int gmem_write(const struct gmem *g, uint64_t gpa, const void *buf, uint64_t len)
{
	void *p = gmem_ptr(g, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

#endif
