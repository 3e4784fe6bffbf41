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

/* REP STOS/MOVS forward over plain RAM: whole runs within a page at once. */
static int str_bulk(struct cpu *cpu, const struct insn *in, const struct sctx *c, uint64_t *n)
{
	uint64_t di = idx(cpu, RDI, c->adsz), si = idx(cpu, RSI, c->adsz);
	uint64_t room = 4096 - (di & 0xfff);   /* 64-bit mode: ES base is 0 */
	uint8_t *dst, *src = NULL;
	uint64_t cnt;

	if (in->op >= 0xa6 || c->step < 0 || c->adsz != 8)
		return X_OK;
	if ((in->op & ~1) == 0xa4)
		room = MIN(room, 4096 - ((si + (c->src_seg >= SEG_FS ? cpu->s.seg[c->src_seg].base : 0)) & 0xfff));
	cnt = MIN(*n, room / c->size);
	if (cnt < 2)
		return X_OK;
	if (mem_ptr(cpu, SEG_ES, di, cnt * c->size, true, &dst))
		return X_EXC;
	if ((in->op & ~1) == 0xa4 && mem_ptr(cpu, c->src_seg, si, cnt * c->size, false, &src))
		return X_EXC;
	if (!dst || ((in->op & ~1) == 0xa4 && !src))
		return X_OK;
	if (src) {
		uint64_t bytes = cnt * c->size;

		if (dst >= src + bytes || src >= dst + bytes) {
			memcpy(dst, src, bytes);
		} else {   /* overlapping: element by element, as the ISA defines */
			for (uint64_t i = 0; i < bytes; i += c->size) {
				uint64_t t;

				memcpy(&t, src + i, c->size);
				memcpy(dst + i, &t, c->size);
			}
		}
		idx_add(cpu, in, RSI, 8, bytes);
	} else {
		for (uint64_t i = 0; i < cnt; i++)
			memcpy(dst + i * c->size, &cpu->s.gpr[RAX], c->size);
	}
	idx_add(cpu, in, RDI, 8, cnt * c->size);
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
