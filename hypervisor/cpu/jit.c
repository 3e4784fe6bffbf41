/* The block translator (see jit.h): a small x86-64 emitter, the code
 * buffer, and one emit function per kind of instruction. Register use in
 * generated code: rbx = struct cpu *, r12 = RIP at block entry (every RIP
 * in a 64-bit block is r12 + a constant: blocks are straight-line and do
 * not wrap), rax/rcx/rdx/rsi scratch, and up to seven guest registers
 * in r13-r15 and r8-r11 for the whole block (struct emit: loaded at the
 * entry, the written ones stored back before every handler call, slow
 * path and exit, loaded again after a call), so the state in struct cpu
 * is exact wherever a handler runs or the block stops. A block is
 * emitted twice: first without the cache, to count each register's
 * accesses and the calls, then with the registers where the cache saves
 * accesses. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/jit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define JIT_SIZE (16u << 20)
#define JIT_STUBS 80

_Static_assert(sizeof(struct tlb_entry) == 40, "the TLB lookup scales its index by 5 * 8");
_Static_assert(offsetof(struct tlb_entry, host) == 8, "host pointer after the tag");
_Static_assert(offsetof(struct lflags, size) == offsetof(struct lflags, op) + 1,
	       "one 16-bit store writes the lazy operation and size");

/* host registers */
enum { H_AX, H_CX, H_DX, H_BX, H_SP, H_BP, H_SI, H_DI, H_R8, H_R12 = 12, H_R13, H_R14, H_R15 };

/* Host registers that hold guest registers within a block (REX-only
 * ones: a byte operation on them never means AH-BH), the callee-saved
 * ones first: a handler call keeps them. */
static const int8_t cache_host[] = { H_R13, H_R14, H_R15, H_R8, H_R8 + 1, H_R8 + 2, H_R8 + 3 };
#define JIT_CACHED ((int)sizeof(cache_host))
#define JIT_KEPT 3                /* the callee-saved ones */

/* Code out of the straight line, emitted after the block's end. */
enum stub_kind {
	ST_SLOW,      /* the handler of instruction i, then back to the main line */
	ST_FAIL,      /* a handler returned non-zero (in eax): i retired */
	ST_KICK,      /* the kick word is set: i retired */
};

struct stub {
	uint8_t *at;              /* rel32 to patch */
	uint8_t *back;            /* ST_SLOW: where to continue */
	enum stub_kind kind;
	int i;
	uint32_t off;             /* ST_SLOW: the instruction's offset in the block */
	int8_t reflag;            /* ST_SLOW: 1 + ALU kind whose host flags to redo */
	uint8_t size;             /* ... of this many bytes */
	uint16_t dirty;           /* cached guest registers to write back first */
};

struct emit {
	uint8_t *p, *end;
	struct stub stub[JIT_STUBS];
	int nstub;
	bool overflow;
	struct block *b;          /* its exits' slots are filled in */
	bool user;                /* translated for CPL 3 */
	bool flags_live;          /* host flags are those of the last guest ALU op */
	bool flags_dead;          /* the current instruction's lazy flags are never seen */
	int8_t lazy_kind;         /* the lazy flags are those of inline ALU op kind, or -1 */
	uint8_t lazy_size;        /* ... of this many bytes */
	bool fixed;               /* the block ends through fixed exits (jit.h) */
	uint32_t cpu_epoch;       /* the cache's jit_epoch now */
	uint8_t *done;            /* the common block end: eax = n, epilogue */
	uint8_t *exit;            /* where a block end goes: the chain code or done */
	uint8_t *epilogue;
	/* Guest registers kept in host registers for the whole block: loaded
	 * at its entry; the ones written since (dirty) are stored back into
	 * struct cpu before a handler call and every exit, and all of them
	 * are loaded again after a call (the handler may have changed any). */
	int8_t host_of[16];       /* host register of guest register r, or -1 */
	uint16_t cached, dirty;   /* masks of guest registers */
	uint16_t clobbered;       /* ... of those in caller-saved host registers */
	/* A first pass without the cache counts, in the main line: */
	bool in_stubs;
	uint16_t uses[16];        /* the accesses of each guest register */
	uint16_t calls, calls_any; /* the calls that may write guest registers, all calls */
	/* Where each instruction's code starts, and whether it assumes
	 * nothing of the flags there (a jump back into the block may go
	 * only to such a head: see emit_loop()). */
	uint8_t *head[BLOCK_MAX];
	uint32_t head_off[BLOCK_MAX];
	bool head_clean[BLOCK_MAX];
};

#define CPU_OFF(field) ((int32_t)offsetof(struct cpu, field))
#define GPR(r) (CPU_OFF(s.gpr) + 8 * (r))

/* ---- the encoder ---- */

static void b1(struct emit *e, unsigned v)
{
	if (e->p < e->end)
		*e->p++ = (uint8_t)v;
	else
		e->overflow = true;
}

static void b4(struct emit *e, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b1(e, v >> (8 * i));
}

static void b8(struct emit *e, uint64_t v)
{
	b4(e, (uint32_t)v);
	b4(e, (uint32_t)(v >> 32));
}

static void rex(struct emit *e, bool w, int reg, int idx, int base)
{
	unsigned r = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((idx >= 0 && (idx & 8)) ? 2 : 0) |
		     ((base & 8) ? 1 : 0);

	if (r != 0x40)
		b1(e, r);
}

/* ModRM (+ SIB) + disp32 for [base + idx * (1 << scale) + disp]. */
static void modrm_mem(struct emit *e, int reg, int base, int idx, int scale, int32_t disp)
{
	if (idx < 0 && (base & 7) != H_SP) {
		b1(e, 0x80 | (reg & 7) << 3 | (base & 7));
	} else {
		b1(e, 0x84 | (reg & 7) << 3);
		b1(e, scale << 6 | ((idx < 0 ? H_SP : idx) & 7) << 3 | (base & 7));
	}
	b4(e, (uint32_t)disp);
}

/* An instruction with a memory operand: [66] [REX] opcode (1 or 2 bytes,
 * op2 < 0: one) ModRM... */
static void op_mem(struct emit *e, bool o16, bool w, int op1, int op2, int reg, int base, int idx,
		   int scale, int32_t disp)
{
	if (o16)
		b1(e, 0x66);
	rex(e, w, reg, idx, base);
	b1(e, op1);
	if (op2 >= 0)
		b1(e, op2);
	modrm_mem(e, reg, base, idx, scale, disp);
}

