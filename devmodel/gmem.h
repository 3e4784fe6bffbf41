/* The guest's memory as the device model sees it: the domain's memory
 * file mapped in one piece. Below `low_end` a guest-physical address is
 * the file offset; RAM beyond low_end is at 4 GiB and up (the hvm
 * engine's layout, VMCTL_HVM_LOW_END; low_end 0 = flat). Every access
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
	uint64_t size;              /* bytes of the file */
	uint64_t low_end;
};

/* [gpa, gpa+len) in our address space, or NULL if any of it is outside
 * RAM (a range across the PCI hole included). */
static inline void *gmem_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa;

	if (g->low_end && gpa >= (4ull << 30))
		off = gpa - ((4ull << 30) - g->low_end);
	else if (g->low_end && (gpa > g->low_end || len > g->low_end - gpa))
		return NULL;
	if (!g->base || off > g->size || len > g->size - off)
		return NULL;
	return g->base + off;
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
