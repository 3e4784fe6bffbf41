/* Differential test: random user-mode instruction sequences run natively
 * (dt_native.c) and on the soft CPU, then registers, flags (minus the bits
 * the manual leaves undefined for the instructions in the sequence), XMM,
 * x87 control/status, the exception that ended the run and the data page
 * are compared. Every mismatch ever found is kept as a fixed case in
 * dt_regress.def and runs first.
 *
 *   difftest [instructions [seed]]     (default 1000000, DT_INSNS overrides)
 */
#include "hypervisor/cpu/cpu.h"
#include "tests/cpu/dt.h"
/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 20000
#define COMPARED_FLAGS 0xcd5ull     /* CF PF AF ZF SF OF DF */

struct soft {
	struct cpu *cpu;
	uint8_t *low, *pages;           /* guest RAM: page tables, code+data */
	struct cpu_state base;
};

static int soft_init(struct soft *s)
{
	struct cpu_ram ram[2];
	uint64_t *pml4, *pdpt;

	s->low = aligned_alloc(4096, 0x4000);
	s->pages = aligned_alloc(4096, 0x2000);
	if (!s->low || !s->pages)
		return -1;
	memset(s->low, 0, 0x4000);
	memset(s->pages, 0, 0x2000);
	pml4 = (uint64_t *)(s->low + 0x1000);
	pdpt = (uint64_t *)(s->low + 0x2000);
	pml4[0] = 0x2000 | 7;
	pdpt[0] = 0x0 | 0x87;             /* 1 GiB identity page, user, writable */
	ram[0] = (struct cpu_ram){ .gpa = 0, .size = 0x4000, .host = s->low };
	ram[1] = (struct cpu_ram){ .gpa = DT_CODE, .size = 0x2000, .host = s->pages };
	s->cpu = cpu_create(ram, 2, NULL, NULL);
	if (!s->cpu)
		return -1;
	cpu_set_exit_bitmap(s->cpu, ~0u);
	cpu_get_state(s->cpu, &s->base);
	s->base.cr0 = 0x80010033;         /* PG WP NE ET MP PE (no AM: the fast path) */
	s->base.cr4 = 0x620;              /* OSXMMEXCPT OSFXSR PAE */
	s->base.efer = 0xd01;             /* NXE LMA LME SCE */
	s->base.cr3 = 0x1000;
	s->base.seg[SEG_CS] = (struct cpu_seg){ .sel = 0x33, .limit = 0xffffffff, .attr = 0xa0fb };
	s->base.seg[SEG_SS] = (struct cpu_seg){ .sel = 0x2b, .limit = 0xffffffff, .attr = 0xc0f3 };
	for (int i = SEG_ES; i <= SEG_GS; i++)
		if (i != SEG_CS && i != SEG_SS)
			s->base.seg[i] = (struct cpu_seg){ .limit = 0xffffffff, .attr = 0xc0f3 };
	/* a 64-bit TSS whose I/O bitmap lies beyond its limit: IN/OUT fault */
	s->base.seg[SEG_TR] = (struct cpu_seg){ .base = 0x3000, .limit = 0x67, .attr = 0x8b };
	s->low[0x3066] = 0x68;
	s->base.cpl = 3;
	s->base.mxcsr = 0x1f80;
	return 0;
}

static void soft_run(struct soft *s, const struct dt_case *c, struct dt_result *r)
{
	struct cpu_state st = s->base;
	struct cpu_exit ex;
	uint64_t before = cpu_retired(s->cpu);

	memcpy(s->pages, c->code, c->len);
	s->pages[c->len] = 0xcc;
	cpu_invalidate_code(s->cpu, DT_CODE, c->len + 1);
	dt_fill_data(c, s->pages + 0x1000);
	if (c->mode == 32)   /* compatibility mode: Linux's 32-bit user CS */
		st.seg[SEG_CS] = (struct cpu_seg){ .sel = 0x23, .limit = 0xffffffff, .attr = 0xc0fb };
	memcpy(st.gpr, c->in.gpr, sizeof(st.gpr));
	st.rflags = c->in.rflags;
	st.rip = c->in.rip;
	memcpy(st.xmm, c->in.xmm, sizeof(st.xmm));
	st.fcw = c->in.fcw;
	st.fsw = c->in.fsw;
	st.mxcsr = c->in.mxcsr;
	cpu_set_state(s->cpu, &st);
	cpu_run(s->cpu, 256, &ex);
	cpu_get_state(s->cpu, &st);
	memset(r, 0, sizeof(*r));
	r->valid = ex.reason == CPU_EXIT_FAULT;
	r->vector = ex.reason == CPU_EXIT_FAULT ? ex.fault.vector : 1000 + ex.reason;
	r->retired = cpu_retired(s->cpu) - before;
	memcpy(r->out.gpr, st.gpr, sizeof(st.gpr));
	r->out.rflags = st.rflags;
	r->out.rip = st.rip;
	memcpy(r->out.xmm, st.xmm, sizeof(st.xmm));
	r->out.fcw = st.fcw;
	r->out.fsw = st.fsw;
	r->out.mxcsr = st.mxcsr;
	r->data_hash = dt_hash(s->pages + 0x1000, DT_DATA_SIZE);
}