/* Register-direct form: opcode /reg with ModRM.rm = rm. */
static void op_reg(struct emit *e, bool w, int op, int reg, int rm)
{
	rex(e, w, reg, -1, rm);
	b1(e, op);
	b1(e, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* Loads and stores of 64 (w) or 32 bits between a host register and cpu. */
static void ld_cpu(struct emit *e, bool w, int reg, int32_t off)
{
	op_mem(e, false, w, 0x8b, -1, reg, H_BX, -1, 0, off);
}

static void st_cpu(struct emit *e, bool w, int reg, int32_t off)
{
	op_mem(e, false, w, 0x89, -1, reg, H_BX, -1, 0, off);
}

static void lea(struct emit *e, int reg, int base, int idx, int scale, int32_t disp)
{
	op_mem(e, false, true, 0x8d, -1, reg, base, idx, scale, disp);
}

/* ---- guest registers: in their host register or in struct cpu ---- */

/* [REX] op1 [op2] ModRM with guest register `r` as the r/m operand. */
static void gpr_op(struct emit *e, bool w, int op1, int op2, int reg, int r)
{
	int h = e->host_of[r];

	if (!e->in_stubs)
		e->uses[r]++;
	if (h < 0) {
		op_mem(e, false, w, op1, op2, reg, H_BX, -1, 0, GPR(r));
		return;
	}
	rex(e, w, reg, -1, h);
	b1(e, op1);
	if (op2 >= 0)
		b1(e, op2);
	b1(e, 0xc0 | (reg & 7) << 3 | (h & 7));
}

/* host register = guest register r (32 bits zero-extended, or 64) */
static void gpr_ld(struct emit *e, bool w, int reg, int r)
{
	gpr_op(e, w, 0x8b, -1, reg, r);
}

/* guest register r = host register (all 64 bits) */
static void gpr_st(struct emit *e, int reg, int r)
{
	gpr_op(e, true, 0x89, -1, reg, r);
	e->dirty |= (uint16_t)(e->cached & 1u << r);
}

/* the low byte of guest register r = the low byte of host register reg
 * (al, cl or dl) */
static void gpr_st8(struct emit *e, int reg, int r)
{
	gpr_op(e, false, 0x88, -1, reg, r);
	e->dirty |= (uint16_t)(e->cached & 1u << r);
}

/* The host register to compute a new value of guest register r in: its
 * own when cached, else `scratch`. */
static int gpr_dst(const struct emit *e, int r, int scratch)
{
	return e->host_of[r] >= 0 ? e->host_of[r] : scratch;
}

/* Guest register r = host register `reg` (64 bits), which may be r's own
 * (gpr_dst()). */
static void gpr_set(struct emit *e, int reg, int r)
{
	if (reg == e->host_of[r])
		e->dirty |= (uint16_t)(1u << r);
	else
		gpr_st(e, reg, r);
}

/* Write the dirty cached registers back into struct cpu (MOVs only: the
 * host flags stay). */
static void gpr_flush(struct emit *e)
{
	for (int r = 0; r < 16; r++)
		if (e->dirty >> r & 1)
			st_cpu(e, true, e->host_of[r], GPR(r));
	e->dirty = 0;
}

/* Load the cached registers in `mask` from struct cpu. */
static void gpr_load(struct emit *e, uint16_t mask)
{
	for (int r = 0; r < 16; r++)
		if (mask >> r & 1)
			ld_cpu(e, true, e->host_of[r], GPR(r));
}

/* After a call of a C function: load again what it may have changed
 * (`writes`: it may write guest registers) or clobbered. */
static void gpr_after_call(struct emit *e, bool writes)
{
	if (!e->in_stubs) {
		e->calls += writes;
		e->calls_any++;
	}
	gpr_load(e, writes ? e->cached : e->clobbered);
}

/* True when the handler of `in` writes no general register (only flags,
 * memory, RIP): compares, tests, stores, jumps. */
static bool insn_keeps_gprs(const struct insn *in)
{
	int ext = in->reg & 7;

	if (in->map == MAP_0F)
		return (in->op >= 0x80 && in->op <= 0x8f) ||
		       (in->op >= 0x90 && in->op <= 0x9f && in->mod != 3);
	if (in->map != MAP_1B)
		return false;
	switch (in->op) {
	case 0x38: case 0x39: case 0x3a: case 0x3b: case 0x3c: case 0x3d:
	case 0x84: case 0x85: case 0xa8: case 0xa9: case 0xe9: case 0xeb:
		return true;
	case 0x80: case 0x81: case 0x83:
		return in->has_modrm && ext == 7;
	case 0xf6: case 0xf7:
		return in->has_modrm && ext <= 1;
	case 0x88: case 0x89:
		return in->has_modrm && in->mod != 3;
	case 0xc6: case 0xc7:
		return in->has_modrm && in->mod != 3 && ext == 0;
	default:
		return in->op >= 0x70 && in->op <= 0x7f;
	}
}

/* Give the guest registers the first pass saw accessed most the cache's
 * host registers, where that saves accesses: one costs a load at the
 * entry and one after each call that reloads it. */
static void gpr_pick(struct emit *e)
{
	int uses[16];

	for (int r = 0; r < 16; r++)
		uses[r] = e->uses[r];
	memset(e->host_of, -1, sizeof(e->host_of));
	e->cached = e->clobbered = 0;
	for (int k = 0; k < JIT_CACHED; k++) {
		int best = 0;

		for (int r = 1; r < 16; r++)
			if (uses[r] > uses[best])
				best = r;
		if (uses[best] < 2 + (k < JIT_KEPT ? e->calls : e->calls_any))
			continue;
		e->host_of[best] = cache_host[k];
		e->cached |= (uint16_t)(1u << best);
		if (k >= JIT_KEPT)
			e->clobbered |= (uint16_t)(1u << best);
		uses[best] = 0;
	}
}

/* shift group C1 /ext by imm8 */
static void shift_ri(struct emit *e, bool w, int ext, int rm, int n)
{
	op_reg(e, w, 0xc1, ext, rm);
	b1(e, n);
}

/* group 1 81 /ext with imm32 on a register */
static void alu_ri(struct emit *e, bool w, int ext, int rm, uint32_t imm)
{
	op_reg(e, w, 0x81, ext, rm);
	b4(e, imm);
}

static void mov_imm64(struct emit *e, int reg, uint64_t v)
{
	rex(e, true, 0, -1, reg);
	b1(e, 0xb8 + (reg & 7));
	b8(e, v);
}

/* Point the rel32 at `at` to `to`. */
static void patch(uint8_t *at, const uint8_t *to)
{
	int32_t rel = (int32_t)(to - (at + 4));

	memcpy(at, &rel, 4);
}

/* A rel32 jump (op2 < 0: E9 jmp, else 0F op2 jcc) to `to` (NULL: patched later);
 * returns where its rel32 is. */
static uint8_t *jump(struct emit *e, int op2, const uint8_t *to)
{
	uint8_t *at;

	if (op2 < 0) {
		b1(e, 0xe9);
	} else {
		b1(e, 0x0f);
		b1(e, op2);
	}
	at = e->p;
	b4(e, 0);
	if (to && !e->overflow)
		patch(at, to);
	return at;
}

/* Flush, then jump to the block's exit. */
static void emit_exit(struct emit *e)
{
	gpr_flush(e);
	jump(e, -1, e->exit);
}

static void add_stub(struct emit *e, uint8_t *at, enum stub_kind kind, int i, uint32_t off,
		     uint8_t *back)
{
	if (e->nstub == JIT_STUBS) {
		e->overflow = true;
		return;
	}
	e->stub[e->nstub++] = (struct stub){ .at = at, .kind = kind, .i = i, .off = off,
					     .back = back, .dirty = e->dirty };
}

/* jcc rel32 (0F 80+cc) to a stub made later */
static void jcc_stub(struct emit *e, int cc, enum stub_kind kind, int i, uint32_t off)
{
	add_stub(e, jump(e, 0x80 + cc, NULL), kind, i, off, NULL);
}

/* ---- the per-instruction pieces ---- */

/* What exec_one() does around a handler, inline: RIP and next RIP, the
 * replay log, the call, the status, retire, the kick word. */
static void emit_call(struct emit *e, int i, uint32_t off)
{
	const struct insn *in = &e->b->in[i];
	bool last = i == (int)e->b->n - 1;

	lea(e, H_AX, H_R12, -1, 0, (int32_t)off);
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	lea(e, H_AX, H_R12, -1, 0, (int32_t)(off + in->len));
	st_cpu(e, true, H_AX, CPU_OFF(next_rip));
	op_mem(e, false, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(replay.seen));
	b4(e, 0);
	gpr_flush(e);
	op_reg(e, true, 0x89, H_BX, H_DI);                 /* mov rdi, rbx */
	mov_imm64(e, H_SI, (uint64_t)(uintptr_t)in);
	mov_imm64(e, H_AX, (uint64_t)(uintptr_t)in->fn);
	b1(e, 0xff);                                        /* call rax */
	b1(e, 0xd0);
	gpr_after_call(e, !insn_keeps_gprs(in));
	op_reg(e, false, 0x85, H_AX, H_AX);                 /* test eax, eax */
	jcc_stub(e, 0x5, ST_FAIL, i, off);                  /* jnz */
	ld_cpu(e, true, H_AX, CPU_OFF(next_rip));
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	op_mem(e, false, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(replay.done));
	b4(e, 0);
	if (!last) {
		op_mem(e, false, false, 0x83, -1, 7, H_BX, -1, 0, CPU_OFF(kick));
		b1(e, 0);                                   /* cmp dword [kick], 0 */
		jcc_stub(e, 0x5, ST_KICK, i + 1, off);
	}
	e->flags_live = false;
	e->lazy_kind = -1;
}

/* Address forms (as ops_fast.c: EA_B, EA_BI, EA_RIP), or -1. */
static int jit_ea_form(const struct insn *in, uint32_t end)
{
	if (in->adsz != 8 || in->seg > SEG_GS || in->lock)
		return -1;
	if (in->disp != (int32_t)in->disp)
		return -1;
	if (in->riprel)
		return in->index < 0 && in->disp + end == (int32_t)(in->disp + end) ? EA_RIP : -1;
	if (in->base < 0)
		return -1;
	return in->index < 0 ? EA_B : EA_BI;
}

/* rax = effective address (64-bit) of the memory operand */
static void emit_ea(struct emit *e, const struct insn *in, int form, uint32_t end)
{
	if (form == EA_RIP) {
		lea(e, H_AX, H_R12, -1, 0, (int32_t)(in->disp + end));
		return;
	}
	gpr_ld(e, true, H_AX, in->base);
	if (form == EA_BI) {
		gpr_ld(e, true, H_CX, in->index);
		lea(e, H_AX, H_AX, H_CX, in->scale, (int32_t)in->disp);
	} else {
		lea(e, H_AX, H_AX, -1, 0, (int32_t)in->disp);
	}
}

/* rax = host address for a `size`-byte access at rax, through the TLB
 * (`acc`), or a jump to the instruction's slow path: page crossing, miss. */
static void emit_tlb(struct emit *e, int i, uint32_t off, int size, int acc)
{
	int32_t tlb = CPU_OFF(tlb.e) + acc * (int32_t)(TLB_SIZE * sizeof(struct tlb_entry));
	const struct insn *in = &e->b->in[i];

	if (in->has_modrm && in->mod != 3 && (in->seg == SEG_FS || in->seg == SEG_GS))
		op_mem(e, false, true, 0x03, -1, H_AX, H_BX, -1, 0,
		       CPU_OFF(s.seg[0].base) +
		       in->seg * (int32_t)sizeof(((struct cpu *)0)->s.seg[0]));   /* add rax, base */
	op_reg(e, true, 0x89, H_AX, H_DX);                  /* mov rdx, rax */
	shift_ri(e, true, 5, H_DX, 12);                     /* shr rdx, 12 */
	alu_ri(e, false, 4, H_DX, TLB_SIZE - 1);            /* and edx, TLB_SIZE - 1 */
	lea(e, H_DX, H_DX, H_DX, 2, 0);                     /* rdx *= 5 */
	/* the page of the last byte against the tag of the first byte's slot:
	 * an access that crosses a page never hits (tlb_index(): the next
	 * page has the next slot) */
	lea(e, H_CX, H_AX, -1, 0, size - 1);
	alu_ri(e, true, 4, H_CX, 0xfffff000u);              /* and rcx, ~0xfff */
	if (e->user)
		alu_ri(e, true, 1, H_CX, 1);                /* or rcx, 1 */
	op_mem(e, false, true, 0x3b, -1, H_CX, H_BX, H_DX, 3, tlb);  /* cmp rcx, tag */
	jcc_stub(e, 0x5, ST_SLOW, i, off);                  /* jne */
	alu_ri(e, false, 4, H_AX, 0xfff);                   /* and eax, 0xfff */
	op_mem(e, false, true, 0x03, -1, H_AX, H_BX, H_DX, 3, tlb + 8);  /* add rax, host */
}

/* The slow paths added since stub `first` continue here. */
static void stub_back(struct emit *e, int first)
{
	for (int s = first; s < e->nstub; s++)
		if (e->stub[s].kind == ST_SLOW)
			e->stub[s].back = e->p;
}

/* The slow paths added since stub `first` redo ALU operation `kind` on
 * the operands the handler recorded, so that the host flags are the
 * guest's on both ways to the join (a Jcc or CMOVcc after it fuses). */
static void stub_reflag(struct emit *e, int first, int kind, int size)
{
	for (int s = first; s < e->nstub; s++) {
		e->stub[s].reflag = (int8_t)(1 + kind);
		e->stub[s].size = (uint8_t)size;
	}
}

/* What a load does with the value (as ops_fast.c). */
enum { JL_Z32, JL_64, JL_ZX8, JL_ZX16, JL_SX8, JL_SX16, JL_SX32, JL_LOW8 };

static bool high8(const struct insn *in, int r)
{
	return !in->rex && r >= 4 && r < 8;
}

/* The load kind of a MOV/MOVZX/MOVSX/MOVSXD from memory, or -1. */
static int load_kind(const struct insn *in)
{
	if (in->map == MAP_1B) {
		switch (in->op) {
		case 0x8b: return in->opsz == 8 ? JL_64 : in->opsz == 4 ? JL_Z32 : -1;
		case 0x8a: return high8(in, in->reg) ? -1 : JL_LOW8;
		case 0x63: return in->opsz == 8 ? JL_SX32 : -1;
		default: return -1;
		}
	}
	if (in->map != MAP_0F || in->opsz < 4)
		return -1;
	switch (in->op) {
	case 0xb6: return JL_ZX8;
	case 0xb7: return JL_ZX16;
	case 0xbe: return JL_SX8;
	case 0xbf: return JL_SX16;
	default: return -1;
	}
}

static void emit_load(struct emit *e, int i, uint32_t off, int form, int kind)
{
	static const int size[] = { 4, 8, 1, 2, 1, 2, 4, 1 };
	const struct insn *in = &e->b->in[i];
	bool w = in->opsz == 8;
	int first = e->nstub, d = gpr_dst(e, in->reg, H_CX);

	emit_ea(e, in, form, off + in->len);
	emit_tlb(e, i, off, size[kind], TLB_R);
	switch (kind) {   /* into d: every kind but JL_LOW8 writes all 64 bits */
	case JL_Z32: op_mem(e, false, false, 0x8b, -1, d, H_AX, -1, 0, 0); break;
	case JL_64: op_mem(e, false, true, 0x8b, -1, d, H_AX, -1, 0, 0); break;
	case JL_ZX8: op_mem(e, false, false, 0x0f, 0xb6, d, H_AX, -1, 0, 0); break;
	case JL_ZX16: op_mem(e, false, false, 0x0f, 0xb7, d, H_AX, -1, 0, 0); break;
	case JL_SX8: op_mem(e, false, w, 0x0f, 0xbe, d, H_AX, -1, 0, 0); break;
	case JL_SX16: op_mem(e, false, w, 0x0f, 0xbf, d, H_AX, -1, 0, 0); break;
	case JL_SX32: op_mem(e, false, true, 0x63, -1, d, H_AX, -1, 0, 0); break;
	default:
		op_mem(e, false, false, 0x8a, -1, H_CX, H_AX, -1, 0, 0);       /* mov cl, [rax] */
		gpr_st8(e, H_CX, in->reg);
		break;
	}
	if (kind != JL_LOW8)
		gpr_set(e, d, in->reg);
	stub_back(e, first);
	e->flags_live = false;
}

/* MOV [m], r of 1, 2, 4 or 8 bytes, or 0. */
static int store_size(const struct insn *in)
{
	if (in->map != MAP_1B)
		return 0;
	if (in->op == 0x88)
		return high8(in, in->reg) ? 0 : 1;
	return in->op == 0x89 ? in->opsz : 0;
}

static void emit_store(struct emit *e, int i, uint32_t off, int form, int size)
{
	const struct insn *in = &e->b->in[i];
	int first = e->nstub;

	emit_ea(e, in, form, off + in->len);
	emit_tlb(e, i, off, size, TLB_W);
	gpr_ld(e, true, H_CX, in->reg);
	op_mem(e, size == 2, size == 8, size == 1 ? 0x88 : 0x89, -1, H_CX, H_AX, -1, 0, 0);
	stub_back(e, first);
	e->flags_live = false;
}

/* MOV [m], imm (C6 /0, C7 /0) of 1, 4 or 8 bytes, or 0. */
static int store_imm_size(const struct insn *in)
{
	if (in->map != MAP_1B || (in->reg & 7) || (in->opsz != 4 && in->opsz != 8))
		return 0;
	return in->op == 0xc6 ? 1 : in->op == 0xc7 ? in->opsz : 0;
}

static void emit_store_imm(struct emit *e, int i, uint32_t off, int form, int size)
{
	const struct insn *in = &e->b->in[i];
	int first = e->nstub;

	emit_ea(e, in, form, off + in->len);
	emit_tlb(e, i, off, size, TLB_W);
	op_mem(e, false, size == 8, size == 1 ? 0xc6 : 0xc7, -1, 0, H_AX, -1, 0, 0);
	if (size == 1)
		b1(e, (uint8_t)in->imm);
	else
		b4(e, (uint32_t)in->imm);                   /* sign-extended for 8 */
	stub_back(e, first);
	e->flags_live = false;
}

/* ALU operations inlined: ADD OR AND SUB XOR CMP (ADC/SBB read CF). The
 * host instruction that sets the same flags, and the lazy kind. */
static const struct {
	uint8_t op;               /* host opcode, r/m64 op= r64 */
	uint8_t lf;
} alu_host[8] = {
	[0] = { 0x01, LF_ADD }, [1] = { 0x09, LF_LOGIC }, [4] = { 0x21, LF_LOGIC },
	[5] = { 0x29, LF_SUB }, [6] = { 0x31, LF_LOGIC }, [7] = { 0x29, LF_SUB },
};

/* op al/eax/rax, cl/ecx/rcx for `kind` (8: TEST) at `size` 1, 4 or 8 */
static void emit_host_alu(struct emit *e, int kind, int size)
{
	op_reg(e, size == 8, alu_host[kind == 8 ? 4 : kind].op - (size == 1), H_CX, H_AX);
}

/* host register = guest register `r` of `size` bytes, zero-extended */
static void ld_gpr(struct emit *e, int size, int reg, int r)
{
	if (size == 1)
		gpr_op(e, false, 0x0f, 0xb6, reg, r);   /* movzx */
	else
		gpr_ld(e, size == 8, reg, r);
}

/* host register `reg` = `size` bytes at [base], zero-extended */
static void ld_host(struct emit *e, int size, int reg, int base)
{
	if (size == 1)
		op_mem(e, false, false, 0x0f, 0xb6, reg, base, -1, 0, 0);
	else
		op_mem(e, false, size == 8, 0x8b, -1, reg, base, -1, 0, 0);
}

/* rax op= rcx for `kind` 0-7 as in the opcode (8: TEST) at `size` 1, 4
 * or 8, the operands already loaded (zero-extended from the size),
 * recording the lazy flags as alu_do() does; the result goes to register
 * `dst` unless CMP/TEST (dst < 0: nowhere). The host flags are the
 * guest's after. */
static void emit_alu_op(struct emit *e, int kind, int size, int dst)
{
	bool record = !e->flags_dead;

	if (record) {
		st_cpu(e, true, H_AX, CPU_OFF(lf.s1));
		st_cpu(e, true, H_CX, CPU_OFF(lf.s2));
	}
	emit_host_alu(e, kind, size);
	if (record) {
		st_cpu(e, true, H_AX, CPU_OFF(lf.res));
		op_mem(e, true, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.op));
		b1(e, alu_host[kind == 8 ? 4 : kind].lf);   /* op, size: one word */
		b1(e, size);
	}
	if (kind != 7 && kind != 8 && dst >= 0) {
		if (size == 1)
			gpr_st8(e, H_AX, dst);
		else
			gpr_st(e, H_AX, dst);
	}
	e->flags_live = true;
	e->lazy_kind = record ? (int8_t)kind : -1;
	e->lazy_size = (uint8_t)size;
}

/* Host flags = the guest's again, from the operands inline ALU operation
 * `kind` recorded (a handler on a slow path records the same ones). */
static void emit_reflag(struct emit *e, int kind, int size)
{
	ld_cpu(e, true, H_AX, CPU_OFF(lf.s1));
	ld_cpu(e, true, H_CX, CPU_OFF(lf.s2));
	emit_host_alu(e, kind, size);
}

/* Make the host flags the guest's for a fused CMOVcc/SETcc/Jcc: they are,
 * or the last flag producer was an inline ALU operation (loads, stores
 * and LEA since then clobbered only the host's); false: not known. */
static bool flags_ready(struct emit *e)
{
	if (!e->flags_live && e->lazy_kind >= 0) {
		emit_reflag(e, e->lazy_kind, e->lazy_size);
		e->flags_live = true;
	}
	return e->flags_live;
}

/* rcx = an immediate of the operand size (sign-extended imm32 for 64) */
static void emit_imm_rcx(struct emit *e, int size, uint64_t imm)
{
	if (size == 8) {
		op_reg(e, true, 0xc7, 0, H_CX);              /* mov rcx, simm32 */
		b4(e, (uint32_t)imm);
	} else {
		b1(e, 0xb9);                                 /* mov ecx, imm32 */
		b4(e, size == 1 ? (uint8_t)imm : (uint32_t)imm);
	}
}

/* dst op= src (or rcx) on the cached host registers themselves: when
 * the lazy flags are not recorded (then any size: the host operation
 * zero-extends a 32-bit result and keeps the rest of an 8-bit one, as
 * the guest's), or for a 64-bit operation that writes its result (the
 * recorded operands and result are the host registers' whole values).
 * False when not both cached. */
static bool emit_alu_cached(struct emit *e, int kind, int size, int dst, int src, uint64_t imm)
{
	static const uint8_t cmp_test[2] = { 0x39, 0x85 };   /* CMP, TEST r/m, r */
	bool record = !e->flags_dead;
	int hd = e->host_of[dst], hs = src >= 0 ? e->host_of[src] : H_CX, op;

	if (hd < 0 || hs < 0 || (record && (size != 8 || kind >= 7)))
		return false;
	if (src < 0)
		emit_imm_rcx(e, size, imm);
	if (record) {
		st_cpu(e, true, hd, CPU_OFF(lf.s1));
		st_cpu(e, true, hs, CPU_OFF(lf.s2));
	}
	op = kind >= 7 ? cmp_test[kind - 7] : alu_host[kind].op;
	op_reg(e, size == 8, op - (size == 1), hs, hd);
	if (record) {
		st_cpu(e, true, hd, CPU_OFF(lf.res));
		op_mem(e, true, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.op));
		b1(e, alu_host[kind].lf);                    /* op, size: one word */
		b1(e, size);
	}
	if (kind < 7)
		e->dirty |= (uint16_t)(1u << dst);
	e->flags_live = true;
	e->lazy_kind = record ? (int8_t)kind : -1;
	e->lazy_size = (uint8_t)size;
	return true;
}

