/* The vCPU exit interface: port I/O and MMIO exits with their completion
 * (the instruction finishes with the value supplied), REP INSB as a single
 * exit with a count and a guest buffer, HLT, the instruction budget,
 * cpu_kick() from another thread stopping a guest that spins forever, and
 * an interrupt raised by an OUT taken only after the OUT retires, and
 * code one CPU writes seen by another that has it cached. */
#include "hypervisor/cpu/cpu.h"

/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Real-mode code at 0000:1000 */
static const uint8_t prog[] = {
	0xe4, 0x60,                 /* in al, 0x60           -> exit, answer 0x5a */
	0x88, 0xc3,                 /* mov bl, al */
	0xe6, 0x61,                 /* out 0x61, al          -> exit, data 0x5a */
	0xba, 0x70, 0x00,           /* mov dx, 0x70 */
	0xbf, 0x00, 0x20,           /* mov di, 0x2000 */
	0xb9, 0x04, 0x00,           /* mov cx, 4 */
	0xfc,                       /* cld */
	0xf3, 0x6c,                 /* rep insb              -> one exit, count 4 */
	0xb8, 0x00, 0xf0,           /* mov ax, 0xf000 */
	0x8e, 0xc0,                 /* mov es, ax */
	0x26, 0x8b, 0x06, 0x00, 0x00,   /* mov ax, es:[0]   -> MMIO read 0xf0000 */
	0x26, 0xa3, 0x02, 0x00,     /* mov es:[2], ax        -> MMIO write 0xf0002 */
	0xf4,                       /* hlt                   -> halt */
	0xeb, 0xfe,                 /* jmp $                 -> spins until kicked */
};

/* An interrupt that a port write raises (a device's interrupt-cause
 * register) is taken after that OUT retires, not before: delivered first,
 * the handler's IRET would return to the OUT and the device would see the
 * write again, and raise the interrupt again (Linux's e1000 locked up so). */
static const uint8_t irq_prog[] = {
	0xfb,                       /* sti */
	0x90,                       /* nop (past STI's interrupt shadow) */
	0xe6, 0x61,                 /* out 0x61, al          -> exit; the device raises 0x20 */
	0xb3, 0x01,                 /* mov bl, 1 */
	0xf4,                       /* hlt */
};
static const uint8_t irq_handler[] = {
	0x41,                       /* inc cx */
	0xcf,                       /* iret */
};

static void test_irq_after_io(uint8_t *ram, size_t ram_size)
{
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct cpu_state st;
	struct cpu_exit ex;
	struct cpu *cpu;

	memset(ram, 0, ram_size);
	memcpy(ram + 0x1000, irq_prog, sizeof(irq_prog));
	memcpy(ram + 0x1100, irq_handler, sizeof(irq_handler));
	ram[0x20 * 4] = 0x00;       /* IVT[0x20] = 0000:1100 */
	ram[0x20 * 4 + 1] = 0x11;
	cpu = cpu_create(&r, 1, NULL, NULL);
	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.seg[SEG_SS].sel = 0;
	st.seg[SEG_SS].base = 0;
	st.gpr[RSP] = 0x8000;
	st.rip = 0x1000;
	cpu_set_state(cpu, &st);

	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_IO, "OUT exits with IF set");
	cpu_interrupt(cpu, 0x20);
	cpu_io_complete(cpu, 0);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT,
	       "the interrupt the OUT raised is taken after the OUT: no second OUT exit");
	cpu_get_state(cpu, &st);
	is_int(st.gpr[RCX] & 0xffff, 1, "the handler ran once");
	is_int(st.gpr[RBX] & 0xff, 1, "and returned past the OUT");
	cpu_destroy(cpu);
}

/* Cross-modifying code between two CPUs of one machine
 * (cpu_share_code()): CPU A loops over `mov bl, N; out 0x61, al`; CPU B
 * writes N. B's first write fills its TLB before A decodes the page (A's
 * decoding must take that write entry away), its second one changes the
 * code A has cached and linked: A's next round must load the new N. */
static const uint8_t xmc_a[] = {
	0xb3, 0x01,                 /* 3000: mov bl, 1 */
	0xe6, 0x61,                 /* out 0x61, al  -> exit */
	0xeb, 0xfa,                 /* jmp 3000 */
};
static const uint8_t xmc_b[] = {
	0xc6, 0x06, 0x01, 0x30, 0x01,   /* 4000: mov byte [0x3001], 1 */
	0xe6, 0x62,                     /* out 0x62, al  -> exit */
	0xc6, 0x06, 0x01, 0x30, 0x02,   /* mov byte [0x3001], 2 */
	0xe6, 0x62,                     /* out 0x62, al  -> exit */
};

