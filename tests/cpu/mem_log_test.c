/* Logged RAM (cpu_set_logged_ram(), hypervisor/cpu/mem_log.c): RAM that
 * the CPU reaches through its TLB while a reader learns which pages were
 * written, as the VGA's framebuffer and the device model's display.
 *
 *   steps   real-mode code stores into the range and exits between steps:
 *           each store's page bit is set at the exit after it, also a
 *           store through a write entry still live after the reader took
 *           the bit (a log kept only on TLB refills loses it); an idle CPU
 *           after a HLT publishes nothing more; a move takes effect at the
 *           next cpu_run() (the old place is MMIO then), hiding it too; a
 *           CPU sharing the code metadata follows the same place.
 *   reader  a CPU thread writes a counter into four pages while a reader
 *           thread renders the pages whose bits it takes: at the end what
 *           it rendered is what was written last (no lost redraw). */
#include "hypervisor/cpu/cpu.h"

/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define RAM_SIZE (512u << 10)
#define FB_PAGES 4u
#define FB_SIZE (FB_PAGES * 4096u)
#define FB_AT 0x90000ull
#define FB_MOVED 0xa0000ull

/* Real-mode code at 0000:1000; ES = 0x9000 is the range's first place. */
static const uint8_t steps_prog[] = {
	0xb8, 0x00, 0x90,                           /* mov ax, 0x9000 */
	0x8e, 0xc0,                                 /* mov es, ax */
	0x26, 0xc7, 0x06, 0x00, 0x00, 0x77, 0x77,   /* mov word es:[0], 0x7777 -> MMIO */
	0xe6, 0x80,                                 /* out 0x80, al  (0: shown now) */
	0x26, 0xc7, 0x06, 0x00, 0x00, 0x11, 0x11,   /* mov word es:[0], 0x1111 */
	0xe6, 0x80,                                 /* out (1) */
	0x26, 0xc7, 0x06, 0x02, 0x00, 0x22, 0x22,   /* mov word es:[2], 0x2222 */
	0xe6, 0x80,                                 /* out (2) */
	0x26, 0xc7, 0x06, 0x00, 0x10, 0x33, 0x33,   /* mov word es:[0x1000], 0x3333 */
	0xf4,                                       /* hlt */
	0xe6, 0x80,                                 /* out (3: moved now) */
	0x26, 0xc7, 0x06, 0x00, 0x00, 0x55, 0x55,   /* mov word es:[0], 0x5555 -> MMIO */
	0xb8, 0x00, 0xa0,                           /* mov ax, 0xa000 */
	0x8e, 0xc0,                                 /* mov es, ax */
	0x26, 0xc7, 0x06, 0x04, 0x00, 0x44, 0x44,   /* mov word es:[4], 0x4444 */
	0xe6, 0x80,                                 /* out (4: hidden now) */
	0x26, 0xc7, 0x06, 0x08, 0x00, 0x66, 0x66,   /* mov word es:[8], 0x6666 -> MMIO */
	0xf4,                                       /* hlt */
};

/* The peer: stores at the range's moved place. */
static const uint8_t peer_prog[] = {
	0xb8, 0x00, 0xa0,                           /* mov ax, 0xa000 */
	0x8e, 0xc0,                                 /* mov es, ax */
	0x26, 0xc7, 0x06, 0x0c, 0x30, 0x99, 0x99,   /* mov word es:[0x300c], 0x9999 */
	0xf4,                                       /* hlt */
};

/* The counter 1..LOOPS into the four pages, the last round then HLT. */
#define LOOPS 60000
static const uint8_t loop_prog[] = {
	0xb8, 0x00, 0x90,                           /* mov ax, 0x9000 */
	0x8e, 0xc0,                                 /* mov es, ax */
	0x31, 0xc9,                                 /* xor cx, cx */
	0x41,                                       /* loop: inc cx */
	0x26, 0x89, 0x0e, 0x10, 0x00,               /* mov es:[0x0010], cx */
	0x26, 0x89, 0x0e, 0x20, 0x10,               /* mov es:[0x1020], cx */
	0x26, 0x89, 0x0e, 0x30, 0x20,               /* mov es:[0x2030], cx */
	0x26, 0x89, 0x0e, 0x40, 0x30,               /* mov es:[0x3040], cx */
	0x81, 0xf9, LOOPS & 0xff, LOOPS >> 8,       /* cmp cx, LOOPS */
	0x75, 0xe5,                                 /* jne loop */
	0xf4,                                       /* hlt */
};

static uint8_t *ram, *fb;
static uint64_t bits[1];

static struct cpu *cpu_at(const uint8_t *prog, size_t len, uint64_t rip)
{
	struct cpu_ram r = { .gpa = 0, .size = RAM_SIZE, .host = ram };
	struct cpu *cpu = cpu_create(&r, 1, NULL, NULL);
	struct cpu_state st;

	memcpy(ram + rip, prog, len);
	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.rip = rip;
	cpu_set_state(cpu, &st);
	return cpu;
}

static int place(struct cpu *cpu, uint64_t gpa)
{
	struct cpu_logged_ram r = { .gpa = gpa, .size = FB_SIZE, .host = fb, .bits = bits };

	return cpu_set_logged_ram(cpu, &r);
}

static uint64_t take(void)
{
	return __atomic_exchange_n(&bits[0], 0, __ATOMIC_ACQUIRE);
}

static uint16_t fb16(unsigned off)
{
	uint16_t v;

	memcpy(&v, fb + off, 2);
	return v;
}

