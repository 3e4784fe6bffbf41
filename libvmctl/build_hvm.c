#include "libvmctl/build_hvm.h"

#include "libvmctl/elf.h"
#include "libvmctl/hv.h"
#include "vmctl/hvm_pages.h"
#include "vmctl/privcmd.h"

#include <vmctl/xen/elfnote.h>
#include <vmctl/xen/hvm/params.h>
#include <vmctl/xen/hvm/start_info.h>

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 4096ull
#define PG_UP(x) (((x) + PG - 1) & ~(PG - 1))
#define GiB4 (4ull << 30)

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC   0x2badb002u
#define MB_SEARCH       8192
#define MB_AOUT_KLUDGE  (1u << 16)
#define MB_INFO_MEM     (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_MMAP    (1u << 6)
#define MB_INFO_LOADER  (1u << 9)
#define MB_INFO_SIZE    88

/* One loadable piece of an image, whatever its container. */
struct seg {
	uint64_t paddr, offset, filesz, memsz;
};
#define MAX_SEGS 16

#define MAX_NOTES 8

struct hbuild {
	struct build_hvm *b;
	struct hv *h;
	uint8_t *img;             /* the file being loaded */
	size_t img_size;
	struct seg segs[MAX_SEGS];
	unsigned nsegs;
	struct seg notes[MAX_NOTES];  /* PT_NOTE segments (offset, filesz) */
	unsigned nnotes;
	uint64_t entry;
	uint8_t *mem;             /* guest RAM, frame P at mem + P * 4096 */
	uint64_t mem_size;
	int memfd;
	uint64_t top;             /* first free guest physical byte after the image */
};

static int fail(struct hbuild *bd, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct hbuild *bd, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(bd->b->error, sizeof(bd->b->error), fmt, ap);
	va_end(ap);
	return rc;
}

/* vmctl's guest physical layout: RAM above VMCTL_HVM_LOW_END sits at 4 GiB. */
static uint8_t *gpa_ptr(struct hbuild *bd, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa;

	if (gpa >= GiB4)
		off = gpa - (GiB4 - VMCTL_HVM_LOW_END);
	else if (gpa + len > VMCTL_HVM_LOW_END || gpa + len < gpa)
		return NULL;
	if (off > bd->mem_size || len > bd->mem_size - off)
		return NULL;
	return bd->mem + off;
}

static uint64_t low_ram_end(struct hbuild *bd)
{
	return bd->mem_size < VMCTL_HVM_LOW_END ? bd->mem_size : VMCTL_HVM_LOW_END;
}

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

/* The PT_LOAD segments of an ELF of either class (machine 386 or x86-64;
 * class 32 with machine x86-64 is how 64-bit code ships for a 32-bit
 * entry). Every field is checked against the file. */
