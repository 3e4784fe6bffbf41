/* The device model's devices seen by a guest (multiboot, booted by xl
 * create with vmctl-devmodel; command line "pci", "uart", "ide" or
 * "idebench"): TAP lines on port 0xe9 (xl dmesg), tests/hvm/devices.sh.
 *
 *   pci       configuration mechanism 1 on bus 0: the i440FX, PIIX3,
 *             its IDE and PIIX4 PM functions by vendor/device/class, a
 *             missing device and function reading all ones, read-only
 *             ids, BAR sizing, byte and word accesses at 0xcfc + n
 *   uart      COM1's 16550: scratch, the divisor latch, loopback with the
 *             line status, the receive interrupt on IRQ 4 through the PIC
 *   ide       the PIIX IDE at 00:01.1 (BAR 4 programmed here, no BIOS):
 *             IDENTIFY by PIO, READ DMA through the bus master with two
 *             PRD entries, the data (every word of sector N is N, written
 *             by the test), IRQ 14 and the bus master's status
 *   idebench  READ DMA of the whole disk, 256 sectors a command, polled;
 *             "idebench: start" and "idebench: done N MiB" bracket it
 *   vcpus     the present vCPUs in the MADT, fw_cfg, the CMOS and the
 *             ACPI hotplug registers (vcpuhp.c). */
#include "hg.h"
#include "ide.h"
#include "vcpuhp.h"

#define IDE_IRQ_VEC (0x28 + 14 - 8)
#define UART_VEC    (0x20 + 4)
#define DMA_BUF     0x210000u
#define BURST       256            /* sectors a command: 128 KiB */

static volatile uint32_t ide_irqs, uart_irqs;

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---- PCI configuration mechanism 1 ---- */

static uint32_t cfg_addr(unsigned dev, unsigned fn, unsigned reg)
{
	return 0x80000000u | dev << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg)
{
	outl(0xcf8, cfg_addr(dev, fn, reg));
	return inl(0xcfc);
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
	outl(0xcf8, cfg_addr(dev, fn, reg));
	outl(0xcfc, v);
}

static void test_pci(void)
{
	static const struct { unsigned dev, fn; uint32_t id, class; const char *what; } fns[] = {
		{ 0, 0, 0x12378086, 0x060000, "00:00.0 is the i440FX host bridge" },
		{ 1, 0, 0x70008086, 0x060100, "00:01.0 is the PIIX3 ISA bridge" },
		{ 1, 1, 0x70108086, 0x010180, "00:01.1 is the PIIX3 IDE (bus master, legacy mode)" },
		{ 1, 3, 0x71138086, 0x068000, "00:01.3 is the PIIX4 power management function" },
	};
	uint32_t bar;

	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		hg_ok(cfg_read(fns[i].dev, fns[i].fn, 0) == fns[i].id &&
		      cfg_read(fns[i].dev, fns[i].fn, 8) >> 8 == fns[i].class, fns[i].what);
	hg_ok((cfg_read(1, 0, 0x0c) >> 16 & 0x80) != 0, "the PIIX3 is multi-function (header type bit 7)");
	hg_ok(cfg_read(0, 0, 0x2c) == 0x11001af4, "the host bridge's subsystem is QEMU's (1af4:1100)");
	hg_ok(cfg_read(31, 0, 0) == 0xffffffffu, "a missing device reads all ones");
	hg_ok(cfg_read(1, 5, 0) == 0xffffffffu, "a missing function reads all ones");
	cfg_write(0, 0, 0, 0);
	hg_ok(cfg_read(0, 0, 0) == 0x12378086, "vendor and device ids are read-only");
	cfg_write(1, 1, 0x20, 0xffffffffu);
	bar = cfg_read(1, 1, 0x20);
	hg_ok(bar == 0xfffffff1u, "the IDE's BAR 4 sizes as 16 bytes of I/O");
	cfg_write(1, 1, 0x20, IDE_BM);
	hg_ok(cfg_read(1, 1, 0x20) == (IDE_BM | 1), "and takes an address");
	outl(0xcf8, cfg_addr(1, 1, 0));
	hg_ok(inw(0xcfe) == 0x7010 && inb(0xcfc) == 0x86 && inb(0xcfd) == 0x80,
	      "word and byte reads at 0xcfc + n");
	outl(0xcf8, cfg_addr(1, 1, 4));
	outw(0xcfc, 0x0005);
	hg_ok((cfg_read(1, 1, 4) & 0xffff) == 0x0005, "a word write of the command register");
	outl(0xcf8, 0x00000000);
	hg_ok(inl(0xcf8) == 0, "0xcf8 reads back as written");
}

/* ---- COM1 ---- */

#define COM1 0x3f8

static void on_uart(struct hg_frame *f)
{
	(void)f;
	uart_irqs++;
	(void)inb(COM1);               /* the byte: the interrupt drops */
	outb(0x20, 0x20);
}

