/* String instructions MOVS CMPS STOS LODS SCAS INS OUTS with REP/REPE/REPNE
 * in every address size. A REP instruction runs a bounded number of
 * iterations per step and then restarts itself, so interrupts and kicks are
 * seen during long copies; registers are exact after a fault. REP INS/OUTS
 * becomes one I/O access carrying a count and the guest buffer. */
#include "hypervisor/cpu/cpu_int.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define REP_CHUNK 4096

struct sctx {
	int size, adsz;
	int64_t step;
	int src_seg;
};

static void sctx_init(struct sctx *c, const struct cpu *cpu, const struct insn *in)
{
	c->size = op_size_w(in);
	c->adsz = in->adsz;
	c->step = (cpu->s.rflags & FL_DF) ? -c->size : c->size;
	c->src_seg = in->seg;
}

static void idx_add(struct cpu *cpu, const struct insn *in, int r, int adsz, int64_t d)
{
	reg_write(cpu, in, r, adsz, cpu->s.gpr[r] + d);
}

static uint64_t idx(const struct cpu *cpu, int r, int adsz)
{
	return addr_mask(adsz, cpu->s.gpr[r]);
}

/* One iteration; *stop for REPE/REPNE termination. */
static int str_one(struct cpu *cpu, const struct insn *in, const struct sctx *c, bool *stop)
{
	uint64_t a, b;
	int op = in->op & ~1;

	switch (op) {
	case 0xa4:   /* MOVS */
		if (mem_read_u(cpu, c->src_seg, idx(cpu, RSI, c->adsz), c->size, &a) ||
		    mem_write_u(cpu, SEG_ES, idx(cpu, RDI, c->adsz), c->size, a))
			return X_EXC;
		idx_add(cpu, in, RSI, c->adsz, c->step);
		idx_add(cpu, in, RDI, c->adsz, c->step);
		return X_OK;
	case 0xaa:   /* STOS */
		if (mem_write_u(cpu, SEG_ES, idx(cpu, RDI, c->adsz), c->size, cpu->s.gpr[RAX]))
			return X_EXC;
		idx_add(cpu, in, RDI, c->adsz, c->step);
		return X_OK;
	case 0xac:   /* LODS */
		if (mem_read_u(cpu, c->src_seg, idx(cpu, RSI, c->adsz), c->size, &a))
			return X_EXC;
		reg_write(cpu, in, RAX, c->size, a);
		idx_add(cpu, in, RSI, c->adsz, c->step);
		return X_OK;
	case 0xa6:   /* CMPS */
		if (mem_read_u(cpu, c->src_seg, idx(cpu, RSI, c->adsz), c->size, &a) ||
		    mem_read_u(cpu, SEG_ES, idx(cpu, RDI, c->adsz), c->size, &b))
			return X_EXC;
		idx_add(cpu, in, RSI, c->adsz, c->step);
		idx_add(cpu, in, RDI, c->adsz, c->step);
		break;
	default:     /* SCAS */
		if (mem_read_u(cpu, SEG_ES, idx(cpu, RDI, c->adsz), c->size, &b))
			return X_EXC;
		a = reg_read(cpu, in, RAX, c->size);
		idx_add(cpu, in, RDI, c->adsz, c->step);
		break;
	}
	flags_lazy(&cpu->lf, LF_SUB, c->size, a, b, (a - b) & size_mask(c->size));
	*stop = in->rep == 0xf3 ? a != b : a == b;
	return X_OK;
}

/* ---- REP MOVS/STOS over plain RAM, a page's run at once ---- */

/* The linear base of a segment for the page arithmetic below. */
static uint64_t bulk_base(const struct cpu *cpu, int seg)
{
	return cpu->mode == 64 && seg < SEG_FS ? 0 : cpu->s.seg[seg].base;
}

/* Whether offsets [lo, lo + bytes) of a segment pass its checks all alike,
 * so a fault, if any, is the first element's: always in 64-bit mode; in
 * other modes within the limit of a segment that is not expand-down (the
 * block then runs element by element, which faults at the exact one). */
