/* The std-VGA driven by a guest with no BIOS (multiboot, booted by xl
 * create with vmctl-devmodel; tests/hvm/vga.sh, bench/hvm_vga.sh). The
 * guest programs the VGA's BARs itself, sets a Bochs VBE mode, draws, and
 * stays up (halted) so that a VNC client can look at the picture.
 *
 *   fill N    640x480x32 through the DISPI ports (0x1ce/0x1cf); N full
 *             frames written through the linear framebuffer (BAR 0), one
 *             colour each, between "vga: fill start" and "vga: fill done",
 *             then the bars: the last frame read back, every pixel
 *   bench N   the same, after the same N frames written to RAM between
 *             "vga: ram start" and "vga: ram done" (bench/hvm_vga.sh)
 *   churn N   640x480x32, frames as `fill` while a VNC client watches
 *             (tests/hvm/vga.sh): at least N, then until a key arrives
 *             (the client's, through the PS/2 controller), then the bars
 *             and one magenta pixel bottom right, written through the
 *             write TLB entries the frames left live (the display must
 *             still learn those pages)
 *   dma       640x480x32, then (once a key arrives, when a VNC client has
 *             seen the black screen) the device model writes the LFB:
 *             a bus-master READ DMA through two PRD entries puts sectors
 *             0x1a0-0x23f in rows 240-271; after another key (not 'a')
 *             rep insw from the IDE data port sectors 0xc0-0xc4 in row 0
 *             (an IDE disk of
 *             tests/hvm/disk_pattern.py: every 32-bit word of sector N is
 *             N, so a pixel there is colour N); no vCPU store touches them
 *   bar2      the MMIO BAR (BAR 2) as Linux's bochs-drm uses it: DISPI
 *             registers at 0x500 + 2 * index, the VGA ports at 0x400 +
 *             (port - 0x3c0), QEMU's extension area at 0x600 (its size and
 *             the framebuffer's byte order); 1920x1080x32 set through it,
 *             the bars drawn
 *
 * The picture at the end: four vertical bars, red, green, blue, white,
 * each a quarter of the width. TAP lines go to port 0xe9 (xl dmesg), then
 * "vga guest: PASSED" (or FAILED) and "vga: drawn WxH". */
#include "hg.h"
#include "ide.h"

#define VGA_DEV    2
#define LFB        0xe0000000u
#define MMIO       0xe2000000u
#define DISPI_IDX  0x1ce
#define DISPI_DATA 0x1cf

enum { D_ID, D_XRES, D_YRES, D_BPP, D_ENABLE, D_BANK, D_VIRT_W, D_VIRT_H, D_XOFF, D_YOFF,
       D_VRAM64K };
#define DISPI_ENABLED 0x01
#define DISPI_LFB     0x40

static unsigned failures;

static void check(bool cond, const char *what)
{
	failures += !cond;
	hg_ok(cond, what);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static unsigned number(const char *s)
{
	unsigned n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (unsigned)(*s++ - '0');
	return n;
}

static uint32_t cfg_addr(unsigned reg)
{
	return 0x80000000u | VGA_DEV << 11 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned reg)
{
	outl(0xcf8, cfg_addr(reg));
	return inl(0xcfc);
}

static void cfg_write(unsigned reg, uint32_t v)
{
	outl(0xcf8, cfg_addr(reg));
	outl(0xcfc, v);
}

/* DISPI through the ports or through BAR 2. */
static bool use_mmio;

static uint16_t dispi_read(unsigned idx)
{
	if (use_mmio)
		return *(volatile uint16_t *)(MMIO + 0x500 + 2 * idx);
	outw(DISPI_IDX, (uint16_t)idx);
	return inw(DISPI_DATA);
}

static void dispi_write(unsigned idx, uint16_t v)
{
	if (use_mmio) {
		*(volatile uint16_t *)(MMIO + 0x500 + 2 * idx) = v;
		return;
	}
	outw(DISPI_IDX, (uint16_t)idx);
	outw(DISPI_DATA, v);
}

static void mode_set(unsigned w, unsigned h)
{
	dispi_write(D_ENABLE, 0);
	dispi_write(D_XRES, (uint16_t)w);
	dispi_write(D_YRES, (uint16_t)h);
	dispi_write(D_BPP, 32);
	dispi_write(D_ENABLE, DISPI_ENABLED | DISPI_LFB);
}

/* The VGA at 00:02.0 with its BARs where this guest wants them. */
static bool vga_setup(void)
{
	uint32_t bar0;

	if (cfg_read(0) != 0x11111234u) {
		check(false, "00:02.0 is the std-VGA (1234:1111)");
		return false;
	}
	cfg_write(0x10, 0xffffffffu);
	bar0 = cfg_read(0x10);
	check((bar0 & 0xf) == 0x8 && (~(bar0 & ~0xfu) + 1) >= (4u << 20),
	      "BAR 0 is prefetchable memory of the VRAM's size");
	cfg_write(0x10, LFB);
	cfg_write(0x04, 0x3);       /* I/O and memory decode */
	return true;
}

static void bar2_setup(void)
{
	cfg_write(0x04, 0x1);
	cfg_write(0x18, 0xffffffffu);
	check(cfg_read(0x18) == 0xfffff000u, "BAR 2 is 4 KiB of memory, not prefetchable");
	cfg_write(0x18, MMIO);
	cfg_write(0x04, 0x3);
}

static uint32_t bar_colour(unsigned x, unsigned w)
{
	static const uint32_t c[4] = { 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };

	return c[x * 4 / w];
}

static void draw_bars(unsigned w, unsigned h)
{
	volatile uint32_t *fb = (volatile uint32_t *)LFB;

	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++)
			fb[y * w + x] = bar_colour(x, w);
}