/* dst op= src (or an immediate when src < 0) between registers. */
static void emit_alu(struct emit *e, int kind, int size, int dst, int src, uint64_t imm)
{
	if (emit_alu_cached(e, kind, size, dst, src, imm))
		return;
	ld_gpr(e, size, H_AX, dst);
	if (src >= 0)
		ld_gpr(e, size, H_CX, src);
	else
		emit_imm_rcx(e, size, imm);
	emit_alu_op(e, kind, size, dst);
}

/* The ALU kind (0-7 as in the opcode, 8: TEST), the operand size and
 * whether an immediate is the source, for ADD/OR/AND/SUB/XOR/CMP/TEST in
 * every form but AL/EAX, imm and the 16-bit ones; false if none of them
 * or not inlined (ADC/SBB read CF; high-byte registers). */
static bool alu_form(const struct insn *in, int *kind, int *size, bool *imm)
{
	if (in->map != MAP_1B || in->lock || (in->opsz != 4 && in->opsz != 8))
		return false;
	*imm = false;
	if (in->op < 0x40 && (in->op & 7) <= 3) {
		*kind = in->op >> 3;
		*size = in->op & 1 ? in->opsz : 1;
	} else if (in->op == 0x84 || in->op == 0x85) {
		*kind = 8;
		*size = in->op & 1 ? in->opsz : 1;
	} else if (in->op == 0x80 || in->op == 0x81 || in->op == 0x83) {
		*kind = in->reg & 7;
		*size = in->op == 0x80 ? 1 : in->opsz;
		*imm = true;
	} else if ((in->op == 0xf6 || in->op == 0xf7) && (in->reg & 7) == 0) {
		*kind = 8;
		*size = in->op == 0xf6 ? 1 : in->opsz;
		*imm = true;
	} else {
		return false;
	}
	if (*kind == 2 || *kind == 3)
		return false;
	if (*size == 8 && *imm && in->imm != (uint64_t)(int64_t)(int32_t)in->imm)
		return false;
	if (*size == 1 && ((!*imm && high8(in, in->reg)) || (in->mod == 3 && high8(in, in->rm))))
		return false;
	return true;
}

