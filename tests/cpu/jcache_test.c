/* The run loop's jump cache (hypervisor/cpu/icache.h: linear RIP ->
 * block, for blocks reached without a link) never runs code the linear
 * address no longer means. 32-bit paged guest code; the block after each
 * OUT is found through the jump cache (an OUT ends its block unlinked),
 * and the port callback records what the guest computed.
 *
 *   remap    the code at linear 0x5000 is physical 0x5000 under one page
 *            directory and 0x6000 under the other; the guest swaps CR3
 *            each round, so rounds alternate between the two codes.
 *   rewrite  the host rewrites the code (as a device's DMA does, with
 *            cpu_invalidate_code()) between two runs: the next round runs
 *            the new bytes.
 *   evict    two blocks whose physical addresses share a slot of the
 *            block table evict each other every round: the block header
 *            the cache named now describes the other code, so each round
 *            must decode again instead of running the wrong block. */
#include "hypervisor/cpu/cpu.h"
#include "tests/cpu/flat32.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (1u << 20)
#define ROUNDS 40

struct rec {
	struct cpu *cpu;
	unsigned n, stop;
	uint8_t al[4 * ROUNDS];
};

/* OUT 0x80: note AL; kick the CPU out after `stop` of them. */
static int rec_pio(void *opaque, struct cpu *cpu, struct cpu_io *io)
{
	struct rec *r = opaque;

	if (io->in || io->port != 0x80)
		return -1;
	if (r->n < sizeof(r->al))
		r->al[r->n] = (uint8_t)io->data;
	if (++r->n == r->stop)
		cpu_kick(cpu);
	return 0;
}

static const struct cpu_io_ops rec_ops = { .pio = rec_pio };

static void put(uint8_t *ram, uint32_t pa, const uint8_t *b, size_t n)
{
	memcpy(ram + pa, b, n);
}

static void put32(uint8_t *ram, uint32_t pa, uint32_t v)
{
	memcpy(ram + pa, &v, 4);
}

/* Two page directories (0x1000, 0x2000) over two page tables (0x3000,
 * 0x4000) that map the first 1 MiB identically, except linear page 5:
 * physical 0x5000 in the first, 0x6000 in the second. */
static void paging(uint8_t *ram)
{
	put32(ram, 0x1000, 0x3000 | 3);
	put32(ram, 0x2000, 0x4000 | 3);
	for (uint32_t i = 0; i < 256; i++) {
		put32(ram, 0x3000 + 4 * i, (i << 12) | 3);
		put32(ram, 0x4000 + 4 * i, (i << 12) | 3);
	}
	put32(ram, 0x3000 + 4 * 5, 0x5000 | 3);
	put32(ram, 0x4000 + 4 * 5, 0x6000 | 3);
}

static void start(struct cpu *cpu, uint32_t eip, uint32_t ebx, uint32_t ecx)
{
	struct cpu_state st;

	cpu_get_state(cpu, &st);
	flat32_paged(&st, 0x1000, eip, 0x80000);
	st.gpr[RBX] = ebx;
	st.gpr[RCX] = ecx;
	cpu_set_state(cpu, &st);
}

static enum cpu_exit_reason run(struct rec *r, unsigned stop)
{
	struct cpu_exit ex;

	r->stop = r->n + stop;
	return cpu_run(r->cpu, 50000, &ex);
}

/* Linear 0x4ffe: OUT; linear 0x5000 (physical 0x5000 or 0x6000): AL =
 * the code's own number, swap EBX/ECX, load CR3 from EBX, jump back. */
static void remap_and_rewrite(uint8_t *ram, struct rec *r)
{
	static const uint8_t out[] = { 0xe6, 0x80 };                   /* out 0x80, al */
	uint8_t body[] = { 0xb0, 0x01,                                  /* mov al, n */
			   0x87, 0xd9,                                  /* xchg ecx, ebx */
			   0x0f, 0x22, 0xdb,                            /* mov cr3, ebx */
			   0xe9, 0xf2, 0xff, 0xff, 0xff };              /* jmp 0x4ffe */
	unsigned bad = 0;

	put(ram, 0x4ffe, out, sizeof(out));
	put(ram, 0x5000, body, sizeof(body));
	body[1] = 2;
	put(ram, 0x6000, body, sizeof(body));
	start(r->cpu, 0x4ffe, 0x1000, 0x2000);
	r->n = 0;
	is_int(run(r, ROUNDS), CPU_EXIT_INTERRUPTED, "remap: %d rounds, then the kick", ROUNDS);
	for (unsigned i = 1; i < ROUNDS; i++)
		bad += r->al[i] != (i % 2 ? 1 : 2);
	is_int(bad, 0, "remap: rounds alternate between the two physical pages' code");

	/* the guest stopped after its 40th OUT, under the second directory:
	 * its next round runs physical 0x6000, the one after the new bytes */
	ram[0x5001] = 3;
	cpu_invalidate_code(r->cpu, 0x5001, 1);
	is_int(run(r, ROUNDS), CPU_EXIT_INTERRUPTED, "rewrite: %d more rounds", ROUNDS);
	bad = 0;
	for (unsigned i = ROUNDS + 1; i < 2 * ROUNDS; i++)
		bad += r->al[i] != (i % 2 ? 3 : 2);
	is_int(bad, 0, "rewrite: the rewritten code runs in its rounds, the other page's unchanged");
}

/* Physical 0x7100 and 0xf101 share a block table slot (32-bit code:
 * slot = (pa ^ pa >> 15 ^ pa >> 24) mod 32768). Linear 0x70fe: OUT;
 * 0x7100: INC EDX, jump to 0xf101: INC ESI, jump back. */
static void evict(uint8_t *ram, struct rec *r)
{
	static const uint8_t a[] = { 0xe6, 0x80,                        /* out 0x80, al */
				     0x42,                              /* inc edx */
				     0xe9, 0xfb, 0x7f, 0x00, 0x00 };    /* jmp 0xf101 */
	static const uint8_t b[] = { 0x46,                              /* inc esi */
				     0xe9, 0xf7, 0x7f, 0xff, 0xff };    /* jmp 0x70fe */
	struct cpu_state st;

	put(ram, 0x70fe, a, sizeof(a));
	put(ram, 0xf101, b, sizeof(b));
	start(r->cpu, 0x70fe, 0, 0);
	r->n = 0;
	is_int(run(r, ROUNDS), CPU_EXIT_INTERRUPTED, "evict: %d rounds", ROUNDS);
	cpu_get_state(r->cpu, &st);
	is_int(st.gpr[RDX], ROUNDS - 1, "evict: the first block ran every round");
	is_int(st.gpr[RSI], ROUNDS - 1, "evict: and so did the one that evicts it");
}

int main(void)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct rec r = { 0 };
	struct cpu_ram cr = { .gpa = 0, .size = RAM_SIZE, .host = ram };

	if (!ok(ram != NULL, "guest RAM"))
		return tap_done();
	paging(ram);
	r.cpu = cpu_create(&cr, 1, &rec_ops, &r);
	if (!ok(r.cpu != NULL, "a soft CPU"))
		return tap_done();
	remap_and_rewrite(ram, &r);
	evict(ram, &r);
	cpu_destroy(r.cpu);
	free(ram);
	return tap_done();
}
