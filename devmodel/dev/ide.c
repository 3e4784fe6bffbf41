/* The PIIX3 IDE controller (00:01.1): ATA disks on raw images and ATAPI
 * CD-ROMs on ISO images (ide_atapi.c), PIO and bus-master DMA. Requests
 * are served synchronously inside the ioreq (pread/pwrite on the image):
 * the image is in the page cache or the vCPU waits as it would for a disk.
 * Register meanings are those of the ATA/ATAPI-6 standard. */
#include "devmodel/dev/ide.h"

#include "common/log.h"
#include "common/util.h"
#include "vmctl/xen/hvm/platform_pci.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTL_NIEN   0x02
#define CTL_SRST   0x04
#define CTL_HOB    0x80
#define SEL_LBA    0x40
#define BM_START   0x01
#define BM_TO_MEM  0x08
#define BMS_ACTIVE 0x01
#define BMS_ERROR  0x02
#define BMS_INTR   0x04
#define PRD_EOT_BIT 0x80000000u  /* in the entry's second word */
#define PRD_MAX    8192          /* a PRD table fits in 64 KiB */
#define MAX_MULT   16

struct ide {
	struct pci_dev pci;
	struct dm *dm;
	struct ide_channel ch[2];
};

static const uint16_t ide_cmd_port[2] = { 0x1f0, 0x170 };
static const uint16_t ide_ctl_port[2] = { 0x3f6, 0x376 };
static const uint8_t ide_irq_line[2] = { 14, 15 };

struct ide_channel *ide_channel_at(struct ide *ide, unsigned i)
{
	return &ide->ch[i & 1];
}

struct ide_drive *ide_cur(struct ide_channel *c)
{
	return &c->drive[c->cur];
}

static void ide_set_line(struct ide_channel *c, bool level)
{
	dm_host_isa_irq(&c->ide->dm->host, ide_irq_line[c->index], level);
}

void ide_irq(struct ide_channel *c)
{
	c->bm_status |= BMS_INTR;
	c->irq = true;
	if (!(c->ctrl & CTL_NIEN))
		ide_set_line(c, true);
}

static void ide_irq_clear(struct ide_channel *c)
{
	if (c->irq && !(c->ctrl & CTL_NIEN))
		ide_set_line(c, false);
	c->irq = false;
}

void ide_ok(struct ide_channel *c)
{
	c->status = ST_DRDY | ST_DSC;
	c->error = 0;
	c->end = c->pos = 0;
	c->done = NULL;
}

void ide_abort(struct ide_channel *c)
{
	c->status = ST_DRDY | ST_ERR;
	c->error = ERR_ABRT;
	c->end = c->pos = 0;
	c->done = NULL;
	c->dma_pending = false;
	ide_irq(c);
}

void ide_pio_out(struct ide_channel *c, uint32_t len, ide_done_fn done)
{
	c->pos = 0;
	c->end = MIN(len, (uint32_t)IDE_BUF_SIZE);
	c->done = done;
	c->status = ST_DRDY | ST_DSC | ST_DRQ;
}

/* ---- addressing ---------------------------------------------------- */

static bool ide_lba48(uint8_t cmd)
{
	static const uint8_t ext[] = { 0x24, 0x25, 0x29, 0x34, 0x35, 0x39, 0x42 };

	return memchr(ext, cmd, sizeof(ext)) != NULL;
}

static uint64_t ide_lba(const struct ide_channel *c, bool ext)
{
	if (ext)
		return (uint64_t)c->hob_hcyl << 40 | (uint64_t)c->hob_lcyl << 32 |
		       (uint64_t)c->hob_sector << 24 | (uint64_t)c->hcyl << 16 |
		       (uint64_t)c->lcyl << 8 | c->sector;
	if (c->select & SEL_LBA)
		return (uint64_t)(c->select & 0x0f) << 24 | (uint64_t)c->hcyl << 16 |
		       (uint64_t)c->lcyl << 8 | c->sector;
	/* CHS with the 16 heads x 63 sectors geometry IDENTIFY reports */
	return ((uint64_t)(c->hcyl << 8 | c->lcyl) * 16 + (c->select & 0x0f)) * 63 +
	       (c->sector ? c->sector - 1u : 0);
}

