/* The decoded-instruction cache: straight-line runs of decoded instructions
 * ("blocks", up to BLOCK_MAX, within one page) keyed by the guest physical
 * address of their first instruction and the code size, so that a loop is
 * decoded once and the run loop looks up one block per run instead of one
 * instruction. Each block remembers the generation of its page (struct
 * page_meta); a write to a page that holds cached code bumps the generation,
 * which makes its blocks stale (self-modifying code). A block ends at an
 * instruction that changes control flow or machine state (insn_ends_block)
 * and before an instruction that crosses the page. */
#ifndef VMCTL_HV_CPU_ICACHE_H
#define VMCTL_HV_CPU_ICACHE_H

#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/tlb.h"

#define ICACHE_BITS 11
#define BLOCK_MAX 16

struct block {
	uint64_t key;             /* pa << 2 | mode index; ~0 when empty */
	uint32_t gen;
	uint32_t n;               /* decoded instructions */
	struct insn in[BLOCK_MAX];
};

struct icache {
	struct block *b;          /* 1 << ICACHE_BITS blocks */
};

static inline uint64_t icache_key(uint64_t pa, int mode)
{
	return (pa << 2) | (unsigned)(mode >> 5);   /* 16 -> 0, 32 -> 1, 64 -> 2 */
}

static inline struct block *icache_slot(struct icache *c, uint64_t key)
{
	uint64_t h = (key >> 2) ^ (key >> 13) ^ (key >> 24);

	return &c->b[h & ((1u << ICACHE_BITS) - 1)];
}

/* The cached block starting at `pa`, or NULL. */
static inline struct block *icache_find(struct icache *c, uint64_t pa, int mode,
					const struct page_meta *meta)
{
	uint64_t key = icache_key(pa, mode);
	struct block *b = icache_slot(c, key);

	if (b->key != key || b->gen != meta->gen)
		return NULL;
	return b;
}

int icache_init(struct icache *c);
void icache_dispose(struct icache *c);
void icache_clear(struct icache *c);

/* True when the instruction may change control flow (RIP other than the
 * next instruction), the mode, the address space or the interrupt state: a
 * block ends after it, so the run loop never checks for jumps inside one. */
bool insn_ends_block(const struct insn *in);

#endif
