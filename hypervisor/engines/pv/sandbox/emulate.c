/* What Xen emulates for a PV guest when one of its instructions faults:
 * the forced-emulation prefix before CPUID, reads of the read-only M2P,
 * `int n` through the trap table's DPL, and the privileged instructions
 * a PV kernel may still execute (control registers, clts, the MSRs Xen
 * lets it touch, port I/O under its virtual IOPL or I/O bitmap, cli/sti
 * under IOPL, hlt, wbinvd, loads of Xen's flat selectors). Everything
 * else is left to be delivered as the fault it is (#GP, #UD, #PF).
 *
 * Called from the fault handler with the guest's registers in v->regs;
 * an emulated instruction edits them and advances rip. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#include <vmctl/xen/arch-x86/cpuid.h>

#define MSR_TSC 0x10u
#define MSR_EFER 0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_SHADOW_GS_BASE 0xc0000102u
#define EFER_PV 0xd01ull               /* SCE | LME | LMA | NXE */
#define CR0_PV 0x80050033ull           /* PG | AM | WP | NE | ET | MP | PE */
#define CR0_TS 8ull
#define CR4_PV 0x6a0ull                /* PAE | PGE | OSFXSR | OSXMMEXCPT */

/* One decoded instruction: what the emulations below need. */
struct insn {
	uint8_t b[15];
	unsigned n;                    /* bytes readable at rip */
	unsigned len;                  /* decoded length */
	unsigned opsize16, rex;
	unsigned op;                   /* 0x0fXX for two-byte opcodes */
	unsigned mod, reg, rm;         /* ModRM, reg/rm extended by REX */
	int has_modrm;
};

static uint64_t *gpr(struct privcmd_vcpu_regs *r, unsigned n)
{
	/* privcmd order: rax rbx rcx rdx rsi rdi rbp rsp r8..r15; x86 order
	 * is rax rcx rdx rbx rsp rbp rsi rdi r8..r15. */
	static const unsigned char map[16] = { 0, 2, 3, 1, 7, 6, 4, 5,
					       8, 9, 10, 11, 12, 13, 14, 15 };

	return &r->rax + map[n & 15];
}

/* Write a register the way the instruction's operand size does (32-bit
 * writes zero the top half). */
static void gpr_set(struct privcmd_vcpu_regs *r, unsigned n, uint64_t val, unsigned size)
{
	uint64_t *p = gpr(r, n);

	if (size == 8)
		*p = val;
	else if (size == 4)
		*p = (uint32_t)val;
	else if (size == 2)
		*p = (*p & ~0xffffull) | (val & 0xffff);
	else
		*p = (*p & ~0xffull) | (val & 0xff);
}

static int insn_fetch(struct pv_vcpu *v, struct insn *i)
{
	uint64_t rip = v->regs.rip;

	*i = (struct insn){ 0 };
	while (i->n < sizeof(i->b) && aspace_read(v->sb, rip + i->n, &i->b[i->n], 1) == 0)
		i->n++;
	return i->n ? 0 : -1;
}

/* Prefixes, opcode and ModRM (with SIB and displacement for the length). */
static int insn_decode(struct insn *i)
{
	unsigned p = 0, mod, rm;

	for (; p < i->n; p++) {
		uint8_t c = i->b[p];

		if (c == 0x66)
			i->opsize16 = 1;
		else if (c != 0x2e && c != 0x36 && c != 0x3e && c != 0x26 && c != 0x64 &&
			 c != 0x65 && c != 0xf2 && c != 0xf3 && c != 0xf0)
			break;
	}
	if (p < i->n && (i->b[p] & 0xf0) == 0x40)
		i->rex = i->b[p++];
	if (p >= i->n)
		return -1;
	i->op = i->b[p++];
	if (i->op == 0x0f) {
		if (p >= i->n)
			return -1;
		i->op = 0x0f00 | i->b[p++];
	}
	i->has_modrm = i->op == 0x8b || i->op == 0x8e || i->op == 0x0f20 || i->op == 0x0f22 ||
		       i->op == 0x89 || i->op == 0x87 || i->op == 0xc7 || i->op == 0x0fb1 ||
		       i->op == 0x0fc7;
	if (!i->has_modrm) {
		i->len = p + ((i->op & 0xfe) == 0xe4 || (i->op & 0xfe) == 0xe6 || i->op == 0xcd);
		return i->len <= i->n ? 0 : -1;
	}
	if (p >= i->n)
		return -1;
	mod = i->b[p] >> 6;
	rm = i->b[p] & 7;
	i->mod = mod;
	i->reg = ((i->b[p] >> 3) & 7) | ((i->rex & 4) << 1);
	i->rm = rm | ((i->rex & 1) << 3);
	p++;
	if (mod != 3 && rm == 4) {          /* SIB */
		if (p >= i->n)
			return -1;
		if (mod == 0 && (i->b[p] & 7) == 5)
			p += 4;
		p++;
	}
	if (mod == 1)
		p += 1;
	else if (mod == 2 || (mod == 0 && rm == 5))
		p += 4;
	if (i->op == 0xc7)                  /* mov $imm32, r/m */
		p += i->opsize16 ? 2 : 4;
	i->len = p;
	return p <= i->n ? 0 : -1;
}

