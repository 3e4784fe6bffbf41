/* Software TLB maintenance. */
#include "hypervisor/cpu/tlb.h"

static void entry_clear(struct tlb_entry *e)
{
	e->tag[TLB_R] = e->tag[TLB_W] = e->tag[TLB_X] = TLB_NONE;
	e->global = false;
}

void tlb_flush(struct tlb *t, bool global)
{
	for (unsigned i = 0; i < TLB_SIZE; i++)
		if (global || !t->e[i].global)
			entry_clear(&t->e[i]);
}

void tlb_flush_page(struct tlb *t, uint64_t lin)
{
	entry_clear(tlb_slot(t, lin));
}

void tlb_protect_code(struct tlb *t, uint64_t pa)
{
	for (unsigned i = 0; i < TLB_SIZE; i++)
		if (t->e[i].tag[TLB_W] != TLB_NONE && t->e[i].pa == (pa & ~0xfffull))
			t->e[i].tag[TLB_W] = TLB_NONE;
}
