/* Port I/O and MMIO. An access is offered to the device callback; if there
 * is none or it defers, the instruction stops with an exit and is executed
 * again after cpu_io_complete(): the accesses it already made are replayed
 * from `cpu->replay` instead of being repeated. */
#include "hypervisor/cpu/cpu_int.h"

static int replay_take(struct cpu *cpu, uint64_t *v)
{
	struct io_replay *r = &cpu->replay;

	if (r->seen < r->done) {
		*v = r->data[r->seen++];
		return 1;
	}
	return 0;
}

static void replay_record(struct cpu *cpu, uint64_t v)
{
	struct io_replay *r = &cpu->replay;

	if (r->seen < ARRAY_SIZE_(r->data)) {
		r->data[r->seen++] = v;
		r->done = r->seen;
	}
}

static int io_exit_pio(struct cpu *cpu, const struct cpu_io *io)
{
	cpu->exit.reason = CPU_EXIT_IO;
	cpu->exit.io = *io;
	return X_EXIT;
}

/* An instruction may make at most this many I/O or MMIO accesses. */
static int replay_full(struct cpu *cpu)
{
	return cpu_internal_error(cpu, "more than 4 I/O or MMIO accesses in one instruction");
}

static int pio(struct cpu *cpu, struct cpu_io *io)
{
	int r = CPU_IO_DEFER;

	if (replay_take(cpu, &io->data))
		return X_OK;
	if (cpu->replay.seen >= ARRAY_SIZE_(cpu->replay.data))
		return replay_full(cpu);
	if (cpu->ops && cpu->ops->pio)
		r = cpu->ops->pio(cpu->opaque, cpu, io);
	if (r == CPU_IO_DEFER)
		return io_exit_pio(cpu, io);
	if (r < 0 && io->in)
		io->data = ~0ull;
	replay_record(cpu, io->data);
	return X_OK;
}

int io_in(struct cpu *cpu, uint16_t port, int size, uint64_t *v)
{
	struct cpu_io io = { .port = port, .size = size, .in = true, .count = 1 };
	int rc = pio(cpu, &io);

	*v = io.data & size_mask(size);
	return rc;
}

int io_out(struct cpu *cpu, uint16_t port, int size, uint64_t v)
{
	struct cpu_io io = { .port = port, .size = size, .in = false, .count = 1,
			     .data = v & size_mask(size) };

	return pio(cpu, &io);
}

int io_rep(struct cpu *cpu, uint16_t port, int size, bool in, void *buf, uint32_t count)
{
	struct cpu_io io = { .port = port, .size = size, .in = in, .count = count, .buf = buf };

	return pio(cpu, &io);
}

/* IOPL, then the TSS I/O permission bitmap (protected mode only). */
int io_check_perm(struct cpu *cpu, uint16_t port, int size)
{
	const struct cpu_seg *tr = &cpu->s.seg[SEG_TR];
	uint16_t base = 0, bits = 0;
	uint64_t iopl = (flags_get(cpu) & FL_IOPL) >> 12;

	if (!(cpu->s.cr0 & CR0_PE) || (cpu->s.cpl <= iopl && !(cpu->s.rflags & FL_VM)))
		return X_OK;
	if ((tr->attr & 0xd) != 0x9 || tr->limit < 0x67)
		return excp_gp(cpu, 0);
	if (mem_read_lin(cpu, tr->base + 0x66, 2, &base, true))
		return X_EXC;
	if ((uint32_t)base + port / 8 + 1 > tr->limit)
		return excp_gp(cpu, 0);
	if (mem_read_lin(cpu, tr->base + base + port / 8, 2, &bits, true))
		return X_EXC;
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		return excp_gp(cpu, 0);
	return X_OK;
}

int io_mmio(struct cpu *cpu, uint64_t pa, int size, bool write, uint64_t *v)
{
	struct cpu_mmio m = { .gpa = pa, .size = size, .write = write, .data = *v };
	int r = CPU_IO_DEFER;

	if (replay_take(cpu, v))
		return X_OK;
	if (cpu->replay.seen >= ARRAY_SIZE_(cpu->replay.data))
		return replay_full(cpu);
	if (cpu->ops && cpu->ops->mmio)
		r = cpu->ops->mmio(cpu->opaque, cpu, &m);
	if (r == CPU_IO_DEFER) {
		cpu->exit.reason = CPU_EXIT_MMIO;
		cpu->exit.mmio = m;
		return X_EXIT;
	}
	if (r < 0 && !write)
		m.data = ~0ull;
	*v = m.data & size_mask(size);
	replay_record(cpu, *v);
	return X_OK;
}

void cpu_io_complete(struct cpu *cpu, uint64_t data)
{
	struct io_replay *r = &cpu->replay;

	if (r->done < ARRAY_SIZE_(r->data))
		r->data[r->done++] = data;
}
