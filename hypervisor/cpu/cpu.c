/* The vCPU: creation, state access, and the run loop (fetch through the
 * decoded-instruction cache, dispatch to the handler, retire or deliver the
 * exception, check for interrupts and kicks between instructions). */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/mmu.h"

#include <errno.h>
#include <stdlib.h>
#include <x86intrin.h>

static void set_seg(struct cpu_seg *s, uint16_t sel, uint64_t base, uint32_t limit, uint16_t attr)
{
	s->sel = sel;
	s->base = base;
	s->limit = limit;
	s->attr = attr;
}

void cpu_reset(struct cpu *cpu)
{
	struct cpu_state *s = &cpu->s;

	memset(s, 0, sizeof(*s));
	s->rip = 0xfff0;
	s->rflags = 0x2;
	s->cr0 = CR0_ET | CR0_CD | CR0_NW;
	s->gpr[RDX] = 0x00000f00 | 0x600;   /* family/model/stepping signature */
	set_seg(&s->seg[SEG_CS], 0xf000, 0xffff0000, 0xffff, 0x9b);
	for (int i = 0; i < SEG_COUNT; i++)
		if (i != SEG_CS)
			set_seg(&s->seg[i], 0, 0, 0xffff, 0x93);
	s->seg[SEG_LDTR].attr = 0x82;
	s->seg[SEG_TR].attr = 0x8b;
	s->idtr.limit = s->gdtr.limit = 0xffff;
	s->apic_base = 0xfee00000 | (1u << 11) | (1u << 8);
	s->pat = 0x0007040600070406ull;
	s->mxcsr = 0x1f80;
	s->fcw = 0x40;
	cpu->lf.op = LF_EAGER;
	cpu->halted = false;
	cpu->interrupt_shadow = false;
	memset(&cpu->replay, 0, sizeof(cpu->replay));
	seg_update_mode(cpu);
	cpu_flush_tlb(cpu, true);
}

static int ram_init(struct cpu *cpu, const struct cpu_ram *ram, size_t nram)
{
	cpu->ram = calloc(nram ? nram : 1, sizeof(*cpu->ram));
	if (!cpu->ram)
		return -ENOMEM;
	for (size_t i = 0; i < nram; i++) {
		struct ram_range *r = &cpu->ram[i];

		if ((ram[i].gpa | ram[i].size) & 0xfff)
			return -EINVAL;
		r->gpa = ram[i].gpa;
		r->size = ram[i].size;
		r->host = ram[i].host;
		r->meta = calloc(r->size >> 12 ? r->size >> 12 : 1, sizeof(*r->meta));
		if (!r->meta)
			return -ENOMEM;
		cpu->nram = i + 1;
	}
	return 0;
}

static int jit_hot_env(void);

struct cpu *cpu_create(const struct cpu_ram *ram, size_t nram,
		       const struct cpu_io_ops *ops, void *opaque)
{
	struct cpu *cpu = aligned_alloc(64, ALIGN_UP_(sizeof(*cpu), 64));

	if (!cpu)
		return NULL;
	memset(cpu, 0, sizeof(*cpu));
	stats_init(&cpu->stats);
	atomic_init(&cpu->peer, cpu);
	tlb_init(&cpu->tlb);
	cpu->ops = ops;
	cpu->opaque = opaque;
	if (ram_init(cpu, ram, nram) || icache_init(&cpu->icache)) {
		cpu_destroy(cpu);
		return NULL;
	}
	cpu_set_jit(cpu, jit_hot_env());
	cpu->tsc_base = __rdtsc();
	cpu_reset(cpu);
	return cpu;
}

/* VMCTL_CPU_JIT=N: translate a block at its Nth run (default 3); 0 or
 * "off": interpret only (to compare, or to rule the translator out). */
static int jit_hot_env(void)
{
	const char *v = getenv("VMCTL_CPU_JIT");
	long n;

	if (!v || !*v)
		return 2;
	if (!strcmp(v, "off"))
		return -1;
	n = strtol(v, NULL, 10);
	return n <= 0 ? -1 : n > 200 ? 199 : (int)n - 1;
}

int cpu_set_jit(struct cpu *cpu, int hot)
{
	struct jit_buf *j = &cpu->icache.jit;

	if (hot >= 0 && !j->rx) {
		int rc = jit_init(j, hot);

		icache_clear(&cpu->icache);
		return rc;
	}
	j->hot = j->rx ? hot : -1;
	return 0;
}

