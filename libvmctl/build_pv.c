#include "libvmctl/build_pv.h"

#include "libvmctl/elf_xen.h"
#include "libvmctl/hv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/grant_table.h>

#define PG 4096ull
#define PG_UP(x) (((x) + PG - 1) & ~(PG - 1))

/* Everything one build holds; released in one place. */
struct builder {
	struct build_pv *b;
	struct hv *h;
	uint8_t *kernel;
	size_t kernel_size;
	struct elf_image img;
	struct elf_xen_info xen;
	int memfd;
	uint8_t *mem;             /* the domain's memory, frame P at mem + P*4096 */
	uint64_t mem_size;
	uint64_t ram_frames;
	uint64_t shinfo_pfn;
	uint64_t virt_base;       /* VIRT_BASE: pseudo-physical P is virtual virt_base + P */
	uint64_t virt_offset;     /* vaddr = p_paddr + virt_offset */
	uint64_t kstart, kend;    /* the kernel image, pseudo-physical */
};

static int fail(struct builder *bd, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct builder *bd, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bd->b->error, sizeof(bd->b->error), fmt, ap);
	va_end(ap);
	return rc;
}

static void b_out_notes(struct builder *bd)
{
	bd->b->virt_base = bd->virt_base;
	bd->b->suspend_cancel = bd->xen.suspend_cancel != 0;
}

static int kernel_open(struct builder *bd)
{
	const char *why;
	int rc;

	rc = elf_read_file(bd->b->kernel, BUILD_PV_KERNEL_MAX, &bd->kernel, &bd->kernel_size);
	if (rc < 0)
		return fail(bd, rc, "%s: %s", bd->b->kernel, strerror(-rc));
	rc = elf_parse(&bd->img, bd->kernel, bd->kernel_size);
	if (rc == 0)
		rc = elf_xen_parse(&bd->img, &bd->xen);
	if (rc < 0)
		return fail(bd, rc, "%s: not a well-formed ELF64 x86-64 executable", bd->b->kernel);
	why = elf_xen_check(&bd->xen, BUILD_PV_FEATURES);
	if (why)
		return fail(bd, -ENOEXEC, "%s: %s", bd->b->kernel, why);
	bd->virt_base = bd->xen.virt_base;
	if (bd->virt_base >= BUILD_PV_VA_TOP || bd->virt_base % PG)
		return fail(bd, -ENOEXEC, "%s: VIRT_BASE %#llx is not a page below %#llx "
			    "(the pv engine runs guests in the lower half)", bd->b->kernel,
			    (unsigned long long)bd->virt_base, (unsigned long long)BUILD_PV_VA_TOP);
	bd->virt_offset = bd->virt_base - bd->xen.paddr_offset;
	bd->kstart = UINT64_MAX;
	b_out_notes(bd);
	return 0;
}

static int memory_map(struct builder *bd)
{
	struct privcmd_dominfo info;
	struct privcmd_foreign_map fm;
	int rc;

	rc = hv_domain_getinfo(bd->h, bd->b->domid, &info);
	if (rc == 0)
		rc = hv_foreign_map(bd->h, bd->b->domid, &bd->memfd, &fm);
	if (rc < 0)
		return fail(bd, rc, "domain %u: %s", bd->b->domid, strerror(-rc));
	bd->ram_frames = fm.ram_frames;
	bd->shinfo_pfn = info.shared_info_frame;
	bd->mem_size = fm.nr_frames * PG;
	if (bd->shinfo_pfn >= fm.nr_frames)
		return fail(bd, -EPROTO, "shared_info frame outside the domain's memory");
	bd->mem = mmap(NULL, bd->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, bd->memfd, 0);
	if (bd->mem == MAP_FAILED) {
		bd->mem = NULL;
		return fail(bd, -errno, "cannot map domain memory: %s", strerror(errno));
	}
	if (!bd->b->nr_pages || bd->b->nr_pages > bd->ram_frames)
		bd->b->nr_pages = bd->ram_frames;
	return 0;
}

