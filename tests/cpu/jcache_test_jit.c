/* Translated code and the jump cache (hypervisor/cpu/icache.h, jit.c): a
 * translation that ends in a RET or an indirect CALL/JMP its chain slots
 * do not know probes the jump cache itself and jumps into the translation
 * an entry names; and a translation tells the run loop which block's code
 * returned, so that block (not the first of the chain) learns the link.
 * 64-bit guest code at CPL 0 runs on two soft CPUs, one interpreting,
 * one translating every block at its first run, in slices of a small
 * budget; states, instruction counts and memory must be equal, and the
 * run loop's counters (jit_stats.h) show the mechanism at work.
 *
 *   indirect  eight call sites call linear 0x20000 through a register
 *             (RET has eight targets); every 4th round the guest swaps CR3
 *             (linear 0x20000 is physical 0x20000 under one, 0x21000 under
 *             the other: different code), every 16th it rewrites an
 *             immediate of the first version through an alias. A jump
 *             cache entry used across either (an epoch check missing)
 *             runs the wrong code. Hits of translated code are counted.
 *   cross     a block whose last instruction (MOV EAX, imm32 at linear
 *             0x2fffc) ends in the next page, whose linear 0x30000 is
 *             physical 0x30000 or 0x31000 (the immediate's top byte differs)
 *             as the guest swaps CR3, and whose first version the guest
 *             rewrites through an alias: the block must be redecoded or
 *             refound whenever that page changed, and the instruction must
 *             not run alone (decoded afresh) every round.
 *   phase     a block whose fused Jcc takes the other side after half the
 *             rounds, always entered through a chain: its new exit must be
 *             linked at the first miss (the run loop learning links for the
 *             chain's first block instead returned every round). */
#include "hypervisor/cpu/cpu_int.h"
#include "tests/cpu/flat64.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define CODE 0x10000u
#define SLICE 997                 /* budget per cpu_run() */

/* 0x10000: eight `call *%rax` (rax = 0x20000), each followed by
 * `add $0x11.., %r15`; every 16th round `incb 0x40004` (the immediate of
 * physical 0x20000's LEA through its alias), every 4th `xchg %r14, %r13;
 * mov %r14, %cr3`; `dec %rbx; jnz 0x10000; hlt`. */
static const uint8_t ind_code[] = {
	0xb8, 0x00, 0x00, 0x02, 0x00, 0xff, 0xd0, 0x49, 0x83, 0xc7, 0x11, 0xff, 0xd0, 0x49,
	0x83, 0xc7, 0x12, 0xff, 0xd0, 0x49, 0x83, 0xc7, 0x13, 0xff, 0xd0, 0x49, 0x83, 0xc7,
	0x14, 0xff, 0xd0, 0x49, 0x83, 0xc7, 0x15, 0xff, 0xd0, 0x49, 0x83, 0xc7, 0x16, 0xff,
	0xd0, 0x49, 0x83, 0xc7, 0x17, 0xff, 0xd0, 0x49, 0x83, 0xc7, 0x18, 0xf6, 0xc3, 0x0f,
	0x75, 0x07, 0xfe, 0x04, 0x25, 0x04, 0x00, 0x04, 0x00, 0xf6, 0xc3, 0x03, 0x75, 0x07,
	0x4d, 0x87, 0xf5, 0x41, 0x0f, 0x22, 0xde, 0x48, 0xff, 0xcb, 0x75, 0xae, 0xf4,
};

/* lea 1(%r15,%r15,2), %r15 (the immediate at +4); ret */
static const uint8_t f_code[] = { 0x4f, 0x8d, 0x7c, 0x7f, 0x01, 0xc3 };

/* 0x2fff8: add $1, %r15; mov $0x00020304, %eax (its last byte, the
 * immediate's top, is the next page's first); add %rax, %r15; every 16th
 * round incb 0x50000 (that byte, physical 0x30000, through its alias);
 * every 4th xchg %r14, %r13; mov %r14, %cr3; dec %rbx; jnz 0x2fff8; hlt */
static const uint8_t cross_code[] = {
	0x49, 0x83, 0xc7, 0x01, 0xb8, 0x04, 0x03, 0x02, 0x00, 0x49, 0x01, 0xc7, 0xf6, 0xc3,
	0x0f, 0x75, 0x07, 0xfe, 0x04, 0x25, 0x00, 0x00, 0x05, 0x00, 0xf6, 0xc3, 0x03, 0x75,
	0x07, 0x4d, 0x87, 0xf5, 0x41, 0x0f, 0x22, 0xde, 0x48, 0xff, 0xcb, 0x75, 0xd7, 0xf4,
};
#define CROSS 0x2fff8u

