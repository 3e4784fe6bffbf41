/* The test guests' IDE driver (ide.h). */
#include "ide.h"
#include "hg.h"

#define PRD_TABLE 0x200000u

struct prd {
	uint32_t addr;
	uint32_t bytes;                /* bits 0-15 (0 = 64 KiB), bit 31: last */
};

/* Every status read is a round trip to the device model: 100 000 of
 * them are seconds. */
bool ide_wait(uint8_t mask, uint8_t want)
{
	for (uint32_t i = 0; i < 100000; i++)
		if ((inb(0x1f7) & mask) == want)
			return true;
	return false;
}

static void ide_cfg_write(unsigned reg, uint32_t v)
{
	outl(0xcf8, 0x80000000u | 1u << 11 | 1u << 8 | reg);
	outl(0xcfc, v);
}

void ide_setup(void)
{
	ide_cfg_write(0x20, IDE_BM);
	ide_cfg_write(4, 0x0005);      /* I/O space, bus master */
	outb(0x1f6, 0xe0);             /* drive 0, LBA */
}

static void ide_command(uint32_t lba, unsigned count, uint8_t cmd)
{
	outb(0x1f2, (uint8_t)count);
	outb(0x1f3, (uint8_t)lba);
	outb(0x1f4, (uint8_t)(lba >> 8));
	outb(0x1f5, (uint8_t)(lba >> 16));
	outb(0x1f6, 0xe0 | (lba >> 24 & 0xf));
	outb(0x1f7, cmd);
}

bool ide_read_dma(uint32_t lba, unsigned count, uint32_t buf)
{
	volatile struct prd *prd = (void *)PRD_TABLE;
	uint32_t bytes = count * 512u, n = 0;

	for (uint32_t off = 0; off < bytes; off += 0x10000, n++) {
		uint32_t len = bytes - off > 0x10000 ? 0x10000 : bytes - off;

		prd[n].addr = buf + off;
		prd[n].bytes = len & 0xffff;
	}
	prd[n - 1].bytes |= 0x80000000u;
	outb(IDE_BM, 0x00);
	outl(IDE_BM + 4, PRD_TABLE);
	outb(IDE_BM + 2, 0x06);        /* clear error and interrupt */
	outb(IDE_BM, 0x08);            /* direction: to memory */
	ide_command(lba, count, 0xc8);
	outb(IDE_BM, 0x09);            /* start */
	for (uint32_t i = 0; i < 100000000; i++) {
		uint8_t st = inb(IDE_BM + 2);

		if (st & 0x06) {       /* interrupt or error */
			outb(IDE_BM, 0x00);
			return !(st & 0x02) && !(inb(0x1f7) & 0x01);
		}
	}
	return false;
}

bool ide_read_pio(uint32_t lba, unsigned count, uint32_t buf)
{
	ide_command(lba, count, 0x20);
	for (unsigned s = 0; s < count; s++) {
		uint32_t dst = buf + s * 512u, n = 256;

		if (!ide_wait(0x89, 0x08))     /* BSY, DRQ, ERR: data ready */
			return false;
		__asm__ volatile("cld; rep insw" : "+D"(dst), "+c"(n) : "d"(0x1f0) : "memory");
	}
	return ide_wait(0x89, 0x00);
}

bool ide_sectors_hold_lba(uint32_t buf, uint32_t lba, unsigned count)
{
	const volatile uint32_t *p = (const volatile uint32_t *)buf;

	for (unsigned s = 0; s < count; s++)
		for (unsigned i = 0; i < 128; i++)
			if (p[s * 128 + i] != lba + s)
				return false;
	return true;
}
