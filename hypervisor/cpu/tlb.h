/* The software TLB: direct-mapped caches from linear page to host page, one
 * per kind of access (read, write, fetch), so code and data never evict each
 * other. A hit gives a host pointer: guest loads and stores go straight to
 * host memory. An entry holds only what the page walk allowed; a write entry
 * exists only once the page is dirty and holds no cached code, so such writes
 * take the slow path that keeps A/D bits and the decoded-instruction cache
 * right. The tag's bit 0 is the privilege of the access (1 = user) so a CPL
 * change never reuses a supervisor translation. A host pointer for a
 * guest store must come from a write entry or from mem_host() (as
 * mem_ptr() does) and not outlive the instruction: logged RAM (mem_log.c)
 * learns the pages written from exactly those. */
#ifndef VMCTL_HV_CPU_TLB_H
#define VMCTL_HV_CPU_TLB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TLB_BITS 11
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_NONE (~0ull)

/* Per guest page bookkeeping for self-modifying code. */
struct page_meta {
	uint32_t gen;     /* bumped when cached code on the page is written */
	uint8_t code;     /* the decoded-instruction cache holds code from it */
};

enum tlb_access { TLB_R, TLB_W, TLB_X };

struct tlb_entry {
	uint64_t tag;             /* lin page | user, or TLB_NONE */
	uint8_t *host;            /* host address of the page */
	uint64_t pa;              /* guest physical page */
	struct page_meta *meta;
	bool global;
	uint8_t shift;            /* its page's size: 12, or 21/22/30 (large) */
};

struct tlb {
	struct tlb_entry e[3][TLB_SIZE];
	/* Slots filled since they were last dropped, one bit each, apart
	 * for global entries ([1]) and the others ([0]): a flush visits only
	 * these (a CR3 load used to sweep all 6144 entries), and a CR3 load
	 * only the non-global ones (Linux maps its kernel global). A live
	 * entry always has its bit in used[entry's global]; a set bit over
	 * an empty slot or one of the other kind is harmless. */
	uint64_t used[2][3][TLB_SIZE / 64];
	/* Large pages that filled entries, one bit per hash of (base,
	 * size): INVLPG of an address in a large page drops every entry the
	 * page filled (x86 invalidates the whole page), and only an address
	 * whose large page may have filled some pays that sweep (Linux does
	 * ~45 K INVLPGs per boot, mostly of 4 KiB user pages). Set by
	 * tlb_note_big(), cleared by a global flush; a bit left set after
	 * its entries went only costs a needless sweep. */
	uint64_t big[4];
};

/* The bit of `big` for the large page of `shift` holding `lin`. */
static inline unsigned tlb_big_bit(uint64_t lin, unsigned shift)
{
	return (unsigned)(((lin >> shift) * 0x9e3779b97f4a7c15ull + shift) >> 56);
}

/* An entry of the large page of `shift` holding `lin` was filled. */
static inline void tlb_note_big(struct tlb *t, uint64_t lin, unsigned shift)
{
	unsigned b = tlb_big_bit(lin, shift);

	t->big[b / 64] |= 1ull << (b % 64);
}

/* The low bits of the page number: consecutive pages get consecutive
 * slots, which the translated code's lookup relies on (jit.c: an access
 * crossing a page compares the next page with this page's slot). */
static inline unsigned tlb_index(uint64_t lin)
{
	return (lin >> 12) & (TLB_SIZE - 1);
}

static inline struct tlb_entry *tlb_slot(struct tlb *t, int acc, uint64_t lin)
{
	return &t->e[acc][tlb_index(lin)];
}

/* The slot for `lin`, marked used for a global entry or not: every
 * fill goes through here. */
static inline struct tlb_entry *tlb_claim(struct tlb *t, int acc, uint64_t lin, bool global)
{
	unsigned i = tlb_index(lin);

	t->used[global][acc][i / 64] |= 1ull << (i % 64);
	return &t->e[acc][i];
}

/* Host pointer for `lin` on a hit, NULL on a miss. */
static inline uint8_t *tlb_hit(struct tlb *t, uint64_t lin, int acc, bool user)
{
	struct tlb_entry *e = tlb_slot(t, acc, lin);

	if (e->tag != ((lin & ~0xfffull) | user))
		return NULL;
	return e->host + (lin & 0xfff);
}

/* Empty the whole TLB (a new CPU: its memory holds no valid tags). */
void tlb_init(struct tlb *t);
/* Drop every entry (global ones too when `global`). */
void tlb_flush(struct tlb *t, bool global);
/* Drop the entries for one linear page (INVLPG), and every entry a
 * large page holding it filled; returns how many large-page sizes had to
 * be swept for (0: the filter ruled them all out). */
int tlb_flush_page(struct tlb *t, uint64_t lin);
/* Remove write entries that point to physical page `pa` (it now holds code). */
void tlb_protect_code(struct tlb *t, uint64_t pa);
/* Drop every write entry (a peer CPU made some page code: see cpu.c). */
void tlb_flush_writes(struct tlb *t);
/* Drop the write entries into host memory [host, host + size) (logged RAM:
 * its next write refills, see mem_log.c). */
void tlb_drop_writes_into(struct tlb *t, const void *host, uint64_t size);

#endif
