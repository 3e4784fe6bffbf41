/* The device model's state blob (dm_save.h). */
#include "devmodel/dm_save.h"
#include "devmodel/dev/ide.h"
#include "devmodel/dm.h"
#include "devmodel/net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PAD8(n) (((n) + 7u) & ~(size_t)7u)
#define DM_SAVE_MAX (256u << 20)

void dm_sbuf_put(struct dm_sbuf *b, const void *data, size_t n)
{
	if (b->err)
		return;
	if (n > DM_SAVE_MAX || b->len + n > DM_SAVE_MAX) {
		b->err = -E2BIG;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->err = -ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

/* ---- PCI configuration spaces ---- */

struct pci_wire {
	uint8_t devfn;
	uint8_t pad[7];
	uint8_t cfg[256];
};
_Static_assert(sizeof(struct pci_wire) == 264, "pci_wire size");

static int pci_save(void *state, struct dm_sbuf *b)
{
	struct pci_bus *pb = state;

	for (unsigned i = 0; i < 256; i++) {
		struct pci_wire w = { .devfn = (uint8_t)i };

		if (!pb->dev[i])
			continue;
		memcpy(w.cfg, pb->dev[i]->cfg, sizeof(w.cfg));
		dm_sbuf_put(b, &w, sizeof(w));
	}
	dm_sbuf_put(b, &pb->cf8, sizeof(pb->cf8));
	return b->err;
}

static void cfg_replay(struct pci_bus *pb, unsigned devfn, const uint8_t *cfg, unsigned lo,
		       unsigned hi)
{
	for (unsigned r = lo; r < hi; r += 4) {
		uint32_t v;

		memcpy(&v, cfg + r, 4);
		pci_cfg_write(pb, 0, devfn, r, 4, v);
	}
}

/* Device registers first (bridges route, PM bases move), then the BARs
 * and the interrupt line, the command register last: the BARs map as
 * when the guest enabled decoding. */
static int pci_load(void *state, const void *body, size_t len)
{
	struct pci_bus *pb = state;
	const uint8_t *p = body;
	size_t n = (len - 4) / sizeof(struct pci_wire);

	if (len < 4 || (len - 4) % sizeof(struct pci_wire))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!pb->dev[p[i * sizeof(struct pci_wire)]])
			return -ENODEV;
	for (size_t i = 0; i < n; i++) {
		const struct pci_wire *w = (const void *)(p + i * sizeof(*w));
		uint16_t cmd;

		cfg_replay(pb, w->devfn, w->cfg, 0x40, 0x100);
		cfg_replay(pb, w->devfn, w->cfg, PCI_BAR0, 0x40);
		memcpy(&cmd, w->cfg + PCI_COMMAND, 2);
		pci_cfg_write(pb, 0, w->devfn, PCI_COMMAND, 2, cmd);
	}
	memcpy(&pb->cf8, p + n * sizeof(struct pci_wire), 4);
	pb->cf8 &= 0x80fffffcu;
	return 0;
}

/* ---- IDE: registers of both channels and their drives (ide.h is public) ---- */

struct ide_drive_wire {
	uint8_t mult, sense_key, asc, unit_attention, media_event;
	uint8_t unplugged;        /* the platform device took it away */
	uint8_t pad[2];
};

struct ide_channel_wire {
	uint8_t cur, feature, nsector, sector, lcyl, hcyl;
	uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
	uint8_t select, status, error, ctrl, irq;
	uint8_t bm_cmd, bm_status;
	uint8_t pad[2];
	uint32_t bm_prd;
	struct ide_drive_wire drive[2];
};
_Static_assert(sizeof(struct ide_channel_wire) == 40, "ide_channel_wire size");

#define ST_BSY 0x80
#define ST_DRQ 0x08

static int ide_save(void *state, struct dm_sbuf *b)
{
	for (unsigned i = 0; i < 2; i++) {
		const struct ide_channel *c = ide_channel_at(state, i);
		struct ide_channel_wire w = {
			.cur = (uint8_t)c->cur, .feature = c->feature, .nsector = c->nsector,
			.sector = c->sector, .lcyl = c->lcyl, .hcyl = c->hcyl,
			.hob_feature = c->hob_feature, .hob_nsector = c->hob_nsector,
			.hob_sector = c->hob_sector, .hob_lcyl = c->hob_lcyl,
			.hob_hcyl = c->hob_hcyl, .select = c->select, .status = c->status,
			.error = c->error, .ctrl = c->ctrl, .irq = c->irq, .bm_cmd = c->bm_cmd,
			.bm_status = c->bm_status, .bm_prd = c->bm_prd,
		};

		for (unsigned d = 0; d < 2; d++) {
			const struct ide_drive *dr = &c->drive[d];

			w.drive[d] = (struct ide_drive_wire){ dr->mult, dr->sense_key, dr->asc,
							      dr->unit_attention, dr->media_event,
							      dr->unplugged, { 0 } };
		}
		dm_sbuf_put(b, &w, sizeof(w));
	}
	return b->err;
}

/* A command in flight (a PIO block half read, a DMA waiting for its
 * start bit) is not carried: the channel comes back idle with its
 * registers, and the guest's driver times the command out and retries. */
static int ide_load(void *state, const void *body, size_t len)
{
	const struct ide_channel_wire *w = body;

	if (len != 2 * sizeof(*w))
		return -EINVAL;
	for (unsigned i = 0; i < 2; i++, w++) {
		struct ide_channel *c = ide_channel_at(state, i);

		if (w->cur > 1)
			return -EINVAL;
		c->cur = w->cur;
		c->feature = w->feature; c->nsector = w->nsector; c->sector = w->sector;
		c->lcyl = w->lcyl; c->hcyl = w->hcyl;
		c->hob_feature = w->hob_feature; c->hob_nsector = w->hob_nsector;
		c->hob_sector = w->hob_sector; c->hob_lcyl = w->hob_lcyl;
		c->hob_hcyl = w->hob_hcyl;
		c->select = w->select;
		c->status = w->status & (uint8_t)~(ST_BSY | ST_DRQ);
		c->error = w->error; c->ctrl = w->ctrl; c->irq = w->irq != 0;
		c->bm_cmd = w->bm_cmd & (uint8_t)~1u;
		c->bm_status = w->bm_status; c->bm_prd = w->bm_prd;
		c->pos = c->end = 0;
		c->done = NULL;
		c->dma_pending = false;
		for (unsigned d = 0; d < 2; d++) {
			struct ide_drive *dr = &c->drive[d];

			dr->mult = w->drive[d].mult;
			dr->sense_key = w->drive[d].sense_key;
			dr->asc = w->drive[d].asc;
			dr->unit_attention = w->drive[d].unit_attention != 0;
			dr->media_event = w->drive[d].media_event;
			if (w->drive[d].unplugged && dr->present && !dr->atapi) {
				dr->present = false;
				dr->unplugged = true;
			}
		}
	}
	return 0;
}

/* ---- the NICs of one model: a count, then each NIC's length and state ---- */

static int nics_save(const struct net_nics *s, struct dm_sbuf *b,
		     int (*one)(void *nic, struct dm_sbuf *b))
{
	uint32_t n = s->n;

	dm_sbuf_put(b, &n, sizeof(n));
	for (unsigned i = 0; i < s->n && !b->err; i++) {
		size_t at = b->len;
		uint32_t len = 0;

		dm_sbuf_put(b, &len, sizeof(len));
		if (one(s->nic[i], b) < 0 && !b->err)
			b->err = -EIO;
		if (b->err)
			break;
		len = (uint32_t)(b->len - at - sizeof(len));
		memcpy(b->p + at, &len, sizeof(len));
	}
	return b->err;
}

static int nics_load(struct net_nics *s, const void *body, size_t len,
		     int (*one)(void *nic, const void *body, size_t len))
{
	const uint8_t *p = body;
	uint32_t n, l;
	size_t off = sizeof(n);

	if (len < sizeof(n))
		return -EINVAL;
	memcpy(&n, p, sizeof(n));
	if (n != s->n)
		return -ENODEV;           /* another set of NICs */
	for (unsigned i = 0; i < n; i++) {
		if (len - off < sizeof(l))
			return -EINVAL;
		memcpy(&l, p + off, sizeof(l));
		off += sizeof(l);
		if (l > len - off || one(s->nic[i], p + off, l) < 0)
			return -EINVAL;
		off += l;
	}
	return off == len ? 0 : -EINVAL;
}

static int rtl8139_save(void *state, struct dm_sbuf *b)
{
	return nics_save(state, b, rtl8139_save_one);
}

static int rtl8139_load(void *state, const void *body, size_t len)
{
	return nics_load(state, body, len, rtl8139_load_one);
}

static int e1000_save(void *state, struct dm_sbuf *b)
{
	return nics_save(state, b, e1000_save_one);
}

static int e1000_load(void *state, const void *body, size_t len)
{
	return nics_load(state, body, len, e1000_load_one);
}

/* ---- the blob ---- */

static const struct dm_save_piece {
	const char *name;         /* a device of devices.def, or "pci" */
	int (*save)(void *state, struct dm_sbuf *b);
	int (*load)(void *state, const void *body, size_t len);
} pieces[] = {
	{ "pci", pci_save, pci_load },
	{ "ide", ide_save, ide_load },
	{ "piix4_acpi", piix4_acpi_save, piix4_acpi_load },
	{ "vga", vga_save, vga_load },
	{ "platform", platform_save, platform_load },
	{ "uart", uart_save, uart_load },
	{ "i8042", i8042_save, i8042_load },
	{ "fw_cfg", fw_cfg_save, fw_cfg_load },
	{ "rtl8139", rtl8139_save, rtl8139_load },
	{ "e1000", e1000_save, e1000_load },
	{ "acpi_hotplug", acpi_hotplug_save, acpi_hotplug_load },
};

static void *piece_state(struct dm *dm, const struct dm_save_piece *pc)
{
	return strcmp(pc->name, "pci") == 0 ? (void *)&dm->pci : dm_device(dm, pc->name);
}

int dm_save(struct dm *dm, struct dm_sbuf *b)
{
	struct dm_save_hdr h = { DM_SAVE_MAGIC, DM_SAVE_VERSION, 0 };
	static const uint8_t zero[8];

	dm_sbuf_put(b, &h, sizeof(h));
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		void *st = piece_state(dm, &pieces[i]);
		struct dm_save_sec s = { .version = 1 };
		size_t at = b->len;

		if (!st)
			continue;
		strncpy(s.name, pieces[i].name, sizeof(s.name) - 1);
		dm_sbuf_put(b, &s, sizeof(s));
		if (pieces[i].save(st, b) < 0 && !b->err)
			b->err = -EIO;
		if (b->err)
			return b->err;
		s.len = (uint32_t)(b->len - at - sizeof(s));
		memcpy(b->p + at, &s, sizeof(s));
		dm_sbuf_put(b, zero, PAD8(s.len) - s.len);
	}
	h.len = b->len;
	if (!b->err)
		memcpy(b->p, &h, sizeof(h));
	return b->err;
}

