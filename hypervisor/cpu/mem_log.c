/* Logged RAM: guest RAM that the CPU reaches through its TLB like any
 * other (host loads and stores, translated code included) while a reader
 * elsewhere (the device model's display) learns which pages changed.
 *
 * Why this is safe without a hook on every store: each CPU keeps a private
 * set of the range's pages it resolved (`touched`: every path that can
 * write a page, the TLB refill before a write entry exists, the slow
 * path, mem_ptr(), goes through mem_host() and so through here first).
 * `touched` is cleared only together with dropping every write entry into
 * the range (mem_log_drop()), so a page written since the last drop, by
 * any path, is in it. Every return from cpu_run() ORs it into the shared
 * bits after a fence: the CPU's stores are visible before the bit is, and
 * a store made after the reader took a bit (through a write entry still
 * live) is published again at the next return. Drops (at a HLT, and after
 * LOG_DROP_INSNS instructions) only keep an idle CPU from publishing the
 * same pages again and again.
 *
 * A new place comes from another thread (cpu_set_logged_ram(): the BAR
 * moved) under `lock`; the CPU's thread adopts it on entry to cpu_run(),
 * with its whole TLB flushed (entries of the old place must go). */
#include "hypervisor/cpu/cpu_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define LOG_DROP_INSNS 4000000ull   /* a few ms of a busy CPU */

struct mem_log {
	pthread_mutex_t lock;        /* `req` (any thread) */
	struct cpu_logged_ram req;
	atomic_bool pending;         /* `req` is new */
	/* the CPU's thread only: */
	struct cpu_logged_ram cur;
	uint64_t shown;              /* cur.size, or 0 while not shown */
	struct page_meta *meta;      /* one per page, this CPU's own */
	uint64_t *touched;
	bool any;                    /* `touched` has a bit set */
	uint64_t drop_at;            /* cpu->retired at the last drop */
};

static size_t log_words(uint64_t size)
{
	return ((size >> 12) + 63) / 64;
}

static struct mem_log *log_get(struct cpu *cpu)
{
	struct mem_log *l = atomic_load_explicit(&cpu->log_new, memory_order_acquire), *none = NULL;

	if (l)
		return l;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	pthread_mutex_init(&l->lock, NULL);
	if (atomic_compare_exchange_strong(&cpu->log_new, &none, l))
		return l;
	pthread_mutex_destroy(&l->lock);
	free(l);
	return none;
}

int cpu_set_logged_ram(struct cpu *cpu, const struct cpu_logged_ram *r)
{
	struct cpu *p = cpu;

	if (!r->size || ((r->size | (uintptr_t)r->host) & 0xfff) || !r->bits ||
	    (r->gpa != CPU_RAM_NOWHERE && ((r->gpa & 0xfff) || r->gpa + r->size < r->gpa)))
		return -EINVAL;
	do {
		struct mem_log *l = log_get(p);

		if (!l)
			return -ENOMEM;
		pthread_mutex_lock(&l->lock);
		l->req = *r;
		atomic_store_explicit(&l->pending, true, memory_order_release);
		pthread_mutex_unlock(&l->lock);
		p = atomic_load_explicit(&p->peer, memory_order_acquire);
	} while (p != cpu);
	return 0;
}

uint8_t *mem_log_host(struct cpu *cpu, uint64_t pa, struct page_meta **meta)
{
	struct mem_log *l = cpu->log;
	uint64_t off, pg;

	if (!l || (off = pa - l->cur.gpa) >= l->shown)
		return NULL;
	pg = off >> 12;
	l->touched[pg / 64] |= 1ull << (pg % 64);
	l->any = true;
	if (meta)
		*meta = &l->meta[pg];
	return (uint8_t *)l->cur.host + off;
}

/* Every page in `touched` is set in the shared bits, after this CPU's
 * stores: the fence orders them before the loads of the bits (else a
 * store could wait in the store buffer while a bit still set is read, the
 * reader take it and render the old pixels, and nobody set it again). */
static void log_publish(struct mem_log *l)
{
	atomic_thread_fence(memory_order_seq_cst);
	for (size_t i = 0; i < log_words(l->cur.size); i++) {
		uint64_t t = l->touched[i];

		if (t && (__atomic_load_n(&l->cur.bits[i], __ATOMIC_RELAXED) & t) != t)
			__atomic_fetch_or(&l->cur.bits[i], t, __ATOMIC_RELEASE);
	}
}

static void log_drop(struct cpu *cpu, struct mem_log *l)
{
	tlb_drop_writes_into(&cpu->tlb, l->cur.host, l->cur.size);
	memset(l->touched, 0, log_words(l->cur.size) * sizeof(uint64_t));
	l->any = false;
	l->drop_at = cpu->retired;
}

void mem_log_leave(struct cpu *cpu)
{
	struct mem_log *l = cpu->log;

	stats_write(cpu, false);   /* the counters' file too, now and then */
	if (!l || !l->any)
		return;
	log_publish(l);
	if (cpu->exit.reason == CPU_EXIT_HALT || cpu->retired - l->drop_at >= LOG_DROP_INSNS)
		log_drop(cpu, l);
}

/* The first place: this CPU's page metadata and touched set, sized once
 * (the range keeps its memory and size). */
static int log_alloc(struct mem_log *l, const struct cpu_logged_ram *r)
{
	l->meta = calloc(r->size >> 12, sizeof(*l->meta));
	l->touched = calloc(log_words(r->size), sizeof(uint64_t));
	if (l->meta && l->touched)
		return 0;
	free(l->meta);
	free(l->touched);
	l->meta = NULL;
	l->touched = NULL;
	return -ENOMEM;
}

void mem_log_enter(struct cpu *cpu)
{
	struct mem_log *l = atomic_load_explicit(&cpu->log_new, memory_order_acquire);
	struct cpu_logged_ram r;
	bool moved;

	if (!l || !atomic_load_explicit(&l->pending, memory_order_acquire))
		return;
	pthread_mutex_lock(&l->lock);
	moved = atomic_exchange(&l->pending, false);
	r = l->req;
	pthread_mutex_unlock(&l->lock);
	if (!moved)
		return;
	if (l->cur.host && (r.host != l->cur.host || r.size != l->cur.size))
		return;      /* refused: another memory (cpu.h) */
	if (!l->cur.host && log_alloc(l, &r))
		return;      /* no memory: the MMIO path serves it */
	if (l->any)
		log_publish(l);
	l->cur = r;
	l->shown = r.gpa == CPU_RAM_NOWHERE ? 0 : r.size;
	cpu->log = l;
	cpu_flush_tlb(cpu, true);     /* no entry may keep the old place */
}

void mem_log_free(struct cpu *cpu)
{
	struct mem_log *l = atomic_load(&cpu->log_new);

	if (!l)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->meta);
	free(l->touched);
	free(l);
}