static unsigned opsize(const struct insn *i)
{
	return (i->rex & 8) ? 8 : i->opsize16 ? 2 : 4;
}

/* ---- CPUID behind Xen's forced-emulation prefix -------------------------- */

static const uint8_t forced_cpuid[] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };

static void cpuid_host(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	__asm__ volatile("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(leaf), "c"(sub));
}

/* No libc here (and clang turns a builtin memcmp into a call). */
static int is_forced_cpuid(const struct insn *i)
{
	if (i->n < sizeof(forced_cpuid))
		return 0;
	for (unsigned k = 0; k < sizeof(forced_cpuid); k++)
		if (i->b[k] != forced_cpuid[k])
			return 0;
	return 1;
}

/* Xen's leaves at 0x40000000 (as a PV guest sees them), the host's else
 * with the "hypervisor present" bit. */
static void cpuid_xen(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint32_t leaf = (uint32_t)r->rax, out[4] = { 0 };

	if (leaf == XEN_CPUID_LEAF(0)) {
		out[0] = XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES);
		out[1] = XEN_CPUID_SIGNATURE_EBX;
		out[2] = XEN_CPUID_SIGNATURE_ECX;
		out[3] = XEN_CPUID_SIGNATURE_EDX;
	} else if (leaf == XEN_CPUID_LEAF(1)) {
		out[0] = v->sb->boot.xen_version;
	} else if (leaf == XEN_CPUID_LEAF(2)) {
		out[0] = 1;
		out[1] = XEN_CPUID_HYPERCALL_MSR;
		out[2] = XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD;
	} else if (leaf < XEN_CPUID_FIRST_LEAF || leaf > XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES)) {
		cpuid_host(leaf, (uint32_t)r->rcx, out);
		if (leaf == 1)
			out[2] |= 1u << 31;
	}
	r->rax = out[0];
	r->rbx = out[1];
	r->rcx = out[2];
	r->rdx = out[3];
	r->rip += sizeof(forced_cpuid);
}

/* ---- privileged instructions -------------------------------------------- */

/* I/O port access: the virtual IOPL (kernel mode counts as ring 1, as on
 * Xen) or the guest's I/O bitmap must allow it. A domU owns no ports, so
 * reads give all ones and writes go nowhere. */
static int io_allowed(struct pv_vcpu *v, unsigned port, unsigned size)
{
	struct pv_cpu *c = &v->cpu;

	if (c->iopl >= 1)
		return 1;
	for (unsigned p = port; p < port + size; p++) {
		uint8_t byte;

		if (p >= c->iobitmap_ports ||
		    aspace_read(v->sb, c->iobitmap + p / 8, &byte, 1) < 0 || (byte >> (p % 8)) & 1)
			return 0;
	}
	return 1;
}

static int emulate_io(struct pv_vcpu *v, const struct insn *i)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	unsigned size = (i->op & 1) ? (i->opsize16 ? 2 : 4) : 1;
	unsigned port = (i->op & 8) ? (uint16_t)r->rdx : i->b[i->len - 1];

	if (!io_allowed(v, port, size))
		return -1;
	if (!(i->op & 2))                   /* in */
		gpr_set(r, 0, ~0ull, size == 4 ? 4 : size);
	r->rip += i->len;
	return 0;
}

static int emulate_rdmsr(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint64_t val;

	switch ((uint32_t)r->rcx) {
	case MSR_FS_BASE:
		__asm__ volatile("rdfsbase %0" : "=r"(val));
		break;
	case MSR_GS_BASE:
		val = v->cpu.gs_kernel;
		if (v->sb->gs_free)
			__asm__ volatile("rdgsbase %0" : "=r"(val));
		break;
	case MSR_SHADOW_GS_BASE:
		val = v->cpu.gs_user;
		break;
	case MSR_EFER:
		val = EFER_PV;
		break;
	case MSR_TSC:
		val = __builtin_ia32_rdtsc();
		break;
	default:
		return -1;
	}
	r->rax = (uint32_t)val;
	r->rdx = val >> 32;
	return 0;
}

