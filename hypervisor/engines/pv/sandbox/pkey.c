/* Memory protection keys for guest user mode (the 64-bit PV kernel/user
 * split, usermode.c). Guest kernel and guest user both run as host user
 * code in one process; what keeps user mode out of the kernel's pages, the
 * physmap and the sandbox's own memory is the thread's PKRU:
 *
 *   key K  the sandbox's image (code, data, stacks), the physmap, the
 *          page-table state, and the mappings of the kernel's own L4
 *          slots (aspace.c keys them on the first entry to user mode);
 *          user mode's PKRU denies it all access;
 *   key R  sb->upage (the iretq slots pv_resume returns through after
 *          PKRU is set, and Syscall User Dispatch's selector, which the
 *          kernel reads with the thread's PKRU): user mode may read it;
 *   key 0  everything user mode may touch: the pages its tables map.
 *
 * Entering user mode is then one WRPKRU (pv_resume) and leaving it is the
 * signal the host delivers anyway (the kernel opens key 0 only for a
 * handler: entry.S's trampolines open the rest). Without PKU, or when vmhv
 * says no (PV_BOOT_PKEYS clear), aspace.c switches by mprotect instead.
 *
 * What keys do not give: WRPKRU is an unprivileged instruction, so guest
 * user code that executes it on purpose reaches everything; keys stop
 * stray accesses (a bug, a wild pointer), not a hostile user program. The
 * mprotect fallback does not stop one either (sb->upage and the sandbox's
 * data stay writable there). The host stays protected by the seccomp
 * filter in both cases (docs/pv-engine.md). */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define PT_LOAD 1
#define PT_PHDR 6
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static long key_range(uint64_t start, uint64_t end, int prot, int key)
{
	start &= ~4095ull;
	end = (end + 4095) & ~4095ull;
	return sys6(NR_pkey_mprotect, (long)start, (long)(end - start), prot, key, 0, 0);
}

/* Every loaded segment of our own image, with the protection it has. */
static int image_key(const struct elf_phdr *ph, uint64_t n, int key)
{
	uint64_t bias = 0;

	for (uint64_t i = 0; i < n; i++)
		if (ph[i].type == PT_PHDR)
			bias = (uint64_t)(uintptr_t)ph - ph[i].vaddr;
	for (uint64_t i = 0; i < n; i++) {
		int prot = ((ph[i].flags & PF_R) ? PROT_READ : 0) |
			   ((ph[i].flags & PF_W) ? PROT_WRITE : 0) |
			   ((ph[i].flags & PF_X) ? PROT_EXEC : 0);

		if (ph[i].type != PT_LOAD || !ph[i].memsz)
			continue;
		if (key_range(bias + ph[i].vaddr, bias + ph[i].vaddr + ph[i].memsz, prot, key) < 0)
			return -1;
	}
	return 0;
}

int pkey_setup(struct sandbox *sb, const uint64_t *phdr, uint64_t phnum)
{
	long r = sys6(NR_mmap, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	long k, rk;
	uint32_t pkru;

	if (r < 0)
		return -1;
	sb->upage = (struct pv_upage *)r;
	sb->upage->dispatch_selector = 1; /* SYSCALL_DISPATCH_FILTER_BLOCK */
	if (!sb->pkeys)
		return 0;
	k = sys3(NR_pkey_alloc, 0, 0, 0);
	rk = k < 0 ? k : sys3(NR_pkey_alloc, 0, 0, 0);
	/* No PKU (or no keys left): the mprotect fallback, with whatever
	 * was keyed back on key 0 (the handlers will not open other keys). */
	if (rk < 0 || rk >= PV_PKRU_FIRST_ID_KEY || k >= PV_PKRU_FIRST_ID_KEY || !phdr ||
	    key_range(r, r + 4096, PROT_READ | PROT_WRITE, (int)rk) < 0 ||
	    aspace_pkey_setup(sb, (int)k) < 0 ||
	    image_key((const struct elf_phdr *)phdr, phnum, (int)k) < 0) {
		sb->pkeys = 0;
		if (rk >= 0) {
			key_range(r, r + 4096, PROT_READ | PROT_WRITE, 0);
			aspace_pkey_setup(sb, 0);
			if (phdr)
				image_key((const struct elf_phdr *)phdr, phnum, 0);
		}
		return 0;
	}
	pkru = (3u << (2 * k)) | (2u << (2 * rk));     /* K: no access; R: read */
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		sb->vcpu[v].pkru_user = pkru | PV_PKRU_ID(v);
	return 0;
}