static int elf_segments(struct hbuild *bd, const char *path)
{
	const unsigned char *id = bd->img;
	bool is64;
	uint64_t phoff;
	unsigned phnum, phentsize, machine, type;

	if (bd->img_size < sizeof(Elf32_Ehdr) || memcmp(id, ELFMAG, SELFMAG) ||
	    id[EI_DATA] != ELFDATA2LSB ||
	    (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64))
		return fail(bd, -ENOEXEC, "%s: not a little-endian ELF file", path);
	is64 = id[EI_CLASS] == ELFCLASS64;
	if (is64) {
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)bd->img;

		if (bd->img_size < sizeof(*eh))
			return fail(bd, -ENOEXEC, "%s: truncated ELF header", path);
		phoff = eh->e_phoff, phnum = eh->e_phnum, phentsize = eh->e_phentsize;
		machine = eh->e_machine, type = eh->e_type, bd->entry = eh->e_entry;
	} else {
		const Elf32_Ehdr *eh = (const Elf32_Ehdr *)bd->img;

		phoff = eh->e_phoff, phnum = eh->e_phnum, phentsize = eh->e_phentsize;
		machine = eh->e_machine, type = eh->e_type, bd->entry = eh->e_entry;
	}
	if (type != ET_EXEC || (machine != EM_386 && machine != EM_X86_64))
		return fail(bd, -ENOEXEC, "%s: not an x86 executable", path);
	if (phentsize != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || !phnum ||
	    !in_file(bd->img_size, phoff, (uint64_t)phnum * phentsize))
		return fail(bd, -ENOEXEC, "%s: bad program headers", path);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *p = bd->img + phoff + (uint64_t)i * phentsize;
		struct seg s;
		uint32_t ptype;

		if (is64) {
			const Elf64_Phdr *ph = (const Elf64_Phdr *)p;

			ptype = ph->p_type;
			s = (struct seg){ ph->p_paddr, ph->p_offset, ph->p_filesz, ph->p_memsz };
		} else {
			const Elf32_Phdr *ph = (const Elf32_Phdr *)p;

			ptype = ph->p_type;
			s = (struct seg){ ph->p_paddr, ph->p_offset, ph->p_filesz, ph->p_memsz };
		}
		if (ptype == PT_NOTE && bd->nnotes < MAX_NOTES &&
		    in_file(bd->img_size, s.offset, s.filesz))
			bd->notes[bd->nnotes++] = s;
		if (ptype != PT_LOAD || !s.memsz)
			continue;
		if (s.filesz > s.memsz || !in_file(bd->img_size, s.offset, s.filesz))
			return fail(bd, -ENOEXEC, "%s: segment %u lies outside the file", path, i);
		if (bd->nsegs == MAX_SEGS)
			return fail(bd, -ENOEXEC, "%s: more than %d segments", path, MAX_SEGS);
		bd->segs[bd->nsegs++] = s;
	}
	if (!bd->nsegs)
		return fail(bd, -ENOEXEC, "%s: nothing to load", path);
	return 0;
}

static int segments_load(struct hbuild *bd, const char *path)
{
	for (unsigned i = 0; i < bd->nsegs; i++) {
		const struct seg *s = &bd->segs[i];
		uint8_t *dst = gpa_ptr(bd, s->paddr, s->memsz);

		if (!dst || s->paddr < 0x1000)
			return fail(bd, -ENOMEM, "%s: segment at %#llx+%#llx is not in the guest's RAM",
				    path, (unsigned long long)s->paddr, (unsigned long long)s->memsz);
		memcpy(dst, bd->img + s->offset, s->filesz);
		memset(dst + s->filesz, 0, s->memsz - s->filesz);
		if (s->paddr + s->memsz > bd->top)
			bd->top = s->paddr + s->memsz;
	}
	return 0;
}

static int image_read(struct hbuild *bd, const char *path, size_t max)
{
	int rc;

	free(bd->img);
	bd->img = NULL;
	rc = elf_read_file(path, max, &bd->img, &bd->img_size);
	if (rc < 0)
		return fail(bd, rc, "%s: %s", path, rc == -EFBIG ? "too large" : strerror(-rc));
	return 0;
}

static int mem_map(struct hbuild *bd)
{
	struct privcmd_foreign_map info;
	int rc = hv_foreign_map(bd->h, bd->b->domid, &bd->memfd, &info);

	if (rc < 0)
		return fail(bd, rc, "cannot map the domain's memory: %s", strerror(-rc));
	bd->mem_size = info.ram_frames * PG;
	if (bd->mem_size < (2u << 20))
		return fail(bd, -ENOMEM, "an hvm domain needs at least 2 MiB of RAM");
	bd->mem = mmap(NULL, bd->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, bd->memfd, 0);
	if (bd->mem == MAP_FAILED) {
		bd->mem = NULL;
		return fail(bd, -errno, "cannot map the domain's memory: %s", strerror(errno));
	}
	return 0;
}

static int set_entry(struct hbuild *bd, uint64_t eax, uint64_t ebx)
{
	struct privcmd_vcpu_regs r = { .rip = bd->entry, .rax = eax, .rbx = ebx, .rflags = 2 };
	int rc;

	if (bd->entry >= GiB4)
		return fail(bd, -ENOEXEC, "entry %#llx is not a 32-bit address",
			    (unsigned long long)bd->entry);
	rc = hv_setvcpucontext(bd->h, bd->b->domid, 0, &r);
	if (rc < 0)
		return fail(bd, rc, "cannot set vCPU 0's registers: %s", strerror(-rc));
	bd->b->entry = bd->entry;
	return 0;
}

/* ---- firmware_override ---- */