static uint32_t ide_count(const struct ide_channel *c, bool ext)
{
	uint32_t n = ext ? (uint32_t)c->hob_nsector << 8 | c->nsector : c->nsector;

	return n ? n : (ext ? 65536u : 256u);
}

/* The command's sectors, checked against the disk. */
static bool ide_range(struct ide_channel *c, uint8_t cmd)
{
	struct ide_drive *d = ide_cur(c);
	bool ext = ide_lba48(cmd);

	c->lba = ide_lba(c, ext);
	c->left = ide_count(c, ext);
	return !d->atapi && c->lba <= d->sectors && c->left <= d->sectors - c->lba;
}

/* ---- PIO sector transfers --------------------------------------------- */

static void ide_read_block(struct ide_channel *c);

static void ide_read_next(struct ide_channel *c)
{
	if (c->left)
		ide_read_block(c);
	else
		ide_ok(c);
}

static void ide_read_block(struct ide_channel *c)
{
	struct ide_drive *d = ide_cur(c);
	uint32_t n = MIN(c->block, c->left);

	if (pread(d->fd, c->buf, n * 512u, (off_t)(c->lba * 512)) != (ssize_t)(n * 512u)) {
		ide_abort(c);
		return;
	}
	c->lba += n;
	c->left -= n;
	ide_pio_out(c, n * 512u, ide_read_next);
	ide_irq(c);
}

static void ide_write_block(struct ide_channel *c);

static void ide_write_done(struct ide_channel *c)
{
	struct ide_drive *d = ide_cur(c);
	uint32_t n = c->end / 512u;

	if (pwrite(d->fd, c->buf, c->end, (off_t)(c->lba * 512)) != (ssize_t)c->end) {
		ide_abort(c);
		return;
	}
	c->lba += n;
	c->left -= n;
	if (c->left) {
		ide_write_block(c);
		ide_irq(c);
		return;
	}
	ide_ok(c);
	ide_irq(c);
}

static void ide_write_block(struct ide_channel *c)
{
	ide_pio_out(c, MIN(c->block, c->left) * 512u, ide_write_done);
}

static void cmd_read_pio(struct ide_channel *c, uint8_t cmd, uint32_t block)
{
	if (!ide_range(c, cmd) || !block) {
		ide_abort(c);
		return;
	}
	c->block = block;
	ide_read_block(c);
}

static void cmd_write_pio(struct ide_channel *c, uint8_t cmd, uint32_t block)
{
	if (!ide_range(c, cmd) || !block || ide_cur(c)->readonly) {
		ide_abort(c);
		return;
	}
	c->block = block;
	ide_write_block(c);   /* the first block needs no interrupt */
}

static void cmd_read(struct ide_channel *c, uint8_t cmd) { cmd_read_pio(c, cmd, 1); }
static void cmd_write(struct ide_channel *c, uint8_t cmd) { cmd_write_pio(c, cmd, 1); }
static void cmd_read_mult(struct ide_channel *c, uint8_t cmd) { cmd_read_pio(c, cmd, ide_cur(c)->mult); }
static void cmd_write_mult(struct ide_channel *c, uint8_t cmd) { cmd_write_pio(c, cmd, ide_cur(c)->mult); }

/* ---- DMA ----------------------------------------------------------------- */

/* One PRD entry's piece of the transfer: guest memory <-> image, or from
 * the ATAPI reply in buf when dma_src is set. */
static int ide_dma_piece(struct ide_channel *c, uint8_t *mem, uint64_t off, uint32_t n)
{
	struct ide_drive *d = ide_cur(c);
	ssize_t r;

	if (c->dma_src) {   /* an ATAPI reply built in buf */
		if (off > IDE_BUF_SIZE || n > IDE_BUF_SIZE - off)
			return -EIO;
		memcpy(mem, c->dma_src + off, n);
		return 0;
	}
	if (c->dma_to_mem)
		r = pread(d->fd, mem, n, (off_t)off);
	else
		r = d->readonly ? -1 : pwrite(d->fd, mem, n, (off_t)off);
	return r == (ssize_t)n ? 0 : -EIO;
}

