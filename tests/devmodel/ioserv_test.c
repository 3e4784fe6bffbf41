/* The ioreq server's side of the shared pages, without vmhv: requests
 * are put in the slots and the buffered ring as vmhv puts them, good and
 * hostile, and served by ioserv_serve_vcpu()/ioserv_serve_buffered(). */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/ioserv.h"

#include <stdlib.h>
#include <string.h>

struct regs {
	uint8_t mem[16];
	unsigned writes;
};

static uint64_t regs_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, ((struct regs *)opaque)->mem + off, size);
	return v;
}

static void regs_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct regs *r = opaque;

	memcpy(r->mem + off, &val, size);
	r->writes++;
}

static const struct bus_ops regs_ops = { regs_read, regs_write };

static struct ioreq *slot(struct ioserv *s, unsigned v)
{
	return &((struct shared_iopage *)(void *)(s->pages + IOREQ_PAGE_OFFSET))->vcpu_ioreq[v];
}

static struct buffered_iopage *bufpage(struct ioserv *s)
{
	return (struct buffered_iopage *)(void *)(s->pages + IOREQ_BUFPAGE_OFFSET);
}

static void post(struct ioserv *s, unsigned v, uint8_t type, uint8_t dir, uint64_t addr,
		 uint32_t size, uint32_t count, uint64_t data, int ptr)
{
	struct ioreq *r = slot(s, v);

	memset(r, 0, sizeof(*r));
	r->addr = addr;
	r->data = data;
	r->size = size;
	r->count = count;
	r->type = type;
	r->dir = dir & 1;
	r->data_is_ptr = ptr & 1;
	r->state = IOREQ_STATE_READY;
}

static void buf_put(struct ioserv *s, uint8_t type, unsigned size_log2, uint32_t addr, uint32_t data)
{
	struct buffered_iopage *bp = bufpage(s);
	struct buf_ioreq *b = &bp->buf_ioreq[bp->ptrs.write_pointer % IOREQ_BUF_SLOTS];

	memset(b, 0, sizeof(*b));
	b->type = type;
	b->size = size_log2 & 3;
	b->addr = addr & 0xfffff;
	b->data = data;
	bp->ptrs.write_pointer++;
}

