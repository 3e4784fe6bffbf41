/* ATAPI CD-ROM on an ISO image: the PACKET protocol (command phase, data
 * phases of at most the guest's byte count limit, status phase) and the
 * MMC commands a BIOS and Linux's sr driver use. Unknown commands end
 * with CHECK CONDITION / ILLEGAL REQUEST, which REQUEST SENSE reports. */
#include "devmodel/dev/ide.h"

#include "common/util.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IR_COD 0x01
#define IR_IO  0x02
#define SENSE_NONE            0x00
#define SENSE_NOT_READY       0x02
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION  0x06
#define ASC_INV_OPCODE        0x20
#define ASC_LBA_RANGE         0x21
#define ASC_INV_FIELD         0x24
#define ASC_MEDIUM_CHANGED    0x28
#define ASC_NO_MEDIUM         0x3a
/* GET EVENT STATUS NOTIFICATION, media class (MMC-6 6.7) */
#define GESN_CLASS_MEDIA      4
#define MEC_NO_CHANGE         0
#define MEC_NEW_MEDIA         2
#define MEC_MEDIA_REMOVAL     3
#define MS_TRAY_OPEN          0x01
#define MS_MEDIA_PRESENT      0x02

void atapi_reset_signature(struct ide_channel *c)
{
	struct ide_drive *d = ide_cur(c);

	c->nsector = 1;
	c->sector = 1;
	c->lcyl = d->atapi ? 0x14 : 0;
	c->hcyl = d->atapi ? 0xeb : 0;
	c->error = 0x01;
	c->status = d->present && !d->atapi ? ST_DRDY | ST_DSC : 0;
}

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p) { return (uint32_t)be16(p) << 16 | be16(p + 2); }

static void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put_be32(uint8_t *p, uint32_t v) { put_be16(p, (uint16_t)(v >> 16)); put_be16(p + 2, (uint16_t)v); }

static void atapi_status_phase(struct ide_channel *c)
{
	c->nsector = IR_IO | IR_COD;
	c->status = ST_DRDY | ST_DSC;
	c->dma_src = NULL;
	ide_irq(c);
}

static void atapi_error(struct ide_channel *c, uint8_t key, uint8_t asc)
{
	struct ide_drive *d = ide_cur(c);

	d->sense_key = key;
	d->asc = asc;
	c->error = (uint8_t)(key << 4);
	c->nsector = IR_IO | IR_COD;
	c->status = ST_DRDY | ST_ERR;
	c->dma_src = NULL;
	ide_irq(c);
}

static void atapi_good(struct ide_channel *c)
{
	ide_cur(c)->sense_key = SENSE_NONE;
	ide_cur(c)->asc = 0;
	atapi_status_phase(c);
}

/* Data phases: `left` bytes starting at image byte c->lba (reads) or in
 * buf (replies). */
static void atapi_data_next(struct ide_channel *c);

static void atapi_data_block(struct ide_channel *c, bool from_image)
{
	uint32_t limit = (uint32_t)(c->hcyl << 8 | c->lcyl) & ~1u;
	uint32_t n;

	if (limit == 0 || limit > 0xfffe)
		limit = 0xfffe;
	n = MIN(MIN(c->left, limit), (uint32_t)IDE_BUF_SIZE);
	if (from_image) {
		n = MIN(n, (uint32_t)IDE_BUF_SIZE / CD_SECTOR * CD_SECTOR);
		if (pread(ide_cur(c)->fd, c->buf, n, (off_t)c->lba) != (ssize_t)n) {
			atapi_error(c, SENSE_NOT_READY, ASC_NO_MEDIUM);
			return;
		}
		c->lba += n;
	}
	c->left -= n;
	c->lcyl = (uint8_t)n;
	c->hcyl = (uint8_t)(n >> 8);
	c->nsector = IR_IO;
	ide_pio_out(c, n, atapi_data_next);
	ide_irq(c);
}

