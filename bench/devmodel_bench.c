/* The device model's own costs, in process (no guest, no vmhv): IDE
 * bus-master DMA sequential read through io_handle() next to the host
 * reading the same image with pread(), and the dispatch of one port read
 * through io_handle() next to a trivial system call. Each figure is the
 * median of 3 rounds; the image is in the page cache for both sides. */
#include "tests/devmodel/dmtest.h"

#include "common/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define IMAGE_MB   256
#define CHUNK      (128 * 1024)
#define BM         0xc000
#define ROUNDS     3

static double median3(double a[ROUNDS])
{
	double x = a[0], y = a[1], z = a[2];

	return x > y ? (y > z ? y : (x > z ? z : x)) : (x > z ? x : (y > z ? z : y));
}

static int make_image(const char *path)
{
	static uint8_t buf[1 << 20];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	memset(buf, 0x5a, sizeof(buf));
	for (int i = 0; fd >= 0 && i < IMAGE_MB; i++)
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : -1;
}

static double host_read_mbs(const char *path)
{
	static uint8_t buf[CHUNK];
	int fd = open(path, O_RDONLY);
	uint64_t t0 = now_ns();

	for (off_t off = 0; off < (off_t)IMAGE_MB << 20; off += CHUNK)
		if (pread(fd, buf, CHUNK, off) != CHUNK)
			break;
	close(fd);
	return (double)IMAGE_MB / ((double)(now_ns() - t0) / 1e9);
}

static void dma_read_one(struct dmt *t, uint32_t lba)
{
	dmt_out(t, 0x1f6, 1, 0xe0 | (lba >> 24 & 0xf));
	dmt_out(t, 0x1f2, 1, 0);              /* 256 sectors = 128 KiB */
	dmt_out(t, 0x1f3, 1, lba & 0xff);
	dmt_out(t, 0x1f4, 1, lba >> 8 & 0xff);
	dmt_out(t, 0x1f5, 1, lba >> 16 & 0xff);
	dmt_out(t, 0x1f7, 1, 0xc8);
	dmt_out(t, BM, 1, 0x09);
	dmt_in(t, 0x1f7, 1);
	dmt_out(t, BM + 2, 1, 0x04);
	dmt_out(t, BM, 1, 0x00);
}

static double dm_read_mbs(struct dmt *t)
{
	uint64_t t0 = now_ns();

	for (uint32_t lba = 0; lba < (IMAGE_MB << 20) / 512; lba += CHUNK / 512)
		dma_read_one(t, lba);
	return (double)IMAGE_MB / ((double)(now_ns() - t0) / 1e9);
}

static void dma_setup(struct dmt *t)
{
	uint32_t prd[4] = { 0x100000, 0x0000, 0x110000, 0x80000000u };

	memcpy(t->ram + 0x1000, prd, sizeof(prd));
	dmt_cfg_write(t, 1 << 3 | 1, 0x20, 4, BM);
	dmt_cfg_write(t, 1 << 3 | 1, 0x04, 2, 0x05);
	dmt_out(t, BM + 4, 4, 0x1000);
}

static double ns_per(uint64_t t0, unsigned n)
{
	return (double)(now_ns() - t0) / n;
}

int main(void)
{
	char path[] = "/tmp/dm-bench-XXXXXX";
	double dm[ROUNDS], host[ROUNDS], io[ROUNDS], sys[ROUNDS];
	const unsigned n = 1000000;
	struct dmt t;
	int fd = mkstemp(path);

	if (fd < 0 || make_image(path) < 0 || dmt_init(&t, 4 << 20) < 0) {
		fprintf(stderr, "devmodel_bench: set-up failed\n");
		return 1;
	}
	close(fd);
	t.cfg.disk[0].path = path;
	if (dmt_start(&t) < 0)
		return 1;
	dma_setup(&t);
	host_read_mbs(path);   /* warm the page cache */
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0;

		dm[r] = dm_read_mbs(&t);
		host[r] = host_read_mbs(path);
		t0 = now_ns();
		for (unsigned i = 0; i < n; i++)
			dmt_in(&t, 0x3fd, 1);
		io[r] = ns_per(t0, n);
		t0 = now_ns();
		for (unsigned i = 0; i < n; i++)
			syscall(SYS_getppid);
		sys[r] = ns_per(t0, n);
	}
	printf("row\tdevmodel IDE DMA sequential read (128 KiB commands, in process)\t%.0f\tMB/s\t"
	       "host pread of the image, 128 KiB\t%.0f\n", median3(dm), median3(host));
	printf("row\tdevmodel port read dispatch (io_handle, UART LSR)\t%.1f\tns\t"
	       "getppid() system call\t%.1f\n", median3(io), median3(sys));
	dmt_fini(&t);
	unlink(path);
	return 0;
}