/* ALU operations with a memory operand (alu_form(): r op= [m], [m] op= r,
 * [m] op= imm, CMP and TEST): the access through the TLB (a write entry
 * when memory is written), else the handler. As ops_alu.c: the
 * destination is the first operand. */
static bool emit_alu_mem(struct emit *e, int i, uint32_t off, int form)
{
	const struct insn *in = &e->b->in[i];
	int first = e->nstub, kind, size;
	bool mem_dst, imm;

	if (!alu_form(in, &kind, &size, &imm))
		return false;
	mem_dst = imm || kind == 8 || !(in->op & 2);
	emit_ea(e, in, form, off + in->len);
	emit_tlb(e, i, off, size, mem_dst && kind < 7 ? TLB_W : TLB_R);
	if (mem_dst) {
		op_reg(e, true, 0x89, H_AX, H_SI);                     /* mov rsi, rax */
		ld_host(e, size, H_AX, H_SI);
		if (imm)
			emit_imm_rcx(e, size, in->imm);
		else
			ld_gpr(e, size, H_CX, in->reg);
	} else {
		ld_host(e, size, H_CX, H_AX);
		ld_gpr(e, size, H_AX, in->reg);
	}
	emit_alu_op(e, kind, size, mem_dst ? -1 : in->reg);
	if (mem_dst && kind < 7)                                   /* mov [rsi], al/eax/rax */
		op_mem(e, false, size == 8, size == 1 ? 0x88 : 0x89, -1, H_AX, H_SI, -1, 0, 0);
	stub_back(e, first);
	stub_reflag(e, first, kind, size);
	return true;
}

/* IMUL r, r/m (0F AF) and IMUL r, r/m, imm (69, 6B), 32/64-bit (form < 0:
 * a register source), recording what ops_muldiv.c records: the result
 * with CF = OF = "did not fit". */
static bool emit_imul(struct emit *e, int i, uint32_t off, int form)
{
	const struct insn *in = &e->b->in[i];
	bool w = in->opsz == 8, three = in->map == MAP_1B;
	int first = e->nstub;

	if (!(in->map == MAP_0F && in->op == 0xaf) &&
	    !(in->map == MAP_1B && (in->op == 0x69 || in->op == 0x6b)))
		return false;
	if ((in->opsz != 4 && in->opsz != 8) || (in->mod != 3 && form < 0) ||
	    (three && w && in->imm != (uint64_t)(int64_t)(int32_t)in->imm))
		return false;
	if (in->mod == 3) {
		gpr_ld(e, w, H_CX, in->rm);
	} else {
		emit_ea(e, in, form, off + in->len);
		emit_tlb(e, i, off, w ? 8 : 4, TLB_R);
		op_mem(e, false, w, 0x8b, -1, H_CX, H_AX, -1, 0, 0);   /* mov rcx, [rax] */
	}
	if (three) {
		rex(e, w, H_AX, -1, H_CX);
		b1(e, 0x69);                                        /* imul eax, ecx, imm32 */
		b1(e, 0xc1);
		b4(e, (uint32_t)in->imm);
	} else {
		gpr_ld(e, w, H_AX, in->reg);
		rex(e, w, H_AX, -1, H_CX);
		b1(e, 0x0f); b1(e, 0xaf); b1(e, 0xc1);              /* imul eax, ecx */
	}
	b1(e, 0x0f); b1(e, 0x90); b1(e, 0xc2);                 /* seto dl */
	gpr_st(e, H_AX, in->reg);
	st_cpu(e, true, H_AX, CPU_OFF(lf.res));
	op_mem(e, false, false, 0x88, -1, H_DX, H_BX, -1, 0, CPU_OFF(lf.cf));
	b1(e, 0x0f); b1(e, 0xb6); b1(e, 0xd2);                 /* movzx edx, dl */
	st_cpu(e, true, H_DX, CPU_OFF(lf.s2));
	op_mem(e, true, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.op));
	b1(e, LF_RES);
	b1(e, w ? 8 : 4);
	stub_back(e, first);
	e->flags_live = false;
	e->lazy_kind = -1;
	return true;
}

/* the low 16 bits of guest register r = those of host register reg */
static void gpr_st16(struct emit *e, int reg, int r)
{
	b1(e, 0x66);
	gpr_op(e, false, 0x89, -1, reg, r);
	e->dirty |= (uint16_t)(e->cached & 1u << r);
}

/* The host shift group C1 /ext by n on register rm of `size` bytes. */
static void shift_sized(struct emit *e, int size, int ext, int rm, unsigned n)
{
	if (size == 2)
		b1(e, 0x66);
	shift_ri(e, size == 8, ext, rm, (int)n);
}

/* SHL/SAL/SHR/SAR r, imm8 or 1 (kind 4-7 as ModRM.reg) on a 16-, 32- or
 * 64-bit register (`cnt` already masked; below 16 for 16 bits),
 * recording what ops_shift.c records: the result with CF and OF; with
 * its flags dead (flags_dead()) also ROL/ROR (0, 1), and nothing
 * recorded: the host operation on the register alone. A 16-bit one
 * keeps the rest of the register. */
