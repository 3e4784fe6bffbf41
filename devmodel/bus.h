/* The device model's address spaces: port I/O and MMIO.
 *
 * A device claims regions: a base, a length and an ops table whose read
 * and write get the offset inside the region and an access size of 1, 2,
 * 4 or 8 bytes. An access is dispatched to the region that holds its first
 * byte; an access that runs past the end of its region, or hits no region,
 * is "unclaimed": reads return all ones, writes are dropped (as on a PC's
 * bus), and the caller learns it from the return value.
 *
 * Regions never overlap: bus_claim() refuses an overlapping claim with
 * -EBUSY. A PCI BAR moves with bus_move(). The bus owns nothing of the
 * device: `opaque` is passed back as is.
 */
#ifndef VMCTL_DEVMODEL_BUS_H
#define VMCTL_DEVMODEL_BUS_H

#include <stdbool.h>
#include <stdint.h>

enum bus_space { BUS_PIO, BUS_MMIO, BUS_NSPACES };

struct bus_ops {
	uint64_t (*read)(void *opaque, uint64_t off, unsigned size);
	void (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
};

struct bus_region {
	uint64_t base, len;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;            /* for logs and the range list */
};

/* Called when a claim or a move changes the space (the ioreq server tells
 * vmhv which ranges to send here). `old_len` 0 = a new claim; `len` 0 = a
 * release. */
typedef void (*bus_notify_fn)(void *arg, enum bus_space sp, uint64_t old_base,
			      uint64_t old_len, uint64_t base, uint64_t len);

struct bus {
	struct bus_space_tab {
		struct bus_region *r;   /* sorted by base */
		unsigned n, cap;
	} space[BUS_NSPACES];
	bus_notify_fn notify;
	void *notify_arg;
};

void bus_init(struct bus *b);
void bus_dispose(struct bus *b);

/* Claim [base, base+len) in `sp`. 0, -EINVAL (len 0 or wrapping), -EBUSY
 * (overlap) or -ENOMEM. */
int bus_claim(struct bus *b, enum bus_space sp, uint64_t base, uint64_t len,
	      const struct bus_ops *ops, void *opaque, const char *name);
/* Release the region that starts at `base` with this opaque. */
int bus_release(struct bus *b, enum bus_space sp, uint64_t base, void *opaque);
/* Move the region at `old_base` (owned by opaque) to `base`; -EBUSY if the
 * new place overlaps another (the region stays where it was). */
int bus_move(struct bus *b, enum bus_space sp, uint64_t old_base, void *opaque,
	     uint64_t base);

/* The region holding `addr`, or NULL. */
const struct bus_region *bus_find(const struct bus *b, enum bus_space sp, uint64_t addr);

/* One access of `size` (1, 2, 4 or 8) bytes. Returns 0 when a device took
 * it, -ENOENT when unclaimed (a read gives all ones), -EINVAL for a bad
 * size. */
int bus_read(struct bus *b, enum bus_space sp, uint64_t addr, unsigned size, uint64_t *val);
int bus_write(struct bus *b, enum bus_space sp, uint64_t addr, unsigned size, uint64_t val);

/* All ones in the low `size` bytes. */
static inline uint64_t bus_ones(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

#endif
