/* The page-table walk. One function per paging mode produces a `struct walk`
 * (the leaf's physical address and combined rights); the checks, A/D updates
 * and TLB refill are shared. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/mmu.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PF_P 0x1u
#define PF_W 0x2u
#define PF_U 0x4u
#define PF_RSVD 0x8u
#define PF_I 0x10u

struct walk {
	uint64_t pa;
	bool w, u, nx, global;
	uint64_t pte_addr[4];     /* physical address of each entry visited */
	uint8_t *pte_host[4];     /* and where it is in host memory (NULL: not RAM) */
	int pte_size;             /* 4 or 8 */
	int levels;
	int size;                 /* STAT_4K/2M/1G: the leaf's page size */
	unsigned shift;           /* and its log2: 12, 21, 22 (PSE) or 30 */
	bool not_present, rsvd;
};

static int walk_entry(struct cpu *cpu, struct walk *w, uint64_t addr, uint64_t *e)
{
	/* an entry is aligned: it never crosses a page, one lookup finds it */
	uint8_t *h = mem_host(cpu, addr, NULL);

	*e = 0;
	w->pte_host[w->levels] = h;
	w->pte_addr[w->levels++] = addr;
	if (h)
		memcpy(e, h, w->pte_size);
	else
		*e = ~0ull >> (64 - 8 * w->pte_size);   /* nothing answers: all ones */
	if (!(*e & PTE_P)) {
		w->not_present = true;
		return -1;
	}
	if ((*e & PTE_NX) && !(cpu->s.efer & EFER_NXE) && w->pte_size == 8) {
		w->rsvd = true;
		return -1;
	}
	w->w &= !!(*e & PTE_W);
	w->u &= !!(*e & PTE_U);
	w->nx |= (*e & PTE_NX) && (cpu->s.efer & EFER_NXE);
	return 0;
}

/* Long mode (4 levels) and PAE (3 levels, PDPTEs read at walk time) */
static int walk_64(struct cpu *cpu, struct walk *w, uint64_t lin, bool pae)
{
	uint64_t table = cpu->s.cr3 & (pae ? 0xffffffe0ull : PTE_ADDR), e;
	int level = pae ? 3 : 4;

	w->pte_size = 8;
	for (; level >= 1; level--) {
		int shift = 12 + 9 * (level - 1);
		uint64_t idx = (lin >> shift) & (pae && level == 3 ? 3 : 511);

		if (walk_entry(cpu, w, table + idx * 8, &e))
			return -1;
		if (pae && level == 3) {
			w->w = w->u = true;    /* PAE PDPTEs carry no rights */
			w->nx = false;
		}
		if (level <= 3 && level >= 2 && (e & PTE_PS) && !(pae && level == 3)) {
			uint64_t psz = 1ull << shift;

			w->pa = (e & PTE_ADDR & ~(psz - 1)) | (lin & (psz - 1));
			w->global = e & PTE_G;
			w->size = level == 2 ? STAT_2M : STAT_1G;
			w->shift = (unsigned)shift;
			return 0;
		}
		table = e & PTE_ADDR;
	}
	w->pa = table | (lin & 0xfff);
	w->global = e & PTE_G;
	return 0;
}

static int walk_32(struct cpu *cpu, struct walk *w, uint64_t lin)
{
	uint64_t e;

	w->pte_size = 4;
	if (walk_entry(cpu, w, (cpu->s.cr3 & 0xfffff000ull) + ((lin >> 22) & 1023) * 4, &e))
		return -1;
	if ((e & PTE_PS) && (cpu->s.cr4 & CR4_PSE)) {
		/* PSE-36: bits 13-20 of the entry are physical address bits 32-39 */
		w->pa = (e & 0xffc00000ull) | ((e & 0x1fe000ull) << 19) | (lin & 0x3fffff);
		w->global = e & PTE_G;
		w->size = STAT_2M;
		w->shift = 22;
		return 0;
	}
	if (walk_entry(cpu, w, (e & 0xfffff000ull) + ((lin >> 12) & 1023) * 4, &e))
		return -1;
	w->pa = (e & 0xfffff000ull) | (lin & 0xfff);
	w->global = e & PTE_G;
	return 0;
}

/* Set A on every level and D on the leaf (for writes), through the host
 * addresses the walk found (an entry outside RAM takes no write). */
static void walk_set_ad(struct cpu *cpu, const struct walk *w, bool write)
{
	for (int i = 0; i < w->levels; i++) {
		uint64_t e = 0, bits = PTE_A | (write && i == w->levels - 1 ? PTE_D : 0);

		if (!w->pte_host[i])
			continue;
		memcpy(&e, w->pte_host[i], w->pte_size);
		if ((e & bits) != bits) {
			e |= bits;
			mem_write_phys(cpu, w->pte_addr[i], w->pte_size, &e);
		}
	}
}

