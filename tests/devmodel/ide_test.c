/* The PIIX3 IDE controller on images the test makes: IDENTIFY, PIO reads
 * and writes with rep insw/outsw (as the guest's string I/O arrives),
 * READ/WRITE MULTIPLE, LBA48, bus-master DMA (good and hostile PRD
 * tables), ATAPI on an ISO (signature, sense, capacity, READ(10) in
 * byte-count-limited blocks and by DMA), unplug. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "vmctl/xen/hvm/platform_pci.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define IDE_FN (1 << 3 | 1)
#define P 0x1f0
#define S 0x170
#define BM 0xc000

static char disk_path[] = "/tmp/dm-ide-disk-XXXXXX";
static char iso_path[] = "/tmp/dm-ide-iso-XXXXXX";

static int make_images(void)
{
	static uint8_t buf[2048 * 8];
	int d = mkstemp(disk_path), i = mkstemp(iso_path);

	for (unsigned s = 0; s < 8; s++)
		memset(buf + 2048 * s, 0x40 + s, 2048);
	/* disk: 2048 sectors of 512 bytes, each starting with its number */
	for (unsigned s = 0; s < 2048 && d >= 0; s++) {
		uint8_t sec[512];

		memset(sec, (uint8_t)s, sizeof(sec));
		memcpy(sec, &s, 4);
		if (write(d, sec, sizeof(sec)) != 512)
			return -1;
	}
	if (d < 0 || i < 0 || write(i, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return -1;
	close(d);
	close(i);
	return 0;
}

static void lba28(struct dmt *t, uint16_t base, unsigned drive, uint32_t lba, uint8_t count)
{
	dmt_out(t, base + 6, 1, 0xe0 | drive << 4 | (lba >> 24 & 0xf));
	dmt_out(t, base + 2, 1, count);
	dmt_out(t, base + 3, 1, lba & 0xff);
	dmt_out(t, base + 4, 1, lba >> 8 & 0xff);
	dmt_out(t, base + 5, 1, lba >> 16 & 0xff);
}

/* rep insw of `words` into guest memory at gpa */
static int insw(struct dmt *t, uint16_t port, uint64_t gpa, uint32_t words)
{
	uint64_t d = gpa;

	return dmt_io(t, IO_PIO, IO_READ, port, 2, words, &d, 1, 0);
}

static int outsw(struct dmt *t, uint16_t port, uint64_t gpa, uint32_t words)
{
	uint64_t d = gpa;

	return dmt_io(t, IO_PIO, IO_WRITE, port, 2, words, &d, 1, 0);
}

static void test_identify(struct dmt *t)
{
	uint16_t *w = (uint16_t *)(void *)(t->ram + 0x4000);

	is_int(dmt_cfg_read(t, IDE_FN, 0, 4), 0x70108086, "00:01.1 is the PIIX3 IDE");
	is_int(dmt_cfg_read(t, IDE_FN, 0x08, 4) >> 8, 0x010180, "class IDE, bus master");
	dmt_out(t, P + 6, 1, 0xa0);
	dmt_out(t, P + 7, 1, 0xec);
	is_int(dmt_in(t, 0x3f6, 1), 0x58, "IDENTIFY: DRDY DSC DRQ (alternate status)");
	is_int(t->rec.isa[14], 1, "IRQ 14");
	is_int(dmt_in(t, P + 7, 1), 0x58, "status read");
	is_int(t->rec.isa[14], 0, "acknowledges IRQ 14");
	is_int(insw(t, P, 0x4000, 256), 0, "rep insw 256 words");
	ok(w[0] == 0x0040 && (w[60] | w[61] << 16) == 2048 && w[100] == 2048, "sizes in IDENTIFY");
	ok(memcmp(&w[27], "MVTC LAHDRIDKS", 14) == 0, "model string byte-swapped");
	is_int(dmt_in(t, P + 7, 1), 0x50, "DRQ gone after 512 bytes");
	dmt_out(t, P + 6, 1, 0xb0);
	is_int(dmt_in(t, P + 7, 1), 0, "no slave: status 0");
	ok(bus_find(&t->dm.bus, BUS_PIO, 0x170) != NULL, "the secondary channel decodes (the CD)");
	is_int(dmt_in(t, 0x1e8, 1), 0xff, "no third channel: floating bus");
}

static void test_pio(struct dmt *t, int fd)
{
	uint32_t n;
	uint8_t sec[512];

	lba28(t, P, 0, 5, 2);
	dmt_out(t, P + 7, 1, 0x20);
	is_int(insw(t, P, 0x5000, 256), 0, "READ SECTORS: first block");
	memcpy(&n, t->ram + 0x5000, 4);
	is_int(n, 5, "sector 5");
	is_int(dmt_in(t, P + 7, 1), 0x58, "second block ready");
	insw(t, P, 0x5200, 256);
	memcpy(&n, t->ram + 0x5200, 4);
	is_int(n, 6, "sector 6");
	is_int(dmt_in(t, P + 7, 1), 0x50, "done");
	/* 32-bit data port accesses work too */
	lba28(t, P, 0, 7, 1);
	dmt_out(t, P + 7, 1, 0x20);
	is_int(dmt_in(t, P, 4), 7, "a dword read of sector 7");
	for (int i = 1; i < 128; i++)
		dmt_in(t, P, 4);
	is_int(dmt_in(t, P + 7, 1), 0x50, "done after 128 dwords");
	/* write */
	memset(t->ram + 0x6000, 0xab, 1024);
	lba28(t, P, 0, 100, 2);
	dmt_out(t, P + 7, 1, 0x30);
	is_int(dmt_in(t, 0x3f6, 1), 0x58, "WRITE SECTORS: DRQ at once");
	outsw(t, P, 0x6000, 256);
	is_int(t->rec.isa[14], 1, "interrupt after the first block");
	dmt_in(t, P + 7, 1);
	outsw(t, P, 0x6200, 256);
	is_int(dmt_in(t, P + 7, 1), 0x50, "written");
	ok(pread(fd, sec, 512, 101 * 512) == 512 && sec[0] == 0xab && sec[511] == 0xab, "sector 101 in the image");
	/* multiple */
	dmt_out(t, P + 2, 1, 4);
	dmt_out(t, P + 7, 1, 0xc6);
	is_int(dmt_in(t, P + 7, 1), 0x50, "SET MULTIPLE 4");
	lba28(t, P, 0, 8, 8);
	dmt_out(t, P + 7, 1, 0xc4);
	insw(t, P, 0x7000, 1024);
	memcpy(&n, t->ram + 0x7000 + 3 * 512, 4);
	ok(n == 11 && (dmt_in(t, P + 7, 1) & 0x08), "READ MULTIPLE: 4 sectors per block, more to come");
	insw(t, P, 0x7800, 1024);
	memcpy(&n, t->ram + 0x7800 + 3 * 512, 4);
	ok(n == 15 && dmt_in(t, P + 7, 1) == 0x50, "second block, done");
	/* LBA48 */
	dmt_out(t, P + 6, 1, 0x40);
	dmt_out(t, P + 2, 1, 0);
	dmt_out(t, P + 2, 1, 1);
	dmt_out(t, P + 3, 1, 0);
	dmt_out(t, P + 3, 1, 0x10);
	dmt_out(t, P + 4, 1, 0);
	dmt_out(t, P + 4, 1, 0x07);
	dmt_out(t, P + 5, 1, 0);
	dmt_out(t, P + 5, 1, 0);
	dmt_out(t, P + 7, 1, 0x24);
	insw(t, P, 0x8000, 256);
	memcpy(&n, t->ram + 0x8000, 4);
	is_int(n, 0x710, "READ SECTORS EXT of LBA 0x710");
	/* out of range, bad commands */
	lba28(t, P, 0, 2047, 2);
	dmt_out(t, P + 7, 1, 0x20);
	ok(dmt_in(t, P + 7, 1) == 0x41 && dmt_in(t, P + 1, 1) == 0x04, "past the end: ERR, ABRT");
	dmt_out(t, P + 7, 1, 0xff);
	ok(dmt_in(t, P + 7, 1) & 0x01, "unknown command aborted");
	is_int(dmt_in(t, P, 2), 0, "data port without DRQ reads 0");
}

static void put_prd(struct dmt *t, uint64_t at, uint32_t addr, uint32_t count, int eot)
{
	uint32_t e[2] = { addr, (count & 0xffff) | (eot ? 0x80000000u : 0) };

	memcpy(t->ram + at, e, 8);
}

static void test_dma(struct dmt *t)
{
	uint32_t n;

	dmt_cfg_write(t, IDE_FN, 0x20, 4, BM);
	dmt_cfg_write(t, IDE_FN, 0x04, 2, 0x05);
	put_prd(t, 0x1000, 0x20000, 512, 0);
	put_prd(t, 0x1008, 0x30000, 1024, 1);
	dmt_out(t, BM + 4, 4, 0x1000);
	lba28(t, P, 0, 20, 3);
	dmt_out(t, P + 7, 1, 0xc8);
	is_int(t->rec.isa[14], 0, "READ DMA waits for the start bit");
	dmt_out(t, BM, 1, 0x09);
	is_int(t->rec.isa[14], 1, "start: done, IRQ 14");
	memcpy(&n, t->ram + 0x20000, 4);
	is_int(n, 20, "sector 20 in the first buffer");
	memcpy(&n, t->ram + 0x30200, 4);
	is_int(n, 22, "sector 22 at the end of the second");
	is_int(dmt_in(t, BM + 2, 1) & 0x07, 0x04, "BM status: interrupt, not active, no error");
	dmt_out(t, BM + 2, 1, 0x04);
	is_int(dmt_in(t, BM + 2, 1) & 0x04, 0, "interrupt bit is write-1-to-clear");
	is_int(dmt_in(t, P + 7, 1), 0x50, "ATA status good");
	dmt_out(t, BM, 1, 0x00);
	/* write DMA */
	memset(t->ram + 0x20000, 0x5a, 512);
	put_prd(t, 0x1000, 0x20000, 512, 1);
	lba28(t, P, 0, 200, 1);
	dmt_out(t, BM, 1, 0x01);
	dmt_out(t, P + 7, 1, 0xca);
	is_int(dmt_in(t, P + 7, 1), 0x50, "WRITE DMA with the start bit already set");
	dmt_out(t, BM, 1, 0x00);
	/* hostile PRD tables */
	put_prd(t, 0x1000, 0xfff00000, 512, 1);
	lba28(t, P, 0, 1, 1);
	dmt_out(t, P + 7, 1, 0xc8);
	dmt_out(t, BM, 1, 0x09);
	ok((dmt_in(t, BM + 2, 1) & 0x02) && (dmt_in(t, P + 7, 1) & 0x01), "buffer outside RAM: BM error, ATA error");
	dmt_out(t, BM + 2, 1, 0x06);
	dmt_out(t, BM, 1, 0x00);
	put_prd(t, 0x1000, 0x20000, 512, 1);
	lba28(t, P, 0, 1, 4);
	dmt_out(t, P + 7, 1, 0xc8);
	dmt_out(t, BM, 1, 0x09);
	ok(dmt_in(t, BM + 2, 1) & 0x02, "PRD table shorter than the transfer: error");
	dmt_out(t, BM + 2, 1, 0x06);
	dmt_out(t, BM, 1, 0x00);
	dmt_out(t, BM + 4, 4, (uint32_t)t->ram_size - 4);
	lba28(t, P, 0, 1, 1);
	dmt_out(t, P + 7, 1, 0xc8);
	dmt_out(t, BM, 1, 0x09);
	ok(dmt_in(t, BM + 2, 1) & 0x02, "PRD table itself outside RAM: error");
	dmt_out(t, BM + 2, 1, 0x06);
	dmt_out(t, BM, 1, 0x00);
	for (uint32_t i = 0; i < 8192; i++)
		put_prd(t, 0x40000 + 8 * i, 0x20000, 2, 0);
	dmt_out(t, BM + 4, 4, 0x40000);
	lba28(t, P, 0, 1, 64);
	dmt_out(t, P + 7, 1, 0xc8);
	dmt_out(t, BM, 1, 0x09);
	ok(dmt_in(t, BM + 2, 1) & 0x02, "8192 tiny entries without EOT: stops, error");
	dmt_out(t, BM + 2, 1, 0x06);
	dmt_out(t, BM, 1, 0x00);
}

/* Send a 12-byte packet with byte count limit `limit`. */
static void packet(struct dmt *t, const uint8_t *cdb, uint16_t limit, int dma)
{
	uint16_t w[6];

	dmt_out(t, S + 6, 1, 0xa0);
	dmt_out(t, S + 1, 1, dma ? 1 : 0);
	dmt_out(t, S + 4, 1, limit & 0xff);
	dmt_out(t, S + 5, 1, limit >> 8);
	dmt_out(t, S + 7, 1, 0xa0);
	memcpy(w, cdb, 12);
	for (int i = 0; i < 6; i++)
		dmt_out(t, S, 2, w[i]);
}

static void test_atapi(struct dmt *t)
{
	const uint8_t tur[12] = { 0x00 };
	const uint8_t sense[12] = { 0x03, 0, 0, 0, 18 };
	const uint8_t cap[12] = { 0x25 };
	const uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 2, 0, 0, 2 };
	const uint8_t bad[12] = { 0xee };
	uint32_t b;

	dmt_out(t, S + 6, 1, 0xa0);
	dmt_out(t, S + 7, 1, 0xec);
	ok(dmt_in(t, S + 4, 1) == 0x14 && dmt_in(t, S + 5, 1) == 0xeb && (dmt_in(t, S + 7, 1) & 1),
	   "IDENTIFY on the CD: aborted with the ATAPI signature");
	dmt_out(t, S + 7, 1, 0xa1);
	insw(t, S, 0x9000, 256);
	is_int(*(uint16_t *)(void *)(t->ram + 0x9000), 0x8580, "IDENTIFY PACKET DEVICE");
	packet(t, tur, 0, 0);
	ok(dmt_in(t, S + 7, 1) & 1, "first TEST UNIT READY: unit attention");
	packet(t, sense, 18, 0);
	insw(t, S, 0x9000, 9);
	ok(t->ram[0x9002] == 0x06 && t->ram[0x900c] == 0x28, "REQUEST SENSE: medium changed");
	is_int(dmt_in(t, S + 2, 1), 3, "status phase: IO and CoD");
	packet(t, tur, 0, 0);
	is_int(dmt_in(t, S + 7, 1), 0x50, "then ready");
	packet(t, cap, 8, 0);
	insw(t, S, 0x9000, 4);
	memcpy(&b, t->ram + 0x9000, 4);
	is_int(__builtin_bswap32(b), 7, "READ CAPACITY: last LBA 7");
	packet(t, rd, 0x800, 0);
	is_int(dmt_in(t, S + 4, 1) | dmt_in(t, S + 5, 1) << 8, 0x800, "READ(10): blocks of the byte count limit");
	insw(t, S, 0xa000, 1024);
	is_int(t->rec.isa[15], 1, "IRQ 15 per block");
	dmt_in(t, S + 7, 1);
	insw(t, S, 0xa800, 1024);
	ok(t->ram[0xa000] == 0x42 && t->ram[0xafff] == 0x43 && dmt_in(t, S + 7, 1) == 0x50,
	   "CD sectors 2 and 3 read, done");
	dmt_cfg_write(t, IDE_FN, 0x20, 4, BM);
	put_prd(t, 0x1000, 0x20000, 4096, 1);
	dmt_out(t, BM + 8 + 4, 4, 0x1000);
	dmt_out(t, BM + 8, 1, 0x09);
	packet(t, rd, 0, 1);
	ok(t->ram[0x20000] == 0x42 && t->ram[0x20fff] == 0x43 && dmt_in(t, S + 7, 1) == 0x50,
	   "READ(10) by DMA");
	dmt_out(t, BM + 8, 1, 0x00);
	packet(t, bad, 0, 0);
	ok((dmt_in(t, S + 7, 1) & 1) && dmt_in(t, S + 1, 1) == 0x50, "unknown packet: ILLEGAL REQUEST");
}

int main(void)
{
	struct dmt t;
	int fd;

	if (make_images() < 0 || dmt_init(&t, 1 << 20) < 0) {
		skip_all("cannot make images");
		return 0;
	}
	t.cfg.disk[0].path = disk_path;
	t.cfg.disk[2].path = iso_path;
	t.cfg.disk[2].cdrom = true;
	t.cfg.platform_pci = true;
	is_int(dmt_start(&t), 0, "devices created");
	fd = open(disk_path, O_RDONLY);
	test_identify(&t);
	test_pio(&t, fd);
	test_dma(&t);
	test_atapi(&t);
	dmt_out(&t, 0x10, 2, XEN_UNPLUG_ALL_IDE_DISKS);
	dmt_out(&t, P + 6, 1, 0xa0);
	is_int(dmt_in(&t, P + 7, 1), 0, "after unplug the disk is gone");
	dmt_out(&t, S + 6, 1, 0xa0);
	dmt_out(&t, S + 7, 1, 0xa1);
	ok(dmt_in(&t, S + 7, 1) & 0x08, "the CD stays");
	dmt_fini(&t);
	close(fd);
	unlink(disk_path);
	unlink(iso_path);
	return tap_done();
}
