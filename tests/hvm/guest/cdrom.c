/* "cdrom": the ATAPI drive on the primary IDE channel (master), by PIO,
 * as a guest's driver sees `xl cd-eject` and `xl cd-insert` (tests/hvm/
 * cdrom.sh): read sector 16 of the first disc, then poll with TEST UNIT
 * READY; an eject shows as NOT READY / MEDIUM NOT PRESENT (REQUEST SENSE)
 * and a media-removal event (GET EVENT STATUS NOTIFICATION), an insert as
 * a new-media event and one UNIT ATTENTION / MEDIUM CHANGED, after which
 * sector 16 holds the new disc's bytes. The lines go to port 0xe9. */
#include "cdrom.h"
#include "hg.h"

#define IDE_DATA   0x1f0
#define IDE_FEAT   0x1f1
#define IDE_LCYL   0x1f4
#define IDE_HCYL   0x1f5
#define IDE_SELECT 0x1f6
#define IDE_CMD    0x1f7
#define ST_BSY     0x80
#define ST_DRQ     0x08
#define ST_ERR     0x01
#define CD_SECTOR  2048
#define POLLS      20000     /* TEST UNIT READYs before giving up */

static uint8_t buf[CD_SECTOR];

static uint8_t wait_not_busy(void)
{
	uint8_t st;

	for (unsigned i = 0; i < 1000000; i++)
		if (!((st = inb(IDE_CMD)) & ST_BSY))
			return st;
	return ST_ERR;
}

/* One PACKET command by PIO; data (at most `cap` bytes) into buf.
 * Returns the sense key (0: good) as the error register gives it. */
static int atapi_cmd(const uint8_t pkt[12], uint32_t cap)
{
	uint8_t st;

	outb(IDE_SELECT, 0xa0);
	wait_not_busy();
	outb(IDE_FEAT, 0);                   /* PIO */
	outb(IDE_LCYL, (uint8_t)cap);
	outb(IDE_HCYL, (uint8_t)(cap >> 8));
	outb(IDE_CMD, 0xa0);
	st = wait_not_busy();
	if (!(st & ST_DRQ))
		return -1;
	for (int i = 0; i < 6; i++)
		outw(IDE_DATA, (uint16_t)(pkt[2 * i] | pkt[2 * i + 1] << 8));
	for (uint32_t got = 0;;) {
		st = wait_not_busy();
		if (st & ST_ERR)
			return inb(IDE_FEAT) >> 4;
		if (!(st & ST_DRQ))
			return 0;
		uint32_t n = inb(IDE_LCYL) | (uint32_t)inb(IDE_HCYL) << 8;
		for (uint32_t j = 0; j < n; j += 2, got += 2) {
			uint16_t w = inw(IDE_DATA);
			if (got + 1 < sizeof(buf)) {
				buf[got] = (uint8_t)w;
				buf[got + 1] = (uint8_t)(w >> 8);
			}
		}
	}
}

static int tur(void)
{
	static const uint8_t p[12] = { 0x00 };

	return atapi_cmd(p, 0);
}

/* REQUEST SENSE: key << 8 | ASC. */
static int sense(void)
{
	static const uint8_t p[12] = { 0x03, 0, 0, 0, 18 };

	if (atapi_cmd(p, 18) != 0)
		return -1;
	return (buf[2] & 0x0f) << 8 | buf[12];
}

/* GET EVENT STATUS NOTIFICATION, polled, media class: event << 8 | status. */
static int media_event(void)
{
	static const uint8_t p[12] = { 0x4a, 1, 0, 0, 1 << 4, 0, 0, 0, 8 };

	if (atapi_cmd(p, 8) != 0 || buf[2] != 4)
		return -1;
	return (buf[4] & 0x0f) << 8 | buf[5];
}

static int read16(void)
{
	static const uint8_t p[12] = { 0x28, 0, 0, 0, 0, 16, 0, 0, 1 };

	return atapi_cmd(p, CD_SECTOR);
}

/* The first 8 bytes of sector 16, as text. */
static void show_sector(void)
{
	char text[9];

	for (int i = 0; i < 8; i++)
		text[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '.';
	text[8] = 0;
	hg_printf("cdrom: sector 16 holds '%s'\n", text);
}

static void pause_a_while(void)
{
	for (volatile unsigned i = 0; i < 200000; i++)
		;
}

void cdrom_test(void)
{
	int key = -1, s, ev;
	bool saw_empty = false, changed = false;

	/* the drive reports the power-on medium change once */
	for (int i = 0; i < 4 && key != 0; i++)
		key = tur();
	hg_ok(key == 0, "the CD-ROM is ready after its power-on unit attention");
	hg_ok(read16() == 0, "READ(10) of sector 16");
	show_sector();
	hg_ok(media_event() == (0 << 8 | 2), "GET EVENT STATUS: no event, medium present");
	hg_puts("cdrom: waiting for media changes\n");
	for (int i = 0; i < POLLS && !changed; i++, pause_a_while()) {
		key = tur();
		if (key == 0)
			continue;
		s = sense();
		if (s == (2 << 8 | 0x3a) && !saw_empty) {
			ev = media_event();
			hg_printf("cdrom: no medium (sense %x/%x), event %x status %x\n", s >> 8,
				  s & 0xff, ev >> 8, ev & 0xff);
			hg_ok(ev == (3 << 8 | 1), "a media-removal event, tray open, no medium");
			saw_empty = true;
		} else if (s == (6 << 8 | 0x28)) {
			hg_printf("cdrom: medium changed (sense %x/%x)\n", s >> 8, s & 0xff);
			changed = true;
		}
	}
	hg_ok(saw_empty, "the eject was seen as MEDIUM NOT PRESENT");
	hg_ok(changed, "the insert was seen as a UNIT ATTENTION, MEDIUM CHANGED");
	ev = media_event();
	hg_ok(ev == (2 << 8 | 2) || ev == (0 << 8 | 2), "the new medium is present");
	hg_ok(tur() == 0, "TEST UNIT READY is good again");
	hg_ok(read16() == 0, "READ(10) of sector 16 of the new disc");
	show_sector();
}
