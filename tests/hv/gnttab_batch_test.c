/* Integration test of the batched grant operations (privcmd
 * GNTTAB_MAP_BATCH / GNTTAB_UNMAP_BATCH) against a private vmhv: a good
 * batch, a bad ref in the middle, oversized and malformed batches, unmaps
 * of what was never mapped or belongs to another connection, and a batch
 * of garbage; vmhv answers every one and keeps serving. Then xld's
 * gmem_grant_many() on top: all or nothing. */
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "xld/dev/gmem.h"
#include "tests/tap.h"

#include <vmctl/xen/grant_table.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NREFS 16
#define NBAD 8

struct guest {
	uint32_t domid;
	uint8_t *mem;
	size_t size;
	grant_entry_v1_t *gnt;
};

/* A domain whose refs 10..10+NREFS-1 grant dom0 frames 30.. (writable),
 * ref 40 read-only, ref 41 to another domain. */
static int guest_make(struct hv *h, struct guest *g)
{
	struct privcmd_foreign_map fm;
	int memfd = -1, rc;

	rc = hv_domain_create(h, NULL, 0, 1, 256, &g->domid);
	if (rc == 0)
		rc = hv_foreign_map(h, g->domid, &memfd, &fm);
	if (rc < 0)
		return rc;
	g->size = fm.nr_frames * 4096;
	g->mem = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	close(memfd);
	if (g->mem == MAP_FAILED)
		return -errno;
	g->gnt = (void *)(g->mem + (fm.ram_frames + 1) * 4096);
	for (unsigned i = 0; i < NREFS; i++)
		g->gnt[10 + i] = (grant_entry_v1_t){ GTF_permit_access, 0, 30 + i };
	g->gnt[40] = (grant_entry_v1_t){ GTF_permit_access | GTF_readonly, 0, 60 };
	g->gnt[41] = (grant_entry_v1_t){ GTF_permit_access, 3, 61 };
	return 0;
}

static void guest_free(struct hv *h, struct guest *g)
{
	hv_domain_destroy(h, g->domid);
	munmap(g->mem, g->size);
}

static unsigned pins(const struct guest *g, unsigned ref)
{
	return g->gnt[ref].flags & (GTF_reading | GTF_writing);
}

static void test_good_batch(struct hv *h, struct guest *g)
{
	struct privcmd_gnttab_map_entry e[NREFS];
	struct privcmd_gnttab_unmap_entry u[NREFS];
	unsigned good = 0, pinned = 0, unpinned = 0;

	for (unsigned i = 0; i < NREFS; i++)
		e[i] = (struct privcmd_gnttab_map_entry){ .domid = g->domid, .ref = 10 + i,
							   .flags = i % 2 ? PRIVCMD_GNT_READONLY : 0 };
	is_int(hv_gnttab_map_batch(h, e, NREFS), 0, "map %d refs in one call", NREFS);
	for (unsigned i = 0; i < NREFS; i++) {
		good += e[i].status == GNTST_okay && e[i].frame == 30 + i;
		pinned += pins(g, 10 + i) == (i % 2 ? GTF_reading : GTF_writing);
		u[i] = (struct privcmd_gnttab_unmap_entry){ .handle = e[i].handle };
	}
	is_int(good, NREFS, "every entry okay with its granted frame");
	is_int(pinned, NREFS, "GTF_reading/GTF_writing set as each entry asked");
	is_int(hv_gnttab_unmap_batch(h, u, NREFS), 0, "unmap them in one call");
	for (unsigned i = 0; i < NREFS; i++)
		unpinned += u[i].status == GNTST_okay && pins(g, 10 + i) == 0;
	is_int(unpinned, NREFS, "every unmap okay, flags cleared");
	is_int(hv_gnttab_unmap_batch(h, u, 1), 0, "unmap a handle twice: the call works");
	is_int(u[0].status, GNTST_bad_handle, "the entry says bad handle");
}

