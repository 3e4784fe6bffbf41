/* The guest's address space inside the sandbox (DESIGN §2).
 *
 * The guest's page tables are ordinary frames of its memory; the tree that
 * cr3 names is mirrored into this process: every present L1 entry below
 * PV_GUEST_VA_TOP is an mmap of that memfd frame at that address (runs of
 * consecutive frames become one mmap, so a flat kernel costs a few
 * mappings). Page-table hypercalls check an entry as Xen does, write it
 * into the table and then redo the mirror of just that entry.
 *
 * The shim reaches guest memory through the physmap, a second mapping of
 * the whole memfd at PV_PHYSMAP_BASE that the guest's tree never covers:
 * guest pointers are translated by walking the tree (so a read-only or
 * unmapped page gives -EFAULT as on Xen, never a fault in the shim).
 *
 * Xen tracks a type per frame; we keep what its checks need: the level of
 * each table of the current tree (where[]), pinned tables, and how many
 * writable mappings of each frame the tree has (a table may not be mapped
 * writable, a writable-mapped frame may not become a table).
 *
 * A domain built without page tables (no PV_SET_BASEPTR) keeps the flat
 * map: its memory at boot.flat_base, and update_va_mapping as mmap. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#include <vmctl/xen/xen.h>

#define EPERM_ 1
#define EFAULT_ 14
#define EINVAL_ 22
#define ENOMEM_ 12
#define EACCES_ 13
#define ENOSYS_ 38
#define ESRCH_ 3
#define PTE_P 1ull
#define PTE_RW 2ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PSE 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_FRAME(e) (((e) >> 12) & 0xffffffffffull)
#define LEVEL_SHIFT(l) (12 + 9 * ((l) - 1))
/* Xen's own L4 slots (HYPERVISOR_VIRT_START ..): never the guest's. */
#define XEN_L4_FIRST 256
#define XEN_L4_LAST 271
#define GUEST_L4_SLOTS (PV_GUEST_VA_TOP >> 39)

static uint64_t *table(struct aspace *a, uint64_t frame)
{
	return (uint64_t *)(a->phys + (frame << 12));
}

static int table_level(const struct aspace *a, uint64_t frame)
{
	return a->pinned[frame] ? a->pinned[frame] : (int)(a->where[frame] & 7);
}

/* vCPUs are threads of one process sharing this state: page-table
 * hypercalls take the domain's lock, as Xen serialises them per domain.
 * (A signal in the shim never takes it: no deadlock.) */
