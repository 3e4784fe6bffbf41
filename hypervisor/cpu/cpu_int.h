/* Internal state of the soft CPU and the helpers every instruction group
 * uses: register access by size, operand access, the status codes handlers
 * return. Not for use outside hypervisor/cpu/. */
#ifndef VMCTL_HV_CPU_INT_H
#define VMCTL_HV_CPU_INT_H

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/cpu/decode.h"
#include "hypervisor/cpu/flags.h"
#include "hypervisor/cpu/tlb.h"
#include "hypervisor/cpu/icache.h"
#include "hypervisor/cpu/optab.h"
#include "hypervisor/cpu/stats.h"

#include <stdatomic.h>
#include <string.h>
/* <unistd.h> defines X_OK (1, for access(2)): included here, and undone,
 * so that its include guard keeps a file that includes it later from
 * silently turning the handler status below into 1 (a CPU that then
 * stops before its first instruction). */
#include <unistd.h>
#undef X_OK

/* What a handler returns. */
enum {
	X_OK = 0,     /* retired: RIP <- next_rip */
	X_EXC = 1,    /* an exception is pending in cpu->exc */
	X_EXIT = 2,   /* an exit is pending in cpu->exit */
	X_EXIT_DONE = 3, /* retired, then exit (HLT, VMCALL) */
};

/* The operand accessors are on every instruction's path: always inline. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Reasons to leave the current block (cpu->kick). */
#define KICK_EXIT 1u     /* cpu_kick(): return CPU_EXIT_INTERRUPTED */
#define KICK_IRQ 2u      /* an external interrupt may be deliverable */
#define KICK_CODE 4u     /* cached code was written: the block may be stale */
#define KICK_CODE_MAP 8u /* a peer decoded a page: drop writable TLB entries */

/* RFLAGS bits */
#define FL_CF 0x0001u
#define FL_PF 0x0004u
#define FL_AF 0x0010u
#define FL_ZF 0x0040u
#define FL_SF 0x0080u
#define FL_TF 0x0100u
#define FL_IF 0x0200u
#define FL_DF 0x0400u
#define FL_OF 0x0800u
#define FL_IOPL 0x3000u
#define FL_NT 0x4000u
#define FL_RF 0x10000u
#define FL_VM 0x20000u
#define FL_AC 0x40000u
#define FL_VIF 0x80000u
#define FL_VIP 0x100000u
#define FL_ID 0x200000u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* exception vectors */
enum { EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
       EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11, EXC_SS = 12,
       EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17, EXC_MC = 18, EXC_XM = 19 };

#define CR0_PE 0x1ull
#define CR0_MP 0x2ull
#define CR0_EM 0x4ull
#define CR0_TS 0x8ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_AM 0x40000ull
#define CR0_NW 0x20000000ull
#define CR0_CD 0x40000000ull
#define CR0_PG 0x80000000ull
#define CR4_PSE 0x10ull
#define CR4_PAE 0x20ull
#define CR4_PGE 0x80ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define EFER_SCE 0x1ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_NXE 0x800ull

struct ram_range {
	uint64_t gpa, size;
	uint8_t *host;
	struct page_meta *meta;   /* one per 4 KiB page */
};

/* I/O and MMIO accesses of the instruction being executed, remembered so that
 * an instruction that exited for one can be run again after the completion
 * and get the answer instead of repeating the access. */
struct io_replay {
	unsigned done;            /* accesses completed for this instruction */
	unsigned seen;            /* accesses made in the current attempt */
	uint64_t data[4];
};

