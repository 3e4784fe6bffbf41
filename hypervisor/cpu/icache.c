/* Decoded-instruction cache storage, and which instructions end a block.
 * Filling is done by the run loop (run.c), which also marks the page as
 * holding code. */
#include "hypervisor/cpu/icache.h"

#include <errno.h>
#include <stdlib.h>

int icache_init(struct icache *c)
{
	c->b = calloc(1u << ICACHE_BITS, sizeof(*c->b));
	c->jc = calloc(JCACHE_SIZE, sizeof(*c->jc));
	c->pool = malloc(sizeof(*c->pool) * ICACHE_POOL);
	jit_stats_init(&c->stats);
	if (!c->b || !c->jc || !c->pool) {
		icache_dispose(c);
		return -ENOMEM;
	}
	icache_clear(c);
	return 0;
}

void icache_dispose(struct icache *c)
{
	jit_dispose(&c->jit);
	free(c->b);
	free(c->jc);
	free(c->pool);
	c->b = NULL;
	c->jc = NULL;
	c->pool = NULL;
}

void icache_clear(struct icache *c)
{
	for (unsigned i = 0; i < (1u << ICACHE_BITS); i++)
		c->b[i].key = ~0ull;
	c->pool_used = 0;
	jit_reset(&c->jit);
	icache_unlink(c);
}

void icache_wrap(struct icache *c)
{
	/* Empty everything that holds an epoch (block links, chain slots,
	 * jump cache entries), then start both epochs again above them all. */
	icache_clear(c);
	for (unsigned i = 0; i < JCACHE_SIZE; i++)
		c->jc[i] = (struct jc_entry){ .lin = ~0ull };
	for (unsigned i = 0; i < (1u << ICACHE_BITS); i++) {
		struct block *b = &c->b[i];

		b->link[0].epoch = b->link[1].epoch = 0;
		b->jx[0].epoch = b->jx[1].epoch = 0;
	}
	c->epoch = c->jit_epoch = 1;
}

struct insn *icache_reserve(struct icache *c)
{
	if (c->pool_used + BLOCK_MAX > ICACHE_POOL)
		icache_clear(c);
	return &c->pool[c->pool_used];
}

/* One-byte opcodes that end a block: segment loads, INC/DEC-free control
 * flow, string I/O, interrupts, flags with IF, HLT, far transfers. */
static const uint8_t ends_1b[256] = {
	[0x07] = 1, [0x17] = 1, [0x1f] = 1, [0x6c ... 0x6f] = 1, [0x70 ... 0x7f] = 1,
	[0x8e] = 1, [0x9a] = 1, [0x9d] = 1, [0xc2] = 1, [0xc3] = 1, [0xc4] = 1, [0xc5] = 1,
	[0xca ... 0xcf] = 1, [0xe0 ... 0xef] = 1, [0xf1] = 1, [0xf4] = 1, [0xfa] = 1,
	[0xfb] = 1, [0xff] = 1,
};

/* 0F opcodes: system instructions, Jcc, POP FS/GS, LSS/LFS/LGS, group 15. */
static const uint8_t ends_0f[256] = {
	[0x00 ... 0x09] = 1, [0x0b] = 1, [0x20 ... 0x23] = 1, [0x30 ... 0x35] = 1,
	[0x80 ... 0x8f] = 1, [0xa1] = 1, [0xa2] = 1, [0xa9] = 1, [0xae] = 1, [0xb2] = 1,
	[0xb4] = 1, [0xb5] = 1,
};

bool insn_ends_block(const struct insn *in)
{
	/* a REP string instruction restarts itself until done */
	if (in->map == MAP_1B && in->rep && ((in->op >= 0xa4 && in->op <= 0xaf) ||
					     (in->op >= 0x6c && in->op <= 0x6f)))
		return true;
	if (in->map == MAP_1B && in->op == 0xff)   /* only CALL/JMP near and far */
		return (in->reg & 7) >= 2 && (in->reg & 7) <= 5;
	if (in->map == MAP_1B)
		return ends_1b[in->op];
	if (in->map == MAP_0F)
		return ends_0f[in->op];
	return false;
}

bool insn_keeps_context(const struct insn *in)
{
	if (!insn_ends_block(in))
		return true;
	if (in->map == MAP_0F)
		return in->op >= 0x80 && in->op <= 0x8f;          /* Jcc */
	if (in->map != MAP_1B)
		return false;
	switch (in->op) {
	case 0x70 ... 0x7f: case 0xe0 ... 0xe3:                  /* Jcc, LOOP, JrCXZ */
	case 0xc2: case 0xc3: case 0xe8: case 0xe9: case 0xeb:   /* near RET, CALL, JMP */
	case 0xa4 ... 0xaf:                                      /* REP string ops */
		return true;
	case 0xff:
		return (in->reg & 7) == 2 || (in->reg & 7) == 4;     /* near indirect */
	default:
		return false;
	}
}

bool insn_indirect(const struct insn *in)
{
	if (in->map != MAP_1B)
		return false;
	if (in->op == 0xc2 || in->op == 0xc3)
		return true;
	return in->op == 0xff && ((in->reg & 7) == 2 || (in->reg & 7) == 4);
}
