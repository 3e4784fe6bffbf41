/* Xen's ioreq semantics on top of the bus (see io.h). */
#include "devmodel/io.h"

#include "devmodel/dm.h"

#include <errno.h>
#include <string.h>

static bool io_size_ok(const struct io_req *r)
{
	if (r->type == IO_PCI)
		return r->size == 1 || r->size == 2 || r->size == 4;
	return r->size == 1 || r->size == 2 || r->size == 4 || r->size == 8;
}

static int io_pci(struct dm *dm, const struct io_req *r, uint64_t addr, uint64_t *val)
{
	uint32_t sbdf = (uint32_t)(addr >> 32), reg = (uint32_t)addr & 0xfff;
	uint32_t v = 0;

	/* one segment; extended config space (above 255) is not there */
	if ((sbdf >> 16) != 0 || reg >= 256) {
		*val = bus_ones(r->size);
		return 0;
	}
	if (r->dir == IO_READ) {
		int rc = pci_cfg_read(&dm->pci, (sbdf >> 8) & 0xff, sbdf & 0xff, reg, r->size, &v);

		*val = v;
		return rc;
	}
	return pci_cfg_write(&dm->pci, (sbdf >> 8) & 0xff, sbdf & 0xff, reg, r->size,
			     (uint32_t)*val);
}

/* One access; unclaimed addresses are not an error for the guest. */
static int io_one(struct dm *dm, const struct io_req *r, uint64_t addr, uint64_t *val)
{
	enum bus_space sp = r->type == IO_PIO ? BUS_PIO : BUS_MMIO;
	int rc;

	if (r->type == IO_PCI)
		return io_pci(dm, r, addr, val);
	if (r->dir == IO_READ)
		rc = bus_read(&dm->bus, sp, addr, r->size, val);
	else
		rc = bus_write(&dm->bus, sp, addr, r->size, *val);
	return rc == -ENOENT ? 0 : rc;
}

/* The guest buffer of a data_is_ptr request, checked as a whole. */
static uint8_t *io_buffer(struct dm *dm, const struct io_req *r)
{
	uint64_t span = (uint64_t)r->count * r->size;
	uint64_t lo = r->data;

	if (r->df) {
		uint64_t back = span - r->size;

		if (lo < back)
			return NULL;
		lo -= back;
	}
	return r->dir == IO_READ ? gmem_ptr_w(&dm->mem, lo, span) : gmem_ptr(&dm->mem, lo, span);
}

static int io_check(struct dm *dm, const struct io_req *r, uint8_t **buf)
{
	*buf = NULL;
	if (r->type > IO_PCI || r->dir > IO_READ || !io_size_ok(r))
		return -EINVAL;
	if (r->count == 0 || r->count > IO_MAX_COUNT || (r->type == IO_PCI && r->count != 1))
		return -E2BIG;
	if (r->data_is_ptr && r->type == IO_PCI)
		return -EINVAL;
	if (r->data_is_ptr && !(*buf = io_buffer(dm, r)))
		return -EFAULT;
	return 0;
}

int io_handle(struct dm *dm, struct io_req *r)
{
	int64_t step = r->df ? -(int64_t)r->size : (int64_t)r->size;
	uint8_t *buf;
	int rc = io_check(dm, r, &buf);

	if (rc < 0) {
		if (r->dir == IO_READ && !r->data_is_ptr)
			r->data = rc == -EINVAL ? ~0ull : bus_ones(r->size);
		return rc;
	}
	/* with df the buffer was checked from its low end: start at the top */
	uint8_t *p = buf && r->df ? buf + (uint64_t)(r->count - 1) * r->size : buf;

	for (uint32_t i = 0; i < r->count && rc == 0; i++) {
		uint64_t addr = r->type == IO_MMIO ? r->addr + (uint64_t)(step * i) : r->addr;
		uint64_t v = r->data;

		if (p && r->dir == IO_WRITE) {
			v = 0;
			memcpy(&v, p, r->size);
		}
		rc = io_one(dm, r, addr, &v);
		if (p && r->dir == IO_READ)
			memcpy(p, &v, r->size);
		else if (r->dir == IO_READ)
			r->data = v;
		if (p)
			p += step;
	}
	return rc;
}