int ide_dma_run(struct ide_channel *c, uint64_t off, uint64_t len)
{
	const struct gmem *g = &c->ide->dm->mem;
	uint32_t prd = c->bm_prd;
	int rc = 0;

	for (unsigned i = 0; len && i < PRD_MAX && rc == 0; i++, prd += 8) {
		uint32_t ent[2];
		uint32_t n;
		uint8_t *mem;

		if (gmem_read(g, prd, ent, sizeof(ent)) < 0)
			return -EFAULT;
		n = ent[1] & 0xfffe ? ent[1] & 0xfffe : 0x10000;
		n = (uint32_t)MIN((uint64_t)n, len);
		mem = c->dma_to_mem ? gmem_ptr_w(g, ent[0] & ~1u, n) : gmem_ptr(g, ent[0] & ~1u, n);
		if (!mem)
			return -EFAULT;
		rc = ide_dma_piece(c, mem, off, n);
		off += n;
		len -= n;
		if (ent[1] & PRD_EOT_BIT)
			break;
	}
	return rc ? rc : (len ? -EFAULT : 0);   /* a table too short is an error */
}

static void ide_dma_start(struct ide_channel *c)
{
	int rc;

	c->dma_pending = false;
	rc = ide_dma_run(c, c->lba * 512, (uint64_t)c->left * 512);
	c->bm_status &= (uint8_t)~BMS_ACTIVE;
	if (rc < 0) {
		c->bm_status |= BMS_ERROR;
		ide_abort(c);
		return;
	}
	ide_ok(c);
	ide_irq(c);
}

static void cmd_dma(struct ide_channel *c, uint8_t cmd)
{
	bool to_mem = cmd == 0xc8 || cmd == 0x25;

	if (!ide_range(c, cmd) || (!to_mem && ide_cur(c)->readonly)) {
		ide_abort(c);
		return;
	}
	c->dma_to_mem = to_mem;
	c->dma_pending = true;
	c->status = ST_DRDY | ST_DSC | ST_DRQ;
	if (c->bm_cmd & BM_START)
		ide_dma_start(c);
}

/* ---- other commands ------------------------------------------------------ */

void ide_string(uint16_t *w, unsigned words, const char *s)
{
	for (unsigned i = 0; i < words * 2; i++) {
		char ch = *s ? *s++ : ' ';
		uint8_t *b = (uint8_t *)&w[i / 2];

		b[(i & 1) ^ 1] = (uint8_t)ch;   /* first character in the high byte */
	}
}

static void ide_identify_disk(struct ide_channel *c, uint16_t *w)
{
	struct ide_drive *d = ide_cur(c);
	uint64_t cyl = MIN(d->sectors / (16 * 63), 16383u);
	uint32_t lba28 = (uint32_t)MIN(d->sectors, 0x0fffffffu);

	w[0] = 0x0040;
	w[1] = (uint16_t)cyl;
	w[3] = 16;
	w[6] = 63;
	ide_string(&w[10], 10, c->index ? "VMCTL-IDE-S" : "VMCTL-IDE-P");
	ide_string(&w[23], 4, "1.0");
	ide_string(&w[27], 20, "VMCTL HARDDISK");
	w[47] = 0x8000 | MAX_MULT;
	w[49] = 1 << 9 | 1 << 8;          /* LBA, DMA */
	w[51] = 0x200;
	w[53] = 0x0007;
	w[54] = (uint16_t)cyl;
	w[55] = 16;
	w[56] = 63;
	w[57] = (uint16_t)(cyl * 16 * 63);
	w[58] = (uint16_t)((cyl * 16 * 63) >> 16);
	w[59] = d->mult ? (uint16_t)(0x100 | d->mult) : 0;
	w[60] = (uint16_t)lba28;
	w[61] = (uint16_t)(lba28 >> 16);
	w[63] = 0x0407;                   /* MWDMA 0-2, mode 2 selected */
	w[64] = 0x0003;
	w[65] = w[66] = w[67] = w[68] = 120;
	w[80] = 0x00f0;
	w[82] = 1 << 14 | 1 << 5;
	w[83] = 1 << 14 | 1 << 13 | 1 << 12 | 1 << 10;   /* flush, flush ext, LBA48 */
	w[84] = 1 << 14;
	w[85] = w[82];
	w[86] = w[83];
	w[87] = w[84];
	w[88] = 0x203f;                   /* UDMA 0-5, mode 5 selected */
	w[93] = 1 << 14 | 1 << 13 | 1;
	for (int i = 0; i < 4; i++)
		w[100 + i] = (uint16_t)(d->sectors >> (16 * i));
}