static int build_firmware(struct hbuild *bd)
{
	const char *path = bd->b->firmware;
	int rc = image_read(bd, path, BUILD_HVM_IMAGE_MAX);

	if (rc == 0)
		rc = elf_segments(bd, path);
	if (rc == 0)
		rc = segments_load(bd, path);
	return rc < 0 ? rc : set_entry(bd, 0, 0);
}

/* ---- raw BIOS ---- */

static int build_bios(struct hbuild *bd)
{
	const char *path = bd->b->bios;
	int rc = image_read(bd, path, BUILD_HVM_BIOS_MAX);
	uint8_t *dst;

	if (rc < 0)
		return rc;
	if (!bd->img_size || bd->img_size % 0x10000)
		return fail(bd, -ENOEXEC, "%s: a BIOS image is 64 or 128 KiB", path);
	dst = gpa_ptr(bd, 0x100000 - bd->img_size, bd->img_size);
	if (!dst)
		return fail(bd, -ENOMEM, "no room for the BIOS");
	memcpy(dst, bd->img, bd->img_size);
	bd->b->entry = 0xfffffff0;
	return 0;
}

/* ---- multiboot v1 ---- */

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

static const struct mb_header *mb_find(struct hbuild *bd, size_t *off)
{
	size_t end = bd->img_size < MB_SEARCH ? bd->img_size : MB_SEARCH;

	for (size_t o = 0; o + 12 <= end; o += 4) {
		const struct mb_header *m = (const struct mb_header *)(bd->img + o);

		if (m->magic == MB_HEADER_MAGIC && m->magic + m->flags + m->checksum == 0) {
			*off = o;
			return m;
		}
	}
	return NULL;
}

/* The a.out kludge: the header says where the file goes. */
static int mb_kludge(struct hbuild *bd, const struct mb_header *m, size_t off)
{
	uint64_t file_off, load_end, bss_end;

	if (off + sizeof(*m) > bd->img_size || m->header_addr < m->load_addr ||
	    m->header_addr - m->load_addr > off)
		return fail(bd, -ENOEXEC, "%s: bad multiboot address fields", bd->b->kernel);
	file_off = off - (m->header_addr - m->load_addr);
	load_end = m->load_end_addr ? m->load_end_addr : m->load_addr + (bd->img_size - file_off);
	bss_end = m->bss_end_addr > load_end ? m->bss_end_addr : load_end;
	if (load_end < m->load_addr || load_end - m->load_addr > bd->img_size - file_off)
		return fail(bd, -ENOEXEC, "%s: multiboot load range outside the file", bd->b->kernel);
	bd->segs[0] = (struct seg){ m->load_addr, file_off, load_end - m->load_addr,
				    bss_end - m->load_addr };
	bd->nsegs = 1;
	bd->entry = m->entry_addr;
	return 0;
}

