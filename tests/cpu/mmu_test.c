/* Translations the TLB already holds are not walked again (mmu.c
 * mmu_cached()), and that shortcut never outlives the TLB's own rules.
 * 32-bit paged guest code on the soft CPU; OUT 0x80 hands EAX to the
 * host, which counts rounds and kicks the CPU after the last.
 *
 *   steady   an instruction that crosses from linear page 5 into page 6
 *            (never cached decoded: its second page is translated at
 *            every run) runs ROUNDS times: the fetch translations are
 *            answered by the TLB, the page walks stay a handful.
 *   remap    the same loop, but each round the guest points linear page
 *            6 at the other of two physical pages and INVLPGs it: every
 *            round's instruction reads the immediate of the page it maps.
 *   dirty    a page-crossing load fills read entries for two clean pages;
 *            a page-crossing store to the same bytes must still walk both
 *            and set their D bits (a read entry never answers a write).
 *
 * And the path built on translations for REP MOVS/STOS (ops_string.c
 * str_bulk(): mem_ptr() per page run):
 *
 *   stos     REP STOSD over four pages and a bit, REP STOSB downwards
 *            (STD): the bytes filled are exactly the ones the count says,
 *            and nearly all elements go a page at a time.
 *   stos #PF REP STOSD running into a not-present page: #PF at its
 *            first byte with ECX/EDI counting the elements done, the
 *            page before filled.
 *
 * And INVLPG of one address in a large page (tlb.c tlb_flush_page()):
 *
 *   big      two 4 KiB parts of a 4 MiB page (PSE) are read, the guest
 *            points the page directory entry elsewhere and INVLPGs the
 *            first part: a read of the second must see the new page (x86
 *            drops the whole large page's translation). */
#include "hypervisor/cpu/cpu_int.h"
#include "tests/cpu/flat32.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <stdlib.h>

#define RAM_SIZE (12u << 20)
#define ROUNDS 200
#define PT 0x2000u                  /* the page table: 256 PTEs, 1 MiB */
#define PTE_D 0x40u
#define IMM_A 0x11aa0000u           /* the crossing MOV's immediate, top */
#define IMM_B 0x22bb0000u           /* half from physical 6 / physical 7 */

struct guest {
	uint8_t *ram;
	struct cpu *cpu;
	unsigned n, stop;
	uint32_t eax[ROUNDS + 1];
};

static int guest_pio(void *opaque, struct cpu *cpu, struct cpu_io *io)
{
	struct guest *g = opaque;

	if (io->in || io->port != 0x80)
		return -1;
	if (g->n <= ROUNDS)
		g->eax[g->n] = (uint32_t)io->data;
	if (++g->n == g->stop)
		cpu_kick(cpu);
	return 0;
}

static const struct cpu_io_ops guest_ops = { .pio = guest_pio };

/* Host writes to guest RAM, as a loader's: decoded copies are dropped. */
static void poke(struct guest *g, uint32_t pa, const void *b, size_t n)
{
	memcpy(g->ram + pa, b, n);
	cpu_invalidate_code(g->cpu, pa, n);
}

static uint32_t pte(const struct guest *g, unsigned page)
{
	uint32_t v;

	memcpy(&v, g->ram + PT + 4 * page, 4);
	return v;
}

/* Page directory at 0x1000, one page table mapping 1 MiB 1:1, writable,
 * A and D clear; protected mode with paging, flat segments. */
static void guest_start(struct guest *g, uint32_t eip, uint32_t ebx)
{
	struct cpu_state st;
	uint32_t e = PT | 3;

	poke(g, 0x1000, &e, 4);
	for (uint32_t i = 0; i < 256; i++) {
		e = (i << 12) | 3;
		poke(g, PT + 4 * i, &e, 4);
	}
	cpu_get_state(g->cpu, &st);
	flat32_paged(&st, 0x1000, eip, 0x80000);
	st.gpr[RBX] = ebx;
	cpu_set_state(g->cpu, &st);
	g->n = 0;
}