/* Copy one PT_LOAD segment to its pseudo-physical place. */
static int segment_load(struct builder *bd, const Elf64_Phdr *ph)
{
	uint64_t va = ph->p_paddr + bd->virt_offset;
	uint64_t limit = bd->b->nr_pages * PG;
	uint64_t pa;

	if (va < bd->virt_base)
		return fail(bd, -ENOEXEC, "segment at %#llx is below VIRT_BASE",
			    (unsigned long long)va);
	pa = va - bd->virt_base;
	if (pa > limit || ph->p_memsz > limit - pa)
		return fail(bd, -ENOMEM, "kernel segment at %#llx does not fit in %llu pages",
			    (unsigned long long)va, (unsigned long long)bd->b->nr_pages);
	memcpy(bd->mem + pa, bd->img.data + ph->p_offset, ph->p_filesz);
	memset(bd->mem + pa + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	if (pa + ph->p_memsz > bd->kend)
		bd->kend = pa + ph->p_memsz;
	if (pa < bd->kstart)
		bd->kstart = pa & ~(PG - 1);
	return 0;
}

static int kernel_load(struct builder *bd)
{
	int rc = 0;

	for (unsigned i = 0; i < bd->img.phnum && rc == 0; i++)
		if (bd->img.phdr[i].p_type == PT_LOAD && bd->img.phdr[i].p_memsz)
			rc = segment_load(bd, &bd->img.phdr[i]);
	if (rc == 0 && bd->kend == 0)
		rc = fail(bd, -ENOEXEC, "%s: nothing to load", bd->b->kernel);
	return rc;
}

/* The bootstrap area after the kernel, in Xen's order (pseudo-physical). */
struct layout {
	uint64_t ramdisk, ramdisk_len;
	uint64_t p2m, p2m_pages, start_info, store, console;
	uint64_t pt, nr_pt;       /* page-table frames */
	uint64_t stack, end;      /* end: after the boot stack */
	uint64_t map_end;         /* the bootstrap mapping ends here */
};

/* One virtually contiguous run the boot page tables map. */
struct map_range {
	uint64_t va, pa, len;
};

/* Page-table frames needed to map the ranges: one L4, and the L3, L2
 * and L1 tables for every 512 GiB, 1 GiB and 2 MiB slot they touch. */
static uint64_t pt_count(const struct map_range *r, unsigned n)
{
	uint64_t count = 1;

	for (unsigned shift = 39; shift >= 21; shift -= 9) {
		uint64_t last = UINT64_MAX;

		for (unsigned i = 0; i < n; i++) {
			if (!r[i].len)
				continue;
			for (uint64_t s = r[i].va >> shift; s <= (r[i].va + r[i].len - 1) >> shift;
			     s++)
				if (s != last) {
					count++;
					last = s;
				}
		}
	}
	return count;
}

/* Xen maps the bootstrap area from VIRT_BASE to 512 KiB past the boot
 * stack, rounded up to 4 MiB (within the guest's memory). vmctl's own
 * flat-map kernels (VIRT_BASE = VMCTL_PV_FLAT_BASE) get all their memory
 * and the hypervisor frames after it, as docs/pv-engine.md promises. */
static void map_ranges(const struct builder *bd, const struct layout *l,
		       struct map_range r[2])
{
	uint64_t end = (l->end + (512 << 10) + (4 << 20) - 1) & ~((4ull << 20) - 1);

	if (end > bd->b->nr_pages * PG)
		end = bd->b->nr_pages * PG;
	if (bd->virt_base == VMCTL_PV_FLAT_BASE)
		end = bd->mem_size;
	r[0] = (struct map_range){ bd->virt_base, 0, end };
	r[1] = (struct map_range){ 0 };
	if (bd->xen.has_init_p2m)
		r[1] = (struct map_range){ bd->xen.init_p2m, l->p2m, l->p2m_pages * PG };
}

static int layout_plan(struct builder *bd, struct layout *l, uint64_t ramdisk_len)
{
	struct map_range r[2];
	uint64_t at = PG_UP(bd->kend), need;

	l->ramdisk = at;
	l->ramdisk_len = ramdisk_len;
	at += PG_UP(ramdisk_len);
	l->p2m = at;
	l->p2m_pages = PG_UP(bd->b->nr_pages * 8) / PG;
	at += l->p2m_pages * PG;
	l->start_info = at;
	l->store = at + PG;
	l->console = at + 2 * PG;
	l->pt = at + 3 * PG;
	/* The tables map themselves: grow them until they cover their end. */
	for (l->nr_pt = 0;; l->nr_pt = need) {
		l->stack = l->pt + l->nr_pt * PG;
		l->end = l->stack + PG;
		map_ranges(bd, l, r);
		need = pt_count(r, 2);
		if (need <= l->nr_pt)
			break;
	}
	l->map_end = r[0].len;
	if (l->end > bd->b->nr_pages * PG)
		return fail(bd, -ENOMEM, "kernel, ramdisk and boot area need %llu KiB, more than %llu",
			    (unsigned long long)(l->end / 1024),
			    (unsigned long long)(bd->b->nr_pages * 4));
	if (bd->virt_base + l->map_end > BUILD_PV_VA_TOP ||
	    (bd->xen.has_init_p2m && (bd->xen.init_p2m % PG ||
				      bd->xen.init_p2m + l->p2m_pages * PG > BUILD_PV_VA_TOP)))
		return fail(bd, -ENOEXEC, "%s: the boot mappings go past %#llx",
			    bd->b->kernel, (unsigned long long)BUILD_PV_VA_TOP);
	return 0;
}

static int ramdisk_load(struct builder *bd, struct layout *l)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int rc;

	if (!bd->b->ramdisk)
		return layout_plan(bd, l, 0);
	rc = elf_read_file(bd->b->ramdisk, bd->mem_size, &data, &size);
	if (rc < 0)
		return fail(bd, rc, "%s: %s", bd->b->ramdisk, strerror(-rc));
	rc = layout_plan(bd, l, size);
	if (rc == 0)
		memcpy(bd->mem + l->ramdisk, data, size);
	free(data);
	return rc;
}

