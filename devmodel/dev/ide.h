/* The PIIX3 IDE function's state, shared by the ATA part (ide.c) and the
 * ATAPI packet commands (ide_atapi.c). Two legacy channels (0x1f0/0x3f6
 * IRQ 14, 0x170/0x376 IRQ 15), two drives each, bus-master DMA at BAR4. */
#ifndef VMCTL_DEVMODEL_DEV_IDE_H
#define VMCTL_DEVMODEL_DEV_IDE_H

#include "devmodel/dm.h"

#include <stdbool.h>
#include <stdint.h>

#define IDE_BUF_SIZE   (128 * 1024)  /* the largest PIO block (ATAPI byte count 0xfffe) */
#define CD_SECTOR      2048

#define ST_ERR   0x01
#define ST_DRQ   0x08
#define ST_DSC   0x10
#define ST_DRDY  0x40
#define ST_BSY   0x80
#define ERR_ABRT 0x04

struct ide;
struct ide_channel;

struct ide_drive {
	bool present, atapi, readonly;
	int fd;
	uint64_t sectors;          /* 512-byte sectors (disks), 2048-byte (CDs) */
	uint8_t mult;              /* sectors per READ/WRITE MULTIPLE block */
	uint8_t sense_key, asc;    /* ATAPI: the last error for REQUEST SENSE */
	bool unit_attention;
	bool unplugged;
	bool medium;               /* ATAPI: a disc is in (fd valid) */
	uint8_t media_event;       /* ATAPI: GET EVENT STATUS's pending media event */
};

typedef void (*ide_done_fn)(struct ide_channel *c);

struct ide_channel {
	struct ide *ide;
	unsigned index;
	struct ide_drive drive[2];
	unsigned cur;              /* the selected drive */
	uint8_t feature, nsector, sector, lcyl, hcyl;           /* task file */
	uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
	uint8_t select, status, error, ctrl;
	bool irq;
	/* PIO: buf[pos..end) is the current DRQ block; done runs when the
	 * guest has moved all of it */
	uint8_t *buf;
	uint32_t pos, end;
	ide_done_fn done;
	uint64_t lba;              /* the next sector of a multi-block command */
	uint32_t left;             /* sectors (ATA) or bytes (ATAPI) still to move */
	uint32_t block;            /* sectors per DRQ block */
	/* bus master */
	uint8_t bm_cmd, bm_status;
	uint32_t bm_prd;
	bool dma_pending;          /* a DMA command waits for the start bit */
	bool dma_to_mem;
	const uint8_t *dma_src;    /* ATAPI: DMA from this reply, not the image */
	uint8_t packet[12];
};

struct ide_drive *ide_cur(struct ide_channel *c);
/* Raise the channel's IRQ (unless nIEN) / finish a command. */
void ide_irq(struct ide_channel *c);
void ide_ok(struct ide_channel *c);
void ide_abort(struct ide_channel *c);
/* Offer buf[0..len) (already filled) to the guest as one PIO block. */
void ide_pio_out(struct ide_channel *c, uint32_t len, ide_done_fn done);
/* Move `len` bytes between the drive at byte `off` (or dma_src + off)
 * and guest memory by the PRD table (dir: dma_to_mem). 0, or
 * -EFAULT/-EIO. */
int ide_dma_run(struct ide_channel *c, uint64_t off, uint64_t len);

/* An IDENTIFY string: `words` words, space-padded, first character in
 * the high byte of each word. */
void ide_string(uint16_t *w, unsigned words, const char *s);

/* ATAPI (ide_atapi.c): the PACKET command and IDENTIFY PACKET DEVICE. */
void atapi_packet_cmd(struct ide_channel *c);
void atapi_identify(struct ide_channel *c);
void atapi_reset_signature(struct ide_channel *c);

/* Channel 0 or 1 of the controller. */
struct ide_channel *ide_channel_at(struct ide *ide, unsigned i);
/* xl cd-insert / cd-eject: drive `index` (0..3, hda..hdd), which must be a
 * CD-ROM, gets the medium *fd (taken: *fd becomes -1) or, with fd NULL,
 * none. The guest sees the change as a drive does: the tray's media event
 * and a UNIT ATTENTION (medium changed) once a disc is in, NOT READY
 * (medium not present) while none is. 0, -ENODEV or -errno. */
int ide_cd_change(struct ide *ide, unsigned index, int *fd);

#endif