static bool bars_read_back(unsigned w, unsigned h)
{
	volatile uint32_t *fb = (volatile uint32_t *)LFB;

	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++)
			if (fb[y * w + x] != bar_colour(x, w))
				return false;
	return true;
}

/* N frames of one colour each into `fb`: what the benchmark times. */
static void frames_write(volatile uint32_t *fb, unsigned n, unsigned pixels, const char *what)
{
	hg_printf("vga: %s start\n", what);
	for (unsigned f = 0; f < n; f++) {
		uint32_t c = 0x010203u * (f + 1);

		for (unsigned i = 0; i < pixels; i++)
			fb[i] = c;
	}
	hg_printf("vga: %s done %u\n", what, n);
}

/* Frames until at least `min` are done and a key is waiting (the PS/2
 * controller's output buffer is full: nobody here reads it). */
static void churn(volatile uint32_t *fb, unsigned min, unsigned pixels)
{
	unsigned f;

	hg_printf("vga: churn start\n");
	for (f = 0; f < min || !(inb(0x64) & 1); f++) {
		uint32_t c = 0x010203u * (f % 200 + 1);

		for (unsigned i = 0; i < pixels; i++)
			fb[i] = c;
	}
	hg_printf("vga: churn done %u\n", f);
}

enum fill_kind { FILL, BENCH, CHURN };

static void fill(unsigned frames, enum fill_kind kind)
{
	const unsigned w = 640, h = 480;

	mode_set(w, h);
	check(dispi_read(D_ENABLE) == (DISPI_ENABLED | DISPI_LFB) && dispi_read(D_XRES) == w,
	      "640x480x32 set through the DISPI ports");
	/* the reference: the same stores into RAM (4 MiB up) */
	if (kind == BENCH)
		frames_write((volatile uint32_t *)0x400000u, frames, w * h, "ram");
	if (kind == CHURN)
		churn((volatile uint32_t *)LFB, frames, w * h);
	else
		frames_write((volatile uint32_t *)LFB, frames, w * h, "fill");
	draw_bars(w, h);
	check(bars_read_back(w, h), "the bars read back from the framebuffer, every pixel");
	if (kind == CHURN)
		((volatile uint32_t *)LFB)[w * h - 1] = 0xff00ff;
}

#define DMA_PIO_LBA 0xc0u
#define DMA_BM_LBA  0x1a0u

/* A byte from the PS/2 controller that is not one of key 'a''s codes
 * (set 1 make/break 0x1e/0x9e, set 2 0x1c and its break prefix 0xf0). */
static void key_other_than_a(void)
{
	for (;;) {
		uint8_t b;

		while (!(inb(0x64) & 1))
			;
		b = inb(0x60);
		if (b != 0x1e && b != 0x9e && b != 0x1c && b != 0xf0)
			return;
	}
}

/* The DMA first and alone, not even read back until the client saw it:
 * only the device model's own marking can make the display show it (a
 * vCPU's access to a VRAM page, the rep insw's included, marks it). */
