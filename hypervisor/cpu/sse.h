/* Helpers shared by the SSE instruction files. */
#ifndef VMCTL_HV_CPU_SSE_H
#define VMCTL_HV_CPU_SSE_H

#include "hypervisor/cpu/cpu_int.h"

typedef union {
	uint8_t b[16];
	uint16_t w[8];
	uint32_t d[4];
	uint64_t q[2];
	int8_t sb[16];
	int16_t sw[8];
	int32_t sd[4];
	int64_t sq[2];
} xmm_t;

/* #UD without CR4.OSFXSR (or with CR0.EM), #NM with CR0.TS. */
int sse_check(struct cpu *cpu);
/* The r/m operand as a full register or `size` bytes of memory (the rest
 * zeroed); `align`: a 16-byte memory operand must be aligned (#GP). */
int sse_rm_read(struct cpu *cpu, const struct insn *in, xmm_t *v, int size, bool align);
int sse_rm_write(struct cpu *cpu, const struct insn *in, const xmm_t *v, int size, bool align);

static inline xmm_t *xmm_reg(struct cpu *cpu, int r)
{
	return (xmm_t *)cpu->s.xmm[r];
}

#endif