static enum cpu_exit_reason guest_run(struct guest *g, unsigned outs)
{
	struct cpu_exit ex;

	g->stop = g->n + outs;
	return cpu_run(g->cpu, 100000, &ex);
}

static uint64_t walks(const struct cpu *cpu, int acc)
{
	uint64_t n = 0;

	for (int u = 0; u < 2; u++)
		for (int s = 0; s < STAT_SIZES; s++)
			n += cpu->stats.walk[acc][u][s];
	return n;
}

/* Linear 0x5ff8: five NOPs, then MOV EAX, imm32 at 0x5ffd: its opcode
 * and low immediate bytes in page 5, the high ones at linear 0x6000.
 * Then OUT; with EBX = 0 back to the start, else XOR the PTE of linear
 * page 6 with 0x1000 (physical 6 <-> 7), INVLPG [0x6000], and back.
 * Physical 6 and 7 hold the same code after their first two bytes. */
static void crossing_code(struct guest *g)
{
	static const uint8_t head[] = { 0x90, 0x90, 0x90, 0x90, 0x90, 0xb8, 0x00, 0x00 };
	static const uint8_t tail[] = {
		0xe7, 0x80,                                          /* out 0x80, eax */
		0x85, 0xdb,                                          /* test ebx, ebx */
		0x74, 0x11,                                          /* jz 0x6019 */
		0x81, 0x35, 0x18, 0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, /* xor [0x2018] */
		0x0f, 0x01, 0x3d, 0x00, 0x60, 0x00, 0x00,            /* invlpg [0x6000] */
		0xe9, 0xda, 0xff, 0xff, 0xff,                        /* jmp 0x5ff8 */
	};
	uint16_t a = IMM_A >> 16, b = IMM_B >> 16;

	poke(g, 0x5ff8, head, sizeof(head));
	poke(g, 0x6000, &a, 2);
	poke(g, 0x6002, tail, sizeof(tail));
	poke(g, 0x7000, &b, 2);
	poke(g, 0x7002, tail, sizeof(tail));
}

static void steady(struct guest *g)
{
	uint64_t x0, hit0;
	unsigned bad = 0;

	crossing_code(g);
	guest_start(g, 0x5ff8, 0);
	x0 = walks(g->cpu, TLB_X);
	hit0 = g->cpu->stats.walk_tlb[TLB_X];
	is_int(guest_run(g, ROUNDS), CPU_EXIT_INTERRUPTED, "steady: %d rounds", ROUNDS);
	for (unsigned i = 0; i < ROUNDS; i++)
		bad += g->eax[i] != IMM_A;
	is_int(bad, 0, "steady: the crossing MOV reads its immediate every round");
	ok(walks(g->cpu, TLB_X) - x0 <= 4, "steady: %llu fetch walks for %d crossings",
	   (unsigned long long)(walks(g->cpu, TLB_X) - x0), ROUNDS);
	ok(g->cpu->stats.walk_tlb[TLB_X] - hit0 >= ROUNDS - 1,
	   "steady: the TLB answered the second page's translation");
}

static void remap(struct guest *g)
{
	unsigned bad = 0;

	crossing_code(g);
	guest_start(g, 0x5ff8, 1);
	is_int(guest_run(g, ROUNDS), CPU_EXIT_INTERRUPTED, "remap: %d rounds", ROUNDS);
	for (unsigned i = 0; i < ROUNDS; i++)
		bad += g->eax[i] != (i % 2 ? IMM_B : IMM_A);
	is_int(bad, 0, "remap: each round reads the immediate of the page INVLPG left mapped");
}