static void atapi_data_next(struct ide_channel *c)
{
	if (c->left)
		atapi_data_block(c, true);   /* only image reads span blocks */
	else
		atapi_good(c);
}

static void atapi_dma(struct ide_channel *c, uint64_t off, uint32_t len)
{
	int rc = ide_dma_run(c, off, len);

	if (rc < 0) {
		atapi_error(c, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD);
		return;
	}
	atapi_good(c);
}

/* Send a reply of `len` bytes from buf, cut to the command's allocation
 * length `alloc`. */
static void atapi_reply(struct ide_channel *c, uint32_t len, uint32_t alloc)
{
	len = MIN(len, alloc);
	if (len == 0) {
		atapi_good(c);
		return;
	}
	if (c->feature & 1) {
		c->dma_src = c->buf;
		c->dma_to_mem = true;
		atapi_dma(c, 0, len);
		return;
	}
	c->left = len;
	atapi_data_block(c, false);
}

static void atapi_read(struct ide_channel *c, uint64_t lba, uint32_t count)
{
	struct ide_drive *d = ide_cur(c);

	if (lba > d->sectors || count > d->sectors - lba) {
		atapi_error(c, SENSE_ILLEGAL_REQUEST, ASC_LBA_RANGE);
		return;
	}
	if (count == 0) {
		atapi_good(c);
		return;
	}
	if (c->feature & 1) {
		c->dma_src = NULL;
		c->dma_to_mem = true;
		atapi_dma(c, lba * CD_SECTOR, count * CD_SECTOR);
		return;
	}
	c->lba = lba * CD_SECTOR;
	c->left = count * CD_SECTOR;
	atapi_data_block(c, true);
}

/* ---- the commands -------------------------------------------------------- */

static void mmc_test_unit_ready(struct ide_channel *c, const uint8_t *p)
{
	(void)p;
	atapi_good(c);
}

static void mmc_request_sense(struct ide_channel *c, const uint8_t *p)
{
	struct ide_drive *d = ide_cur(c);

	memset(c->buf, 0, 18);
	c->buf[0] = 0x70;
	c->buf[2] = d->sense_key;
	c->buf[7] = 10;
	c->buf[12] = d->asc;
	d->sense_key = SENSE_NONE;
	d->asc = 0;
	atapi_reply(c, 18, p[4]);
}

static void mmc_inquiry(struct ide_channel *c, const uint8_t *p)
{
	memset(c->buf, 0, 36);
	c->buf[0] = 0x05;           /* CD/DVD */
	c->buf[1] = 0x80;           /* removable */
	c->buf[2] = 0x00;
	c->buf[3] = 0x21;           /* ATAPI, response format 1 */
	c->buf[4] = 31;
	memcpy(c->buf + 8, "VMCTL   ", 8);
	memcpy(c->buf + 16, "CD-ROM          ", 16);
	memcpy(c->buf + 32, "1.0 ", 4);
	atapi_reply(c, 36, p[4]);
}

static void mmc_read_capacity(struct ide_channel *c, const uint8_t *p)
{
	uint64_t n = ide_cur(c)->sectors;

	(void)p;
	put_be32(c->buf, n ? (uint32_t)MIN(n - 1, 0xffffffffu) : 0);
	put_be32(c->buf + 4, CD_SECTOR);
	atapi_reply(c, 8, 8);
}

static void mmc_read10(struct ide_channel *c, const uint8_t *p)
{
	atapi_read(c, be32(p + 2), be16(p + 7));
}

static void mmc_read12(struct ide_channel *c, const uint8_t *p)
{
	atapi_read(c, be32(p + 2), be32(p + 6));
}

/* READ TOC format 0: one data track and the lead-out (LBA or MSF). */
static void toc_addr(uint8_t *p, uint32_t lba, bool msf)
{
	if (!msf) {
		put_be32(p, lba);
		return;
	}
	lba += 150;
	p[0] = 0;
	p[1] = (uint8_t)(lba / (75 * 60));
	p[2] = (uint8_t)(lba / 75 % 60);
	p[3] = (uint8_t)(lba % 75);
}

