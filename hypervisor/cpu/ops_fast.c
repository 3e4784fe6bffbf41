/* Specialized handlers for the hottest instruction forms of 64-bit code
 * (what a decompressor or a kernel spends its time in): loads, stores,
 * MOVZX/MOVSX, LEA with a base or base + index address, CMOVcc between
 * registers, Jcc and JMP. The decoder picks them (fast_form()) when the
 * form fits; each is one small function per operand size and address form
 * so that the compiler folds all the size and mode switches of the generic
 * handlers away. A memory access that misses the TLB, crosses a page or may
 * need an alignment check is handed to the generic handler, which does the
 * whole job (faults included), so these never change behaviour. */
#include "hypervisor/cpu/cpu_int.h"

/* What a load does with the value: kind of destination write. */
enum { LD_Z32, LD_64, LD_ZX8, LD_ZX16, LD_SX8, LD_SX16, LD_SX32, LD_LOW8 };

ALWAYS_INLINE void fast_dest(struct cpu *cpu, const struct insn *in, int kind, const uint8_t *h)
{
	uint64_t *d = &cpu->s.gpr[in->reg];

	switch (kind) {
	case LD_Z32: *d = host_load(h, 4); break;
	case LD_64: *d = host_load(h, 8); break;
	case LD_ZX8: *d = h[0]; break;
	case LD_ZX16: *d = host_load(h, 2); break;
	/* sign extension to 32 bits zero-extends to 64 (REX.W clear) */
	case LD_SX8: *d = in->opsz == 8 ? (uint64_t)(int8_t)h[0] : (uint32_t)(int8_t)h[0]; break;
	case LD_SX16:
		*d = in->opsz == 8 ? (uint64_t)(int16_t)host_load(h, 2)
				   : (uint32_t)(int16_t)host_load(h, 2);
		break;
	case LD_SX32: *d = (uint64_t)(int32_t)host_load(h, 4); break;
	default: *d = (*d & ~0xffull) | h[0]; break;
	}
}

static const int ld_size[] = { 4, 8, 1, 2, 1, 2, 4, 1 };

ALWAYS_INLINE int fast_load(struct cpu *cpu, const struct insn *in, int form, int kind, op_fn slow)
{
	uint8_t *h = fast_host(cpu, in, form, ld_size[kind], TLB_R);

	if (!h)
		return slow(cpu, in);
	fast_dest(cpu, in, kind, h);
	return X_OK;
}

/* Stores of a register's low `size` bytes (size 1: only without AH..BH). */
ALWAYS_INLINE int fast_store(struct cpu *cpu, const struct insn *in, int form, int size)
{
	uint8_t *h = fast_host(cpu, in, form, size, TLB_W);

	if (!h)
		return op_mov_rm_r(cpu, in);
	host_store(h, size, cpu->s.gpr[in->reg]);
	return X_OK;
}

FAST_FORMS(op_fl_, z32, fast_load, LD_Z32, op_mov_r_rm)
FAST_FORMS(op_fl_, q64, fast_load, LD_64, op_mov_r_rm)
FAST_FORMS(op_fl_, low8, fast_load, LD_LOW8, op_mov_r_rm)
FAST_FORMS(op_fl_, zx8, fast_load, LD_ZX8, op_movzx_sx)
FAST_FORMS(op_fl_, zx16, fast_load, LD_ZX16, op_movzx_sx)
FAST_FORMS(op_fl_, sx8, fast_load, LD_SX8, op_movzx_sx)
FAST_FORMS(op_fl_, sx16, fast_load, LD_SX16, op_movzx_sx)
FAST_FORMS(op_fl_, sx32, fast_load, LD_SX32, op_movsxd)
FAST_FORMS(op_fs_, b8, fast_store, 1)
FAST_FORMS(op_fs_, w16, fast_store, 2)
FAST_FORMS(op_fs_, d32, fast_store, 4)
FAST_FORMS(op_fs_, q64, fast_store, 8)

static int op_lea32_b(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = (uint32_t)fast_ea(cpu, in, EA_B);
	return X_OK;
}

static int op_lea32_bi(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = (uint32_t)fast_ea(cpu, in, EA_BI);
	return X_OK;
}

static int op_lea64_b(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = fast_ea(cpu, in, EA_B);
	return X_OK;
}

static int op_lea64_bi(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = fast_ea(cpu, in, EA_BI);
	return X_OK;
}

static int op_lea64_rip(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = fast_ea(cpu, in, EA_RIP);
	return X_OK;
}

/* CMOVcc between registers: a 32-bit form zero-extends even when false. */
static int op_cmov32_rr(struct cpu *cpu, const struct insn *in)
{
	uint64_t *d = &cpu->s.gpr[in->reg];

	*d = (uint32_t)(cond_fast(cpu, in->op & 15) ? cpu->s.gpr[in->rm] : *d);
	return X_OK;
}

static int op_cmov64_rr(struct cpu *cpu, const struct insn *in)
{
	if (cond_fast(cpu, in->op & 15))
		cpu->s.gpr[in->reg] = cpu->s.gpr[in->rm];
	return X_OK;
}

