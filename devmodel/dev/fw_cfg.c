/* fw_cfg: the items SeaBIOS asks for (see fw_cfg.h) and the two ways to
 * read them, byte by byte on 0x511 or by DMA descriptors in guest memory. */
#include "devmodel/dev/fw_cfg.h"

#include "devmodel/acpi/acpi.h"

#include "devmodel/dm.h"
#include "devmodel/dm_save.h"
#include "common/log.h"
#include "common/util.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FW_CFG_MAX_ITEMS 64
#define FW_CFG_MAX_FILE  (64u << 20)
#define FW_CFG_ID_TRAD   0x01
#define FW_CFG_ID_DMA    0x02

struct fw_cfg_item {
	uint16_t key;
	uint8_t *data;
	uint32_t len;
	char name[FW_CFG_FILE_NAME_MAX];   /* files only */
};

struct fw_cfg {
	struct dm *dm;
	struct fw_cfg_item item[FW_CFG_MAX_ITEMS];
	unsigned nitems;
	uint16_t next_file_key;
	const struct fw_cfg_item *cur;      /* selected item (NULL: none) */
	uint32_t offset;
	uint8_t dma_reg[8];                 /* the address register, bus order */
};

static struct fw_cfg_item *fw_cfg_find(struct fw_cfg *fc, uint16_t key)
{
	for (unsigned i = 0; i < fc->nitems; i++)
		if (fc->item[i].key == key)
			return &fc->item[i];
	return NULL;
}

int fw_cfg_add(struct fw_cfg *fc, uint16_t key, const void *data, size_t len)
{
	struct fw_cfg_item *it = fw_cfg_find(fc, key);
	uint8_t *copy;

	if (len > FW_CFG_MAX_FILE)
		return -EINVAL;
	if (!it && fc->nitems == FW_CFG_MAX_ITEMS)
		return -ENOMEM;
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	if (!it) {
		it = &fc->item[fc->nitems++];
		memset(it, 0, sizeof(*it));
		it->key = key;
	}
	free(it->data);
	it->data = copy;
	it->len = (uint32_t)len;
	return 0;
}

/* The directory: a be32 count, then per file be32 size, be16 key, be16
 * reserved and a 56-byte name, sorted by name as QEMU does. */
static int dir_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct fw_cfg_item *const *)a)->name,
		      (*(const struct fw_cfg_item *const *)b)->name);
}

static int fw_cfg_dir_update(struct fw_cfg *fc)
{
	const struct fw_cfg_item *files[FW_CFG_MAX_ITEMS];
	uint8_t dir[4 + FW_CFG_MAX_ITEMS * 64];
	unsigned n = 0;
	uint32_t be;

	for (unsigned i = 0; i < fc->nitems; i++)
		if (fc->item[i].key >= FW_CFG_FILE_FIRST)
			files[n++] = &fc->item[i];
	qsort(files, n, sizeof(files[0]), dir_cmp);
	be = htobe32(n);
	memcpy(dir, &be, 4);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = dir + 4 + 64 * i;
		uint32_t size = htobe32(files[i]->len);
		uint16_t key = htobe16(files[i]->key);

		memset(e, 0, 64);
		memcpy(e, &size, 4);
		memcpy(e + 4, &key, 2);
		memcpy(e + 8, files[i]->name, FW_CFG_FILE_NAME_MAX);
	}
	return fw_cfg_add(fc, FW_CFG_FILE_DIR, dir, 4 + 64 * n);
}

int fw_cfg_add_file(struct fw_cfg *fc, const char *name, const void *data, size_t len)
{
	int rc;

	if (strlen(name) >= FW_CFG_FILE_NAME_MAX)
		return -ENAMETOOLONG;
	for (unsigned i = 0; i < fc->nitems; i++)
		if (fc->item[i].key >= FW_CFG_FILE_FIRST && strcmp(fc->item[i].name, name) == 0)
			return -EEXIST;
	rc = fw_cfg_add(fc, fc->next_file_key, data, len);
	if (rc < 0)
		return rc;
	strcpy(fw_cfg_find(fc, fc->next_file_key)->name, name);
	fc->next_file_key++;
	return fw_cfg_dir_update(fc);
}