/* PFN == MFN under vmhv: the p2m list is the identity. */
static void p2m_fill(struct builder *bd, const struct layout *l)
{
	uint64_t *p2m = (uint64_t *)(bd->mem + l->p2m);

	for (uint64_t pfn = 0; pfn < bd->b->nr_pages; pfn++)
		p2m[pfn] = pfn;
}

#define PTE_TABLE 0x27ull   /* present, writable, user, accessed */
#define PTE_PAGE 0x67ull    /* ... and dirty */
#define PTE_RW 0x2ull

/* The entry at `idx` of table `pa` points at a next-level table,
 * allocated from *next if it does not yet exist. */
static uint64_t pt_child(struct builder *bd, uint64_t pa, unsigned idx, uint64_t *next)
{
	uint64_t *t = (uint64_t *)(bd->mem + pa);

	if (!(t[idx] & 1)) {
		memset(bd->mem + *next, 0, PG);
		t[idx] = *next | PTE_TABLE;
		*next += PG;
	}
	return t[idx] & 0xffffffffff000ull;
}

static void pt_map_page(struct builder *bd, const struct layout *l, uint64_t va, uint64_t pa,
			uint64_t *next)
{
	uint64_t t = l->pt;
	bool is_pt = pa >= l->pt && pa < l->pt + l->nr_pt * PG;

	for (unsigned shift = 39; shift > 12; shift -= 9)
		t = pt_child(bd, t, (va >> shift) & 511, next);
	/* Page tables are mapped read-only, as Xen does: the guest changes
	 * them through mmu_update. */
	((uint64_t *)(bd->mem + t))[(va >> 12) & 511] = pa | (is_pt ? PTE_PAGE & ~PTE_RW : PTE_PAGE);
}

