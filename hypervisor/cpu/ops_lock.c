/* LOCK-prefixed read-modify-writes (and XCHG with memory, locked by
 * itself) made atomic between vCPUs that share guest RAM. The plain handler
 * runs on a private copy of the operand: for this one instruction the TLB's
 * read and write entries of the operand's page point at a shadow page that
 * holds the value read atomically; the result then goes to guest memory by
 * a host compare-and-swap, and the instruction runs again (registers and
 * flags put back) when another vCPU wrote the operand in between. Without
 * this a locked BTS that read 1 wrote 1 back over the owner's release of a
 * spinlock (SeaBIOS's CPU count hung so) and a failed CMPXCHG wrote back
 * its stale value. MMIO, page-crossing and misaligned operands and
 * CMPXCHG16B run as plain read-modify-writes, as before. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/optab.h"

/* The operand's size in bytes (1, 2, 4, 8, 16). */
static int lock_size(const struct insn *in)
{
	if (in->map == MAP_0F) {
		if (in->op == 0xc7)
			return in->opsz == 8 ? 16 : 8;
		return (in->op == 0xb0 || in->op == 0xc0) ? 1 : in->opsz;
	}
	if (in->op < 0x38)
		return (in->op & 1) ? in->opsz : 1;
	switch (in->op) {
	case 0x80: case 0x82: case 0x86: case 0xf6: case 0xfe:
		return 1;
	default:
		return in->opsz;
	}
}

/* The operand's effective address (BT with a register offset reaches
 * beyond the ModRM address, as ops_bit.c computes it). */
static uint64_t lock_ea(const struct cpu *cpu, const struct insn *in, int size)
{
	uint64_t ea = op_ea(cpu, in);

	if (in->map == MAP_0F && (in->op == 0xab || in->op == 0xb3 || in->op == 0xbb)) {
		int64_t off = sext_to64(reg_read(cpu, in, in->reg, size), size);

		ea = addr_mask(in->adsz, ea + (off >> (size == 8 ? 6 : size == 4 ? 5 : 4)) * size);
	}
	return ea;
}

static bool lock_cas(uint8_t *p, int size, uint64_t old, uint64_t new)
{
	switch (size) {
	case 1: { uint8_t o = (uint8_t)old;
		return __atomic_compare_exchange_n(p, &o, (uint8_t)new, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
	case 2: { uint16_t o = (uint16_t)old;
		return __atomic_compare_exchange_n((uint16_t *)(void *)p, &o, (uint16_t)new, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
	case 4: { uint32_t o = (uint32_t)old;
		return __atomic_compare_exchange_n((uint32_t *)(void *)p, &o, (uint32_t)new, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); }
	default:
		return __atomic_compare_exchange_n((uint64_t *)(void *)p, &old, new, false,
						   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
}

static uint64_t lock_load(const uint8_t *p, int size)
{
	switch (size) {
	case 1: return __atomic_load_n(p, __ATOMIC_SEQ_CST);
	case 2: return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_SEQ_CST);
	case 4: return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_SEQ_CST);
	default: return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_SEQ_CST);
	}
}

/* The linear address of `off` in `seg` (the checks were mem_ptr's). */
static uint64_t lock_lin(const struct cpu *cpu, int seg, uint64_t off)
{
	if (cpu->mode == 64)
		return off + (seg >= SEG_FS ? cpu->s.seg[seg].base : 0);
	return (uint32_t)(cpu->s.seg[seg].base + off);
}

/* One try on the shadow page; *done false: lost a race, run again. */
static int lock_try(struct cpu *cpu, const struct insn *in, op_fn fn, uint64_t lin,
		    uint8_t *p, int size, bool *done)
{
	static _Thread_local uint8_t shadow[4096] __attribute__((aligned(64)));
	bool user = cpu->s.cpl == 3;
	struct tlb_entry *er = tlb_claim(&cpu->tlb, TLB_R, lin, false);
	struct tlb_entry *ew = tlb_claim(&cpu->tlb, TLB_W, lin, false);
	struct tlb_entry sr = *er, sw = *ew;
	uint64_t gpr[16], rflags = cpu->s.rflags, old, new;
	struct lflags lf = cpu->lf;
	uint8_t *s = shadow + (lin & 0xfff);
	int rc;

	memcpy(gpr, cpu->s.gpr, sizeof(gpr));
	old = lock_load(p, size);
	host_store(s, size, old);
	er->tag = ew->tag = (lin & ~0xfffull) | user;
	er->host = ew->host = shadow;
	rc = fn(cpu, in);
	*er = sr;
	*ew = sw;
	*done = true;
	if (rc != X_OK)
		return rc;
	new = host_load(s, size);
	if (new == old ? lock_load(p, size) == old : lock_cas(p, size, old, new))
		return X_OK;
	memcpy(cpu->s.gpr, gpr, sizeof(gpr));   /* another vCPU wrote it: again */
	cpu->s.rflags = rflags;
	cpu->lf = lf;
	*done = false;
	return X_OK;
}

int op_locked(struct cpu *cpu, const struct insn *in)
{
	op_fn fn = insn_plain_handler(in);
	int size = lock_size(in), rc;
	uint64_t ea = lock_ea(cpu, in, size), lin;
	uint8_t *p;
	bool done;

	if (size > 8)
		return fn(cpu, in);
	lin = lock_lin(cpu, in->seg, ea);
	if (cpu->mode != 64 || (lin & 0xfff) + size > 4096 ||
	    !(p = tlb_hit(&cpu->tlb, lin, TLB_W, cpu->s.cpl == 3))) {
		if (mem_ptr(cpu, in->seg, ea, size, true, &p))
			return X_EXC;
	}
	if (!p || ((uintptr_t)p & (size - 1)))
		return fn(cpu, in);
	do
		rc = lock_try(cpu, in, fn, lin, p, size, &done);
	while (!done);
	return rc;
}