static void cmd_identify(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	if (ide_cur(c)->atapi) {
		atapi_reset_signature(c);
		ide_abort(c);
		return;
	}
	memset(c->buf, 0, 512);
	ide_identify_disk(c, (uint16_t *)(void *)c->buf);
	ide_pio_out(c, 512, ide_ok);
	ide_irq(c);
}

static void cmd_identify_packet(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	atapi_identify(c);
}

static void cmd_set_mult(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	if (c->nsector > MAX_MULT || (c->nsector & (c->nsector - 1))) {
		ide_abort(c);
		return;
	}
	ide_cur(c)->mult = c->nsector;
	ide_ok(c);
	ide_irq(c);
}

static void cmd_flush(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	if (!ide_cur(c)->readonly)
		fdatasync(ide_cur(c)->fd);
	ide_ok(c);
	ide_irq(c);
}

/* Commands that only need a good status: seek, recalibrate, verify,
 * set features, power management, INITIALIZE DEVICE PARAMETERS. */
static void cmd_nop_ok(struct ide_channel *c, uint8_t cmd)
{
	if (cmd == 0xe5)
		c->nsector = 0xff;    /* CHECK POWER MODE: active */
	ide_ok(c);
	ide_irq(c);
}

static void cmd_diagnose(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	atapi_reset_signature(c);
	c->error = 0x01;
	ide_irq(c);
}

static void cmd_packet(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	atapi_packet_cmd(c);
}

static void cmd_device_reset(struct ide_channel *c, uint8_t cmd)
{
	(void)cmd;
	atapi_reset_signature(c);
}

typedef void (*ide_cmd_fn)(struct ide_channel *c, uint8_t cmd);

/* Which drives take a command: ATA disks, ATAPI CD-ROMs or both. */
#define DISK  1
#define CD    2
#define BOTH  (DISK | CD)

static const struct { uint8_t cmd; uint8_t who; ide_cmd_fn fn; } ide_cmds[] = {
	{ 0x08, CD, cmd_device_reset }, { 0x10, DISK, cmd_nop_ok },
	{ 0x20, DISK, cmd_read }, { 0x21, DISK, cmd_read }, { 0x24, DISK, cmd_read },
	{ 0x29, DISK, cmd_read_mult }, { 0x30, DISK, cmd_write }, { 0x31, DISK, cmd_write },
	{ 0x34, DISK, cmd_write }, { 0x39, DISK, cmd_write_mult }, { 0x40, DISK, cmd_nop_ok },
	{ 0x41, DISK, cmd_nop_ok }, { 0x42, DISK, cmd_nop_ok }, { 0x70, DISK, cmd_nop_ok },
	{ 0x90, BOTH, cmd_diagnose }, { 0x91, DISK, cmd_nop_ok }, { 0xa0, CD, cmd_packet },
	{ 0xa1, CD, cmd_identify_packet }, { 0xc4, DISK, cmd_read_mult },
	{ 0xc5, DISK, cmd_write_mult }, { 0xc6, DISK, cmd_set_mult }, { 0xc8, DISK, cmd_dma },
	{ 0xca, DISK, cmd_dma }, { 0x25, DISK, cmd_dma }, { 0x35, DISK, cmd_dma },
	{ 0xe0, BOTH, cmd_nop_ok }, { 0xe1, BOTH, cmd_nop_ok }, { 0xe2, BOTH, cmd_nop_ok },
	{ 0xe3, BOTH, cmd_nop_ok }, { 0xe5, BOTH, cmd_nop_ok }, { 0xe7, DISK, cmd_flush },
	{ 0xea, DISK, cmd_flush }, { 0xec, BOTH, cmd_identify }, { 0xef, BOTH, cmd_nop_ok },
};

