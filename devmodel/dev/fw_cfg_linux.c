/* Direct boot of a Linux bzImage through fw_cfg, the way QEMU's
 * linuxboot option ROM expects it: the real-mode setup at 0x10000, the
 * command line at 0x20000, the protected-mode kernel at 1 MiB, the initrd
 * as high as the kernel allows below `lowmem`. Offsets in the setup
 * header are those of Linux's boot protocol (Documentation/x86/boot). */
#include "devmodel/dev/fw_cfg.h"

#include "common/log.h"
#include "common/util.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR_SETUP_SECTS  0x1f1
#define HDR_MAGIC        0x202
#define HDR_VERSION      0x206
#define HDR_LOADER_TYPE  0x210
#define HDR_LOADFLAGS    0x211
#define HDR_RAMDISK_IMG  0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END     0x224
#define HDR_CMDLINE_PTR  0x228
#define HDR_INITRD_MAX   0x22c
#define HDR_END          0x230

#define LOADED_HIGH      0x01
#define CAN_USE_HEAP     0x80
#define REAL_ADDR        0x10000u
#define CMDLINE_ADDR     0x20000u
#define PROT_ADDR        0x100000u
#define MAX_IMAGE        (64u << 20)

struct blob {
	uint8_t *data;
	size_t len;
};

static int blob_load(const char *path, struct blob *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int rc = 0;

	b->data = NULL;
	b->len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (st.st_size > MAX_IMAGE)
		rc = -EFBIG;
	else if (!(b->data = malloc((size_t)st.st_size + 1)))
		rc = -ENOMEM;
	else
		rc = read_all(fd, b->data, (size_t)st.st_size);
	if (rc == 0)
		b->len = (size_t)st.st_size;
	close(fd);
	return rc;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int add_u32(struct fw_cfg *fc, uint16_t key, uint32_t v)
{
	uint32_t le = htole32(v);

	return fw_cfg_add(fc, key, &le, 4);
}

/* Check the header and return the setup part's size. */
static int bzimage_setup_size(const struct blob *k, size_t *setup)
{
	unsigned sects;

	if (k->len < HDR_END || memcmp(k->data + HDR_MAGIC, "HdrS", 4) != 0)
		return -ENOEXEC;
	if (get16(k->data + HDR_VERSION) < 0x203 || !(k->data[HDR_LOADFLAGS] & LOADED_HIGH))
		return -ENOEXEC;
	sects = k->data[HDR_SETUP_SECTS] ? k->data[HDR_SETUP_SECTS] : 4;
	*setup = (sects + 1) * 512u;
	return *setup < k->len ? 0 : -ENOEXEC;
}

static int add_initrd(struct fw_cfg *fc, struct blob *k, const char *path, uint64_t lowmem)
{
	struct blob rd;
	uint64_t max = MIN((uint64_t)get32(k->data + HDR_INITRD_MAX), lowmem - 1);
	uint64_t at;
	int rc = blob_load(path, &rd);

	if (rc < 0)
		return rc;
	if (rd.len + PROT_ADDR + (k->len) > max) {
		free(rd.data);
		return -EFBIG;
	}
	at = (max + 1 - rd.len) & ~4095ull;
	put32(k->data + HDR_RAMDISK_IMG, (uint32_t)at);
	put32(k->data + HDR_RAMDISK_SIZE, (uint32_t)rd.len);
	rc = add_u32(fc, FW_CFG_INITRD_ADDR, (uint32_t)at);
	rc = rc ? rc : add_u32(fc, FW_CFG_INITRD_SIZE, (uint32_t)rd.len);
	rc = rc ? rc : fw_cfg_add(fc, FW_CFG_INITRD_DATA, rd.data, rd.len);
	free(rd.data);
	return rc;
}

static int add_cmdline(struct fw_cfg *fc, const char *cmdline)
{
	const char *c = cmdline ? cmdline : "";
	size_t len = strlen(c) + 1;
	int rc = add_u32(fc, FW_CFG_CMDLINE_ADDR, CMDLINE_ADDR);

	rc = rc ? rc : add_u32(fc, FW_CFG_CMDLINE_SIZE, (uint32_t)len);
	return rc ? rc : fw_cfg_add(fc, FW_CFG_CMDLINE_DATA, c, len);
}

int fw_cfg_linux(struct fw_cfg *fc, const char *kernel, const char *initrd,
		 const char *cmdline, uint64_t lowmem)
{
	struct blob k;
	size_t setup = 0;
	int rc = blob_load(kernel, &k);

	if (rc == 0)
		rc = bzimage_setup_size(&k, &setup);
	if (rc == 0 && cmdline && strlen(cmdline) >= 0x10000 - 1)
		rc = -E2BIG;
	if (rc == 0) {
		k.data[HDR_LOADER_TYPE] = 0xb0;   /* "QEMU": the kernel asks no more */
		k.data[HDR_LOADFLAGS] |= CAN_USE_HEAP;
		k.data[HDR_HEAP_END] = 0x00;      /* heap up to the command line */
		k.data[HDR_HEAP_END + 1] = (uint8_t)((CMDLINE_ADDR - REAL_ADDR - 0x200) >> 8);
		put32(k.data + HDR_CMDLINE_PTR, CMDLINE_ADDR);
	}
	if (rc == 0 && initrd)
		rc = add_initrd(fc, &k, initrd, lowmem);
	if (rc == 0)
		rc = add_cmdline(fc, cmdline);
	rc = rc ? rc : add_u32(fc, FW_CFG_SETUP_ADDR, REAL_ADDR);
	rc = rc ? rc : add_u32(fc, FW_CFG_SETUP_SIZE, (uint32_t)setup);
	rc = rc ? rc : fw_cfg_add(fc, FW_CFG_SETUP_DATA, k.data, setup);
	rc = rc ? rc : add_u32(fc, FW_CFG_KERNEL_ADDR, PROT_ADDR);
	rc = rc ? rc : add_u32(fc, FW_CFG_KERNEL_SIZE, (uint32_t)(k.len - setup));
	rc = rc ? rc : fw_cfg_add(fc, FW_CFG_KERNEL_DATA, k.data + setup, k.len - setup);
	if (rc < 0)
		log_error("direct boot of %s: %s", kernel, strerror(-rc));
	free(k.data);
	return rc;
}
