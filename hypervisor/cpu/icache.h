/* The decoded-instruction cache: decoded instructions keyed by guest physical
 * address and code size, so a loop is decoded once. Each entry remembers the
 * generation of its page (struct page_meta); a write to a page that holds
 * cached code bumps the generation, which makes its entries stale
 * (self-modifying code). Instructions that cross a page are not cached. */
#ifndef VMCTL_HV_CPU_ICACHE_H
#define VMCTL_HV_CPU_ICACHE_H

#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/tlb.h"

#define ICACHE_BITS 14

struct icache_entry {
	uint64_t key;             /* pa << 2 | mode index; ~0 when empty */
	uint32_t gen;
	struct insn in;
};

struct icache {
	struct icache_entry *e;   /* 1 << ICACHE_BITS entries */
};

static inline uint64_t icache_key(uint64_t pa, int mode)
{
	return (pa << 2) | (unsigned)(mode >> 5);   /* 16 -> 0, 32 -> 1, 64 -> 2 */
}

static inline struct icache_entry *icache_slot(struct icache *c, uint64_t key)
{
	uint64_t h = (key >> 2) ^ (key >> 14);

	return &c->e[h & ((1u << ICACHE_BITS) - 1)];
}

/* The cached decoding of the instruction at `pa`, or NULL. */
static inline const struct insn *icache_find(struct icache *c, uint64_t pa, int mode,
					     const struct page_meta *meta)
{
	uint64_t key = icache_key(pa, mode);
	struct icache_entry *e = icache_slot(c, key);

	if (e->key != key || e->gen != meta->gen)
		return NULL;
	return &e->in;
}

int icache_init(struct icache *c);
void icache_dispose(struct icache *c);
void icache_clear(struct icache *c);

#endif
