#include "libvmctl/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int range_ok(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static int header_check(const Elf64_Ehdr *eh, size_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC || eh->e_machine != EM_X86_64)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phoff % 8 != 0 ||
	    !range_ok(size, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return -ENOEXEC;
	return 0;
}

int elf_parse(struct elf_image *img, const void *data, size_t size)
{
	const Elf64_Ehdr *eh = data;
	int rc = header_check(eh, size);

	if (rc < 0)
		return rc;
	img->data = data;
	img->size = size;
	img->entry = eh->e_entry;
	img->phdr = (const Elf64_Phdr *)(img->data + eh->e_phoff);
	img->phnum = eh->e_phnum;
	for (unsigned i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *ph = &img->phdr[i];

		if (!range_ok(size, ph->p_offset, ph->p_filesz))
			return -ENOEXEC;
		if (ph->p_type == PT_LOAD && ph->p_filesz > ph->p_memsz)
			return -ENOEXEC;
	}
	return 0;
}

static int notes_in(const uint8_t *p, size_t len, elf_note_cb cb, void *arg)
{
	while (len >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t name_sz, desc_sz;
		int rc;

		memcpy(&nh, p, sizeof(nh));
		name_sz = ((size_t)nh.n_namesz + 3) & ~(size_t)3;
		desc_sz = ((size_t)nh.n_descsz + 3) & ~(size_t)3;
		p += sizeof(nh);
		len -= sizeof(nh);
		if (nh.n_namesz > len || name_sz > len || desc_sz > len - name_sz)
			return -ENOEXEC;
		/* A name must be NUL-terminated within its size. */
		if (nh.n_namesz == 0 || p[nh.n_namesz - 1] != '\0')
			return -ENOEXEC;
		rc = cb(arg, (const char *)p, nh.n_type, p + name_sz, nh.n_descsz);
		if (rc)
			return rc;
		p += name_sz + desc_sz;
		len -= name_sz + desc_sz;
	}
	return 0;
}

int elf_notes_foreach(const struct elf_image *img, elf_note_cb cb, void *arg)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *ph = &img->phdr[i];
		int rc;

		if (ph->p_type != PT_NOTE)
			continue;
		rc = notes_in(img->data + ph->p_offset, ph->p_filesz, cb, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/* Section headers are optional for loading; checked only when asked for. */
static int sections_get(const struct elf_image *img, const Elf64_Shdr **sh, unsigned *n,
			const Elf64_Shdr **strtab)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img->data;

	if (!eh->e_shoff || !eh->e_shnum)
		return -ENOENT;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 ||
	    !range_ok(img->size, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return -ENOEXEC;
	*sh = (const Elf64_Shdr *)(img->data + eh->e_shoff);
	*n = eh->e_shnum;
	*strtab = &(*sh)[eh->e_shstrndx];
	if (!range_ok(img->size, (*strtab)->sh_offset, (*strtab)->sh_size))
		return -ENOEXEC;
	return 0;
}

int elf_section_find(const struct elf_image *img, const char *name, const uint8_t **data,
		     size_t *len)
{
	const Elf64_Shdr *sh, *str;
	size_t want = strlen(name) + 1;
	unsigned n;
	int rc = sections_get(img, &sh, &n, &str);

	for (unsigned i = 0; rc == 0 && i < n; i++) {
		uint64_t off = sh[i].sh_name;

		if (off >= str->sh_size || str->sh_size - off < want ||
		    memcmp(img->data + str->sh_offset + off, name, want) != 0)
			continue;
		if (sh[i].sh_type == SHT_NOBITS ||
		    !range_ok(img->size, sh[i].sh_offset, sh[i].sh_size))
			return -ENOEXEC;
		*data = img->data + sh[i].sh_offset;
		*len = sh[i].sh_size;
		return 0;
	}
	return rc < 0 ? rc : -ENOENT;
}

int elf_read_file(const char *path, size_t max, uint8_t **data, size_t *size)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd, rc = 0;
	size_t done = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + done, (size_t)st.st_size - done);

		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			goto out;
		}
		done += (size_t)r;
	}
	*data = buf;
	*size = done;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}
