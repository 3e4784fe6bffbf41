/* The ioreq server: vmhv's side of the protocol is in include/vmctl/ioreq.h
 * and docs/privcmd.md; everything read from the shared pages is checked
 * (io_handle refuses what cannot be right). */
#include "devmodel/ioserv.h"

#include "devmodel/dm.h"
#include "devmodel/io.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"
#include "libvmctl/hv.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define STATE_SHIFT 16   /* byte 30 of the slot = bits 16..23 of the word at 28 */

static struct shared_iopage *ioserv_page(struct ioserv *s)
{
	return (struct shared_iopage *)(void *)(s->pages + IOREQ_PAGE_OFFSET);
}

static struct buffered_iopage *ioserv_bufpage(struct ioserv *s)
{
	return (struct buffered_iopage *)(void *)(s->pages + IOREQ_BUFPAGE_OFFSET);
}

static int ioserv_op(struct ioserv *s, unsigned op, uint32_t value, int *fd)
{
	struct privcmd_ioreq_op req = { .domid = s->domid, .id = s->id, .value = value };

	return hv_call(s->hv, op, &req, sizeof(req), NULL, 0, NULL, fd);
}

static int ioserv_range(struct ioserv *s, unsigned op, uint32_t type, uint64_t start,
			uint64_t end)
{
	struct privcmd_ioreq_range req = {
		.domid = s->domid, .id = s->id, .type = type, .start = start, .end = end,
	};

	return hv_call(s->hv, op, &req, sizeof(req), NULL, 0, NULL, NULL);
}

static int ioserv_eventfds(struct ioserv *s)
{
	s->chan = calloc(s->nr_vcpus + 1, sizeof(*s->chan));
	if (!s->chan)
		return -ENOMEM;
	for (uint32_t v = 0; v <= s->nr_vcpus; v++)
		s->chan[v] = (struct ioserv_chan){ .s = s, .vcpu = v, .fd = -1 };
	for (uint32_t v = 0; v <= s->nr_vcpus; v++) {
		uint32_t which = v == s->nr_vcpus ? PRIVCMD_IOREQ_BUF_EVENTFD : v;
		int rc = ioserv_op(s, PRIVCMD_OP_IOREQ_SERVER_EVENTFD, which, &s->chan[v].fd);

		if (rc == 0 && s->chan[v].fd < 0)
			rc = -EPROTO;
		if (rc < 0)
			return rc;
		fcntl(s->chan[v].fd, F_SETFL, O_NONBLOCK);
	}
	return 0;
}