/* Xen's bootstrap page tables: a 4-level tree in the page-table frames
 * of the layout, mapping the ranges of map_ranges(). */
static void pt_build(struct builder *bd, const struct layout *l)
{
	struct map_range r[2];
	uint64_t next = l->pt + PG;

	memset(bd->mem + l->pt, 0, PG);
	map_ranges(bd, l, r);
	for (unsigned i = 0; i < 2; i++)
		for (uint64_t off = 0; off < r[i].len; off += PG)
			pt_map_page(bd, l, r[i].va + off, r[i].pa + off, &next);
	/* Frames counted but not needed stay zeroed and unused. */
	memset(bd->mem + next, 0, l->pt + l->nr_pt * PG - next);
}

static void start_info_fill(struct builder *bd, const struct layout *l)
{
	start_info_t *si = (start_info_t *)(bd->mem + l->start_info);
	const char *cmd = bd->b->cmdline ? bd->b->cmdline : "";
	bool mod_pfn = bd->xen.mod_start_pfn && l->ramdisk_len;

	memset(si, 0, PG);
	snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
	si->nr_pages = bd->b->nr_pages;
	si->shared_info = bd->shinfo_pfn * PG;
	si->flags = mod_pfn ? SIF_MOD_START_PFN : 0;
	si->store_mfn = l->store / PG;
	si->store_evtchn = bd->b->store_evtchn;
	si->console.domU.mfn = l->console / PG;
	si->console.domU.evtchn = bd->b->console_evtchn;
	si->pt_base = bd->virt_base + l->pt;
	si->nr_pt_frames = l->nr_pt;
	si->mfn_list = bd->virt_base + l->p2m;
	if (bd->xen.has_init_p2m) {
		si->mfn_list = bd->xen.init_p2m;
		si->first_p2m_pfn = l->p2m / PG;
		si->nr_p2m_frames = l->p2m_pages;
	}
	if (l->ramdisk_len)
		si->mod_start = mod_pfn ? l->ramdisk / PG : bd->virt_base + l->ramdisk;
	si->mod_len = l->ramdisk_len;
	snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", cmd);
	memset(bd->mem + l->store, 0, 2 * PG); /* xenstore, console */
	memset(bd->mem + l->stack, 0, PG);
}

/* Dom0's backends find the console and xenstore pages through the two
 * reserved grant refs, as on Xen. The grant frames follow shared_info. */
static void grant_refs_fill(struct builder *bd, const struct layout *l)
{
	grant_entry_v1_t *g = (grant_entry_v1_t *)(bd->mem + (bd->shinfo_pfn + 1) * PG);

	memset(g, 0, PG);
	g[GNTTAB_RESERVED_CONSOLE] = (grant_entry_v1_t){
		.flags = GTF_permit_access, .domid = 0, .frame = (uint32_t)(l->console / PG) };
	g[GNTTAB_RESERVED_XENSTORE] = (grant_entry_v1_t){
		.flags = GTF_permit_access, .domid = 0, .frame = (uint32_t)(l->store / PG) };
}

static int ports_alloc(struct builder *bd)
{
	int rc = 0;

	if (!bd->b->console_evtchn)
		rc = hv_evtchn_alloc_unbound(bd->h, bd->b->domid, 0, &bd->b->console_evtchn);
	if (rc == 0 && !bd->b->store_evtchn)
		rc = hv_evtchn_alloc_unbound(bd->h, bd->b->domid, 0, &bd->b->store_evtchn);
	return rc < 0 ? fail(bd, rc, "event channels: %s", strerror(-rc)) : 0;
}