int fw_cfg_add_host_file(struct fw_cfg *fc, const char *name, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf = NULL;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (st.st_size > FW_CFG_MAX_FILE)
		rc = -EFBIG;
	else if (!(buf = malloc((size_t)st.st_size + 1)))
		rc = -ENOMEM;
	else
		rc = read_all(fd, buf, (size_t)st.st_size);
	if (rc == 0)
		rc = fw_cfg_add_file(fc, name, buf, (size_t)st.st_size);
	free(buf);
	close(fd);
	return rc;
}

static void fw_cfg_select(struct fw_cfg *fc, uint16_t key)
{
	fc->cur = fw_cfg_find(fc, key);
	fc->offset = 0;
}

/* Copy out of the selected item from the current offset; past its end
 * the firmware reads zeros. */
static void fw_cfg_copy(struct fw_cfg *fc, uint8_t *dst, uint32_t len)
{
	uint32_t have = fc->cur && fc->offset < fc->cur->len ? fc->cur->len - fc->offset : 0;
	uint32_t n = MIN(have, len);

	if (n)
		memcpy(dst, fc->cur->data + fc->offset, n);
	memset(dst + n, 0, len - n);
	fc->offset = fc->offset + len < fc->offset ? UINT32_MAX : fc->offset + len;
}

static uint64_t sel_read(void *opaque, uint64_t off, unsigned size)
{
	struct fw_cfg *fc = opaque;
	uint8_t b = 0;

	(void)size;
	if (off == 1)
		fw_cfg_copy(fc, &b, 1);
	return b;
}

static void sel_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct fw_cfg *fc = opaque;

	if (off == 0 && size == 2)
		fw_cfg_select(fc, (uint16_t)val);
}

/* One DMA descriptor {be32 control, be32 length, be64 address}. */
static uint32_t fw_cfg_dma_run(struct fw_cfg *fc, uint32_t control, uint32_t len, uint64_t addr)
{
	uint8_t *dst;

	if (control & FW_CFG_DMA_SELECT)
		fw_cfg_select(fc, (uint16_t)(control >> 16));
	if (control & FW_CFG_DMA_WRITE)
		return FW_CFG_DMA_ERROR;   /* no item is writable */
	if (control & FW_CFG_DMA_READ) {
		dst = gmem_ptr_w(&fc->dm->mem, addr, len);
		if (!dst)
			return FW_CFG_DMA_ERROR;
		fw_cfg_copy(fc, dst, len);
	} else if (control & FW_CFG_DMA_SKIP) {
		fc->offset = fc->offset + len < fc->offset ? UINT32_MAX : fc->offset + len;
	}
	return 0;
}

static void fw_cfg_dma(struct fw_cfg *fc, uint64_t desc)
{
	struct { uint32_t control, length; uint64_t address; } d;
	uint32_t status;

	if (gmem_read(&fc->dm->mem, desc, &d, sizeof(d)) < 0) {
		log_warn("fw_cfg: DMA descriptor at %#llx is not guest RAM",
			 (unsigned long long)desc);
		return;
	}
	status = htobe32(fw_cfg_dma_run(fc, be32toh(d.control), be32toh(d.length),
					be64toh(d.address)));
	gmem_write(&fc->dm->mem, desc, &status, sizeof(status));
}

static const uint8_t dma_signature[8] = { 'Q', 'E', 'M', 'U', ' ', 'C', 'F', 'G' };

static uint64_t dma_read(void *opaque, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	(void)opaque;
	memcpy(&v, dma_signature + off, MIN(size, 8 - off));
	return v;
}

/* The register is big-endian on the bus: keep its bytes in bus order; a
 * write that ends at the last byte starts the transfer. */
static void dma_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct fw_cfg *fc = opaque;
	uint64_t desc;

	memcpy(fc->dma_reg + off, &val, MIN(size, 8 - off));
	if (off + size != 8)
		return;
	memcpy(&desc, fc->dma_reg, 8);
	memset(fc->dma_reg, 0, sizeof(fc->dma_reg));
	fw_cfg_dma(fc, be64toh(desc));
}