static void as_lock(struct aspace *a)
{
	while (__atomic_test_and_set(&a->lock, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void as_unlock(struct aspace *a)
{
	__atomic_clear(&a->lock, __ATOMIC_RELEASE);
}

/* ---- mirroring --------------------------------------------------------- */

/* Leaves are collected into runs (struct aspace_run) so consecutive pages
 * become one mmap. */
#define run aspace_run

/* A run either maps (mmap, then the key of its L4 slot if that slot is
 * keyed: pkey.c) or changes pages already mapped (mprotect, hide = none;
 * with rekey, pkey_mprotect to `key` keeping the protection). */
static void run_flush(struct run *r)
{
	long got, len = (long)(r->n << 12);

	if (!r->n)
		return;
	if (r->mprotect && r->rekey)
		got = sys6(NR_pkey_mprotect, (long)r->va, len, r->prot, r->key, 0, 0);
	else if (r->mprotect)   /* pages already mapped: hide or show them */
		got = sys3(NR_mprotect, r->va, len, r->hide ? PROT_NONE : r->prot);
	else
		got = sys6(NR_mmap, (long)r->va, len, r->prot, MAP_SHARED | MAP_FIXED, PV_MEM_FD,
			   (long)(r->frame << 12));
	if (got >= 0 && !r->mprotect && r->key)
		got = sys6(NR_pkey_mprotect, (long)r->va, len, r->prot, r->key, 0, 0);
	if (got < 0 && !r->err)
		r->err = got;
	r->n = 0;
}

/* Dirty logging (vmhv's pv_dirty.c) sees writes only through the flat
 * map's write-protect registration: once guest RAM is mapped anywhere
 * else, say so, and vmhv counts every frame dirty (never too few). */
static void untracked_note(struct aspace *a, uint64_t va, uint64_t frame)
{
	if (frame >= a->ram_frames || va == a->flat_base + (frame << 12) || a->untracked)
		return;
	a->untracked = 1;
	if (a->untracked_flag)
		*a->untracked_flag = 1;
}

void aspace_untracked_set(struct sandbox *sb)
{
	struct aspace *a = &sb->as;

	if (a->untracked)
		return;
	a->untracked = 1;
	if (a->untracked_flag)
		*a->untracked_flag = 1;
}

void aspace_untracked_publish(struct sandbox *sb)
{
	sb->as.untracked_flag = &sb->vcpu[0].mb->untracked;
	*sb->as.untracked_flag = (uint32_t)sb->as.untracked;
}

static void run_add(struct aspace *a, struct run *r, uint64_t va, uint64_t frame, int prot)
{
	int key = r->rekey ? r->key : a->pkey && a->keyed[va >> 39] ? a->pkey : 0;

	if (!r->mprotect)
		untracked_note(a, va, frame);

	if (r->n && va == r->va + (r->n << 12) && frame == r->frame + r->n && prot == r->prot &&
	    key == r->key) {
		r->n++;
		return;
	}
	run_flush(r);
	*r = (struct run){ .va = va, .frame = frame, .n = 1, .prot = prot, .err = r->err,
			   .mprotect = r->mprotect, .hide = r->hide, .rekey = r->rekey,
			   .key = key };
}

static int leaf_prot(uint64_t e, uint64_t upper)
{
	uint64_t all = e & upper;

	return PROT_READ | ((all & PTE_RW) ? PROT_WRITE : 0) |
	       (((e | upper) & PTE_NX) ? 0 : PROT_EXEC);
}

/* Page 0 can only be mapped with privilege (vm.mmap_min_addr): at boot,
 * before the sandbox drops it. Afterwards it keeps its boot mapping. */
static int page0_fixed(const struct aspace *a, uint64_t va)
{
	return va == 0 && a->booted;
}

/* upper: the AND of the RW bits and the OR of the NX bits above (as an
 * entry whose NX bit is set if any level had it). */
static void mirror_table(struct aspace *a, struct run *r, uint64_t frame, int level,
			 uint64_t base, uint64_t upper)
{
	const uint64_t *t = table(a, frame);
	unsigned slots = level == 4 ? GUEST_L4_SLOTS : 512;

	a->where[frame] = base | (uint64_t)level;
	for (unsigned i = 0; i < slots; i++) {
		uint64_t e = t[i], va = base + ((uint64_t)i << LEVEL_SHIFT(level));
		uint64_t child = PTE_FRAME(e);

		if (!(e & PTE_P) || child >= a->nr_frames)
			continue;
		if (level == 1) {
			if ((e & PTE_RW) && a->wmaps[child] < 0xffff)
				a->wmaps[child]++;
			if (!page0_fixed(a, va))
				run_add(a, r, va, child, leaf_prot(e, upper));
		} else if (!(e & PTE_PSE)) {  /* depth is bounded by the levels */
			mirror_table(a, r, child, level - 1, va,
				     (upper & (e | ~PTE_RW)) | (e & PTE_NX));
		}
	}
}

/* Forget a subtree (the caller unmaps its range). */
static void unmirror_table(struct aspace *a, uint64_t frame, int level)
{
	const uint64_t *t = table(a, frame);
	unsigned slots = level == 4 ? GUEST_L4_SLOTS : 512;

	if ((a->where[frame] & 7) != (uint64_t)level)
		return;
	a->where[frame] = 0;
	for (unsigned i = 0; i < slots; i++) {
		uint64_t e = t[i], child = PTE_FRAME(e);

		if (!(e & PTE_P) || child >= a->nr_frames)
			continue;
		if (level == 1) {
			if ((e & PTE_RW) && a->wmaps[child])
				a->wmaps[child]--;
		} else if (!(e & PTE_PSE)) {
			unmirror_table(a, child, level - 1);
		}
	}
}

static void range_unmap(struct aspace *a, uint64_t va, uint64_t len)
{
	run_flush(&a->pend); /* mappings queued before must not land after */
	if (va == 0 && a->booted) {
		va = 4096;
		len = len > 4096 ? len - 4096 : 0;
	}
	if (va >= PV_GUEST_VA_TOP || !len)
		return;
	if (len > PV_GUEST_VA_TOP - va)
		len = PV_GUEST_VA_TOP - va;
	sys3(NR_munmap, va, len, 0);
}

/* The AND of RW and the OR of NX of the entries above `level` for va. */
static uint64_t upper_flags(struct aspace *a, uint64_t va, int level)
{
	uint64_t frame = a->cr3, upper = PTE_RW;

	for (int l = 4; l > level; l--) {
		uint64_t e = table(a, frame)[(va >> LEVEL_SHIFT(l)) & 511];

		upper = (upper & (e | ~PTE_RW)) | (e & PTE_NX);
		frame = PTE_FRAME(e);
	}
	return upper;
}

/* Entry idx of table `frame` (level, mirrored at base) changes from old to
 * new: undo the old entry's mappings, make the new one's. */
static long mirror_entry(struct aspace *a, uint64_t frame, int level, unsigned idx,
			 uint64_t old, uint64_t new)
{
	uint64_t base = a->where[frame] & ~7ull;
	uint64_t va = base + ((uint64_t)idx << LEVEL_SHIFT(level));
	uint64_t upper;
	struct run r = { 0 };

	if (va >= PV_GUEST_VA_TOP || (level == 4 && idx >= GUEST_L4_SLOTS))
		return 0;
	if ((old & PTE_P) && PTE_FRAME(old) < a->nr_frames) {
		if (level == 1 && (old & PTE_RW) && a->wmaps[PTE_FRAME(old)])
			a->wmaps[PTE_FRAME(old)]--;
		else if (level > 1 && !(old & PTE_PSE))
			unmirror_table(a, PTE_FRAME(old), level - 1);
		if (!(new & PTE_P) || level > 1)
			range_unmap(a, va, 1ull << LEVEL_SHIFT(level));
	}
	if (!(new & PTE_P))
		return 0;
	if (level == 1 && frame == a->upper_frame) {
		upper = a->upper;
	} else {
		upper = upper_flags(a, va, level);
		a->upper_frame = level == 1 ? frame : UINT64_MAX;
		a->upper = upper;
	}
	if (level == 1) {
		if ((new & PTE_RW) && a->wmaps[PTE_FRAME(new)] < 0xffff)
			a->wmaps[PTE_FRAME(new)]++;
		/* Queued: a batch of PTEs for consecutive frames is one mmap,
		 * made by aspace_flush() at the end of the hypercall. */
		if (!page0_fixed(a, va))
			run_add(a, &a->pend, va, PTE_FRAME(new), leaf_prot(new, upper));
		return 0;
	} else if (!(new & PTE_PSE)) {
		mirror_table(a, &r, PTE_FRAME(new), level - 1, va,
			     (upper & (new | ~PTE_RW)) | (new & PTE_NX));
	}
	run_flush(&r);
	return r.err;
}

/* The whole tree of a->cr3, replacing whatever was mirrored. */
static long mirror_all(struct aspace *a)
{
	struct run r = { 0 };

	a->upper_frame = UINT64_MAX;
	range_unmap(a, 0, PV_GUEST_VA_TOP);
	memset(a->where, 0, a->nr_frames * sizeof(a->where[0]));
	memset(a->wmaps, 0, a->nr_frames * sizeof(a->wmaps[0]));
	mirror_table(a, &r, a->cr3, 4, 0, PTE_RW);
	run_flush(&r);
	return r.err;
}

/* Make the queued mappings; -ENOMEM if the host refused one. */
static int64_t aspace_flush(struct aspace *a)
{
	long err;

	run_flush(&a->pend);
	err = a->pend.err;
	a->pend.err = 0;
	return err ? -ENOMEM_ : 0;
}

/* ---- guest memory for the shim ----------------------------------------- */

/* The physmap address of guest page va, or NULL if the current tree does
 * not map it (writable, if asked). */
static uint8_t *page_ptr_in(struct aspace *a, uint64_t cr3, uint64_t va, int write)
{
	uint64_t frame = cr3, need = PTE_P | (write ? PTE_RW : 0);

	if (!a->has_cr3) {
		uint64_t base = a->flat_base;

		if (va < base || va - base >= a->nr_frames << 12)
			return NULL;
		return a->phys + (va - base);
	}
	if (va >= PV_GUEST_VA_TOP)
		return NULL;
	for (int l = 4; l >= 1; l--) {
		uint64_t e = table(a, frame)[(va >> LEVEL_SHIFT(l)) & 511];

		if ((e & need) != need || (l > 1 && (e & PTE_PSE)) || PTE_FRAME(e) >= a->nr_frames)
			return NULL;
		frame = PTE_FRAME(e);
	}
	return a->phys + (frame << 12) + (va & 4095);
}

static uint8_t *page_ptr(struct aspace *a, uint64_t va, int write)
{
	return page_ptr_in(a, a->cr3, va, write);
}

static void physmap_protect(struct sandbox *sb, int prot);

/* In user mode the tables are behind the protected physmap: open it for
 * the walk (a #PF from user mode pays two mprotects more). */
int aspace_mapped(struct sandbox *sb, uint64_t va)
{
	int hidden = sb->user_mode && !sb->as.pkey, mapped;

	if (hidden)
		physmap_protect(sb, PROT_READ | PROT_WRITE);
	mapped = page_ptr(&sb->as, va & ~4095ull, 0) != NULL;
	if (hidden)
		physmap_protect(sb, PROT_NONE);
	return mapped;
}

static int copy_guest(struct aspace *a, uint64_t cr3, uint64_t va, void *buf, uint64_t len,
		      int write)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t chunk = 4096 - (va & 4095);
		uint8_t *p = page_ptr_in(a, cr3, va, write);

		if (chunk > len)
			chunk = len;
		if (!p)
			return -EFAULT_;
		if (write)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		va += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int aspace_read(struct sandbox *sb, uint64_t va, void *dst, uint64_t len)
{
	return copy_guest(&sb->as, sb->as.cr3, va, dst, len, 0);
}

int aspace_read_in(struct sandbox *sb, uint64_t cr3, uint64_t va, void *dst, uint64_t len)
{
	return sb->as.has_cr3 && cr3 < sb->as.nr_frames ?
		copy_guest(&sb->as, cr3, va, dst, len, 0) : -EFAULT_;
}

int aspace_mapped_in(struct sandbox *sb, uint64_t cr3, uint64_t va)
{
	return sb->as.has_cr3 && cr3 < sb->as.nr_frames &&
	       page_ptr_in(&sb->as, cr3, va & ~4095ull, 0) != NULL;
}

int aspace_write(struct sandbox *sb, uint64_t va, const void *src, uint64_t len)
{
	return copy_guest(&sb->as, sb->as.cr3, va, (void *)(uintptr_t)src, len, 1);
}

void *aspace_frame(struct sandbox *sb, uint64_t frame)
{
	return frame < sb->as.nr_frames ? sb->as.phys + (frame << 12) : NULL;
}

/* ---- page-table updates ------------------------------------------------ */

/* May `e` go into a table of `level`? (Xen's checks as the guest sees
 * them: -EINVAL for a bad frame, a writable mapping of a table, a large
 * page, or a table used at another level or still mapped writable.) */
static int entry_check(struct aspace *a, int level, uint64_t e)
{
	uint64_t f = PTE_FRAME(e);
	int tl;

	if (!(e & PTE_P))
		return 0;
	if (f >= a->nr_frames)
		return -EINVAL_;
	tl = table_level(a, f);
	if (level == 1)
		return (e & PTE_RW) && tl ? -EINVAL_ : 0;
	if (e & PTE_PSE)
		return -EINVAL_;
	if ((tl && tl != level - 1) || a->wmaps[f])
		return -EINVAL_;
	return 0;
}

/* Write entry idx of frame: a page-table update if the frame is a table
 * (checked, mirrored), a plain write into an ordinary page otherwise (as
 * Xen lets mmu_update write a page of the writable type). */
static int64_t pt_write(struct aspace *a, uint64_t frame, unsigned idx, uint64_t val,
			int preserve_ad)
{
	uint64_t *t, old;
	int level, rc;

	if (frame >= a->nr_frames)
		return -EINVAL_;
	t = table(a, frame);
	old = t[idx];
	level = table_level(a, frame);
	a->gen++;               /* (maybe a table of the user tree: uproc.c) */
	if (!level) {
		t[idx] = val;
		return 0;
	}
	if (level == 4 && idx >= XEN_L4_FIRST && idx <= XEN_L4_LAST)
		return -EINVAL_;
	rc = entry_check(a, level, val);
	if (rc < 0)
		return rc;
	if (preserve_ad)
		val |= old & (PTE_A | PTE_D);
	t[idx] = val;
	if ((a->where[frame] & 7) == (uint64_t)level && mirror_entry(a, frame, level, idx, old, val)) {
		t[idx] = old; /* the host refused the mapping */
		mirror_entry(a, frame, level, idx, val, old);
		return -ENOMEM_;
	}
	return 0;
}

static int own_domain(struct sandbox *sb, uint64_t domid)
{
	domid &= 0xffff;
	return domid == DOMID_SELF || domid == sb->boot.domid;
}

/* One mmu_update request. */
static int64_t mmu_one(struct sandbox *sb, const struct mmu_update *u)
{
	struct aspace *a = &sb->as;

	switch (u->ptr & 3) {
	case MMU_NORMAL_PT_UPDATE:
	case MMU_PT_UPDATE_PRESERVE_AD:
		if (u->ptr & 4)
			return -EINVAL_;
		return pt_write(a, u->ptr >> 12, (u->ptr & 4095) >> 3, u->val,
				(u->ptr & 3) == MMU_PT_UPDATE_PRESERVE_AD);
	case MMU_MACHPHYS_UPDATE:
		if ((u->ptr >> 12) >= a->nr_frames)
			return -EINVAL_;
		a->m2p[u->ptr >> 12] = u->val;
		return 0;
	default:
		return -ENOSYS_;
	}
}

#define MMU_CHUNK 64 /* requests copied in at a time (1 KiB of shim stack) */

static int64_t mmu_update_locked(struct sandbox *sb, uint64_t list, uint64_t count,
				 uint64_t done_va, uint64_t domid)
{
	struct mmu_update chunk[MMU_CHUNK];
	int64_t rc = 0, frc;
	uint64_t i = 0;

	if (!sb->as.has_cr3)
		return -ENOSYS_;
	if (!own_domain(sb, domid))
		return -EPERM_;
	while (i < count && rc == 0) {
		uint64_t n = count - i < MMU_CHUNK ? count - i : MMU_CHUNK, j;

		rc = aspace_read(sb, list + i * sizeof(chunk[0]), chunk, n * sizeof(chunk[0]));
		for (j = 0; j < n && rc == 0; j++) {
			rc = mmu_one(sb, &chunk[j]);
			i += rc == 0;
		}
	}
	frc = aspace_flush(&sb->as);
	if (rc == 0)
		rc = frc;
	if (done_va && aspace_write(sb, done_va, &(uint32_t){ (uint32_t)i }, 4) < 0)
		return -EFAULT_;
	return rc;
}

int64_t aspace_mmu_update(struct sandbox *sb, uint64_t list, uint64_t count, uint64_t done_va,
			  uint64_t domid)
{
	int64_t rc;

	as_lock(&sb->as);
	rc = mmu_update_locked(sb, list, count, done_va, domid);
	as_unlock(&sb->as);
	return rc;
}

/* The L1 table that maps va in the current tree, or -EINVAL. */
static int64_t l1_of(struct aspace *a, uint64_t va, uint64_t *l1)
{
	uint64_t frame = a->cr3;

	if (va >= PV_GUEST_VA_TOP)
		return -EINVAL_;
	for (int l = 4; l > 1; l--) {
		uint64_t e = table(a, frame)[(va >> LEVEL_SHIFT(l)) & 511];

		if (!(e & PTE_P) || (e & PTE_PSE) || PTE_FRAME(e) >= a->nr_frames)
			return -EINVAL_;
		frame = PTE_FRAME(e);
	}
	*l1 = frame;
	return 0;
}

/* The flush part of UVMF flags and *_MULTI ops: the mirror is exact at
 * once, so only a vCPU mask pointer needs reading (-EFAULT if bad). */
static int64_t flush_mask_check(struct sandbox *sb, uint64_t mask_va)
{
	uint64_t mask;

	return aspace_read(sb, mask_va, &mask, sizeof(mask));
}

static int64_t uvmf_check(struct sandbox *sb, uint64_t flags)
{
	uint64_t where = flags & ~UVMF_FLUSHTYPE_MASK;

	if (!(flags & UVMF_FLUSHTYPE_MASK) || where == UVMF_LOCAL || where == UVMF_ALL)
		return 0;
	return flush_mask_check(sb, where);
}

static int64_t flat_update_va_mapping(struct sandbox *sb, uint64_t va, uint64_t pte)
{
	struct aspace *a = &sb->as;
	int prot;
	long r;

	if (va < a->flat_base || va >= PV_GUEST_VA_TOP)
		return -EINVAL_;
	if (!(pte & PTE_P)) {
		if (page_ptr(a, va, 0))
			r = sys6(NR_mmap, (long)va, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				 MAP_SHARED | MAP_FIXED, PV_MEM_FD, (long)(va - a->flat_base));
		else
			r = sys3(NR_munmap, va, 4096, 0);
		return r < 0 ? -ENOMEM_ : 0;
	}
	if (PTE_FRAME(pte) >= a->nr_frames)
		return -EINVAL_;
	untracked_note(a, va, PTE_FRAME(pte));
	prot = PROT_READ | ((pte & PTE_RW) ? PROT_WRITE : 0) | ((pte & PTE_NX) ? 0 : PROT_EXEC);
	r = sys6(NR_mmap, (long)va, 4096, prot, MAP_SHARED | MAP_FIXED, PV_MEM_FD,
		 (long)(PTE_FRAME(pte) << 12));
	return r < 0 ? -ENOMEM_ : 0;
}

/* update_va_mapping(va, pte, flags): write the L1 entry for va in the
 * current tree (the low 12 bits of va are ignored, as on Xen). */
static int64_t uvm_locked(struct sandbox *sb, uint64_t va, uint64_t pte, uint64_t flags)
{
	struct aspace *a = &sb->as;
	uint64_t l1;
	int64_t rc;

	va &= ~4095ull;
	if (!a->has_cr3)
		return flat_update_va_mapping(sb, va, pte);
	rc = l1_of(a, va, &l1);
	if (rc == 0)
		rc = pt_write(a, l1, (va >> 12) & 511, pte, 0);
	if (rc == 0)
		rc = aspace_flush(a);
	if (rc == 0)
		rc = uvmf_check(sb, flags);
	return rc;
}

int64_t aspace_update_va_mapping(struct sandbox *sb, uint64_t va, uint64_t pte, uint64_t flags)
{
	int64_t rc;

	as_lock(&sb->as);
	rc = uvm_locked(sb, va, pte, flags);
	as_unlock(&sb->as);
	return rc;
}

int64_t aspace_update_va_mapping_otherdomain(struct sandbox *sb, uint64_t va, uint64_t pte,
					     uint64_t flags, uint64_t domid)
{
	if (!own_domain(sb, domid))
		return -EPERM_;
	return aspace_update_va_mapping(sb, va, pte, flags);
}

/* vm_assist(writable_pagetables): the guest writes an entry of one of its
 * tables directly (the page is mapped read-only, so the write faults and
 * emulate.c brings it here): check and mirror it as mmu_update would.
 * *old gets the entry before; with `expect` (cmpxchg) the write happens
 * only if the entry was *expect. 0, or -EINVAL (not a table, not
 * assisted, misaligned, refused by the checks): the #PF stands, as on
 * Xen. */
int64_t aspace_ptwr(struct sandbox *sb, uint64_t va, uint64_t val, const uint64_t *expect,
		    uint64_t *old)
{
	struct aspace *a = &sb->as;
	uint8_t *p;
	uint64_t frame;
	int64_t rc = -EINVAL_;

	if (!a->has_cr3 || (va & 7) || !(a->assist & (1ull << VMASST_TYPE_writable_pagetables)))
		return -EINVAL_;
	as_lock(a);
	p = page_ptr(a, va, 0);
	frame = p ? (uint64_t)(p - a->phys) >> 12 : 0;
	if (p && table_level(a, frame)) {
		*old = table(a, frame)[(va & 4095) >> 3];
		rc = expect && *old != *expect ? 0
			: pt_write(a, frame, (unsigned)((va & 4095) >> 3), val, 0);
		if (rc == 0)
			rc = aspace_flush(a);
	}
	as_unlock(a);
	return rc;
}

/* ---- mmuext_op ---------------------------------------------------------- */

/* Pinning checks every entry of the table (Xen validates the whole tree
 * below it, which our checks at update time keep valid) and gives the
 * frame its type. */
static int64_t ext_pin(struct aspace *a, uint64_t mfn, int level)
{
	const uint64_t *t;
	int tl;

	if (mfn >= a->nr_frames || a->pinned[mfn])
		return -EINVAL_;
	tl = table_level(a, mfn);
	if ((tl && tl != level) || a->wmaps[mfn])
		return -EINVAL_;
	t = table(a, mfn);
	for (unsigned i = 0; i < 512; i++) {
		if (level == 4 && i >= XEN_L4_FIRST && i <= XEN_L4_LAST)
			continue;
		if (entry_check(a, level, t[i]) < 0)
			return -EINVAL_;
	}
	a->pinned[mfn] = (uint8_t)level;
	return 0;
}

static int64_t new_baseptr_locked(struct sandbox *sb, uint64_t mfn)
{
	struct aspace *a = &sb->as;
	int64_t rc;

	if (!a->has_cr3 || mfn >= a->nr_frames || (table_level(a, mfn) && table_level(a, mfn) != 4))
		return -EINVAL_;
	if (mfn == a->cr3)
		return 0;
	if (!a->pinned[mfn] && (rc = ext_pin(a, mfn, 4)) < 0)
		return rc;
	a->cr3 = mfn;
	a->kernel_cr3 = mfn;
	aspace_cr3_publish(sb);
	return mirror_all(a) < 0 ? -ENOMEM_ : 0;
}

int64_t aspace_new_baseptr(struct sandbox *sb, uint64_t mfn)
{
	int64_t rc;

	as_lock(&sb->as);
	rc = new_baseptr_locked(sb, mfn);
	as_unlock(&sb->as);
	return rc;
}

/* A frame the guest may write through Xen (not a table). */
static int writable_frame(struct aspace *a, uint64_t mfn)
{
	return mfn < a->nr_frames && !table_level(a, mfn);
}

static int64_t mmuext_one(struct sandbox *sb, const struct mmuext_op *op)
{
	struct aspace *a = &sb->as;
	uint64_t mfn = op->arg1.mfn;

	a->gen++;               /* a cleared or copied page may be a user table */
	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		return ext_pin(a, mfn, (int)op->cmd + 1);
	case MMUEXT_UNPIN_TABLE:
		if (mfn >= a->nr_frames || !a->pinned[mfn])
			return -EINVAL_;
		a->pinned[mfn] = 0;
		return 0;
	case MMUEXT_NEW_BASEPTR:
		return new_baseptr_locked(sb, mfn);
	case MMUEXT_NEW_USER_BASEPTR:
		if (mfn && (mfn >= a->nr_frames || (table_level(a, mfn) && table_level(a, mfn) != 4)))
			return -EINVAL_;
		if (mfn && !a->pinned[mfn] && ext_pin(a, mfn, 4) < 0)
			return -EINVAL_;
		a->user_cr3 = mfn;
		return 0;
	case MMUEXT_TLB_FLUSH_LOCAL:
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_ALL:
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI:
		return flush_mask_check(sb, (uint64_t)(uintptr_t)op->arg2.vcpumask.p);
	case MMUEXT_FLUSH_CACHE:
		return -EACCES_;        /* needs cache-flush permission (dom0) */
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		return -EINVAL_;
	case MMUEXT_SET_LDT:
		if ((op->arg1.linear_addr & 4095) || op->arg2.nr_ents > 8192 ||
		    op->arg1.linear_addr >= PV_GUEST_VA_TOP)
			return -EINVAL_;
		a->ldt_base = op->arg1.linear_addr;
		a->ldt_ents = op->arg2.nr_ents;
		return 0;
	case MMUEXT_CLEAR_PAGE:
		if (!writable_frame(a, mfn))
			return -EINVAL_;
		memset(table(a, mfn), 0, 4096);
		return 0;
	case MMUEXT_COPY_PAGE:
		if (!writable_frame(a, mfn) || op->arg2.src_mfn >= a->nr_frames)
			return -EINVAL_;
		memcpy(table(a, mfn), table(a, op->arg2.src_mfn), 4096);
		return 0;
	default:
		return -ENOSYS_;
	}
}

int64_t aspace_mmuext_op(struct sandbox *sb, uint64_t list, uint64_t count, uint64_t done_va,
			 uint64_t domid)
{
	int64_t rc = 0;
	uint64_t i;

	if (!sb->as.has_cr3)
		return -ENOSYS_;
	if (!own_domain(sb, domid))
		return -EPERM_;
	as_lock(&sb->as);
	for (i = 0; i < count; i++) {
		struct mmuext_op op;

		rc = aspace_read(sb, list + i * sizeof(op), &op, sizeof(op));
		if (rc == 0)
			rc = mmuext_one(sb, &op);
		if (rc < 0)
			break;
	}
	as_unlock(&sb->as);
	if (done_va && aspace_write(sb, done_va, &(uint32_t){ (uint32_t)i }, 4) < 0)
		return -EFAULT_;
	return rc;
}

/* vm_assist(cmd, type): the types Xen offers a 64-bit PV guest. */
int64_t aspace_vm_assist(struct sandbox *sb, uint64_t cmd, uint64_t type)
{
	const uint64_t offered = (1ull << VMASST_TYPE_4gb_segments) |
				 (1ull << VMASST_TYPE_4gb_segments_notify) |
				 (1ull << VMASST_TYPE_writable_pagetables) |
				 (1ull << VMASST_TYPE_pae_extended_cr3) |
				 (1ull << VMASST_TYPE_architectural_iopl) |
				 (1ull << VMASST_TYPE_runstate_update_flag) |
				 (1ull << VMASST_TYPE_m2p_strict);

	if (type >= 64 || !(offered >> type & 1))
		return -EINVAL_;
	if (cmd == VMASST_CMD_enable)
		sb->as.assist |= 1ull << type;
	else if (cmd == VMASST_CMD_disable)
		sb->as.assist &= ~(1ull << type);
	else
		return -ENOSYS_;
	return 0;
}

/* ---- save and restore (include/vmctl/pv_state.h) ------------------------ */

/* The tree bases, pins (lowest level first, so that a restore types the
 * lower tables before the upper ones check them), vm_assist and the LDT.
 * Returns the number of pins written to pins[] (at most max). */
uint32_t aspace_state_save(struct sandbox *sb, struct pv_state *st, uint64_t *pins, uint32_t max)
{
	struct aspace *a = &sb->as;
	uint32_t n = 0;

	st->assist = a->assist;
	st->ldt_base = a->ldt_base;
	st->ldt_ents = a->ldt_ents;
	if (!a->has_cr3)
		return 0;
	st->flags |= PV_STATE_F_CR3;
	st->kernel_cr3 = a->kernel_cr3;
	st->user_cr3 = a->user_cr3;
	for (int level = 1; level <= 4; level++)
		for (uint64_t f = 0; f < a->nr_frames; f++) {
			if (a->pinned[f] != level || f == a->kernel_cr3)
				continue;
			if (n == max) {
				st->flags |= PV_STATE_F_PINS_CUT;
				return n;
			}
			pins[n++] = f | (uint64_t)level << 56;
		}
	return n;
}

/* After aspace_init mirrored kernel_cr3 (vmhv made it the boot tree): the
 * rest, each piece checked as the hypercall that set it checks it; what
 * fails is left out (the guest sees what Xen would have refused). */
void aspace_state_load(struct sandbox *sb, const struct pv_state *st, const uint64_t *pins)
{
	struct aspace *a = &sb->as;
	struct mmuext_op ldt = { .cmd = MMUEXT_SET_LDT };

	for (uint32_t i = 0; a->has_cr3 && i < st->nr_pins; i++) {
		uint64_t f = PV_STATE_PIN_FRAME(pins[i]);
		unsigned level = PV_STATE_PIN_LEVEL(pins[i]);

		if (level >= 1 && level <= 4)
			ext_pin(a, f, (int)level);
	}
	if (a->has_cr3 && st->user_cr3) {
		struct mmuext_op u = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1.mfn = st->user_cr3 };

		mmuext_one(sb, &u);
	}
	for (unsigned t = 0; t < 64; t++)
		if (st->assist >> t & 1)
			aspace_vm_assist(sb, VMASST_CMD_enable, t);
	ldt.arg1.linear_addr = st->ldt_base;
	ldt.arg2.nr_ents = (unsigned)st->ldt_ents;
	if (st->ldt_ents <= 8192)
		mmuext_one(sb, &ldt);
}

/* ---- user mode ------------------------------------------------------------ */

/* Guest RAM in the physmap, except the frames that hold a vcpu_info (the
 * shim reads those on every way back to the guest). */
static void physmap_protect(struct sandbox *sb, int prot)
{
	struct aspace *a = &sb->as;
	uint64_t ram = sb->boot.shared_info_pfn, keep[PRIVCMD_MAX_VCPUS], start = 0;
	unsigned n = 0;

	for (uint32_t v = 0; v < sb->boot.max_vcpus; v++) {
		uint64_t f = (uint64_t)((uint8_t *)sb->vcpu[v].vi - a->phys) >> 12;
		unsigned i = n++;

		for (; i > 0 && keep[i - 1] > f; i--)
			keep[i] = keep[i - 1];
		keep[i] = f;
	}
	for (unsigned i = 0; i <= n; i++) {
		uint64_t end = i < n && keep[i] < ram ? keep[i] : ram;

		if (end > start)
			sys3(NR_mprotect, a->phys + (start << 12), (end - start) << 12, prot);
		if (end + 1 > start)
			start = end + 1;
		if (end == ram)
			break;
	}
}

/* Hide (PROT_NONE) or show again (each run with its own protection) the
 * pages a subtree maps, without unmapping them: the kernel's pages keep
 * their host page tables across a user-mode visit. */
static void prot_table(struct aspace *a, struct run *r, uint64_t frame, int level,
		       uint64_t base, uint64_t upper)
{
	const uint64_t *t = table(a, frame);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i], va = base + ((uint64_t)i << LEVEL_SHIFT(level));

		if (!(e & PTE_P) || PTE_FRAME(e) >= a->nr_frames || (level > 1 && (e & PTE_PSE)))
			continue;
		if (level == 1) {
			if (!page0_fixed(a, va))
				run_add(a, r, va, PTE_FRAME(e), leaf_prot(e, upper));
		} else {
			prot_table(a, r, PTE_FRAME(e), level - 1, va,
				   (upper & (e | ~PTE_RW)) | (e & PTE_NX));
		}
	}
}