static void test_bad_in_middle(struct hv *h, struct guest *g)
{
	static const uint32_t refs[] = { 10, 40, 11, 41, 99999, 12, 13, 14 };
	static const int32_t want[] = { GNTST_okay, GNTST_permission_denied, GNTST_okay,
					GNTST_permission_denied, GNTST_bad_gntref, GNTST_okay,
					GNTST_general_error, GNTST_okay };
	struct privcmd_gnttab_map_entry e[NBAD];
	struct privcmd_gnttab_unmap_entry u[NBAD];
	unsigned n = 0, same = 0;

	for (unsigned i = 0; i < NBAD; i++)
		e[i] = (struct privcmd_gnttab_map_entry){ .domid = g->domid, .ref = refs[i] };
	e[6].flags = 0x80;       /* an unknown flag */
	e[7].domid = 777;        /* no such domain */
	is_int(hv_gnttab_map_batch(h, e, NBAD), 0, "a batch with bad entries: the call works");
	for (unsigned i = 0; i < NBAD; i++) {
		int32_t w = i == 7 ? GNTST_bad_domain : want[i];

		same += e[i].status == w;
		if (e[i].status == GNTST_okay)
			u[n++] = (struct privcmd_gnttab_unmap_entry){ .handle = e[i].handle };
	}
	is_int(same, NBAD, "each entry has its own status");
	is_int(n, 3, "the good entries around the bad ones mapped");
	ok(pins(g, 10) && pins(g, 11) && pins(g, 12) && !pins(g, 13) && !pins(g, 40),
	   "only the good refs pinned");
	is_int(hv_gnttab_unmap_batch(h, u, n), 0, "unmap the good ones");
	ok(!pins(g, 10) && !pins(g, 11) && !pins(g, 12), "all unpinned");
}

static void test_oversized(struct hv *h, struct guest *g)
{
	unsigned n = PRIVCMD_GNTMAP_MAX + 1;
	struct privcmd_gnttab_map_entry *e = calloc(n, sizeof(*e));
	size_t got = 0;

	for (unsigned i = 0; i < n; i++)
		e[i] = (struct privcmd_gnttab_map_entry){ .domid = g->domid, .ref = 10 };
	is_int(hv_gnttab_map_batch(h, e, n), -EINVAL, "client refuses %u entries", n);
	is_int(hv_gnttab_map_batch(h, e, 0), -EINVAL, "client refuses 0 entries");
	is_int(hv_call(h, PRIVCMD_OP_GNTTAB_MAP_BATCH, e, n * sizeof(*e), e, n * sizeof(*e),
		       &got, NULL), -EINVAL, "vmhv refuses %u entries", n);
	ok(pins(g, 10) == 0, "and mapped none of them");
	is_int(hv_call(h, PRIVCMD_OP_GNTTAB_MAP_BATCH, e, sizeof(*e) + 5, e, sizeof(*e), &got,
		       NULL), -EINVAL, "vmhv refuses a batch that is not whole entries");
	is_int(hv_call(h, PRIVCMD_OP_GNTTAB_MAP_BATCH, e, 8, e, sizeof(*e), &got, NULL), -EINVAL,
	       "vmhv refuses a batch shorter than one entry");
	is_int(hv_call(h, PRIVCMD_OP_GNTTAB_UNMAP_BATCH, e, n * 8, e, n * 8, &got, NULL),
	       -EINVAL, "vmhv refuses %u unmaps", n);
	is_int(hv_call(h, PRIVCMD_OP_GNTTAB_UNMAP_BATCH, e, 12, e, 12, &got, NULL), -EINVAL,
	       "vmhv refuses 1.5 unmap entries");
	free(e);
}

/* Handles are the connection's: another one can neither unmap them nor
 * guess them. */
static void test_foreign_handles(struct hv *h, const char *rundir, struct guest *g)
{
	struct privcmd_gnttab_map_entry e[2] = {
		{ .domid = g->domid, .ref = 15 }, { .domid = g->domid, .ref = 16 },
	};
	struct privcmd_gnttab_unmap_entry u[3];
	struct hv *other = NULL;

	is_int(hv_open(rundir, &other), 0, "a second connection");
	is_int(hv_gnttab_map_batch(h, e, 2), 0, "map two refs");
	u[0] = (struct privcmd_gnttab_unmap_entry){ .handle = e[0].handle };
	u[1] = (struct privcmd_gnttab_unmap_entry){ .handle = 65535 };
	u[2] = (struct privcmd_gnttab_unmap_entry){ .handle = 0xffffffffu };
	is_int(hv_gnttab_unmap_batch(other, u, 3), 0, "the other connection's unmap call works");
	ok(u[0].status == GNTST_bad_handle && u[1].status == GNTST_bad_handle &&
	   u[2].status == GNTST_bad_handle, "but every entry is a bad handle");
	ok(pins(g, 15) == GTF_writing, "the mapping is still there");
	struct privcmd_gnttab_map_entry ro = { .domid = g->domid, .ref = 15,
					       .flags = PRIVCMD_GNT_READONLY };
	is_int(hv_gnttab_map_batch(other, &ro, 1), 0, "the other connection maps ref 15 too");
	ok(ro.status == GNTST_okay && pins(g, 15) == (GTF_writing | GTF_reading),
	   "read-only: GTF_reading joins GTF_writing");
	u[0] = (struct privcmd_gnttab_unmap_entry){ .handle = ro.handle };
	is_int(hv_gnttab_unmap_batch(other, u, 1), 0, "it unmaps its own");
	ok(u[0].status == GNTST_okay && pins(g, 15) == GTF_writing,
	   "which releases only its own mapping");
	hv_close(other);
	u[0] = (struct privcmd_gnttab_unmap_entry){ .handle = e[0].handle };
	u[1] = (struct privcmd_gnttab_unmap_entry){ .handle = e[1].handle };
	is_int(hv_gnttab_unmap_batch(h, u, 2), 0, "the owner unmaps");
	ok(u[0].status == GNTST_okay && u[1].status == GNTST_okay && !pins(g, 15) && !pins(g, 16),
	   "both released");
}