static void print_case(const struct dt_case *c)
{
	char hex[2 * DT_MAX_CODE + 1];

	for (int i = 0; i < c->len; i++)
		sprintf(hex + 2 * i, "%02x", c->code[i]);
	diag("  code %s (%d-bit, %d insns:%s%s%s%s%s%s%s)", hex, c->mode, c->ninsn,
	     " ", dt_tmpl_name(c->tmpl[0]), c->ninsn > 1 ? ", " : "",
	     c->ninsn > 1 ? dt_tmpl_name(c->tmpl[1]) : "", c->ninsn > 2 ? ", " : "",
	     c->ninsn > 2 ? dt_tmpl_name(c->tmpl[2]) : "", c->ninsn > 3 ? ", ..." : "");
	for (int i = 0; i < 16; i++)
		diag("  in  gpr%-2d %016" PRIx64, i, c->in.gpr[i]);
	diag("  in  rflags %08" PRIx64, c->in.rflags);
}

/* 0 when equal; else prints the differences. */
static int compare(const struct dt_case *c, const struct dt_result *n, const struct dt_result *s)
{
	uint64_t fm = COMPARED_FLAGS & ~c->flags_undef;
	int bad = 0;

	if (n->vector != s->vector) {
		diag("  vector: native %u soft %u", n->vector, s->vector);
		bad++;
	}
	if (bad || ((n->out.rflags ^ s->out.rflags) & fm))
		diag("  ended by vector %u at %" PRIx64 " (native) / %u at %" PRIx64 " (soft)",
		     n->vector, n->out.rip, s->vector, s->out.rip);
	if (n->out.rip != s->out.rip) {
		diag("  rip: native %" PRIx64 " soft %" PRIx64, n->out.rip, s->out.rip);
		bad++;
	}
	for (int i = 0; i < 16; i++)
		/* 32-bit code sees the low halves of RAX..RDI only */
		if ((n->out.gpr[i] ^ s->out.gpr[i]) & (c->mode == 32 && i < 8 ? 0xffffffffull : ~0ull)) {
			diag("  gpr%d: native %016" PRIx64 " soft %016" PRIx64, i, n->out.gpr[i], s->out.gpr[i]);
			bad++;
		}
	if ((n->out.rflags ^ s->out.rflags) & fm) {
		diag("  rflags: native %" PRIx64 " soft %" PRIx64 " (compared %" PRIx64 ")",
		     n->out.rflags, s->out.rflags, fm);
		bad++;
	}
	for (int i = 0; i < 16; i++)
		if (memcmp(n->out.xmm[i], s->out.xmm[i], 16)) {
			uint64_t a[2], b[2];

			memcpy(a, n->out.xmm[i], 16);
			memcpy(b, s->out.xmm[i], 16);
			diag("  xmm%d: native %016" PRIx64 "%016" PRIx64 " soft %016" PRIx64 "%016" PRIx64,
			     i, a[1], a[0], b[1], b[0]);
			bad++;
		}
	if (n->out.mxcsr != s->out.mxcsr) {
		diag("  mxcsr: native %x soft %x", n->out.mxcsr, s->out.mxcsr);
		bad++;
	}
	if (n->out.fcw != s->out.fcw || n->out.fsw != s->out.fsw) {
		diag("  x87 cw/sw: native %x/%x soft %x/%x", n->out.fcw, n->out.fsw, s->out.fcw, s->out.fsw);
		bad++;
	}
	if (n->data_hash != s->data_hash) {
		diag("  data page differs");
		bad++;
	}
	return bad;
}

struct totals {
	uint64_t insns, cases, skipped, mismatches;
	uint64_t by_vector[33];
};