/* The user tree's leaves for the user process (uproc.c), merged into
 * runs as run_add merges the mirror's. */
struct urun {
	uint64_t va, frame, n;
	int prot;
	void (*emit)(void *arg, uint64_t va, uint64_t frame, uint64_t n, int prot);
	void *arg;
};

static void urun_add(struct urun *r, uint64_t va, uint64_t frame, int prot)
{
	if (r->n && va == r->va + (r->n << 12) && frame == r->frame + r->n && prot == r->prot) {
		r->n++;
		return;
	}
	if (r->n)
		r->emit(r->arg, r->va, r->frame, r->n, r->prot);
	r->va = va;
	r->frame = frame;
	r->n = 1;
	r->prot = prot;
}

static void user_walk(struct aspace *a, struct urun *r, uint64_t frame, int level, uint64_t base,
		      uint64_t upper)
{
	const uint64_t *t = table(a, frame);
	unsigned slots = level == 4 ? GUEST_L4_SLOTS : 512;

	for (unsigned i = 0; i < slots; i++) {
		uint64_t e = t[i], va = base + ((uint64_t)i << LEVEL_SHIFT(level));

		if (!(e & PTE_P) || PTE_FRAME(e) >= a->nr_frames || (level > 1 && (e & PTE_PSE)))
			continue;
		if (level == 1) {
			if (va)   /* page 0: the user process cannot map it */
				urun_add(r, va, PTE_FRAME(e), leaf_prot(e, upper));
		} else {
			user_walk(a, r, PTE_FRAME(e), level - 1, va,
				  (upper & (e | ~PTE_RW)) | (e & PTE_NX));
		}
	}
}