/* Linear 0x3000: MOV EAX, [0x8ffe]; MOV [0x8ffe], EAX; OUT; HLT. */
static void dirty(struct guest *g)
{
	static const uint8_t code[] = {
		0xa1, 0xfe, 0x8f, 0x00, 0x00,                        /* mov eax, [0x8ffe] */
		0xe7, 0x80,                                          /* out 0x80, eax */
		0xa3, 0xfe, 0x8f, 0x00, 0x00,                        /* mov [0x8ffe], eax */
		0xe7, 0x80,                                          /* out 0x80, eax */
		0xf4,                                                /* hlt */
	};

	poke(g, 0x3000, code, sizeof(code));
	guest_start(g, 0x3000, 0);
	is_int(guest_run(g, 1), CPU_EXIT_INTERRUPTED, "dirty: the crossing load ran");
	ok(!(pte(g, 8) & PTE_D) && !(pte(g, 9) & PTE_D), "dirty: a load leaves both pages clean");
	is_int(guest_run(g, 1), CPU_EXIT_INTERRUPTED, "dirty: the crossing store ran");
	ok((pte(g, 8) & PTE_D) && (pte(g, 9) & PTE_D),
	   "dirty: the store set D in both pages' entries (PTEs %#x %#x)", pte(g, 8), pte(g, 9));
}

/* Linear 0x3000: [CLD or STD]; REP STOSx; OUT; HLT. */
static void stos_run(struct guest *g, uint8_t dir, uint8_t op, uint32_t edi, uint32_t ecx)
{
	const uint8_t code[] = { dir, 0xf3, op, 0xe7, 0x80, 0xf4 };
	struct cpu_state st;

	poke(g, 0x3000, code, sizeof(code));
	guest_start(g, 0x3000, 0);
	cpu_get_state(g->cpu, &st);
	st.gpr[RAX] = 0x5aa5c33c;
	st.gpr[RDI] = edi;
	st.gpr[RCX] = ecx;
	cpu_set_state(g->cpu, &st);
}

/* Bytes [lo, hi) hold the pattern's bytes (aligned to `lo`), the byte on
 * each side does not. */
static bool filled(const struct guest *g, uint32_t lo, uint32_t hi, int size)
{
	uint32_t v = 0x5aa5c33c;

	for (uint32_t a = lo; a < hi; a++)
		if (g->ram[a] != ((const uint8_t *)&v)[(a - lo) % size])
			return false;
	return g->ram[lo - 1] == 0 && g->ram[hi] == 0;
}

static void stos(struct guest *g)
{
	uint64_t one = g->cpu->stats.str_elems[0], bulk = g->cpu->stats.str_elems[1];
	struct cpu_state st;

	stos_run(g, 0xfc, 0xab, 0x20000, 4 * 1024 + 3);
	is_int(guest_run(g, 1), CPU_EXIT_INTERRUPTED, "stos: REP STOSD ran");
	cpu_get_state(g->cpu, &st);
	ok(st.gpr[RCX] == 0 && st.gpr[RDI] == 0x20000 + 4 * 4099, "stos: ECX 0, EDI past the end");
	ok(filled(g, 0x20000, 0x20000 + 4 * 4099, 4), "stos: exactly 4099 dwords filled");
	stos_run(g, 0xfd, 0xaa, 0x37fff, 0x2001);
	is_int(guest_run(g, 1), CPU_EXIT_INTERRUPTED, "stos: STD; REP STOSB ran");
	cpu_get_state(g->cpu, &st);
	ok(st.gpr[RCX] == 0 && (uint32_t)st.gpr[RDI] == 0x37fff - 0x2001, "stos: down: EDI below");
	ok(filled(g, 0x38000 - 0x2001, 0x38000, 1), "stos: down: exactly 0x2001 bytes filled");
	ok(g->cpu->stats.str_elems[1] - bulk >= 4099 + 0x2001 - 16 &&
	   g->cpu->stats.str_elems[0] - one <= 16,
	   "stos: %llu elements a page at a time, %llu one by one",
	   (unsigned long long)(g->cpu->stats.str_elems[1] - bulk),
	   (unsigned long long)(g->cpu->stats.str_elems[0] - one));
}

