/* The run loop: fetch through the decoded-instruction cache, dispatch, retire
 * or deliver the exception; between instructions take interrupts and kicks. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/mmu.h"

/* Bytes of the instruction at `lin`: the rest of its page, plus the next page
 * when the instruction may cross into it. */
static int fetch_bytes(struct cpu *cpu, uint64_t lin, const uint8_t *h, uint8_t *buf,
		       size_t *avail)
{
	size_t first = 4096 - (lin & 0xfff);

	if (first >= 15) {
		*avail = first;
		return X_OK;
	}
	memcpy(buf, h, first);
	*avail = first;
	return X_OK;
}

static int fetch_next_page(struct cpu *cpu, uint64_t lin, uint8_t *buf, size_t *avail)
{
	uint64_t next = (lin | 0xfff) + 1, pa;
	bool user = cpu->s.cpl == 3;
	uint8_t *h;

	if (cpu->mode != 64)
		next = (uint32_t)next;
	if (mmu_translate(cpu, next, TLB_X, user, &pa))
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

/* Decode the instruction at `lin` (page host `h`, physical `pa`), caching it
 * when it lies within one page. */
static const struct insn *decode_at(struct cpu *cpu, uint64_t lin, uint8_t *h, uint64_t pa,
				    struct page_meta *meta, struct insn *tmp, int *rc)
{
	uint8_t buf[16];
	size_t avail;
	const uint8_t *src = h;
	int n;
	struct icache_entry *e;

	fetch_bytes(cpu, lin, h, buf, &avail);
	if (avail < 15)
		src = buf;
	n = insn_decode(tmp, src, avail, cpu->mode);
	if (n == DECODE_SHORT) {
		if ((*rc = fetch_next_page(cpu, lin, buf, &avail)))
			return NULL;
		n = insn_decode(tmp, buf, avail, cpu->mode);
		if (n > 0)
			return tmp;     /* crosses a page: not cached */
	}
	if (n < 0) {
		*rc = decode_status(cpu, n);
		return NULL;
	}
	e = icache_slot(&cpu->icache, icache_key(pa, cpu->mode));
	e->key = icache_key(pa, cpu->mode);
	e->gen = meta->gen;
	e->in = *tmp;
	if (!meta->code) {
		meta->code = 1;
		tlb_protect_code(&cpu->tlb, pa);
	}
	return &e->in;
}

static const struct insn *fetch(struct cpu *cpu, struct insn *tmp, int *rc)
{
	uint64_t lin = cpu->s.seg[SEG_CS].base + cpu->s.rip, pa;
	bool user = cpu->s.cpl == 3;
	struct tlb_entry *te;
	struct page_meta *meta;
	const struct insn *in;
	uint8_t *h;

	if (cpu->mode != 64)
		lin = (uint32_t)lin;
	te = tlb_slot(&cpu->tlb, lin);
	if (te->tag[TLB_X] == ((lin & ~0xfffull) | user)) {
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
	in = icache_find(&cpu->icache, pa, cpu->mode, meta);
	if (!in)
		in = decode_at(cpu, lin, h, pa, meta, tmp, rc);
	if (in && cpu->mode != 64 && cpu->s.rip + in->len - 1 > cpu->s.seg[SEG_CS].limit) {
		*rc = excp_gp(cpu, 0);
		return NULL;
	}
	return in;
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

/* Between instructions: take a pending interrupt, or stop for a kick. */
static int check_events(struct cpu *cpu, bool shadow)
{
	uint32_t k = atomic_exchange(&cpu->kick, 0);
	int v = highest_irq(cpu);

	if (v >= 0 && !shadow && (flags_get(cpu) & FL_IF)) {
		atomic_fetch_and(&cpu->irq_pending[v >> 6], ~(1ull << (v & 63)));
		cpu->halted = false;
		if (highest_irq(cpu) >= 0)
			atomic_fetch_or(&cpu->kick, 2);
		return excp_deliver(cpu, v, false, 0, true, cpu->s.rip);
	}
	if (v >= 0)
		atomic_fetch_or(&cpu->kick, 2);   /* look again when IF allows */
	if (k & 1) {
		cpu->exit.reason = CPU_EXIT_INTERRUPTED;
		return X_EXIT;
	}
	if (cpu->halted) {
		cpu->exit.reason = CPU_EXIT_HALT;
		return X_EXIT;
	}
	return X_OK;
}

static int step(struct cpu *cpu)
{
	struct insn tmp;
	const struct insn *in;
	int rc = X_OK;

	cpu->replay.seen = 0;
	in = fetch(cpu, &tmp, &rc);
	if (in) {
		uint64_t next = cpu->s.rip + in->len;

		cpu->next_rip = cpu->mode == 64 ? next : cpu->mode == 32 ? (uint32_t)next : (uint16_t)next;
		rc = in->fn(cpu, in);
	}
	if (rc == X_OK || rc == X_EXIT_DONE) {
		cpu->s.rip = cpu->next_rip;
		cpu->retired++;
		cpu->replay.done = 0;
		return rc == X_OK ? X_OK : X_EXIT;
	}
	if (rc == X_EXC) {
		cpu->replay.done = 0;
		return excp_deliver(cpu, cpu->exc.vector, cpu->exc.has_error, cpu->exc.error,
				    false, cpu->s.rip);
	}
	return rc;
}

enum cpu_exit_reason cpu_run(struct cpu *cpu, uint64_t budget, struct cpu_exit *ex)
{
	uint64_t end = budget ? cpu->retired + budget : UINT64_MAX;
	int rc = X_OK;

	cpu->exit.reason = CPU_EXIT_NONE;
	if (cpu->halted)
		atomic_fetch_or(&cpu->kick, 2);
	while (rc == X_OK) {
		bool shadow = cpu->interrupt_shadow;

		cpu->interrupt_shadow = false;
		if (atomic_load_explicit(&cpu->kick, memory_order_relaxed) || cpu->halted) {
			rc = check_events(cpu, shadow);
			if (rc != X_OK)
				break;
		}
		rc = step(cpu);
		if (rc == X_OK && cpu->retired >= end) {
			cpu->exit.reason = CPU_EXIT_INTERRUPTED;
			rc = X_EXIT;
		}
	}
	*ex = cpu->exit;
	return ex->reason;
}