/* Run to the next exit and expect an OUT (completed at once). */
static int run_out(struct cpu *cpu)
{
	struct cpu_exit ex;
	int r = cpu_run(cpu, 0, &ex);

	cpu_io_complete(cpu, 0);
	return r == CPU_EXIT_IO && ex.io.port == 0x80 ? 0 : -1;
}

static int run_mmio(struct cpu *cpu, uint64_t gpa, uint64_t data)
{
	struct cpu_exit ex;
	int r = cpu_run(cpu, 0, &ex);

	cpu_io_complete(cpu, 0);
	return r == CPU_EXIT_MMIO && ex.mmio.write && ex.mmio.gpa == gpa &&
	       ex.mmio.data == data ? 0 : -1;
}

static void resume_after_hlt(struct cpu *cpu)
{
	struct cpu_state st;

	cpu_get_state(cpu, &st);
	cpu_set_state(cpu, &st);     /* leaves the halted state */
}

static void test_steps(void)
{
	struct cpu *cpu = cpu_at(steps_prog, sizeof(steps_prog), 0x1000), *peer;
	struct cpu_exit ex;

	is_int(run_mmio(cpu, FB_AT, 0x7777), 0, "not shown yet: a store there is MMIO");
	is_int(run_out(cpu), 0, "step 0");
	is_int(place(cpu, FB_AT), 0, "the range shown at 0x90000");
	is_int(run_out(cpu), 0, "step 1: a store, no MMIO exit");
	is_int(fb16(0), 0x1111, "the store reached the host memory");
	is_int(take(), 1, "page 0's bit is set at the exit after it");
	is_int(run_out(cpu), 0, "step 2: a store through the live write entry");
	is_int(fb16(2), 0x2222, "it reached the host memory");
	is_int(take(), 1, "page 0's bit is set again after the reader took it");
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "a store to page 1, HLT");
	is_int(fb16(0x1000), 0x3333, "the store reached page 1");
	is_int(take() & 2, 2, "page 1's bit is set at the HLT");
	resume_after_hlt(cpu);
	is_int(run_out(cpu), 0, "step 3: no store after the HLT");
	is_int(take(), 0, "an idle CPU publishes nothing again");
	is_int(place(cpu, FB_MOVED), 0, "moved to 0xa0000");
	is_int(run_mmio(cpu, FB_AT, 0x5555), 0, "the old place is MMIO at the next cpu_run()");
	is_int(run_out(cpu), 0, "step 4: a store at the new place");
	is_int(fb16(4), 0x4444, "the new place reaches the same memory");
	is_int(fb16(0), 0x1111, "the store to the old place did not");
	is_int(take(), 1, "its bit is set");

	peer = cpu_at(peer_prog, sizeof(peer_prog), 0x2000);
	is_int(cpu_share_code(peer, cpu), 0, "a peer CPU shares the code metadata");
	is_int(place(cpu, FB_MOVED), 0, "the place set again through the first CPU");
	is_int(cpu_run(peer, 0, &ex), CPU_EXIT_HALT, "the peer stores at the moved place");
	is_int(fb16(0x300c), 0x9999, "the peer's store reached the memory");
	is_int(take(), 8, "page 3's bit is set");

	is_int(place(cpu, CPU_RAM_NOWHERE), 0, "hidden");
	is_int(run_mmio(cpu, FB_MOVED + 8, 0x6666), 0, "a store to the hidden range is MMIO");
	is_int(cpu_run(cpu, 0, &ex), CPU_EXIT_HALT, "the program ends");
	cpu_destroy(peer);
	cpu_destroy(cpu);
}

static atomic_bool writer_done;

static void *writer(void *arg)
{
	struct cpu *cpu = arg;
	struct cpu_exit ex;

	/* small budgets: many returns from cpu_run(), as the sandbox's vCPUs */
	while (cpu_run(cpu, 997, &ex) == CPU_EXIT_INTERRUPTED)
		;
	atomic_store(&writer_done, ex.reason == CPU_EXIT_HALT);
	return NULL;
}

/* The display: render (copy) the pages whose bits it takes. */
static unsigned render(uint8_t *shown)
{
	uint64_t b = take();
	unsigned n = 0;

	for (unsigned p = 0; p < FB_PAGES; p++)
		if (b & (1ull << p)) {
			memcpy(shown + p * 4096, fb + p * 4096, 4096);
			n++;
		}
	return n;
}

static void test_reader(void)
{
	static uint8_t shown[FB_SIZE];
	struct cpu *cpu = cpu_at(loop_prog, sizeof(loop_prog), 0x3000);
	unsigned renders = 0;
	pthread_t t;

	memset(fb, 0, FB_SIZE);
	take();
	place(cpu, FB_AT);
	pthread_create(&t, NULL, writer, cpu);
	while (!atomic_load(&writer_done) && renders < 100000000)
		renders += render(shown);
	pthread_join(t, NULL);
	ok(atomic_load(&writer_done), "the writer ran to its HLT");
	render(shown);
	ok(!memcmp(shown, fb, FB_SIZE), "what the reader rendered is what was written last");
	is_int(fb16(0x3040), LOOPS, "the last value is in the memory");
	diag("%u page renders while the CPU wrote", renders);
	cpu_destroy(cpu);
}

int main(void)
{
	ram = aligned_alloc(4096, RAM_SIZE);
	fb = aligned_alloc(4096, FB_SIZE);
	memset(ram, 0, RAM_SIZE);
	memset(fb, 0, FB_SIZE);
	test_steps();
	test_reader();
	free(ram);
	free(fb);
	return tap_done();
}
