/* The block translator: host x86-64 code for hot 64-bit blocks of the
 * decoded-instruction cache. The common integer instructions (register
 * moves and ALU operations with their lazy flags, LEA, loads and stores
 * through the TLB, a closing Jcc/JMP fused with the host flags of the ALU
 * operation before it) become inline host code, with the block's most
 * used guest registers in host registers; every other instruction
 * is a direct call of its decoded handler, with the run loop's per-
 * instruction bookkeeping (RIP, next RIP, replay log, kick word) inlined
 * around it. A memory access that misses the TLB, crosses a page or is
 * not plain RAM calls the handler too, which then decides every fault, so
 * a translated block behaves exactly like the interpreter.
 *
 * Code lives in a memfd mapped twice: written through a read-write view,
 * run from a read-execute view; no page is writable and executable at the
 * same time. The buffer is emptied together with the decoded-instruction
 * pool (the code embeds pointers into it). */
#ifndef VMCTL_HV_CPU_JIT_H
#define VMCTL_HV_CPU_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;
struct block;

/* What a translation returns (in rax and rdx): `r` is (status << 32) |
 * the instructions its last block retired (the chained blocks before it
 * counted theirs in cpu->retired); status is X_OK, or what the handler of
 * the next instruction returned (RIP is then that instruction's, for
 * exec_slow()). `last` is the block whose code returned (a chain may
 * have gone through several), so that the run loop learns links for the
 * exit that missed; NULL when that header describes other code by now. */
struct jit_ret {
	uint64_t r;
	struct block *last;
};

/* A translated block. */
typedef struct jit_ret (*jit_fn)(struct cpu *cpu);

/* Where chained translations enter a translation: past its prologue
 * (checked when one is made). */
#define JIT_BODY_OFF 12

static inline const uint8_t *jit_body(jit_fn f)
{
	return (const uint8_t *)(void *)f + JIT_BODY_OFF;
}

#define JIT_ROOM 16384u           /* the most one block's code may take */

/* Chaining: an exit of a translated block jumps straight into the next
 * block's translation when its slot says where that is. A slot is valid
 * in the decoded-instruction cache's epoch it was filled in (icache.h: the
 * epoch moves on whenever a block link could be wrong), and only for `rip`.
 * The generated exit also checks the kick word and that the next block
 * fits in the run's budget (cpu->jit_end), and counts the instructions it
 * retired in cpu->retired before it jumps.
 * A block that ends at a RIP known when it is translated (r12 + a
 * constant: Jcc both ways, JMP/CALL rel, no branch) has a `fixed` exit per
 * way instead: the RIP, the epoch and a direct jump are written into its
 * code when it is linked, and `rip` is only what the exit last missed. */
struct jit_exit {
	uint64_t rip;
	union {
		const uint8_t *to;        /* the next translation's body */
		uint8_t *site;            /* fixed: its code to patch (read-write view) */
	};
	uint32_t epoch;
	bool fixed;
};

struct jit_buf {
	uint8_t *rw, *rx;         /* the two views of the code memfd; NULL: off */
	size_t size, used;
	int hot;                  /* runs of a block before it is translated */
	int perf_fd;              /* perf's map of this process, or -1; valid with rw */
};

/* Map the code buffer (hot < 0: translation off). Returns 0 or -errno;
 * on failure translation is off and the CPU still works. With
 * VMCTL_PERF_MAP set in the environment it also opens /tmp/perf-PID.map
 * (here, before a sandbox's filter forbids open()) and appends a line
 * "host-address size jit:guest-RIP:pa:guest-PA:k|u:guest-bytes:tTIME"
 * for every translation (TIME: CLOCK_MONOTONIC seconds, for `perf
 * record -k mono`, as an emptied buffer reuses addresses). */
int jit_init(struct jit_buf *j, int hot);
void jit_dispose(struct jit_buf *j);
/* Forget every translation (the decoded-instruction pool was emptied). */
static inline void jit_reset(struct jit_buf *j)
{
	j->used = 0;
}

/* True when the buffer has no room for another block. */
static inline bool jit_full(const struct jit_buf *j)
{
	return j->size - j->used < JIT_ROOM;
}

/* Translate block `b` (64-bit code) for the current privilege (`user`:
 * CPL 3). Returns the entry point, or NULL when the buffer is full (the
 * caller then empties the cache) or the block is not worth it. */
jit_fn jit_translate(struct cpu *cpu, struct block *b, bool user);

/* Remember that `rip` after the translation of `from` is the translation
 * whose body (jit_body()) is `to` (both made for the current privilege,
 * and `from` ends in a way that keeps CS, the code size and CPL). */
void jit_link(struct cpu *cpu, struct block *from, uint64_t rip, const uint8_t *to);

#endif
