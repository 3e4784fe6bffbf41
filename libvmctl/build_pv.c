#include "libvmctl/build_pv.h"

#include "libvmctl/elf_xen.h"
#include "libvmctl/hv.h"

#include <errno.h>
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
	uint64_t virt_offset;     /* vaddr = p_paddr + virt_offset */
	uint64_t kend;            /* end of the kernel image, pseudo-physical */
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
	why = elf_xen_check(&bd->xen);
	if (why)
		return fail(bd, -ENOEXEC, "%s: %s", bd->b->kernel, why);
	if (!bd->xen.has_virt_base || bd->xen.virt_base != VMCTL_PV_FLAT_BASE)
		return fail(bd, -ENOEXEC, "%s: VIRT_BASE must be %#llx for the pv engine",
			    bd->b->kernel, (unsigned long long)VMCTL_PV_FLAT_BASE);
	/* Xen's rule: without PADDR_OFFSET, physical addresses are virtual ones. */
	bd->virt_offset = bd->xen.virt_base -
			  (bd->xen.has_paddr_offset ? bd->xen.paddr_offset : bd->xen.virt_base);
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

	if (va < VMCTL_PV_FLAT_BASE)
		return fail(bd, -ENOEXEC, "segment at %#llx is below the flat base",
			    (unsigned long long)va);
	pa = va - VMCTL_PV_FLAT_BASE;
	if (pa > limit || ph->p_memsz > limit - pa)
		return fail(bd, -ENOMEM, "kernel segment at %#llx does not fit in %llu pages",
			    (unsigned long long)va, (unsigned long long)bd->b->nr_pages);
	memcpy(bd->mem + pa, bd->img.data + ph->p_offset, ph->p_filesz);
	memset(bd->mem + pa + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
	if (pa + ph->p_memsz > bd->kend)
		bd->kend = pa + ph->p_memsz;
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

/* The bootstrap area after the kernel, in Xen's order. */
struct layout {
	uint64_t ramdisk, ramdisk_len;
	uint64_t p2m, start_info, store, console, stack, end;
};

static int layout_plan(struct builder *bd, struct layout *l, uint64_t ramdisk_len)
{
	uint64_t at = PG_UP(bd->kend);

	l->ramdisk = at;
	l->ramdisk_len = ramdisk_len;
	at += PG_UP(ramdisk_len);
	l->p2m = at;
	at += PG_UP(bd->b->nr_pages * 8);
	l->start_info = at;
	l->store = at + PG;
	l->console = at + 2 * PG;
	l->stack = at + 3 * PG;
	l->end = at + 4 * PG;
	if (l->end > bd->b->nr_pages * PG)
		return fail(bd, -ENOMEM, "kernel, ramdisk and boot area need %llu KiB, more than %llu",
			    (unsigned long long)(l->end / 1024),
			    (unsigned long long)(bd->b->nr_pages * 4));
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

static void start_info_fill(struct builder *bd, const struct layout *l)
{
	start_info_t *si = (start_info_t *)(bd->mem + l->start_info);
	const char *cmd = bd->b->cmdline ? bd->b->cmdline : "";

	memset(si, 0, PG);
	snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
	si->nr_pages = bd->b->nr_pages;
	si->shared_info = bd->shinfo_pfn * PG;
	si->store_mfn = l->store / PG;
	si->store_evtchn = bd->b->store_evtchn;
	si->console.domU.mfn = l->console / PG;
	si->console.domU.evtchn = bd->b->console_evtchn;
	si->mfn_list = VMCTL_PV_FLAT_BASE + l->p2m;
	si->mod_start = l->ramdisk_len ? VMCTL_PV_FLAT_BASE + l->ramdisk : 0;
	si->mod_len = l->ramdisk_len;
	snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", cmd);
	memset(bd->mem + l->store, 0, 3 * PG); /* xenstore, console, stack */
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

	if (entry < VMCTL_PV_FLAT_BASE || entry >= VMCTL_PV_FLAT_BASE + bd->kend)
		return fail(bd, -ENOEXEC, "entry %#llx is outside the kernel",
			    (unsigned long long)entry);
	if (bd->xen.has_hypercall_page) {
		if (hp % PG || hp < VMCTL_PV_FLAT_BASE || hp >= VMCTL_PV_FLAT_BASE + bd->kend)
			return fail(bd, -ENOEXEC, "hypercall page %#llx is not a kernel page",
				    (unsigned long long)hp);
		rc = hv_hypercall_init(bd->h, bd->b->domid, (hp - VMCTL_PV_FLAT_BASE) / PG);
		if (rc < 0)
			return fail(bd, rc, "hypercall_init: %s", strerror(-rc));
		bd->b->hypercall_page = hp;
	}
	regs.rip = entry;
	regs.rsi = VMCTL_PV_FLAT_BASE + l->start_info;
	regs.rsp = VMCTL_PV_FLAT_BASE + l->end;
	regs.rflags = 0x202;
	bd->b->entry = entry;
	rc = hv_setvcpucontext(bd->h, bd->b->domid, 0, &regs);
	return rc < 0 ? fail(bd, rc, "setvcpucontext: %s", strerror(-rc)) : 0;
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
	start_info_fill(&bd, &l);
	grant_refs_fill(&bd, &l);
	shared_info_init(&bd);
	b->start_info_pfn = l.start_info / PG;
	b->store_pfn = l.store / PG;
	b->console_pfn = l.console / PG;
	rc = vcpu_setup(&bd, &l);
out:
	builder_dispose(&bd);
	return rc;
}
