/* Computing the lazily recorded arithmetic flags. */
#include "hypervisor/cpu/cpu_int.h"

uint64_t flags_szp(uint64_t res, int size)
{
	uint64_t f = 0;

	res &= size_mask(size);
	if (!res)
		f |= FL_ZF;
	if (res >> (8 * size - 1))
		f |= FL_SF;
	if (!__builtin_parity((unsigned)(res & 0xff)))
		f |= FL_PF;
	return f;
}

static bool lazy_cf(const struct lflags *lf)
{
	uint64_t m = size_mask(lf->size);
	uint64_t s1 = lf->s1 & m, s2 = lf->s2 & m, res = lf->res & m;

	switch (lf->op) {
	case LF_ADD: return res < s1;
	case LF_ADC: return lf->cf ? res <= s1 : res < s1;
	case LF_SUB: return s1 < s2;
	case LF_SBB: return lf->cf ? s1 <= s2 : s1 < s2;
	case LF_INC: case LF_DEC: case LF_RES: return lf->cf;
	default: return false;
	}
}

static bool lazy_of(const struct lflags *lf)
{
	int top = 8 * lf->size - 1;

	switch (lf->op) {
	case LF_ADD: case LF_ADC: case LF_INC:
		return (((lf->s1 ^ lf->res) & (lf->s2 ^ lf->res)) >> top) & 1;
	case LF_SUB: case LF_SBB: case LF_DEC:
		return (((lf->s1 ^ lf->s2) & (lf->s1 ^ lf->res)) >> top) & 1;
	case LF_RES:
		return lf->s2 & 1;
	default:
		return false;
	}
}

uint64_t flags_get(const struct cpu *cpu)
{
	const struct lflags *lf = &cpu->lf;
	uint64_t f = cpu->s.rflags;

	if (lf->op == LF_EAGER)
		return f;
	f &= ~(uint64_t)FL_ARITH;
	f |= flags_szp(lf->res, lf->size);
	if (lazy_cf(lf))
		f |= FL_CF;
	if (lazy_of(lf))
		f |= FL_OF;
	if (lf->op != LF_LOGIC && lf->op != LF_RES && ((lf->s1 ^ lf->s2 ^ lf->res) & 0x10))
		f |= FL_AF;
	return f;
}

void flags_sync(struct cpu *cpu)
{
	cpu->s.rflags = flags_get(cpu);
	cpu->lf.op = LF_EAGER;
}

void flags_update(struct cpu *cpu, uint64_t mask, uint64_t val)
{
	flags_sync(cpu);
	cpu->s.rflags = (cpu->s.rflags & ~mask) | (val & mask);
}

bool flags_cf(const struct cpu *cpu)
{
	if (cpu->lf.op == LF_EAGER)
		return cpu->s.rflags & FL_CF;
	return lazy_cf(&cpu->lf);
}

/* The general case (cond_fast() in cpu_int.h answers the common ones). */
bool flags_cond(const struct cpu *cpu, int cc)
{
	uint64_t f;
	bool r;

	f = flags_get(cpu);
	switch (cc >> 1) {
	case 0: r = f & FL_OF; break;
	case 1: r = f & FL_CF; break;
	case 2: r = f & FL_ZF; break;
	case 3: r = f & (FL_CF | FL_ZF); break;
	case 4: r = f & FL_SF; break;
	case 5: r = f & FL_PF; break;
	case 6: r = !!(f & FL_SF) != !!(f & FL_OF); break;
	default: r = (f & FL_ZF) || (!!(f & FL_SF) != !!(f & FL_OF)); break;
	}
	return r ^ (cc & 1);
}