static int emulate_wrmsr(struct pv_vcpu *v)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint64_t val = (r->rdx << 32) | (uint32_t)r->rax;

	switch ((uint32_t)r->rcx) {
	case MSR_FS_BASE:
		if (val >= PV_GUEST_VA_TOP)
			return -1;
		__asm__ volatile("wrfsbase %0" : : "r"(val));
		return 0;
	case MSR_GS_BASE:
		if ((uint64_t)((int64_t)(val << 16) >> 16) != val)
			return -1;
		desc_gs_kernel_set(v, val);
		return 0;
	case MSR_SHADOW_GS_BASE:
		v->cpu.gs_user = val;
		return 0;
	default:
		return -1;
	}
}

static int emulate_cr(struct pv_vcpu *v, const struct insn *i)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	unsigned cr = i->reg & 7;
	uint64_t val;

	if (i->op == 0x0f20) {
		if (cr == 0)
			val = CR0_PV | (v->cpu.ts ? CR0_TS : 0);
		else if (cr == 2)
			val = v->vi->arch.cr2;
		else if (cr == 3)
			val = v->sb->as.cr3 << 12;
		else if (cr == 4)
			val = CR4_PV;
		else
			return -1;
		*gpr(r, i->rm) = val;
		return 0;
	}
	val = *gpr(r, i->rm);
	if (cr == 0 && (val & ~CR0_TS) == CR0_PV) {
		v->cpu.ts = (val & CR0_TS) != 0;
		return 0;
	}
	if (cr == 3)
		return aspace_new_baseptr(v->sb, val >> 12) == 0 ? 0 : -1;
	return -1;
}

/* mov to %ds/%es/%fs/%gs/%ss: Xen's flat selectors (and null) are what the
 * host's flat segments already give; fs/gs get base 0 as a load would. */
static int emulate_sreg(struct pv_vcpu *v, const struct insn *i)
{
	uint16_t sel = (uint16_t)*gpr(&v->regs, i->rm);
	unsigned sreg = i->reg & 7;

	if (i->mod != 3 || sreg == 1 || sreg > 5)
		return -1;
	if (sel != 0 && sel != FLAT_RING3_DS32)
		return -1;
	if (sreg == 4)
		__asm__ volatile("wrfsbase %0" : : "r"(0ull));
	else if (sreg == 5)
		v->cpu.gs_user = 0;
	return 0;
}

static int emulate_privileged(struct pv_vcpu *v, const struct insn *i)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	int rc = 0;

	switch (i->op) {
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
	case 0xec: case 0xed: case 0xee: case 0xef:
		return emulate_io(v, i);
	case 0xfa: case 0xfb:               /* cli / sti: the event mask */
		if (v->cpu.iopl < 1)
			return -1;
		v->vi->evtchn_upcall_mask = i->op == 0xfa;
		break;
	case 0xf4:                          /* hlt: give the CPU away */
		sys3(NR_sched_yield, 0, 0, 0);
		break;
	case 0x0f06:                        /* clts */
		v->cpu.ts = 0;
		break;
	case 0x0f09:                        /* wbinvd: no cache-flush rights */
		break;
	case 0x0f30:
		rc = emulate_wrmsr(v);
		break;
	case 0x0f32:
		rc = emulate_rdmsr(v);
		break;
	case 0x0f20: case 0x0f22:
		rc = emulate_cr(v, i);
		break;
	case 0x8e:
		rc = emulate_sreg(v, i);
		break;
	default:
		return -1;
	}
	if (rc == 0)
		r->rip += i->len;
	return rc;
}

/* ---- M2P reads ------------------------------------------------------------ */

static int emulate_m2p(struct pv_vcpu *v, const struct insn *i, uint64_t addr)
{
	uint64_t val = 0;
	unsigned size = opsize(i);

	if (i->op != 0x8b || i->mod == 3 || aspace_m2p_read(v->sb, addr, (uint8_t *)&val, size))
		return -1;
	gpr_set(&v->regs, i->reg, val, size);
	v->regs.rip += i->len;
	return 0;
}

/* ---- writable page tables -------------------------------------------------- */

#define FL_CF 0x1ull
#define FL_PF 0x4ull
#define FL_AF 0x10ull
#define FL_ZF 0x40ull
#define FL_SF 0x80ull
#define FL_OF 0x800ull