/* Random entries: every status is an error or a real mapping of a ref
 * granted to dom0; vmhv stays up. */
static void test_garbage(struct hv *h, struct guest *g)
{
	struct privcmd_gnttab_map_entry e[PRIVCMD_GNTMAP_MAX];
	struct privcmd_gnttab_unmap_entry u[PRIVCMD_GNTMAP_MAX];
	unsigned bad = 0, n = 0;
	struct privcmd_version v;

	srand(42);
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < sizeof(e); i++)
			((uint8_t *)e)[i] = (uint8_t)rand();
		for (unsigned i = 0; i < PRIVCMD_GNTMAP_MAX; i += 7)
			e[i].domid = g->domid;       /* some hit the real domain */
		if (hv_gnttab_map_batch(h, e, PRIVCMD_GNTMAP_MAX) < 0)
			bad++;
		for (unsigned i = 0; i < PRIVCMD_GNTMAP_MAX; i++) {
			if (e[i].status == GNTST_okay)
				u[n++] = (struct privcmd_gnttab_unmap_entry){ .handle = e[i].handle };
			else if (e[i].status > 0 || e[i].status < GNTST_bad_page)
				bad++;
		}
		if (n && hv_gnttab_unmap_batch(h, u, n) < 0)
			bad++;
		n = 0;
	}
	is_int(bad, 0, "20 garbage batches: every entry got a GNTST_* status");
	is_int(hv_version(h, &v), 0, "vmhv still answers");
}

/* The backends' view: pages in the one mapping of the guest's memory, and
 * a batch with one bad ref leaves nothing mapped. */
static void test_gmem(struct hv *h, struct guest *g)
{
	uint32_t refs[4] = { 10, 11, 12, 13 }, handles[4];
	uint8_t *pages[4] = { NULL };
	struct gmem m;

	is_int(gmem_open(&m, h, g->domid), 0, "gmem_open");
	memcpy(g->mem + 32 * 4096, "frame32", 8);
	is_int(gmem_grant_many(&m, h, refs, 4, true, pages, handles), 0, "grant 4 pages");
	ok(pages[2] == m.base + 32 * 4096 && strcmp((char *)pages[2], "frame32") == 0,
	   "the third is frame 32 of the guest");
	ok(pins(g, 10) == GTF_reading && pins(g, 13) == GTF_reading, "pinned for reading");
	gmem_ungrant_many(h, handles, 4);
	ok(!pins(g, 10) && !pins(g, 13), "released in one call");
	refs[2] = 41;            /* granted to another domain */
	is_int(gmem_grant_many(&m, h, refs, 4, false, pages, handles), -EPERM,
	       "a bad ref in the middle: -EPERM");
	ok(!pins(g, 10) && !pins(g, 11) && !pins(g, 13), "and nothing stays mapped");
	refs[2] = 99999;
	is_int(gmem_grant_many(&m, h, refs, 4, false, pages, handles), -EINVAL,
	       "a ref out of range: -EINVAL");
	is_int(gmem_grant_many(&m, h, refs, 0, false, pages, handles), -EINVAL, "0 refs");
	is_int(gmem_grant_many(&m, h, refs, GMEM_BATCH_MAX + 1, false, pages, handles), -EINVAL,
	       "too many refs");
	gmem_close(&m);
}

int main(void)
{
	struct vmhv_proc vp;
	struct guest g;
	int rc;

	rc = vmhv_proc_start(&vp, NULL);
	if (rc < 0) {
		printf("Bail out! vmhv did not start: %s\n", strerror(-rc));
		return 1;
	}
	rc = guest_make(vp.hv, &g);
	if (rc < 0) {
		printf("Bail out! no test domain: %s\n", strerror(-rc));
		vmhv_proc_stop(&vp);
		return 1;
	}
	test_good_batch(vp.hv, &g);
	test_bad_in_middle(vp.hv, &g);
	test_oversized(vp.hv, &g);
	test_foreign_handles(vp.hv, vp.dir, &g);
	test_garbage(vp.hv, &g);
	test_gmem(vp.hv, &g);
	guest_free(vp.hv, &g);
	is_int(vmhv_proc_term(&vp), 0, "SIGTERM: clean exit");
	vmhv_proc_stop(&vp);
	return tap_done();
}
