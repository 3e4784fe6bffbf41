/* Random instruction sequences for the differential test.
 *
 * A template names an opcode and the rules to encode it; the generator adds
 * random legal prefixes, a ModRM byte whose memory form is RIP-relative into
 * the data page, and random immediates (the decoder tells where the
 * instruction ends). Flags the manual leaves undefined are listed per
 * template and masked in the comparison; such an instruction only ends a
 * sequence, so no later instruction can branch on an undefined flag.
 *
 * Not generated (documented exclusions): instructions whose result depends
 * on the machine rather than the ISA (CPUID, RDTSC, RDTSCP, RDPID), segment
 * register loads (the host's selectors), indirect branches and RET (targets
 * would be random), writes to RSP other than through push/pop/SPL, INT n
 * (the host kernel answers some vectors), SHLD/SHRD and BSWAP with a 16-bit
 * operand (undefined results). Memory operands are RIP-relative, and for
 * an instruction that runs alone also base + index * scale + disp8 (with
 * and without 67), its base and index registers set to reach the data page. */
#include "tests/cpu/dt.h"
#include "hypervisor/cpu/decode.h"

#include <string.h>

enum {
	T_M = 1 << 0,        /* ModRM follows */
	T_MEM = 1 << 1,      /* memory form only */
	T_REG = 1 << 2,      /* register form only */
	T_B = 1 << 3,        /* byte operands: register 4 means AH/SPL, allowed */
	T_66 = 1 << 4,       /* 66 operand-size prefix allowed */
	T_W = 1 << 5,        /* REX.W allowed */
	T_P66 = 1 << 6,      /* mandatory 66 */
	T_PF3 = 1 << 7,      /* mandatory F3 */
	T_PF2 = 1 << 8,      /* mandatory F2 */
	T_X = 1 << 9,        /* ModRM registers are XMM (all 16 allowed) */
	T_OPR = 1 << 10,     /* register in the opcode's low 3 bits */
	T_LOCK = 1 << 11,    /* LOCK allowed with a memory operand */
	T_BR8 = 1 << 12,     /* rel8 branch: displacement patched */
	T_BR32 = 1 << 13,    /* rel32 branch */
	T_LAST = 1 << 14,    /* only as the last instruction */
	T_FIRST = 1 << 15,   /* only first: needs register/memory fixups */
	T_A16 = 1 << 16,     /* 16-byte memory operand: mostly aligned */
	T_XR = 1 << 17,      /* ModRM.reg is XMM, rm is a GPR (or memory) */
	T_RX = 1 << 18,      /* ModRM.reg is a GPR, rm is XMM */
	T_0F = 1 << 19,      /* two-byte opcode */
	T_REP = 1 << 20,     /* string: REP/REPE/REPNE optional */
	T_NOREX = 1 << 21,   /* no REX at all */
	T_NO32 = 1 << 22,    /* not in 32-bit code (MOVSXD is ARPL there) */
	T_ONLY32 = 1 << 23,  /* only in 32-bit code (INC/DEC r, BCD, PUSHA/POPA) */
	T_IMM3 = 1 << 24,    /* the trailing imm8 is a predicate 0-7 */
};

enum { FIX_NONE, FIX_STRING, FIX_XLAT, FIX_BT, FIX_POPF, FIX_LEAVE };

#define UNDEF_MUL 0x0d4   /* SF ZF AF PF */
#define UNDEF_DIV 0x8d5
#define UNDEF_LOGIC 0x010 /* AF */
#define UNDEF_SHIFT 0x810 /* OF AF */
#define UNDEF_ROT 0x800   /* OF */
#define UNDEF_BT 0x894    /* OF SF AF PF */
#define UNDEF_BSF 0x895   /* all but ZF */
#define UNDEF_CNT 0x894

struct tmpl {
	const char *name;
	uint16_t op;          /* 0x0Fxx for two-byte opcodes via T_0F */
	int8_t reg;           /* ModRM.reg, -1 random */
	int16_t modrm;        /* a fixed ModRM byte, -1 none */
	uint32_t f;
	uint16_t undef;
	uint8_t fix;
};

#define GPR (T_M | T_66 | T_W)
#define GB (T_M | T_B)
#define X66 (T_0F | T_M | T_P66 | T_X | T_A16)