static void ide_command(struct ide_channel *c, uint8_t cmd)
{
	struct ide_drive *d = ide_cur(c);

	if (!d->present && cmd != 0x90)
		return;                /* nobody there to answer */
	ide_irq_clear(c);
	c->dma_pending = false;
	for (size_t i = 0; i < ARRAY_SIZE(ide_cmds); i++) {
		if (ide_cmds[i].cmd != cmd)
			continue;
		if (!(ide_cmds[i].who & (d->atapi ? CD : DISK)))
			break;
		ide_cmds[i].fn(c, cmd);
		return;
	}
	ide_abort(c);
}

/* ---- registers ----------------------------------------------------------- */

static uint64_t ide_data_read(struct ide_channel *c, unsigned size)
{
	uint64_t v = 0;

	if (!(c->status & ST_DRQ) || c->pos >= c->end)
		return 0;
	memcpy(&v, c->buf + c->pos, MIN(size, c->end - c->pos));
	c->pos += size;
	if (c->pos >= c->end) {
		c->status &= (uint8_t)~ST_DRQ;
		if (c->done)
			c->done(c);
	}
	return v;
}

static void ide_data_write(struct ide_channel *c, unsigned size, uint64_t v)
{
	if (!(c->status & ST_DRQ) || c->pos >= c->end)
		return;
	memcpy(c->buf + c->pos, &v, MIN(size, c->end - c->pos));
	c->pos += size;
	if (c->pos >= c->end) {
		c->status &= (uint8_t)~ST_DRQ;
		if (c->done)
			c->done(c);
	}
}

static uint8_t ide_taskfile_read(struct ide_channel *c, unsigned reg)
{
	bool hob = c->ctrl & CTL_HOB;
	struct ide_drive *d = ide_cur(c);

	if (!d->present && reg != 6)
		return 0;
	switch (reg) {
	case 1: return hob ? c->hob_feature : c->error;
	case 2: return hob ? c->hob_nsector : c->nsector;
	case 3: return hob ? c->hob_sector : c->sector;
	case 4: return hob ? c->hob_lcyl : c->lcyl;
	case 5: return hob ? c->hob_hcyl : c->hcyl;
	case 6: return c->select;
	default:
		ide_irq_clear(c);
		return c->status;
	}
}

static void ide_push(uint8_t *cur, uint8_t *hob, uint8_t v)
{
	*hob = *cur;
	*cur = v;
}

static void ide_taskfile_write(struct ide_channel *c, unsigned reg, uint8_t v)
{
	c->ctrl &= (uint8_t)~CTL_HOB;
	switch (reg) {
	case 1: ide_push(&c->feature, &c->hob_feature, v); break;
	case 2: ide_push(&c->nsector, &c->hob_nsector, v); break;
	case 3: ide_push(&c->sector, &c->hob_sector, v); break;
	case 4: ide_push(&c->lcyl, &c->hob_lcyl, v); break;
	case 5: ide_push(&c->hcyl, &c->hob_hcyl, v); break;
	case 6:
		c->select = v | 0xa0;
		c->cur = (v >> 4) & 1;
		break;
	default:
		ide_command(c, v);
	}
}

static uint64_t ide_cmd_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *c = opaque;

	if (off == 0)
		return ide_data_read(c, size);
	return ide_taskfile_read(c, (unsigned)off);
}

