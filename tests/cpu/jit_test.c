/* The block translator against the interpreter: the same guest runs on
 * two soft CPUs, one interpreting only (cpu_set_jit(-1)), one translating
 * every 64-bit block at its first run, and the whole states must be equal:
 * every RFLAGS bit (both sides are the soft CPU: even the bits the manual
 * leaves undefined), registers, RIP, the exception and the instruction
 * count, XMM, and memory.
 *
 * 1. The differential test's random 64-bit sequences (flag-heavy ALU
 *    chains, loads and stores of every size, faults in the middle of a
 *    sequence), half of them entered through a prologue block that
 *    touches the data page, so that the translated loads and stores hit
 *    the TLB, half cold (the slow paths and their joins).
 * 2. A hot loop (1000 rounds): loads and stores with base + index,
 *    accesses crossing a page, CMP/TEST + Jcc, CMOV/SHL/ADC through the
 *    handlers, CALL/PUSH/POP/RET, a store into its own code page every
 *    256 rounds (the translation must be dropped), then a fault in the
 *    middle of a block.
 * 3. Slow paths joining fused flags; a load crossing out of RAM; guest
 *    registers cached in host registers across handler calls, slow paths
 *    and a fault.
 * 4. Loops inside one translation (a branch back into its own block),
 *    with a fault and budget stops in the middle; 16-bit shifts and
 *    rotates whose flags are dead, inline.
 * 5. VMCTL_PERF_MAP's map of the translations.
 *
 *   jit_test [cases [seed]]
 */
#include "hypervisor/cpu/cpu.h"
#include "tests/cpu/dt.h"
#include "tests/cpu/flat64.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROLOGUE (DT_CODE + 0xf00)
#define DATA_PAGES 2

struct side {
	struct cpu *cpu;
	uint8_t *low, *pages;     /* page tables; code page + data pages */
};

/* Long mode, CPL 3, the first GiB identity-mapped by one user page. */
static int side_init(struct side *s, int hot)
{
	struct cpu_ram ram[2];
	struct cpu_state st;
	uint64_t *pml4, *pdpt;

	s->low = aligned_alloc(4096, 0x4000);
	s->pages = aligned_alloc(4096, 0x1000 * (1 + DATA_PAGES));
	if (!s->low || !s->pages)
		return -1;
	memset(s->low, 0, 0x4000);
	memset(s->pages, 0, 0x1000 * (1 + DATA_PAGES));
	pml4 = (uint64_t *)(s->low + 0x1000);
	pdpt = (uint64_t *)(s->low + 0x2000);
	pml4[0] = 0x2000 | 7;
	pdpt[0] = 0x87;
	ram[0] = (struct cpu_ram){ .gpa = 0, .size = 0x4000, .host = s->low };
	ram[1] = (struct cpu_ram){ .gpa = DT_CODE, .size = 0x1000 * (1 + DATA_PAGES),
				   .host = s->pages };
	s->cpu = cpu_create(ram, 2, NULL, NULL);
	if (!s->cpu || cpu_set_jit(s->cpu, hot))
		return -1;
	cpu_set_exit_bitmap(s->cpu, ~0u);
	cpu_get_state(s->cpu, &st);
	flat64_paged(&st, 0x1000, 3);
	cpu_set_state(s->cpu, &st);
	return 0;
}

static void side_free(struct side *s)
{
	cpu_destroy(s->cpu);
	free(s->low);
	free(s->pages);
}

struct outcome {
	struct cpu_state st;
	struct cpu_exit ex;
	uint64_t retired, mem_hash;
};

