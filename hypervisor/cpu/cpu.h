/* The software x86 CPU: public interface used by the hvm engine and the tests.
 *
 * A `struct cpu` is one virtual CPU. It owns its register state, its software
 * TLB and its decoded-instruction cache; guest physical memory is shared and
 * described by RAM ranges (host pointer + size) given at creation. Nothing is
 * global: many CPUs (of one or many guests) may live in one process, each driven
 * by one thread.
 *
 * The CPU runs until it needs the outside world and then returns an exit
 * (`struct cpu_exit`). Port I/O and MMIO are first offered to the callbacks in
 * `struct cpu_io_ops` (devices that live next to the vCPU answer there without
 * an exit); a callback that is missing or answers CPU_IO_DEFER turns the access
 * into an exit, which the caller completes with cpu_io_complete() before the
 * next cpu_run(). `rep ins/outs` is ONE exit carrying a count and a pointer to
 * the guest buffer (the iterations that fit in one guest page).
 */
#ifndef VMCTL_HV_CPU_H
#define VMCTL_HV_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpu;

/* Segment register (with its hidden descriptor cache). `attr` uses the VMX
 * access-rights layout: bits 0-3 type, 4 S, 5-6 DPL, 7 P, 12 AVL, 13 L, 14 D/B,
 * 15 G (the limit is stored already scaled by G). */
struct cpu_seg {
	uint64_t base;
	uint32_t limit;
	uint16_t sel;
	uint16_t attr;
};

enum cpu_segreg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

#define SEG_ATTR_S   0x0010u
#define SEG_ATTR_P   0x0080u
#define SEG_ATTR_L   0x2000u
#define SEG_ATTR_DB  0x4000u
#define SEG_ATTR_G   0x8000u
#define SEG_ATTR_DPL(a) (((a) >> 5) & 3)

struct cpu_dtable {
	uint64_t base;
	uint16_t limit;
};

/* General-purpose register numbers (the encoding order). */
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* The architectural state a caller may read and write. */
struct cpu_state {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
	struct cpu_seg seg[SEG_COUNT];
	struct cpu_dtable gdtr, idtr;
	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t efer;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t apic_base, pat, tsc_aux;
	uint8_t xmm[16][16] __attribute__((aligned(16)));
	uint32_t mxcsr;
	uint16_t fcw, fsw;
	uint8_t ftw;                  /* abridged tag word, as FXSAVE stores it */
	uint8_t cpl;                  /* current privilege level (from CS/SS) */
};

/* One range of guest physical RAM backed by host memory. */
struct cpu_ram {
	uint64_t gpa;
	uint64_t size;
	void *host;
};

enum cpu_exit_reason {
	CPU_EXIT_NONE,
	CPU_EXIT_IO,          /* port I/O no callback handled */
	CPU_EXIT_MMIO,        /* an access outside RAM no callback handled */
	CPU_EXIT_HYPERCALL,   /* VMCALL/VMMCALL (any CPL, as under VMX: the
				 caller refuses CPL > 0); RIP past it */
	CPU_EXIT_HALT,        /* HLT with no interrupt pending; RIP past it */
	CPU_EXIT_SHUTDOWN,    /* triple fault: the domain must be shut down */
	CPU_EXIT_FAULT,       /* an exception listed in the exit bitmap (tests) */
	CPU_EXIT_INTERRUPTED, /* cpu_kick() or the instruction budget ran out */
	CPU_EXIT_INTERNAL,    /* the CPU met something it cannot do (see msg) */
};

struct cpu_io {
	uint16_t port;
	uint8_t size;         /* 1, 2 or 4 */
	bool in;              /* true: device -> CPU */
	uint32_t count;       /* iterations: 1, or more for rep ins/outs */
	uint64_t data;        /* count == 1: the value (out) or the answer (in) */
	void *buf;            /* count > 1: guest buffer of count * size bytes */
};

struct cpu_mmio {
	uint64_t gpa;
	uint8_t size;         /* 1..8 (larger accesses are split) */
	bool write;
	uint64_t data;
};

struct cpu_exit {
	enum cpu_exit_reason reason;
	union {
		struct cpu_io io;
		struct cpu_mmio mmio;
		struct {
			uint8_t vector;
			bool has_error;
			uint32_t error;
			uint64_t cr2;
		} fault;
		const char *msg;
	};
};

#define CPU_IO_DEFER 1

/* Device callbacks. Each returns 0 when it handled the access (for an `in`
 * or a read it fills `data`, or `buf` for count > 1), CPU_IO_DEFER to turn it
 * into an exit, or a negative errno (the access is then ignored: reads see
 * all ones, as on a bus nobody answers). */
struct cpu_io_ops {
	int (*pio)(void *opaque, struct cpu *cpu, struct cpu_io *io);
	int (*mmio)(void *opaque, struct cpu *cpu, struct cpu_mmio *mmio);
	/* Optional platform hooks (the hvm engine's; tests leave them NULL). */
	/* CPUID: called with the CPU's own answer in r[], may change it (Xen's
	 * 0x40000000 leaves, the APIC id in leaf 1). */
	void (*cpuid)(void *opaque, struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t r[4]);
	/* RDMSR/WRMSR of an MSR the CPU does not know: 0 done, -1 for #GP. */
	int (*msr)(void *opaque, struct cpu *cpu, uint32_t idx, bool write, uint64_t *v);
	/* Interrupt acknowledge: after cpu_intr_request(), when RFLAGS.IF and
	 * the interrupt shadow allow, the CPU asks the interrupt controller for
	 * the vector to deliver (-1: nothing any more). Runs on the CPU's thread. */
	int (*inta)(void *opaque, struct cpu *cpu);
};