static bool bulk_seg_ok(const struct cpu *cpu, int seg, uint64_t lo, uint64_t bytes)
{
	const struct cpu_seg *sg = &cpu->s.seg[seg];

	if (cpu->mode == 64)
		return true;
	if (!(sg->attr & 8) && (sg->attr & 4))
		return false;
	return lo + bytes - 1 <= sg->limit;
}

/* How many elements from offset `off` on stay within its page (and do not
 * wrap the address size), going up or down. */
static uint64_t bulk_room(const struct cpu *cpu, const struct sctx *c, int seg, uint64_t off)
{
	uint64_t in_page = (bulk_base(cpu, seg) + off) & 0xfff, fwd = 4096 - in_page;

	if (c->step > 0) {
		if (c->adsz == 4)
			fwd = MIN(fwd, 0x100000000ull - off);
		return fwd / c->size;
	}
	if (in_page + c->size > 4096)
		return 0;   /* the first element crosses the page */
	return MIN(in_page, off) / c->size + 1;
}

/* Copy or fill cnt elements between host pointers in the instruction's
 * direction; dst and src point at the lowest element. */
static void bulk_copy(uint8_t *dst, const uint8_t *src, const struct sctx *c, uint64_t cnt,
		      uint64_t rax)
{
	uint64_t bytes = cnt * c->size;

	if (!src) {
		for (uint64_t i = 0; i < bytes; i += c->size)
			memcpy(dst + i, &rax, c->size);
	} else if (dst >= src + bytes || src >= dst + bytes) {
		memcpy(dst, src, bytes);
	} else if (c->step > 0) {   /* overlapping: element by element, as the ISA defines */
		for (uint64_t i = 0; i < bytes; i += c->size) {
			uint64_t t;

			memcpy(&t, src + i, c->size);
			memcpy(dst + i, &t, c->size);
		}
	} else {
		for (uint64_t i = bytes; i; i -= c->size) {
			uint64_t t;

			memcpy(&t, src + i - c->size, c->size);
			memcpy(dst + i - c->size, &t, c->size);
		}
	}
}

/* REP STOS/MOVS over plain RAM, either direction, 32- or 64-bit addresses:
 * the elements within the current page(s) at once (the boot's kernel
 * copies itself downwards with STD; REP MOVSQ, SeaBIOS copies with 32-bit
 * addresses). The first element is translated first, so a fault is the
 * one the element-by-element path raises; anything else (MMIO, a page
 * boundary, a 16-bit address size) is left to it. */
static int str_bulk(struct cpu *cpu, const struct insn *in, const struct sctx *c, uint64_t *n)
{
	bool movs = (in->op & ~1) == 0xa4;
	uint64_t di = idx(cpu, RDI, c->adsz), si = idx(cpu, RSI, c->adsz);
	uint64_t cnt, bytes, span, dlo, slo;
	uint8_t *dst, *src = NULL, *first;

	/* (until 2026-11-30 STOS never got here: Linux's memset and page
	 * clearing, 35 M elements per boot, went one by one) */
	if ((!movs && (in->op & ~1) != 0xaa) || c->adsz == 2)
		return X_OK;
	cnt = MIN(*n, bulk_room(cpu, c, SEG_ES, di));
	if (movs)
		cnt = MIN(cnt, bulk_room(cpu, c, c->src_seg, si));
	if (cnt < 2)
		return X_OK;
	bytes = cnt * c->size;
	span = c->step > 0 ? 0 : bytes - c->size;   /* from the lowest element */
	dlo = di - span;
	slo = si - span;
	if (!bulk_seg_ok(cpu, SEG_ES, dlo, bytes) ||
	    (movs && !bulk_seg_ok(cpu, c->src_seg, slo, bytes)))
		return X_OK;
	/* the first element's read, then its write, fault as they would alone */
	if (movs && mem_ptr(cpu, c->src_seg, si, c->size, false, &first))
		return X_EXC;
	if (mem_ptr(cpu, SEG_ES, di, c->size, true, &first))
		return X_EXC;
	if (movs && (mem_ptr(cpu, c->src_seg, slo, (int)bytes, false, &src) || !src))
		return X_OK;   /* the same pages: no fault; not RAM: one by one */
	if (mem_ptr(cpu, SEG_ES, dlo, (int)bytes, true, &dst) || !dst)
		return X_OK;
	bulk_copy(dst, src, c, cnt, cpu->s.gpr[RAX]);
	cpu->stats.str_elems[1] += cnt;
	if (movs)
		idx_add(cpu, in, RSI, c->adsz, c->step * (int64_t)cnt);
	idx_add(cpu, in, RDI, c->adsz, c->step * (int64_t)cnt);
	*n -= cnt;
	return X_OK;
}