static void run(struct side *s, const uint8_t *code, size_t len, uint64_t rip,
		const uint64_t gpr[16], uint64_t rflags, const struct dt_case *c,
		uint64_t budget, struct outcome *o)
{
	uint64_t before = cpu_retired(s->cpu);

	cpu_get_state(s->cpu, &o->st);
	memcpy(s->pages, code, len);
	cpu_invalidate_code(s->cpu, DT_CODE, 0x1000);
	memset(s->pages + 0x1000, 0, 0x1000 * DATA_PAGES);
	if (c) {
		s->pages[len] = 0xcc;
		dt_fill_data(c, s->pages + 0x1000);
		memcpy(o->st.xmm, c->in.xmm, sizeof(o->st.xmm));
		o->st.mxcsr = c->in.mxcsr;
	}
	memcpy(o->st.gpr, gpr, sizeof(o->st.gpr));
	o->st.rflags = rflags;
	o->st.rip = rip;
	cpu_set_state(s->cpu, &o->st);
	cpu_run(s->cpu, budget, &o->ex);
	cpu_get_state(s->cpu, &o->st);
	o->retired = cpu_retired(s->cpu) - before;
	o->mem_hash = dt_hash(s->pages, 0x1000 * (1 + DATA_PAGES));
}

/* The number of differences (printed). */
static int differ(const struct outcome *a, const struct outcome *b)
{
	int bad = 0;

	for (int i = 0; i < 16; i++)
		if (a->st.gpr[i] != b->st.gpr[i]) {
			diag("  gpr%d: interpreter %016" PRIx64 " translated %016" PRIx64, i,
			     a->st.gpr[i], b->st.gpr[i]);
			bad++;
		}
	if (a->st.rflags != b->st.rflags || a->st.rip != b->st.rip) {
		diag("  rflags/rip: interpreter %" PRIx64 "/%" PRIx64 " translated %" PRIx64
		     "/%" PRIx64, a->st.rflags, a->st.rip, b->st.rflags, b->st.rip);
		bad++;
	}
	if (a->ex.reason != b->ex.reason ||
	    (a->ex.reason == CPU_EXIT_FAULT && a->ex.fault.vector != b->ex.fault.vector)) {
		diag("  exit: interpreter %d translated %d", a->ex.reason, b->ex.reason);
		bad++;
	}
	if (a->retired != b->retired) {
		diag("  retired: interpreter %" PRIu64 " translated %" PRIu64, a->retired, b->retired);
		bad++;
	}
	if (memcmp(a->st.xmm, b->st.xmm, sizeof(a->st.xmm)) || a->st.mxcsr != b->st.mxcsr) {
		diag("  xmm/mxcsr differ");
		bad++;
	}
	if (a->mem_hash != b->mem_hash) {
		diag("  memory differs");
		bad++;
	}
	return bad;
}

/* XCHG [data], AL twice (nothing changes, the data page gets read and
 * write TLB entries), then JMP to the sequence at DT_CODE. */
static size_t prologue(uint8_t *p)
{
	int32_t rel;
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		p[n++] = 0x86;
		p[n++] = 0x05;
		rel = (int32_t)(DT_DATA - (PROLOGUE + n + 4));
		memcpy(p + n, &rel, 4);
		n += 4;
	}
	p[n++] = 0xe9;
	rel = (int32_t)(DT_CODE - (PROLOGUE + n + 4));
	memcpy(p + n, &rel, 4);
	return n + 4;
}

static void random_cases(struct side *in, struct side *tr, uint64_t ncases, uint64_t seed)
{
	uint8_t code[0x1000];
	uint64_t compared = 0, bad = 0, entry;
	struct outcome a, b;
	struct dt_case c;

	for (uint64_t n = 0; n < ncases; n++) {
		dt_gen_case(&c, seed, n);
		if (c.mode != 64)
			continue;
		memset(code, 0, sizeof(code));
		memcpy(code, c.code, c.len);
		code[c.len] = 0xcc;
		prologue(code + (PROLOGUE - DT_CODE));
		/* every other case starts cold (no TLB entries: the
		 * translation's slow paths and their joins run) */
		entry = n & 1 ? DT_CODE : PROLOGUE;
		run(in, code, sizeof(code), entry, c.in.gpr, c.in.rflags, &c, 256, &a);
		run(tr, code, sizeof(code), entry, c.in.gpr, c.in.rflags, &c, 256, &b);
		compared++;
		if (differ(&a, &b) && bad++ < 10) {
			char hex[2 * DT_MAX_CODE + 1];

			for (int i = 0; i < c.len; i++)
				sprintf(hex + 2 * i, "%02x", c.code[i]);
			diag("case %" PRIu64 ": code %s (%s ...)", n, hex, dt_tmpl_name(c.tmpl[0]));
		}
	}
	ok(compared > ncases / 2, "%" PRIu64 " random 64-bit sequences run both ways", compared);
	ok(bad == 0, "translated sequences match the interpreter (%" PRIu64 " differ)", bad);
}

