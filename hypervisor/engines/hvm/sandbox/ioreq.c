/* The vCPU side of ioreq servers (vmctl/ioreq.h): the server table that
 * vmhv keeps up to date over the control channel, posting a request into
 * the vCPU's slot and waiting on its state word, and the buffered ring.
 * The device model shares the pages and is not trusted: a slot in a state
 * that makes no sense ends the request with all ones. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <linux/futex.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SLICE_NS 100000000ull /* re-check for a deleted server this often */

struct hvm_server *ioreq_find(struct hvm *h, uint32_t type, uint64_t addr)
{
	for (uint32_t i = 0; i < PRIVCMD_IOREQ_MAX_SERVERS; i++) {
		struct hvm_server *s = &h->servers[i];

		if (!s->used || !s->enabled)
			continue;
		for (uint32_t j = 0; j < s->nr_ranges; j++)
			if (s->ranges[j].type == type && s->ranges[j].start <= addr &&
			    addr <= s->ranges[j].end)
				return s;
	}
	return NULL;
}

/* Byte 30 of a slot: state, data_is_ptr, dir, df. */
static uint8_t *slot_flags(struct ioreq *r)
{
	return (uint8_t *)r + 30;
}

static void slot_fill(struct ioreq *r, uint8_t type, uint64_t addr, uint32_t size,
		      uint32_t count, bool read, bool is_ptr, uint64_t data)
{
	r->addr = addr;
	r->data = data;
	r->count = count;
	r->size = size;
	r->vp_eport = 0;
	r->pad0 = 0;
	r->type = type;
	__atomic_store_n(slot_flags(r),
			 (uint8_t)(IOREQ_STATE_READY | (is_ptr << 4) | (read << 5)),
			 __ATOMIC_RELEASE);
}

static void notify(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* the counter is full: the device model has plenty to read */
	}
}

/* Wait for RESP_READY. false: the server went away or broke the protocol. */
static bool slot_wait(struct hvm_server *s, struct ioreq *r, unsigned gen)
{
	struct timespec ts = { 0, (long)WAIT_SLICE_NS };

	for (;;) {
		uint32_t word = __atomic_load_n(ioreq_state_word(r), __ATOMIC_ACQUIRE);
		uint8_t state = (uint8_t)((word >> 16) & 0xf);

		if (state == IOREQ_STATE_RESP_READY)
			return true;
		if (state != IOREQ_STATE_READY && state != IOREQ_STATE_INPROCESS)
			return false;
		if (atomic_load(&s->gen) != gen)
			return false;
		syscall(SYS_futex, ioreq_state_word(r), FUTEX_WAIT, word, &ts, NULL, 0);
	}
}

bool ioreq_target(struct hvm *h, struct hvm_vcpu *v, uint32_t type, uint64_t addr,
		  struct ioreq_target *t)
{
	t->s = ioreq_find(h, type, addr);
	if (!t->s)
		return false;
	t->slot = &t->s->page->vcpu_ioreq[v->id];
	t->gen = atomic_load(&t->s->gen);
	return true;
}

uint64_t ioreq_send(struct hvm_vcpu *v, const struct ioreq_target *t, uint8_t type,
		    uint64_t addr, uint32_t size, uint32_t count, bool read, bool is_ptr,
		    uint64_t data)
{
	struct ioreq *r = t->slot;
	uint64_t out = ~0ull;
	bool live;

	slot_fill(r, type, addr, size, count, read, is_ptr, data);
	/* The eventfd is only valid while the server is: look under the lock. */
	pthread_mutex_lock(&v->h->lock);
	live = atomic_load(&t->s->gen) == t->gen;
	if (live)
		notify(t->s->evfd[v->id]);
	pthread_mutex_unlock(&v->h->lock);
	if (live && slot_wait(t->s, r, t->gen))
		out = __atomic_load_n(&r->data, __ATOMIC_ACQUIRE);
	__atomic_store_n(slot_flags(r), IOREQ_STATE_NONE, __ATOMIC_RELEASE);
	return out;
}

/* ---- vmhv's messages about servers (main thread, lock held) ---- */