struct cpu {
	struct cpu_state s;
	struct lflags lf;          /* lazily computed arithmetic flags */
	int mode;                  /* code size: 16, 32, 64 */
	uint64_t next_rip;
	struct {
		uint8_t vector;
		bool has_error;
		uint32_t error;
	} exc;
	struct cpu_exit exit;
	struct io_replay replay;
	uint32_t exit_bitmap;
	bool interrupt_shadow;     /* after MOV SS / POP SS / STI */
	bool halted;
	int nested_faults;
	_Atomic uint32_t kick;     /* KICK_* bits: stop at the next boundary */
	_Atomic uint64_t irq_pending[4];   /* external interrupts, one bit each */
	_Atomic uint32_t intr_req;         /* INTR line: ask ops->inta */
	uint64_t retired;
	uint64_t jit_end;          /* translations chain while retired <= this */
	uint64_t tsc_base;
	uint64_t dr[8];
	uint8_t st[8][10];         /* x87 registers, kept for FXSAVE/FXRSTOR only */
	uint64_t mtrr_def, mtrr_var[16], mtrr_fixed[11];
	uint64_t spec_ctrl;        /* IA32_SPEC_CTRL: stored only (msr.c) */
	struct tlb tlb;
	struct icache icache;
	struct ram_range *ram;
	size_t nram;
	size_t ram_hint;           /* mem_host(): the range that answered last */
	const struct cpu_io_ops *ops;
	void *opaque;
	/* CPUs of one machine share the page metadata (cpu_share_code()):
	 * a ring of them, which each one's writes to code kick. */
	struct cpu *_Atomic peer;
	bool meta_borrowed;        /* ram[].meta belongs to a peer */
	/* Logged RAM (mem_log.c): cpu_set_logged_ram() creates `log_new`
	 * from any thread; the CPU's own thread adopts it as `log`. */
	struct mem_log *_Atomic log_new;
	struct mem_log *log;
	struct cpu_stats stats;    /* slow-path counters (stats.h) */
};

#define ARRAY_SIZE_(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP_(x, a) (((x) + (a) - 1) & ~((a) - 1))
static inline int MIN_INT(int a, int b) { return a < b ? a : b; }

/* ---- registers ---- */

