/* Real firmware on the soft CPU: Debian's SeaBIOS (/usr/share/seabios/
 * bios.bin, 128 KiB) starts from the reset vector in a platform with only
 * the minimum devices (CMOS, PIT, PIC, the debug port 0x402, PCI
 * configuration ports answering "no device") and must print its version
 * banner on port 0x402, then run POST to the boot menu prompt. The image
 * is never part of the tree. */
#include "hypervisor/cpu/cpu.h"

/* tap.h's diag() has no format attribute: clang -Wformat-nonliteral */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#include "tests/tap.h"
#pragma GCC diagnostic pop

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BIOS_PATH "/usr/share/seabios/bios.bin"
#define BIOS_SIZE (128 << 10)
#define RAM_SIZE (32u << 20)

struct platform {
	uint8_t cmos[128];
	uint8_t cmos_index;
	uint8_t pic_mask[2];
	uint32_t pci_addr;
	uint8_t port61;
	char out[4096];
	size_t nout;
};

static void cmos_init(struct platform *p)
{
	uint32_t ext_kb = (16u << 20) / 1024 - 1024, high = (RAM_SIZE - (16u << 20)) >> 16;

	p->cmos[0x0a] = 0x26;
	p->cmos[0x0b] = 0x02;                  /* 24-hour, BCD */
	p->cmos[0x0d] = 0x80;                  /* RTC power good */
	p->cmos[0x15] = 640 & 0xff;            /* base memory in KiB */
	p->cmos[0x16] = 640 >> 8;
	p->cmos[0x17] = p->cmos[0x30] = ext_kb & 0xff;
	p->cmos[0x18] = p->cmos[0x31] = ext_kb >> 8;
	p->cmos[0x34] = high & 0xff;           /* RAM above 16 MiB, 64 KiB units */
	p->cmos[0x35] = high >> 8;
	p->cmos[0x5f] = 0;                     /* one CPU */
}

static uint64_t pio_read(struct platform *p, uint16_t port)
{
	switch (port) {
	case 0x71: return p->cmos[p->cmos_index & 0x7f];
	case 0x21: return p->pic_mask[0];
	case 0xa1: return p->pic_mask[1];
	case 0x61:
		/* PIT channel 2 output: reported as expired, so that TSC
		 * calibration loops end (the time it measures is not checked) */
		p->port61 ^= 0x10;              /* refresh toggle */
		return p->port61 | 0x20;
	case 0x402: return 0xe9;                /* QEMU debugcon read-back */
	default: return ~0ull;                  /* PCI (0xCFC): no device; others: nothing */
	}
}

static void pio_write(struct platform *p, uint16_t port, uint64_t v)
{
	switch (port) {
	case 0x70: p->cmos_index = v; break;
	case 0x71: p->cmos[p->cmos_index & 0x7f] = v; break;
	case 0x21: p->pic_mask[0] = v; break;
	case 0xa1: p->pic_mask[1] = v; break;
	case 0x61: p->port61 = v & 0x0f; break;
	case 0xcf8: p->pci_addr = v; break;
	case 0x402:
		if (p->nout + 1 < sizeof(p->out))
			p->out[p->nout++] = v;
		break;
	default: break;                         /* PIT, PIC commands, POST codes */
	}
}

static int pio(void *opaque, struct cpu *cpu, struct cpu_io *io)
{
	struct platform *p = opaque;
	uint8_t *b = io->buf;

	for (uint32_t i = 0; i < io->count; i++) {
		if (io->in) {
			uint64_t v = pio_read(p, io->port);

			if (io->count == 1)
				io->data = v;
			else
				memcpy(b + i * io->size, &v, io->size);
		} else {
			uint64_t v = io->data;

			if (io->count > 1) {
				v = 0;
				memcpy(&v, b + i * io->size, io->size);
			}
			pio_write(p, io->port, v);
		}
	}
	return 0;
}

/* Nothing lives outside RAM: reads see all ones, writes vanish. */
static int mmio(void *opaque, struct cpu *cpu, struct cpu_mmio *m)
{
	return -ENODEV;
}

static const struct cpu_io_ops ops = { .pio = pio, .mmio = mmio };

int main(void)
{
	struct platform p = { 0 };
	uint8_t *bios = aligned_alloc(4096, BIOS_SIZE), *ram = aligned_alloc(4096, RAM_SIZE);
	FILE *f = fopen(BIOS_PATH, "rb");
	struct cpu_ram ranges[5];
	struct cpu_exit ex;
	struct cpu *cpu;
	enum cpu_exit_reason why = CPU_EXIT_NONE;
	uint64_t total = 0;
	const char *banner = NULL;

	if (!f) {
		skip_all(BIOS_PATH " not found (apt-get install seabios)");
		return 0;
	}
	if (!bios || !ram || fread(bios, 1, BIOS_SIZE, f) != BIOS_SIZE) {
		fclose(f);
		ok(0, "read a %d KiB SeaBIOS image", BIOS_SIZE >> 10);
		return tap_done();
	}
	fclose(f);
	memset(ram, 0, RAM_SIZE);
	cmos_init(&p);
	/* low RAM up to the VGA hole, option-ROM area, RAM above 1 MiB, and
	 * the BIOS at both of its addresses */
	ranges[0] = (struct cpu_ram){ 0, 0xa0000, ram };
	ranges[1] = (struct cpu_ram){ 0xc0000, 0x20000, ram + 0xc0000 };
	ranges[2] = (struct cpu_ram){ 0x100000, RAM_SIZE - 0x100000, ram + 0x100000 };
	ranges[3] = (struct cpu_ram){ 0xe0000, BIOS_SIZE, bios };
	ranges[4] = (struct cpu_ram){ 0xfffe0000, BIOS_SIZE, bios };
	cpu = cpu_create(ranges, 5, &ops, &p);
	ok(cpu != NULL, "soft CPU with %u MiB RAM and the BIOS mapped", RAM_SIZE >> 20);
	/* run until POST reaches the boot menu prompt (it then waits for
	 * timer interrupts, which this platform does not have) */
	while (!strstr(p.out, "Press ESC") && total < 100000000) {
		why = cpu_run(cpu, 1000000, &ex);
		total += 1000000;
		p.out[p.nout] = 0;
		if (why != CPU_EXIT_INTERRUPTED)
			break;
	}
	banner = strstr(p.out, "SeaBIOS (version");
	if (banner && !strchr(banner, '\n'))
		banner = NULL;
	if (why == CPU_EXIT_INTERNAL)
		diag("internal error: %s", ex.msg);
	else if (why == CPU_EXIT_FAULT || why == CPU_EXIT_SHUTDOWN || why == CPU_EXIT_HALT)
		diag("exit %d", why);
	ok(banner != NULL, "SeaBIOS prints its version banner on port 0x402");
	ok(strstr(p.out, "Press ESC for boot menu") != NULL,
	   "POST runs to the boot menu prompt (%llu instructions)",
	   (unsigned long long)cpu_retired(cpu));
	for (char *line = strtok(p.out, "\n"); line; line = strtok(NULL, "\n"))
		diag("0x402: %s", line);
	cpu_destroy(cpu);
	free(bios);
	free(ram);
	return tap_done();
}
