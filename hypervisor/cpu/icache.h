/* The decoded-instruction cache: straight-line runs of decoded instructions
 * ("blocks", up to BLOCK_MAX, within one page) keyed by the guest physical
 * address of their first instruction and the code size, so that a loop is
 * decoded once. Block headers live in a direct-mapped table; their
 * instructions are packed one after the other in a pool (the hot code of a
 * loop is then a few consecutive cache lines), which is emptied as a whole
 * when full.
 *
 * Each block remembers the generation of its page (struct page_meta); a
 * write to a page that holds cached code bumps the generation, which makes
 * its blocks stale (self-modifying code). A block ends at an instruction
 * that changes control flow or machine state (insn_ends_block) and at the
 * page's end; an instruction that crosses into the next page is its last
 * one when that page's translation was at hand (`cross`: the next page's
 * physical address and generation, checked when the block is found by
 * its physical address; that page is marked as code, so a write to it or
 * a new mapping kills links and jump cache entries as for the first).
 *
 * Chaining: a block remembers up to two successors (RIP -> block) so that the
 * run loop goes from block to block without the fetch translation and the
 * table lookup. A link is valid only while the cache's `epoch` is the one it
 * was made in; the epoch moves on whenever a link could become wrong: a TLB
 * flush or INVLPG (the linear -> physical mapping), written code, a block
 * header replaced, the pool emptied. Links are made and followed only after
 * blocks whose end cannot change CS, the code size or CPL (near branches,
 * or no branch at all: insn_keeps_context()), and not across exceptions or
 * interrupts.
 *
 * The jump cache: a small direct-mapped table from linear RIP (CS base +
 * RIP) to block, for the blocks the run loop reaches without a link
 * (returns, indirect jumps and calls, after exits and events). A hit is
 * one compare in a hot table instead of the fetch translation, the page
 * generation and the block table's hash (a cache miss in its 4.5 MiB).
 * An entry is valid in the `jit_epoch` it was made in (TLB flush, INVLPG,
 * written code and the emptied pool move it on), for the code size and
 * privilege it was made for, and while its block keeps its header: a
 * block is in at most one entry (block.jc), which block_build() kills
 * before it gives the header to another block. An entry also carries
 * what running the block needs besides the block itself: its
 * translation for the entry's privilege (or NULL) and its instruction
 * count, so that a hit reads one 32-byte entry and no block header; a
 * translation that ends in a RET or an indirect branch its chain slots
 * do not know probes the table itself (jit.c) and jumps straight into
 * the translation it names. */
#ifndef VMCTL_HV_CPU_ICACHE_H
#define VMCTL_HV_CPU_ICACHE_H

#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/tlb.h"
#include "hypervisor/cpu/jit.h"
#include "hypervisor/cpu/jit_stats.h"

#include <stddef.h>

#define ICACHE_BITS 15
#define BLOCK_MAX 16
#define ICACHE_POOL (1u << 17)    /* decoded instructions in the pool */
#define JCACHE_BITS 12
#define JCACHE_SIZE (1u << JCACHE_BITS)

struct block;

struct block_link {
	uint64_t rip;
	struct block *to;
	uint32_t epoch;
};

struct block {
	uint64_t key;             /* pa << 2 | mode index; ~0 when empty */
	uint32_t gen;
	uint32_t n;               /* decoded instructions */
	bool chain;               /* its end keeps CS, mode and CPL: may link */
	bool jit_user;            /* jit was translated for CPL 3 */
	bool cross;               /* its last instruction ends in the next page */
	uint8_t runs;             /* interpreted runs (JIT_NEVER: not translatable) */
	uint16_t jc;              /* its jump cache entry, if that still names it */
	uint32_t cross_gen;       /* cross: the next page's generation, */
	uint64_t cross_pa;        /* ... its physical address */
	jit_fn jit;               /* host code (jit.h), or NULL */
	struct jit_exit jx[2];    /* chaining: the next translation per exit */
	struct insn *in;          /* n instructions in the pool */
	struct block_link link[2];   /* successors: see icache_link() */
};

/* A jump cache entry: see above. Translated code reads it (jit.c). */
struct jc_entry {
	uint64_t lin;             /* CS base + RIP */
	struct block *b;
	jit_fn jit;               /* b's translation for ctx's privilege, or NULL */
	uint32_t epoch;           /* the jit_epoch it was made in */
	uint16_t ctx;             /* icache_ctx(): code size and privilege */
	uint16_t n;               /* b's instructions */
};
_Static_assert(sizeof(struct jc_entry) == 32, "two entries a cache line; jit.c scales by 32");
_Static_assert(offsetof(struct jc_entry, jit) == 16 && offsetof(struct jc_entry, epoch) == 24 &&
	       offsetof(struct jc_entry, ctx) == 28, "jit.c's probe reads these offsets");

struct icache {
	struct block *b;          /* 1 << ICACHE_BITS headers */
	struct jc_entry *jc;      /* JCACHE_SIZE entries */
	struct insn *pool;        /* ICACHE_POOL instructions */
	uint32_t pool_used;
	uint32_t epoch;           /* links made in another epoch are dead */
	uint32_t jit_epoch;       /* the same for chains between translations */
	struct jit_buf jit;       /* translations of blocks, emptied with the pool */
	struct jit_stats stats;   /* VMCTL_CPU_STATS's counters (jit_stats.h) */
};