void aspace_user_runs(struct sandbox *sb,
		      void (*emit)(void *arg, uint64_t va, uint64_t frame, uint64_t n, int prot),
		      void *arg)
{
	struct aspace *a = &sb->as;
	struct urun r = { .emit = emit, .arg = arg };

	as_lock(a);
	if (a->has_cr3 && a->user_cr3 && a->user_cr3 < a->nr_frames)
		user_walk(a, &r, a->user_cr3, 4, 0, PTE_RW);
	if (r.n)
		emit(arg, r.va, r.frame, r.n, r.prot);
	as_unlock(a);
}

static uint64_t slot_upper(uint64_t l4e)
{
	return (PTE_RW & l4e) | (l4e & PTE_NX);
}

/* Switch the mirror between the kernel and the user tree, L4 slot by L4
 * slot: slots both trees share stay as they are; the kernel's own slots
 * are hidden on the way to user mode and shown again on the way back
 * (only if no user mapping replaced them); the user's own slots are
 * mapped on entry and unmapped on exit. */
static long switch_slots(struct aspace *a, uint64_t to)
{
	const uint64_t *f = table(a, a->cr3), *t = table(a, to);
	int to_user = to == a->user_cr3;
	struct run hide = { .mprotect = 1, .hide = 1 }, show = { .mprotect = 1 }, map = { 0 };

	for (unsigned i = 0; i < GUEST_L4_SLOTS; i++) {
		uint64_t va = (uint64_t)i << 39;

		if (f[i] == t[i] || !(f[i] & PTE_P) || PTE_FRAME(f[i]) >= a->nr_frames)
			continue;
		if (to_user) {
			prot_table(a, &hide, PTE_FRAME(f[i]), 3, va, slot_upper(f[i]));
			a->hidden[i] = 1;
		} else {
			unmirror_table(a, PTE_FRAME(f[i]), 3);
			run_flush(&hide);
			range_unmap(a, va, 1ull << 39);
		}
	}
	run_flush(&hide);
	for (unsigned i = 0; i < GUEST_L4_SLOTS; i++) {
		uint64_t va = (uint64_t)i << 39;

		if (f[i] == t[i] || !(t[i] & PTE_P) || PTE_FRAME(t[i]) >= a->nr_frames)
			continue;
		if (!to_user && a->hidden[i]) {
			prot_table(a, &show, PTE_FRAME(t[i]), 3, va, slot_upper(t[i]));
		} else {
			if (!to_user)
				range_unmap(a, va, 1ull << 39);
			mirror_table(a, &map, PTE_FRAME(t[i]), 3, va, slot_upper(t[i]));
		}
		a->hidden[i] = 0;
	}
	run_flush(&show);
	run_flush(&map);
	a->upper_frame = UINT64_MAX;
	return hide.err ? hide.err : show.err ? show.err : map.err;
}