/* 0x10100: add $1, %r15; jmp 0x10140
 * 0x10140: cmp %r14, %rbx; jb 0x10180; add $3, %r15; jmp 0x101c0
 * 0x10180: add $5, %r15; jmp 0x101c0
 * 0x101c0: dec %rbx; jnz 0x10100; hlt */
static const struct {
	uint32_t at;
	uint8_t len;
	uint8_t b[11];
} phase_code[] = {
	{ 0x100, 6, { 0x49, 0x83, 0xc7, 0x01, 0xeb, 0x3a } },
	{ 0x140, 11, { 0x4c, 0x39, 0xf3, 0x72, 0x3b, 0x49, 0x83, 0xc7, 0x03, 0xeb, 0x75 } },
	{ 0x180, 6, { 0x49, 0x83, 0xc7, 0x05, 0xeb, 0x3a } },
	{ 0x1c0, 10, { 0x48, 0xff, 0xcb, 0x0f, 0x85, 0x37, 0xff, 0xff, 0xff, 0xf4 } },
};

struct side {
	uint8_t *ram;
	struct cpu *cpu;
	uint64_t retired;         /* in the last run */
	enum cpu_exit_reason end;
};

static void put64(uint8_t *ram, uint32_t pa, uint64_t v)
{
	memcpy(ram + pa, &v, 8);
}

/* Two 4-level hierarchies (CR3 0x1000 and 0x5000) mapping the first MiB
 * one to one, except linear 0x20000 (physical 0x20000 / 0x21000) and
 * 0x30000 (0x30000 / 0x31000), and linear 0x40000 and 0x50000 (physical
 * 0x20000 and 0x30000 in both: the rewrites' aliases). */
static void guest_image(uint8_t *ram)
{
	for (uint32_t h = 0; h < 2; h++) {
		uint32_t base = 0x1000 + h * 0x4000;

		put64(ram, base, (base + 0x1000) | 3);
		put64(ram, base + 0x1000, (base + 0x2000) | 3);
		put64(ram, base + 0x2000, (base + 0x3000) | 3);
		for (uint32_t i = 0; i < 256; i++)
			put64(ram, base + 0x3000 + 8 * i, ((uint64_t)i << 12) | 3);
		put64(ram, base + 0x3000 + 8 * 0x20, (0x20000 + h * 0x1000) | 3);
		put64(ram, base + 0x3000 + 8 * 0x40, 0x20000 | 3);
		put64(ram, base + 0x3000 + 8 * 0x30, (0x30000 + h * 0x1000) | 3);
		put64(ram, base + 0x3000 + 8 * 0x50, 0x30000 | 3);
	}
	memcpy(ram + CROSS, cross_code, sizeof(cross_code));
	memcpy(ram + 0x31000, ram + 0x30000, sizeof(cross_code) - 8);
	ram[0x31000] = 0x10;      /* the other page's immediate: 0x10020304 */
	memcpy(ram + CODE, ind_code, sizeof(ind_code));
	for (size_t i = 0; i < sizeof(phase_code) / sizeof(phase_code[0]); i++)
		memcpy(ram + CODE + phase_code[i].at, phase_code[i].b, phase_code[i].len);
	memcpy(ram + 0x20000, f_code, sizeof(f_code));
	memcpy(ram + 0x21000, f_code, sizeof(f_code));
	ram[0x21004] = 5;         /* the other version adds 5 */
}

static int side_init(struct side *s, int hot)
{
	struct cpu_ram r;

	s->ram = calloc(1, RAM_SIZE);
	if (!s->ram)
		return -1;
	guest_image(s->ram);
	r = (struct cpu_ram){ .gpa = 0, .size = RAM_SIZE, .host = s->ram };
	s->cpu = cpu_create(&r, 1, NULL, NULL);
	if (!s->cpu)
		return -1;
	s->cpu->icache.stats.on = true;   /* counted, not written out (fd -1) */
	cpu_set_exit_bitmap(s->cpu, ~0u);
	return cpu_set_jit(s->cpu, hot);
}

static void side_free(struct side *s)
{
	cpu_destroy(s->cpu);
	free(s->ram);
}

/* Long mode, CPL 0, under CR3 0x1000; rbx, r13 and r14 as given. */
static void side_start(struct side *s, uint64_t rip, uint64_t rbx, uint64_t r13, uint64_t r14)
{
	struct cpu_state st;

	cpu_get_state(s->cpu, &st);
	flat64_paged(&st, 0x1000, 0);
	st.rip = rip;
	st.rflags = 2;
	memset(st.gpr, 0, sizeof(st.gpr));
	st.gpr[RBX] = rbx;
	st.gpr[RSP] = 0x90000;
	st.gpr[13] = r13;
	st.gpr[14] = r14;
	cpu_set_state(s->cpu, &st);
}