/* Put `len` bytes at the next free page(s) after the image; its address. */
static int mb_place(struct hbuild *bd, const void *data, uint64_t len, uint32_t *addr)
{
	uint64_t at = PG_UP(bd->top);
	uint8_t *dst = gpa_ptr(bd, at, len ? len : 1);

	if (!dst || at + len > low_ram_end(bd))
		return fail(bd, -ENOMEM, "the multiboot data does not fit below %#llx",
			    (unsigned long long)low_ram_end(bd));
	memcpy(dst, data, len);
	bd->top = at + len;
	*addr = (uint32_t)at;
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* The memory map as the hvm engine lays RAM out (e820 types). */
struct range {
	uint64_t base, len;
	uint32_t type;
};
#define MAP_MAX 5

static size_t memmap(struct hbuild *bd, struct range *out)
{
	const struct range all[MAP_MAX] = {
		{ 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },
		{ 0x100000, low_ram_end(bd) - 0x100000, 1 },
		{ GiB4, bd->mem_size - low_ram_end(bd), 1 },
	};
	size_t n = 0;

	for (size_t i = 0; i < MAP_MAX; i++)
		if (all[i].len)
			out[n++] = all[i];
	return n;
}

/* Multiboot's form: size (20), base, length, type. */
static size_t mb_mmap(struct hbuild *bd, uint8_t *out)
{
	struct range r[MAP_MAX];
	size_t n = memmap(bd, r), len = 0;

	for (size_t i = 0; i < n; i++, len += 24) {
		put32(out + len, 20);
		memcpy(out + len + 4, &r[i].base, 8);
		memcpy(out + len + 12, &r[i].len, 8);
		put32(out + len + 20, r[i].type);
	}
	return len;
}

static int mb_info(struct hbuild *bd)
{
	uint8_t info[MB_INFO_SIZE] = { 0 }, map[MAP_MAX * 24];
	uint32_t flags = MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_LOADER, a, info_addr;
	const char *cmd = bd->b->cmdline ? bd->b->cmdline : "";
	static const char loader[] = "vmctl";
	size_t maplen = mb_mmap(bd, map);
	int rc = 0;

	put32(info + 4, 640);
	put32(info + 8, (uint32_t)((low_ram_end(bd) - 0x100000) >> 10));
	rc = mb_place(bd, cmd, strlen(cmd) + 1, &a);
	put32(info + 16, a);
	flags |= MB_INFO_CMDLINE;
	if (rc == 0 && bd->b->module) {
		uint8_t mod[16] = { 0 };

		rc = image_read(bd, bd->b->module, BUILD_HVM_IMAGE_MAX);
		bd->top = PG_UP(bd->top);
		if (rc == 0)
			rc = mb_place(bd, bd->img, bd->img_size, &a);
		if (rc == 0) {
			put32(mod, a);
			put32(mod + 4, a + (uint32_t)bd->img_size);
			rc = mb_place(bd, mod, sizeof(mod), &a);   /* no string of its own */
		}
		put32(info + 20, 1);
		put32(info + 24, a);
		flags |= MB_INFO_MODS;
	}
	if (rc == 0)
		rc = mb_place(bd, map, maplen, &a);
	put32(info + 44, (uint32_t)maplen);
	put32(info + 48, a);
	if (rc == 0)
		rc = mb_place(bd, loader, sizeof(loader), &a);
	put32(info + 64, a);
	put32(info, flags);
	if (rc == 0)
		rc = mb_place(bd, info, sizeof(info), &info_addr);
	return rc < 0 ? rc : set_entry(bd, MB_BOOT_MAGIC, info_addr);
}

static int build_multiboot(struct hbuild *bd)
{
	const char *path = bd->b->kernel;
	const struct mb_header *m;
	size_t off;
	int rc = image_read(bd, path, BUILD_HVM_IMAGE_MAX);

	if (rc < 0)
		return rc;
	m = mb_find(bd, &off);
	if (!m)
		return fail(bd, -ENOEXEC, "%s: no multiboot header in its first 8 KiB", path);
	rc = (m->flags & MB_AOUT_KLUDGE) ? mb_kludge(bd, m, off) : elf_segments(bd, path);
	if (rc == 0)
		rc = segments_load(bd, path);
	return rc < 0 ? rc : mb_info(bd);
}

/* ---- PVH ---- */

/* XEN_ELFNOTE_PHYS32_ENTRY from the PT_NOTE segments, or 0. */
static uint64_t pvh_entry(struct hbuild *bd)
{
	for (unsigned i = 0; i < bd->nnotes; i++) {
		const uint8_t *p = bd->img + bd->notes[i].offset;
		uint64_t left = bd->notes[i].filesz;

		while (left >= 12) {
			uint32_t namesz, descsz, type;
			uint64_t nlen, dlen;

			memcpy(&namesz, p, 4);
			memcpy(&descsz, p + 4, 4);
			memcpy(&type, p + 8, 4);
			nlen = ((uint64_t)namesz + 3) & ~3ull;
			dlen = ((uint64_t)descsz + 3) & ~3ull;
			if (12 + nlen + dlen > left)
				break;
			if (namesz == 4 && !memcmp(p + 12, "Xen", 4) &&
			    type == XEN_ELFNOTE_PHYS32_ENTRY && (descsz == 4 || descsz == 8)) {
				uint64_t v = 0;

				memcpy(&v, p + 12 + nlen, descsz);
				return v;
			}
			p += 12 + nlen + dlen;
			left -= 12 + nlen + dlen;
		}
	}
	return 0;
}

static int pvh_info(struct hbuild *bd)
{
	struct hvm_start_info si = { .magic = XEN_HVM_START_MAGIC_VALUE, .version = 1 };
	struct hvm_memmap_table_entry map[MAP_MAX];
	struct range r[MAP_MAX];
	const char *cmd = bd->b->cmdline ? bd->b->cmdline : "";
	size_t n = memmap(bd, r);
	uint32_t a;
	int rc;

	for (size_t i = 0; i < n; i++)
		map[i] = (struct hvm_memmap_table_entry){ r[i].base, r[i].len, r[i].type, 0 };
	rc = mb_place(bd, map, n * sizeof(map[0]), &a);
	si.memmap_paddr = a;
	si.memmap_entries = (uint32_t)n;
	if (rc == 0)
		rc = mb_place(bd, cmd, strlen(cmd) + 1, &a);
	si.cmdline_paddr = a;
	if (rc == 0 && bd->b->module) {
		struct hvm_modlist_entry mod = { 0 };

		rc = image_read(bd, bd->b->module, BUILD_HVM_IMAGE_MAX);
		bd->top = PG_UP(bd->top);
		if (rc == 0)
			rc = mb_place(bd, bd->img, bd->img_size, &a);
		mod.paddr = a;
		mod.size = bd->img_size;
		if (rc == 0)
			rc = mb_place(bd, &mod, sizeof(mod), &a);
		si.nr_modules = 1;
		si.modlist_paddr = a;
	}
	bd->top = PG_UP(bd->top);
	if (rc == 0)
		rc = mb_place(bd, &si, sizeof(si), &a);
	return rc < 0 ? rc : set_entry(bd, 0, a);
}

static int build_pvh(struct hbuild *bd)
{
	const char *path = bd->b->kernel;
	int rc = image_read(bd, path, BUILD_HVM_IMAGE_MAX);

	if (rc == 0)
		rc = elf_segments(bd, path);
	if (rc < 0)
		return rc;
	bd->entry = pvh_entry(bd);
	if (!bd->entry)
		return fail(bd, -ENOEXEC, "%s: no XEN_ELFNOTE_PHYS32_ENTRY note: not a PVH kernel",
			    path);
	rc = segments_load(bd, path);
	return rc < 0 ? rc : pvh_info(bd);
}

int build_hvm(struct hv *h, struct build_hvm *b)
{
	struct hbuild bd = { .b = b, .h = h, .memfd = -1 };
	int n = !!b->firmware + !!b->kernel + !!b->bios, rc;

	b->error[0] = 0;
	if (n != 1)
		return fail(&bd, -EINVAL, "an hvm domain boots exactly one of firmware, kernel, bios");
	rc = mem_map(&bd);
	if (rc == 0)
		rc = b->firmware ? build_firmware(&bd) : b->kernel && b->pvh ? build_pvh(&bd)
				: b->kernel ? build_multiboot(&bd) : build_bios(&bd);
	if (bd.mem)
		munmap(bd.mem, bd.mem_size);
	if (bd.memfd >= 0)
		close(bd.memfd);
	free(bd.img);
	return rc;
}

int build_hvm_rings(struct hv *h, uint32_t domid, struct build_hvm_rings *r)
{
	struct privcmd_foreign_map info;
	int memfd = -1, rc = hv_foreign_map(h, domid, &memfd, &info);

	if (memfd >= 0)
		close(memfd);
	if (rc < 0)
		return rc;
	if (info.nr_frames != info.ram_frames + VMCTL_HVM_XEN_FRAMES)
		return -EPROTO;     /* not the layout vmctl/hvm_pages.h describes */
	r->store_frame = info.ram_frames + VMCTL_HVM_STORE_XFRAME;
	r->console_frame = info.ram_frames + VMCTL_HVM_CONSOLE_XFRAME;
	if ((rc = hv_hvm_param_set(h, domid, HVM_PARAM_STORE_PFN, VMCTL_HVM_STORE_GPFN)) < 0 ||
	    (rc = hv_hvm_param_set(h, domid, HVM_PARAM_STORE_EVTCHN, r->store_evtchn)) < 0 ||
	    (rc = hv_hvm_param_set(h, domid, HVM_PARAM_CONSOLE_PFN, VMCTL_HVM_CONSOLE_GPFN)) < 0)
		return rc;
	return hv_hvm_param_set(h, domid, HVM_PARAM_CONSOLE_EVTCHN, r->console_evtchn);
}