static void test_uart(void)
{
	bool got = true;

	outb(COM1 + 7, 0x5a);
	hg_ok(inb(COM1 + 7) == 0x5a, "the scratch register keeps a byte");
	outb(COM1 + 3, 0x80);          /* DLAB */
	outb(COM1, 0x0c);
	outb(COM1 + 1, 0x00);
	hg_ok(inb(COM1) == 0x0c && inb(COM1 + 1) == 0, "the divisor latch (9600 baud) reads back");
	outb(COM1 + 3, 0x03);          /* 8N1 */
	hg_ok(inb(COM1 + 3) == 0x03, "the line control register reads back");
	outb(COM1 + 2, 0x07);          /* FIFOs on, cleared */
	outb(COM1 + 4, 0x10);          /* loopback */
	while (inb(COM1 + 5) & 1)
		(void)inb(COM1);
	hg_ok((inb(COM1 + 5) & 0x60) == 0x60, "the transmitter is empty");
	for (const char *s = "vmctl"; *s; s++) {
		outb(COM1, (uint8_t)*s);
		for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 1); i++)
			;
		got = got && (inb(COM1 + 5) & 1) && inb(COM1) == (uint8_t)*s;
	}
	hg_ok(got, "loopback: each byte sent comes back with data ready");
	hg_ok(!(inb(COM1 + 5) & 1), "and nothing more");

	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	hg_set_handler(UART_VEC, on_uart);
	outb(0x21, (uint8_t)~(1 << 4));
	outb(COM1 + 4, 0x18);          /* loopback, OUT2 (the IRQ gate) */
	outb(COM1 + 1, 0x01);          /* received data available */
	outb(COM1, 'x');
	hg_ok(hg_wait(&uart_irqs, 1, 1000), "received data raises IRQ 4 through the PIC");
	outb(COM1 + 1, 0x00);
	outb(COM1 + 4, 0x00);
}

/* ---- IDE (the driver: ide.c) ---- */

static void on_ide(struct hg_frame *f)
{
	(void)f;
	ide_irqs++;
	(void)inb(0x1f7);              /* status read: INTRQ drops */
	outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

/* IDENTIFY DEVICE by PIO: the number of sectors (LBA28) or 0. */
static uint32_t ide_identify(char *model)
{
	uint16_t w[256];

	outb(0x1f7, 0xec);
	if (!ide_wait(0x89, 0x08))
		return 0;
	for (unsigned i = 0; i < 256; i++)
		w[i] = inw(0x1f0);
	for (unsigned i = 0; i < 20; i++) {
		model[2 * i] = (char)(w[27 + i] >> 8);
		model[2 * i + 1] = (char)w[27 + i];
	}
	model[40] = 0;
	for (int i = 39; i >= 0 && model[i] == ' '; i--)
		model[i] = 0;
	return w[60] | (uint32_t)w[61] << 16;
}

static void test_ide(void)
{
	char model[41];
	uint32_t sectors;

	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	hg_set_handler(IDE_IRQ_VEC, on_ide);
	outb(0x21, 0xfb);              /* the cascade */
	outb(0xa1, (uint8_t)~(1 << 6));
	ide_setup();
	hg_ok((inb(0x1f7) & 0xc0) == 0x40, "after reset the disk is ready (DRDY, not BSY)");
	sectors = ide_identify(model);
	hg_printf("ide: %s, %u sectors\n", model, sectors);
	hg_ok(sectors == 2048, "IDENTIFY by PIO: 2048 sectors (1 MiB)");
	hg_ok(model[0] != 0, "with a model name");
	hg_ok(ide_read_dma(3, 160, DMA_BUF) && ide_sectors_hold_lba(DMA_BUF, 3, 160),
	      "READ DMA of 160 sectors at LBA 3 through two PRD entries: the disk's data");
	sti();
	hg_ok(hg_wait(&ide_irqs, 1, 1000), "IRQ 14 announces the end of the transfer");
	cli();
	hg_ok(ide_read_dma(2047, 1, DMA_BUF) && ide_sectors_hold_lba(DMA_BUF, 2047, 1), "the last sector");
	hg_ok(!ide_read_dma(2048, 1, DMA_BUF), "a sector past the end fails");
	hg_ok((inb(0x1f7) & 0x01) && (inb(0x1f1) & 0x04), "with ERR and ABRT (as QEMU answers)");
}

static void idebench(void)
{
	char model[41];
	uint32_t sectors, lba;

	ide_setup();
	if (!ide_wait(0xc0, 0x40) || !(sectors = ide_identify(model))) {
		hg_ok(false, "idebench: the disk answers");
		return;
	}
	hg_puts("idebench: start\n");
	for (lba = 0; lba + BURST <= sectors; lba += BURST)
		if (!ide_read_dma(lba, BURST, DMA_BUF))
			break;
	hg_printf("idebench: done %u MiB\n", lba / 2048);
	hg_ok(lba + BURST > sectors && ide_sectors_hold_lba(DMA_BUF, lba - BURST, BURST),
	      "idebench: every sector read, the last burst holds its data");
}

void hg_main(uint32_t magic, uint32_t info);

void hg_main(uint32_t magic, uint32_t info)
{
	const char *cmd = hg_multiboot_cmdline(magic, info);

	if (streq(cmd, "pci"))
		test_pci();
	else if (streq(cmd, "uart"))
		test_uart();
	else if (streq(cmd, "ide"))
		test_ide();
	else if (streq(cmd, "idebench"))
		idebench();
	else if (streq(cmd, "vcpus"))
		vcpuhp_test();
	else
		hg_printf("devices guest: unknown test '%s'\n", cmd);
	hg_done();
}
