/* Dirty logging of a PV ABI guest whose mappings leave the flat map
 * (issue 12): pvabi_user builds user tables that map its RAM at another
 * address and runs a user program that keeps writing its stack there. The
 * write-protect tracking of the flat map cannot see those writes, so vmhv
 * must count every frame dirty at every read rather than lose them (a
 * migration that missed them would copy a stale stack). */
#include "libvmctl/build_pv.h"
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "tests/tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define PAGES 1024

static int bits_set(const uint64_t *bm, unsigned n)
{
	int c = 0;

	for (unsigned i = 0; i < n; i++)
		c += (bm[i / 64] >> (i % 64)) & 1;
	return c;
}

static void nap(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* Wait (up to 10 s) for a line of vmhv's console. */
static int console_has(struct vmhv_proc *vp, const char *what)
{
	static char text[1 << 16];
	uint64_t pos = 0;
	size_t len = 0;

	for (int i = 0; i < 1000; i++) {
		long n = hv_dmesg(vp->hv, &pos, text + len, sizeof(text) - 1 - len, 0);

		if (n > 0)
			len += (size_t)n;
		text[len] = 0;
		if (strstr(text, what))
			return 1;
		nap();
	}
	return 0;
}

int main(void)
{
	static uint64_t bm[PAGES / 64];
	struct vmhv_proc vp;
	struct build_pv bp = { .cmdline = "bench 1000000000" };
	uint32_t d = 0;
	int rc, n = 0;

	char kernel[4096];

	snprintf(kernel, sizeof(kernel), "%s", vmhv_proc_build_path("tests/guests/pvabi_user"));
	bp.kernel = kernel;  /* (vmhv_proc_build_path's buffer is reused) */
	if (vmhv_proc_start(&vp, NULL) < 0) {
		skip_all("cannot start vmhv");
		return 0;
	}
	rc = hv_domain_create(vp.hv, NULL, 0, 1, PAGES, &d);
	bp.domid = d;
	if (rc == 0)
		rc = build_pv(vp.hv, &bp);
	is_int(rc, 0, "pvabi_user built (%s)", bp.error);
	is_int(hv_domain_unpause(vp.hv, d), 0, "and running");
	ok(console_has(&vp, "bench: entering user mode"), "the guest enters user mode");
	rc = hv_dirty_enable(vp.hv, d);
	if (rc == -EOPNOTSUPP) {
		ok(1, "# SKIP the host kernel has no PAGEMAP_SCAN/WP_ASYNC");
		goto out;
	}
	is_int(rc, 0, "dirty logging enabled");
	is_int(hv_dirty_read(vp.hv, d, 0, PAGES, bm), 0, "first read");
	is_int(bits_set(bm, PAGES), PAGES, "reports every frame");
	/* Until the guest has mapped its user pages, the flat map is all
	 * there is; from then on every read reports every frame. */
	for (int i = 0; i < 500 && n != PAGES; i++) {
		nap();
		memset(bm, 0, sizeof(bm));
		if (hv_dirty_read(vp.hv, d, 0, PAGES, bm) < 0)
			break;
		n = bits_set(bm, PAGES);
	}
	is_int(n, PAGES, "with RAM mapped elsewhere, a later read reports every frame");
	memset(bm, 0, sizeof(bm));
	is_int(hv_dirty_read(vp.hv, d, 0, PAGES, bm), 0, "another read");
	is_int(bits_set(bm, PAGES), PAGES, "again every frame");
	is_int(hv_dirty_disable(vp.hv, d), 0, "disable");
out:
	hv_domain_destroy(vp.hv, d);
	ok(vmhv_proc_stop(&vp) == 0, "vmhv stops cleanly");
	return tap_done();
}
