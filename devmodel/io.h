/* One I/O request from a vCPU, as Xen's ioreq_t describes it, served
 * through the device model's bus.
 *
 * type PIO: `count` accesses of `size` bytes to port `addr`;
 * type MMIO (Xen's IOREQ_TYPE_COPY): to addresses addr, addr +/- size, ...;
 * type PCI: a configuration cycle, addr = SBDF << 32 | register.
 * dir READ: device -> guest. Without data_is_ptr the value is in `data`
 * (for count > 1 the last read wins, writes repeat `data`); with it,
 * `data` is the guest-physical address of the buffer, stepping by size
 * (down when df is set).
 *
 * A request that cannot be right (a size other than 1/2/4/8, a count of 0
 * or above IO_MAX_COUNT, a buffer not in guest RAM, an unknown type) is
 * refused as a whole: nothing reaches a device, a read answers all ones.
 */
#ifndef VMCTL_DEVMODEL_IO_H
#define VMCTL_DEVMODEL_IO_H

#include <stdint.h>

struct dm;

enum io_type { IO_PIO = 0, IO_MMIO = 1, IO_PCI = 2 };
#define IO_WRITE 0
#define IO_READ  1

/* Largest rep count and rep buffer served: Xen's emulator splits string
 * I/O at page boundaries, so a well-behaved count is at most 4096. */
#define IO_MAX_COUNT 4096u

struct io_req {
	uint64_t addr, data;
	uint32_t count, size;
	uint8_t type, dir, df, data_is_ptr;
};

/* Serve `r` (r->data gets a read's value). 0 when served (unclaimed
 * addresses included: they behave like an empty bus), -EINVAL, -E2BIG or
 * -EFAULT when refused. */
int io_handle(struct dm *dm, struct io_req *r);

#endif
