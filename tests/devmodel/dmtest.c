#include "tests/devmodel/dmtest.h"

#include "common/evloop.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void rec_isa(void *arg, unsigned irq, int level)
{
	struct rec_host *r = arg;

	if (irq < 16) {
		if (level && !r->isa[irq])
			r->isa_raises[irq]++;
		r->isa[irq] = level;
	}
}

static void rec_intx(void *arg, unsigned dev, unsigned intx, int level)
{
	struct rec_host *r = arg;

	if (dev < 32 && intx < 4)
		r->intx[dev][intx] = level;
}

static void rec_route(void *arg, unsigned link, unsigned irq)
{
	struct rec_host *r = arg;

	if (link < 4)
		r->route[link] = (int)irq;
}

static void rec_shutdown(void *arg, enum dm_shutdown why)
{
	struct rec_host *r = arg;

	r->shutdowns++;
	r->last_shutdown = (int)why;
}

static void rec_pm_base(void *arg, uint16_t port)
{
	((struct rec_host *)arg)->pm_base = port;
}

static void rec_vcpus(void *arg, uint64_t present)
{
	((struct rec_host *)arg)->vcpus = present;
}

static const struct dm_host_ops rec_ops = {
	rec_isa, rec_intx, rec_route, rec_shutdown, rec_pm_base, NULL, rec_vcpus,
};

int dmt_init(struct dmt *t, uint64_t ram_size)
{
	memset(t, 0, sizeof(*t));
	dm_config_init(&t->cfg);
	t->cfg.lowmem = ram_size;
	t->memfd = memfd_create("dmtest-ram", MFD_CLOEXEC);
	if (t->memfd < 0 || ftruncate(t->memfd, (off_t)ram_size) < 0)
		return -errno;
	t->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, t->memfd, 0);
	if (t->ram == MAP_FAILED)
		return -errno;
	t->ram_size = ram_size;
	t->host = (struct dm_host){ &rec_ops, &t->rec };
	for (int i = 0; i < 4; i++)
		t->rec.route[i] = -1;
	return 0;
}

int dmt_start(struct dmt *t)
{
	struct gmem mem = { .base = t->ram, .size = t->ram_size, .low_end = 0xc0000000ull };

	t->loop = evloop_new();
	if (!t->loop)
		return -ENOMEM;
	dm_init(&t->dm, &t->cfg, &t->host, &mem, t->loop);
	return dm_devices_create(&t->dm);
}

void dmt_fini(struct dmt *t)
{
	dm_dispose(&t->dm);
	if (t->loop)
		evloop_free(t->loop);
	if (t->ram && t->ram != MAP_FAILED)
		munmap(t->ram, t->ram_size);
	if (t->memfd >= 0)
		close(t->memfd);
}

void dmt_poll(struct dmt *t)
{
	evloop_run_once(t->loop, 0);
}

int dmt_io(struct dmt *t, uint8_t type, uint8_t dir, uint64_t addr, unsigned size,
	   uint32_t count, uint64_t *data, int ptr, int df)
{
	struct io_req r = {
		.addr = addr, .data = *data, .count = count, .size = size,
		.type = type, .dir = dir, .df = (uint8_t)df, .data_is_ptr = (uint8_t)ptr,
	};
	int rc = io_handle(&t->dm, &r);

	*data = r.data;
	return rc;
}

uint32_t dmt_in(struct dmt *t, uint16_t port, unsigned size)
{
	uint64_t v = 0;

	dmt_io(t, IO_PIO, IO_READ, port, size, 1, &v, 0, 0);
	return (uint32_t)v;
}

void dmt_out(struct dmt *t, uint16_t port, unsigned size, uint32_t val)
{
	uint64_t v = val;

	dmt_io(t, IO_PIO, IO_WRITE, port, size, 1, &v, 0, 0);
}

uint64_t dmt_mmio_read(struct dmt *t, uint64_t addr, unsigned size)
{
	uint64_t v = 0;

	dmt_io(t, IO_MMIO, IO_READ, addr, size, 1, &v, 0, 0);
	return v;
}

void dmt_mmio_write(struct dmt *t, uint64_t addr, unsigned size, uint64_t val)
{
	dmt_io(t, IO_MMIO, IO_WRITE, addr, size, 1, &val, 0, 0);
}

static void cf8(struct dmt *t, unsigned devfn, unsigned reg)
{
	dmt_out(t, 0xcf8, 4, 0x80000000u | devfn << 8 | (reg & 0xfc));
}

uint32_t dmt_cfg_read(struct dmt *t, unsigned devfn, unsigned reg, unsigned size)
{
	cf8(t, devfn, reg);
	return dmt_in(t, (uint16_t)(0xcfc + (reg & 3)), size);
}

void dmt_cfg_write(struct dmt *t, unsigned devfn, unsigned reg, unsigned size, uint32_t val)
{
	cf8(t, devfn, reg);
	dmt_out(t, (uint16_t)(0xcfc + (reg & 3)), size, val);
}
