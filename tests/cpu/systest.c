/* System-level tests: tests/cpu/guest/modes.S runs on the soft CPU with a
 * tiny platform (RAM, report ports 0xE0/0xE1, a debug port 0xE9) and walks
 * through every mode, faulting on purpose; each of its checks becomes one
 * TAP line here. The harness injects an external interrupt when the guest
 * halts with interrupts on or writes the vector to port 0xe2, and expects
 * the run to end in a triple fault. */
#include "hypervisor/cpu/cpu.h"
/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const check_names[] = {
	[1] = "real mode: INT through the IVT",
	[2] = "real mode: REP STOSB / REPE CMPSB",
	[3] = "protected mode entered (CS = 0x08)",
	[4] = "#GP(selector) for a selector beyond the GDT limit",
	[5] = "#UD for UD2",
	[6] = "32-bit paging: #PF error 2 for a write to a not-present page",
	[7] = "32-bit paging: CR2 holds the faulting address",
	[8] = "CR0.WP: #PF error 3 for a supervisor write to a read-only page",
	[9] = "accessed bit after a read, dirty bit after a write",
	[10] = "long mode active (EFER.LMA)",
	[11] = "4-level paging: #PF error 0 for a read of a not-present page",
	[12] = "#DE for a divide by zero in 64-bit mode",
	[13] = "INT 0x40 through a 64-bit interrupt gate",
	[14] = "NX: #PF error 0x11 for a fetch from a no-execute page",
	[15] = "SWAPGS exchanges GS base and KERNEL_GS_BASE",
	[16] = "compatibility mode and back through far jumps",
	[17] = "IRETQ to ring 3",
	[18] = "HLT at CPL 3 raises #GP(0)",
	[19] = "the #GP from ring 3 runs on the TSS RSP0 stack",
	[20] = "SYSCALL to ring 0 and SYSRET back to ring 3",
	[21] = "an injected external interrupt wakes HLT",
	[22] = "PAE paging: #PF error 0 for a read of a not-present page",
	[23] = "PAE paging: CR2 holds the faulting address",
	[24] = "PAE paging: a 4 KiB page maps the right physical page",
	[25] = "SYSEXIT to ring 3 with CS 0x1b and the user stack",
	[26] = "SYSENTER back to ring 0 on SYSENTER_ESP",
	[27] = "self-modifying code: a store patches the next instructions",
	[28] = "self-modifying code: a patched instruction already decoded",
	[29] = "an external interrupt at CPL 3 goes through a DPL 0 gate",
};
#define NCHECK (sizeof(check_names) / sizeof(check_names[0]))

struct platform {
	int result[NCHECK];    /* 0 not reached, 1 pass, -1 fail */
	char dbg[256];
	size_t ndbg;
};

static int pio(void *opaque, struct cpu *cpu, struct cpu_io *io)
{
	struct platform *p = opaque;

	if (io->in) {
		io->data = ~0ull;
		return 0;
	}
	if ((io->port == 0xe0 || io->port == 0xe1) && io->data < NCHECK)
		p->result[io->data] = io->port == 0xe0 ? 1 : -1;
	else if (io->port == 0xe9 && p->ndbg + 1 < sizeof(p->dbg))
		p->dbg[p->ndbg++] = io->data;
	else if (io->port == 0xe2)
		cpu_interrupt(cpu, (int)(io->data & 0xff));   /* an external interrupt */
	return 0;
}

static const struct cpu_io_ops ops = { .pio = pio };

static void *load(const char *name, size_t *len)
{
	const char *dir = getenv("top_builddir");
	char path[4096];
	FILE *f;
	void *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), "%s/tests/cpu/guest/%s", dir ? dir : ".", name);
	f = fopen(path, "rb");
	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

int main(void)
{
	struct platform p = { 0 };
	size_t len = 0, ram_size = 8 << 20;
	uint8_t *ram = aligned_alloc(4096, ram_size), *img = load("modes.bin", &len);
	struct cpu_ram r = { .gpa = 0, .size = ram_size, .host = ram };
	struct cpu_state st;
	struct cpu_exit ex;
	struct cpu *cpu;
	int injected = 0, exits = 0;
	enum cpu_exit_reason why = CPU_EXIT_NONE;

	if (!img || !ram) {
		ok(0, "guest image tests/cpu/guest/modes.bin loads");
		return tap_done();
	}
	memset(ram, 0, ram_size);
	memcpy(ram + 0x8000, img, len);
	cpu = cpu_create(&r, 1, &ops, &p);
	ok(cpu != NULL, "soft CPU created");
	cpu_get_state(cpu, &st);
	st.seg[SEG_CS].sel = 0;
	st.seg[SEG_CS].base = 0;
	st.rip = 0x8000;
	cpu_set_state(cpu, &st);
	while (exits++ < 100) {
		why = cpu_run(cpu, 10000000, &ex);
		if (why == CPU_EXIT_HALT && !injected) {
			cpu_interrupt(cpu, 0x41);
			injected = 1;
			continue;
		}
		break;
	}
	for (size_t i = 1; i < NCHECK; i++)
		ok(p.result[i] == 1, "%s%s", check_names[i],
		   p.result[i] == 0 ? " (not reached)" : "");
	ok(injected, "the guest halted with interrupts enabled (interrupt injected)");
	if (why == CPU_EXIT_INTERNAL)
		diag("internal error: %s", ex.msg);
	cpu_get_state(cpu, &st);
	if (why != CPU_EXIT_SHUTDOWN)
		diag("exit %d at rip %llx", why, (unsigned long long)st.rip);
	ok(why == CPU_EXIT_SHUTDOWN, "an INT3 with an empty IDT ends in a triple fault (shutdown)");
	cpu_destroy(cpu);
	free(ram);
	free(img);
	return tap_done();
}