static void ide_cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ide_channel *c = opaque;

	if (off == 0)
		ide_data_write(c, size, val);
	else
		ide_taskfile_write(c, (unsigned)off, (uint8_t)val);
}

static void ide_channel_reset(struct ide_channel *c)
{
	/* Drive 1 first: the status register is the channel's, and after a
	 * reset it must be drive 0's (selected), not an absent drive 1's 0. */
	for (unsigned i = 2; i-- > 0;) {
		c->cur = i;
		atapi_reset_signature(c);
	}
	c->select = 0xa0;
	c->end = c->pos = 0;
	c->done = NULL;
	c->dma_pending = false;
}

static uint64_t ide_ctl_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *c = opaque;

	(void)off;
	(void)size;
	return ide_cur(c)->present ? c->status : 0;   /* alternate status: no IRQ ack */
}

static void ide_ctl_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ide_channel *c = opaque;
	uint8_t old = c->ctrl;

	(void)off;
	(void)size;
	c->ctrl = (uint8_t)val;
	if ((old & CTL_SRST) && !(val & CTL_SRST))
		ide_channel_reset(c);
	if (c->irq && ((old ^ c->ctrl) & CTL_NIEN))
		ide_set_line(c, !(c->ctrl & CTL_NIEN));
}

static const struct bus_ops ide_cmd_ops = { ide_cmd_read, ide_cmd_write };
static const struct bus_ops ide_ctl_ops = { ide_ctl_read, ide_ctl_write };

/* Bus-master registers: 8 bytes per channel in BAR4. */
static uint64_t ide_bm_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide *ide = opaque;
	struct ide_channel *c = &ide->ch[off >= 8];
	unsigned r = off & 7;
	uint8_t regs[8] = { c->bm_cmd, 0, c->bm_status, 0 };
	uint64_t v = 0;

	memcpy(&regs[4], &c->bm_prd, 4);
	memcpy(&v, &regs[r], MIN(size, 8 - r));
	return v;
}

static void ide_bm_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ide *ide = opaque;
	struct ide_channel *c = &ide->ch[off >= 8];
	unsigned r = off & 7;

	if (r >= 4) {
		uint8_t p[4];

		memcpy(p, &c->bm_prd, 4);
		memcpy(&p[r - 4], &val, MIN(size, 8 - r));
		memcpy(&c->bm_prd, p, 4);
		c->bm_prd &= ~3u;
		return;
	}
	if (r == 0) {
		uint8_t old = c->bm_cmd;

		c->bm_cmd = (uint8_t)val & (BM_START | BM_TO_MEM);
		if (!(old & BM_START) && (c->bm_cmd & BM_START)) {
			c->bm_status |= BMS_ACTIVE;
			if (c->dma_pending)
				ide_dma_start(c);
		} else if (!(c->bm_cmd & BM_START)) {
			c->bm_status &= (uint8_t)~BMS_ACTIVE;
		}
	}
	if (r == 2 || (r == 0 && size >= 4)) {
		uint8_t v = r == 2 ? (uint8_t)val : (uint8_t)(val >> 16);

		c->bm_status = (uint8_t)((c->bm_status & ~(v & (BMS_ERROR | BMS_INTR)) & ~0x60) | (v & 0x60));
	}
}

static const struct bus_ops ide_bm_ops = { ide_bm_read, ide_bm_write };

/* ---- life cycle ---------------------------------------------------------- */

static int ide_drive_open(struct ide_drive *d, const struct dm_disk *cfg)
{
	struct stat st;

	d->fd = open(cfg->path, (cfg->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st) < 0) {
		log_error("ide: %s: %s", cfg->path, strerror(errno));
		return -errno;
	}
	d->present = true;
	d->atapi = cfg->cdrom;
	d->readonly = cfg->readonly || cfg->cdrom;
	d->sectors = (uint64_t)st.st_size / (d->atapi ? CD_SECTOR : 512);
	d->unit_attention = d->atapi;
	d->medium = d->atapi;
	return 0;
}