/* The loop, assembled (as, AT&T syntax):
 *   start: mov (%rsi,%rcx,4),%eax;  patch: add $0x12345,%eax
 *          mov %eax,0x400(%rsi,%rcx,4); mov 0xffd(%rsi),%rdx; xor %rax,%rdx
 *          mov %dx,0xffe(%rsi); movzbl (%rsi,%rcx),%ebx; cmp $0x80,%ebx
 *          cmovb %rdx,%r8; shl $3,%rdx; sub %rdx,%r9; lea 0x10(%r9,%rbx,2),%r10
 *          test %r10d,%r10d; js 1f; add %r10,%r11
 *   1:     movsbq 0x7(%rsi,%rcx),%r12; adc %r12,%r13; call sub
 *          test $0xff,%cl; jnz 2f
 *          mov %cl,patch+2(%rip)
 *   2:     inc %ecx; cmp $1000,%ecx; jb start
 *          add $1,%r14; mov (%rdi),%rax; hlt
 *   sub:   push %rbx; push %rcx; pop %r15; pop %rbp; ret */
static const uint8_t loop_code[] = {
	0x8b, 0x04, 0x8e, 0x05, 0x45, 0x23, 0x01, 0x00, 0x89, 0x84, 0x8e, 0x00,
	0x04, 0x00, 0x00, 0x48, 0x8b, 0x96, 0xfd, 0x0f, 0x00, 0x00, 0x48, 0x31,
	0xc2, 0x66, 0x89, 0x96, 0xfe, 0x0f, 0x00, 0x00, 0x0f, 0xb6, 0x1c, 0x0e,
	0x81, 0xfb, 0x80, 0x00, 0x00, 0x00, 0x4c, 0x0f, 0x42, 0xc2, 0x48, 0xc1,
	0xe2, 0x03, 0x49, 0x29, 0xd1, 0x4d, 0x8d, 0x54, 0x59, 0x10, 0x45, 0x85,
	0xd2, 0x78, 0x03, 0x4d, 0x01, 0xd3, 0x4c, 0x0f, 0xbe, 0x64, 0x0e, 0x07,
	0x4d, 0x11, 0xe5, 0xe8, 0x1d, 0x00, 0x00, 0x00, 0xf6, 0xc1, 0xff, 0x75,
	0x06, 0x88, 0x0d, 0xaa, 0xff, 0xff, 0xff, 0xff, 0xc1, 0x81, 0xf9, 0xe8,
	0x03, 0x00, 0x00, 0x72, 0x9b, 0x49, 0x83, 0xc6, 0x01, 0x48, 0x8b, 0x07,
	0xf4, 0x53, 0x51, 0x41, 0x5f, 0x5d, 0xc3,
};
#define LOOP_FAULT_RIP (DT_CODE + 0x69)   /* mov (%rdi), %rax */