int op_string(struct cpu *cpu, const struct insn *in)
{
	struct sctx c;
	uint64_t n;
	bool stop = false;

	sctx_init(&c, cpu, in);
	if (!in->rep)
		return str_one(cpu, in, &c, &stop);
	n = idx(cpu, RCX, c.adsz);
	for (int chunk = 0; n && chunk < REP_CHUNK && !stop; chunk++) {
		if (str_bulk(cpu, in, &c, &n)) {
			reg_write(cpu, in, RCX, c.adsz, n);
			return X_EXC;
		}
		if (!n)
			break;
		if (str_one(cpu, in, &c, &stop)) {
			reg_write(cpu, in, RCX, c.adsz, n);
			return X_EXC;
		}
		cpu->stats.str_elems[0]++;
		n--;
		/* this iteration is committed: a later I/O exit replays from here */
		cpu->replay.done = cpu->replay.seen = 0;
	}
	reg_write(cpu, in, RCX, c.adsz, n);
	if (n && !stop)
		cpu->next_rip = cpu->s.rip;   /* not done: run it again */
	return X_OK;
}

/* INS (6C/6D) and OUTS (6E/6F) */
int op_ins_outs(struct cpu *cpu, const struct insn *in)
{
	struct sctx c;
	bool is_in = in->op < 0x6e;
	uint16_t port = cpu->s.gpr[RDX];
	int r = is_in ? RDI : RSI, seg = is_in ? SEG_ES : in->seg, rc;
	uint64_t n = in->rep ? idx(cpu, RCX, in->adsz) : 1, cnt, v = 0;
	uint8_t *h = NULL;

	sctx_init(&c, cpu, in);
	if (io_check_perm(cpu, port, c.size))
		return X_EXC;
	if (!n)
		return X_OK;
	cnt = c.step > 0 ? MIN(n, (4096 - ((cpu->s.seg[seg].base + idx(cpu, r, c.adsz)) & 0xfff)) / c.size) : 1;
	if (cnt > 1 && mem_ptr(cpu, seg, idx(cpu, r, c.adsz), cnt * c.size, is_in, &h))
		return X_EXC;
	if (cnt > 1 && h) {
		rc = io_rep(cpu, port, c.size, is_in, h, cnt);
	} else {
		cnt = 1;
		if (is_in) {
			/* probe the destination first: a fault must not lose the input */
			if (mem_read_u(cpu, SEG_ES, idx(cpu, r, c.adsz), c.size, &v))
				return X_EXC;
			rc = io_in(cpu, port, c.size, &v);
			if (!rc && mem_write_u(cpu, SEG_ES, idx(cpu, r, c.adsz), c.size, v))
				return X_EXC;
		} else {
			if (mem_read_u(cpu, seg, idx(cpu, r, c.adsz), c.size, &v))
				return X_EXC;
			rc = io_out(cpu, port, c.size, v);
		}
	}
	if (rc)
		return rc;
	idx_add(cpu, in, r, c.adsz, c.step * (int64_t)cnt);
	if (in->rep) {
		reg_write(cpu, in, RCX, c.adsz, n - cnt);
		if (n - cnt)
			cpu->next_rip = cpu->s.rip;
	}
	return X_OK;
}
