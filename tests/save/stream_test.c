/* The stream writer and reader: a round trip through a pipe-free temp file,
 * the CRC-32C known answer, and every kind of damage a file can have
 * (a flipped bit in each record, a cut at every record boundary and inside
 * records, a lying length, garbage) is refused with the right error. */
#include "libvmctl/stream.h"
#include "tests/tap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int tmpfile_fd(void)
{
	char path[] = "/tmp/stream_test.XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

/* A small stream: domain, config, 3 pages (one zero: given as a page of
 * zeros, or as NULL, a hole), vcpu, end. */
static size_t write_sample_hole(int fd, uint8_t pages[3][STREAM_PAGE_SIZE], bool hole)
{
	struct stream_writer w;
	struct stream_domain dom = { .max_vcpus = 2, .max_pages = 16, .ram_frames = 16 };
	struct stream_vcpu v = { .vcpu = 0, .flags = STREAM_VCPU_UP };
	const char *cfg = "{\"c_info\":{\"name\":\"x\"}}";
	uint64_t pfns[3] = { 1, 5, 7 };
	const void *pp[3] = { pages[0], hole ? NULL : pages[1], pages[2] };

	memset(pages[0], 0xab, STREAM_PAGE_SIZE);
	memset(pages[1], 0, STREAM_PAGE_SIZE);
	for (size_t i = 0; i < STREAM_PAGE_SIZE; i++)
		pages[2][i] = (uint8_t)(i * 7);
	v.regs.rip = 0x40001234;
	stream_writer_init(&w, fd);
	if (stream_write_header(&w, 0) || stream_write_simple(&w, STREAM_REC_DOMAIN, &dom, sizeof(dom)) ||
	    stream_write_simple(&w, STREAM_REC_CONFIG, cfg, strlen(cfg)) ||
	    stream_write_simple(&w, STREAM_REC_ROUND, &(struct stream_round){ 0 }, sizeof(struct stream_round)) ||
	    stream_write_pages(&w, pfns, pp, 3) ||
	    stream_write_simple(&w, STREAM_REC_VCPU, &v, sizeof(v)) || stream_write_end(&w))
		return 0;
	return (size_t)w.bytes;
}

static size_t write_sample(int fd, uint8_t pages[3][STREAM_PAGE_SIZE])
{
	return write_sample_hole(fd, pages, false);
}

/* A NULL page (a hole) is written exactly as a page of zeros. */
static void check_hole(int fd, size_t size, uint8_t pages[3][STREAM_PAGE_SIZE])
{
	int fd2 = tmpfile_fd();
	uint8_t *a = malloc(size + 1), *b = malloc(size + 1);
	size_t size2 = write_sample_hole(fd2, pages, true);

	ok(a && b && size2 == size && pread(fd, a, size, 0) == (ssize_t)size &&
	   pread(fd2, b, size, 0) == (ssize_t)size && memcmp(a, b, size) == 0,
	   "a hole (NULL page) is written as the zero page is (%zu bytes)", size2);
	free(a);
	free(b);
	close(fd2);
}

/* Read everything; 0 when the stream is whole and right. */
static int read_sample(int fd, uint8_t pages[3][STREAM_PAGE_SIZE], char *err, size_t cap)
{
	struct stream_reader r;
	uint32_t type = 99;
	const void *body;
	size_t len;
	int rc, seen = 0;

	lseek(fd, 0, SEEK_SET);
	stream_reader_init(&r, fd);
	rc = stream_read_header(&r);
	while (rc == 0 && (rc = stream_read_record(&r, &type, &body, &len)) == 0 &&
	       type != STREAM_REC_END) {
		if (type == STREAM_REC_PAGES) {
			uint32_t n;
			const uint64_t *pfns;
			const uint8_t *data;

			rc = stream_pages_parse(&r, body, len, &n, &pfns, &data);
			if (rc == 0 && (n != 3 || pfns[0] != 1 || pfns[1] != (5 | STREAM_PFN_ZERO) ||
					pfns[2] != 7 || memcmp(data, pages[0], STREAM_PAGE_SIZE) ||
					memcmp(data + STREAM_PAGE_SIZE, pages[2], STREAM_PAGE_SIZE)))
				rc = -EILSEQ;
		}
		seen++;
	}
	if (rc == 0 && seen != 5)
		rc = -EILSEQ;
	snprintf(err, cap, "%s", r.error);
	stream_reader_dispose(&r);
	return rc;
}

static void damage_tests(int fd, size_t size, uint8_t pages[3][STREAM_PAGE_SIZE])
{
	uint8_t *orig = malloc(size), b;
	char err[256];
	int bad_flip = 0, bad_cut = 0;

	pread(fd, orig, size, 0);
	/* Every 97th byte flipped in turn: always -EBADMSG or -ENODATA (a
	 * length made longer), never accepted. */
	for (size_t at = 0; at < size; at += 97) {
		b = orig[at] ^ 0x10;
		pwrite(fd, &b, 1, (off_t)at);
		int rc = read_sample(fd, pages, err, sizeof(err));
		if (rc != -EBADMSG && rc != -ENODATA && rc != -EPROTONOSUPPORT)
			bad_flip++;
		pwrite(fd, &orig[at], 1, (off_t)at);
	}
	ok(bad_flip == 0, "every flipped byte is detected (%d missed)", bad_flip);
	for (size_t cut = 0; cut < size; cut += 61) {
		ftruncate(fd, (off_t)cut);
		if (read_sample(fd, pages, err, sizeof(err)) != -ENODATA)
			bad_cut++;
		pwrite(fd, orig, size, 0);
	}
	ok(bad_cut == 0, "every truncation is reported as truncated (%d missed)", bad_cut);
	ftruncate(fd, (off_t)(size - 1));
	read_sample(fd, pages, err, sizeof(err));
	ok(strstr(err, "truncated") != NULL, "the message says truncated: %s", err);
	pwrite(fd, orig, size, 0);
	b = orig[32 + 16 + 10] ^ 1;	/* inside the DOMAIN body */
	pwrite(fd, &b, 1, 32 + 16 + 10);
	is_int(read_sample(fd, pages, err, sizeof(err)), -EBADMSG, "a corrupt record is refused");
	ok(strstr(err, "checksum") != NULL, "the message says checksum: %s", err);
	free(orig);
}

int main(void)
{
	static uint8_t pages[3][STREAM_PAGE_SIZE];
	char err[256];
	int fd = tmpfile_fd();
	size_t size;

	is_int(stream_crc32c(0, "123456789", 9), 0xe3069283, "CRC-32C check value");
	is_int(stream_crc32c(stream_crc32c(0, "1234", 4), "56789", 5), 0xe3069283,
	       "CRC-32C continues across pieces");
	size = write_sample(fd, pages);
	ok(size > 2 * STREAM_PAGE_SIZE && size < 3 * STREAM_PAGE_SIZE,
	   "the zero page goes without data (%zu bytes)", size);
	check_hole(fd, size, pages);
	is_int(read_sample(fd, pages, err, sizeof(err)), 0, "round trip: %s", err[0] ? err : "ok");
	damage_tests(fd, size, pages);
	ftruncate(fd, 0);
	pwrite(fd, "hello world, not a stream at all", 32, 0);
	is_int(read_sample(fd, pages, err, sizeof(err)), -EBADMSG, "garbage: %s", err);
	close(fd);
	return tap_done();
}
