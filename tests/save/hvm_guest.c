/* The hvm guest that tests/save/hvm_*.sh save and restore: a 32-bit
 * multiboot program (the runtime of tests/hvm/guest/) that lives on the
 * PIT's interrupts and talks on COM1 (the device model's 16550):
 *
 * - at boot it prints "hvmsave: boot" once, fills a 1 MiB region with a
 *   pattern and writes a marker to sector 1 of the IDE disk (PIO, LBA28);
 * - each PIT tick (100 Hz) bumps a word of the region and a running sum;
 *   every 50 ticks it prints "hvmsave: count N ticks T sum ok|BAD", the
 *   sum checked against the region (memory and CPU state agree);
 * - a byte typed on COM1 is answered: 'r' reads sector 1 back and prints
 *   "hvmsave: disk <marker>", anything else "hvmsave: got <c>";
 * - with "dirty" on its command line (live migration), instead of halting
 *   between ticks it writes pass after pass of a counter into every page
 *   of a 4 MiB area, and each tick checks that the pages before the pass's
 *   position hold this pass's number and those after it the last one's: a
 *   page that missed a pre-copy round after it was written is caught on
 *   the first tick on the target. The count lines then end in
 *   " dirty ok|BAD passes P".
 *
 * Restored, it goes on counting where it was: "boot" never comes again. */
#include "../hvm/guest/hg.h"

#define COM1 0x3f8
#define IDE_DATA 0x1f0
#define IDE_COUNT 0x1f2
#define IDE_LBA0 0x1f3
#define IDE_SELECT 0x1f6
#define IDE_CMD 0x1f7
#define REGION (1u << 20)
#define DIRTY_PAGES 1024

static uint32_t region[REGION / 4] __attribute__((aligned(4096)));
static volatile uint32_t ticks, sum;
static char sector[512];
static volatile uint32_t dirty_area[DIRTY_PAGES][1024] __attribute__((aligned(4096)));
static volatile uint32_t dirty_pass, dirty_pos = DIRTY_PAGES, dirty_bad;
static bool dirty_mode;

static void com_putc(char c)
{
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void com_puts(const char *s)
{
	while (*s)
		com_putc(*s++);
}

static void com_num(uint32_t v)
{
	char b[12];
	int n = 0;

	do
		b[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		com_putc(b[--n]);
}

static void com_init(void)
{
	outb(COM1 + 1, 0);        /* no interrupts: polled */
	outb(COM1 + 3, 0x80);
	outb(COM1 + 0, 1);        /* 115200 */
	outb(COM1 + 1, 0);
	outb(COM1 + 3, 0x03);     /* 8N1 */
	outb(COM1 + 2, 0x07);     /* FIFO on, cleared */
	outb(COM1 + 4, 0x03);
}

/* Pages [0, pos) hold this pass's number, the page at pos this or the
 * last one's (the writer may be just past its store), the rest the last
 * one's. Before the first pass the area is zeroed and counts as pass 0
 * done (pos at the end). */
static void dirty_check(void)
{
	uint32_t pass = dirty_pass, pos = dirty_pos;

	for (uint32_t i = 0; i < DIRTY_PAGES; i++) {
		uint32_t v = dirty_area[i][0];
		bool good = i < pos ? v == pass : i > pos ? v == pass - 1 : v - pass + 1 <= 1;

		if (!good)
			dirty_bad++;
	}
}

/* One pass over the area with interrupts on: the tick may come anywhere. */
static void dirty_run(void)
{
	uint32_t pass = dirty_pass + 1;

	cli();
	dirty_pos = 0;
	dirty_pass = pass;
	sti();
	for (uint32_t i = 0; i < DIRTY_PAGES; i++) {
		dirty_area[i][0] = pass;
		dirty_pos = i + 1;
	}
	cli();
}

static void tick(struct hg_frame *f)
{
	(void)f;
	ticks++;
	if (dirty_mode)
		dirty_check();
	region[(ticks * 4099u) % (REGION / 4)]++;
	sum++;
	outb(0x20, 0x20);         /* EOI */
}

static uint8_t ide_status;

static bool ide_wait(uint8_t want)
{
	for (unsigned i = 0; i < 10000; i++) {
		uint8_t st = ide_status = inb(IDE_CMD);

		if (!(st & 0x80) && (st & want) == want)
			return !(st & 1);
	}
	return false;
}

static bool ide_rw(uint32_t lba, bool write)
{
	outb(IDE_SELECT, (uint8_t)(0xe0 | (lba >> 24 & 15)));
	if (!ide_wait(0))         /* no reset was done: DRDY may be clear */
		return false;
	outb(IDE_COUNT, 1);
	outb(IDE_LBA0, (uint8_t)lba);
	outb(IDE_LBA0 + 1, (uint8_t)(lba >> 8));
	outb(IDE_LBA0 + 2, (uint8_t)(lba >> 16));
	outb(IDE_CMD, write ? 0x30 : 0x20);
	if (!ide_wait(0x08))
		return false;
	for (int i = 0; i < 256; i++) {
		if (write)
			outw(IDE_DATA, (uint16_t)(sector[2 * i] | sector[2 * i + 1] << 8));
		else {
			uint16_t w = inw(IDE_DATA);

			sector[2 * i] = (char)w;
			sector[2 * i + 1] = (char)(w >> 8);
		}
	}
	return ide_wait(0x40);
}

static uint32_t region_sum(void)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i < REGION / 4; i++)
		s += region[i];
	return s;
}