static void mmc_read_toc(struct ide_channel *c, const uint8_t *p)
{
	bool msf = p[1] & 2;
	uint8_t *b = c->buf;

	if ((p[9] >> 6) != 0 && (p[2] & 0x0f) != 0) {
		atapi_error(c, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD);
		return;
	}
	memset(b, 0, 20);
	put_be16(b, 18);
	b[2] = b[3] = 1;                      /* first and last track */
	b[5] = 0x14;                          /* data track */
	b[6] = 1;
	toc_addr(b + 8, 0, msf);
	b[13] = 0x14;
	b[14] = 0xaa;                         /* lead-out */
	toc_addr(b + 16, (uint32_t)ide_cur(c)->sectors, msf);
	atapi_reply(c, 20, be16(p + 7));
}

static void mmc_mode_sense(struct ide_channel *c, const uint8_t *p)
{
	bool ten = p[0] == 0x5a;
	uint32_t hdr = ten ? 8 : 4;
	uint8_t page = p[2] & 0x3f;
	uint8_t *b = c->buf;

	memset(b, 0, 64);
	if (page == 0x2a || page == 0x3f) {   /* capabilities: a plain CD-ROM */
		b[hdr] = 0x2a;
		b[hdr + 1] = 18;
		b[hdr + 2] = 0x01;                /* reads CD-R */
		b[hdr + 6] = 0x29;                /* lock, eject, tray */
		put_be16(b + hdr + 8, 706);       /* 4x, in kB/s */
		hdr += 20;
	}
	if (ten)
		put_be16(b, (uint16_t)(hdr - 2));
	else
		b[0] = (uint8_t)(hdr - 1);
	atapi_reply(c, hdr, ten ? be16(p + 7) : p[4]);
}

static void mmc_get_configuration(struct ide_channel *c, const uint8_t *p)
{
	memset(c->buf, 0, 8);
	put_be32(c->buf, 4);
	put_be16(c->buf + 6, 0x0008);         /* current profile: CD-ROM */
	atapi_reply(c, 8, be16(p + 7));
}

/* Polled GET EVENT STATUS NOTIFICATION: the media class (what Linux's sr
 * driver asks to see a disc come and go), its pending event reported once. */
static void mmc_event_status(struct ide_channel *c, const uint8_t *p)
{
	struct ide_drive *d = ide_cur(c);
	uint8_t *b = c->buf;

	if (!(p[1] & 1)) {                    /* only polled requests */
		atapi_error(c, SENSE_ILLEGAL_REQUEST, ASC_INV_FIELD);
		return;
	}
	memset(b, 0, 8);
	b[3] = 1 << GESN_CLASS_MEDIA;         /* supported classes */
	if (!(p[4] & (1 << GESN_CLASS_MEDIA))) {
		put_be16(b, 2);
		b[2] = 0x80;                  /* no event available */
		atapi_reply(c, 4, be16(p + 7));
		return;
	}
	put_be16(b, 6);
	b[2] = GESN_CLASS_MEDIA;
	b[4] = d->media_event;
	b[5] = d->medium ? MS_MEDIA_PRESENT : MS_TRAY_OPEN;
	d->media_event = MEC_NO_CHANGE;
	atapi_reply(c, 8, be16(p + 7));
}

static void mmc_mechanism_status(struct ide_channel *c, const uint8_t *p)
{
	memset(c->buf, 0, 8);
	atapi_reply(c, 8, be16(p + 8));
}

typedef void (*mmc_fn)(struct ide_channel *c, const uint8_t *packet);