static void stos_fault(struct guest *g)
{
	uint32_t absent = 0x41000;
	struct cpu_state st;
	struct cpu_exit ex;

	stos_run(g, 0xfc, 0xab, 0x40800, 0x400);
	poke(g, PT + 4 * 0x41, &absent, 4);    /* linear page 0x41: not present */
	cpu_set_exit_bitmap(g->cpu, 1u << 14);
	is_int(cpu_run(g->cpu, 100000, &ex), CPU_EXIT_FAULT, "stos #PF: the CPU stopped");
	cpu_get_state(g->cpu, &st);
	ok(ex.fault.vector == 14 && ex.fault.cr2 == 0x41000, "stos #PF: #PF at 0x41000");
	ok(st.gpr[RDI] == 0x41000 && st.gpr[RCX] == 0x400 - 0x200,
	   "stos #PF: EDI at the fault, ECX less the 0x200 dwords done");
	ok(filled(g, 0x40800, 0x41000, 4), "stos #PF: the present page's part filled");
	cpu_set_exit_bitmap(g->cpu, 0);
}

/* Linear 0x3000: read 0x400000 and 0x401000 (4 MiB page at physical
 * 0x400000), point PDE 1 at physical 0x800000, INVLPG [0x400000], read
 * 0x401000 again; each read is handed out. */
static void big(struct guest *g)
{
	static const uint8_t code[] = {
		0xa1, 0x00, 0x00, 0x40, 0x00, 0xe7, 0x80,              /* mov eax, [0x400000]; out */
		0xa1, 0x00, 0x10, 0x40, 0x00, 0xe7, 0x80,              /* mov eax, [0x401000]; out */
		0xc7, 0x05, 0x04, 0x10, 0x00, 0x00, 0x83, 0x00, 0x80, 0x00, /* mov [0x1004], 0x800083 */
		0x0f, 0x01, 0x3d, 0x00, 0x00, 0x40, 0x00,              /* invlpg [0x400000] */
		0xa1, 0x00, 0x10, 0x40, 0x00, 0xe7, 0x80,              /* mov eax, [0x401000]; out */
		0xf4,                                                  /* hlt */
	};
	const uint32_t pde = 0x400083, v[3] = { 0x11111111, 0x22222222, 0x33333333 };
	struct cpu_state st;

	poke(g, 0x3000, code, sizeof(code));
	poke(g, 0x400000, &v[0], 4);
	poke(g, 0x401000, &v[1], 4);
	poke(g, 0x801000, &v[2], 4);
	guest_start(g, 0x3000, 0);
	poke(g, 0x1004, &pde, 4);
	cpu_get_state(g->cpu, &st);
	st.cr4 = 0x10;           /* PSE */
	cpu_set_state(g->cpu, &st);
	is_int(guest_run(g, 3), CPU_EXIT_INTERRUPTED, "big: three reads ran");
	ok(g->eax[0] == v[0] && g->eax[1] == v[1], "big: both parts of the 4 MiB page read");
	is_int(g->eax[2], v[2], "big: after INVLPG of the first part the second maps the new page");
}

int main(void)
{
	struct guest g = { .ram = calloc(1, RAM_SIZE) };
	struct cpu_ram cr = { .gpa = 0, .size = RAM_SIZE, .host = g.ram };

	if (!ok(g.ram != NULL, "guest RAM"))
		return tap_done();
	g.cpu = cpu_create(&cr, 1, &guest_ops, &g);
	if (!ok(g.cpu != NULL, "a soft CPU"))
		return tap_done();
	steady(&g);
	remap(&g);
	dirty(&g);
	stos(&g);
	stos_fault(&g);
	big(&g);
	cpu_destroy(g.cpu);
	free(g.ram);
	return tap_done();
}