int main(void)
{
	struct dmt t;
	struct ioserv s;
	struct regs r = { 0 };

	if (dmt_init(&t, 1 << 20) < 0 || dmt_start(&t) < 0) {
		skip_all("no memfd");
		return 0;
	}
	memset(&s, 0, sizeof(s));
	s.dm = &t.dm;
	s.nr_vcpus = 2;
	s.pages = aligned_alloc(4096, IOREQ_SERVER_BYTES);
	memset(s.pages, 0, IOREQ_SERVER_BYTES);
	bus_claim(&t.dm.bus, BUS_PIO, 0x700, 16, &regs_ops, &r, "regs");
	bus_claim(&t.dm.bus, BUS_MMIO, 0xa0000, 16, &regs_ops, &r, "regs");

	post(&s, 1, IOREQ_TYPE_PIO, IOREQ_WRITE, 0x704, 4, 1, 0xcafef00d, 0);
	ioserv_serve_vcpu(&s, 1);
	is_int(slot(&s, 1)->state, IOREQ_STATE_RESP_READY, "write answered");
	is_int(r.mem[4] | (uint32_t)r.mem[7] << 24, 0xca00000d, "and done");
	post(&s, 0, IOREQ_TYPE_PIO, IOREQ_READ, 0x704, 2, 1, 0, 0);
	ioserv_serve_vcpu(&s, 0);
	ok(slot(&s, 0)->state == IOREQ_STATE_RESP_READY && slot(&s, 0)->data == 0xf00d, "read answered with the value");
	slot(&s, 0)->state = IOREQ_STATE_NONE;
	r.writes = 0;
	ioserv_serve_vcpu(&s, 0);
	ok(slot(&s, 0)->state == IOREQ_STATE_NONE && r.writes == 0, "a slot not READY is left alone");
	slot(&s, 0)->state = IOREQ_STATE_INPROCESS;
	ioserv_serve_vcpu(&s, 0);
	is_int(slot(&s, 0)->state, IOREQ_STATE_INPROCESS, "nor one INPROCESS");
	/* PCI config through a slot */
	post(&s, 0, IOREQ_TYPE_PCI_CONFIG, IOREQ_READ, 0ull << 32 | 0, 4, 1, 0, 0);
	ioserv_serve_vcpu(&s, 0);
	is_int(slot(&s, 0)->data, 0x12378086, "PCI_CONFIG read of 00:00.0");
	/* hostile: answered with all ones, nothing reaches a device */
	post(&s, 0, IOREQ_TYPE_PIO, IOREQ_READ, 0x704, 4, 0x7fffffff, 0x1000, 1);
	ioserv_serve_vcpu(&s, 0);
	ok(slot(&s, 0)->state == IOREQ_STATE_RESP_READY && s.refused == 1, "huge rep count refused and answered");
	post(&s, 0, IOREQ_TYPE_PIO, IOREQ_READ, 0x704, 5, 1, 0, 0);
	ioserv_serve_vcpu(&s, 0);
	ok(slot(&s, 0)->state == IOREQ_STATE_RESP_READY && slot(&s, 0)->data == ~0ull, "size 5 refused, all ones");
	post(&s, 0, IOREQ_TYPE_COPY, IOREQ_WRITE, 0xa0000, 4, 16, 0xfffff000, 1);
	ioserv_serve_vcpu(&s, 0);
	ok(s.refused == 3 && r.writes == 0, "a rep buffer outside RAM refused");
	post(&s, 0, 0x42, IOREQ_WRITE, 0, 4, 1, 0, 0);
	ioserv_serve_vcpu(&s, 0);
	is_int(s.refused, 4, "an unknown type refused");
	post(&s, 0, IOREQ_TYPE_INVALIDATE, IOREQ_WRITE, 0, 0, 0, 0, 0);
	ioserv_serve_vcpu(&s, 0);
	ok(slot(&s, 0)->state == IOREQ_STATE_RESP_READY && s.refused == 4, "INVALIDATE answered");
	/* buffered ring */
	buf_put(&s, IOREQ_TYPE_PIO, 0, 0x700, 0x11);
	buf_put(&s, IOREQ_TYPE_COPY, 3, 0xa0008, 0x44332211);
	buf_put(&s, IOREQ_TYPE_COPY, 3, 0, 0x88776655);
	buf_put(&s, IOREQ_TYPE_PIO, 1, 0x702, 0x2222);
	ioserv_serve_buffered(&s);
	ok(r.mem[0] == 0x11 && r.mem[2] == 0x22 && r.mem[3] == 0x22, "buffered port writes");
	ok(memcmp(r.mem + 8, "\x11\x22\x33\x44\x55\x66\x77\x88", 8) == 0, "an 8-byte write from two slots");
	is_int(bufpage(&s)->ptrs.read_pointer, 4, "read pointer caught up");
	r.writes = 0;
	bufpage(&s)->ptrs.write_pointer = 4 + 100000;
	ioserv_serve_buffered(&s);
	ok(r.writes == 0 && bufpage(&s)->ptrs.read_pointer == 4 + 100000,
	   "impossible ring pointers: skipped, nothing served");
	bufpage(&s)->ptrs.read_pointer = 0xfffffffe;
	bufpage(&s)->ptrs.write_pointer = 0xfffffffe;
	buf_put(&s, IOREQ_TYPE_PIO, 0, 0x700, 0x99);
	buf_put(&s, IOREQ_TYPE_PIO, 0, 0x701, 0x98);
	buf_put(&s, IOREQ_TYPE_PIO, 0, 0x70f, 0x97);
	ioserv_serve_buffered(&s);
	ok(r.mem[0] == 0x99 && r.mem[1] == 0x98 && r.mem[15] == 0x97 && bufpage(&s)->ptrs.read_pointer == 1,
	   "pointers wrapping past 2^32");
	free(s.pages);
	dmt_fini(&t);
	return tap_done();
}