/* With keys (pkey.c), slot by slot: a slot both trees share carries key
 * 0; the kernel's own slots carry a->pkey, set once and kept (mappings
 * made there later get it in run_flush), so entering and leaving user mode
 * costs nothing for them; only slots the user tree maps differently are
 * remapped on the way in and out, as switch_slots does. */
static long switch_keys(struct aspace *a, int to_user)
{
	const uint64_t *k = table(a, a->kernel_cr3), *u = table(a, a->user_cr3);
	struct run unkey = { .mprotect = 1, .rekey = 1 };
	struct run key = { .mprotect = 1, .rekey = 1, .key = a->pkey }, map = { 0 };

	for (unsigned i = 0; i < GUEST_L4_SLOTS; i++) {
		uint64_t va = (uint64_t)i << 39;
		int kp = (k[i] & PTE_P) && PTE_FRAME(k[i]) < a->nr_frames;
		int up = (u[i] & PTE_P) && PTE_FRAME(u[i]) < a->nr_frames;

		if (k[i] == u[i]) {             /* shared (or empty in both) */
			if (a->keyed[i] && kp)
				prot_table(a, &unkey, PTE_FRAME(k[i]), 3, va, slot_upper(k[i]));
			a->keyed[i] = 0;
		} else if (to_user && !up) {    /* the kernel's own */
			if (!a->keyed[i] && kp)
				prot_table(a, &key, PTE_FRAME(k[i]), 3, va, slot_upper(k[i]));
			a->keyed[i] = 1;
		} else if (to_user) {           /* the user's own, maybe over the kernel's */
			if (kp) {
				unmirror_table(a, PTE_FRAME(k[i]), 3);
				range_unmap(a, va, 1ull << 39);
			}
			a->keyed[i] = 0;
			mirror_table(a, &map, PTE_FRAME(u[i]), 3, va, slot_upper(u[i]));
		} else if (up) {                /* back: the user's own go */
			unmirror_table(a, PTE_FRAME(u[i]), 3);
			run_flush(&map);
			range_unmap(a, va, 1ull << 39);
			if (kp)
				mirror_table(a, &map, PTE_FRAME(k[i]), 3, va, slot_upper(k[i]));
		}
	}
	run_flush(&unkey);
	run_flush(&key);
	run_flush(&map);
	a->upper_frame = UINT64_MAX;
	return unkey.err ? unkey.err : key.err ? key.err : map.err;
}