/* Events stay masked on every vCPU until the guest is ready for them. */
static void shared_info_init(struct builder *bd)
{
	shared_info_t *sh = (shared_info_t *)(bd->mem + bd->shinfo_pfn * PG);

	memset(sh, 0, PG);
	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		sh->vcpu_info[i].evtchn_upcall_mask = 1;
}

static int vcpu_setup(struct builder *bd, const struct layout *l)
{
	struct privcmd_vcpu_regs regs = { 0 };
	uint64_t entry = bd->xen.has_entry ? bd->xen.entry : bd->img.entry;
	uint64_t hp = bd->xen.hypercall_page;
	int rc;

	uint64_t kva = bd->virt_base + bd->kstart, kva_end = bd->virt_base + bd->kend;
	struct privcmd_pv_baseptr bp = { .domid = bd->b->domid, .mfn = l->pt / PG };

	if (entry < kva || entry >= kva_end)
		return fail(bd, -ENOEXEC, "entry %#llx is outside the kernel",
			    (unsigned long long)entry);
	if (bd->xen.has_hypercall_page) {
		if (hp % PG || hp < kva || hp >= kva_end)
			return fail(bd, -ENOEXEC, "hypercall page %#llx is not a kernel page",
				    (unsigned long long)hp);
		rc = hv_hypercall_init(bd->h, bd->b->domid, (hp - bd->virt_base) / PG);
		if (rc < 0)
			return fail(bd, rc, "hypercall_init: %s", strerror(-rc));
		bd->b->hypercall_page = hp;
	}
	/* Xen's start of day: %rip = ENTRY, %rsi = start_info, %rsp = top of
	 * the boot stack, IF set, every other register 0; the flat kernel
	 * selectors are implied by the pv engine. */
	regs.rip = entry;
	regs.rsi = bd->virt_base + l->start_info;
	regs.rsp = bd->virt_base + l->end;
	regs.rflags = 0x202;
	bd->b->entry = entry;
	rc = hv_setvcpucontext(bd->h, bd->b->domid, 0, &regs);
	if (rc < 0)
		return fail(bd, rc, "setvcpucontext: %s", strerror(-rc));
	rc = hv_call(bd->h, PRIVCMD_OP_PV_SET_BASEPTR, &bp, sizeof(bp), NULL, 0, NULL, NULL);
	return rc < 0 ? fail(bd, rc, "set the page-table base: %s", strerror(-rc)) : 0;
}

static void builder_dispose(struct builder *bd)
{
	if (bd->mem)
		munmap(bd->mem, bd->mem_size);
	if (bd->memfd >= 0)
		close(bd->memfd);
	free(bd->kernel);
}

int build_pv(struct hv *h, struct build_pv *b)
{
	struct builder bd = { .b = b, .h = h, .memfd = -1 };
	struct layout l;
	int rc;

	b->error[0] = '\0';
	if (b->cmdline && strlen(b->cmdline) >= MAX_GUEST_CMDLINE) {
		rc = fail(&bd, -E2BIG, "command line longer than %d bytes", MAX_GUEST_CMDLINE - 1);
		goto out;
	}
	rc = kernel_open(&bd);
	if (rc == 0)
		rc = memory_map(&bd);
	if (rc == 0)
		rc = kernel_load(&bd);
	if (rc == 0)
		rc = ramdisk_load(&bd, &l);
	if (rc < 0)
		goto out;
	rc = ports_alloc(&bd);
	if (rc < 0)
		goto out;
	p2m_fill(&bd, &l);
	pt_build(&bd, &l);
	start_info_fill(&bd, &l);
	grant_refs_fill(&bd, &l);
	shared_info_init(&bd);
	b->start_info_pfn = l.start_info / PG;
	b->pt_base_pfn = l.pt / PG;
	b->nr_pt_frames = l.nr_pt;
	b->store_pfn = l.store / PG;
	b->console_pfn = l.console / PG;
	rc = vcpu_setup(&bd, &l);
out:
	builder_dispose(&bd);
	return rc;
}
