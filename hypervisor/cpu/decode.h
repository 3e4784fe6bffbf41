/* The x86 instruction decoder: prefixes, opcode maps, ModRM/SIB, displacement
 * and immediates, in 16-, 32- and 64-bit code. It is table driven: the operand
 * format of every opcode is in decode.c's format tables, and the handler that
 * executes it comes from optab.def. */
#ifndef VMCTL_HV_CPU_DECODE_H
#define VMCTL_HV_CPU_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct insn;

typedef int (*op_fn)(struct cpu *cpu, const struct insn *in);

enum { MAP_1B, MAP_0F, MAP_0F38, MAP_0F3A };
/* Mandatory-prefix selector for SSE opcodes: none, 66, F3, F2. */
enum { PFX_NP, PFX_66, PFX_F3, PFX_F2 };

/* One decoded instruction. Registers are already extended by REX. */
struct insn {
	op_fn fn;             /* handler (op_ud for unimplemented encodings) */
	uint8_t len;
	uint8_t map;          /* MAP_* */
	uint8_t op;           /* the opcode byte in its map */
	uint8_t mode;         /* 16, 32 or 64: the code size it was decoded for */
	uint8_t opsz;         /* operand size in bytes: 2, 4 or 8 (1 is per opcode) */
	uint8_t adsz;         /* address size in bytes: 2, 4 or 8 */
	uint8_t rex;          /* the REX byte, 0 if none */
	uint8_t rep;          /* 0, 0xF2 or 0xF3 (last one given) */
	uint8_t pfx;          /* PFX_*: mandatory-prefix selector */
	bool lock;
	bool has_modrm;
	uint8_t modrm, mod, reg, rm;   /* reg/rm include REX.R/REX.B */
	uint8_t seg;          /* segment of the memory operand (SEG_*) */
	bool seg_override;
	/* memory operand: base + (index << scale) + disp (+ next RIP if riprel) */
	int8_t base, index;   /* -1: none */
	uint8_t scale;
	bool riprel;
	int64_t disp;
	uint64_t imm, imm2;   /* imm2: second immediate (ENTER, far pointers) */
};

/* Decode one instruction from `buf` (`avail` bytes readable, at most 15 used)
 * for code of `mode` bits (16, 32, 64). Returns the length, DECODE_UD for an
 * encoding that is invalid in this mode (#UD), DECODE_GP when it would be
 * longer than 15 bytes (#GP), or DECODE_SHORT when `avail` bytes do not hold
 * the whole instruction. */
#define DECODE_UD    (-1)
#define DECODE_GP    (-2)
#define DECODE_SHORT (-3)
int insn_decode(struct insn *in, const uint8_t *buf, size_t avail, int mode);

/* Only the length (same return values as insn_decode). */
int insn_length(const uint8_t *buf, size_t avail, int mode);

/* True when the decoder treats this opcode as VEX/EVEX/XOP-encoded in this
 * mode (AVX and later; not implemented: such instructions raise #UD). */
bool insn_is_vex(const uint8_t *buf, size_t avail, int mode);

#endif
