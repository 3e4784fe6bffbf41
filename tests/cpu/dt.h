/* The differential test of the soft CPU against the host CPU: shared types.
 *
 * Both worlds use the same addresses: the instruction sequence runs at
 * DT_CODE and its memory operands (RIP-relative) and stack point into the
 * DT_DATA page. Natively the child maps these pages at those addresses; the
 * soft CPU gets them as guest RAM, identity-mapped by a 1 GiB page in long
 * mode at CPL 3 (64-bit code, or 32-bit code in compatibility mode, CS 0x23
 * as Linux provides it). Every sequence ends with INT3, so both worlds stop with #BP
 * (or an earlier exception) and report vector, registers and memory. */
#ifndef VMCTL_TESTS_CPU_DT_H
#define VMCTL_TESTS_CPU_DT_H

#include <stdbool.h>
#include <stdint.h>

#define DT_CODE 0x200000ull
#define DT_DATA 0x201000ull
#define DT_DATA_SIZE 2048       /* 1 KiB data, 1 KiB stack */
#define DT_STACK_TOP (DT_DATA + 1536)
#define DT_MAX_CODE 96
#define DT_MAX_INSN 4

struct dt_regs {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t rip;
	uint8_t xmm[16][16];
	uint16_t fcw, fsw;
	uint32_t mxcsr;
};

struct dt_patch {
	uint16_t off;               /* in the data page */
	uint64_t val;
};

struct dt_case {
	uint8_t code[DT_MAX_CODE];
	uint8_t len;                /* bytes of code, without the final INT3 */
	uint8_t ninsn;
	uint8_t npatch;
	uint8_t mode;               /* 64: long mode; 32: compatibility mode */
	uint64_t flags_undef;       /* RFLAGS bits the manual leaves undefined */
	uint64_t seed;              /* data page contents */
	struct dt_patch patch[2];
	struct dt_regs in;
	uint16_t tmpl[DT_MAX_INSN]; /* template of each instruction (diagnostics) */
};

struct dt_result {
	struct dt_regs out;
	uint32_t vector;            /* exception that ended the run (3: the final INT3) */
	uint32_t retired;           /* soft side: instructions retired */
	uint64_t data_hash;
	bool valid;
};

/* The data page of a case (seeded random bytes plus the patches). */
void dt_fill_data(const struct dt_case *c, uint8_t *data);
uint64_t dt_hash(const uint8_t *p, int n);

/* Generate case number `n` of the stream `seed`. */
void dt_gen_case(struct dt_case *c, uint64_t seed, uint64_t n);
/* Name of template `t` (for messages). */
const char *dt_tmpl_name(unsigned t);

/* Run cases [0, n) natively in a sandboxed child process; results[i].valid
 * tells which ran (a case that kills the child is marked invalid). Returns
 * 0, or -1 when the child could not be set up. */
int dt_native_run(const struct dt_case *cases, struct dt_result *results, int n);

#endif