/* The arithmetic flags of `cmp b, a` (a - b), as cmpxchg sets them. */
static uint64_t cmp_flags(uint64_t a, uint64_t b)
{
	uint64_t d = a - b, f = 0;

	f |= a < b ? FL_CF : 0;
	f |= __builtin_parityll(d & 0xff) ? 0 : FL_PF;
	f |= ((a ^ b ^ d) & 0x10) ? FL_AF : 0;
	f |= d == 0 ? FL_ZF : 0;
	f |= (d >> 63) ? FL_SF : 0;
	f |= (((a ^ b) & (a ^ d)) >> 63) ? FL_OF : 0;
	return f;
}

/* `lock cmpxchg %r, m` (8 bytes) and `lock cmpxchg8b m`: compare the
 * entry with rax (edx:eax), store the new value only if they match, else
 * load the entry, and set the flags as the CPU does. 0, or -1 (not one of
 * them, or refused). */
static int emulate_ptwr_cmpxchg(struct pv_vcpu *v, const struct insn *i, uint64_t addr)
{
	struct privcmd_vcpu_regs *r = &v->regs;
	uint64_t expect, val, old = 0;
	int eight_b = i->op == 0x0fc7;

	if (eight_b) {        /* 0f c7 /1 without REX.W: edx:eax vs m64 */
		if ((i->reg & 7) != 1 || (i->rex & 8))
			return -1;
		expect = (r->rdx << 32) | (uint32_t)r->rax;
		val = (r->rcx << 32) | (uint32_t)r->rbx;
	} else {
		if (opsize(i) != 8)
			return -1;
		expect = r->rax;
		val = *gpr(r, i->reg);
	}
	if (aspace_ptwr(v->sb, addr, val, &expect, &old) < 0)
		return -1;
	if (eight_b) {
		r->rflags = (r->rflags & ~FL_ZF) | (old == expect ? FL_ZF : 0);
		if (old != expect) {
			r->rax = (uint32_t)old;
			r->rdx = old >> 32;
		}
	} else {
		r->rflags = (r->rflags & ~(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)) |
			    cmp_flags(expect, old);
		if (old != expect)
			r->rax = old;
	}
	r->rip += i->len;
	return 0;
}

/* A kernel's direct write of a page-table entry (vm_assist
 * writable_pagetables): the 8-byte stores Linux and XTF use for PTEs, `mov
 * %r, m`, `mov $imm32, m`, `xchg %r, m`, and `cmpxchg` / `cmpxchg8b`
 * (with or without lock: one vCPU's write is atomic against the others,
 * which take the same lock). Anything else stays a #PF. */
static int emulate_ptwr(struct pv_vcpu *v, const struct insn *i, uint64_t addr)
{
	uint64_t val, old = 0;
	int32_t imm;

	if (i->mod == 3)
		return -1;
	if (i->op == 0x0fb1 || i->op == 0x0fc7)
		return emulate_ptwr_cmpxchg(v, i, addr);
	if (opsize(i) != 8)
		return -1;
	if (i->op == 0x89 || i->op == 0x87) {
		val = *gpr(&v->regs, i->reg);
	} else if (i->op == 0xc7 && (i->reg & 7) == 0) {
		memcpy(&imm, &i->b[i->len - 4], 4);
		val = (uint64_t)(int64_t)imm;
	} else {
		return -1;
	}
	if (aspace_ptwr(v->sb, addr, val, NULL, &old) < 0)
		return -1;
	if (i->op == 0x87)
		gpr_set(&v->regs, i->reg, old, 8);
	v->regs.rip += i->len;
	return 0;
}

/* ---- entry ------------------------------------------------------------------ */

int emulate_fault(struct pv_vcpu *v, struct emu_fault *f)
{
	struct insn i;

	if (insn_fetch(v, &i) < 0)
		return 0;
	if (f->vec == 6 && is_forced_cpuid(&i)) {
		cpuid_xen(v);
		return 1;
	}
	if (insn_decode(&i) < 0)
		return 0;
	if (f->vec == 14 && f->cr2 >= PV_M2P_BASE)
		return emulate_m2p(v, &i, f->cr2) == 0;
	if (f->vec == 14 && (f->err & 2))
		return emulate_ptwr(v, &i, f->cr2) == 0;
	if (f->vec != 13)
		return 0;
	if ((f->err & 3) == 2 && i.op == 0xcd) {
		/* int n: allowed if the trap table's DPL admits kernel mode
		 * (Xen counts it as ring 1); else the #GP stands. */
		unsigned n = (unsigned)(f->err >> 3);
		const struct trap_info *t = n < PV_MAX_TRAPS ? &v->sb->traps[n] : NULL;

		if (!t || !t->address || (t->flags & 3) < 1)
			return 0;
		v->regs.rip += i.len;
		f->vec = n;
		f->software = 1;
		return 0;
	}
	return emulate_privileged(v, &i) == 0;
}