static const struct dm_save_piece *piece_named(const char *name)
{
	for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
		if (strncmp(pieces[i].name, name, 16) == 0)
			return &pieces[i];
	return NULL;
}

int dm_load(struct dm *dm, const void *blob, size_t len, const char **why)
{
	struct dm_save_hdr h;
	size_t off = sizeof(h);

	*why = "the device model state is cut short or has a wrong header";
	if (len < sizeof(h))
		return -EINVAL;
	memcpy(&h, blob, sizeof(h));
	if (h.magic != DM_SAVE_MAGIC || h.version != DM_SAVE_VERSION || h.len != len)
		return -EINVAL;
	while (off < len) {
		struct dm_save_sec s;
		const struct dm_save_piece *pc;
		void *st;
		int rc;

		*why = "a device model state section is cut short";
		if (len - off < sizeof(s))
			return -EINVAL;
		memcpy(&s, (const uint8_t *)blob + off, sizeof(s));
		if (PAD8((size_t)s.len) > len - off - sizeof(s))
			return -EINVAL;
		*why = "the device model state names a device this machine does not have";
		if (memchr(s.name, 0, sizeof(s.name)) == NULL || !(pc = piece_named(s.name)) ||
		    !(st = piece_state(dm, pc)))
			return -EINVAL;
		*why = "a device's state has an unknown version";
		if (s.version != 1)
			return -EINVAL;
		rc = pc->load(st, (const uint8_t *)blob + off + sizeof(s), s.len);
		if (rc < 0) {
			*why = "a device's state is malformed or does not fit this machine";
			return -EINVAL;
		}
		off += sizeof(s) + PAD8((size_t)s.len);
	}
	*why = NULL;
	return 0;
}
