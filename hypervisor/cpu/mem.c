/* Guest memory accesses: segmentation checks, then the TLB fast path (one
 * compare and a memcpy), else the slow path that walks the page tables,
 * splits page-crossing accesses, sends non-RAM to MMIO and notices writes to
 * pages that hold cached code. Logged RAM (mem_log.c) is RAM here too. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/mmu.h"

/* The range that answered last is tried first: page walks and the slow
 * paths ask for the same (large) range again and again. */
uint8_t *mem_host(struct cpu *cpu, uint64_t pa, struct page_meta **meta)
{
	struct ram_range *r = &cpu->ram[cpu->ram_hint];

	if (cpu->nram && pa - r->gpa < r->size)
		goto found;
	for (size_t i = 0; i < cpu->nram; i++) {
		r = &cpu->ram[i];
		if (pa - r->gpa < r->size) {
			cpu->ram_hint = i;
			goto found;
		}
	}
	return mem_log_host(cpu, pa, meta);
found:
	if (meta)
		*meta = &r->meta[(pa - r->gpa) >> 12];
	return r->host + (pa - r->gpa);
}

int mem_read_phys(struct cpu *cpu, uint64_t pa, int size, void *dst)
{
	uint8_t *h = mem_host(cpu, pa, NULL);

	/* RAM ranges are whole pages: within one page, one lookup says it */
	if (h && ((pa & 0xfff) + (uint64_t)size <= 4096 || mem_host(cpu, pa + size - 1, NULL)))
		memcpy(dst, h, size);
	else
		memset(dst, 0xff, size);   /* nothing answers: all ones */
	return X_OK;
}

int mem_write_phys(struct cpu *cpu, uint64_t pa, int size, const void *src)
{
	struct page_meta *meta;
	uint8_t *h = mem_host(cpu, pa, &meta);

	if (!h || !mem_host(cpu, pa + size - 1, NULL))
		return X_OK;
	if (meta->code)
		cpu_invalidate_code(cpu, pa, size);
	memcpy(h, src, size);
	return X_OK;
}

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static int seg_fault(int seg)
{
	return seg == SEG_SS ? EXC_SS : EXC_GP;
}

/* Limit and type checks of protected/real mode; base added. */
static int seg_check_legacy(struct cpu *cpu, int seg, uint64_t off, int size, bool write,
			    uint64_t *lin)
{
	const struct cpu_seg *s = &cpu->s.seg[seg];
	unsigned type = s->attr & 0xf;
	uint64_t last = off + size - 1;

	if ((cpu->s.cr0 & CR0_PE) && !(cpu->s.rflags & FL_VM)) {
		if (!(s->attr & SEG_ATTR_P))
			return excp_raise(cpu, seg_fault(seg), true, 0);
		if ((type & 8) ? (write || !(type & 2)) : (write && !(type & 2)))
			return excp_raise(cpu, seg_fault(seg), true, 0);
	}
	if (!(type & 8) && (type & 4)) {   /* expand-down data */
		uint64_t top = (s->attr & SEG_ATTR_DB) ? 0xffffffffull : 0xffff;

		if (off <= s->limit || last > top)
			return excp_raise(cpu, seg_fault(seg), true, 0);
	} else if (last > s->limit) {
		return excp_raise(cpu, seg_fault(seg), true, 0);
	}
	*lin = (uint32_t)(s->base + off);
	return X_OK;
}

static int seg_check(struct cpu *cpu, int seg, uint64_t off, int size, bool write, uint64_t *lin)
{
	if (cpu->mode == 64) {
		*lin = off + (seg >= SEG_FS ? cpu->s.seg[seg].base : 0);
		if (!canonical(*lin) || !canonical(*lin + size - 1))
			return excp_raise(cpu, seg_fault(seg), true, 0);
	} else if (seg_check_legacy(cpu, seg, off, size, write, lin)) {
		return X_EXC;
	}
	if (size > 1 && (*lin & (size - 1)) && size <= 8 && cpu->s.cpl == 3 &&
	    (cpu->s.cr0 & CR0_AM) && (flags_get(cpu) & FL_AC))
		return excp_raise(cpu, EXC_AC, true, 0);
	return X_OK;
}