static void emit_shift(struct emit *e, int kind, int size, int rm, unsigned cnt)
{
	int bits = size * 8, ext = kind == 6 ? 4 : kind;
	int d = gpr_dst(e, rm, H_AX);
	bool w = size == 8;

	if (size == 2 && !cnt)
		return;                /* nothing changes, not even the flags */
	if (!cnt || e->flags_dead) {
		if (size > 2 || d == H_AX)   /* a 32-bit register is zero-extended */
			gpr_ld(e, w, d, rm);
		if (cnt)
			shift_sized(e, size, ext, d, cnt);
		if (size > 2)
			gpr_set(e, d, rm);
		else if (d == H_AX)
			gpr_st16(e, H_AX, rm);
		else
			e->dirty |= (uint16_t)(1u << rm);
		e->flags_live = false;
		e->lazy_kind = -1;
		return;
	}
	gpr_ld(e, w, H_AX, rm);
	if (size == 2) {                                    /* movzx eax, ax */
		b1(e, 0x0f); b1(e, 0xb7); b1(e, 0xc0);
	}
	if (ext == 5) {                                     /* OF: the old top bit */
		op_reg(e, true, 0x89, H_AX, H_DX);
		shift_ri(e, true, 5, H_DX, bits - 1);
	}
	shift_sized(e, size, ext, H_AX, cnt);
	b1(e, 0x0f); b1(e, 0x92); b1(e, 0xc1);             /* setc cl */
	if (size == 2)
		gpr_st16(e, H_AX, rm);
	else
		gpr_st(e, H_AX, rm);
	st_cpu(e, true, H_AX, CPU_OFF(lf.res));
	op_mem(e, false, false, 0x88, -1, H_CX, H_BX, -1, 0, CPU_OFF(lf.cf));
	if (ext == 4) {                                     /* OF: top bit ^ CF */
		op_reg(e, true, 0x89, H_AX, H_DX);
		shift_ri(e, true, 5, H_DX, bits - 1);
		op_mem(e, false, false, 0x0f, 0xb6, H_CX, H_BX, -1, 0, CPU_OFF(lf.cf));
		op_reg(e, false, 0x31, H_CX, H_DX);         /* xor edx, ecx */
	} else if (ext == 7) {
		op_reg(e, false, 0x31, H_DX, H_DX);         /* OF = 0 */
	}
	st_cpu(e, true, H_DX, CPU_OFF(lf.s2));
	op_mem(e, true, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.op));
	b1(e, LF_RES);
	b1(e, (uint8_t)size);
	e->flags_live = false;
	e->lazy_kind = -1;
}

/* INC/DEC r32/r64 (FF /0 /1), recording what ops_alu.c's inc_dec_flags()
 * records: the operand, 1, the result and the old CF. The host CF is made
 * the guest's first (it is after an inline ALU operation, else from
 * flags_cf()), and the host INC/DEC keeps it, so the host flags are the
 * guest's after. */
static void emit_inc_dec(struct emit *e, bool dec, bool w, int r)
{
	if (flags_ready(e)) {
		op_mem(e, false, false, 0x0f, 0x92, 0, H_BX, -1, 0, CPU_OFF(lf.cf));  /* setc */
	} else {
		gpr_flush(e);     /* the call clobbers r8-r11 */
		op_reg(e, true, 0x89, H_BX, H_DI);                  /* mov rdi, rbx */
		mov_imm64(e, H_AX, (uint64_t)(uintptr_t)flags_cf);
		b1(e, 0xff); b1(e, 0xd0);                            /* call rax */
		gpr_after_call(e, false);
		op_mem(e, false, false, 0x88, -1, H_AX, H_BX, -1, 0, CPU_OFF(lf.cf));
		b1(e, 0x0f); b1(e, 0xba); b1(e, 0xe0); b1(e, 0);     /* bt eax, 0: CF */
	}
	gpr_ld(e, w, H_AX, r);
	st_cpu(e, true, H_AX, CPU_OFF(lf.s1));
	op_mem(e, false, true, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.s2));
	b4(e, 1);                                                    /* mov qword [s2], 1 */
	op_reg(e, w, 0xff, dec, H_AX);                              /* inc/dec eax/rax */
	st_cpu(e, true, H_AX, CPU_OFF(lf.res));
	op_mem(e, true, false, 0xc7, -1, 0, H_BX, -1, 0, CPU_OFF(lf.op));
	b1(e, dec ? LF_DEC : LF_INC);
	b1(e, w ? 8 : 4);
	gpr_st(e, H_AX, r);
	e->flags_live = true;
	e->lazy_kind = -1;        /* emit_reflag() cannot redo it */
}

/* Register forms of ALU/TEST/MOV/MOVZX/shifts and MOV r, imm: true when
 * inlined. */
static bool emit_reg_form(struct emit *e, const struct insn *in)
{
	bool w = in->opsz == 8;
	int dst = (in->op & 2) ? in->reg : in->rm, src = (in->op & 2) ? in->rm : in->reg;
	int kind, size;
	bool imm;

	if (in->map == MAP_0F && in->op >= 0x90 && in->op <= 0x9f && in->has_modrm &&
	    in->mod == 3 && !in->lock && !high8(in, in->rm) && flags_ready(e)) {
		b1(e, 0x0f); b1(e, in->op); b1(e, 0xc0);           /* setcc al */
		gpr_st8(e, H_AX, in->rm);
		return true;      /* the host flags are still the guest's */
	}
	if (in->map == MAP_1B && (in->op == 0xc1 || in->op == 0xd1) && in->opsz == 2 &&
	    in->has_modrm && in->mod == 3 && !in->lock && (in->reg & 7) >= 4 &&
	    ((in->op == 0xd1 ? 1 : in->imm & 0xff) & 31) < 16) {
		emit_shift(e, in->reg & 7, 2, in->rm, (in->op == 0xd1 ? 1 : in->imm & 0xff) & 31);
		return true;      /* SHL/SHR/SAR r16 by a count below 16 */
	}
	if (in->lock || (in->opsz != 4 && in->opsz != 8))
		return false;
	if (in->map == MAP_1B && in->op >= 0xb8 && in->op <= 0xbf) {   /* MOV r, imm */
		int r = (in->op & 7) | ((in->rex & 1) << 3), d = gpr_dst(e, r, H_AX);

		if (w) {
			mov_imm64(e, d, in->imm);
		} else {
			rex(e, false, 0, -1, d);
			b1(e, 0xb8 + (d & 7));
			b4(e, (uint32_t)in->imm);
		}
		gpr_set(e, d, r);
		return true;
	}
	if (!in->has_modrm || in->mod != 3)
		return false;
	if (in->map == MAP_0F && in->op >= 0x40 && in->op <= 0x4f && flags_ready(e)) {
		/* CMOVcc on the host flags; a 32-bit one zero-extends even when false */
		int d = gpr_dst(e, in->reg, H_AX);

		if (d == H_AX)
			gpr_ld(e, w, H_AX, in->reg);
		gpr_op(e, w, 0x0f, in->op, d, in->rm);
		gpr_set(e, d, in->reg);
		return true;
	}
	if (in->map == MAP_0F && (in->op == 0xb7 || (in->op == 0xb6 && !high8(in, in->rm)))) {
		int d = gpr_dst(e, in->reg, H_AX);

		gpr_op(e, false, 0x0f, in->op, d, in->rm);
		gpr_set(e, d, in->reg);
		return true;
	}
	if (in->map != MAP_1B)
		return false;
	if (in->op == 0xff && (in->reg & 7) <= 1) {
		emit_inc_dec(e, in->reg & 1, w, in->rm);
		return true;
	}
	if (in->op == 0x63 && w) {                          /* MOVSXD r64, r32 */
		int d = gpr_dst(e, in->reg, H_AX);

		gpr_op(e, true, 0x63, -1, d, in->rm);
		gpr_set(e, d, in->reg);
		return true;
	}
	if (in->op == 0x89 || in->op == 0x8b) {
		int d = gpr_dst(e, dst, H_AX);

		gpr_ld(e, w, d, src);
		gpr_set(e, d, dst);
		return true;
	}
	if (alu_form(in, &kind, &size, &imm)) {
		if (imm)
			emit_alu(e, kind, size, in->rm, -1, in->imm);
		else if (kind == 8)
			emit_alu(e, 8, size, in->rm, in->reg, 0);
		else
			emit_alu(e, kind, size, dst, src, 0);
		return true;
	}
	if ((in->op == 0xc1 || in->op == 0xd1) &&
	    ((in->reg & 7) >= 4 || ((in->reg & 7) <= 1 && e->flags_dead))) {
		emit_shift(e, in->reg & 7, in->opsz, in->rm,
			   (in->op == 0xd1 ? 1 : (unsigned)(in->imm & 0xff)) & (w ? 63 : 31));
		return true;
	}
	return false;
}

static bool emit_lea(struct emit *e, const struct insn *in, int form, uint32_t end)
{
	if (in->opsz != 4 && in->opsz != 8)
		return false;
	if (in->opsz == 4 && form == EA_RIP)
		return false;
	emit_ea(e, in, form, end);
	if (in->opsz == 4)
		op_reg(e, false, 0x89, H_AX, H_AX);         /* mov eax, eax */
	gpr_st(e, H_AX, in->reg);
	return true;
}

/* A jump to instruction i's slow path unless rax is canonical (the
 * handler then raises the #GP). */
static void emit_canonical(struct emit *e, int i, uint32_t off)
{
	op_reg(e, true, 0x89, H_AX, H_CX);                  /* mov rcx, rax */
	shift_ri(e, true, 4, H_CX, 16);                     /* shl rcx, 16 */
	shift_ri(e, true, 7, H_CX, 16);                     /* sar rcx, 16 */
	op_reg(e, true, 0x39, H_AX, H_CX);                  /* cmp rcx, rax */
	jcc_stub(e, 0x5, ST_SLOW, i, off);
}

/* A fixed exit's code from its site (jit.h): where jit_link() patches. */
enum {
	FX_RIP = 2,               /* mov rcx, imm64: the RIP it was linked for */
	FX_EPOCH = 25,            /* cmp dword [jit_epoch], imm32 */
	FX_REL = 46,              /* jmp rel32 */
	FX_END = 50,
};
#define FX_NONE 0x8000000000000000ull   /* not canonical: never a RIP */

/* End the block at RIP rax through fixed exit `slot`: with no kick,
 * room in the budget, and a link made in this epoch for this RIP, count
 * the block's instructions and jump straight into the next translation,
 * past its load of r12 (which is rax); else store RIP, note it in the
 * slot for jit_link() and return. */
