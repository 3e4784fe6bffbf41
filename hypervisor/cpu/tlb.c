/* Software TLB maintenance. Flushes visit only the slots marked used
 * (tlb_claim()), so their cost follows what the guest touched, not the
 * size of the TLB. */
#include "hypervisor/cpu/tlb.h"

#include <string.h>

/* Call `drop(entry, arg)` for each live entry of kind `acc` marked in
 * map `g`; a slot loses its mark there unless it keeps an entry of that
 * map's kind (global or not). */
static void tlb_sweep(struct tlb *t, int g, int acc,
		      bool (*drop)(struct tlb_entry *, const void *), const void *arg)
{
	for (unsigned w = 0; w < TLB_SIZE / 64; w++) {
		uint64_t bits = t->used[g][acc][w], keep = 0;

		while (bits) {
			unsigned b = (unsigned)__builtin_ctzll(bits);
			struct tlb_entry *e = &t->e[acc][w * 64 + b];

			bits &= bits - 1;
			if (e->tag == TLB_NONE)
				continue;
			if (drop(e, arg))
				e->tag = TLB_NONE;
			else if (e->global == g)
				keep |= 1ull << b;
		}
		t->used[g][acc][w] = keep;
	}
}

/* Both maps: everything of kind `acc`. */
static void tlb_sweep_all(struct tlb *t, int acc,
			  bool (*drop)(struct tlb_entry *, const void *), const void *arg)
{
	tlb_sweep(t, 0, acc, drop, arg);
	tlb_sweep(t, 1, acc, drop, arg);
}

void tlb_init(struct tlb *t)
{
	for (int a = 0; a < 3; a++)
		for (unsigned i = 0; i < TLB_SIZE; i++)
			t->e[a][i].tag = TLB_NONE;
	memset(t->used, 0, sizeof(t->used));
	memset(t->big, 0, sizeof(t->big));
}

static bool drop_any(struct tlb_entry *e, const void *arg)
{
	(void)e;
	(void)arg;
	return true;
}

static bool drop_local(struct tlb_entry *e, const void *arg)
{
	(void)arg;
	return !e->global;
}

void tlb_flush(struct tlb *t, bool global)
{
	for (int a = 0; a < 3; a++) {
		if (global)
			tlb_sweep_all(t, a, drop_any, NULL);
		else
			tlb_sweep(t, 0, a, drop_local, NULL);
	}
	if (global)
		memset(t->big, 0, sizeof(t->big));
}

struct big_page {
	uint64_t lin;
	unsigned shift;
};

static bool drop_big(struct tlb_entry *e, const void *arg)
{
	const struct big_page *p = arg;

	return e->shift == p->shift && (e->tag >> p->shift) == (p->lin >> p->shift);
}

int tlb_flush_page(struct tlb *t, uint64_t lin)
{
	static const uint8_t shifts[] = { 21, 22, 30 };
	int swept = 0;

	for (int a = 0; a < 3; a++)
		tlb_slot(t, a, lin)->tag = TLB_NONE;
	for (size_t i = 0; i < sizeof(shifts); i++) {
		struct big_page p = { lin, shifts[i] };
		unsigned b = tlb_big_bit(lin, p.shift);

		if (!(t->big[b / 64] & (1ull << (b % 64))))
			continue;
		for (int a = 0; a < 3; a++)
			tlb_sweep_all(t, a, drop_big, &p);
		swept++;
	}
	return swept;
}

static bool drop_pa(struct tlb_entry *e, const void *arg)
{
	return e->pa == *(const uint64_t *)arg;
}

void tlb_protect_code(struct tlb *t, uint64_t pa)
{
	uint64_t page = pa & ~0xfffull;

	tlb_sweep_all(t, TLB_W, drop_pa, &page);
}

void tlb_flush_writes(struct tlb *t)
{
	tlb_sweep_all(t, TLB_W, drop_any, NULL);
}

struct host_range {
	uintptr_t start;
	uint64_t size;
};

static bool drop_host(struct tlb_entry *e, const void *arg)
{
	const struct host_range *r = arg;

	return (uintptr_t)e->host - r->start < r->size;
}

void tlb_drop_writes_into(struct tlb *t, const void *host, uint64_t size)
{
	struct host_range r = { (uintptr_t)host, size };

	tlb_sweep_all(t, TLB_W, drop_host, &r);
}