static void dma(void)
{
	const unsigned w = 640, h = 480;
	const uint32_t rows240 = LFB + 240 * w * 4;

	mode_set(w, h);
	check(dispi_read(D_ENABLE) == (DISPI_ENABLED | DISPI_LFB) && dispi_read(D_YRES) == h,
	      "640x480x32 set through the DISPI ports");
	hg_printf("vga: dma waits for a key\n");
	while (!(inb(0x64) & 1))
		;
	ide_setup();
	check(ide_read_dma(DMA_BM_LBA, 160, rows240), "READ DMA into the LFB (two PRD entries)");
	hg_printf("vga: dma done, rep insw waits for a key\n");
	key_other_than_a();
	check(ide_sectors_hold_lba(rows240, DMA_BM_LBA, 160),
	      "the DMA's rows 240-271 hold sectors 0x1a0-0x23f");
	check(ide_read_pio(DMA_PIO_LBA, 5, LFB) && ide_sectors_hold_lba(LFB, DMA_PIO_LBA, 5),
	      "rep insw from the IDE data port into the LFB: row 0 holds sectors 0xc0-0xc4");
}

static void bar2(void)
{
	volatile uint8_t *mm = (volatile uint8_t *)MMIO;
	const unsigned w = 1920, h = 1080;

	bar2_setup();
	use_mmio = true;
	check((dispi_read(D_ID) & 0xfff0) == 0xb0c0, "DISPI's id at BAR 2 + 0x500");
	check(*(volatile uint32_t *)(MMIO + 0x600) >= 8, "QEMU's extension area: its size");
	*(volatile uint32_t *)(MMIO + 0x604) = 0x1e1e1e1eu;
	check(*(volatile uint32_t *)(MMIO + 0x604) == 0x1e1e1e1eu,
	      "QEMU's extension area: the framebuffer is little-endian");
	mm[0x400 + 0x3c4 - 0x3c0] = 2;           /* sequencer index: map mask */
	mm[0x400 + 0x3c5 - 0x3c0] = 0x0f;
	check(inb(0x3c4) == 2 && inb(0x3c5) == 0x0f, "the VGA ports at BAR 2 + 0x400");
	/* the capabilities, as the VGA BIOS reads them for its mode list */
	dispi_write(D_ENABLE, 0x02);
	check(dispi_read(D_XRES) >= w && dispi_read(D_YRES) >= h && dispi_read(D_BPP) == 32,
	      "DISPI's maximum resolution covers 1920x1080x32");
	mode_set(w, h);
	check(dispi_read(D_ENABLE) == (DISPI_ENABLED | DISPI_LFB) && dispi_read(D_XRES) == w &&
	      dispi_read(D_YRES) == h, "1920x1080x32 set through BAR 2");
	draw_bars(w, h);
	check(bars_read_back(w, h), "the bars read back from the framebuffer, every pixel");
}

void hg_main(uint32_t magic, uint32_t info);

void hg_main(uint32_t magic, uint32_t info)
{
	const char *cmd = hg_multiboot_cmdline(magic, info);

	if (!vga_setup())
		hg_printf("vga: no VGA to test\n");
	else if (cmd[0] == 'f' && cmd[1] == 'i' && cmd[2] == 'l' && cmd[3] == 'l')
		fill(number(cmd + 4 + (cmd[4] == ' ')), FILL);
	else if (cmd[0] == 'b' && cmd[1] == 'e' && cmd[2] == 'n' && cmd[3] == 'c' && cmd[4] == 'h')
		fill(number(cmd + 5 + (cmd[5] == ' ')), BENCH);
	else if (cmd[0] == 'c' && cmd[1] == 'h' && cmd[2] == 'u' && cmd[3] == 'r' && cmd[4] == 'n')
		fill(number(cmd + 5 + (cmd[5] == ' ')), CHURN);
	else if (streq(cmd, "bar2"))
		bar2();
	else if (streq(cmd, "dma"))
		dma();
	else
		check(false, "a known command line (fill N, bench N, churn N, bar2, dma)");
	hg_printf("vga guest: %s\n", failures ? "FAILED" : "PASSED");
	hg_printf("vga: drawn %ux%u\n", dispi_read(D_XRES), dispi_read(D_YRES));
	for (;;)
		__asm__ volatile("cli; hlt");
}
