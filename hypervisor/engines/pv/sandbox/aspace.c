/* The guest's address space inside the sandbox: the flat map of its memory
 * at boot.flat_base, plus the pages it maps itself with update_va_mapping
 * (each an mmap of one memfd frame). vmhv's side (pv_aspace.c) only needs
 * the flat rule, because vmhv reads guest memory through the memfd. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define EINVAL_ 22
#define ENOMEM_ 12
#define PTE_PRESENT 1ull
#define PTE_RW 2ull
#define PTE_NX (1ull << 63)
#define PTE_MFN(pte) (((pte) >> 12) & 0xffffffffffull)
/* Guest mappings stay above the sandbox's image and below its stacks. */
#define ASPACE_TOP 0x700000000000ull

int aspace_guest_range_ok(struct sandbox *sb, uint64_t va, uint64_t len)
{
	uint64_t base = sb->boot.flat_base, size = sb->boot.mem_bytes;

	return va >= base && va - base <= size && len <= size - (va - base);
}

static long map_frame(uint64_t va, uint64_t mfn, int prot)
{
	return sys6(NR_mmap, (long)va, 4096, prot, MAP_SHARED | MAP_FIXED, PV_MEM_FD,
		    (long)(mfn << 12));
}

/* Xen's update_va_mapping(va, pte, flags): point one page of the guest's
 * address space at a frame of its memory (flags only ask for TLB flushes,
 * which mmap does for us). A cleared PTE inside the flat map restores the
 * flat page; elsewhere it unmaps. */
int64_t aspace_update_va_mapping(struct sandbox *sb, uint64_t va, uint64_t pte, uint64_t flags)
{
	uint64_t frames = sb->boot.mem_bytes >> 12;
	int prot;
	long r;

	if (va & 4095 || va < sb->boot.flat_base || va >= ASPACE_TOP)
		return -EINVAL_;
	if (!(pte & PTE_PRESENT)) {
		if (aspace_guest_range_ok(sb, va, 4096))
			r = map_frame(va, (va - sb->boot.flat_base) >> 12,
				      PROT_READ | PROT_WRITE | PROT_EXEC);
		else
			r = sys3(NR_munmap, va, 4096, 0);
		return r < 0 ? -ENOMEM_ : 0;
	}
	if (PTE_MFN(pte) >= frames)
		return -EINVAL_;
	prot = PROT_READ | ((pte & PTE_RW) ? PROT_WRITE : 0) | ((pte & PTE_NX) ? 0 : PROT_EXEC);
	r = map_frame(va, PTE_MFN(pte), prot);
	return r < 0 ? -ENOMEM_ : 0;
}