#define JIT_NEVER 255

static inline uint64_t icache_key(uint64_t pa, int mode)
{
	return (pa << 2) | (unsigned)(mode >> 5);   /* 16 -> 0, 32 -> 1, 64 -> 2 */
}

static inline struct block *icache_slot(struct icache *c, uint64_t key)
{
	uint64_t h = (key >> 2) ^ (key >> (2 + ICACHE_BITS)) ^ (key >> 26);

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

/* The epochs wrapped around: nothing made 2^32 epochs ago may look
 * current again (icache.c). */
void icache_wrap(struct icache *c);

/* Kill every link (the mapping or the code they assumed changed): block
 * links, chains between translations and the jump cache. */
static inline void icache_unlink(struct icache *c)
{
	c->epoch++;
	if (__builtin_expect(++c->jit_epoch == 0, 0))
		icache_wrap(c);
}

/* A block header was replaced: links to it die. Chains between
 * translations stay: they hold code addresses, not headers, and the
 * replaced block's translation stays valid code for its bytes until
 * those change, the mapping changes or the pool is emptied (all of which
 * call icache_unlink()). */
static inline void icache_unlink_blocks(struct icache *c)
{
	if (__builtin_expect(++c->epoch == 0, 0))
		icache_wrap(c);
}

/* What a jump cache entry assumed besides the address: the code size and
 * whether the fetch was a user one (the TLB's permission). */
static inline uint32_t icache_ctx(int mode, bool user)
{
	return (uint32_t)mode << 1 | user;
}

static inline struct jc_entry *icache_jc_slot(struct icache *c, uint64_t lin)
{
	return &c->jc[(lin ^ (lin >> JCACHE_BITS)) & (JCACHE_SIZE - 1)];
}

/* The jump cache's entry for linear `lin` (its block, translation and
 * size), or NULL. */
static inline const struct jc_entry *icache_jc_find(struct icache *c, uint64_t lin, uint32_t ctx)
{
	const struct jc_entry *j = icache_jc_slot(c, lin);

	if (j->lin != lin || j->ctx != ctx || j->epoch != c->jit_epoch)
		return NULL;
	return j;
}

/* Block `b`'s header is about to describe other code: its entry dies. */
static inline void icache_jc_forget(struct icache *c, const struct block *b)
{
	struct jc_entry *j = &c->jc[b->jc];

	if (j->b == b)
		j->epoch = c->jit_epoch - 1;
}

/* b's translation if it was made for the privilege of context `ctx`. */
static inline jit_fn icache_jc_jit(const struct block *b, uint32_t ctx)
{
	return b->jit && b->jit_user == (ctx & 1) ? b->jit : NULL;
}

/* Remember that `lin` (in context `ctx`) runs block `b`; `b`'s former
 * entry, if any, dies (one entry per block, so forgetting finds it).
 * Returns the entry. */
static inline const struct jc_entry *icache_jc_fill(struct icache *c, uint64_t lin, uint32_t ctx,
						    struct block *b)
{
	struct jc_entry *j = icache_jc_slot(c, lin);

	icache_jc_forget(c, b);
	*j = (struct jc_entry){ .lin = lin, .b = b, .jit = icache_jc_jit(b, ctx),
				.epoch = c->jit_epoch, .ctx = (uint16_t)ctx, .n = (uint16_t)b->n };
	b->jc = (uint16_t)(j - c->jc);
	return j;
}

/* Block `b` was just translated: its live entry, if any, learns it. */
static inline void icache_jc_refresh(struct icache *c, const struct block *b)
{
	struct jc_entry *j = &c->jc[b->jc];

	if (j->b == b && j->epoch == c->jit_epoch)
		j->jit = icache_jc_jit(b, j->ctx);
}

/* The block `from` links to for `rip`, or NULL. */
static inline struct block *icache_follow(const struct icache *c, const struct block *from,
					  uint64_t rip)
{
	for (int i = 0; i < 2; i++)
		if (from->link[i].rip == rip && from->link[i].epoch == c->epoch)
			return from->link[i].to;
	return NULL;
}

/* Remember that `rip` after `from` is block `to`. The first successor
 * learnt keeps slot 0; later ones share slot 1 (a conditional branch has
 * two, a RET may have many). */
static inline void icache_link(const struct icache *c, struct block *from, uint64_t rip,
			       struct block *to)
{
	struct block_link *l = &from->link[from->link[0].epoch == c->epoch ? 1 : 0];

	l->rip = rip;
	l->to = to;
	l->epoch = c->epoch;
}

int icache_init(struct icache *c);
void icache_dispose(struct icache *c);
void icache_clear(struct icache *c);

/* Room for a block of BLOCK_MAX instructions in the pool (the whole cache
 * is emptied when the pool is full); returns where to decode it. */
struct insn *icache_reserve(struct icache *c);

/* True when the instruction may change control flow (RIP other than the
 * next instruction), the mode, the address space or the interrupt state: a
 * block ends after it, so the run loop never checks for jumps inside one. */
bool insn_ends_block(const struct insn *in);

/* True when the instruction cannot change CS, the code size or CPL (the
 * last one of a block decides whether the block may be linked on). */
bool insn_keeps_context(const struct insn *in);

/* True for a near RET or a near JMP/CALL through a register or memory:
 * a block end whose next RIP is not known when it is decoded. */
bool insn_indirect(const struct insn *in);

#endif