static void emit_fixed_exit(struct emit *e, int slot)
{
	struct jit_exit *x = &e->b->jx[slot];
	uint8_t *miss[4], *site;

	gpr_flush(e);
	op_mem(e, false, false, 0x83, -1, 7, H_BX, -1, 0, CPU_OFF(kick));
	b1(e, 0);                                           /* cmp dword [kick], 0 */
	miss[0] = jump(e, 0x85, NULL);
	ld_cpu(e, true, H_DX, CPU_OFF(retired));
	lea(e, H_DX, H_DX, -1, 0, (int32_t)e->b->n);
	op_mem(e, false, true, 0x3b, -1, H_DX, H_BX, -1, 0, CPU_OFF(jit_end));
	miss[1] = jump(e, 0x87, NULL);                      /* ja: the budget */
	site = e->p;
	mov_imm64(e, H_CX, FX_NONE);                        /* site + FX_RIP */
	op_reg(e, true, 0x39, H_CX, H_AX);                  /* cmp rax, rcx */
	miss[2] = jump(e, 0x85, NULL);
	op_mem(e, false, false, 0x81, -1, 7, H_BX, -1, 0, CPU_OFF(icache.jit_epoch));
	b4(e, e->cpu_epoch - 1);                            /* site + FX_EPOCH */
	miss[3] = jump(e, 0x85, NULL);
	st_cpu(e, true, H_DX, CPU_OFF(retired));
	op_reg(e, true, 0x89, H_AX, H_R12);                 /* mov r12, rax */
	jump(e, -1, NULL);                                  /* site + FX_REL */
	if (!e->overflow && e->p - site != FX_END)
		e->overflow = true;      /* not the layout jit_link() patches */
	if (e->overflow)
		return;
	for (int k = 0; k < 4; k++)
		patch(miss[k], e->p);
	patch(site + FX_REL, e->p);
	mov_imm64(e, H_SI, (uint64_t)(uintptr_t)&x->rip);
	op_mem(e, false, true, 0x89, -1, H_AX, H_SI, -1, 0, 0);    /* mov [rsi], rax */
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	jump(e, -1, e->done);
	*x = (struct jit_exit){ .rip = FX_NONE, .site = site, .fixed = true };
	e->fixed = true;
}

/* Set RIP to r12 + `rel` (checked canonical when `check`) and end the
 * block through fixed exit `slot`. */
static void emit_end_at(struct emit *e, int i, uint32_t off, int64_t rel, bool check, int slot)
{
	lea(e, H_AX, H_R12, -1, 0, (int32_t)rel);
	if (check)
		emit_canonical(e, i, off);
	if (e->b->chain) {
		emit_fixed_exit(e, slot);
		return;
	}
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	emit_exit(e);
}

/* RSP += delta */
static void emit_rsp_add(struct emit *e, int32_t delta)
{
	gpr_ld(e, true, H_AX, RSP);
	lea(e, H_AX, H_AX, -1, 0, delta);
	gpr_st(e, H_AX, RSP);
}

/* PUSH r64 / POP r64 through the TLB (else the handler). */
static void emit_push_pop(struct emit *e, int i, uint32_t off, bool push)
{
	const struct insn *in = &e->b->in[i];
	int r = (in->op & 7) | ((in->rex & 1) << 3), first = e->nstub;

	gpr_ld(e, true, H_AX, RSP);
	if (push)
		lea(e, H_AX, H_AX, -1, 0, -8);
	emit_tlb(e, i, off, 8, push ? TLB_W : TLB_R);
	if (push) {
		gpr_ld(e, true, H_CX, r);
		op_mem(e, false, true, 0x89, -1, H_CX, H_AX, -1, 0, 0);
		emit_rsp_add(e, -8);
	} else {
		op_mem(e, false, true, 0x8b, -1, H_CX, H_AX, -1, 0, 0);
		emit_rsp_add(e, 8);
		gpr_st(e, H_CX, r);   /* POP RSP: the value wins */
	}
	stub_back(e, first);
	e->flags_live = false;
}

/* A closing CALL rel32 or RET (64-bit): every check first (a failed one
 * runs the handler, which faults), then the stack and RIP. */
static void emit_call_ret(struct emit *e, int i, uint32_t off, int64_t target, bool call)
{
	uint32_t end = off + e->b->in[i].len;

	if (call) {
		lea(e, H_AX, H_R12, -1, 0, (int32_t)target);
		emit_canonical(e, i, off);
		gpr_ld(e, true, H_AX, RSP);
		lea(e, H_AX, H_AX, -1, 0, -8);
		emit_tlb(e, i, off, 8, TLB_W);
		lea(e, H_CX, H_R12, -1, 0, (int32_t)end);
		op_mem(e, false, true, 0x89, -1, H_CX, H_AX, -1, 0, 0);
		emit_rsp_add(e, -8);
		emit_end_at(e, i, off, target, false, 0);
		return;
	}
	gpr_ld(e, true, H_AX, RSP);
	emit_tlb(e, i, off, 8, TLB_R);
	op_mem(e, false, true, 0x8b, -1, H_AX, H_AX, -1, 0, 0);   /* mov rax, [rax] */
	emit_canonical(e, i, off);
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	gpr_ld(e, true, H_CX, RSP);
	lea(e, H_CX, H_CX, -1, 0, 8);
	gpr_st(e, H_CX, RSP);
	emit_exit(e);
}

/* The instruction of this block that a branch to `target` (an offset
 * from the block's start) lands on, when the branch can stay in the
 * translation: an instruction's start whose code assumes nothing of the
 * flags, in the block's first page (the page the block was entered
 * through, so the same bytes at the same physical address); else -1. */
static int loop_head(const struct emit *e, int64_t target, int last)
{
	uint64_t pa = e->b->key >> 2;

	if (target < 0 || (pa & 0xfff) + (uint64_t)target > 0xfff)
		return -1;
	for (int k = 0; k <= last; k++)
		if (e->head_off[k] == (uint64_t)target)
			return e->head_clean[k] ? k : -1;
	return -1;
}

/* A branch back into the block (loop_head() k, RIP r12 + `target`): with
 * no kick pending and room in the budget (as a chained exit checks),
 * count the round's instructions and go on at k's code, the cached
 * registers still loaded (written back first: k's code may assume fewer
 * dirty ones); else the block's exit at that RIP. */
static void emit_loop(struct emit *e, int k, int64_t target)
{
	uint8_t *out[2];

	gpr_flush(e);
	op_mem(e, false, false, 0x83, -1, 7, H_BX, -1, 0, CPU_OFF(kick));
	b1(e, 0);                                           /* cmp dword [kick], 0 */
	out[0] = jump(e, 0x85, NULL);
	ld_cpu(e, true, H_DX, CPU_OFF(retired));
	/* n - k: the block's return value (or a stub's) counts from its
	 * first instruction, also in the round that began at k */
	lea(e, H_DX, H_DX, -1, 0, (int32_t)e->b->n - k);
	op_mem(e, false, true, 0x3b, -1, H_DX, H_BX, -1, 0, CPU_OFF(jit_end));
	out[1] = jump(e, 0x87, NULL);                       /* ja: the budget */
	st_cpu(e, true, H_DX, CPU_OFF(retired));
	jump(e, -1, e->head[k]);
	for (int i = 0; i < 2 && !e->overflow; i++)
		patch(out[i], e->p);
	lea(e, H_AX, H_R12, -1, 0, (int32_t)target);
	st_cpu(e, true, H_AX, CPU_OFF(s.rip));
	jump(e, -1, e->done);     /* a kick or the budget: no chain either */
}

/* A closing Jcc or JMP rel fused with the host flags; false if not. */
static bool emit_branch(struct emit *e, int i, uint32_t off)
{
	const struct insn *in = &e->b->in[i];
	uint32_t end = off + in->len;
	int64_t target = (int64_t)end + (int64_t)in->imm;
	bool jcc, jmp;
	uint8_t *taken;
	int k;

	if (in->opsz != 8 || target != (int32_t)target)
		return false;
	if (in->map == MAP_1B && (in->op == 0xe8 || in->op == 0xc3)) {
		emit_call_ret(e, i, off, target, in->op == 0xe8);
		return true;
	}
	jcc = (in->map == MAP_1B && in->op >= 0x70 && in->op <= 0x7f) ||
	      (in->map == MAP_0F && in->op >= 0x80 && in->op <= 0x8f);
	jmp = in->map == MAP_1B && (in->op == 0xeb || in->op == 0xe9);
	if (!jmp && !(jcc && flags_ready(e)))
		return false;
	if (jcc) {
		gpr_flush(e);     /* for both ways */
		taken = jump(e, 0x80 + (in->op & 15), NULL);
		emit_end_at(e, i, off, end, false, 0);
		if (!e->overflow)
			patch(taken, e->p);
	}
	k = loop_head(e, target, i);
	if (k >= 0)
		emit_loop(e, k, target);
	else
		emit_end_at(e, i, off, target, true, 1);
	return true;
}

/* An instruction that is always inline, cannot fault, call a handler or
 * read the flags: MOV r, imm; MOV and MOVZX between registers; LEA. */
static bool insn_pure(const struct insn *in)
{
	if (in->lock || (in->opsz != 4 && in->opsz != 8))
		return false;
	if (in->map == MAP_1B && in->op >= 0xb8 && in->op <= 0xbf)
		return true;
	if (!in->has_modrm)
		return false;
	if (in->map == MAP_1B && (in->op == 0x89 || in->op == 0x8b))
		return in->mod == 3;
	if (in->map == MAP_0F && (in->op == 0xb7 || (in->op == 0xb6 && !high8(in, in->rm))))
		return in->mod == 3;
	return in->map == MAP_1B && in->op == 0x8d && in->mod != 3 && !in->riprel &&
	       jit_ea_form(in, 0) >= 0;
}

/* Shift group C1/D1 on a 32/64-bit register by a constant: the kind
 * (ModRM.reg: 0 ROL, 1 ROR, 4-7 SHL SHR SAL SAR) and the count as the
 * operation masks it, or -1. */
