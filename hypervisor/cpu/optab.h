/* The opcode dispatch table, built from optab.def. Every implemented opcode
 * is one line there: map, opcode, selector, handler. The selector says how a
 * shared opcode is split: ANY (not split), R(n) (ModRM.reg = n: opcode
 * groups), P(x) (mandatory prefix NP/66/F3/F2: SSE), PR(x, n) (both). */
#ifndef VMCTL_HV_CPU_OPTAB_H
#define VMCTL_HV_CPU_OPTAB_H

#include "hypervisor/cpu/decode.h"

enum { SEL_NONE, SEL_REG, SEL_PFX, SEL_PFX_REG };

extern const uint8_t optab_select[4][256];

/* The handler for (map, opcode, selector index); op_ud when none. */
op_fn optab_lookup(unsigned map, unsigned op, unsigned sel);

#define OP(map, opcode, sel, name) int op_##name(struct cpu *cpu, const struct insn *in);
#include "hypervisor/cpu/optab.def"
#undef OP
int op_ud(struct cpu *cpu, const struct insn *in);
/* LOCKed read-modify-writes and XCHG with memory, atomic between vCPUs
 * (ops_lock.c); it runs the instruction's plain handler. */
int op_locked(struct cpu *cpu, const struct insn *in);
op_fn insn_plain_handler(const struct insn *in);
/* Specialized register forms the decoder picks (insn_specialize). */
int op_alu_rr(struct cpu *cpu, const struct insn *in);
int op_alu_ri(struct cpu *cpu, const struct insn *in);
int op_mov_rr(struct cpu *cpu, const struct insn *in);
/* The specialized ALU handler for operation `kind` (0-7 as in the opcode)
 * on a 4- or 8-byte register, with a register or an immediate source. */
op_fn alu_fast(int kind, int size, bool imm);
/* The specialized SHL/SHR/SAR handler for opcode C1/D1/D3 on a 4- or 8-byte
 * register, or NULL for other forms. */
op_fn shift_fast(int op, int kind, int size);
/* The handler specialized for a hot 64-bit form (ops_fast.c: loads,
 * stores, MOVZX/MOVSX, LEA, CMOVcc, Jcc, JMP), or NULL. */
op_fn fast_form(const struct insn *in);
/* The specialized ALU/CMP/TEST handler with a memory operand for address
 * form `form` (EA_*), or NULL (ops_alu.c). */
op_fn alu_mem_fast(const struct insn *in, int form);
/* 0F 01 memory forms (ops_desc.c), reached through op_grp7_reg. */
int op_grp7(struct cpu *cpu, const struct insn *in);

#endif
