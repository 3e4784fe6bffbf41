/* The guest's memory as the device model sees it: the domain's memory
 * file mapped in one piece. Below `low_end` a guest-physical address is
 * the file offset; RAM beyond low_end is at 4 GiB and up (the hvm
 * engine's layout, VMCTL_HVM_LOW_END; low_end 0 = flat). Every access
 * a guest asks for (a rep string's buffer, a DMA descriptor, a fw_cfg DMA
 * target) goes through gmem_ptr(), which refuses anything not wholly
 * inside RAM or the device memory window (the std-VGA's VRAM at its BAR 0,
 * which the guest's CPUs see as memory too: a rep ins or a bus-master
 * DMA may target the linear framebuffer). Writers use gmem_ptr_w(), so
 * the display renders what a DMA put into the VRAM. */
#ifndef VMCTL_DEVMODEL_GMEM_H
#define VMCTL_DEVMODEL_GMEM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

/* Device memory in the guest's physical space (the VGA keeps it where
 * its BAR 0 is; host NULL or gpa GMEM_NOWHERE: none). A write into it
 * bumps *writes, the owner's change counter. */
#define GMEM_NOWHERE UINT64_MAX

struct gmem_dev {
	uint8_t *host;
	uint64_t gpa;
	uint64_t size;
	uint64_t *writes;
};

struct gmem {
	uint8_t *base;
	uint64_t size;              /* bytes of the file */
	uint64_t low_end;
	struct gmem_dev dev;        /* zero: no device memory */
};

static inline void *gmem_dev_ptr(const struct gmem_dev *d, uint64_t gpa, uint64_t len)
{
	if (!d->host || d->gpa == GMEM_NOWHERE || gpa < d->gpa || gpa - d->gpa > d->size ||
	    len > d->size - (gpa - d->gpa))
		return NULL;
	return d->host + (gpa - d->gpa);
}

static inline void *gmem_ram_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
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

/* [gpa, gpa+len) in our address space, or NULL if any of it is outside
 * RAM and the device memory (a range across the PCI hole, or from RAM
 * into the VRAM, included). */
static inline void *gmem_ptr(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	void *p = gmem_ram_ptr(g, gpa, len);

	return p ? p : gmem_dev_ptr(&g->dev, gpa, len);
}

/* gmem_ptr() for a range the caller is about to write: one in the device
 * memory counts as a change its owner shows. The device model is one
 * thread, so its display renders only after the caller's stores. */
static inline void *gmem_ptr_w(const struct gmem *g, uint64_t gpa, uint64_t len)
{
	void *p = gmem_ram_ptr(g, gpa, len);

	if (p)
		return p;
	p = gmem_dev_ptr(&g->dev, gpa, len);
	if (p && g->dev.writes)
		++*g->dev.writes;
	return p;
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
	void *p = gmem_ptr_w(g, gpa, len);

	if (!p)
		return -EFAULT;
	memcpy(p, buf, len);
	return 0;
}

#endif