int aspace_switch(struct sandbox *sb, int user)
{
	struct aspace *a = &sb->as;
	long rc;

	as_lock(a);
	if (a->pkey) {
		rc = switch_keys(a, user);
	} else {
		if (!user)
			physmap_protect(sb, PROT_READ | PROT_WRITE);
		rc = switch_slots(a, user ? a->user_cr3 : a->kernel_cr3);
		if (user)
			physmap_protect(sb, PROT_NONE);
	}
	a->cr3 = user ? a->user_cr3 : a->kernel_cr3;
	aspace_cr3_publish(sb);
	as_unlock(a);
	return rc < 0 ? -ENOMEM_ : 0;
}

/* The physmap and the page-table state get the kernel's key (pkey.c);
 * key 0 undoes it. */
int aspace_pkey_setup(struct sandbox *sb, int key)
{
	struct aspace *a = &sb->as;
	struct { void *p; uint64_t bytes; } parts[] = {
		{ a->phys, a->nr_frames << 12 },
		{ a->where, a->nr_frames * sizeof(a->where[0]) },
		{ a->wmaps, a->nr_frames * sizeof(a->wmaps[0]) },
		{ a->pinned, a->nr_frames },
		{ a->m2p, a->nr_frames * sizeof(a->m2p[0]) },
	};

	a->pkey = key;
	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i].p && sys6(NR_pkey_mprotect, (long)parts[i].p,
				       (long)((parts[i].bytes + 4095) & ~4095ull),
				       PROT_READ | PROT_WRITE, key, 0, 0) < 0)
			return -1;
	}
	return 0;
}