#define MEDIUM true   /* the command needs a disc: NOT READY without one */
static const struct { uint8_t op; mmc_fn fn; bool medium; } mmc_cmds[] = {
	{ 0x00, mmc_test_unit_ready, MEDIUM }, { 0x03, mmc_request_sense, false },
	{ 0x12, mmc_inquiry, false },
	{ 0x1a, mmc_mode_sense, false }, { 0x5a, mmc_mode_sense, false },
	{ 0x1b, mmc_test_unit_ready, false },        /* START STOP UNIT */
	{ 0x1e, mmc_test_unit_ready, false },        /* PREVENT ALLOW MEDIUM REMOVAL */
	{ 0x25, mmc_read_capacity, MEDIUM }, { 0x28, mmc_read10, MEDIUM },
	{ 0xa8, mmc_read12, MEDIUM },
	{ 0x2b, mmc_test_unit_ready, MEDIUM },       /* SEEK */
	{ 0x43, mmc_read_toc, MEDIUM }, { 0x46, mmc_get_configuration, false },
	{ 0x4a, mmc_event_status, false }, { 0xbd, mmc_mechanism_status, false },
};

/* The packet has arrived in buf: run it. */
static void atapi_run(struct ide_channel *c)
{
	struct ide_drive *d = ide_cur(c);
	uint8_t op;

	memcpy(c->packet, c->buf, sizeof(c->packet));
	op = c->packet[0];
	/* after a medium change, everything but INQUIRY, REQUEST SENSE and
	 * GET EVENT STATUS reports it once (as MMC drives do) */
	if (d->unit_attention && d->medium && op != 0x12 && op != 0x03 && op != 0x4a) {
		d->unit_attention = false;
		atapi_error(c, SENSE_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(mmc_cmds); i++) {
		if (mmc_cmds[i].op != op)
			continue;
		if (mmc_cmds[i].medium && !d->medium)
			atapi_error(c, SENSE_NOT_READY, ASC_NO_MEDIUM);
		else
			mmc_cmds[i].fn(c, c->packet);
		return;
	}
	atapi_error(c, SENSE_ILLEGAL_REQUEST, ASC_INV_OPCODE);
}

/* ---- media change (xl cd-insert / cd-eject) ------------------------------ */

int ide_cd_change(struct ide *ide, unsigned index, int *fd)
{
	struct ide_drive *d;
	struct stat st;

	if (index > 3)
		return -EINVAL;
	d = &ide_channel_at(ide, index / 2)->drive[index % 2];
	if (!d->present || !d->atapi)
		return -ENODEV;
	if (fd && fstat(*fd, &st) < 0)
		return -errno;
	if (fd && !S_ISREG(st.st_mode))
		return -EINVAL;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->sectors = 0;
	d->medium = false;
	d->media_event = MEC_MEDIA_REMOVAL;
	if (fd) {
		d->fd = *fd;
		*fd = -1;
		d->sectors = (uint64_t)st.st_size / CD_SECTOR;
		d->medium = true;
		d->media_event = MEC_NEW_MEDIA;
		d->unit_attention = true;
	}
	return 0;
}

void atapi_packet_cmd(struct ide_channel *c)
{
	c->nsector = IR_COD;
	c->dma_src = NULL;
	ide_pio_out(c, sizeof(c->packet), atapi_run);
}

void atapi_identify(struct ide_channel *c)
{
	uint16_t *w = (uint16_t *)(void *)c->buf;

	memset(c->buf, 0, 512);
	w[0] = 0x8580;                        /* ATAPI, CD-ROM, removable, 12-byte packets */
	ide_string(&w[23], 4, "1.0");
	ide_string(&w[27], 20, "VMCTL CD-ROM");
	w[49] = 1 << 9 | 1 << 8;              /* LBA, DMA */
	w[53] = 0x0007;
	w[63] = 0x0407;
	w[64] = 0x0003;
	w[65] = w[66] = w[67] = w[68] = 120;
	w[80] = 0x0070;
	w[88] = 0x203f;
	ide_pio_out(c, 512, ide_ok);
	ide_irq(c);
}
