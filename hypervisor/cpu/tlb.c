/* Software TLB maintenance. */
#include "hypervisor/cpu/tlb.h"

void tlb_flush(struct tlb *t, bool global)
{
	for (int a = 0; a < 3; a++)
		for (unsigned i = 0; i < TLB_SIZE; i++)
			if (global || !t->e[a][i].global)
				t->e[a][i].tag = TLB_NONE;
}

void tlb_flush_page(struct tlb *t, uint64_t lin)
{
	for (int a = 0; a < 3; a++)
		tlb_slot(t, a, lin)->tag = TLB_NONE;
}

void tlb_protect_code(struct tlb *t, uint64_t pa)
{
	for (unsigned i = 0; i < TLB_SIZE; i++)
		if (t->e[TLB_W][i].tag != TLB_NONE && t->e[TLB_W][i].pa == (pa & ~0xfffull))
			t->e[TLB_W][i].tag = TLB_NONE;
}

void tlb_flush_writes(struct tlb *t)
{
	for (unsigned i = 0; i < TLB_SIZE; i++)
		t->e[TLB_W][i].tag = TLB_NONE;
}

void tlb_drop_writes_into(struct tlb *t, const void *host, uint64_t size)
{
	for (unsigned i = 0; i < TLB_SIZE; i++) {
		struct tlb_entry *e = &t->e[TLB_W][i];

		if (e->tag != TLB_NONE && (uintptr_t)e->host - (uintptr_t)host < size)
			e->tag = TLB_NONE;
	}
}