static void run_batch(struct soft *s, struct dt_case *cases, struct dt_result *nat,
		      int n, struct totals *t)
{
	struct dt_result sr;

	if (dt_native_run(cases, nat, n)) {
		ok(0, "native runner set up");
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		if (!nat[i].valid) {
			t->skipped++;
			continue;
		}
		soft_run(s, &cases[i], &sr);
		t->cases++;
		t->insns += sr.retired - (sr.vector == 3 && sr.out.rip == DT_CODE + cases[i].len + 1);
		if (sr.vector < 33)
			t->by_vector[sr.vector]++;
		if (compare(&cases[i], &nat[i], &sr)) {
			if (t->mismatches++ < 10)
				print_case(&cases[i]);
		}
	}
}

/* Fixed cases: every mismatch found so far, as code plus registers. */
struct regress {
	const char *name, *hex;
	uint64_t rax, rcx, rdx, rbx, rsi, rdi, rflags, undef;
	int mode;
};

static const struct regress regress[] = {
#define REGRESS(name, hex, rax, rcx, rdx, rbx, rsi, rdi, fl, undef) \
	{ name, hex, rax, rcx, rdx, rbx, rsi, rdi, fl, undef, 64 },
#define REGRESS32(name, hex, rax, rcx, rdx, rbx, rsi, rdi, fl, undef) \
	{ name, hex, rax, rcx, rdx, rbx, rsi, rdi, fl, undef, 32 },
#include "tests/cpu/dt_regress.def"
#undef REGRESS
#undef REGRESS32
};

static int regress_cases(struct dt_case *cases)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(regress) / sizeof(regress[0]); i++) {
		struct dt_case *c = &cases[n++];
		const char *h = regress[i].hex;

		dt_gen_case(c, 42, i);         /* random state for everything else */
		c->len = 0;
		for (; h[0] && h[1]; h += 2)
			c->code[c->len++] = (uint8_t)strtoul((char[]){ h[0], h[1], 0 }, NULL, 16);
		c->ninsn = 1;
		c->mode = regress[i].mode;
		c->flags_undef = regress[i].undef;
		c->tmpl[0] = 0xffff;
		c->npatch = 0;
		c->in.gpr[0] = regress[i].rax;
		c->in.gpr[1] = regress[i].rcx;
		c->in.gpr[2] = regress[i].rdx;
		c->in.gpr[3] = regress[i].rbx;
		c->in.gpr[6] = regress[i].rsi;
		c->in.gpr[7] = regress[i].rdi;
		c->in.rflags = regress[i].rflags | 0x202;
		c->in.mxcsr = 0x1f80;
	}
	return n;
}

int main(int argc, char **argv)
{
	uint64_t want = argc > 1 ? strtoull(argv[1], NULL, 0) : 1000000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed;
	struct dt_case *cases = calloc(BATCH, sizeof(*cases));
	struct dt_result *nat = calloc(BATCH, sizeof(*nat));
	struct totals t = { 0 };
	struct soft s;
	uint64_t num = 0;
	int n;

	if (getenv("DT_INSNS"))
		want = strtoull(getenv("DT_INSNS"), NULL, 0);
	if (!cases || !nat || soft_init(&s)) {
		ok(0, "set up");
		return tap_done();
	}
	n = regress_cases(cases);
	run_batch(&s, cases, nat, n, &t);
	ok(t.mismatches == 0 && t.skipped == 0, "%d fixed regression cases agree", n);
	t.mismatches = 0;
	while (t.insns < want) {
		for (int i = 0; i < BATCH; i++)
			dt_gen_case(&cases[i], seed, num++);
		run_batch(&s, cases, nat, BATCH, &t);
	}
	diag("%" PRIu64 " sequences, %" PRIu64 " instructions compared; ended by #BP %" PRIu64
	     ", #DE %" PRIu64 ", #UD %" PRIu64 ", #GP %" PRIu64 ", other faults %" PRIu64,
	     t.cases, t.insns, t.by_vector[3], t.by_vector[0], t.by_vector[6], t.by_vector[13],
	     t.cases - t.by_vector[3] - t.by_vector[0] - t.by_vector[6] - t.by_vector[13]);
	ok(t.skipped == 0, "no sequence killed the native child (%" PRIu64 ")", t.skipped);
	ok(t.mismatches == 0, "%" PRIu64 " instructions: soft CPU matches the host (%" PRIu64 " mismatches)",
	   t.insns, t.mismatches);
	ok(t.insns >= want, "at least %" PRIu64 " instructions compared", want);
	cpu_destroy(s.cpu);
	free(s.low);
	free(s.pages);
	free(cases);
	free(nat);
	return tap_done();
}
