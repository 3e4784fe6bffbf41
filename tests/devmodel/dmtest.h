/* Test harness for the device model: a dm with guest memory in a memfd
 * the test creates, a host that records what devices ask of vmhv, and
 * port/MMIO/config helpers that go through io_handle() exactly as the
 * ioreqs from vmhv do. */
#ifndef VMCTL_TESTS_DEVMODEL_DMTEST_H
#define VMCTL_TESTS_DEVMODEL_DMTEST_H

#include "devmodel/dm.h"
#include "devmodel/io.h"

#include <stdint.h>

struct rec_host {
	int isa[16];                 /* last level per ISA IRQ */
	int isa_raises[16];          /* 0 -> 1 transitions */
	int intx[32][4];
	int route[4];
	int shutdowns, last_shutdown;
	uint16_t pm_base;
	uint64_t vcpus;              /* last present set (0: never told) */
};

struct dmt {
	struct dm dm;
	struct dm_config cfg;
	struct rec_host rec;
	struct dm_host host;
	struct evloop *loop;
	int memfd;
	uint8_t *ram;
	uint64_t ram_size;
};

/* Guest RAM of `ram_size` bytes in a memfd mapped shared; cfg defaults. */
int dmt_init(struct dmt *t, uint64_t ram_size);
/* Create the devices for t->cfg (after the test set it). */
int dmt_start(struct dmt *t);
void dmt_fini(struct dmt *t);
/* One round of the event loop without waiting (devices' descriptors). */
void dmt_poll(struct dmt *t);

/* One ioreq through io_handle(); returns its rc. */
int dmt_io(struct dmt *t, uint8_t type, uint8_t dir, uint64_t addr, unsigned size,
	   uint32_t count, uint64_t *data, int ptr, int df);
uint32_t dmt_in(struct dmt *t, uint16_t port, unsigned size);
void dmt_out(struct dmt *t, uint16_t port, unsigned size, uint32_t val);
uint64_t dmt_mmio_read(struct dmt *t, uint64_t addr, unsigned size);
void dmt_mmio_write(struct dmt *t, uint64_t addr, unsigned size, uint64_t val);
/* Config cycles through 0xcf8/0xcfc. */
uint32_t dmt_cfg_read(struct dmt *t, unsigned devfn, unsigned reg, unsigned size);
void dmt_cfg_write(struct dmt *t, unsigned devfn, unsigned reg, unsigned size, uint32_t val);

#endif
