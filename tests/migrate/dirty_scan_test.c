/* pv_dirty_scan_process() (hypervisor/engines/pv/pv_dirty.c), the scan
 * vmhv runs over xld's mappings of a domain's memory so that what the
 * backends write is in the dirty log: this process maps a memory file
 * the way xld's gmem does (writable, registered with userfaultfd
 * WP_ASYNC) and scans itself. Written pages are reported once and then
 * protected again; a read-only mapping is no source; an unregistered
 * writable one counts as written at every scan; a process that maps none
 * of the file says so. */
#include "tests/tap.h"
#include "hypervisor/engines/pv/pv_dirty.h"
#include "common/uffd_wp.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define FRAMES 64

static struct stat st;

/* The frames of [0, FRAMES) written since the last scan, as a bitmap. */
static uint64_t scan(int *rc)
{
	uint64_t bm = 0;

	*rc = pv_dirty_scan_process(getpid(), st.st_dev, st.st_ino, FRAMES, 0, FRAMES, &bm);
	return bm;
}

static uint64_t bits(unsigned a, unsigned b)
{
	return 1ull << a | 1ull << b;
}

int main(void)
{
	int fd = memfd_create("dirty-scan-test", MFD_CLOEXEC), rc, uffd;
	uint8_t *rw, *ro, *plain;
	uint64_t bm;

	if (fd < 0 || ftruncate(fd, FRAMES * 4096) < 0 || fstat(fd, &st) < 0) {
		skip_all("no memfd");
		return 0;
	}
	bm = scan(&rc);
	is_int(rc, -ENOENT, "a process that maps none of the file says so");
	ro = mmap(NULL, FRAMES * 4096, PROT_READ, MAP_SHARED, fd, 0);
	bm = scan(&rc);
	is_int(rc, -ENOENT, "a read-only mapping is no source");
	rw = mmap(NULL, FRAMES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uffd = rw == MAP_FAILED ? -1 : uffd_wp_register(rw, FRAMES * 4096);
	if (ro == MAP_FAILED || uffd < 0) {
		skip_all("no userfaultfd WP_ASYNC on memfd mappings");
		return 0;
	}
	bm = scan(&rc);
	if (rc == -ENOTTY || rc == -EINVAL) {
		skip_all("no PAGEMAP_SCAN (Linux 6.7+)");
		return 0;
	}
	is_int(rc, 0, "the registered mapping is scanned");
	/* Nothing is protected before the first scan, which protects all. */
	ok(bm == UINT64_MAX, "the first scan reports every frame");
	bm = scan(&rc);
	is_int(bm, 0, "nothing written since");
	rw[3 * 4096] = 1;
	rw[40 * 4096 + 17] = 2;
	bm = scan(&rc);
	is_int(bm, bits(3, 40), "frames 3 and 40 written");
	bm = scan(&rc);
	is_int(bm, 0, "... reported once: protected again");
	rw[40 * 4096] = 3;
	rw[63 * 4096 + 4095] = 4;
	bm = scan(&rc);
	is_int(bm, bits(40, 63), "a write after the scan is seen again (40, 63)");
	is_int(ro[40 * 4096], 3, "the read-only mapping sees the same memory");
	/* An unregistered writable mapping of frames 8-9 (offset 8 frames). */
	plain = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 8 * 4096);
	bm = scan(&rc);
	is_int(bm, bits(8, 9), "an unregistered writable mapping counts as written");
	bm = scan(&rc);
	is_int(bm, bits(8, 9), "... at every scan");
	munmap(plain, 2 * 4096);
	bm = scan(&rc);
	is_int(bm, 0, "gone with its mapping");
	uint64_t part = 0;
	rw[5 * 4096] = 5;
	rw[20 * 4096] = 6;
	rc = pv_dirty_scan_process(getpid(), st.st_dev, st.st_ino, FRAMES, 16, 8, &part);
	is_int(part, 1ull << 4, "a scan of frames 16-23 reports 20 only, as bit 4");
	bm = scan(&rc);
	is_int(bm, 1ull << 5, "and leaves frame 5 for the next scan");
	is_int(pv_dirty_scan_process(getpid(), st.st_dev, st.st_ino, FRAMES, 60, 8, &bm), -EINVAL,
	       "a range beyond the frames is refused");
	close(uffd);
	munmap(rw, FRAMES * 4096);
	munmap(ro, FRAMES * 4096);
	close(fd);
	return tap_done();
}