/* most templates need no fixup: let `fix` default to FIX_NONE */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct tmpl tmpls[] = {
	/* ALU */
	{ "add Eb,Gb", 0x00, -1, -1, GB | T_LOCK, 0 },
	{ "add Ev,Gv", 0x01, -1, -1, GPR | T_LOCK, 0 },
	{ "add Gb,Eb", 0x02, -1, -1, GB, 0 },
	{ "add Gv,Ev", 0x03, -1, -1, GPR, 0 },
	{ "add al,Ib", 0x04, -1, -1, T_B, 0 },
	{ "add eax,Iz", 0x05, -1, -1, T_66 | T_W, 0 },
	{ "or Ev,Gv", 0x09, -1, -1, GPR | T_LOCK, UNDEF_LOGIC },
	{ "or Gb,Eb", 0x0a, -1, -1, GB, UNDEF_LOGIC },
	{ "adc Eb,Gb", 0x10, -1, -1, GB | T_LOCK, 0 },
	{ "adc Gv,Ev", 0x13, -1, -1, GPR, 0 },
	{ "adc eax,Iz", 0x15, -1, -1, T_66 | T_W, 0 },
	{ "sbb Ev,Gv", 0x19, -1, -1, GPR | T_LOCK, 0 },
	{ "sbb al,Ib", 0x1c, -1, -1, T_B, 0 },
	{ "and Eb,Gb", 0x20, -1, -1, GB | T_LOCK, UNDEF_LOGIC },
	{ "and Gv,Ev", 0x23, -1, -1, GPR, UNDEF_LOGIC },
	{ "sub Ev,Gv", 0x29, -1, -1, GPR | T_LOCK, 0 },
	{ "sub Gb,Eb", 0x2a, -1, -1, GB, 0 },
	{ "sub eax,Iz", 0x2d, -1, -1, T_66 | T_W, 0 },
	{ "xor Ev,Gv", 0x31, -1, -1, GPR | T_LOCK, UNDEF_LOGIC },
	{ "xor al,Ib", 0x34, -1, -1, T_B, UNDEF_LOGIC },
	{ "cmp Eb,Gb", 0x38, -1, -1, GB, 0 },
	{ "cmp Gv,Ev", 0x3b, -1, -1, GPR, 0 },
	{ "cmp eax,Iz", 0x3d, -1, -1, T_66 | T_W, 0 },
	{ "grp1 Eb,Ib", 0x80, -1, -1, GB | T_LOCK, 0 },
	{ "grp1 Ev,Iz", 0x81, -1, -1, GPR | T_LOCK, 0 },
	{ "grp1 Ev,Ib", 0x83, -1, -1, GPR | T_LOCK, 0 },
	{ "test Eb,Gb", 0x84, -1, -1, GB, UNDEF_LOGIC },
	{ "test Ev,Gv", 0x85, -1, -1, GPR, UNDEF_LOGIC },
	{ "test al,Ib", 0xa8, -1, -1, T_B, UNDEF_LOGIC },
	{ "test eax,Iz", 0xa9, -1, -1, T_66 | T_W, UNDEF_LOGIC },
	{ "test Eb,Ib", 0xf6, 0, -1, GB, UNDEF_LOGIC },
	{ "test Ev,Iz", 0xf7, 0, -1, GPR, UNDEF_LOGIC },
	{ "not Eb", 0xf6, 2, -1, GB | T_LOCK, 0 },
	{ "not Ev", 0xf7, 2, -1, GPR | T_LOCK, 0 },
	{ "neg Eb", 0xf6, 3, -1, GB | T_LOCK, 0 },
	{ "neg Ev", 0xf7, 3, -1, GPR | T_LOCK, 0 },
	{ "inc Eb", 0xfe, 0, -1, GB | T_LOCK, 0 },
	{ "dec Ev", 0xff, 1, -1, GPR | T_LOCK, 0 },
	{ "inc Ev", 0xff, 0, -1, GPR | T_LOCK, 0 },
	{ "cmc", 0xf5, -1, -1, 0, 0 },
	{ "clc", 0xf8, -1, -1, 0, 0 },
	{ "stc", 0xf9, -1, -1, 0, 0 },
	{ "cld", 0xfc, -1, -1, 0, 0 },
	{ "std", 0xfd, -1, -1, 0, 0 },
	{ "sahf", 0x9e, -1, -1, 0, 0 },
	{ "lahf", 0x9f, -1, -1, 0, 0 },
	/* moves */
	{ "mov Eb,Gb", 0x88, -1, -1, GB, 0 },
	{ "mov Ev,Gv", 0x89, -1, -1, GPR, 0 },
	{ "mov Gb,Eb", 0x8a, -1, -1, GB, 0 },
	{ "mov Gv,Ev", 0x8b, -1, -1, GPR, 0 },
	{ "mov Eb,Ib", 0xc6, 0, -1, GB, 0 },
	{ "mov Ev,Iz", 0xc7, 0, -1, GPR, 0 },
	{ "mov r8,Ib", 0xb0, -1, -1, T_OPR | T_B, 0 },
	{ "mov r,Iv", 0xb8, -1, -1, T_OPR | T_66 | T_W, 0 },
	{ "lea", 0x8d, -1, -1, GPR | T_MEM, 0 },
	{ "movsxd", 0x63, -1, -1, T_M | T_W | T_NO32, 0 },
	/* 32-bit code only */
	{ "inc r", 0x40, -1, -1, T_OPR | T_66 | T_ONLY32, 0 },
	{ "dec r", 0x48, -1, -1, T_OPR | T_66 | T_ONLY32, 0 },
	{ "daa", 0x27, -1, -1, T_ONLY32, 0x800 },
	{ "das", 0x2f, -1, -1, T_ONLY32, 0x800 },
	{ "aaa", 0x37, -1, -1, T_ONLY32, 0x8c4 },
	{ "aas", 0x3f, -1, -1, T_ONLY32, 0x8c4 },
	{ "aam", 0xd4, -1, -1, T_ONLY32, 0x811 },
	{ "aad", 0xd5, -1, -1, T_ONLY32, 0x811 },
	{ "pusha", 0x60, -1, -1, T_66 | T_ONLY32, 0 },
	{ "popa", 0x61, -1, -1, T_66 | T_ONLY32, 0 },
	{ "movzx Gv,Eb", 0x0fb6, -1, -1, T_0F | GPR, 0 },
	{ "movzx Gv,Ew", 0x0fb7, -1, -1, T_0F | GPR, 0 },
	{ "movsx Gv,Eb", 0x0fbe, -1, -1, T_0F | GPR, 0 },
	{ "movsx Gv,Ew", 0x0fbf, -1, -1, T_0F | GPR, 0 },
	{ "xchg Eb,Gb", 0x86, -1, -1, GB | T_LOCK, 0 },
	{ "xchg Ev,Gv", 0x87, -1, -1, GPR | T_LOCK, 0 },
	{ "xchg eax,r", 0x90, -1, -1, T_OPR | T_66 | T_W, 0 },
	{ "bswap", 0x0fc8, -1, -1, T_0F | T_OPR | T_W, 0 },
	{ "cmovcc", 0x0f40, -1, -1, T_0F | GPR, 0 },
	{ "setcc", 0x0f90, -1, -1, T_0F | GB, 0 },
	{ "cbw", 0x98, -1, -1, T_66 | T_W, 0 },
	{ "cwd", 0x99, -1, -1, T_66 | T_W, 0 },
	{ "xlat", 0xd7, -1, -1, T_FIRST, 0, FIX_XLAT },
	{ "nop Ev", 0x0f1f, 0, -1, T_0F | GPR, 0 },
	{ "prefetch", 0x0f18, 1, -1, T_0F | T_M | T_MEM, 0 },
	{ "pause", 0x90, -1, -1, T_PF3 | T_NOREX, 0 },
	/* shifts and rotates */
	{ "shift Eb,1", 0xd0, -1, -1, GB, 0x010 },
	{ "shift Ev,1", 0xd1, -1, -1, GPR, 0x010 },
	{ "shift Eb,cl", 0xd2, -1, -1, GB | T_LAST, UNDEF_SHIFT },
	{ "shift Ev,cl", 0xd3, -1, -1, GPR | T_LAST, UNDEF_SHIFT },
	{ "shift Eb,Ib", 0xc0, -1, -1, GB | T_LAST, UNDEF_SHIFT },
	{ "shift Ev,Ib", 0xc1, -1, -1, GPR | T_LAST, UNDEF_SHIFT },
	{ "shld Ib", 0x0fa4, -1, -1, T_0F | T_M | T_W | T_LAST, UNDEF_SHIFT },
	{ "shld cl", 0x0fa5, -1, -1, T_0F | T_M | T_W | T_LAST, UNDEF_SHIFT },
	{ "shrd Ib", 0x0fac, -1, -1, T_0F | T_M | T_W | T_LAST, UNDEF_SHIFT },
	{ "shrd cl", 0x0fad, -1, -1, T_0F | T_M | T_W | T_LAST, UNDEF_SHIFT },
	/* multiply and divide */
	{ "mul Eb", 0xf6, 4, -1, GB | T_LAST, UNDEF_MUL },
	{ "imul Eb", 0xf6, 5, -1, GB | T_LAST, UNDEF_MUL },
	{ "mul Ev", 0xf7, 4, -1, GPR | T_LAST, UNDEF_MUL },
	{ "imul Ev", 0xf7, 5, -1, GPR | T_LAST, UNDEF_MUL },
	{ "div Eb", 0xf6, 6, -1, GB | T_LAST, UNDEF_DIV },
	{ "idiv Eb", 0xf6, 7, -1, GB | T_LAST, UNDEF_DIV },
	{ "div Ev", 0xf7, 6, -1, GPR | T_LAST, UNDEF_DIV },
	{ "idiv Ev", 0xf7, 7, -1, GPR | T_LAST, UNDEF_DIV },
	{ "imul Gv,Ev", 0x0faf, -1, -1, T_0F | GPR | T_LAST, UNDEF_MUL },
	{ "imul Gv,Ev,Iz", 0x69, -1, -1, GPR | T_LAST, UNDEF_MUL },
	{ "imul Gv,Ev,Ib", 0x6b, -1, -1, GPR | T_LAST, UNDEF_MUL },
	/* bits */
	{ "bt Ev,Gv", 0x0fa3, -1, -1, T_0F | GPR | T_REG | T_LAST, UNDEF_BT },
	{ "bts Ev,Gv", 0x0fab, -1, -1, T_0F | GPR | T_REG | T_LAST, UNDEF_BT },
	{ "btr m,Gv", 0x0fb3, -1, -1, T_0F | GPR | T_MEM | T_FIRST | T_LAST | T_LOCK, UNDEF_BT, FIX_BT },
	{ "btc m,Gv", 0x0fbb, -1, -1, T_0F | GPR | T_MEM | T_FIRST | T_LAST, UNDEF_BT, FIX_BT },
	{ "bt* Ev,Ib", 0x0fba, -1, -1, T_0F | GPR | T_LAST, UNDEF_BT },
	{ "bsf", 0x0fbc, -1, -1, T_0F | GPR | T_LAST, UNDEF_BSF },
	{ "bsr", 0x0fbd, -1, -1, T_0F | GPR | T_LAST, UNDEF_BSF },
	{ "tzcnt", 0x0fbc, -1, -1, T_0F | GPR | T_PF3 | T_LAST, UNDEF_CNT },
	{ "lzcnt", 0x0fbd, -1, -1, T_0F | GPR | T_PF3 | T_LAST, UNDEF_CNT },
	{ "popcnt", 0x0fb8, -1, -1, T_0F | GPR | T_PF3, 0 },
	/* exchange and compare */
	{ "xadd Eb,Gb", 0x0fc0, -1, -1, T_0F | GB | T_LOCK, 0 },
	{ "xadd Ev,Gv", 0x0fc1, -1, -1, T_0F | GPR | T_LOCK, 0 },
	{ "cmpxchg Eb,Gb", 0x0fb0, -1, -1, T_0F | GB | T_LOCK, 0 },
	{ "cmpxchg Ev,Gv", 0x0fb1, -1, -1, T_0F | GPR | T_LOCK, 0 },
	{ "cmpxchg8b/16b", 0x0fc7, 1, -1, T_0F | T_M | T_MEM | T_W | T_LOCK | T_A16, 0 },
	/* strings */
	{ "movs", 0xa4, -1, -1, T_FIRST | T_REP | T_66 | T_W, 0, FIX_STRING },
	{ "cmps", 0xa6, -1, -1, T_FIRST | T_REP | T_66 | T_W, 0, FIX_STRING },
	{ "stos", 0xaa, -1, -1, T_FIRST | T_REP | T_66 | T_W, 0, FIX_STRING },
	{ "lods", 0xac, -1, -1, T_FIRST | T_REP | T_66 | T_W, 0, FIX_STRING },
	{ "scas", 0xae, -1, -1, T_FIRST | T_REP | T_66 | T_W, 0, FIX_STRING },
	/* stack */
	{ "push r", 0x50, -1, -1, T_OPR | T_66, 0 },
	{ "pop r", 0x58, -1, -1, T_OPR | T_66, 0 },
	{ "push Iz", 0x68, -1, -1, T_66, 0 },
	{ "push Ib", 0x6a, -1, -1, T_66, 0 },
	{ "pop Ev", 0x8f, 0, -1, T_M | T_66, 0 },
	{ "push Ev", 0xff, 6, -1, T_M | T_66, 0 },
	{ "pushf", 0x9c, -1, -1, T_66, 0 },
	{ "popf", 0x9d, -1, -1, T_FIRST, 0, FIX_POPF },
	{ "leave", 0xc9, -1, -1, T_FIRST, 0, FIX_LEAVE },
	/* branches */
	{ "jcc rel8", 0x70, -1, -1, T_BR8, 0 },
	{ "jcc rel32", 0x0f80, -1, -1, T_0F | T_BR32, 0 },
	{ "jmp rel8", 0xeb, -1, -1, T_BR8, 0 },
	{ "jmp rel32", 0xe9, -1, -1, T_BR32, 0 },
	{ "call rel32", 0xe8, -1, -1, T_BR32, 0 },
	{ "loop", 0xe0, -1, -1, T_BR8, 0 },
	{ "jrcxz", 0xe3, -1, -1, T_BR8, 0 },
	/* faults on purpose (user mode) */
	{ "hlt", 0xf4, -1, -1, T_LAST, 0 },
	{ "cli", 0xfa, -1, -1, T_LAST, 0 },
	{ "in al,Ib", 0xe4, -1, -1, T_LAST, 0 },
	{ "out dx,al", 0xee, -1, -1, T_LAST, 0 },
	{ "ud2", 0x0f0b, -1, -1, T_0F | T_LAST, 0 },
	{ "mov cr", 0x0f20, 0, -1, T_0F | T_M | T_REG | T_LAST, 0 },
	{ "rdmsr", 0x0f32, -1, -1, T_0F | T_LAST, 0 },
	{ "int3", 0xcc, -1, -1, T_LAST, 0 },
	/* x87 detection and control */
	{ "fninit", 0xdb, -1, 0xe3, 0, 0 },
	{ "fnstsw ax", 0xdf, -1, 0xe0, 0, 0 },
	{ "fnstsw m", 0xdd, 7, -1, T_M | T_MEM, 0 },
	{ "fnstcw m", 0xd9, 7, -1, T_M | T_MEM, 0 },
	{ "fldcw m", 0xd9, 5, -1, T_M | T_MEM, 0 },
	/* SSE/SSE2 moves */
	{ "movups", 0x0f10, -1, -1, T_0F | T_M | T_X, 0 },
	{ "movups st", 0x0f11, -1, -1, T_0F | T_M | T_X, 0 },
	{ "movss", 0x0f10, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "movsd st", 0x0f11, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "movupd", 0x0f10, -1, -1, X66, 0 },
	{ "movaps", 0x0f28, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "movapd st", 0x0f29, -1, -1, X66, 0 },
	{ "movntps", 0x0f2b, -1, -1, T_0F | T_M | T_X | T_MEM | T_A16, 0 },
	{ "movlps", 0x0f12, -1, -1, T_0F | T_M | T_X, 0 },
	{ "movhps st", 0x0f17, -1, -1, T_0F | T_M | T_X | T_MEM, 0 },
	{ "movhpd", 0x0f16, -1, -1, X66 | T_MEM, 0 },
	{ "movlpd st", 0x0f13, -1, -1, X66 | T_MEM, 0 },
	{ "movdqa", 0x0f6f, -1, -1, X66, 0 },
	{ "movdqa st", 0x0f7f, -1, -1, X66, 0 },
	{ "movdqu", 0x0f6f, -1, -1, T_0F | T_M | T_X | T_PF3 | T_A16, 0 },
	{ "movdqu st", 0x0f7f, -1, -1, T_0F | T_M | T_X | T_PF3 | T_A16, 0 },
	{ "movntdq", 0x0fe7, -1, -1, X66 | T_MEM, 0 },
	{ "movd/q x,r", 0x0f6e, -1, -1, T_0F | T_M | T_P66 | T_XR | T_W, 0 },
	{ "movd/q r,x", 0x0f7e, -1, -1, T_0F | T_M | T_P66 | T_XR | T_W, 0 },
	{ "movq x,xm", 0x0f7e, -1, -1, T_0F | T_M | T_PF3 | T_X, 0 },
	{ "movq xm,x", 0x0fd6, -1, -1, X66, 0 },
	{ "movnti", 0x0fc3, -1, -1, T_0F | T_M | T_MEM | T_W, 0 },
	{ "movmskps", 0x0f50, -1, -1, T_0F | T_M | T_REG | T_RX, 0 },
	{ "movmskpd", 0x0f50, -1, -1, T_0F | T_M | T_REG | T_RX | T_P66, 0 },
	{ "pmovmskb", 0x0fd7, -1, -1, T_0F | T_M | T_REG | T_RX | T_P66, 0 },
	{ "pinsrw", 0x0fc4, -1, -1, T_0F | T_M | T_P66 | T_XR, 0 },
	{ "pextrw", 0x0fc5, -1, -1, T_0F | T_M | T_REG | T_RX | T_P66, 0 },
	/* SSE/SSE2 floating point */
	{ "sqrtps", 0x0f51, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "sqrtsd", 0x0f51, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "rsqrtps", 0x0f52, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "rcpss", 0x0f53, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "addps", 0x0f58, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "addpd", 0x0f58, -1, -1, X66, 0 },
	{ "addss", 0x0f58, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "addsd", 0x0f58, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "mulps", 0x0f59, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "mulsd", 0x0f59, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "subpd", 0x0f5c, -1, -1, X66, 0 },
	{ "subss", 0x0f5c, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "minps", 0x0f5d, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "minsd", 0x0f5d, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "divpd", 0x0f5e, -1, -1, X66, 0 },
	{ "divss", 0x0f5e, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "maxpd", 0x0f5f, -1, -1, X66, 0 },
	{ "maxss", 0x0f5f, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "cmpps", 0x0fc2, -1, -1, T_0F | T_M | T_X | T_A16 | T_IMM3, 0 },
	{ "cmppd", 0x0fc2, -1, -1, X66 | T_IMM3, 0 },
	{ "cmpss", 0x0fc2, -1, -1, T_0F | T_M | T_X | T_PF3 | T_IMM3, 0 },
	{ "cmpsd", 0x0fc2, -1, -1, T_0F | T_M | T_X | T_PF2 | T_IMM3, 0 },
	{ "ucomiss", 0x0f2e, -1, -1, T_0F | T_M | T_X, 0 },
	{ "comisd", 0x0f2f, -1, -1, X66, 0 },
	{ "comiss", 0x0f2f, -1, -1, T_0F | T_M | T_X, 0 },
	{ "ucomisd", 0x0f2e, -1, -1, X66, 0 },
	{ "cvtsi2ss", 0x0f2a, -1, -1, T_0F | T_M | T_PF3 | T_XR | T_W, 0 },
	{ "cvtsi2sd", 0x0f2a, -1, -1, T_0F | T_M | T_PF2 | T_XR | T_W, 0 },
	{ "cvttss2si", 0x0f2c, -1, -1, T_0F | T_M | T_PF3 | T_RX | T_W, 0 },
	{ "cvtsd2si", 0x0f2d, -1, -1, T_0F | T_M | T_PF2 | T_RX | T_W, 0 },
	{ "cvttsd2si", 0x0f2c, -1, -1, T_0F | T_M | T_PF2 | T_RX | T_W, 0 },
	{ "cvtss2si", 0x0f2d, -1, -1, T_0F | T_M | T_PF3 | T_RX | T_W, 0 },
	{ "cvtps2pd", 0x0f5a, -1, -1, T_0F | T_M | T_X, 0 },
	{ "cvtpd2ps", 0x0f5a, -1, -1, X66, 0 },
	{ "cvtss2sd", 0x0f5a, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "cvtsd2ss", 0x0f5a, -1, -1, T_0F | T_M | T_X | T_PF2, 0 },
	{ "cvtdq2ps", 0x0f5b, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "cvtps2dq", 0x0f5b, -1, -1, X66, 0 },
	{ "cvttps2dq", 0x0f5b, -1, -1, T_0F | T_M | T_X | T_PF3 | T_A16, 0 },
	{ "cvttpd2dq", 0x0fe6, -1, -1, X66, 0 },
	{ "cvtdq2pd", 0x0fe6, -1, -1, T_0F | T_M | T_X | T_PF3, 0 },
	{ "cvtpd2dq", 0x0fe6, -1, -1, T_0F | T_M | T_X | T_PF2 | T_A16, 0 },
	/* SSE/SSE2 integer */
	{ "andps", 0x0f54, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "andnpd", 0x0f55, -1, -1, X66, 0 },
	{ "orps", 0x0f56, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "xorps", 0x0f57, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "pcmpgtb", 0x0f64, -1, -1, X66, 0 },
	{ "pcmpgtw", 0x0f65, -1, -1, X66, 0 },
	{ "pcmpgtd", 0x0f66, -1, -1, X66, 0 },
	{ "pcmpeqb", 0x0f74, -1, -1, X66, 0 },
	{ "pcmpeqw", 0x0f75, -1, -1, X66, 0 },
	{ "pcmpeqd", 0x0f76, -1, -1, X66, 0 },
	{ "paddq", 0x0fd4, -1, -1, X66, 0 },
	{ "pmullw", 0x0fd5, -1, -1, X66, 0 },
	{ "psubusb", 0x0fd8, -1, -1, X66, 0 },
	{ "psubusw", 0x0fd9, -1, -1, X66, 0 },
	{ "pminub", 0x0fda, -1, -1, X66, 0 },
	{ "pand", 0x0fdb, -1, -1, X66, 0 },
	{ "paddusb", 0x0fdc, -1, -1, X66, 0 },
	{ "paddusw", 0x0fdd, -1, -1, X66, 0 },
	{ "pmaxub", 0x0fde, -1, -1, X66, 0 },
	{ "pandn", 0x0fdf, -1, -1, X66, 0 },
	{ "pavgb", 0x0fe0, -1, -1, X66, 0 },
	{ "pavgw", 0x0fe3, -1, -1, X66, 0 },
	{ "pmulhuw", 0x0fe4, -1, -1, X66, 0 },
	{ "pmulhw", 0x0fe5, -1, -1, X66, 0 },
	{ "psubsb", 0x0fe8, -1, -1, X66, 0 },
	{ "psubsw", 0x0fe9, -1, -1, X66, 0 },
	{ "pminsw", 0x0fea, -1, -1, X66, 0 },
	{ "por", 0x0feb, -1, -1, X66, 0 },
	{ "paddsb", 0x0fec, -1, -1, X66, 0 },
	{ "paddsw", 0x0fed, -1, -1, X66, 0 },
	{ "pmaxsw", 0x0fee, -1, -1, X66, 0 },
	{ "pxor", 0x0fef, -1, -1, X66, 0 },
	{ "psubb", 0x0ff8, -1, -1, X66, 0 },
	{ "psubw", 0x0ff9, -1, -1, X66, 0 },
	{ "psubd", 0x0ffa, -1, -1, X66, 0 },
	{ "psubq", 0x0ffb, -1, -1, X66, 0 },
	{ "paddb", 0x0ffc, -1, -1, X66, 0 },
	{ "paddw", 0x0ffd, -1, -1, X66, 0 },
	{ "paddd", 0x0ffe, -1, -1, X66, 0 },
	{ "punpcklbw", 0x0f60, -1, -1, X66, 0 },
	{ "punpcklwd", 0x0f61, -1, -1, X66, 0 },
	{ "punpckldq", 0x0f62, -1, -1, X66, 0 },
	{ "punpckhbw", 0x0f68, -1, -1, X66, 0 },
	{ "punpckhwd", 0x0f69, -1, -1, X66, 0 },
	{ "punpckhdq", 0x0f6a, -1, -1, X66, 0 },
	{ "punpcklqdq", 0x0f6c, -1, -1, X66, 0 },
	{ "punpckhqdq", 0x0f6d, -1, -1, X66, 0 },
	{ "unpcklps", 0x0f14, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "unpckhpd", 0x0f15, -1, -1, X66, 0 },
	{ "packsswb", 0x0f63, -1, -1, X66, 0 },
	{ "packuswb", 0x0f67, -1, -1, X66, 0 },
	{ "packssdw", 0x0f6b, -1, -1, X66, 0 },
	{ "pshufd", 0x0f70, -1, -1, X66, 0 },
	{ "pshufhw", 0x0f70, -1, -1, T_0F | T_M | T_X | T_PF3 | T_A16, 0 },
	{ "pshuflw", 0x0f70, -1, -1, T_0F | T_M | T_X | T_PF2 | T_A16, 0 },
	{ "shufps", 0x0fc6, -1, -1, T_0F | T_M | T_X | T_A16, 0 },
	{ "shufpd", 0x0fc6, -1, -1, X66, 0 },
	{ "pmuludq", 0x0ff4, -1, -1, X66, 0 },
	{ "pmaddwd", 0x0ff5, -1, -1, X66, 0 },
	{ "psadbw", 0x0ff6, -1, -1, X66, 0 },
	{ "psrlw", 0x0fd1, -1, -1, X66, 0 },
	{ "psrld", 0x0fd2, -1, -1, X66, 0 },
	{ "psrlq", 0x0fd3, -1, -1, X66, 0 },
	{ "psraw", 0x0fe1, -1, -1, X66, 0 },
	{ "psrad", 0x0fe2, -1, -1, X66, 0 },
	{ "psllw", 0x0ff1, -1, -1, X66, 0 },
	{ "pslld", 0x0ff2, -1, -1, X66, 0 },
	{ "psllq", 0x0ff3, -1, -1, X66, 0 },
	{ "psxw imm", 0x0f71, -1, -1, X66 | T_REG, 0 },
	{ "psxd imm", 0x0f72, -1, -1, X66 | T_REG, 0 },
	{ "psxq/dq imm", 0x0f73, -1, -1, X66 | T_REG, 0 },
};