static void hot_loop(struct side *in, struct side *tr)
{
	uint64_t gpr[16] = { 0 };
	struct outcome a, b;

	for (int i = 0; i < 16; i++)
		gpr[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
	gpr[1] = 0;                           /* rcx: the round */
	gpr[4] = DT_STACK_TOP;
	gpr[6] = DT_DATA;                     /* rsi: the data pages */
	gpr[7] = 0x8000000000000000ull;       /* rdi: non-canonical: #GP */
	run(in, loop_code, sizeof(loop_code), DT_CODE, gpr, 0x202, NULL, 0, &a);
	run(tr, loop_code, sizeof(loop_code), DT_CODE, gpr, 0x202, NULL, 0, &b);
	ok(a.ex.reason == CPU_EXIT_FAULT && a.ex.fault.vector == 13 &&
	   a.st.rip == LOOP_FAULT_RIP && a.st.gpr[1] == 1000,
	   "the loop ran 1000 rounds and faulted at its last load (interpreter)");
	ok(!differ(&a, &b), "the translated loop ends in the same state (%" PRIu64
	   " instructions, #GP at the same RIP)", b.retired);
}

/* Memory operands that always cross a page, so the translation always
 * takes its slow path (the handler), followed by instructions that use
 * the flags the join must hold (fused CMOVcc, SETcc and Jcc, also after a
 * load and a store that clobbered the host flags), and GS-relative
 * operands (GS base 0x800):
 *   start: add 0xffd(%rsi),%edx; cmovb %rcx,%r8
 *          cmpl $0x1234,0xffe(%rsi); cmovl %r9,%r10
 *          sub 0xff9(%rsi),%r11; cmovo %rdx,%r13
 *          imul $0x3779b1,%rdx,%rdx; cmp 0xffb(%rsi),%rdx (last round's)
 *          mov 0x10(%rsi),%rdi; setl %al; setbe %r14b; mov %rdx,0xffb(%rsi)
 *          ja 1f; add $3,%r12
 *   1:     imul $3,%r12,%r12; add %rax,%r12; add %r14,%r12 (every round counts)
 *          sub %r9,%r15; add %gs:0x40(%rsi),%rbp; mov %rbp,%gs:0x48(%rsi)
 *          setg %bl; sets %bpl; sub $1,%ecx; jnz start; int3 */
static const uint8_t join_code[] = {
	0x03, 0x96, 0xfd, 0x0f, 0x00, 0x00, 0x4c, 0x0f, 0x42, 0xc1, 0x81, 0xbe,
	0xfe, 0x0f, 0x00, 0x00, 0x34, 0x12, 0x00, 0x00, 0x4d, 0x0f, 0x4c, 0xd1,
	0x4c, 0x2b, 0x9e, 0xf9, 0x0f, 0x00, 0x00, 0x4c, 0x0f, 0x40, 0xea, 0x48,
	0x69, 0xd2, 0xb1, 0x79, 0x37, 0x00, 0x48, 0x3b, 0x96, 0xfb, 0x0f, 0x00,
	0x00, 0x48, 0x8b, 0x7e, 0x10, 0x0f, 0x9c, 0xc0, 0x41, 0x0f, 0x96, 0xc6,
	0x48, 0x89, 0x96, 0xfb, 0x0f, 0x00, 0x00, 0x77, 0x04, 0x49, 0x83, 0xc4,
	0x03, 0x4d, 0x6b, 0xe4, 0x03, 0x49, 0x01, 0xc4, 0x4d, 0x01, 0xf4, 0x4d,
	0x29, 0xcf, 0x65, 0x48, 0x03, 0x6e, 0x40, 0x65, 0x48, 0x89, 0x6e, 0x48,
	0x0f, 0x9f, 0xc3, 0x40, 0x0f, 0x98, 0xc5, 0x83, 0xe9, 0x01, 0x75, 0x94,
	0xcc,
};

static void side_gs(struct side *s, uint64_t base)
{
	struct cpu_state st;

	cpu_get_state(s->cpu, &st);
	st.seg[SEG_GS].base = base;
	cpu_set_state(s->cpu, &st);
}

static void slow_joins(struct side *in, struct side *tr)
{
	uint64_t gpr[16];
	struct outcome a, b;

	for (int i = 0; i < 16; i++)
		gpr[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 3);
	gpr[1] = 300;                         /* rcx: rounds */
	gpr[4] = DT_STACK_TOP;
	gpr[6] = DT_DATA;
	side_gs(in, 0x800);
	side_gs(tr, 0x800);
	run(in, join_code, sizeof(join_code), DT_CODE, gpr, 0x202, NULL, 0, &a);
	run(tr, join_code, sizeof(join_code), DT_CODE, gpr, 0x202, NULL, 0, &b);
	ok(a.ex.reason == CPU_EXIT_FAULT && a.ex.fault.vector == 3 && a.st.gpr[1] == 0 &&
	   !differ(&a, &b),
	   "page-crossing operands through the handlers, then fused flags: same state");
}

/* A load that crosses from the last RAM page into nothing, right after
 * a load that put that RAM page in the TLB: the translated lookup must
 * miss (the interpreter's MMIO exit), not read on past the page:
 *   mov 0x1000(%rsi),%rcx; mov 0x1ffd(%rsi),%rax; int3 */
static const uint8_t cross_code[] = {
	0x48, 0x8b, 0x8e, 0x00, 0x10, 0x00, 0x00, 0x48, 0x8b, 0x86, 0xfd, 0x1f,
	0x00, 0x00, 0xcc,
};

static void cross_out(struct side *in, struct side *tr)
{
	uint64_t gpr[16] = { 0 };
	struct outcome a, b;

	gpr[4] = DT_STACK_TOP;
	gpr[6] = DT_DATA;
	run(in, cross_code, sizeof(cross_code), DT_CODE, gpr, 0x202, NULL, 0, &a);
	run(tr, cross_code, sizeof(cross_code), DT_CODE, gpr, 0x202, NULL, 0, &b);
	ok(a.ex.reason == CPU_EXIT_MMIO && !differ(&a, &b),
	   "a load crossing out of RAM after a TLB fill of its first page: the same MMIO exit");
}

/* Guest registers cached in host registers within a block: one block
 * that names rax, rbx, rcx, rdx, r9, r10 many times, with handlers that
 * write cached registers (ADC, ROL), one that writes none but clobbers
 * the caller-saved host registers (CMP r16), a page-crossing load into a
 * register and a page-crossing store of one just computed (their slow
 * paths must see the written-back value and reload after), ALU forms of
 * every size on the host registers, then a #GP with everything dirty:
 *   start: add %rcx,%rax; xor %eax,%edx; add $7,%bl; sub %rdx,%rbx
 *          add %rax,%rcx; adc %rax,%rdx; xor %rdx,%rcx; rol $5,%rax
 *          add %rcx,%rdx; mov 0xffd(%rsi),%r8; add %r8,%rbx; sub %rax,%rdx
 *          mov %rbx,0xffb(%rsi); xor %ecx,%eax; cmp %ax,%dx; cmovb %rbx,%r9
 *          lea 1(%rax,%rbx,2),%r10; add %r10,%r9; xor %r9,%rax; add %r9,%rcx
 *          imul %rax,%rbx; add %rbx,%rcx; or %r10,%rdx; sub %cl,%dl
 *          and %r9d,%ebx; add %rdx,%rax; dec %r11d; jnz start
 *          mov (%rdi),%rax */
static const uint8_t cache_code[] = {
	0x48, 0x01, 0xc8, 0x31, 0xc2, 0x80, 0xc3, 0x07, 0x48, 0x29, 0xd3, 0x48,
	0x01, 0xc1, 0x48, 0x11, 0xc2, 0x48, 0x31, 0xd1, 0x48, 0xc1, 0xc0, 0x05,
	0x48, 0x01, 0xca, 0x4c, 0x8b, 0x86, 0xfd, 0x0f, 0x00, 0x00, 0x4c, 0x01,
	0xc3, 0x48, 0x29, 0xc2, 0x48, 0x89, 0x9e, 0xfb, 0x0f, 0x00, 0x00, 0x31,
	0xc8, 0x66, 0x39, 0xc2, 0x4c, 0x0f, 0x42, 0xcb, 0x4c, 0x8d, 0x54, 0x58,
	0x01, 0x4d, 0x01, 0xd1, 0x4c, 0x31, 0xc8, 0x4c, 0x01, 0xc9, 0x48, 0x0f,
	0xaf, 0xd8, 0x48, 0x01, 0xd9, 0x4c, 0x09, 0xd2, 0x28, 0xca, 0x44, 0x21,
	0xcb, 0x48, 0x01, 0xd0, 0x41, 0xff, 0xcb, 0x75, 0xa3, 0x48, 0x8b, 0x07,
};
#define CACHE_FAULT_RIP (DT_CODE + 0x5d)   /* mov (%rdi), %rax */

static void cached_regs(struct side *in, struct side *tr)
{
	uint64_t gpr[16];
	struct outcome a, b;

	for (int i = 0; i < 16; i++)
		gpr[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 5);
	gpr[4] = DT_STACK_TOP;
	gpr[6] = DT_DATA;
	gpr[7] = 0x8000000000000000ull;       /* rdi: non-canonical: #GP */
	gpr[11] = 500;                        /* r11: rounds */
	run(in, cache_code, sizeof(cache_code), DT_CODE, gpr, 0x202, NULL, 0, &a);
	run(tr, cache_code, sizeof(cache_code), DT_CODE, gpr, 0x202, NULL, 0, &b);
	ok(a.ex.reason == CPU_EXIT_FAULT && a.ex.fault.vector == 13 &&
	   a.st.rip == CACHE_FAULT_RIP && a.st.gpr[11] == 0 && !differ(&a, &b),
	   "registers cached in host registers across handlers and slow paths: same state");
}

/* Loops that stay inside one translation (a branch back into its own
 * block): the loop body, entered at the block's start (prelude B ends in
 * a JMP to it) or in its middle (A), with registers written late in the
 * block and a load that faults at its first instruction in round 301
 * (the back edge must have written the registers back); C's body starts
 * after an inline ALU operation whose host flags its CMOVcc would use, so
 * the branch back may not go there. Each also with budgets that stop it
 * inside the loop.
 *   A: mov $0,%ecx       B: mov $0,%ecx; jmp body     C: xor %ecx,%ecx
 *   body: cmovs %r9,%r10; mov (%r8),%rax; add %rax,%rdx
 *         mov %rdx,0x10(%rsi,%rcx,8); inc %ecx; cmp $300,%ecx
 *         cmove %rdi,%r8; mov %ecx,%ebx; shl $2,%rbx; add %rbx,%r9
 *         cmp $400,%ecx; jb body; int3 */
static const uint8_t loop_body[] = {
	0x4d, 0x0f, 0x48, 0xd1, 0x49, 0x8b, 0x00, 0x48, 0x01, 0xc2, 0x48, 0x89,
	0x54, 0xce, 0x10, 0xff, 0xc1, 0x81, 0xf9, 0x2c, 0x01, 0x00, 0x00, 0x4c,
	0x0f, 0x44, 0xc7, 0x89, 0xcb, 0x48, 0xc1, 0xe3, 0x02, 0x49, 0x01, 0xd9,
	0x81, 0xf9, 0x90, 0x01, 0x00, 0x00, 0x72, 0xd4, 0xcc,
};

static void inner_loops(struct side *in, struct side *tr)
{
	static const struct {
		const char *name;
		uint8_t len, code[8];
	} pre[] = {
		{ "A (mid-block)", 5, { 0xb9, 0, 0, 0, 0 } },
		{ "B (block start)", 7, { 0xb9, 0, 0, 0, 0, 0xeb, 0x00 } },
		{ "C (flags live at the body)", 2, { 0x31, 0xc9 } },
	};
	static const uint64_t budgets[] = { 0, 1, 3, 12, 13, 14, 25, 26, 40, 100, 1001, 3311 };
	uint8_t code[64];
	uint64_t gpr[16];
	struct outcome a, b;

	for (size_t p = 0; p < sizeof(pre) / sizeof(pre[0]); p++) {
		int bad = 0;

		memcpy(code, pre[p].code, pre[p].len);
		memcpy(code + pre[p].len, loop_body, sizeof(loop_body));
		for (size_t k = 0; k < sizeof(budgets) / sizeof(budgets[0]); k++) {
			for (int i = 0; i < 16; i++)
				gpr[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 7);
			gpr[4] = DT_STACK_TOP;
			gpr[6] = DT_DATA;
			gpr[7] = 0x8000000000000000ull;   /* rdi: non-canonical */
			gpr[8] = DT_DATA;
			run(in, code, pre[p].len + sizeof(loop_body), DT_CODE, gpr, 0x202, NULL,
			    budgets[k], &a);
			run(tr, code, pre[p].len + sizeof(loop_body), DT_CODE, gpr, 0x202, NULL,
			    budgets[k], &b);
			if (budgets[k] == 0 && !(a.ex.reason == CPU_EXIT_FAULT &&
						  a.ex.fault.vector == 13 && a.st.gpr[1] == 300))
				bad++;
			if (differ(&a, &b)) {
				diag("  %s, budget %" PRIu64, pre[p].name, budgets[k]);
				bad++;
			}
		}
		ok(bad == 0, "a loop inside one translation, %s: the #GP in round 301 and every "
		   "budget stop in the same state", pre[p].name);
	}
}

/* Shifts inline: 16-bit ones (the rest of the register kept, CF and OF
 * recorded for the SBB, SETcc and ADC handlers after them), and a rotate
 * whose flags the next ALU operation replaces (the host rotate alone):
 *   start: shr $5,%dx; sbb %eax,%eax; shl $3,%dx; seto %bl; sar $15,%si
 *          adc %rsi,%r9; shl $1,%cx; setc %r10b; rol $7,%edi; xor %edi,%edx
 *          shr $9,%r8w; add %r8,%rax; dec %r11d; jnz start; int3 */
static const uint8_t shift_code[] = {
	0x66, 0xc1, 0xea, 0x05, 0x19, 0xc0, 0x66, 0xc1, 0xe2, 0x03, 0x0f, 0x90,
	0xc3, 0x66, 0xc1, 0xfe, 0x0f, 0x49, 0x11, 0xf1, 0x66, 0xd1, 0xe1, 0x41,
	0x0f, 0x92, 0xc2, 0xc1, 0xc7, 0x07, 0x31, 0xfa, 0x66, 0x41, 0xc1, 0xe8,
	0x09, 0x4c, 0x01, 0xc0, 0x41, 0xff, 0xcb, 0x75, 0xd3, 0xcc,
};

static void shifts(struct side *in, struct side *tr)
{
	uint64_t gpr[16];
	struct outcome a, b;

	for (int i = 0; i < 16; i++)
		gpr[i] = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 11);
	gpr[4] = DT_STACK_TOP;
	gpr[11] = 200;                        /* r11: rounds */
	run(in, shift_code, sizeof(shift_code), DT_CODE, gpr, 0x202, NULL, 0, &a);
	run(tr, shift_code, sizeof(shift_code), DT_CODE, gpr, 0x202, NULL, 0, &b);
	ok(a.ex.reason == CPU_EXIT_FAULT && a.ex.fault.vector == 3 && a.st.gpr[11] == 0 &&
	   !differ(&a, &b), "16-bit shifts and a rotate with dead flags inline: same state");
}