static const struct bus_ops sel_ops = { sel_read, sel_write };
static const struct bus_ops dma_ops = { dma_read, dma_write };

static void fw_cfg_destroy(void *state)
{
	struct fw_cfg *fc = state;

	bus_release(&fc->dm->bus, BUS_PIO, FW_CFG_PORT_SEL, fc);
	bus_release(&fc->dm->bus, BUS_PIO, FW_CFG_PORT_DMA, fc);
	for (unsigned i = 0; i < fc->nitems; i++)
		free(fc->item[i].data);
	free(fc);
}

static void fw_cfg_reset(void *state)
{
	struct fw_cfg *fc = state;

	fc->cur = NULL;
	fc->offset = 0;
	memset(fc->dma_reg, 0, sizeof(fc->dma_reg));
}

static int fw_cfg_add_u16(struct fw_cfg *fc, uint16_t key, uint16_t v)
{
	uint16_t le = htole16(v);

	return fw_cfg_add(fc, key, &le, sizeof(le));
}

static int fw_cfg_add_u64(struct fw_cfg *fc, uint16_t key, uint64_t v)
{
	uint64_t le = htole64(v);

	return fw_cfg_add(fc, key, &le, sizeof(le));
}

/* RAM below the PCI hole, and above 4 GiB: {u64 addr, u64 len, u32 type}. */
static int fw_cfg_e820(struct fw_cfg *fc, const struct dm_config *cfg)
{
	uint8_t buf[2 * 20];
	size_t n = 0;
	const uint64_t ent[2][2] = { { 0, cfg->lowmem }, { 1ull << 32, cfg->highmem } };

	for (int i = 0; i < 2; i++) {
		uint64_t a = htole64(ent[i][0]), l = htole64(ent[i][1]);
		uint32_t type = htole32(1);

		if (!ent[i][1])
			continue;
		memcpy(buf + n, &a, 8);
		memcpy(buf + n + 8, &l, 8);
		memcpy(buf + n + 16, &type, 4);
		n += 20;
	}
	return fw_cfg_add_file(fc, "etc/e820", buf, n);
}

/* xl's boot= letters as SeaBIOS's bootorder paths of the PIIX IDE drives:
 * one path per line, no newline after the last (SeaBIOS takes every line,
 * an empty last one too, as an entry), NUL-terminated as QEMU's. */
static int fw_cfg_bootorder(struct fw_cfg *fc, const struct dm_config *cfg)
{
	char order[256] = "";
	size_t len = 0;

	for (const char *b = cfg->boot; *b && len < sizeof(order) - 64; b++) {
		for (unsigned i = 0; i < DM_MAX_DISKS; i++) {
			const struct dm_disk *d = &cfg->disk[i];

			if (!d->path || d->cdrom != (*b == 'd') || (*b != 'c' && *b != 'd'))
				continue;
			len += (size_t)snprintf(order + len, sizeof(order) - len,
						"%s/pci@i0cf8/ide@1,1/drive@%u/disk@%u",
						len ? "\n" : "", i / 2, i % 2);
			break;
		}
	}
	return fw_cfg_add_file(fc, "bootorder", order, len ? len + 1 : 0);
}