static inline uint64_t size_mask(int size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static inline int64_t sext_to64(uint64_t v, int size)
{
	int sh = 64 - 8 * size;

	return size >= 8 ? (int64_t)v : (int64_t)(v << sh) >> sh;
}

/* 8-bit register numbers 4-7 mean AH..BH unless a REX prefix is present. */
static inline uint64_t reg_read(const struct cpu *cpu, const struct insn *in, int r, int size)
{
	if (size == 1) {
		if (!in->rex && r >= 4 && r < 8)
			return (cpu->s.gpr[r - 4] >> 8) & 0xff;
		return cpu->s.gpr[r] & 0xff;
	}
	return cpu->s.gpr[r] & size_mask(size);
}

static inline void reg_write(struct cpu *cpu, const struct insn *in, int r, int size, uint64_t v)
{
	uint64_t *g;

	if (size == 1) {
		if (!in->rex && r >= 4 && r < 8) {
			g = &cpu->s.gpr[r - 4];
			*g = (*g & ~0xff00ull) | ((v & 0xff) << 8);
		} else {
			g = &cpu->s.gpr[r];
			*g = (*g & ~0xffull) | (v & 0xff);
		}
	} else if (size == 2) {
		g = &cpu->s.gpr[r];
		*g = (*g & ~0xffffull) | (v & 0xffff);
	} else if (size == 4) {
		cpu->s.gpr[r] = (uint32_t)v;     /* 32-bit writes zero the top half */
	} else {
		cpu->s.gpr[r] = v;
	}
}

/* Condition codes: CMP/SUB of 4 or 8 bytes and logic results answered
 * inline from the recorded operands (the common compare-and-branch), ZF and
 * SF of any lazy result from the result, everything else through
 * flags_cond(). */
static inline bool cond_fast(const struct cpu *cpu, int cc)
{
	const struct lflags *lf = &cpu->lf;
	bool neg = cc & 1;

	if (lf->op == LF_SUB && lf->size >= 4) {
		uint64_t a = lf->s1, b = lf->s2;
		int64_t sa = (int64_t)a, sb = (int64_t)b;

		if (lf->size == 4) {
			a = (uint32_t)a;
			b = (uint32_t)b;
			sa = (int32_t)a;
			sb = (int32_t)b;
		}
		switch (cc >> 1) {
		case 1: return (a < b) ^ neg;
		case 2: return (a == b) ^ neg;
		case 3: return (a <= b) ^ neg;
		case 6: return (sa < sb) ^ neg;
		case 7: return (sa <= sb) ^ neg;
		default: break;
		}
	} else if (lf->op == LF_LOGIC) {
		/* TEST/AND/OR/XOR: CF = OF = 0, so only the result matters */
		int64_t v = sext_to64(lf->res & size_mask(lf->size), lf->size);

		switch (cc >> 1) {
		case 0: case 1: return neg;
		case 2: case 3: return (v == 0) ^ neg;
		case 4: case 6: return (v < 0) ^ neg;
		case 7: return (v <= 0) ^ neg;
		default: break;
		}
	} else if (lf->op != LF_EAGER && ((cc >> 1) == 2 || (cc >> 1) == 4)) {
		/* ZF and SF come from the result whatever the operation */
		int64_t v = sext_to64(lf->res & size_mask(lf->size), lf->size);

		return ((cc >> 1) == 2 ? v == 0 : v < 0) ^ neg;
	}
	return flags_cond(cpu, cc);
}

/* ---- exceptions (excp.c) ---- */

/* Record exception `vector` (with an error code when `has_error`) and return
 * X_EXC, so that handlers can `return excp_raise(...)`. */
int excp_raise(struct cpu *cpu, int vector, bool has_error, uint32_t error);
static inline int excp_ud(struct cpu *cpu) { return excp_raise(cpu, EXC_UD, false, 0); }
static inline int excp_gp(struct cpu *cpu, uint32_t err) { return excp_raise(cpu, EXC_GP, true, err); }

/* Where an event comes from: an exception the CPU raised (the exit bitmap
 * applies), INT n/INT3/INTO (the gate's DPL is checked against CPL), or an
 * external interrupt (never DPL-checked: a timer interrupt in ring 3 goes
 * through the kernel's DPL 0 gate). */
enum excp_src { EXCP_CPU, EXCP_SOFT, EXCP_EXT };

/* Deliver the pending exception or interrupt through the IDT (or exit when
 * it is a CPU exception in the exit bitmap). `return_rip` is pushed (past
 * the instruction for EXCP_SOFT). Returns X_OK, X_EXIT (triple fault,
 * bitmap). */
int excp_deliver(struct cpu *cpu, int vector, bool has_error, uint32_t error,
		 enum excp_src src, uint64_t return_rip);

/* ---- memory (mem.c): segment:offset accesses with all checks ---- */

int mem_read(struct cpu *cpu, int seg, uint64_t off, int size, void *dst);
int mem_write(struct cpu *cpu, int seg, uint64_t off, int size, const void *src);
/* Linear (segmentation already applied): used for descriptor tables. */
int mem_read_lin(struct cpu *cpu, uint64_t lin, int size, void *dst, bool sys);
int mem_write_lin(struct cpu *cpu, uint64_t lin, int size, const void *src, bool sys);
/* Host pointer for `len` bytes at seg:off within one page (all checks
 * done, code invalidated for writes); *host = NULL when they are not plain
 * RAM in one page (the caller then goes byte by byte). */
int mem_ptr(struct cpu *cpu, int seg, uint64_t off, int len, bool write, uint8_t **host);
/* Physical: page-table walks. */
int mem_read_phys(struct cpu *cpu, uint64_t pa, int size, void *dst);
int mem_write_phys(struct cpu *cpu, uint64_t pa, int size, const void *src);
/* The host address of guest physical `pa`, or NULL when it is not RAM. */
uint8_t *mem_host(struct cpu *cpu, uint64_t pa, struct page_meta **meta);
/* Logged RAM (mem_log.c): its host address for `pa`, or NULL. */
uint8_t *mem_log_host(struct cpu *cpu, uint64_t pa, struct page_meta **meta);
/* cpu_run() on entry: a new place takes effect; on return: the pages
 * written are published, and now and then the write entries dropped (and
 * the counters written, stats.h). */
void mem_log_enter(struct cpu *cpu);
void mem_log_leave(struct cpu *cpu);
void mem_log_free(struct cpu *cpu);
/* Set `why` (KICK_CODE, KICK_CODE_MAP) in every other CPU sharing the page
 * metadata (cpu_share_code()). */
void cpu_kick_peers(struct cpu *cpu, uint32_t why);

static inline uint8_t *mem_fast(struct cpu *cpu, int seg, uint64_t off, int size, int acc);
static inline uint64_t host_load(const uint8_t *h, int size);
static inline void host_store(uint8_t *h, int size, uint64_t v);

ALWAYS_INLINE int mem_read_u(struct cpu *cpu, int seg, uint64_t off, int size, uint64_t *v)
{
	uint8_t *h = mem_fast(cpu, seg, off, size, TLB_R);

	if (h) {
		*v = host_load(h, size);
		return X_OK;
	}
	*v = 0;
	return mem_read(cpu, seg, off, size, v);
}

ALWAYS_INLINE int mem_write_u(struct cpu *cpu, int seg, uint64_t off, int size, uint64_t v)
{
	uint8_t *h = mem_fast(cpu, seg, off, size, TLB_W);

	if (h) {
		host_store(h, size, v);
		return X_OK;
	}
	return mem_write(cpu, seg, off, size, &v);
}

/* The TLB fast path for a data access in 64-bit mode: the host address, or
 * NULL when the access needs the full path (legacy modes, page crossing,
 * a miss, possible alignment checks). A tag match implies the address is
 * canonical, since only canonical pages are ever entered. */
static inline uint8_t *mem_fast(struct cpu *cpu, int seg, uint64_t off, int size, int acc)
{
	uint64_t lin;
	bool user = cpu->s.cpl == 3;

	if (cpu->mode != 64 || (user && (cpu->s.cr0 & CR0_AM)))
		return NULL;
	lin = off + (seg >= SEG_FS ? cpu->s.seg[seg].base : 0);
	if ((lin & 0xfff) + size > 4096)
		return NULL;
	return tlb_hit(&cpu->tlb, lin, acc, user);
}

static inline uint64_t host_load(const uint8_t *h, int size)
{
	uint8_t b; uint16_t w; uint32_t d; uint64_t q;

	switch (size) {
	case 1: memcpy(&b, h, 1); return b;
	case 2: memcpy(&w, h, 2); return w;
	case 4: memcpy(&d, h, 4); return d;
	default: memcpy(&q, h, 8); return q;
	}
}

static inline void host_store(uint8_t *h, int size, uint64_t v)
{
	uint8_t b = v; uint16_t w = v; uint32_t d = v;

	switch (size) {
	case 1: memcpy(h, &b, 1); break;
	case 2: memcpy(h, &w, 2); break;
	case 4: memcpy(h, &d, 4); break;
	default: memcpy(h, &v, 8); break;
	}
}

/* Mask an address to the address size / RIP to the code size. */
static inline uint64_t addr_mask(int adsz, uint64_t a)
{
	return adsz == 8 ? a : adsz == 4 ? (uint32_t)a : (uint16_t)a;
}

/* ---- operands ---- */

/* Effective address (offset within the segment) of the ModRM memory operand. */
static inline uint64_t op_ea(const struct cpu *cpu, const struct insn *in)
{
	uint64_t a = (uint64_t)in->disp;

	if (in->base >= 0)
		a += cpu->s.gpr[in->base];
	if (in->index >= 0)
		a += cpu->s.gpr[in->index] << in->scale;
	if (in->riprel)
		a += cpu->next_rip;
	return addr_mask(in->adsz, a);
}

/* Read/write the ModRM r/m operand (register or memory) of `size` bytes. */
ALWAYS_INLINE int rm_read(struct cpu *cpu, const struct insn *in, int size, uint64_t *v)
{
	if (in->mod == 3) {
		*v = reg_read(cpu, in, in->rm, size);
		return X_OK;
	}
	return mem_read_u(cpu, in->seg, op_ea(cpu, in), size, v);
}

ALWAYS_INLINE int rm_write(struct cpu *cpu, const struct insn *in, int size, uint64_t v)
{
	if (in->mod == 3) {
		reg_write(cpu, in, in->rm, size, v);
		return X_OK;
	}
	return mem_write_u(cpu, in->seg, op_ea(cpu, in), size, v);
}

/* Address forms of the specialized 64-bit handlers (ops_fast.c, ops_alu.c):
 * base + disp, base + index * scale + disp, RIP + disp; 64-bit addresses. */
enum { EA_B, EA_BI, EA_RIP };

ALWAYS_INLINE uint64_t fast_ea(const struct cpu *cpu, const struct insn *in, int form)
{
	uint64_t a = (uint64_t)in->disp;

	if (form == EA_RIP)
		return a + cpu->next_rip;
	a += cpu->s.gpr[in->base];
	if (form == EA_BI)
		a += cpu->s.gpr[in->index] << in->scale;
	return a;
}

/* The host address of a `size`-byte access at the ModRM operand, or NULL. */
ALWAYS_INLINE uint8_t *fast_host(struct cpu *cpu, const struct insn *in, int form, int size,
				 int acc)
{
	uint64_t lin = fast_ea(cpu, in, form);
	bool user = cpu->s.cpl == 3;

	if (__builtin_expect(in->seg >= SEG_FS, 0))
		lin += cpu->s.seg[in->seg].base;
	if ((lin & 0xfff) > 4096u - size || (user && (cpu->s.cr0 & CR0_AM)))
		return NULL;
	return tlb_hit(&cpu->tlb, lin, acc, user);
}

/* Defines prefix##name##_b/_bi/_rip: one handler per address form, each
 * calling body(cpu, in, form, ...) with its form a constant. */
#define FAST_FORMS(prefix, name, body, ...)                                          \
	static int prefix##name##_b(struct cpu *cpu, const struct insn *in)           \
	{                                                                            \
		return body(cpu, in, EA_B, __VA_ARGS__);                              \
	}                                                                            \
	static int prefix##name##_bi(struct cpu *cpu, const struct insn *in)          \
	{                                                                            \
		return body(cpu, in, EA_BI, __VA_ARGS__);                             \
	}                                                                            \
	static int prefix##name##_rip(struct cpu *cpu, const struct insn *in)         \
	{                                                                            \
		return body(cpu, in, EA_RIP, __VA_ARGS__);                            \
	}

/* Operand size of byte-or-full opcodes: bit 0 of the opcode clear = byte. */
static inline int op_size_w(const struct insn *in)
{
	return (in->op & 1) ? in->opsz : 1;
}


/* ---- stack (ops_stack.c) ---- */
int stack_push(struct cpu *cpu, int size, uint64_t v);
int stack_pop(struct cpu *cpu, int size, uint64_t *v);
int stack_size(const struct cpu *cpu);   /* 2, 4 or 8: SS.B / long mode */

/* ---- segmentation (seg.c) ---- */
/* Load a segment register as MOV/POP do (checks, descriptor cache). */
int seg_load(struct cpu *cpu, int sreg, uint16_t sel);
/* Load CS for a far transfer to `sel` (checks done by the caller's rules). */
int seg_load_cs(struct cpu *cpu, uint16_t sel, int new_cpl);
/* Recompute cpu->mode from CR0/EFER/CS. */
void seg_update_mode(struct cpu *cpu);
/* Read the 8- or 16-byte descriptor for `sel` (GDT or LDT). */
int seg_read_desc(struct cpu *cpu, uint16_t sel, uint64_t desc[2], bool wide);
/* Fill a cache from a descriptor. */
void seg_from_desc(struct cpu_seg *s, uint16_t sel, const uint64_t desc[2]);
/* Real-mode / VM86 style load: base = sel << 4. */
void seg_load_real(struct cpu *cpu, int sreg, uint16_t sel);

/* ---- I/O (io.c) ---- */
int io_in(struct cpu *cpu, uint16_t port, int size, uint64_t *v);
int io_out(struct cpu *cpu, uint16_t port, int size, uint64_t v);
int io_check_perm(struct cpu *cpu, uint16_t port, int size);
/* rep ins/outs: `count` iterations on a host buffer, as one access. */
int io_rep(struct cpu *cpu, uint16_t port, int size, bool in, void *buf, uint32_t count);
/* MMIO: offered to the callback or turned into an exit (replayed after). */
int io_mmio(struct cpu *cpu, uint64_t pa, int size, bool write, uint64_t *v);

/* ---- misc ---- */
uint64_t cpu_tsc(const struct cpu *cpu);
void cpu_flush_tlb(struct cpu *cpu, bool global);
int cpu_internal_error(struct cpu *cpu, const char *msg);

#endif
