/* libvmctl/elf_xen.c: the Xen ELF notes and the legacy __xen_guest section
 * as Xen's libelf reads them (defaults, FEATURES with "!" required, the
 * acceptance rules), on ELF images made here in memory. */
#include "libvmctl/build_pv.h"
#include "libvmctl/elf_xen.h"
#include "tests/tap.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <vmctl/xen/elfnote.h>

struct image {
	uint8_t buf[8192];
	size_t notes_len;         /* bytes of notes after the headers */
	uint8_t notes[2048];
	const char *legacy;       /* __xen_guest contents, or NULL */
};

static void note_add(struct image *im, uint32_t type, const void *desc, uint32_t len)
{
	Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = len, .n_type = type };
	uint8_t *p = im->notes + im->notes_len;

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), "Xen", 4);
	memcpy(p + sizeof(nh) + 4, desc, len);
	im->notes_len += sizeof(nh) + 4 + ((len + 3) & ~3u);
}

static void note_str(struct image *im, uint32_t type, const char *s)
{
	note_add(im, type, s, (uint32_t)strlen(s) + 1);
}

static void note_u64(struct image *im, uint32_t type, uint64_t v)
{
	note_add(im, type, &v, sizeof(v));
}

/* Header, one PT_NOTE segment and (for the legacy section) section
 * headers with .shstrtab; returns the image size. */
static size_t image_build(struct image *im)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im->buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(im->buf + sizeof(*eh));
	size_t at = sizeof(*eh) + sizeof(*ph);

	memset(im->buf, 0, sizeof(im->buf));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_ehsize = sizeof(*eh);
	ph->p_type = PT_NOTE;
	ph->p_offset = at;
	ph->p_filesz = im->notes_len;
	memcpy(im->buf + at, im->notes, im->notes_len);
	at += (im->notes_len + 7) & ~7ul;
	if (im->legacy) {
		static const char names[] = "\0__xen_guest\0.shstrtab";
		Elf64_Shdr *sh;
		size_t data = at, len = strlen(im->legacy) + 1;

		memcpy(im->buf + at, im->legacy, len);
		at += (len + 7) & ~7ul;
		memcpy(im->buf + at, names, sizeof(names));
		eh->e_shoff = (at + sizeof(names) + 7) & ~7ul;
		eh->e_shentsize = sizeof(Elf64_Shdr);
		eh->e_shnum = 3;
		eh->e_shstrndx = 2;
		sh = (Elf64_Shdr *)(im->buf + eh->e_shoff);
		sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_PROGBITS, .sh_offset = data,
				      .sh_size = len };
		sh[2] = (Elf64_Shdr){ .sh_name = 13, .sh_type = SHT_STRTAB, .sh_offset = at,
				      .sh_size = sizeof(names) };
		at = eh->e_shoff + 3 * sizeof(Elf64_Shdr);
	}
	return at;
}

static int parse(struct image *im, struct elf_xen_info *x)
{
	struct elf_image img;
	size_t size = image_build(im);
	int rc = elf_parse(&img, im->buf, size);

	return rc ? rc : elf_xen_parse(&img, x);
}

static void base_notes(struct image *im)
{
	memset(im, 0, sizeof(*im));
	note_str(im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	note_str(im, XEN_ELFNOTE_LOADER, "generic");
}

static void test_notes(void)
{
	struct image im;
	struct elf_xen_info x;

	base_notes(&im);
	note_u64(&im, XEN_ELFNOTE_VIRT_BASE, 0x400000);
	note_u64(&im, XEN_ELFNOTE_ENTRY, 0x401000);
	note_u64(&im, XEN_ELFNOTE_HYPERCALL_PAGE, 0x402000);
	note_u64(&im, XEN_ELFNOTE_INIT_P2M, 0x300000000000);
	note_u64(&im, XEN_ELFNOTE_SUSPEND_CANCEL, 1);
	note_u64(&im, XEN_ELFNOTE_MOD_START_PFN, 1);
	note_str(&im, XEN_ELFNOTE_PAE_MODE, "yes");
	note_str(&im, XEN_ELFNOTE_FEATURES, "writable_descriptor_tables|!pae_pgdir_above_4gb");
	is_int(parse(&im, &x), 0, "notes parse");
	ok(x.has_notes && !x.legacy, "notes, not legacy");
	is_int(x.virt_base, 0x400000, "VIRT_BASE");
	is_int(x.paddr_offset, 0, "no PADDR_OFFSET with notes: 0 (libelf's default)");
	is_int(x.entry, 0x401000, "ENTRY");
	is_int(x.hypercall_page, 0x402000, "HYPERCALL_PAGE is a virtual address");
	ok(x.has_init_p2m && x.init_p2m == 0x300000000000, "INIT_P2M");
	is_int(x.suspend_cancel, 1, "SUSPEND_CANCEL");
	is_int(x.mod_start_pfn, 1, "MOD_START_PFN");
	is_int(x.f_supported, (1 << 1) | (1 << 4), "FEATURES: supported bits");
	is_int(x.f_required, 1 << 4, "FEATURES: '!' marks required");
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) == NULL, "accepted by the pv engine");
}