static int page_fault(struct cpu *cpu, uint64_t lin, uint32_t err)
{
	cpu->stats.fault++;
	cpu->s.cr2 = lin;
	return excp_raise(cpu, EXC_PF, true, err);
}

static void tlb_fill(struct cpu *cpu, int acc, uint64_t lin, const struct walk *w,
		     uint8_t *host, struct page_meta *meta, bool user)
{
	bool global = w->global && (cpu->s.cr4 & CR4_PGE);
	struct tlb_entry *e = tlb_claim(&cpu->tlb, acc, lin, global);

	e->tag = (lin & ~0xfffull) | user;
	e->host = host;
	e->pa = w->pa & ~0xfffull;
	e->meta = meta;
	e->global = global;
	e->shift = (uint8_t)w->shift;
	if (w->shift > 12)
		tlb_note_big(&cpu->tlb, lin, w->shift);
}

/* Refill the entry for this access, and the read entry along with a write. */
static void tlb_refill(struct cpu *cpu, uint64_t lin, const struct walk *w, bool user, int acc)
{
	struct page_meta *meta;
	uint8_t *host = mem_host(cpu, w->pa & ~0xfffull, &meta);
	bool wr = w->w || (!user && !(cpu->s.cr0 & CR0_WP));

	if (!host)
		return;   /* MMIO: every access takes the slow path */
	if (acc == TLB_X) {
		if (!w->nx)
			tlb_fill(cpu, TLB_X, lin, w, host, meta, user);
		return;
	}
	tlb_fill(cpu, TLB_R, lin, w, host, meta, user);
	/* writes are fast only once the walk has set D, and never over code */
	if (acc == TLB_W && wr && !meta->code)
		tlb_fill(cpu, TLB_W, lin, w, host, meta, user);
}

/* The TLB's entry for this access, if it has one: a translation the TLB
 * holds is used as a CPU uses its TLB (the walk that made it checked the
 * rights, set A, and D for a write entry). Callers that skip the inline
 * lookup (the second page of an instruction that crosses pages: ~10
 * million per Linux boot, all in TLB-held pages; MMIO, stores to code,
 * mem_ptr()) so walk no more than a miss does. */
static bool mmu_cached(struct cpu *cpu, uint64_t lin, int acc, bool user, uint64_t *pa)
{
	const struct tlb_entry *e = tlb_slot(&cpu->tlb, acc, lin);

	if (e->tag != ((lin & ~0xfffull) | user))
		return false;
	cpu->stats.walk_tlb[acc]++;
	*pa = e->pa | (lin & 0xfff);
	return true;
}

int mmu_translate(struct cpu *cpu, uint64_t lin, int acc, bool user, uint64_t *pa)
{
	struct walk w = { .w = true, .u = true, .shift = 12 };
	uint32_t err = (acc == TLB_W ? PF_W : 0) | (user ? PF_U : 0);
	int r;

	if (mmu_cached(cpu, lin, acc, user, pa))
		return X_OK;
	if (!(cpu->s.cr0 & CR0_PG)) {
		cpu->stats.walk[acc][user][STAT_FLAT]++;
		w.pa = (cpu->s.efer & EFER_LMA) ? lin : (uint32_t)lin;
		tlb_refill(cpu, lin, &w, user, acc);
		*pa = w.pa;
		return X_OK;
	}
	if (cpu->s.efer & EFER_LMA)
		r = walk_64(cpu, &w, lin, false);
	else if (cpu->s.cr4 & CR4_PAE)
		r = walk_64(cpu, &w, (uint32_t)lin, true);
	else
		r = walk_32(cpu, &w, (uint32_t)lin);
	cpu->stats.walk[acc][user][w.size]++;
	if (acc == TLB_X && (cpu->s.efer & EFER_NXE))
		err |= PF_I;
	if (r)
		return page_fault(cpu, lin, err | (w.rsvd ? PF_RSVD | PF_P : 0));
	if ((user && !w.u) || (acc == TLB_X && w.nx) ||
	    (acc == TLB_W && !w.w && (user || (cpu->s.cr0 & CR0_WP))))
		return page_fault(cpu, lin, err | PF_P);
	walk_set_ad(cpu, &w, acc == TLB_W);
	tlb_refill(cpu, lin, &w, user, acc);
	*pa = w.pa;
	return X_OK;
}