/* Run to the guest's HLT (or anything else) in slices of SLICE. */
static void side_run(struct side *s)
{
	uint64_t before = cpu_retired(s->cpu);
	struct cpu_exit ex;

	for (int i = 0; i < 100000; i++) {
		s->end = cpu_run(s->cpu, SLICE, &ex);
		if (s->end != CPU_EXIT_INTERRUPTED)
			break;
	}
	s->retired = cpu_retired(s->cpu) - before;
}

/* Both sides ended alike: HLT, registers, RIP, count, memory. */
static void same(struct side *a, struct side *b, const char *what)
{
	struct cpu_state sa, sb;
	int bad = 0;

	cpu_get_state(a->cpu, &sa);
	cpu_get_state(b->cpu, &sb);
	is_int(a->end, CPU_EXIT_HALT, "%s: the interpreter reaches the guest's HLT", what);
	is_int(b->end, CPU_EXIT_HALT, "%s: so do the translations", what);
	for (int i = 0; i < 16; i++)
		if (sa.gpr[i] != sb.gpr[i]) {
			diag("  gpr%d: interpreter %016" PRIx64 " translated %016" PRIx64, i,
			     sa.gpr[i], sb.gpr[i]);
			bad++;
		}
	bad += sa.rip != sb.rip || sa.cr3 != sb.cr3;
	bad += a->retired != b->retired;
	bad += memcmp(a->ram, b->ram, RAM_SIZE) != 0;
	is_int(bad, 0, "%s: same registers, RIP, CR3, instruction count (%" PRIu64 ") and memory",
	       what, a->retired);
}

static uint64_t stat(const struct side *s, int k)
{
	return s->cpu->icache.stats.n[k];
}

static void indirect(struct side *in, struct side *jt)
{
	uint64_t hits = stat(jt, JS_jit_jcache);

	side_start(in, CODE, 64, 0x5000, 0x1000);
	side_start(jt, CODE, 64, 0x5000, 0x1000);
	side_run(in);
	side_run(jt);
	same(in, jt, "indirect");
	is_int(in->ram[0x20004], 1 + 64 / 16, "indirect: the guest rewrote its code 4 times");
	hits = stat(jt, JS_jit_jcache) - hits;
	ok(hits > 64, "indirect: translations went on through the jump cache (%" PRIu64 " hits, "
	   "%" PRIu64 " misses to the run loop)", hits, stat(jt, JS_ret_indirect));
}

/* What the cross guest leaves in r15 after `rounds` rounds (both sides
 * share the decoded-instruction cache's code: compared with this too). */
static uint64_t cross_expect(unsigned rounds)
{
	uint64_t r15 = 0;
	uint8_t top_a = 0;
	bool b_mapped = false;

	for (unsigned bl = rounds; bl; bl--) {
		r15 += 1 + (0x00020304u | (uint32_t)(b_mapped ? 0x10 : top_a) << 24);
		if (!(bl & 15))
			top_a++;
		if (!(bl & 3))
			b_mapped = !b_mapped;
	}
	return r15;
}

static void cross(struct side *in, struct side *jt)
{
	uint64_t alone = stat(jt, JS_find_single);
	struct cpu_state st;

	side_start(in, CROSS, 64, 0x5000, 0x1000);
	side_start(jt, CROSS, 64, 0x5000, 0x1000);
	side_run(in);
	side_run(jt);
	same(in, jt, "cross");
	cpu_get_state(jt->cpu, &st);
	is_int(st.gpr[15], cross_expect(64), "cross: r15 sums what each round's page held");
	is_int(in->ram[0x30000], 64 / 16, "cross: the guest rewrote the next page's byte 4 times");
	alone = stat(jt, JS_find_single) - alone;
	ok(alone < 16, "cross: the page-crossing MOV ran in its block, not alone (%" PRIu64
	   " times alone in 64 rounds)", alone);
}

static void phase(struct side *in, struct side *jt)
{
	uint64_t misses = stat(jt, JS_ret_direct);

	side_start(in, CODE + 0x100, 1000, 0, 500);
	side_start(jt, CODE + 0x100, 1000, 0, 500);
	side_run(in);
	side_run(jt);
	same(in, jt, "phase");
	misses = stat(jt, JS_ret_direct) - misses;
	ok(misses < 40, "phase: the block that changed sides learnt its new exit (%" PRIu64
	   " returns for a direct exit in 1000 rounds)", misses);
}

int main(void)
{
	struct side in = { 0 }, jt = { 0 };

	if (!ok(side_init(&in, -1) == 0 && side_init(&jt, 0) == 0, "two soft CPUs"))
		return tap_done();
	indirect(&in, &jt);
	cross(&in, &jt);
	phase(&in, &jt);
	side_free(&in);
	side_free(&jt);
	return tap_done();
}