static void answer(char c)
{
	if (c == 'r') {
		for (int i = 0; i < 512; i++)
			sector[i] = 0;
		com_puts("hvmsave: disk ");
		com_puts(ide_rw(1, false) ? sector : "(read failed)");
		com_puts("\n");
		return;
	}
	com_puts("hvmsave: got ");
	com_putc(c);
	com_puts("\n");
}

static void boot(void)
{
	static const char marker[] = "marker-5a17-written-before-save";

	for (uint32_t i = 0; i < REGION / 4; i++)
		region[i] = i * 7;
	sum = region_sum();
	for (unsigned i = 0; i < sizeof(marker); i++)
		sector[i] = marker[i];
	if (ide_rw(1, true)) {
		com_puts("hvmsave: disk written\n");
	} else {
		com_puts("hvmsave: disk write failed, status ");
		com_num(ide_status);
		com_puts("\n");
	}
	com_puts("hvmsave: boot\n");
}

/* The multiboot command line (info flag 2) contains `word`. */
static bool cmdline_has(uint32_t info, const char *word)
{
	const uint32_t *mb = (const uint32_t *)info;
	const char *c;

	if (!info || !(mb[0] & 4))
		return false;
	for (c = (const char *)mb[4]; *c; c++) {
		uint32_t i = 0;

		while (word[i] && c[i] == word[i])
			i++;
		if (!word[i])
			return true;
	}
	return false;
}

void hg_main(uint32_t magic, uint32_t info);
void hg_main(uint32_t magic, uint32_t info)
{
	uint32_t next = 50, count = 0;

	(void)magic;
	dirty_mode = cmdline_has(info, "dirty");
	hg_idt_init();
	com_init();
	boot();
	hg_pic_init(0x20, 0x28);
	hg_set_handler(0x20, tick);
	outb(0x21, 0xfe);         /* IRQ 0 only */
	hg_pit_periodic(11932);   /* 100 Hz */
	for (;;) {
		uint32_t s;

		if (dirty_mode)
			dirty_run();
		else
			sti_hlt();
		while (inb(COM1 + 5) & 1)
			answer((char)inb(COM1));
		if (ticks < next)
			continue;
		next = ticks + 50;
		cli();
		s = region_sum() == sum;
		com_puts("hvmsave: count ");
		com_num(++count);
		com_puts(" ticks ");
		com_num(ticks);
		com_puts(s ? " sum ok" : " sum BAD");
		if (dirty_mode) {
			com_puts(dirty_bad ? " dirty BAD passes " : " dirty ok passes ");
			com_num(dirty_pass);
		}
		com_puts("\n");
	}
}