/* MOVZX between registers (the source without AH..BH). */
static int op_zx8_rr(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = cpu->s.gpr[in->rm] & 0xff;
	return X_OK;
}

static int op_zx16_rr(struct cpu *cpu, const struct insn *in)
{
	cpu->s.gpr[in->reg] = cpu->s.gpr[in->rm] & 0xffff;
	return X_OK;
}

/* Near branches in 64-bit mode (operand size is always 64 there). */
static int jump64(struct cpu *cpu, uint64_t target)
{
	if ((uint64_t)((int64_t)(target << 16) >> 16) != target)
		return excp_gp(cpu, 0);
	cpu->next_rip = target;
	return X_OK;
}

static int op_jcc64(struct cpu *cpu, const struct insn *in)
{
	if (!cond_fast(cpu, in->op & 15))
		return X_OK;
	return jump64(cpu, cpu->next_rip + in->imm);
}

static int op_jmp64(struct cpu *cpu, const struct insn *in)
{
	return jump64(cpu, cpu->next_rip + in->imm);
}

/* Handler tables by address form: [B, BI, RIP] (NULL: not specialized). */
#define FORMS(p, name) { p##name##_b, p##name##_bi, p##name##_rip }
static const op_fn ld_z32[3] = FORMS(op_fl_, z32), ld_q64[3] = FORMS(op_fl_, q64);
static const op_fn ld_low8[3] = FORMS(op_fl_, low8);
static const op_fn ld_zx8[3] = FORMS(op_fl_, zx8), ld_zx16[3] = FORMS(op_fl_, zx16);
static const op_fn ld_sx8[3] = FORMS(op_fl_, sx8), ld_sx16[3] = FORMS(op_fl_, sx16);
static const op_fn ld_sx32[3] = FORMS(op_fl_, sx32);
static const op_fn st_b8[3] = FORMS(op_fs_, b8), st_d32[3] = FORMS(op_fs_, d32);
static const op_fn st_q64[3] = FORMS(op_fs_, q64), st_w16[3] = FORMS(op_fs_, w16);
static const op_fn lea32[3] = { op_lea32_b, op_lea32_bi, NULL };
static const op_fn lea64[3] = { op_lea64_b, op_lea64_bi, op_lea64_rip };

static int ea_form(const struct insn *in)
{
	if (in->adsz != 8)
		return -1;
	if (in->riprel)
		return in->index < 0 ? EA_RIP : -1;
	if (in->base < 0)
		return -1;
	return in->index < 0 ? EA_B : EA_BI;
}

/* A byte register operand without REX that names AH..BH. */
static bool high8(const struct insn *in, int r)
{
	return !in->rex && r >= 4 && r < 8;
}

static op_fn fast_mem(const struct insn *in)
{
	int f = ea_form(in);
	bool wide = in->opsz >= 4;

	if (f < 0)
		return NULL;
	if (in->map == MAP_1B) {
		switch (in->op) {
		case 0x8b: return wide ? (in->opsz == 8 ? ld_q64 : ld_z32)[f] : NULL;
		case 0x8a: return high8(in, in->reg) ? NULL : ld_low8[f];
		case 0x89: return (in->opsz == 8 ? st_q64 : in->opsz == 4 ? st_d32 : st_w16)[f];
		case 0x88: return high8(in, in->reg) ? NULL : st_b8[f];
		case 0x8d: return wide ? (in->opsz == 8 ? lea64 : lea32)[f] : NULL;
		case 0x63: return in->opsz == 8 ? ld_sx32[f] : NULL;
		default: return alu_mem_fast(in, f);
		}
	}
	if (in->map != MAP_0F || !wide)
		return NULL;
	switch (in->op) {
	case 0xb6: return ld_zx8[f];
	case 0xb7: return ld_zx16[f];
	case 0xbe: return ld_sx8[f];
	case 0xbf: return ld_sx16[f];
	default: return NULL;
	}
}

static op_fn fast_reg(const struct insn *in)
{
	if (in->map != MAP_0F || in->opsz < 4)
		return NULL;
	if (in->op >= 0x40 && in->op <= 0x4f)
		return in->opsz == 8 ? op_cmov64_rr : op_cmov32_rr;
	if (in->op == 0xb6 && !high8(in, in->rm))
		return op_zx8_rr;
	if (in->op == 0xb7)
		return op_zx16_rr;
	return NULL;
}

op_fn fast_form(const struct insn *in)
{
	if (in->mode != 64 || in->lock || in->fn == op_ud)
		return NULL;
	if (in->map == MAP_1B && in->opsz == 8 &&
	    ((in->op >= 0x70 && in->op <= 0x7f) || in->op == 0xeb || in->op == 0xe9))
		return in->op >= 0xe9 ? op_jmp64 : op_jcc64;
	if (in->map == MAP_0F && in->opsz == 8 && in->op >= 0x80 && in->op <= 0x8f)
		return op_jcc64;
	if (!in->has_modrm)
		return NULL;
	return in->mod == 3 ? fast_reg(in) : fast_mem(in);
}
