/* MSR access: msr.def lists every MSR with a read and a write function.
 * MTRRs (fixed and variable ranges) are stubs that keep what is written,
 * since firmware programs them and reads them back. */
#include "hypervisor/cpu/cpu_int.h"
#include "hypervisor/cpu/msr.h"

#define REG_MSR(name, field)                                                   \
	static int name##_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->s.field; return 0; } \
	static int name##_wr(struct cpu *cpu, uint64_t v) { cpu->s.field = v; return 0; }

REG_MSR(sysenter_cs, sysenter_cs)
REG_MSR(sysenter_esp, sysenter_esp)
REG_MSR(sysenter_eip, sysenter_eip)
REG_MSR(star, star)
REG_MSR(cstar, cstar)
REG_MSR(sfmask, sfmask)
REG_MSR(kgs_base, kernel_gs_base)
REG_MSR(tsc_aux, tsc_aux)
REG_MSR(fs_base, seg[SEG_FS].base)
REG_MSR(gs_base, seg[SEG_GS].base)

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static int lstar_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->s.lstar; return 0; }
static int lstar_wr(struct cpu *cpu, uint64_t v)
{
	if (!canonical(v))
		return -1;
	cpu->s.lstar = v;
	return 0;
}

static int zero_rd(struct cpu *cpu, uint64_t *v) { *v = 0; return 0; }
static int ignore_wr(struct cpu *cpu, uint64_t v) { return 0; }
static int ro_wr(struct cpu *cpu, uint64_t v) { return -1; }

static int tsc_rd(struct cpu *cpu, uint64_t *v) { *v = cpu_tsc(cpu); return 0; }
static int tsc_wr(struct cpu *cpu, uint64_t v)
{
	cpu->tsc_base += cpu_tsc(cpu) - v;
	return 0;
}

static int apic_base_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->s.apic_base; return 0; }
static int apic_base_wr(struct cpu *cpu, uint64_t v)
{
	cpu->s.apic_base = (v & ~0x6ffull) | (cpu->s.apic_base & 0x100);
	return 0;
}

/* IA32_ARCH_CAPABILITIES: this CPU does not speculate, so it is immune to
 * every side channel the MSR can declare: RDCL_NO (no Meltdown: no page
 * table isolation), IBRS_ALL (enhanced IBRS: no retpolines, whose
 * thunks funnel every indirect call through a few RETs),
 * SKIP_L1DFL_VMENTRY, SSB_NO, MDS_NO (no VERW at each return to user),
 * PSCHANGE_MC_NO, TAA_NO, SBDR_SSDP_NO, FBSDP_NO, PSDP_NO, BHI_NO,
 * PBRSB_NO, GDS_NO, RFDS_NO, and ITS_NO (bit 62, which a hypervisor sets:
 * without it Linux sends every RET through one aligned return thunk). */
#define ARCH_CAP_IMMUNE ((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) | \
			 (1ull << 6) | (1ull << 8) | (1ull << 13) | (1ull << 14) | (1ull << 15) | \
			 (1ull << 20) | (1ull << 24) | (1ull << 26) | (1ull << 27) | (1ull << 62))
static int arch_cap_rd(struct cpu *cpu, uint64_t *v) { *v = ARCH_CAP_IMMUNE; return 0; }

/* IA32_SPEC_CTRL (IBRS, STIBP, SSBD, BHI_DIS_S: bit 10, announced by
 * CPUID.(7,2):EDX[4]): kept for reading back, no effect (enhanced IBRS
 * asks the guest to set IBRS once, BHI_CTRL lets Linux set BHI_DIS_S
 * instead of clearing the branch history in software at every syscall). */
#define SPEC_CTRL_VALID (7ull | (1ull << 10))
static int spec_ctrl_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->spec_ctrl; return 0; }
static int spec_ctrl_wr(struct cpu *cpu, uint64_t v)
{
	if (v & ~SPEC_CTRL_VALID)
		return -1;
	cpu->spec_ctrl = v;
	return 0;
}

static int misc_enable_rd(struct cpu *cpu, uint64_t *v) { *v = 1; return 0; }  /* fast strings */
static int mtrrcap_rd(struct cpu *cpu, uint64_t *v) { *v = 0x508; return 0; }    /* WC, fixed, 8 var */
static int mtrr_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->mtrr_def; return 0; }
static int mtrr_wr(struct cpu *cpu, uint64_t v) { cpu->mtrr_def = v; return 0; }

static int pat_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->s.pat; return 0; }
static int pat_wr(struct cpu *cpu, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (v >> (8 * i)) & 0xff;

		if (t == 2 || t == 3 || t > 7)
			return -1;
	}
	cpu->s.pat = v;
	return 0;
}

static int efer_rd(struct cpu *cpu, uint64_t *v) { *v = cpu->s.efer; return 0; }
static int efer_wr(struct cpu *cpu, uint64_t v)
{
	uint64_t ok = EFER_SCE | EFER_LME | EFER_NXE;

	if (v & ~(ok | EFER_LMA))
		return -1;
	if ((cpu->s.cr0 & CR0_PG) && ((v ^ cpu->s.efer) & EFER_LME))
		return -1;
	cpu->s.efer = (v & ok) | (cpu->s.efer & EFER_LMA);
	cpu_flush_tlb(cpu, true);
	return 0;
}

struct msr_ent {
	uint32_t idx;
	int (*rd)(struct cpu *, uint64_t *);
	int (*wr)(struct cpu *, uint64_t);
};

static const struct msr_ent msr_table[] = {
#define MSR(idx, name, rd, wr) { idx, rd, wr },
#include "hypervisor/cpu/msr.def"
#undef MSR
};

/* Variable-range (0x200-0x20f) and fixed-range MTRRs: plain storage. */
static uint64_t *mtrr_slot(struct cpu *cpu, uint32_t idx)
{
	static const uint32_t fixed[] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a,
					  0x26b, 0x26c, 0x26d, 0x26e, 0x26f };

	if (idx >= 0x200 && idx < 0x210)
		return &cpu->mtrr_var[idx - 0x200];
	for (size_t i = 0; i < ARRAY_SIZE_(fixed); i++)
		if (fixed[i] == idx)
			return &cpu->mtrr_fixed[i];
	return NULL;
}

int msr_read(struct cpu *cpu, uint32_t idx, uint64_t *v)
{
	uint64_t *m = mtrr_slot(cpu, idx);

	if (m) {
		*v = *m;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE_(msr_table); i++)
		if (msr_table[i].idx == idx)
			return msr_table[i].rd(cpu, v);
	return cpu->ops && cpu->ops->msr ? cpu->ops->msr(cpu->opaque, cpu, idx, false, v) : -1;
}

int msr_write(struct cpu *cpu, uint32_t idx, uint64_t v)
{
	uint64_t *m = mtrr_slot(cpu, idx);

	if (m) {
		*m = v;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE_(msr_table); i++)
		if (msr_table[i].idx == idx)
			return msr_table[i].wr(cpu, v);
	return cpu->ops && cpu->ops->msr ? cpu->ops->msr(cpu->opaque, cpu, idx, true, &v) : -1;
}