void cpu_destroy(struct cpu *cpu)
{
	if (!cpu)
		return;
	stats_write(cpu, true);
	stats_close(&cpu->stats);
	for (size_t i = 0; i < cpu->nram && !cpu->meta_borrowed; i++)
		free(cpu->ram[i].meta);
	free(cpu->ram);
	mem_log_free(cpu);
	icache_dispose(&cpu->icache);
	free(cpu);
}

void cpu_get_state(struct cpu *cpu, struct cpu_state *st)
{
	flags_sync(cpu);
	*st = cpu->s;
}

void cpu_set_state(struct cpu *cpu, const struct cpu_state *st)
{
	cpu->s = *st;
	cpu->s.rflags = (cpu->s.rflags | 2) & 0x3f7fd7ull;
	cpu->lf.op = LF_EAGER;
	cpu->halted = false;
	cpu->interrupt_shadow = false;
	memset(&cpu->replay, 0, sizeof(cpu->replay));
	seg_update_mode(cpu);
	cpu->s.cpl = st->cpl;
	if (!(cpu->s.cr0 & CR0_PE))
		cpu->s.cpl = 0;
	cpu_flush_tlb(cpu, true);
}

void cpu_flush_tlb(struct cpu *cpu, bool global)
{
	tlb_flush(&cpu->tlb, global);
	icache_unlink(&cpu->icache);   /* block links assume the old mapping */
}

void cpu_kick(struct cpu *cpu)
{
	atomic_fetch_or_explicit(&cpu->kick, KICK_EXIT, memory_order_release);
}

void cpu_interrupt(struct cpu *cpu, uint8_t vector)
{
	atomic_fetch_or(&cpu->irq_pending[vector >> 6], 1ull << (vector & 63));
	atomic_fetch_or_explicit(&cpu->kick, KICK_IRQ, memory_order_release);
}

void cpu_intr_request(struct cpu *cpu)
{
	atomic_store(&cpu->intr_req, 1);
	atomic_fetch_or_explicit(&cpu->kick, KICK_IRQ, memory_order_release);
}

void cpu_set_exit_bitmap(struct cpu *cpu, uint32_t vectors)
{
	cpu->exit_bitmap = vectors;
}

uint64_t cpu_retired(const struct cpu *cpu)
{
	return cpu->retired;
}

uint64_t cpu_tsc(const struct cpu *cpu)
{
	return __rdtsc() - cpu->tsc_base;
}

int cpu_internal_error(struct cpu *cpu, const char *msg)
{
	cpu->exit.reason = CPU_EXIT_INTERNAL;
	cpu->exit.msg = msg;
	return X_EXIT;
}

void cpu_invalidate_code(struct cpu *cpu, uint64_t gpa, uint64_t len)
{
	for (uint64_t p = gpa & ~0xfffull; p < gpa + len; p += 4096) {
		struct page_meta *meta;

		if (mem_host(cpu, p, &meta) && meta->code) {
			meta->gen++;
			meta->code = 0;
			icache_unlink(&cpu->icache);
			atomic_fetch_or_explicit(&cpu->kick, KICK_CODE, memory_order_relaxed);
			cpu_kick_peers(cpu, KICK_CODE);
		}
	}
}

void cpu_kick_peers(struct cpu *cpu, uint32_t why)
{
	for (struct cpu *p = atomic_load_explicit(&cpu->peer, memory_order_acquire); p != cpu;
	     p = atomic_load_explicit(&p->peer, memory_order_acquire))
		atomic_fetch_or_explicit(&p->kick, why, memory_order_release);
}

int cpu_share_code(struct cpu *cpu, struct cpu *first)
{
	if (cpu->nram != first->nram || cpu->meta_borrowed)
		return -EINVAL;
	for (size_t i = 0; i < cpu->nram; i++)
		if (cpu->ram[i].gpa != first->ram[i].gpa || cpu->ram[i].size != first->ram[i].size)
			return -EINVAL;
	for (size_t i = 0; i < cpu->nram; i++) {
		free(cpu->ram[i].meta);
		cpu->ram[i].meta = first->ram[i].meta;
	}
	cpu->meta_borrowed = true;
	/* Into first's ring: complete before it is published (first may run). */
	atomic_store_explicit(&cpu->peer, atomic_load(&first->peer), memory_order_relaxed);
	atomic_store_explicit(&first->peer, cpu, memory_order_release);
	return 0;
}