/* ---- the read-only M2P -------------------------------------------------- */

int aspace_m2p_read(struct sandbox *sb, uint64_t va, uint8_t *out, unsigned len)
{
	struct aspace *a = &sb->as;
	uint64_t off = va - PV_M2P_BASE;

	if (va < PV_M2P_BASE || off >= a->nr_frames * 8 || len > a->nr_frames * 8 - off)
		return -EFAULT_;
	memcpy(out, (const uint8_t *)a->m2p + off, len);
	return 0;
}

/* ---- boot --------------------------------------------------------------- */

static void *anon_alloc(uint64_t bytes)
{
	long r = sys6(NR_mmap, 0, (long)((bytes + 4095) & ~4095ull), PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return r < 0 ? NULL : (void *)r;
}

void aspace_cr3_publish(struct sandbox *sb)
{
	for (uint32_t v = 0; v < sb->boot.max_vcpus; v++)
		__atomic_store_n(&sb->vcpu[v].mb->cr3, sb->as.cr3, __ATOMIC_SEQ_CST);
}

/* Map the physmap, and either the boot tree (pinned as Xen's builder
 * pins it) or the flat map. Runs with the sandbox's privileges, so page 0
 * may be mapped. 0, or a message. */
const char *aspace_init(struct sandbox *sb)
{
	struct aspace *a = &sb->as;
	long r;

	a->nr_frames = sb->boot.mem_bytes >> 12;
	a->flat_base = sb->boot.flat_base;
	a->ram_frames = sb->boot.shared_info_pfn; /* the hypervisor frames follow RAM */
	r = sys6(NR_mmap, PV_PHYSMAP_BASE, (long)sb->boot.mem_bytes, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, PV_MEM_FD, 0);
	if (r != (long)PV_PHYSMAP_BASE)
		return "cannot map the physmap";
	a->phys = (uint8_t *)PV_PHYSMAP_BASE;
	if (!sb->boot.has_cr3) {
		r = sys6(NR_mmap, (long)a->flat_base, (long)sb->boot.mem_bytes,
			 PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_FIXED_NOREPLACE,
			 PV_MEM_FD, 0);
		return r == (long)a->flat_base ? 0 : "cannot map guest memory";
	}
	a->where = anon_alloc(a->nr_frames * sizeof(a->where[0]));
	a->wmaps = anon_alloc(a->nr_frames * sizeof(a->wmaps[0]));
	a->pinned = anon_alloc(a->nr_frames);
	a->m2p = anon_alloc(a->nr_frames * sizeof(a->m2p[0]));
	if (!a->where || !a->wmaps || !a->pinned || !a->m2p)
		return "out of memory for the page-table state";
	for (uint64_t f = 0; f < a->nr_frames; f++)
		a->m2p[f] = f;
	if (sb->boot.cr3 >= a->nr_frames)
		return "boot page tables outside guest memory";
	a->has_cr3 = 1;
	a->cr3 = sb->boot.cr3;
	if (mirror_all(a) < 0)
		return "cannot map the boot page tables (VA 0 needs vmhv to run as root)";
	a->pinned[a->cr3] = 4;
	a->kernel_cr3 = a->cr3;
	a->booted = 1;
	return 0;
}
