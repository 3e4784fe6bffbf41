/* fw_cfg as SeaBIOS reads it: signature, ids, the file directory, e820,
 * bootorder, sercon, DMA (good and hostile descriptors) and direct Linux
 * boot from a bzImage the test makes. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "devmodel/dev/fw_cfg.h"

#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void fw_read(struct dmt *t, uint16_t key, void *buf, size_t len)
{
	dmt_out(t, FW_CFG_PORT_SEL, 2, key);
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)dmt_in(t, FW_CFG_PORT_SEL + 1, 1);
}

/* The key and size of file `name`, as SeaBIOS finds it. */
static int fw_file(struct dmt *t, const char *name, uint32_t *size)
{
	uint32_t n;
	uint8_t e[64];

	fw_read(t, FW_CFG_FILE_DIR, &n, 4);
	n = be32toh(n);
	for (uint32_t i = 0; i < n && i < 64; i++) {
		for (int j = 0; j < 64; j++)
			e[j] = (uint8_t)dmt_in(t, FW_CFG_PORT_SEL + 1, 1);
		if (strcmp((char *)e + 8, name) == 0) {
			*size = be32toh(le32(e));
			return e[4] << 8 | e[5];
		}
	}
	return -1;
}

/* Write the DMA address register as SeaBIOS does (two big-endian dwords). */
static void fw_dma(struct dmt *t, uint64_t desc)
{
	dmt_out(t, FW_CFG_PORT_DMA, 4, htobe32((uint32_t)(desc >> 32)));
	dmt_out(t, FW_CFG_PORT_DMA + 4, 4, htobe32((uint32_t)desc));
}

static void put_desc(struct dmt *t, uint64_t at, uint32_t control, uint32_t len, uint64_t addr)
{
	uint32_t c = htobe32(control), l = htobe32(len);
	uint64_t a = htobe64(addr);

	memcpy(t->ram + at, &c, 4);
	memcpy(t->ram + at + 4, &l, 4);
	memcpy(t->ram + at + 8, &a, 8);
}

static uint32_t desc_status(struct dmt *t, uint64_t at)
{
	uint32_t c;

	memcpy(&c, t->ram + at, 4);
	return be32toh(c);
}

static void test_items(struct dmt *t)
{
	char sig[5] = { 0 };
	uint32_t id, size;
	uint64_t ram;
	uint16_t cpus, port;
	uint8_t e820[40];
	char order[128] = { 0 };
	int key;

	fw_read(t, FW_CFG_SIGNATURE, sig, 4);
	is_str(sig, "QEMU", "signature");
	fw_read(t, FW_CFG_ID, &id, 4);
	is_int(id, 3, "id: traditional and DMA interfaces");
	is_int(dmt_in(t, FW_CFG_PORT_DMA, 4), 0x554d4551, "DMA register reads \"QEMU\" in bus order");
	fw_read(t, FW_CFG_RAM_SIZE, &ram, 8);
	is_int(ram, 0x100000 + (1ull << 30), "RAM size: low + high");
	fw_read(t, FW_CFG_NB_CPUS, &cpus, 2);
	is_int(cpus, 2, "two CPUs");
	key = fw_file(t, "etc/e820", &size);
	ok(key >= FW_CFG_FILE_FIRST && size == 40, "etc/e820 with two entries");
	fw_read(t, (uint16_t)key, e820, 40);
	ok(le64(e820) == 0 && le64(e820 + 8) == 0x100000 && le32(e820 + 16) == 1,
	   "low RAM from 0");
	ok(le64(e820 + 20) == 1ull << 32 && le64(e820 + 28) == 1ull << 30, "high RAM from 4 GiB");
	key = fw_file(t, "etc/sercon-port", &size);
	fw_read(t, (uint16_t)key, &port, 2);
	ok(key > 0 && size == 2 && port == 0x3f8, "etc/sercon-port = COM1");
	key = fw_file(t, "bootorder", &size);
	fw_read(t, (uint16_t)key, order, size < sizeof(order) ? size : sizeof(order) - 1);
	is_str(order, "/pci@i0cf8/ide@1,1/drive@1/disk@0\n/pci@i0cf8/ide@1,1/drive@0/disk@0",
	       "boot=dc: the CD (hdc) first, then hda");
	is_int(size, (long)strlen(order) + 1, "no newline after the last path, NUL-terminated");
	is_int(fw_file(t, "no/such/file", &size), -1, "unknown file not listed");
	fw_read(t, 0x7777, &id, 4);
	is_int(id, 0, "an unknown key reads zeros");
}