static struct cpu *xmc_cpu(const struct cpu_ram *r, uint64_t rip)
{
	struct cpu *cpu = cpu_create(r, 1, NULL, NULL);
	struct cpu_state st;

	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.seg[SEG_DS].sel = 0;
	st.seg[SEG_DS].base = 0;
	st.rip = rip;
	cpu_set_state(cpu, &st);
	return cpu;
}

static uint64_t xmc_round(struct cpu *cpu)
{
	struct cpu_state st;
	struct cpu_exit ex;

	if (cpu_run(cpu, 0, &ex) != CPU_EXIT_IO)
		return ~0ull;
	cpu_io_complete(cpu, 0);
	cpu_get_state(cpu, &st);
	return st.gpr[RBX] & 0xff;
}

static void test_cross_modifying(uint8_t *ram, size_t ram_size)
{
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct cpu *a, *b;

	memset(ram, 0, ram_size);
	memcpy(ram + 0x3000, xmc_a, sizeof(xmc_a));
	memcpy(ram + 0x4000, xmc_b, sizeof(xmc_b));
	a = xmc_cpu(&r, 0x3000);
	b = xmc_cpu(&r, 0x4000);
	is_int(cpu_share_code(b, a), 0, "two CPUs share their page metadata");
	is_int(xmc_round(b), 0, "B writes the code page before A runs it");
	for (int i = 0; i < 4; i++)
		xmc_round(a);
	is_int(xmc_round(a), 1, "A runs its loop from its cache (BL = 1)");
	xmc_round(b);
	is_int(xmc_round(a), 2, "A runs the byte B wrote into its cached, linked loop (BL = 2)");
	cpu_destroy(b);
	cpu_destroy(a);
}

static void *kicker(void *arg)
{
	cpu_kick(arg);
	return NULL;
}

int main(void)
{
	size_t ram_size = 64 << 10;
	uint8_t *ram = aligned_alloc(4096, ram_size);
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct cpu_state st;
	struct cpu_exit ex;
	struct cpu *cpu;
	pthread_t t;

	memset(ram, 0, ram_size);
	memcpy(ram + 0x1000, prog, sizeof(prog));
	cpu = cpu_create(&r, 1, NULL, NULL);
	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.rip = 0x1000;
	cpu_set_state(cpu, &st);

	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_IO, "IN without a callback exits");
	ok(ex.io.in && ex.io.port == 0x60 && ex.io.size == 1 && ex.io.count == 1, "the exit describes IN AL, 0x60");
	cpu_io_complete(cpu, 0x5a);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_IO, "OUT exits");
	ok(!ex.io.in && ex.io.port == 0x61 && ex.io.data == 0x5a, "OUT carries the value IN completed with");
	cpu_io_complete(cpu, 0);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_IO, "REP INSB exits once");
	ok(ex.io.in && ex.io.port == 0x70 && ex.io.count == 4 && ex.io.buf == ram + 0x2000,
	   "with count 4 and the guest buffer");
	memcpy(ex.io.buf, "abcd", 4);
	cpu_io_complete(cpu, 0);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_MMIO, "a read outside RAM exits as MMIO");
	ok(!ex.mmio.write && ex.mmio.gpa == 0xf0000 && ex.mmio.size == 2, "the MMIO read is described");
	cpu_io_complete(cpu, 0x1234);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_MMIO, "the write back exits as MMIO");
	ok(ex.mmio.write && ex.mmio.gpa == 0xf0002 && ex.mmio.data == 0x1234,
	   "the MMIO write carries the value the read completed with");
	cpu_io_complete(cpu, 0);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "HLT exits");
	cpu_get_state(cpu, &st);
	is_int(st.gpr[RBX] & 0xff, 0x5a, "BL got the IN value");
	is_int(st.gpr[RCX] & 0xffff, 0, "REP INSB consumed CX");
	is_int(st.gpr[RDI] & 0xffff, 0x2004, "and advanced DI");
	ok(!memcmp(ram + 0x2000, "abcd", 4), "the buffer holds the input");

	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "a halted CPU stays halted without an interrupt");
	cpu_set_state(cpu, &st);   /* leaves the halted state: run on from RIP */

	/* the spinning JMP: a budget, then a kick from another thread */
	uint64_t before = cpu_retired(cpu);

	is_int(cpu_run(cpu, 1000, &ex), CPU_EXIT_INTERRUPTED, "the budget stops a spinning guest");
	is_int(cpu_retired(cpu) - before, 1000, "after exactly 1000 instructions");
	pthread_create(&t, NULL, kicker, cpu);
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_INTERRUPTED, "cpu_kick from another thread stops it");
	pthread_join(t, NULL);
	cpu_destroy(cpu);
	test_irq_after_io(ram, ram_size);
	test_cross_modifying(ram, ram_size);
	free(ram);
	return tap_done();
}
