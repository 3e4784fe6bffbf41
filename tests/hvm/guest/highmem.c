/* RAM above 4 GiB ("highmem" on the command line; a domain of more than
 * 3 GiB): the multiboot memory map has RAM at 4 GiB and none in the PCI
 * hole below it; through PAE paging (2 MiB pages, a 1 GiB window at
 * virtual 1 GiB) the guest writes and reads back its first and last high
 * pages, apart from low RAM and the hole; then vmhv's pages go there:
 * VCPUOP_register_vcpu_info and XENMEM_add_to_physmap(shared_info) at
 * frames above 4 GiB, an event's upcall flag and pending bit seen there. */
#include "hg.h"
#include "highmem.h"
#include "pvhvm.h"

#define GiB           0x40000000ull
#define MiB2          0x200000ull
#define WINDOW        0x40000000u   /* virtual 1-2 GiB: the window */
#define HOLE_START    0xc0000000u   /* VMCTL_HVM_LOW_END */
#define PDE_2M        0x83ull       /* present, writable, 2 MiB page */
#define HC_EVTCHN_OP  32
#define EVTCHNOP_bind_ipi 7

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static volatile uint32_t low_word;   /* a low RAM word high writes must not touch */

/* The RAM entry of the multiboot map that starts at `base`: its length. */
static uint64_t mb_ram_at(uint32_t info, uint64_t base, bool *in_hole)
{
	const uint32_t *mi = (const uint32_t *)info;
	uint32_t p = mi[12], end = mi[12] + mi[11];
	uint64_t len = 0;

	*in_hole = false;
	if (!(mi[0] & (1u << 6)))
		return 0;
	while (p < end) {
		const uint32_t *e = (const uint32_t *)p;
		uint64_t b = e[1] | (uint64_t)e[2] << 32, l = e[3] | (uint64_t)e[4] << 32;

		if (e[5] == 1 && b == base)
			len = l;
		if (e[5] == 1 && b < 4 * GiB && b + l > HOLE_START)
			*in_hole = true;
		p += e[0] + 4;
	}
	return len;
}

/* Identity-map 4 GiB with 2 MiB pages, except the window; paging on. */
static void paging_on(void)
{
	uint32_t cr;

	for (unsigned i = 0; i < 4; i++) {
		pdpt[i] = (uint32_t)pd[i] | 1ull;
		for (unsigned j = 0; j < 512; j++)
			pd[i][j] = (i * GiB + j * MiB2) | PDE_2M;
	}
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr));
	__asm__ volatile("mov %0, %%cr4" :: "r"(cr | (1u << 5)));      /* PAE */
	__asm__ volatile("mov %0, %%cr3" :: "r"((uint32_t)pdpt) : "memory");
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr));
	__asm__ volatile("mov %0, %%cr0" :: "r"(cr | (1u << 31)) : "memory");
}

/* The window shows guest physical [phys, phys + 1 GiB); returns it. */
static volatile uint8_t *window(uint64_t phys)
{
	for (unsigned j = 0; j < 512; j++)
		pd[1][j] = (phys + j * MiB2) | PDE_2M;
	__asm__ volatile("mov %0, %%cr3" :: "r"((uint32_t)pdpt) : "memory");
	return (volatile uint8_t *)WINDOW;
}

static bool word_sticks(volatile uint32_t *p, uint32_t v)
{
	*p = v;
	return *p == v;
}

/* vmhv's pages at frames above 4 GiB. */
static void high_pv(uint64_t high_len)
{
	struct { uint32_t vcpu, port; } ipi = { 0, 0 };
	uint64_t gfn = (4 * GiB + high_len) / 4096 - 2;   /* the last two frames */
	volatile uint8_t *w;
	volatile uint32_t *si;

	if (!pvhvm_setup() || hg_hypercall(HC_EVTCHN_OP, EVTCHNOP_bind_ipi, (uint32_t)&ipi, 0) ||
	    ipi.port >= 32) {
		hg_ok(false, "PV-on-HVM set-up (hypercalls, shared_info, callback, an IPI port)");
		return;
	}
	w = window((gfn << 12) & ~(MiB2 - 1)) + ((gfn << 12) & (MiB2 - 1));
	hg_ok(pvhvm_move_vcpu_info(gfn, w, ipi.port),
	      "VCPUOP_register_vcpu_info above 4 GiB: the upcall's flag and selector are there");

	/* shared_info on the last frame: an event sent with interrupts off
	 * leaves its pending bit there (64-bit layout: evtchn_pending at 2048) */
	si = (volatile uint32_t *)(w + 4096);
	si[512] = 0;
	hg_ok(pvhvm_add_to_physmap(0, 0, (uint32_t)(gfn + 1)) == 0,
	      "XENMEM_add_to_physmap(shared_info) above 4 GiB");
	pvhvm_send(ipi.port);
	hg_ok(si[512] & (1u << ipi.port), "an event's pending bit shows in it there");
	hg_ok(w[64] == 1, "and the upcall flag in the vcpu_info above 4 GiB");
	si[512] = 0;
	w[64] = 0;
	hg_ok(word_sticks(si + 900, 0x5a5a1234u), "the page is memory there");
}

void highmem_test(uint32_t info)
{
	bool in_hole;
	uint64_t len = mb_ram_at(info, 4 * GiB, &in_hole), last;
	volatile uint32_t *p;

	hg_ok(len >= GiB / 4, "the memory map has RAM at 4 GiB");
	hg_ok(!in_hole, "and no RAM between 3 GiB and 4 GiB");
	if (len < GiB / 4)
		return;
	paging_on();
	low_word = 0x11111111u;
	p = (volatile uint32_t *)window(4 * GiB);
	hg_ok(word_sticks(p, 0x4a4a4a4au) && word_sticks(p + 1023, 0xa5a5a5a5u),
	      "the first page above 4 GiB is RAM");
	/* 4 GiB + the low word's address: the same word if truncated to 32 bits */
	hg_ok(word_sticks((volatile uint32_t *)(WINDOW + (uint32_t)&low_word), 0x22222222u) &&
	      low_word == 0x11111111u, "apart from low RAM");
	last = 4 * GiB + len - 4096;
	p = (volatile uint32_t *)(window(last & ~(GiB - 1)) + (last & (GiB - 1)));
	hg_ok(word_sticks(p + 1023, 0x600dcafeu), "so is the last page");
	p = (volatile uint32_t *)window(4 * GiB);
	hg_ok(p[0] == 0x4a4a4a4au && p[1023] == 0xa5a5a5a5u, "the first page kept its words");
	hg_ok(!word_sticks((volatile uint32_t *)HOLE_START, 0x12345678u),
	      "3 GiB (the PCI hole) is not memory");
	high_pv(len);
}