static void test_refusals(void)
{
	struct image im;
	struct elf_xen_info x;
	const char *why;

	base_notes(&im);
	note_str(&im, XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) == NULL,
	   "a kernel requiring writable_page_tables (Linux, XTF) is accepted");

	base_notes(&im);
	note_str(&im, XEN_ELFNOTE_FEATURES, "!supervisor_mode_kernel|pae_pgdir_above_4gb");
	parse(&im, &x);
	why = elf_xen_check(&x, BUILD_PV_FEATURES);
	ok(why && strstr(why, "supervisor_mode_kernel"), "a required feature we lack is named: %s",
	   why ? why : "(accepted)");

	base_notes(&im);
	note_str(&im, XEN_ELFNOTE_FEATURES, "no_such_feature");
	parse(&im, &x);
	why = elf_xen_check(&x, BUILD_PV_FEATURES);
	ok(why && strstr(why, "no_such_feature"), "an unknown feature is refused: %s",
	   why ? why : "(accepted)");

	base_notes(&im);
	note_str(&im, XEN_ELFNOTE_PAE_MODE, "maybe");
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) != NULL, "an unknown PAE_MODE is refused");

	memset(&im, 0, sizeof(im));
	note_str(&im, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) != NULL, "no LOADER and no GUEST_OS linux: refused");
	note_str(&im, XEN_ELFNOTE_GUEST_OS, "linux");
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) == NULL, "GUEST_OS linux suffices");

	base_notes(&im);
	note_u64(&im, XEN_ELFNOTE_PADDR_OFFSET, 0);
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) != NULL, "PADDR_OFFSET without VIRT_BASE refused");

	memset(&im, 0, sizeof(im));
	note_add(&im, XEN_ELFNOTE_ENTRY, "abc", 3);
	is_int(parse(&im, &x), -ENOEXEC, "a numeric note of 3 bytes is malformed");

	memset(&im, 0, sizeof(im));
	parse(&im, &x);
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) != NULL, "no notes at all: not a PV kernel");
}

static void test_legacy(void)
{
	struct image im;
	struct elf_xen_info x;

	memset(&im, 0, sizeof(im));
	im.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x80000000,"
		    "HYPERCALL_PAGE=0x2,LOADER=generic,PAE=yes,FEATURES=pae_pgdir_above_4gb";
	is_int(parse(&im, &x), 0, "__xen_guest parses");
	ok(x.legacy && !x.has_notes, "legacy section found");
	is_int(x.virt_base, 0x80000000, "VIRT_BASE from the section");
	is_int(x.paddr_offset, 0x80000000, "no ELF_PADDR_OFFSET: VIRT_BASE (libelf's legacy rule)");
	is_int(x.hypercall_page, 0x80002000, "HYPERCALL_PAGE is a page number from VIRT_BASE");
	is_int(x.f_supported, 1 << 4, "FEATURES from the section");
	ok(elf_xen_check(&x, BUILD_PV_FEATURES) == NULL, "accepted");

	im.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=zz";
	is_int(parse(&im, &x), -ENOEXEC, "a bad number in __xen_guest is refused");
}

int main(void)
{
	test_notes();
	test_refusals();
	test_legacy();
	return tap_done();
}