int ioserv_open(struct ioserv *s, struct hv *hv, struct dm *dm, uint32_t domid)
{
	struct privcmd_ioreq_create req = { .domid = domid, .flags = PRIVCMD_IOREQ_BUFFERED };
	struct privcmd_ioreq_server rep;
	size_t len = 0;
	int fd = -1;
	int rc;

	memset(s, 0, sizeof(*s));
	s->hv = hv;
	s->dm = dm;
	s->domid = domid;
	s->pages = MAP_FAILED;
	rc = hv_call(hv, PRIVCMD_OP_IOREQ_SERVER_CREATE, &req, sizeof(req), &rep, sizeof(rep),
		     &len, &fd);
	if (rc == 0 && (len != sizeof(rep) || fd < 0 || rep.nr_vcpus == 0 ||
			rep.nr_vcpus > IOREQ_MAX_VCPUS))
		rc = -EPROTO;
	if (rc == 0) {
		s->id = rep.id;
		s->nr_vcpus = rep.nr_vcpus;
		s->pages = mmap(NULL, IOREQ_SERVER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (s->pages == MAP_FAILED)
			rc = -errno;
	}
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		rc = ioserv_eventfds(s);
	if (rc < 0)
		log_error("ioreq server for domain %u: %s", domid, strerror(-rc));
	return rc;
}

/* vmhv decodes the configuration mechanism itself and sends PCI_CONFIG
 * requests for the devices we claim: our 0xcf8..0xcff regions stay local. */
static bool ioserv_local(enum bus_space sp, uint64_t base)
{
	return sp == BUS_PIO && base >= 0xcf8 && base <= 0xcff;
}

static void ioserv_bus_notify(void *arg, enum bus_space sp, uint64_t old_base, uint64_t old_len,
			      uint64_t base, uint64_t len)
{
	struct ioserv *s = arg;
	uint32_t type = sp == BUS_PIO ? PRIVCMD_IOREQ_RANGE_PORT : PRIVCMD_IOREQ_RANGE_MMIO;
	int rc;

	if (old_len && !ioserv_local(sp, old_base)) {
		rc = ioserv_range(s, PRIVCMD_OP_IOREQ_UNMAP_RANGE, type, old_base,
				  old_base + old_len - 1);
		if (rc < 0)
			log_warn("unmap %#llx+%#llx: %s", (unsigned long long)old_base,
				 (unsigned long long)old_len, strerror(-rc));
	}
	if (len && !ioserv_local(sp, base)) {
		rc = ioserv_range(s, PRIVCMD_OP_IOREQ_MAP_RANGE, type, base, base + len - 1);
		if (rc < 0)
			log_warn("%s range %#llx+%#llx not ours: %s", sp == BUS_PIO ? "port" : "MMIO",
				 (unsigned long long)base, (unsigned long long)len, strerror(-rc));
	}
}

int ioserv_claim_all(struct ioserv *s)
{
	struct bus *b = &s->dm->bus;
	int rc = 0;

	for (int sp = 0; sp < BUS_NSPACES; sp++)
		for (unsigned i = 0; i < b->space[sp].n; i++)
			ioserv_bus_notify(s, (enum bus_space)sp, 0, 0, b->space[sp].r[i].base,
					  b->space[sp].r[i].len);
	b->notify = ioserv_bus_notify;
	b->notify_arg = s;
	for (unsigned devfn = 0; devfn < 256 && rc == 0; devfn++)
		if (s->dm->pci.dev[devfn])
			rc = ioserv_range(s, PRIVCMD_OP_IOREQ_MAP_RANGE, PRIVCMD_IOREQ_RANGE_PCI,
					  devfn, devfn);
	if (rc < 0)
		log_error("claiming PCI devices: %s", strerror(-rc));
	return rc;
}

void ioserv_decode(const struct ioreq *slot, struct io_req *r)
{
	r->addr = slot->addr;
	r->data = slot->data;
	r->count = slot->count;
	r->size = slot->size;
	r->type = slot->type;
	r->dir = slot->dir;
	r->df = slot->df;
	r->data_is_ptr = slot->data_is_ptr;
}

static void ioserv_answer(struct ioreq *slot)
{
	uint32_t *w = ioreq_state_word(slot);
	uint32_t v = __atomic_load_n(w, __ATOMIC_RELAXED);

	v = (v & ~(0xfu << STATE_SHIFT)) | (uint32_t)IOREQ_STATE_RESP_READY << STATE_SHIFT;
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
	syscall(SYS_futex, w, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

void ioserv_serve_vcpu(struct ioserv *s, uint32_t v)
{
	struct ioreq *slot = &ioserv_page(s)->vcpu_ioreq[v];
	uint32_t w = __atomic_load_n(ioreq_state_word(slot), __ATOMIC_ACQUIRE);
	struct io_req r;
	int rc = 0;

	if (((w >> STATE_SHIFT) & 0xf) != IOREQ_STATE_READY)
		return;
	/* Buffered writes the guest made before this access come first, as
	 * on Xen: a read of VGA memory after buffered writes to it (Linux's
	 * vgacon probes 0xb8000 so) must see them. */
	ioserv_serve_buffered(s);
	slot->state = IOREQ_STATE_INPROCESS;
	ioserv_decode(slot, &r);
	if (r.type == IOREQ_TYPE_INVALIDATE || r.type == IOREQ_TYPE_TIMEOFFSET)
		r.count = 0;   /* nothing cached, no RTC here: just answer */
	else
		rc = io_handle(s->dm, &r);
	if (rc < 0) {
		s->refused++;
		log_warn("vcpu %u: refused ioreq type %u addr %#llx size %u count %u ptr %u: %s",
			 v, r.type, (unsigned long long)r.addr, r.size, r.count, r.data_is_ptr,
			 strerror(-rc));
	}
	s->served++;
	if (r.dir == IOREQ_READ && !r.data_is_ptr)
		slot->data = r.data;
	ioserv_answer(slot);
}

/* One buffered write; an 8-byte one takes the next slot for its high half.
 * Returns the slots used. */
static unsigned ioserv_buffered_one(struct ioserv *s, struct buffered_iopage *bp,
				    uint32_t rp, uint32_t wp)
{
	struct buf_ioreq b = bp->buf_ioreq[rp % IOREQ_BUF_SLOTS];
	struct io_req r = {
		.addr = b.addr, .data = b.data, .count = 1, .size = 1u << b.size,
		.type = b.type, .dir = IOREQ_WRITE,
	};
	unsigned used = 1;

	if (r.size == 8) {
		if (wp - rp < 2)
			return 1;   /* a half request: vmhv never writes one */
		r.data |= (uint64_t)bp->buf_ioreq[(rp + 1) % IOREQ_BUF_SLOTS].data << 32;
		used = 2;
	}
	if (r.type != IOREQ_TYPE_TIMEOFFSET && io_handle(s->dm, &r) < 0)
		s->refused++;
	s->served++;
	return used;
}

void ioserv_serve_buffered(struct ioserv *s)
{
	struct buffered_iopage *bp = ioserv_bufpage(s);
	uint32_t rp = __atomic_load_n(&bp->ptrs.read_pointer, __ATOMIC_RELAXED);
	uint32_t wp = __atomic_load_n(&bp->ptrs.write_pointer, __ATOMIC_ACQUIRE);

	if (wp - rp > IOREQ_BUF_SLOTS) {
		log_warn("buffered ring: impossible pointers %u/%u, skipped", rp, wp);
		rp = wp;
	}
	while (rp != wp)
		rp += ioserv_buffered_one(s, bp, rp, wp);
	__atomic_store_n(&bp->ptrs.read_pointer, rp, __ATOMIC_RELEASE);
}

/* After an answer the vCPU often comes straight back (string I/O done a
 * byte at a time, polling loops): look at its slot for a few microseconds
 * before sleeping in epoll again, which saves the eventfd wake-up. */
static void ioserv_linger(struct ioserv *s, uint32_t v)
{
	struct ioreq *slot = &ioserv_page(s)->vcpu_ioreq[v];
	uint64_t until = now_ns() + IOSERV_LINGER_NS;

	while (now_ns() < until) {
		uint32_t w = __atomic_load_n(ioreq_state_word(slot), __ATOMIC_ACQUIRE);

		if (((w >> STATE_SHIFT) & 0xf) == IOREQ_STATE_READY) {
			ioserv_serve_vcpu(s, v);
			until = now_ns() + IOSERV_LINGER_NS;
		}
		__builtin_ia32_pause();
	}
}

static void ioserv_event(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct ioserv_chan *c = arg;
	uint64_t n;

	(void)loop;
	(void)events;
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("ioreq eventfd: %s", strerror(errno));
	if (c->vcpu == c->s->nr_vcpus) {
		ioserv_serve_buffered(c->s);
		return;
	}
	ioserv_serve_vcpu(c->s, c->vcpu);
	if (c->s->linger)
		ioserv_linger(c->s, c->vcpu);
}

int ioserv_start(struct ioserv *s, struct evloop *loop)
{
	s->loop = loop;
	for (uint32_t v = 0; v <= s->nr_vcpus; v++) {
		s->chan[v].w = evloop_watch(loop, s->chan[v].fd, EPOLLIN, ioserv_event, &s->chan[v]);
		if (!s->chan[v].w)
			return -ENOMEM;
	}
	/* requests posted before we watched are served now */
	for (uint32_t v = 0; v < s->nr_vcpus; v++)
		ioserv_serve_vcpu(s, v);
	return ioserv_op(s, PRIVCMD_OP_IOREQ_SERVER_SET_STATE, 1, NULL);
}

void ioserv_close(struct ioserv *s)
{
	if (s->dm && s->dm->bus.notify_arg == s)
		s->dm->bus.notify = NULL;
	for (uint32_t v = 0; s->chan && v <= s->nr_vcpus; v++) {
		if (s->chan[v].w)
			evloop_unwatch(s->loop, s->chan[v].w);
		if (s->chan[v].fd >= 0)
			close(s->chan[v].fd);
	}
	free(s->chan);
	s->chan = NULL;
	if (s->pages && s->pages != MAP_FAILED)
		munmap(s->pages, IOREQ_SERVER_BYTES);
	s->pages = MAP_FAILED;
}