static int shift_imm_form(const struct insn *in, unsigned *cnt)
{
	if (in->map != MAP_1B || (in->op != 0xc1 && in->op != 0xd1) || !in->has_modrm ||
	    in->mod != 3 || in->lock || (in->opsz != 4 && in->opsz != 8))
		return -1;
	*cnt = (in->op == 0xd1 ? 1 : (unsigned)(in->imm & 0xff)) & (in->opsz == 8 ? 63 : 31);
	return (in->reg & 7) == 2 || (in->reg & 7) == 3 ? -1 : in->reg & 7;
}

/* True when the instruction writes every arithmetic flag inline without
 * reading any: a register ALU operation, a shift by a non-zero count. */
static bool flags_writer(const struct insn *in)
{
	int kind, size;
	bool imm;
	unsigned cnt;

	if (alu_form(in, &kind, &size, &imm))
		return in->mod == 3;
	return shift_imm_form(in, &cnt) >= 4 && cnt;
}

/* True when instruction i is a register ALU operation, shift or rotate
 * by a constant whose flags nobody can see: a later flags_writer() of
 * the block replaces them, and only insn_pure() instructions and rotates
 * (which write CF and OF, read none and cannot fault) come in between.
 * Its flags then stay in the host's flags only (a rotate's not even
 * there: ROL/ROR keep the others, which needs the handler's merge). */
static bool flags_dead(const struct block *b, uint32_t i)
{
	unsigned cnt;

	if (!flags_writer(&b->in[i]) && shift_imm_form(&b->in[i], &cnt) < 0)
		return false;
	for (uint32_t j = i + 1; j < b->n; j++) {
		if (flags_writer(&b->in[j]))
			return true;
		if (!insn_pure(&b->in[j]) && (unsigned)shift_imm_form(&b->in[j], &cnt) > 1)
			return false;
	}
	return false;
}

static void emit_insn(struct emit *e, int i, uint32_t off)
{
	const struct insn *in = &e->b->in[i];
	bool last = i == (int)e->b->n - 1;
	int form, k;

	e->flags_dead = flags_dead(e->b, (uint32_t)i);
	if (last && emit_branch(e, i, off))
		return;
	if (in->mode == 64 && emit_reg_form(e, in))
		goto inline_done;
	if (in->map == MAP_1B && in->op >= 0x50 && in->op <= 0x5f && in->opsz == 8) {
		emit_push_pop(e, i, off, in->op < 0x58);
		goto inline_done;
	}
	form = in->has_modrm && in->mod != 3 ? jit_ea_form(in, off + in->len) : -1;
	if (in->has_modrm && emit_imul(e, i, off, form))
		goto inline_done;
	if (form >= 0 && in->map == MAP_1B && in->op == 0x8d && emit_lea(e, in, form, off + in->len))
		goto inline_done;
	if (form >= 0 && (k = load_kind(in)) >= 0) {
		emit_load(e, i, off, form, k);
		goto inline_done;
	}
	if (form >= 0 && emit_alu_mem(e, i, off, form))
		goto inline_done;
	if (form >= 0 && (k = store_size(in)) > 0) {
		emit_store(e, i, off, form, k);
		goto inline_done;
	}
	if (form >= 0 && (k = store_imm_size(in)) > 0) {
		emit_store_imm(e, i, off, form, k);
		goto inline_done;
	}
	emit_call(e, i, off);
	if (last)
		emit_exit(e);
	return;
inline_done:
	if (last)
		emit_end_at(e, i, off, off + in->len, false, 0);
}

/* The out-of-line code: slow paths first (their own exits become stubs
 * too), then the exits. */
static void emit_stubs(struct emit *e)
{
	for (int s = 0; s < e->nstub && !e->overflow; s++) {
		struct stub st = e->stub[s];

		patch(st.at, e->p);
		switch (st.kind) {
		case ST_SLOW:
			e->dirty = st.dirty;
			emit_call(e, st.i, st.off);
			if (st.reflag)
				emit_reflag(e, st.reflag - 1, st.size);
			/* nothing dirty; RIP is the handler's, for the slots (a
			 * block with fixed exits has none) */
			jump(e, -1, st.back ? st.back : e->fixed ? e->done : e->exit);
			break;
		case ST_FAIL:
			shift_ri(e, true, 4, H_AX, 32);      /* shl rax, 32 */
			op_reg(e, true, 0x83, 1, H_AX);       /* or rax, i */
			b1(e, st.i);
			jump(e, -1, e->epilogue);
			break;
		default:
			b1(e, 0xb8);                          /* mov eax, i */
			b4(e, st.i);
			jump(e, -1, e->epilogue);
			break;
		}
	}
}

/* One chain attempt through slot `x` (rax = RIP, ecx = epoch, rdx = the
 * retired count after this block): on a miss, go on after it. */
static void emit_chain_slot(struct emit *e, int32_t x)
{
	uint8_t *miss[2];

	op_mem(e, false, true, 0x3b, -1, H_AX, H_SI, -1, 0,
	       x + (int32_t)offsetof(struct jit_exit, rip));          /* cmp rax, [rip] */
	miss[0] = jump(e, 0x85, NULL);
	op_mem(e, false, false, 0x3b, -1, H_CX, H_SI, -1, 0,
	       x + (int32_t)offsetof(struct jit_exit, epoch));        /* cmp ecx, [epoch] */
	miss[1] = jump(e, 0x85, NULL);
	st_cpu(e, true, H_DX, CPU_OFF(retired));
	op_mem(e, false, false, 0xff, -1, 4, H_SI, -1, 0,
	       x + (int32_t)offsetof(struct jit_exit, to));           /* jmp [to] */
	for (int k = 0; k < 2 && !e->overflow; k++)
		patch(miss[k], e->p);
}

/* After both slots missed (rax = RIP, ecx = epoch, rdx = the retired
 * count after this block): the jump cache's entry for CS base + RIP
 * (icache.h), when it was made in this epoch for 64-bit code at this
 * privilege and names a translation, is where to go on; else `done`.
 * The same checks as icache_jc_find(), so a hit is what the run loop
 * would have run; only the entry is read, no block header. */
static void emit_jc_probe(struct emit *e, struct icache *c)
{
	uint8_t *miss[4];

	op_reg(e, true, 0x89, H_AX, H_SI);                  /* mov rsi, rax */
	op_mem(e, false, true, 0x03, -1, H_SI, H_BX, -1, 0,
	       CPU_OFF(s.seg[SEG_CS].base));                /* add rsi, [CS base] */
	op_reg(e, true, 0x89, H_SI, H_DI);                  /* mov rdi, rsi */
	shift_ri(e, true, 5, H_DI, JCACHE_BITS);            /* shr rdi, JCACHE_BITS */
	op_reg(e, true, 0x31, H_SI, H_DI);                  /* xor rdi, rsi */
	alu_ri(e, false, 4, H_DI, JCACHE_SIZE - 1);         /* and edi, size - 1 */
	shift_ri(e, false, 4, H_DI, 5);                     /* shl edi, 5: 32-byte entries */
	mov_imm64(e, H_R8, (uint64_t)(uintptr_t)c->jc);
	op_reg(e, true, 0x01, H_R8, H_DI);                  /* add rdi, r8 */
	op_mem(e, false, true, 0x3b, -1, H_SI, H_DI, -1, 0, 0);     /* cmp rsi, [lin] */
	miss[0] = jump(e, 0x85, NULL);
	op_mem(e, false, false, 0x3b, -1, H_CX, H_DI, -1, 0,
	       (int32_t)offsetof(struct jc_entry, epoch));           /* cmp ecx, [epoch] */
	miss[1] = jump(e, 0x85, NULL);
	op_mem(e, true, false, 0x81, -1, 7, H_DI, -1, 0,
	       (int32_t)offsetof(struct jc_entry, ctx));             /* cmp word [ctx], imm16 */
	b1(e, icache_ctx(64, e->user));
	b1(e, 0);
	miss[2] = jump(e, 0x85, NULL);
	op_mem(e, false, true, 0x8b, -1, H_SI, H_DI, -1, 0,
	       (int32_t)offsetof(struct jc_entry, jit));             /* mov rsi, [jit] */
	op_reg(e, true, 0x85, H_SI, H_SI);                  /* test rsi, rsi */
	miss[3] = jump(e, 0x84, NULL);
	if (c->stats.on) {
		mov_imm64(e, H_AX, (uint64_t)(uintptr_t)&c->stats.n[JS_jit_jcache]);
		op_mem(e, false, true, 0xff, -1, 0, H_AX, -1, 0, 0);  /* inc qword [rax] */
	}
	st_cpu(e, true, H_DX, CPU_OFF(retired));
	lea(e, H_SI, H_SI, -1, 0, JIT_BODY_OFF);
	op_reg(e, false, 0xff, 4, H_SI);                    /* jmp rsi */
	for (int k = 0; k < 4 && !e->overflow; k++)
		patch(miss[k], e->p);
	jump(e, -1, e->done);
}

/* The block's exit when it may be chained (see struct jit_exit): RIP is
 * in cpu->s.rip; no kick, room in the budget, and a slot for this RIP
 * made in this epoch (or, after a RET or an indirect branch, the jump
 * cache) jump into the next translation, else `done`. */