/* Access one piece that does not cross a page. */
static int lin_piece(struct cpu *cpu, uint64_t lin, int size, uint8_t *buf, bool write, bool user)
{
	struct page_meta *meta;
	uint64_t pa, v;
	uint8_t *h;

	if (mmu_translate(cpu, lin, write ? TLB_W : TLB_R, user, &pa))
		return X_EXC;
	h = mem_host(cpu, pa, &meta);
	if (!h) {
		int rc;

		v = 0;
		if (write)
			memcpy(&v, buf, size);
		rc = io_mmio(cpu, pa, size, write, &v);
		if (!write)
			memcpy(buf, &v, size);
		return rc;
	}
	if (!write) {
		memcpy(buf, h, size);
		return X_OK;
	}
	if (meta->code)
		cpu_invalidate_code(cpu, pa, size);
	memcpy(h, buf, size);
	return X_OK;
}

/* Slow path: split at page boundaries (and into <= 8-byte MMIO pieces). For
 * writes, both pages are translated first so a fault leaves memory intact. */
static int lin_slow(struct cpu *cpu, uint64_t lin, int size, uint8_t *buf, bool write, bool user)
{
	int done = 0;
	uint64_t pa;

	if (write && ((lin & 0xfff) + size > 4096) &&
	    mmu_translate(cpu, (lin + size - 1), TLB_W, user, &pa))
		return X_EXC;
	while (done < size) {
		uint64_t a = lin + done;
		int n = MIN_INT(size - done, (int)(4096 - (a & 0xfff)));

		n = MIN_INT(n, 8);
		int rc = lin_piece(cpu, a, n, buf + done, write, user);

		if (rc)
			return rc;
		done += n;
	}
	return X_OK;
}

int mem_read_lin(struct cpu *cpu, uint64_t lin, int size, void *dst, bool sys)
{
	bool user = cpu->s.cpl == 3 && !sys;
	uint8_t *h;

	if (cpu->mode != 64)
		lin = (uint32_t)lin;
	if ((lin & 0xfff) + size <= 4096 && (h = tlb_hit(&cpu->tlb, lin, TLB_R, user))) {
		memcpy(dst, h, size);
		return X_OK;
	}
	return lin_slow(cpu, lin, size, dst, false, user);
}

int mem_write_lin(struct cpu *cpu, uint64_t lin, int size, const void *src, bool sys)
{
	bool user = cpu->s.cpl == 3 && !sys;
	uint8_t *h;

	if (cpu->mode != 64)
		lin = (uint32_t)lin;
	if ((lin & 0xfff) + size <= 4096 && (h = tlb_hit(&cpu->tlb, lin, TLB_W, user))) {
		memcpy(h, src, size);
		return X_OK;
	}
	return lin_slow(cpu, lin, size, (uint8_t *)src, true, user);
}

int mem_read(struct cpu *cpu, int seg, uint64_t off, int size, void *dst)
{
	uint64_t lin;

	if (seg_check(cpu, seg, off, size, false, &lin))
		return X_EXC;
	return mem_read_lin(cpu, lin, size, dst, false);
}

int mem_write(struct cpu *cpu, int seg, uint64_t off, int size, const void *src)
{
	uint64_t lin;

	if (seg_check(cpu, seg, off, size, true, &lin))
		return X_EXC;
	return mem_write_lin(cpu, lin, size, src, false);
}

int mem_ptr(struct cpu *cpu, int seg, uint64_t off, int len, bool write, uint8_t **host)
{
	struct page_meta *meta;
	uint64_t lin, pa;

	*host = NULL;
	if (seg_check(cpu, seg, off, len, write, &lin))
		return X_EXC;
	if (cpu->mode != 64)
		lin = (uint32_t)lin;
	if ((lin & 0xfff) + len > 4096)
		return X_OK;
	if (mmu_translate(cpu, lin, write ? TLB_W : TLB_R, cpu->s.cpl == 3, &pa))
		return X_EXC;
	*host = mem_host(cpu, pa, &meta);
	if (*host && write && meta->code)
		cpu_invalidate_code(cpu, pa, len);
	return X_OK;
}
