/* Lazy arithmetic flags. ALU instructions only record the operation, the
 * operands and the result; CF/PF/AF/ZF/SF/OF are computed when something reads
 * them (Jcc, SETcc, PUSHF, ADC, ...). Instructions with unusual flag rules
 * (shifts, multiply, bit scans) compute the flags at once (LF_EAGER). */
#ifndef VMCTL_HV_CPU_FLAGS_H
#define VMCTL_HV_CPU_FLAGS_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/* LF_RES: SF/ZF/PF from the result, CF and OF given (cf, s2), AF clear:
 * what shifts and multiplies produce. */
enum lf_op { LF_EAGER, LF_ADD, LF_ADC, LF_SUB, LF_SBB, LF_LOGIC, LF_INC, LF_DEC, LF_RES };

struct lflags {
	uint64_t res, s1, s2;
	uint8_t op;               /* enum lf_op */
	uint8_t size;             /* operand size in bytes */
	bool cf;                  /* carry in (ADC/SBB), old CF (INC/DEC) */
};

static inline void flags_lazy(struct lflags *lf, int op, int size,
			      uint64_t s1, uint64_t s2, uint64_t res)
{
	lf->op = op;
	lf->size = size;
	lf->s1 = s1;
	lf->s2 = s2;
	lf->res = res;
}

/* Record a result whose CF and OF are already known (shifts, multiplies). */
static inline void flags_lazy_res(struct lflags *lf, int size, uint64_t res, bool cf, bool of)
{
	lf->op = LF_RES;
	lf->size = size;
	lf->res = res;
	lf->cf = cf;
	lf->s2 = of;
}

/* The full RFLAGS value (the lazy part computed). */
uint64_t flags_get(const struct cpu *cpu);
/* Store the computed flags in the state so that they can be edited. */
void flags_sync(struct cpu *cpu);
/* Set RFLAGS bits in `mask` to `val` (others kept); flags become eager. */
void flags_update(struct cpu *cpu, uint64_t mask, uint64_t val);
/* The carry flag alone (cheap for the common lazy cases). */
bool flags_cf(const struct cpu *cpu);
/* Condition code cc (0-15, the Jcc encoding) true? */
bool flags_cond(const struct cpu *cpu, int cc);
/* The RFLAGS bits POPF/IRET may change at the current CPL and IOPL. */
uint64_t flags_writable(const struct cpu *cpu);
/* ZF, SF, PF of a result of `size` bytes, as a flags word. */
uint64_t flags_szp(uint64_t res, int size);

#endif
