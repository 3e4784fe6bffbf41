/* LOCKed instructions between vCPUs (hypervisor/cpu/ops_lock.c): two soft
 * CPUs on two threads share RAM and run the same real-mode loop: LOCK INC
 * of a shared counter, then SeaBIOS's CPU-count pattern, a spinlock taken
 * with LOCK BTS and released with a plain store, around a plain INC. As
 * plain read-modify-writes, increments got lost and a BTS that read 1
 * wrote 1 back over the other CPU's release: both spun forever (SeaBIOS
 * hung so with two vCPUs). */
#include "hypervisor/cpu/cpu.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define ROUNDS  30000u         /* per CPU; both counters are 16-bit words */
#define BUDGET  400000000ull   /* instructions: far more than the loop needs */

/* At 0000:1000; the counters at 0x2000 and 0x2008, the lock at 0x2004. */
static const uint8_t prog[] = {
	0xb9, ROUNDS & 0xff, ROUNDS >> 8,           /* mov cx, ROUNDS */
	0xf0, 0xff, 0x06, 0x00, 0x20,               /* L: lock inc word [0x2000] */
	0xf0, 0x0f, 0xba, 0x2e, 0x04, 0x20, 0x00,   /* A: lock bts word [0x2004], 0 */
	0x72, 0xf7,                                 /* jc A */
	0xff, 0x06, 0x08, 0x20,                     /* inc word [0x2008] */
	0xc7, 0x06, 0x04, 0x20, 0x00, 0x00,         /* mov word [0x2004], 0 */
	0x49,                                       /* dec cx */
	0x75, 0xe5,                                 /* jnz L */
	0xf4,                                       /* hlt */
};

struct vcpu {
	struct cpu *cpu;
	pthread_t thread;
	bool halted;
};

static void *vcpu_run(void *arg)
{
	struct vcpu *v = arg;
	struct cpu_exit ex;

	while (cpu_retired(v->cpu) < BUDGET) {
		if (cpu_run(v->cpu, 100000, &ex) == CPU_EXIT_HALT) {
			v->halted = true;
			break;
		}
	}
	return NULL;
}

int main(void)
{
	size_t ram_size = 0x10000;
	uint8_t *ram = aligned_alloc(4096, ram_size);
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct vcpu v[2];
	struct cpu_state st;
	uint16_t inc, guarded;

	if (!ram)
		return 1;
	memset(ram, 0, ram_size);
	memcpy(ram + 0x1000, prog, sizeof(prog));
	for (int i = 0; i < 2; i++) {
		v[i] = (struct vcpu){ .cpu = cpu_create(&r, 1, NULL, NULL) };
		if (!v[i].cpu)
			return 1;
		cpu_get_state(v[i].cpu, &st);
		st.seg[SEG_CS].sel = 0;
		st.seg[SEG_CS].base = 0;
		st.rip = 0x1000;
		cpu_set_state(v[i].cpu, &st);
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&v[i].thread, NULL, vcpu_run, &v[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(v[i].thread, NULL);
	ok(v[0].halted && v[1].halted,
	   "both CPUs finished the loop (no lock lost between them)");
	memcpy(&inc, ram + 0x2000, 2);
	memcpy(&guarded, ram + 0x2008, 2);
	is_int(inc, 2 * ROUNDS, "LOCK INC from two CPUs: no increment lost");
	is_int(guarded, 2 * ROUNDS, "the spinlock (LOCK BTS, plain release) kept its counter exact");
	for (int i = 0; i < 2; i++)
		cpu_destroy(v[i].cpu);
	free(ram);
	return tap_done();
}
