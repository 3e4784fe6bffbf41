/* A careful reader of ELF64 x86-64 executables (kernels from outside: every
 * offset and size is checked against the file before use). */
#ifndef VMCTL_LIBVMCTL_ELF_H
#define VMCTL_LIBVMCTL_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

struct elf_image {
	const uint8_t *data;
	size_t size;
	uint64_t entry;
	const Elf64_Phdr *phdr;   /* inside data, phnum entries, all checked */
	unsigned phnum;
};

/* Check the header and program headers of `data` (not copied: it must
 * outlive img). -ENOEXEC for anything that is not a well-formed ELF64
 * little-endian x86-64 executable whose segments lie inside the file. */
int elf_parse(struct elf_image *img, const void *data, size_t size);

/* Call cb for each note in the PT_NOTE segments; stops at the first
 * non-zero return and returns it. -ENOEXEC for a malformed note. */
typedef int (*elf_note_cb)(void *arg, const char *name, uint32_t type,
			   const void *desc, size_t desc_len);
int elf_notes_foreach(const struct elf_image *img, elf_note_cb cb, void *arg);

/* The contents of the section named `name` (e.g. "__xen_guest"), found
 * through the section headers; 0 with *data and *len set, -ENOENT if there is
 * none, -ENOEXEC if the section headers are malformed. */
int elf_section_find(const struct elf_image *img, const char *name, const uint8_t **data,
		     size_t *len);

/* Read a whole file into a malloc'd buffer (*data, *size). 0 or -errno;
 * files over `max` bytes give -EFBIG. */
int elf_read_file(const char *path, size_t max, uint8_t **data, size_t *size);

#endif
