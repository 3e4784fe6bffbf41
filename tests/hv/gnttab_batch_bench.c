/* Benchmark: what a blkif request's 11 grants cost dom0 to map and unmap,
 * with two batched privcmd calls (GNTTAB_MAP_BATCH / GNTTAB_UNMAP_BATCH)
 * next to 22 single GNTTAB_MAP / GNTTAB_UNMAP calls in the same run, against
 * a private vmhv. Medians of 15 rounds of 200 requests each. */
#include "libvmctl/hv.h"
#include "tests/hv/vmhv_proc.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SEGS 11
#define ROUNDS 15
#define REQS 200

struct bench {
	struct hv *hv;
	uint32_t domid;
};

static void one_single(struct bench *b)
{
	uint32_t h[SEGS];
	uint64_t frame;

	for (unsigned i = 0; i < SEGS; i++)
		hv_gnttab_map(b->hv, b->domid, 10 + i, 0, &frame, &h[i]);
	for (unsigned i = 0; i < SEGS; i++)
		hv_gnttab_unmap(b->hv, h[i]);
}

static void one_batch(struct bench *b)
{
	struct privcmd_gnttab_map_entry e[SEGS];
	struct privcmd_gnttab_unmap_entry u[SEGS];

	for (unsigned i = 0; i < SEGS; i++)
		e[i] = (struct privcmd_gnttab_map_entry){ .domid = b->domid, .ref = 10 + i };
	hv_gnttab_map_batch(b->hv, e, SEGS);
	for (unsigned i = 0; i < SEGS; i++)
		u[i] = (struct privcmd_gnttab_unmap_entry){ .handle = e[i].handle };
	hv_gnttab_unmap_batch(b->hv, u, SEGS);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median over ROUNDS of the mean ns per request; the two kinds alternate
 * round by round so that both see the same machine. */
static void measure(struct bench *b, uint64_t *single, uint64_t *batch)
{
	uint64_t s[ROUNDS], t[ROUNDS], t0;

	for (unsigned r = 0; r < ROUNDS; r++) {
		t0 = now_ns();
		for (unsigned i = 0; i < REQS; i++)
			one_single(b);
		s[r] = (now_ns() - t0) / REQS;
		t0 = now_ns();
		for (unsigned i = 0; i < REQS; i++)
			one_batch(b);
		t[r] = (now_ns() - t0) / REQS;
	}
	qsort(s, ROUNDS, sizeof(s[0]), cmp_u64);
	qsort(t, ROUNDS, sizeof(t[0]), cmp_u64);
	*single = s[ROUNDS / 2];
	*batch = t[ROUNDS / 2];
}

int main(void)
{
	struct privcmd_foreign_map fm;
	struct vmhv_proc vp;
	struct bench b;
	uint64_t single, batch;
	int memfd = -1, rc;
	uint8_t *mem;
	struct { uint16_t flags, domid; uint32_t frame; } *g;

	rc = vmhv_proc_start(&vp, NULL);
	if (rc < 0) {
		fprintf(stderr, "vmhv did not start: %s\n", strerror(-rc));
		return 1;
	}
	b.hv = vp.hv;
	rc = hv_domain_create(vp.hv, NULL, 0, 1, 256, &b.domid);
	if (rc == 0)
		rc = hv_foreign_map(vp.hv, b.domid, &memfd, &fm);
	mem = rc == 0 ? mmap(NULL, fm.nr_frames * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			     memfd, 0) : MAP_FAILED;
	if (mem == MAP_FAILED) {
		fprintf(stderr, "no test domain\n");
		vmhv_proc_stop(&vp);
		return 1;
	}
	g = (void *)(mem + (fm.ram_frames + 1) * 4096);
	for (unsigned i = 0; i < SEGS; i++) {
		g[10 + i].domid = 0;
		g[10 + i].frame = 30 + i;
		g[10 + i].flags = 1;     /* GTF_permit_access */
	}
	measure(&b, &single, &batch);
	printf("row\tgrant map+unmap of 11 pages (a blkif request), 2 batched calls\t%.1f\tus\t"
	       "22 single GNTTAB_MAP/UNMAP calls\t%.1f\n", batch / 1e3, single / 1e3);
	munmap(mem, fm.nr_frames * 4096);
	close(memfd);
	vmhv_proc_stop(&vp);
	return 0;
}