static void test_dma(struct dmt *t)
{
	uint32_t size;
	int key = fw_file(t, "etc/e820", &size);

	memset(t->ram + 0x8000, 0xee, 64);
	put_desc(t, 0x1000, (uint32_t)key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 48, 0x8000);
	fw_dma(t, 0x1000);
	is_int(desc_status(t, 0x1000), 0, "DMA read done");
	ok(le64(t->ram + 0x8008) == 0x100000 && t->ram[0x802f] == 0 && t->ram[0x8030] == 0xee,
	   "40 bytes of e820 and 8 zeros past its end, nothing more");
	put_desc(t, 0x1000, FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 2, 0);
	fw_dma(t, 0x1000);
	put_desc(t, 0x1000, FW_CFG_DMA_READ, 2, 0x8000);
	fw_dma(t, 0x1000);
	ok(memcmp(t->ram + 0x8000, "MU", 2) == 0, "skip 2 then read: \"MU\"");
	put_desc(t, 0x1000, FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 0x1000, t->ram_size - 0x10);
	fw_dma(t, 0x1000);
	is_int(desc_status(t, 0x1000), FW_CFG_DMA_ERROR, "read past the end of RAM: error");
	put_desc(t, 0x1000, FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 0xffffffff, 0xfffffffffffff000ull);
	fw_dma(t, 0x1000);
	is_int(desc_status(t, 0x1000), FW_CFG_DMA_ERROR, "wrapping target: error");
	put_desc(t, 0x1000, FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE, 4, 0x8000);
	fw_dma(t, 0x1000);
	is_int(desc_status(t, 0x1000), FW_CFG_DMA_ERROR, "write: error (nothing is writable)");
	fw_dma(t, t->ram_size - 4);
	ok(1, "a descriptor outside RAM is ignored");
	dmt_out(t, FW_CFG_PORT_DMA + 7, 1, 0x00);
	ok(1, "a single byte write to the last register byte is harmless");
}

/* A minimal bzImage: two setup sectors after the boot sector, a payload. */
static char *make_bzimage(void)
{
	static char path[] = "/tmp/dm-bzimage-XXXXXX";
	uint8_t img[3 * 512 + 100] = { 0 };
	int fd = mkstemp(path);

	img[0x1f1] = 2;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	img[0x211] = 0x01;
	memcpy(img + 0x22c, "\xff\xff\xff\x37", 4);
	memset(img + 3 * 512, 0x90, 100);
	if (fd < 0 || write(fd, img, sizeof(img)) != (ssize_t)sizeof(img))
		return NULL;
	close(fd);
	return path;
}

static void test_linux(void)
{
	struct dmt t;
	char *k = make_bzimage();
	uint32_t v;
	uint8_t setup[3 * 512];
	char cmd[32] = { 0 };

	if (!k || dmt_init(&t, 1 << 24) < 0) {
		ok(0, "set up the bzImage test");
		return;
	}
	t.cfg.kernel = k;
	t.cfg.initrd = k;
	t.cfg.cmdline = "console=ttyS0";
	is_int(dmt_start(&t), 0, "devices with a kernel");
	fw_read(&t, FW_CFG_SETUP_SIZE, &v, 4);
	is_int(v, 3 * 512, "setup: boot sector + 2 sectors");
	fw_read(&t, FW_CFG_KERNEL_SIZE, &v, 4);
	is_int(v, 100, "kernel: the rest");
	fw_read(&t, FW_CFG_KERNEL_ADDR, &v, 4);
	is_int(v, 0x100000, "kernel at 1 MiB");
	fw_read(&t, FW_CFG_SETUP_DATA, setup, sizeof(setup));
	ok(setup[0x210] == 0xb0 && (setup[0x211] & 0x80) && le32(setup + 0x228) == 0x20000,
	   "header: loader type, heap, command line pointer");
	fw_read(&t, FW_CFG_INITRD_ADDR, &v, 4);
	ok(v == le32(setup + 0x218) && v + sizeof(setup) + 100 <= (1u << 24) && !(v & 4095),
	   "initrd page-aligned at the top of RAM, in the header");
	fw_read(&t, FW_CFG_CMDLINE_DATA, cmd, sizeof(cmd) - 1);
	is_str(cmd, "console=ttyS0", "command line");
	dmt_fini(&t);
	/* not a bzImage */
	dmt_init(&t, 1 << 24);
	t.cfg.kernel = "/dev/null";
	ok(dmt_start(&t) < 0, "a kernel without a setup header is refused");
	dmt_fini(&t);
	unlink(k);
}

int main(void)
{
	struct dmt t;

	if (dmt_init(&t, 0x100000) < 0) {
		skip_all("no memfd");
		return 0;
	}
	t.cfg.lowmem = 0x100000;
	t.cfg.highmem = 1ull << 30;
	t.cfg.vcpus = 2;
	t.cfg.sercon = true;
	strcpy(t.cfg.boot, "dc");
	t.cfg.disk[0].path = "/dev/null";   /* only bootorder looks at them here */
	t.cfg.disk[2].path = "/dev/null";
	t.cfg.disk[2].cdrom = true;
	is_int(dmt_start(&t), 0, "devices created");
	test_items(&t);
	test_dma(&t);
	dmt_fini(&t);
	{
		struct dmt u;
		uint32_t size;

		dmt_init(&u, 0x100000);
		is_int(dmt_start(&u), 0, "a machine without --sercon");
		is_int(fw_file(&u, "etc/sercon-port", &size), -1, "has no etc/sercon-port");
		dmt_fini(&u);
	}
	test_linux();
	return tap_done();
}
