/* The software TLB's maintenance (hypervisor/cpu/tlb.c): flushes visit
 * only the slots marked used by tlb_claim(), so every way an entry can be
 * filled and dropped is checked against a plain model of all 3 x 2048
 * slots: a flush keeps global entries unless asked, a dropped write entry
 * stays dropped, entries a partial drop keeps are still dropped by the
 * next flush (their mark survived), and rounds of random fills and flushes
 * leave no live entry the model does not have. */
#include "hypervisor/cpu/tlb.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <stdlib.h>

static uint8_t host[64][4096];

/* What a page walk's fill does (mmu.c tlb_fill()). */
static void fill(struct tlb *t, int acc, uint64_t lin, unsigned hpage, bool global)
{
	struct tlb_entry *e = tlb_claim(t, acc, lin, global);

	e->tag = lin & ~0xfffull;
	e->host = host[hpage];
	e->pa = (uint64_t)hpage << 12;
	e->meta = NULL;
	e->global = global;
}

/* Live entries, all kinds. */
static unsigned live(const struct tlb *t)
{
	unsigned n = 0;

	for (int a = 0; a < 3; a++)
		for (unsigned i = 0; i < TLB_SIZE; i++)
			n += t->e[a][i].tag != TLB_NONE;
	return n;
}

static unsigned used_bits(const struct tlb *t)
{
	unsigned n = 0;

	for (int g = 0; g < 2; g++)
		for (int a = 0; a < 3; a++)
			for (unsigned w = 0; w < TLB_SIZE / 64; w++)
				n += (unsigned)__builtin_popcountll(t->used[g][a][w]);
	return n;
}

static void basics(struct tlb *t)
{
	tlb_init(t);
	is_int(live(t), 0, "a new TLB holds no entry");
	ok(!tlb_hit(t, 0, TLB_R, false), "not even for linear page 0");
	fill(t, TLB_R, 0x1000, 1, false);
	fill(t, TLB_W, 0x1000, 1, false);
	fill(t, TLB_X, 0x2000, 2, false);
	fill(t, TLB_R, 0xffffffff81000000ull, 3, true);
	ok(tlb_hit(t, 0x1234, TLB_R, false) == host[1] + 0x234, "a filled entry hits");
	tlb_flush(t, false);
	ok(!tlb_hit(t, 0x1000, TLB_R, false) && !tlb_hit(t, 0x1000, TLB_W, false) &&
	   !tlb_hit(t, 0x2000, TLB_X, false), "a flush drops the entries of all three kinds");
	ok(tlb_hit(t, 0xffffffff81000010ull, TLB_R, false) == host[3] + 0x10,
	   "and keeps a global one");
	is_int(used_bits(t), 1, "only the global entry's slot is still marked");
	tlb_flush(t, true);
	is_int(live(t), 0, "a global flush drops the global entry too");
	is_int(used_bits(t), 0, "and no slot is marked");
}

static void writes(struct tlb *t)
{
	tlb_init(t);
	fill(t, TLB_W, 0x5000, 5, false);
	fill(t, TLB_W, 0x6000, 6, false);
	fill(t, TLB_R, 0x5000, 5, false);
	tlb_protect_code(t, 0x5abc);
	ok(!tlb_hit(t, 0x5000, TLB_W, false), "code on a page drops its write entry");
	ok(tlb_hit(t, 0x5000, TLB_R, false) && tlb_hit(t, 0x6000, TLB_W, false),
	   "and neither its read entry nor another page's write entry");
	tlb_drop_writes_into(t, host[6], 4096);
	ok(!tlb_hit(t, 0x6000, TLB_W, false), "a write entry into dropped host memory is gone");
	fill(t, TLB_W, 0x7000, 7, false);
	tlb_drop_writes_into(t, host[8], 4096);
	ok(tlb_hit(t, 0x7000, TLB_W, false) != NULL, "one into other memory stays");
	tlb_flush(t, false);
	is_int(live(t), 0, "the next flush drops what the partial drops kept");
	fill(t, TLB_W, 0x9000, 9, true);
	tlb_flush_writes(t);
	ok(!tlb_hit(t, 0x9000, TLB_W, false), "dropping all write entries drops global ones too");
}

/* Random fills (pages that share slots, both privileges, global or
 * not) and flushes of every kind against a model of the slots. */
static void rounds(struct tlb *t)
{
	static struct tlb_entry model[3][TLB_SIZE];
	unsigned bad = 0, n = 0;
	uint64_t x = 88172645463325292ull;

	tlb_init(t);
	for (int a = 0; a < 3; a++)
		for (unsigned i = 0; i < TLB_SIZE; i++)
			model[a][i].tag = TLB_NONE;
	for (int r = 0; r < 3000; r++) {
		int fills = 1 + r % 40;

		for (int f = 0; f < fills; f++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			int acc = (int)(x % 3);
			uint64_t lin = (x >> 8) & 0x3ffffff000ull;
			unsigned hp = (unsigned)(x >> 40) % 64;
			bool global = (x >> 50) % 5 == 0;

			fill(t, acc, lin, hp, global);
			model[acc][tlb_index(lin)] = *tlb_slot(t, acc, lin);
		}
		switch (r % 5) {
		case 0: case 1:
			tlb_flush(t, false);
			break;
		case 2:
			tlb_flush(t, true);
			break;
		case 3:
			tlb_flush_writes(t);
			break;
		default:
			tlb_protect_code(t, (uint64_t)(r % 64) << 12);
			break;
		}
		for (int a = 0; a < 3; a++)
			for (unsigned i = 0; i < TLB_SIZE; i++) {
				struct tlb_entry *m = &model[a][i];
				bool drop = m->tag != TLB_NONE &&
					    ((r % 5 < 2 && !m->global) || r % 5 == 2 ||
					     (r % 5 == 3 && a == TLB_W) ||
					     (r % 5 == 4 && a == TLB_W && m->pa == (uint64_t)(r % 64) << 12));

				if (drop)
					m->tag = TLB_NONE;
				bad += t->e[a][i].tag != m->tag;
				n += m->tag != TLB_NONE;
			}
	}
	is_int(bad, 0, "3000 rounds of random fills and flushes: every slot as the model says");
	ok(n > 1000, "with live entries left between rounds (%u slot-rounds)", n);
}

int main(void)
{
	struct tlb *t = malloc(sizeof(*t));

	if (!ok(t != NULL, "a TLB"))
		return tap_done();
	basics(t);
	writes(t);
	rounds(t);
	free(t);
	return tap_done();
}