static int fw_cfg_fill(struct fw_cfg *fc, const struct dm_config *cfg)
{
	uint32_t id = htole32(FW_CFG_ID_TRAD | FW_CFG_ID_DMA);
	uint8_t uuid[16] = { 0 };
	int rc = fw_cfg_add(fc, FW_CFG_SIGNATURE, "QEMU", 4);
	rc = rc ? rc : fw_cfg_add(fc, FW_CFG_ID, &id, 4);
	rc = rc ? rc : fw_cfg_add(fc, FW_CFG_UUID, uuid, 16);
	rc = rc ? rc : fw_cfg_add_u64(fc, FW_CFG_RAM_SIZE, cfg->lowmem + cfg->highmem);
	rc = rc ? rc : fw_cfg_add_u16(fc, FW_CFG_NOGRAPHIC, cfg->vram_mb == 0);
	/* the vCPUs present at boot (xl vcpus=), as QEMU's -smp N,maxcpus=M */
	rc = rc ? rc : fw_cfg_add_u16(fc, FW_CFG_NB_CPUS,
				      (uint16_t)(cfg->vcpus_online ? cfg->vcpus_online : cfg->vcpus));
	rc = rc ? rc : fw_cfg_add_u16(fc, FW_CFG_MAX_CPUS, (uint16_t)cfg->vcpus);
	rc = rc ? rc : fw_cfg_add_u16(fc, FW_CFG_BOOT_DEVICE, (uint16_t)cfg->boot[0]);
	rc = rc ? rc : fw_cfg_add_u16(fc, FW_CFG_BOOT_MENU, 0);
	rc = rc ? rc : fw_cfg_add_u64(fc, FW_CFG_NUMA, 0);
	rc = rc ? rc : fw_cfg_e820(fc, cfg);
	rc = rc ? rc : fw_cfg_bootorder(fc, cfg);
	if (rc == 0 && cfg->sercon) {
		uint16_t port = htole16(0x3f8);

		rc = fw_cfg_add_file(fc, "etc/sercon-port", &port, 2);
	}
	if (rc == 0 && cfg->acpi)
		rc = acpi_tables_add(fc, cfg);   /* else SeaBIOS builds none */
	if (rc == 0)
		rc = smbios_tables_add(fc, cfg);
	if (rc == 0 && cfg->kernel)
		rc = fw_cfg_linux(fc, cfg->kernel, cfg->initrd, cfg->cmdline, cfg->lowmem);
	if (rc == 0 && cfg->kernel && cfg->linuxboot_rom)
		rc = fw_cfg_add_host_file(fc, "genroms/linuxboot_dma.bin", cfg->linuxboot_rom);
	return rc;
}

static int fw_cfg_create(struct dm *dm, void **state)
{
	struct fw_cfg *fc = calloc(1, sizeof(*fc));
	int rc;

	if (!fc)
		return -ENOMEM;
	fc->dm = dm;
	fc->next_file_key = FW_CFG_FILE_FIRST;
	rc = fw_cfg_fill(fc, dm->cfg);
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, FW_CFG_PORT_SEL, 2, &sel_ops, fc, "fw_cfg");
	if (rc == 0)
		rc = bus_claim(&dm->bus, BUS_PIO, FW_CFG_PORT_DMA, 8, &dma_ops, fc, "fw_cfg-dma");
	if (rc < 0) {
		fw_cfg_destroy(fc);
		return rc;
	}
	*state = fc;
	return 0;
}

const struct dm_dev_type dev_fw_cfg = {
	.name = "fw_cfg",
	.create = fw_cfg_create,
	.destroy = fw_cfg_destroy,
	.reset = fw_cfg_reset,
};

/* ---- save and restore (devmodel/dm_save.h) ---- */

/* The items come back from the same configuration; what the guest was
 * doing is the selection, its offset and the DMA address register. */
struct fw_cfg_wire {
	uint16_t key;
	uint8_t selected;
	uint8_t pad;
	uint32_t offset;
	uint8_t dma_reg[8];
};
_Static_assert(sizeof(struct fw_cfg_wire) == 16, "fw_cfg_wire size");

int fw_cfg_save(void *state, struct dm_sbuf *b)
{
	const struct fw_cfg *fc = state;
	struct fw_cfg_wire w = { .key = fc->cur ? fc->cur->key : 0, .selected = fc->cur != NULL,
				 .offset = fc->offset };

	memcpy(w.dma_reg, fc->dma_reg, sizeof(w.dma_reg));
	dm_sbuf_put(b, &w, sizeof(w));
	return b->err;
}

int fw_cfg_load(void *state, const void *body, size_t len)
{
	struct fw_cfg *fc = state;
	const struct fw_cfg_wire *w = body;

	if (len != sizeof(*w))
		return -EINVAL;
	fc->cur = w->selected ? fw_cfg_find(fc, w->key) : NULL;
	fc->offset = w->offset;
	memcpy(fc->dma_reg, w->dma_reg, sizeof(fc->dma_reg));
	return 0;
}