static void emit_chain(struct emit *e, struct icache *c)
{
	op_mem(e, false, false, 0x83, -1, 7, H_BX, -1, 0, CPU_OFF(kick));
	b1(e, 0);                                           /* cmp dword [kick], 0 */
	jump(e, 0x85, e->done);
	ld_cpu(e, true, H_DX, CPU_OFF(retired));
	lea(e, H_DX, H_DX, -1, 0, (int32_t)e->b->n);
	op_mem(e, false, true, 0x3b, -1, H_DX, H_BX, -1, 0, CPU_OFF(jit_end));
	jump(e, 0x87, e->done);                             /* ja: the budget */
	ld_cpu(e, true, H_AX, CPU_OFF(s.rip));
	ld_cpu(e, false, H_CX, CPU_OFF(icache.jit_epoch));
	mov_imm64(e, H_SI, (uint64_t)(uintptr_t)e->b->jx);
	emit_chain_slot(e, 0);
	emit_chain_slot(e, (int32_t)sizeof(struct jit_exit));
	if (insn_indirect(&e->b->in[e->b->n - 1]))
		emit_jc_probe(e, c);
	else
		jump(e, -1, e->done);
}

/* Point fixed exit x at `to`'s translation for `rip` in this epoch. */
static void jit_link_fixed(struct cpu *cpu, struct jit_exit *x, uint64_t rip, const uint8_t *to)
{
	const struct jit_buf *j = &cpu->icache.jit;
	uint32_t epoch = cpu->icache.jit_epoch;

	memcpy(x->site + FX_RIP, &rip, 8);
	memcpy(x->site + FX_EPOCH, &epoch, 4);
	/* past the entry's load of r12 (7 bytes: ld_cpu()) */
	patch(x->site + FX_REL, j->rw + (to + 7 - j->rx));
}

void jit_link(struct cpu *cpu, struct block *from, uint64_t rip, const uint8_t *to)
{
	uint32_t epoch = cpu->icache.jit_epoch;
	struct jit_exit *x = &from->jx[from->jx[0].epoch == epoch && from->jx[0].rip != rip];

	if (from->jx[0].fixed || from->jx[1].fixed) {   /* a JMP rel has only slot 1 */
		for (int k = 0; k < 2; k++)
			if (from->jx[k].fixed && from->jx[k].rip == rip)
				jit_link_fixed(cpu, &from->jx[k], rip, to);
		return;
	}

	x->rip = rip;
	x->to = to;
	x->epoch = epoch;
}

/* rdx = this block's header (struct jit_ret's `last`) if it still names
 * this translation (at `start` in the read-write view), else 0. */
static void emit_ret_block(struct emit *e, const uint8_t *start)
{
	int32_t rel;

	mov_imm64(e, H_DX, (uint64_t)(uintptr_t)e->b);
	b1(e, 0x48); b1(e, 0x8d); b1(e, 0x0d);              /* lea rcx, [rip + rel32] */
	rel = (int32_t)(start - (e->p + 4));
	b4(e, (uint32_t)rel);
	op_mem(e, false, true, 0x39, -1, H_CX, H_DX, -1, 0, (int32_t)offsetof(struct block, jit));
	b1(e, 0x74); b1(e, 0x02);                           /* je +2 */
	op_reg(e, false, 0x31, H_DX, H_DX);                 /* xor edx, edx */
}

/* Emit block `b` at `start` with the registers cached that e->host_of
 * says; e->overflow when it does not fit. */
static void emit_block(struct cpu *cpu, struct emit *e, struct block *b, uint8_t *start)
{
	uint8_t *entry_jmp, *body;
	uint32_t off = 0;

	e->p = start;
	e->end = start + JIT_ROOM;
	b1(e, 0x53);                                        /* push rbx */
	b1(e, 0x41); b1(e, 0x54);                           /* push r12 */
	b1(e, 0x41); b1(e, 0x55);                           /* push r13 */
	b1(e, 0x41); b1(e, 0x56);                           /* push r14 */
	b1(e, 0x41); b1(e, 0x57);                           /* push r15: aligned calls */
	op_reg(e, true, 0x89, H_DI, H_BX);                  /* mov rbx, rdi */
	body = e->p;                                        /* chained blocks enter here */
	ld_cpu(e, true, H_R12, CPU_OFF(s.rip));
	gpr_load(e, e->cached);
	entry_jmp = jump(e, -1, NULL);
	/* the common end and the epilogue come first: the body jumps back */
	e->done = e->p;
	b1(e, 0xb8);                                        /* mov eax, n */
	b4(e, b->n);
	e->epilogue = e->p;
	emit_ret_block(e, start);
	b1(e, 0x41); b1(e, 0x5f);                           /* pop r15 */
	b1(e, 0x41); b1(e, 0x5e);                           /* pop r14 */
	b1(e, 0x41); b1(e, 0x5d);                           /* pop r13 */
	b1(e, 0x41); b1(e, 0x5c);                           /* pop r12 */
	b1(e, 0x5b);                                        /* pop rbx */
	b1(e, 0xc3);
	e->exit = e->done;
	if (b->chain) {
		e->exit = e->p;
		emit_chain(e, &cpu->icache);
	}
	b->jx[0] = b->jx[1] = (struct jit_exit){ .epoch = cpu->icache.jit_epoch - 1 };
	e->cpu_epoch = cpu->icache.jit_epoch;
	if (body - start != JIT_BODY_OFF)
		e->overflow = true;      /* not where jit_body() says */
	if (!e->overflow)
		patch(entry_jmp, e->p);
	for (uint32_t i = 0; i < b->n && !e->overflow; i++) {
		e->head[i] = e->p;
		e->head_off[i] = off;
		e->head_clean[i] = !e->flags_live && e->lazy_kind < 0;
		emit_insn(e, (int)i, off);
		off += b->in[i].len;
	}
	e->in_stubs = true;
	emit_stubs(e);
}

/* One line of perf's map (jit.h), with the block's guest bytes (up to
 * the end of its first page) so that a profile can be disassembled, and
 * the time (CLOCK_MONOTONIC): an emptied buffer reuses addresses.
 * snprintf() and write(): dprintf() would lseek(), which a sandbox's
 * filter kills. */
static void jit_perf_note(struct cpu *cpu, const uint8_t *at, size_t size, const struct block *b,
			  bool user)
{
	char line[160 + 2 * 256];
	uint8_t code[256];
	struct timespec now;
	uint64_t pa = b->key >> 2;
	size_t len = 0, n;

	for (uint32_t i = 0; i < b->n; i++)
		len += b->in[i].len;
	if (len > sizeof(code))
		len = sizeof(code);
	if (len > 4096 - (pa & 4095))
		len = 4096 - (pa & 4095);
	mem_read_phys(cpu, pa, (int)len, code);
	n = (size_t)snprintf(line, sizeof(line), "%" PRIxPTR " %zx jit:%" PRIx64 ":pa:%" PRIx64
			     ":%c:", (uintptr_t)at, size, cpu->s.rip, pa, user ? 'u' : 'k');
	for (size_t k = 0; k < len; k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%02x", code[k]);
	clock_gettime(CLOCK_MONOTONIC, &now);   /* perf record -k mono: which line a sample saw */
	n += (size_t)snprintf(line + n, sizeof(line) - n, ":t%lld.%09ld\n", (long long)now.tv_sec,
			      now.tv_nsec);
	if (write(cpu->icache.jit.perf_fd, line, n) < 0)
		return;   /* a lost line only makes perf's report vaguer */
}

jit_fn jit_translate(struct cpu *cpu, struct block *b, bool user)
{
	struct jit_buf *j = &cpu->icache.jit;
	struct emit e = { .b = b, .user = user, .lazy_kind = -1 };
	uint8_t *start = j->rw + j->used;
	uint16_t uses[16];

	if (jit_full(j))
		return NULL;
	/* first without the cache, to count what it would save */
	memset(e.host_of, -1, sizeof(e.host_of));
	emit_block(cpu, &e, b, start);
	if (e.overflow)
		return NULL;            /* too many stubs: stays interpreted */
	memcpy(uses, e.uses, sizeof(uses));
	e = (struct emit){ .b = b, .user = user, .lazy_kind = -1, .calls = e.calls,
			   .calls_any = e.calls_any };
	memcpy(e.uses, uses, sizeof(uses));
	gpr_pick(&e);
	emit_block(cpu, &e, b, start);
	if (e.overflow)
		return NULL;
	if (j->perf_fd >= 0)
		jit_perf_note(cpu, j->rx + (start - j->rw), (size_t)(e.p - start), b, user);
	j->used = ALIGN_UP_((size_t)(e.p - j->rw), 16);
	return (jit_fn)(void *)(j->rx + (start - j->rw));
}

/* perf's map file for this process (jit.h), or -1. */
static int jit_perf_open(void)
{
	char path[64];

	if (!getenv("VMCTL_PERF_MAP"))
		return -1;
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

int jit_init(struct jit_buf *j, int hot)
{
	int fd, rc = 0;

	*j = (struct jit_buf){ .hot = -1, .perf_fd = -1 };
	if (hot < 0)
		return 0;
	fd = memfd_create("vmctl-jit", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, JIT_SIZE) < 0) {
		rc = -errno;
		goto out;
	}
	j->rw = mmap(NULL, JIT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	j->rx = mmap(NULL, JIT_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	if (j->rw == MAP_FAILED || j->rx == MAP_FAILED) {
		rc = -errno;
		if (j->rw != MAP_FAILED)
			munmap(j->rw, JIT_SIZE);
		if (j->rx != MAP_FAILED)
			munmap(j->rx, JIT_SIZE);
		*j = (struct jit_buf){ .hot = -1, .perf_fd = -1 };
		goto out;
	}
	j->size = JIT_SIZE;
	j->hot = hot;
	j->perf_fd = jit_perf_open();
out:
	close(fd);
	return rc;
}

void jit_dispose(struct jit_buf *j)
{
	if (j->rw) {
		munmap(j->rw, j->size);
		munmap(j->rx, j->size);
		if (j->perf_fd >= 0)   /* only a mapped buffer has one */
			close(j->perf_fd);
	}
	*j = (struct jit_buf){ .hot = -1, .perf_fd = -1 };
}