/* Create a CPU in the x86 reset state (real mode, CS:IP = F000:FFF0 with
 * base FFFF0000). `ram` is copied; the memory it points to must outlive the
 * CPU and may be shared between CPUs. Returns NULL on ENOMEM or bad ranges. */
struct cpu *cpu_create(const struct cpu_ram *ram, size_t nram,
		       const struct cpu_io_ops *ops, void *opaque);
void cpu_destroy(struct cpu *cpu);

/* Put the CPU back into the reset state (INIT/RESET). */
void cpu_reset(struct cpu *cpu);

/* Copy the architectural state out / in. Setting the state flushes the TLB,
 * recomputes the mode from CR0, EFER and CS, and leaves the halted state
 * (the CPU runs from the given RIP). */
void cpu_get_state(struct cpu *cpu, struct cpu_state *st);
void cpu_set_state(struct cpu *cpu, const struct cpu_state *st);

/* Run until an exit, or until `budget` instructions have retired (0: no
 * limit). The exit is written to `*ex`; the function returns its reason. */
enum cpu_exit_reason cpu_run(struct cpu *cpu, uint64_t budget, struct cpu_exit *ex);

/* Complete the I/O or MMIO access that the last exit reported: for an `in`
 * or an MMIO read, `data` is the value (for rep ins the buffer given in the
 * exit has been filled). The instruction finishes at the next cpu_run(). */
void cpu_io_complete(struct cpu *cpu, uint64_t data);

/* Ask the running CPU to return CPU_EXIT_INTERRUPTED at the next instruction
 * boundary. Safe to call from any thread. */
void cpu_kick(struct cpu *cpu);

/* Mark external interrupt `vector` pending (from the PIC or LAPIC). It is
 * delivered when RFLAGS.IF allows it; a pending interrupt also ends HLT.
 * Safe to call from any thread (it kicks the CPU). */
void cpu_interrupt(struct cpu *cpu, uint8_t vector);

/* Raise the INTR line: the CPU calls ops->inta for a vector as soon as it
 * can take an interrupt (this also ends HLT). The request is consumed by
 * that call; the controller raises it again while it has more to deliver.
 * Safe to call from any thread (it kicks the CPU). */
void cpu_intr_request(struct cpu *cpu);

/* The block translator (jit.h): 64-bit blocks are translated to host code
 * after `hot` interpreted runs; hot < 0 turns it off (the interpreter runs
 * everything). cpu_create() takes it from VMCTL_CPU_JIT (N: at the Nth run,
 * default 3; 0 or "off": never). Returns 0, or -errno when the code buffer
 * cannot be mapped (the CPU then interprets). */
int cpu_set_jit(struct cpu *cpu, int hot);

/* Exceptions whose vector bit is set here end cpu_run() with CPU_EXIT_FAULT
 * instead of being delivered through the guest's IDT (used by tests, and by
 * a debugger). The state is left as at the fault (RIP at the instruction,
 * or past it for traps such as #BP). */
void cpu_set_exit_bitmap(struct cpu *cpu, uint32_t vectors);

/* Tell the CPU that guest physical memory [gpa, gpa+len) was written from
 * outside (DMA, the loader, another CPU): cached decoded code is dropped. */
void cpu_invalidate_code(struct cpu *cpu, uint64_t gpa, uint64_t len);

/* Make `cpu` (created with the same RAM ranges as `first`, not yet run)
 * share `first`'s page metadata, so that code one CPU of a machine wrote
 * is not run from another's decoded or translated copy (cross-modifying
 * code: Linux patches its text with text_poke while the other CPUs run).
 * A write to a page any of them decoded kicks all of them (each drops its
 * block links at its next boundary and checks the page's generation), and
 * a page one of them decodes makes the others drop their writable TLB
 * entries (so their next write to it is seen). Call it before `cpu` runs;
 * `first` may run. Returns -EINVAL when the ranges differ. */
int cpu_share_code(struct cpu *cpu, struct cpu *first);

/* Guest RAM that appears, moves and goes away while the CPUs run, with its
 * writes logged page by page for a reader in another thread or process
 * (the VGA's framebuffer and the display that renders it). The CPUs reach
 * it through their TLBs as ordinary RAM (host loads and stores, translated
 * code included). Bit i of `bits` (host page i of the range) is set by a
 * CPU after any store it made to that page since the bit was last seen
 * set by it; the reader takes the bits with an atomic exchange (acquire)
 * and then sees every store made before the bit was set, and a store made
 * later sets the bit again at the CPU's next return from cpu_run(). */
#define CPU_RAM_NOWHERE (~0ull)
struct cpu_logged_ram {
	uint64_t gpa;         /* page aligned; CPU_RAM_NOWHERE: not shown */
	uint64_t size;        /* bytes, a multiple of 4096 */
	void *host;
	uint64_t *bits;       /* size / 4096 bits, shared with the reader */
};

/* Show (or move, or hide) the logged RAM for `cpu` and every CPU sharing
 * its page metadata (cpu_share_code()). Safe from any thread while they
 * run: each CPU switches when it next enters cpu_run() (until then an
 * access to the new place goes to the MMIO callback, one to the old place
 * may still reach the RAM, as accesses racing a BAR move on hardware).
 * The range must not change its host memory or size once shown. Returns 0
 * or -EINVAL / -ENOMEM. */
int cpu_set_logged_ram(struct cpu *cpu, const struct cpu_logged_ram *r);

/* Instructions retired since creation. */
uint64_t cpu_retired(const struct cpu *cpu);

#endif