static void server_drop(struct hvm_server *s)
{
	s->used = false;
	s->enabled = false;
	atomic_fetch_add(&s->gen, 1);
	/* Wake vCPUs waiting on the pages; the mapping stays (a waiting vCPU
	 * may still read it) and is reused by nothing: 8 KiB per dead server. */
	if (s->page)
		for (uint32_t v = 0; v < IOREQ_MAX_VCPUS && v < PRIVCMD_MAX_VCPUS; v++)
			syscall(SYS_futex, ioreq_state_word(&s->page->vcpu_ioreq[v]), FUTEX_WAKE,
				INT32_MAX, NULL, NULL, 0);
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++) {
		if (s->evfd[v] >= 0)
			close(s->evfd[v]);
		s->evfd[v] = -1;
	}
	if (s->buf_evfd >= 0)
		close(s->buf_evfd);
	s->buf_evfd = -1;
	if (s->memfd >= 0)
		close(s->memfd);
	s->memfd = -1;
	s->page = NULL;
	s->bufpage = NULL;
	s->nr_ranges = 0;
}

static void server_add(struct hvm *h, uint32_t id, uint32_t flags, const int *fds, int nfds)
{
	struct hvm_server *s = &h->servers[id];
	uint32_t n = h->boot.max_vcpus;
	void *p;

	if (s->used)
		server_drop(s);
	p = mmap(NULL, IOREQ_SERVER_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (p == MAP_FAILED) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return;
	}
	s->memfd = fds[0];
	s->page = (struct shared_iopage *)((char *)p + IOREQ_PAGE_OFFSET);
	s->bufpage = (struct buffered_iopage *)((char *)p + IOREQ_BUFPAGE_OFFSET);
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		s->evfd[v] = v < n ? fds[1 + v] : -1;
	s->buf_evfd = fds[1 + n];
	s->buffered = flags & PRIVCMD_IOREQ_BUFFERED;
	s->nr_ranges = 0;
	s->enabled = false;
	s->used = true;
}

static void range_del(struct hvm_server *s, const struct hvm_ctl *m)
{
	for (uint32_t i = 0; i < s->nr_ranges; i++)
		if (s->ranges[i].type == m->b && s->ranges[i].start == m->addr &&
		    s->ranges[i].end == m->end) {
			s->ranges[i] = s->ranges[--s->nr_ranges];
			return;
		}
}

void ioreq_ctl(struct hvm *h, const struct hvm_ctl *m, const int *fds, int nfds)
{
	struct hvm_server *s = m->a < PRIVCMD_IOREQ_MAX_SERVERS ? &h->servers[m->a] : NULL;

	if (s && m->type == HVM_CTL_SERVER_ADD && nfds == (int)h->boot.max_vcpus + 2) {
		server_add(h, m->a, m->b, fds, nfds);
		return;
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	if (!s || !s->used)
		return;
	switch (m->type) {
	case HVM_CTL_SERVER_STATE:
		s->enabled = m->b != 0;
		break;
	case HVM_CTL_SERVER_DEL:
		server_drop(s);
		break;
	case HVM_CTL_RANGE_ADD:
		if (s->nr_ranges < PRIVCMD_IOREQ_MAX_RANGES)
			s->ranges[s->nr_ranges++] = (struct hvm_range){ m->b, m->addr, m->end };
		break;
	case HVM_CTL_RANGE_DEL:
		range_del(s, m);
		break;
	default:
		break;
	}
}

/* Append a write to the buffered ring (lock held). false: no room (or the
 * device model corrupted the indexes): send it synchronously instead. */
bool ioreq_buffered(struct hvm_server *s, uint8_t type, uint64_t addr, uint32_t size,
		    uint64_t data)
{
	struct buffered_iopage *b = s->bufpage;
	uint32_t w = b->ptrs.write_pointer;
	uint32_t rd = __atomic_load_n(&b->ptrs.read_pointer, __ATOMIC_ACQUIRE);
	uint32_t need = size == 8 ? 2 : 1;
	struct buf_ioreq e = { .type = type, .dir = IOREQ_WRITE, .addr = (uint32_t)addr,
			       .data = (uint32_t)data };

	if (!s->buffered || addr >= (1u << 20) || w - rd > IOREQ_BUF_SLOTS - need)
		return false;
	e.size = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
	b->buf_ioreq[w % IOREQ_BUF_SLOTS] = e;
	if (size == 8) {
		e.data = (uint32_t)(data >> 32);
		b->buf_ioreq[(w + 1) % IOREQ_BUF_SLOTS] = e;
	}
	__atomic_store_n(&b->ptrs.write_pointer, w + need, __ATOMIC_RELEASE);
	notify(s->buf_evfd);
	return true;
}