static bool ide_channel_used(const struct ide_channel *c)
{
	return c->drive[0].present || c->drive[1].present;
}

static void ide_destroy(void *state)
{
	struct ide *ide = state;

	for (unsigned i = 0; i < 2; i++) {
		struct ide_channel *c = &ide->ch[i];

		bus_release(&ide->dm->bus, BUS_PIO, ide_cmd_port[i], c);
		bus_release(&ide->dm->bus, BUS_PIO, ide_ctl_port[i], c);
		for (unsigned j = 0; j < 2; j++)
			if (c->drive[j].fd >= 0)
				close(c->drive[j].fd);
		free(c->buf);
	}
	if (ide->pci.bus)
		pci_bus_remove(ide->pci.bus, &ide->pci);
	free(ide);
}

static int ide_channel_init(struct ide *ide, unsigned i)
{
	struct ide_channel *c = &ide->ch[i];
	int rc = 0;

	c->ide = ide;
	c->index = i;
	c->buf = malloc(IDE_BUF_SIZE + 8);
	if (!c->buf)
		return -ENOMEM;
	for (unsigned j = 0; j < 2 && rc == 0; j++)
		if (ide->dm->cfg->disk[2 * i + j].path)
			rc = ide_drive_open(&c->drive[j], &ide->dm->cfg->disk[2 * i + j]);
	ide_channel_reset(c);
	/* a channel without drives is not decoded: its ports float (all ones) */
	if (rc == 0 && ide_channel_used(c))
		rc = bus_claim(&ide->dm->bus, BUS_PIO, ide_cmd_port[i], 8, &ide_cmd_ops, c, "ide");
	if (rc == 0 && ide_channel_used(c))
		rc = bus_claim(&ide->dm->bus, BUS_PIO, ide_ctl_port[i], 1, &ide_ctl_ops, c, "ide-ctl");
	return rc;
}

static void ide_reset(void *state)
{
	struct ide *ide = state;

	for (unsigned i = 0; i < 2; i++) {
		ide_irq_clear(&ide->ch[i]);
		ide_channel_reset(&ide->ch[i]);
		ide->ch[i].bm_cmd = ide->ch[i].bm_status = 0;
		ide->ch[i].ctrl = 0;
	}
}

/* The platform device's unplug: the PV drivers take over the disks. */
static void ide_unplug(void *state, unsigned mask)
{
	struct ide *ide = state;

	for (unsigned i = 0; i < 4; i++) {
		struct ide_drive *d = &ide->ch[i / 2].drive[i % 2];
		bool aux = mask & XEN_UNPLUG_AUX_IDE_DISKS && i != 0;

		if (d->present && !d->atapi && ((mask & XEN_UNPLUG_ALL_IDE_DISKS) || aux)) {
			d->present = false;
			d->unplugged = true;
			log_info("ide: hd%c unplugged", 'a' + i);
		}
	}
}

static int ide_create(struct dm *dm, void **state)
{
	struct ide *ide = calloc(1, sizeof(*ide));
	int rc = 0;

	if (!ide)
		return -ENOMEM;
	ide->dm = dm;
	for (unsigned i = 0; i < 4; i++)
		ide->ch[i / 2].drive[i % 2].fd = -1;
	pci_dev_init(&ide->pci, "piix3-ide", 0x8086, 0x7010, 0x010180, 0x00, 0, NULL);
	pci_bar_init(&ide->pci, 4, 16, true, false, &ide_bm_ops, ide);
	for (unsigned i = 0; i < 2 && rc == 0; i++)
		rc = ide_channel_init(ide, i);
	if (rc == 0)
		rc = pci_bus_add(&dm->pci, &ide->pci, 1 << 3 | 1);
	if (rc < 0) {
		ide_destroy(ide);
		return rc;
	}
	*state = ide;
	return 0;
}

const struct dm_dev_type dev_ide = {
	.name = "ide",
	.create = ide_create,
	.destroy = ide_destroy,
	.reset = ide_reset,
	.unplug = ide_unplug,
};