/* VMCTL_PERF_MAP: a CPU made with it set writes perf's map of its
 * translations (jit.h), one line per block, naming the guest RIP and
 * holding its bytes. */
static void perf_map(void)
{
	char path[64], line[1024], want[64];
	uint64_t gpr[16] = { 0 };
	struct outcome o;
	struct side s;
	int lines = 0, named = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	unlink(path);
	setenv("VMCTL_PERF_MAP", "1", 1);
	if (side_init(&s, 0)) {
		ok(0, "a CPU with VMCTL_PERF_MAP");
		return;
	}
	unsetenv("VMCTL_PERF_MAP");
	gpr[4] = DT_STACK_TOP;
	gpr[6] = DT_DATA;
	gpr[7] = 0x8000000000000000ull;
	run(&s, loop_code, sizeof(loop_code), DT_CODE, gpr, 0x202, NULL, 0, &o);
	side_free(&s);
	snprintf(want, sizeof(want), " jit:%" PRIx64 ":pa:%" PRIx64 ":u:8b048e05",
		 (uint64_t)DT_CODE, (uint64_t)DT_CODE);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		lines++;
		named += strstr(line, want) != NULL;
	}
	if (f)
		fclose(f);
	unlink(path);
	ok(lines >= 3 && named >= 1, "perf map: %d translations listed, the loop's first block "
	   "with its RIP and bytes (%d)", lines, named);
}

int main(int argc, char **argv)
{
	uint64_t ncases = argc > 1 ? strtoull(argv[1], NULL, 0) : 40000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed;
	struct side in, tr;

	ok(!side_init(&in, -1) && !side_init(&tr, 0), "two soft CPUs, one translating");
	random_cases(&in, &tr, ncases, seed);
	hot_loop(&in, &tr);
	slow_joins(&in, &tr);
	cross_out(&in, &tr);
	cached_regs(&in, &tr);
	inner_loops(&in, &tr);
	shifts(&in, &tr);
	perf_map();
	side_free(&in);
	side_free(&tr);
	return tap_done();
}
