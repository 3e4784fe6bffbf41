/* The run loop: look up (or decode) the block of instructions at RIP, run
 * its instructions while execution stays sequential, retire each or deliver
 * its exception; between instructions take interrupts and kicks. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/mmu.h"

/* exec_one: an exception was delivered, execution goes on elsewhere */
#define X_DELIVERED 4

/* Count one event of jit_stats.def when VMCTL_CPU_STATS asked for it. */
#define STAT(cpu, name)                                                      \
	do {                                                                 \
		if (__builtin_expect((cpu)->icache.stats.on, 0))             \
			(cpu)->icache.stats.n[JS_##name]++;                  \
	} while (0)

/* The next page's bytes for an instruction that crosses into it. */
static int fetch_next_page(struct cpu *cpu, uint64_t lin, uint8_t *buf, size_t *avail)
{
	uint64_t next = (lin | 0xfff) + 1, pa;
	uint8_t *h;

	if (cpu->mode != 64)
		next = (uint32_t)next;
	if (mmu_translate(cpu, next, TLB_X, cpu->s.cpl == 3, &pa))
		return X_EXC;
	h = mem_host(cpu, pa, NULL);
	if (!h)
		return cpu_internal_error(cpu, "instruction fetch from MMIO");
	memcpy(buf + *avail, h, 15 - *avail);
	*avail = 15;
	return X_OK;
}

static int decode_status(struct cpu *cpu, int n)
{
	return n == DECODE_GP ? excp_gp(cpu, 0) : excp_ud(cpu);
}

/* An instruction that crosses a page: decoded into `tmp`, never cached. */
static const struct insn *decode_crossing(struct cpu *cpu, uint64_t lin, const uint8_t *h,
					  struct insn *tmp, int *rc)
{
	uint8_t buf[16];
	size_t avail = 4096 - (lin & 0xfff);
	int n;

	memcpy(buf, h, avail);
	if ((*rc = fetch_next_page(cpu, lin, buf, &avail)))
		return NULL;
	n = insn_decode(tmp, buf, avail, cpu->mode);
	if (n < 0) {
		*rc = decode_status(cpu, n);
		return NULL;
	}
	return tmp;
}

/* The next page's code for a block that ends with an instruction
 * crossing into it (linear `next`): its physical address, host address and
 * metadata, or false. A failed translation leaves no trace (CR2 kept):
 * the instruction then runs alone and faults when execution gets there. */
static bool cross_page(struct cpu *cpu, uint64_t next, uint64_t *pa, uint8_t **h,
		       struct page_meta **meta)
{
	uint64_t cr2 = cpu->s.cr2;

	if (mmu_translate(cpu, next, TLB_X, cpu->s.cpl == 3, pa)) {
		cpu->s.cr2 = cr2;
		return false;
	}
	*h = mem_host(cpu, *pa, meta);
	return *h != NULL;
}

/* Page `pa` (with `meta`) holds code from now on: writes to it are seen. */
static void code_mark(struct cpu *cpu, uint64_t pa, struct page_meta *meta)
{
	if (!meta->code) {
		meta->code = 1;
		tlb_protect_code(&cpu->tlb, pa);
		cpu_kick_peers(cpu, KICK_CODE_MAP);
	}
}

/* Decode the instruction at offset `off` of page `h` (linear `lin` of the
 * page's start + off) that continues into the next page as block b's
 * last, in[n]; true when it was. 64-bit code only: there it saves a
 * translation's two returns to the run loop (the instruction alone is
 * interpreted and decoded afresh at every run otherwise). */
static bool block_cross(struct cpu *cpu, struct block *b, uint64_t lin, const uint8_t *h,
			size_t off, struct insn *in)
{
	uint64_t next = (lin | 0xfff) + 1, pa;
	struct page_meta *meta;
	uint8_t buf[16], *h2;

	if (cpu->mode != 64 || !cross_page(cpu, next, &pa, &h2, &meta))
		return false;
	memcpy(buf, h, 4096 - off);
	memcpy(buf + 4096 - off, h2, 15 - (4096 - off));
	if (insn_decode(in, buf, 15, cpu->mode) < 0)
		return false;
	code_mark(cpu, pa, meta);
	b->cross = true;
	b->cross_pa = pa & ~0xfffull;
	b->cross_gen = meta->gen;
	return true;
}

/* True when block b (found by its physical address at linear `lin`) may
 * run: a block crossing into the next page needs that page where and as
 * it was (through the fetch TLB; a miss only costs a new decode). Only
 * 64-bit blocks cross (block_cross()), and the block table keys blocks
 * by mode, so `lin` needs no 32-bit wrap here. */
static bool block_valid(struct cpu *cpu, const struct block *b, uint64_t lin, bool user)
{
	uint64_t next = (lin & ~0xfffull) + 4096;
	const struct tlb_entry *te;

	if (!b->cross)
		return true;
	te = tlb_slot(&cpu->tlb, TLB_X, next);
	return te->tag == (next | user) && te->pa == b->cross_pa && te->meta->gen == b->cross_gen;
}

/* Decode a block starting at `h` (guest physical `pa`) into the pool.
 * Returns the block, or NULL with *rc set when even the first instruction
 * cannot be decoded in this page (then *single may hold a page-crossing
 * instruction). */
static struct block *block_build(struct cpu *cpu, uint64_t lin, uint8_t *h, uint64_t pa,
				 struct page_meta *meta, struct insn *single, int *rc)
{
	uint64_t key = icache_key(pa, cpu->mode);
	struct insn *in = icache_reserve(&cpu->icache);
	struct block *b = icache_slot(&cpu->icache, key);
	size_t off = lin & 0xfff;
	uint32_t n = 0;
	int len;

	if (b->key != ~0ull) {
		icache_unlink_blocks(&cpu->icache);   /* links may point to the old block */
		icache_jc_forget(&cpu->icache, b);
	}
	b->key = ~0ull;
	b->cross = false;
	while (n < BLOCK_MAX && off < 4096) {
		len = insn_decode(&in[n], h, 4096 - off, cpu->mode);
		if (len < 0) {
			if (n && len == DECODE_SHORT && block_cross(cpu, b, lin - (lin & 0xfff), h,
								    off, &in[n]))
				n++;       /* it ends the block: the next one is in that page */
			if (n)
				break;     /* fault when (if) execution gets there */
			if (len == DECODE_SHORT && decode_crossing(cpu, lin, h, single, rc))
				*rc = X_OK;
			else if (len != DECODE_SHORT)
				*rc = decode_status(cpu, len);
			return NULL;
		}
		h += len;
		off += len;
		if (insn_ends_block(&in[n++]))
			break;
	}
	cpu->icache.pool_used += n;
	b->key = key;
	b->gen = meta->gen;
	b->n = n;
	b->in = in;
	b->chain = insn_keeps_context(&in[n - 1]);
	b->jit = NULL;
	b->runs = 0;
	b->link[0].to = b->link[1].to = NULL;
	b->link[0].epoch = b->link[1].epoch = cpu->icache.epoch - 1;
	code_mark(cpu, pa, meta);
	return b;
}

/* The block at RIP; NULL with *rc for a fault, or NULL with *single set
 * for a lone page-crossing instruction. The jump cache first, then the
 * fetch translation and the block table. *je is the block's jump cache
 * entry (its translation and size without a look at its header). */
static struct block *fetch(struct cpu *cpu, struct insn *single, const struct insn **one,
			   const struct jc_entry **je, int *rc)
{
	uint64_t lin = cpu->s.seg[SEG_CS].base + cpu->s.rip, pa;
	bool user = cpu->s.cpl == 3;
	uint32_t ctx = icache_ctx(cpu->mode, user);
	struct tlb_entry *te;
	struct page_meta *meta;
	struct block *b;
	uint8_t *h;

	*one = NULL;
	if (cpu->mode != 64)
		lin = (uint32_t)lin;
	*je = icache_jc_find(&cpu->icache, lin, ctx);
	if (*je) {
		STAT(cpu, find_jcache);
		return (*je)->b;
	}
	te = tlb_slot(&cpu->tlb, TLB_X, lin);
	if (te->tag == ((lin & ~0xfffull) | user)) {
		pa = te->pa | (lin & 0xfff);
		meta = te->meta;
		h = te->host + (lin & 0xfff);
	} else {
		if ((*rc = mmu_translate(cpu, lin, TLB_X, user, &pa)))
			return NULL;
		h = mem_host(cpu, pa, &meta);
		if (!h) {
			*rc = cpu_internal_error(cpu, "instruction fetch from MMIO");
			return NULL;
		}
	}
	b = icache_find(&cpu->icache, pa, cpu->mode, meta);
	if (b && !block_valid(cpu, b, lin, user))
		b = NULL;
	if (b) {
		STAT(cpu, find_table);
	} else {
		single->len = 0;
		b = block_build(cpu, lin, h, pa, meta, single, rc);
		if (!b && *rc == X_OK && single->len) {
			*one = single;
			STAT(cpu, find_single);
		} else if (b) {
			STAT(cpu, find_build);
		}
	}
	if (b)
		*je = icache_jc_fill(&cpu->icache, lin, ctx, b);
	return b;
}

static int highest_irq(struct cpu *cpu)
{
	for (int i = 3; i >= 0; i--) {
		uint64_t w = atomic_load_explicit(&cpu->irq_pending[i], memory_order_acquire);

		if (w)
			return i * 64 + 63 - __builtin_clzll(w);
	}
	return -1;
}

/* Between blocks: stop for a kick, take a pending interrupt, or stay
 * halted; drop links / write entries that a peer's code change made wrong. */
static int check_events(struct cpu *cpu, bool shadow)
{
	uint32_t k = atomic_exchange(&cpu->kick, 0);
	int v = highest_irq(cpu);

	if (k & KICK_CODE)
		icache_unlink(&cpu->icache);   /* a peer's write: links may skip the gen check */
	if (k & KICK_CODE_MAP)
		tlb_flush_writes(&cpu->tlb);   /* a peer decoded a page we may write */
	if (k & KICK_EXIT) {
		if (v >= 0)
			atomic_fetch_or(&cpu->kick, KICK_IRQ);
		cpu->exit.reason = CPU_EXIT_INTERRUPTED;
		return X_EXIT;
	}
	if (v < 0 && !shadow && (flags_get(cpu) & FL_IF) && atomic_exchange(&cpu->intr_req, 0)) {
		v = cpu->ops && cpu->ops->inta ? cpu->ops->inta(cpu->opaque, cpu) : -1;
		if (v >= 0 && v < 256) {
			cpu->halted = false;
			if (atomic_load(&cpu->intr_req))
				atomic_fetch_or(&cpu->kick, KICK_IRQ);
			return excp_deliver(cpu, v, false, 0, EXCP_EXT, cpu->s.rip);
		}
		v = -1;
	}
	if (v >= 0 && !shadow && (flags_get(cpu) & FL_IF)) {
		atomic_fetch_and(&cpu->irq_pending[v >> 6], ~(1ull << (v & 63)));
		cpu->halted = false;
		if (highest_irq(cpu) >= 0)
			atomic_fetch_or(&cpu->kick, KICK_IRQ);
		return excp_deliver(cpu, v, false, 0, EXCP_EXT, cpu->s.rip);
	}
	if (v >= 0 || atomic_load(&cpu->intr_req))
		atomic_fetch_or(&cpu->kick, KICK_IRQ);   /* look again when IF allows */
	if (cpu->halted) {
		cpu->exit.reason = CPU_EXIT_HALT;
		return X_EXIT;
	}
	return X_OK;
}

/* The rare outcomes of an instruction: retired with an exit (HLT,
 * VMCALL), an I/O or MMIO exit, or an exception to deliver (X_DELIVERED:
 * RIP is now the handler's, the block is left). */
static __attribute__((noinline)) int exec_slow(struct cpu *cpu, int rc)
{
	if (rc == X_EXIT_DONE) {
		cpu->s.rip = cpu->next_rip;
		cpu->retired++;
		cpu->replay.done = 0;
		return X_EXIT;
	}
	/* handlers pass any failure on as X_EXC; an exit pending means it was
	 * an I/O or MMIO exit, not an exception */
	if (rc == X_EXC && cpu->exit.reason != CPU_EXIT_NONE)
		rc = X_EXIT;
	if (rc == X_EXC) {
		cpu->replay.done = 0;
		rc = excp_deliver(cpu, cpu->exc.vector, cpu->exc.has_error, cpu->exc.error,
				  EXCP_CPU, cpu->s.rip);
		return rc == X_OK ? X_DELIVERED : rc;
	}
	return rc;
}

/* Execute one decoded instruction at RIP and retire it (X_OK), else see
 * exec_slow(). `mode` is a constant where it is inlined for 64-bit code. */
static inline __attribute__((always_inline)) int exec_one(struct cpu *cpu, const struct insn *in,
							  int mode)
{
	uint64_t next = cpu->s.rip + in->len;
	int rc;

	if (mode != 64) {
		next = mode == 32 ? (uint32_t)next : (uint16_t)next;
		if (cpu->s.rip + in->len - 1 > cpu->s.seg[SEG_CS].limit)
			return exec_slow(cpu, excp_gp(cpu, 0));
	}
	cpu->replay.seen = 0;
	cpu->next_rip = next;
	rc = in->fn(cpu, in);
	if (__builtin_expect(rc != X_OK, 0))
		return exec_slow(cpu, rc);
	cpu->s.rip = cpu->next_rip;
	cpu->replay.done = 0;
	return X_OK;      /* the caller counts it retired */
}

/* Run `n` instructions of a block while execution stays sequential: stop
 * on a fault or exit, or a kick (written code kicks too; jumps and
 * interrupt-shadow instructions end their block). */
static inline __attribute__((always_inline)) int exec_run(struct cpu *cpu, const struct insn *in,
							  uint32_t n, int mode)
{
	const struct insn *start = in, *last = in + n;
	int rc = X_OK;

	for (; in < last; in++) {
		rc = exec_one(cpu, in, mode);
		if (rc != X_OK)
			break;
		if (atomic_load_explicit(&cpu->kick, memory_order_relaxed)) {
			in++;
			break;
		}
	}
	cpu->retired += in - start;   /* once per block: no store/reload chain */
	return rc;
}

/* The translation of 64-bit block `b` to run now, or NULL to interpret
 * it: translated after `hot` interpreted runs, for the privilege level it
 * was made for, never with alignment checks possible (its TLB paths do not
 * test them). A full code buffer empties the whole cache (as a full pool
 * does); `b` may still be interpreted this time. */
static jit_fn block_jit(struct cpu *cpu, struct block *b)
{
	struct jit_buf *j = &cpu->icache.jit;
	bool user = cpu->s.cpl == 3;

	if (j->hot < 0 || (user && (cpu->s.cr0 & CR0_AM)))
		return NULL;
	if (b->jit)
		return b->jit_user == user ? b->jit : NULL;
	if (b->runs < j->hot || b->runs == JIT_NEVER) {
		b->runs += b->runs < j->hot;
		return NULL;
	}
	b->jit = jit_translate(cpu, b, user);
	b->jit_user = user;
	if (!b->jit && jit_full(j))
		icache_clear(&cpu->icache);
	else if (!b->jit)
		b->runs = JIT_NEVER;
	else
		icache_jc_refresh(&cpu->icache, b);
	return b->jit;
}

/* True when a translation made for the current privilege may run now
 * (block_jit()'s conditions that are not the block's). */
static bool jit_allowed(const struct cpu *cpu)
{
	return cpu->icache.jit.hot >= 0 && !(cpu->s.cpl == 3 && (cpu->s.cr0 & CR0_AM));
}

/* Why translation `r` came back (VMCTL_CPU_STATS). */
static void jit_ret_count(struct cpu *cpu, struct jit_ret r)
{
	const struct block *last = r.last;

	if (r.r >> 32)
		STAT(cpu, ret_status);
	else if (atomic_load_explicit(&cpu->kick, memory_order_relaxed))
		STAT(cpu, ret_kick);
	else if (cpu->retired > cpu->jit_end)
		STAT(cpu, ret_budget);
	else if (!last)
		STAT(cpu, ret_lost);
	else if (!last->chain)
		STAT(cpu, ret_context);
	else if (insn_indirect(&last->in[last->n - 1]))
		STAT(cpu, ret_indirect);
	else
		STAT(cpu, ret_direct);
}

/* Run translation `f` (made for the current privilege): as exec_run(),
 * in host code. `from` is the block run before (as in run_block()): its
 * translation learns to go on in this one. On return `*prev` is the
 * block whose code returned, when the next block may be chained to it. */
static int jit_run(struct cpu *cpu, struct block *from, jit_fn f, struct block **prev)
{
	struct jit_ret r;
	int rc = X_OK;

	if (from && from->jit && from->jit_user == (cpu->s.cpl == 3))
		jit_link(cpu, from, cpu->s.rip, jit_body(f));   /* from's translation goes on in f */
	STAT(cpu, run_jit);
	r = f(cpu);
	cpu->retired += (uint32_t)r.r;
	if (__builtin_expect(cpu->icache.stats.on, 0))
		jit_ret_count(cpu, r);
	if (r.r >> 32)
		rc = exec_slow(cpu, (int)(r.r >> 32));
	else if (r.last && r.last->chain)
		*prev = r.last;
	return rc == X_DELIVERED ? X_OK : rc;
}

/* Run the block at RIP while execution stays in it. `*prev` is the block
 * run just before (NULL if none, or if CS, the mode or CPL may have changed
 * since): its links are tried first and it learns the way to this block; on
 * return `*prev` is this block when the next one may be chained to it. */
static int run_block(struct cpu *cpu, uint64_t end, struct block **prev)
{
	struct insn single;
	const struct insn *one = NULL;
	const struct jc_entry *je = NULL;
	int rc = X_OK;
	struct block *from = *prev;
	struct block *b = from ? icache_follow(&cpu->icache, from, cpu->s.rip) : NULL;
	int mode = cpu->mode;        /* only a block's last instruction changes it */
	uint64_t left = end - cpu->retired;
	uint32_t n;
	jit_fn jf;

	if (b) {
		STAT(cpu, find_link);
	} else {
		b = fetch(cpu, &single, &one, &je, &rc);
		if (b && from)
			icache_link(&cpu->icache, from, cpu->s.rip, b);
	}
	*prev = NULL;
	/* the jump cache named a translation: no look at b's header */
	if (je && je->jit && left >= je->n && jit_allowed(cpu))
		return jit_run(cpu, from, je->jit, prev);
	if (one) {
		rc = exec_one(cpu, one, mode);
		return rc == X_DELIVERED ? X_OK : rc;
	}
	if (!b)
		return rc == X_EXC ? excp_deliver(cpu, cpu->exc.vector, cpu->exc.has_error,
						  cpu->exc.error, EXCP_CPU, cpu->s.rip) : rc;
	jf = mode == 64 && left >= b->n ? block_jit(cpu, b) : NULL;
	if (jf)
		return jit_run(cpu, from, jf, prev);
	STAT(cpu, run_interp);
	n = left < b->n ? (uint32_t)left : b->n;
	rc = mode == 64 ? exec_run(cpu, b->in, n, 64) : exec_run(cpu, b->in, n, mode);
	if (rc == X_OK && b->chain)
		*prev = b;
	return rc == X_DELIVERED ? X_OK : rc;
}

enum cpu_exit_reason cpu_run(struct cpu *cpu, uint64_t budget, struct cpu_exit *ex)
{
	uint64_t end = budget ? cpu->retired + budget : UINT64_MAX;
	struct block *prev = NULL;
	int rc = X_OK;
	/* An instruction that an I/O or MMIO exit stopped retires first, with
	 * its completion replayed: an interrupt taken before it (one the
	 * access itself raised, say) would return to it and repeat the
	 * access, and raise the interrupt again. */
	bool mid_insn = cpu->replay.done > 0;

	cpu->exit.reason = CPU_EXIT_NONE;
	mem_log_enter(cpu);      /* logged RAM's new place, before any access */
	/* a translation chains on only when any next block fits the budget */
	cpu->jit_end = end >= BLOCK_MAX ? end - BLOCK_MAX : 0;
	if (cpu->halted)
		atomic_fetch_or(&cpu->kick, KICK_IRQ);
	while (rc == X_OK) {
		bool shadow = cpu->interrupt_shadow;

		cpu->interrupt_shadow = false;
		if (!mid_insn &&
		    (atomic_load_explicit(&cpu->kick, memory_order_relaxed) || cpu->halted)) {
			prev = NULL;     /* an interrupt may be delivered */
			rc = check_events(cpu, shadow);
			if (rc != X_OK)
				break;
		}
		mid_insn = false;
		rc = run_block(cpu, end, &prev);
		if (rc == X_OK && cpu->retired >= end) {
			cpu->exit.reason = CPU_EXIT_INTERRUPTED;
			rc = X_EXIT;
		}
	}
	mem_log_leave(cpu);      /* the logged pages written reach the reader */
	*ex = cpu->exit;
	return ex->reason;
}