#define NTMPL (sizeof(tmpls) / sizeof(tmpls[0]))

const char *dt_tmpl_name(unsigned t)
{
	return t < NTMPL ? tmpls[t].name : "?";
}

/* The generator's state: the random stream and the mode of the case. */
struct rng {
	uint64_t s;
	int mode;        /* 64 or 32 */
};

static uint64_t rnd(struct rng *r)
{
	/* splitmix64: good enough and cheap */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t dt_hash(const uint8_t *p, int n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (int i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

void dt_fill_data(const struct dt_case *c, uint8_t *data)
{
	struct rng r = { c->seed, 64 };

	for (int i = 0; i < DT_DATA_SIZE; i += 8) {
		uint64_t v = rnd(&r);

		memcpy(data + i, &v, 8);
	}
	for (int i = 0; i < c->npatch; i++)
		memcpy(data + c->patch[i].off, &c->patch[i].val, 8);
}

/* Interesting register values: small, edges, random. */
static uint64_t rnd_value(struct rng *r)
{
	static const uint64_t edges[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
					  0x7fffffff, 0x80000000, 0xffffffff, ~0ull,
					  0x8000000000000000ull, 0x7fffffffffffffffull };
	uint64_t v = rnd(r);

	switch (v % 8) {
	case 0: return edges[(v >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	case 1: return (v >> 8) & 0xff;
	case 2: return (uint64_t)(int64_t)(int8_t)(v >> 8);
	case 3: return (v >> 8) & 0x3f;
	default: return rnd(r);
	}
}

/* A GPR number for a ModRM field: never RSP for full-size operands. */
static int pick_gpr(struct rng *r, bool byte)
{
	int g;

	do
		g = rnd(r) & (r->mode == 64 ? 15 : 7);
	while (g == 4 && !byte);
	return g;
}

static int pick_xmm(struct rng *r)
{
	return rnd(r) & (r->mode == 64 ? 15 : 7);
}

struct enc {
	uint8_t b[32];
	int n;
	int disp_at;     /* offset of a RIP-relative disp32, -1 none */
	int32_t target;  /* data-page offset it points to */
	bool sib;        /* memory operand as base + index * scale + disp8 */
	bool a32;        /* ... with a 67 prefix (32-bit address) */
	int base, index, scale, disp8;
};

static void put(struct enc *e, uint8_t v)
{
	e->b[e->n++] = v;
}

static void enc_prefixes(struct enc *e, struct rng *r, const struct tmpl *t, bool mem,
			 int *rex)
{
	static const uint8_t null_seg[] = { 0x2e, 0x3e, 0x26, 0x36 };

	if (rnd(r) % 8 == 0)
		put(e, null_seg[rnd(r) % 4]);
	if ((t->f & T_LOCK) && mem && rnd(r) % 3 == 0)
		put(e, 0xf0);
	if ((t->f & T_66) && rnd(r) % 4 == 0)
		put(e, 0x66);
	if (t->f & T_P66)
		put(e, 0x66);
	if ((t->f & T_REP) && rnd(r) % 2)
		put(e, rnd(r) % 2 ? 0xf3 : 0xf2);
	if (t->f & T_PF3)
		put(e, 0xf3);
	if (t->f & T_PF2)
		put(e, 0xf2);
	/* (67 on strings in 32-bit code would mean SI/DI: outside the page) */
	if (((t->f & T_REP) && r->mode == 64 && rnd(r) % 8 == 0) || e->a32)
		put(e, 0x67);
	*rex = (t->f & T_NOREX) ? 0 : (rnd(r) % 2) ? 0x40 | (rnd(r) & 7) : 0;
	if ((t->f & T_W) && rnd(r) % 3 == 0)
		*rex |= 0x48;
	if (r->mode != 64)
		*rex = 0;
}

static void enc_modrm(struct enc *e, struct rng *r, const struct tmpl *t, int *rex, bool mem)
{
	bool byte = t->f & T_B;
	int reg, rm;

	if (t->modrm >= 0) {
		put(e, t->modrm);
		return;
	}
	reg = t->reg >= 0 ? t->reg : (t->f & (T_X | T_XR)) ? pick_xmm(r) : pick_gpr(r, byte);
	rm = (t->f & (T_X | T_RX)) ? pick_xmm(r) : pick_gpr(r, byte);
	if (t->reg < 0)
		*rex = (*rex & ~4) | ((reg & 8) ? 0x44 : 0);
	if (mem && e->sib) {
		/* base and index are set by the case so that the sum lands in the
		 * data page; RSP is never the base, index 4 means none */
		do
			e->base = pick_gpr(r, false);
		while (e->base == 4);
		do
			e->index = rnd(r) & (r->mode == 64 ? 15 : 7);
		while (e->index == e->base);
		e->scale = rnd(r) & 3;
		e->disp8 = (int8_t)rnd(r);
		if (r->mode == 64)
			*rex = (*rex & ~3) | 0x40 | ((e->base & 8) ? 1 : 0) | ((e->index & 8) ? 2 : 0);
		put(e, 0x40 | ((reg & 7) << 3) | 4);
		put(e, (e->scale << 6) | ((e->index & 7) << 3) | (e->base & 7));
		put(e, (uint8_t)e->disp8);
		return;
	}
	if (mem) {
		put(e, ((reg & 7) << 3) | 5);
		e->disp_at = e->n;
		for (int i = 0; i < 4; i++)
			put(e, 0);
		return;
	}
	*rex = (*rex & ~1) | ((rm & 8) ? 0x41 : 0);
	put(e, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* Encode one instruction from template t; `sib_ok`: the instruction is
 * alone, so its base and index registers can be set for it. */
static int enc_insn(struct enc *e, struct rng *r, const struct tmpl *t, bool sib_ok)
{
	bool mem = (t->f & T_M) && t->modrm < 0 && !(t->f & T_REG) &&
		   ((t->f & T_MEM) || rnd(r) % 3 == 0);
	int rex = 0, op = t->op & 0xff, rexpos, len;

	e->n = 0;
	e->disp_at = -1;
	e->sib = mem && sib_ok && t->fix == FIX_NONE && rnd(r) % 2;
	e->a32 = e->sib && r->mode == 64 && rnd(r) % 4 == 0;
	enc_prefixes(e, r, t, mem, &rex);
	rexpos = e->n;
	put(e, 0);                  /* REX slot, removed if unused */
	if (t->f & T_0F)
		put(e, 0x0f);
	if (t->f & T_OPR) {
		int g = pick_gpr(r, t->f & T_B);

		op |= g & 7;
		rex = (rex & ~1) | ((g & 8) ? 0x41 : 0);
	}
	if (t->op == 0x70 || t->op == 0x0f40 || t->op == 0x0f90 || t->op == 0x0f80)
		op |= rnd(r) & 15;
	else if (t->op == 0xe0)
		op |= rnd(r) % 3;
	else if (t->f & T_REP)
		op |= rnd(r) & 1;
	put(e, op);
	if (t->f & T_M)
		enc_modrm(e, r, t, &rex, mem);
	else if (t->modrm >= 0)
		put(e, t->modrm);
	if (rex && r->mode == 64) {
		e->b[rexpos] = rex;
	} else {                    /* drop the unused REX slot */
		memmove(e->b + rexpos, e->b + rexpos + 1, e->n - rexpos - 1);
		e->n--;
		if (e->disp_at > 0)
			e->disp_at--;
	}
	for (int i = e->n; i < 32; i++)
		e->b[i] = rnd(r);
	len = insn_length(e->b, 15, r->mode);
	if (len <= 0)
		return -1;
	if (t->f & T_IMM3)
		e->b[len - 1] &= 7;
	e->n = len;
	if (mem) {
		uint64_t off = rnd(r) % (1024 - 16);

		if ((t->f & T_A16) && rnd(r) % 4)
			off &= ~15ull;
		else if (rnd(r) % 2)
			off &= ~7ull;
		e->target = off;
	}
	return len;
}

static void fix_case(struct dt_case *c, struct rng *r, const struct tmpl *t)
{
	switch (t->fix) {
	case FIX_STRING:
		c->in.gpr[6] = DT_DATA + rnd(r) % 512 + 128;     /* RSI */
		c->in.gpr[7] = DT_DATA + rnd(r) % 512 + 128;     /* RDI */
		c->in.gpr[1] = rnd(r) % 17;                      /* RCX */
		break;
	case FIX_XLAT:
		c->in.gpr[3] = DT_DATA + rnd(r) % 512;           /* RBX */
		break;
	case FIX_BT:
		for (int i = 0; i < 16; i++)   /* every bit-offset register small */
			if (i != 4)
				c->in.gpr[i] = rnd(r) % 2048;
		break;
	case FIX_POPF:
		c->npatch = 1;
		c->patch[0].off = c->in.gpr[4] - DT_DATA;
		c->patch[0].val = rnd(r) & 0xcd5 & ~0x100ull;
		break;
	case FIX_LEAVE:
		c->in.gpr[5] = DT_STACK_TOP + (rnd(r) % 32) * 8;
		break;
	default:
		break;
	}
}

/* Base and index values that make base + index * scale + disp8 point at the
 * chosen place in the data page. */
static void fix_sib(struct dt_case *c, const struct enc *e, struct rng *r)
{
	uint64_t idx = 0;

	if (e->index != 4) {
		idx = rnd(r) % 64;
		c->in.gpr[e->index] = idx;
	}
	c->in.gpr[e->base] = DT_DATA + e->target - (idx << e->scale) - e->disp8;
	if (e->a32)   /* the upper half must not matter with a 32-bit address */
		c->in.gpr[e->base] |= rnd(r) << 32;
}

static bool pick_ok(const struct rng *r, const struct tmpl *t, int i, int n)
{
	if ((t->f & (r->mode == 64 ? T_ONLY32 : T_NO32)))
		return false;
	if ((t->f & T_FIRST) && i != 0)
		return false;
	if ((t->f & T_LAST || t->undef) && i != n - 1)
		return false;
	if ((t->f & T_FIRST) && n != 1)
		return false;
	return true;
}

static void init_regs(struct dt_case *c, struct rng *r)
{
	for (int i = 0; i < 16; i++)
		c->in.gpr[i] = rnd_value(r);
	c->in.gpr[4] = DT_STACK_TOP + (rnd(r) % 32) * 8;
	c->in.rflags = (rnd(r) & 0xcd5) | 0x202;
	c->in.rip = DT_CODE;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j += 8) {
			uint64_t v = rnd_value(r);

			memcpy(&c->in.xmm[i][j], &v, 8);
		}
	c->in.fcw = 0x37f;
	c->in.fsw = 0;
	/* MXCSR: any rounding mode, sometimes FTZ/DAZ, flags clear; exceptions
	 * stay masked (unmasked underflow is a documented gap) except, now and
	 * then, invalid or divide-by-zero, which then fault with #XM */
	c->in.mxcsr = 0x1f80 | (rnd(r) & 0x6000);
	if (rnd(r) % 4 == 0)
		c->in.mxcsr |= rnd(r) & 0x8040;
	if (rnd(r) % 8 == 0)
		c->in.mxcsr &= ~(rnd(r) % 2 ? 0x80u : 0x200u);
}

/* Point RIP-relative displacements and branch offsets at their targets. */
static void patch_case(struct dt_case *c, struct enc *enc, int *pos, struct rng *r, int n)
{
	for (int i = 0; i < n; i++) {
		const struct tmpl *t = &tmpls[c->tmpl[i]];
		int end = pos[i] + enc[i].n;
		uint8_t *p = c->code + pos[i];

		if (enc[i].disp_at >= 0) {
			/* RIP-relative in 64-bit code, absolute in 32-bit code */
			int32_t d = (int32_t)(DT_DATA + enc[i].target - (c->mode == 64 ? DT_CODE + end : 0));

			memcpy(p + enc[i].disp_at, &d, 4);
		}
		if (t->f & (T_BR8 | T_BR32)) {
			int j = i + 1 + rnd(r) % (n - i), d = pos[j] - end;

			if (t->f & T_BR8)
				p[enc[i].n - 1] = (uint8_t)d;
			else
				memcpy(p + enc[i].n - 4, &d, 4);
		}
	}
}

void dt_gen_case(struct dt_case *c, uint64_t seed, uint64_t num)
{
	struct rng r = { seed ^ (num * 0x2545f4914f6cdd1dull), 64 };
	struct enc enc[DT_MAX_INSN];
	int pos[DT_MAX_INSN + 1], n = 1 + rnd(&r) % DT_MAX_INSN;

	memset(c, 0, sizeof(*c));
	c->mode = rnd(&r) % 4 ? 64 : 32;
	r.mode = c->mode;
	c->seed = rnd(&r);
	init_regs(c, &r);
	for (int i = 0; i < n; i++) {
		const struct tmpl *t;
		unsigned k;

		do {
			k = rnd(&r) % NTMPL;
			t = &tmpls[k];
		} while (!pick_ok(&r, t, i, n) || enc_insn(&enc[i], &r, t, n == 1) < 0);
		c->tmpl[i] = k;
		c->flags_undef |= t->undef;
		pos[i] = c->len;
		memcpy(c->code + c->len, enc[i].b, enc[i].n);
		c->len += enc[i].n;
		if (t->fix)
			fix_case(c, &r, t);
		if (enc[i].sib)
			fix_sib(c, &enc[i], &r);
	}
	pos[n] = c->len;
	c->ninsn = n;
	patch_case(c, enc, pos, &r, n);
}
