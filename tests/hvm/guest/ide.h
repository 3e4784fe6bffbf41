/* The test guests' IDE driver (ide.c): the PIIX IDE at 00:01.1, primary
 * channel, drive 0, LBA28, polled; its bus master at IDE_BM. The disks the
 * tests make hold N in every 32-bit word of sector N
 * (tests/hvm/disk_pattern.py). */
#ifndef VMCTL_TESTS_HVM_GUEST_IDE_H
#define VMCTL_TESTS_HVM_GUEST_IDE_H

#include <stdbool.h>
#include <stdint.h>

#define IDE_BM 0xc000

/* BAR 4 (the bus master) at IDE_BM, I/O decode and bus mastering on,
 * drive 0 selected. */
void ide_setup(void);
/* Poll the status until (status & mask) == want; false after 100 000
 * reads (each one a round trip to the device model). */
bool ide_wait(uint8_t mask, uint8_t want);
/* READ DMA of `count` sectors (1-256) at `lba` to guest address `buf`,
 * through PRD entries of at most 64 KiB (the table at 2 MiB); false on an
 * error or a timeout. */
bool ide_read_dma(uint32_t lba, unsigned count, uint32_t buf);
/* READ SECTORS by PIO, each sector's 256 words taken with one rep insw
 * to `buf`; false on an error or a timeout. */
bool ide_read_pio(uint32_t lba, unsigned count, uint32_t buf);
/* Do the `count` sectors at `buf` hold the pattern of those at `lba`? */
bool ide_sectors_hold_lba(uint32_t buf, uint32_t lba, unsigned count);

#endif
