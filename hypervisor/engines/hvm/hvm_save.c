/* The hvm context blob (hvm_save.h): writing sections and vetting a blob
 * that came from a file. Linked into vmhv (which checks a blob before it
 * accepts it for a domain) and into the sandbox (which checks it again
 * before it loads it: it trusts nobody either). */
#include "hypervisor/engines/hvm/hvm_save.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define PAD8(n) (((n) + 7u) & ~7u)

int hvm_save_put(void *buf, size_t cap, size_t *len, uint16_t type, uint32_t instance,
		 const void *body, uint32_t body_len)
{
	struct hvm_save_sec s = { .type = type, .version = 1, .instance = instance,
				  .len = body_len };
	size_t need = sizeof(s) + PAD8(body_len);

	if (*len > cap || need > cap - *len)
		return -E2BIG;
	memcpy((char *)buf + *len, &s, sizeof(s));
	memcpy((char *)buf + *len + sizeof(s), body, body_len);
	memset((char *)buf + *len + sizeof(s) + body_len, 0, PAD8(body_len) - body_len);
	*len += need;
	return 0;
}

/* The body size each type must have, and how many instances it may have. */
static const struct {
	uint32_t size;            /* 0: variable (XENMAP) */
	uint32_t instances;       /* 0: one per vCPU */
} sec_shape[HVM_SEC_MAX] = {
	[HVM_SEC_PLATFORM] = { sizeof(struct hvm_save_platform), 1 },
	[HVM_SEC_CPU] = { sizeof(struct hvm_save_cpu), 0 },
	[HVM_SEC_LAPIC] = { sizeof(struct hvm_save_lapic), 0 },
	[HVM_SEC_IOAPIC] = { sizeof(struct hvm_save_ioapic), 1 },
	[HVM_SEC_PIC] = { sizeof(struct hvm_save_pic), 2 },
	[HVM_SEC_PIT] = { sizeof(struct hvm_save_pit), 3 },
	[HVM_SEC_RTC] = { sizeof(struct hvm_save_rtc), 1 },
	[HVM_SEC_XENMAP] = { 0, 1 },
	[HVM_SEC_VCPUINFO] = { sizeof(struct hvm_save_vcpuinfo), 0 },
};

static int bad(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

/* A vCPU's architectural state as Xen's HVM context load checks it
 * (hvm_load_cpu_ctxt, hvm_efer_valid, the segment checks of
 * arch_set_info_hvm_guest): values no CPU could be in are refused here,
 * at HVM_CONTEXT_SET, with a reason, instead of reaching the soft CPU.
 * The bits allowed are those the soft CPU lets a guest set (ops_system.c,
 * msr.c). */
#define CR0_PE 0x1ull
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR4_PAE 0x20ull
#define CR4_OK 0x7ffull           /* VME..PCE, OSFXSR, OSXMMEXCPT */
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull
#define EFER_OK (0x1ull | EFER_LME | EFER_LMA | 0x800ull)   /* SCE LME LMA NXE */
#define RFLAGS_RESERVED (~0x3f7fd7ull) /* 63:22, 15, 5, 3 */
#define RFLAGS_VM (1ull << 17)
#define SEG_P 0x80u
#define SEG_S 0x10u
#define SEG_CODE 0x8u
#define SEG_L 0x2000u
#define SEG_DB 0x4000u

static bool canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

static int cpu_regs_check(const struct hvm_save_cpu *c, const char **why)
{
	bool lma = c->efer & EFER_LMA;

	if ((c->cr0 >> 32) || ((c->cr0 & CR0_PG) && !(c->cr0 & CR0_PE)) ||
	    ((c->cr0 & CR0_NW) && !(c->cr0 & CR0_CD)))
		return bad(why, "a vCPU's CR0 is invalid");
	if (c->cr4 & ~CR4_OK)
		return bad(why, "a vCPU's CR4 has a reserved bit set");
	if ((c->cr3 >> 52) || c->cr8 > 15)
		return bad(why, "a vCPU's CR3 or CR8 has a reserved bit set");
	if ((c->efer & ~EFER_OK) || lma != ((c->efer & EFER_LME) && (c->cr0 & CR0_PG)) ||
	    (lma && !(c->cr4 & CR4_PAE)))
		return bad(why, "a vCPU's EFER is invalid or disagrees with CR0 and CR4");
	if ((c->rflags & RFLAGS_RESERVED) || (lma && (c->rflags & RFLAGS_VM)))
		return bad(why, "a vCPU's RFLAGS has a reserved bit wrong");
	if (c->mxcsr & 0xffff0000u)
		return bad(why, "a vCPU's MXCSR has a reserved bit set");
	if ((c->apic_base & 0x2ffull) || (c->apic_base >> 52))
		return bad(why, "a vCPU's APIC base has a reserved bit set");
	if (!canonical(c->gdtr_base) || !canonical(c->idtr_base) || !canonical(c->rip) ||
	    !canonical(c->seg[4].base) || !canonical(c->seg[5].base) ||
	    !canonical(c->seg[6].base) || !canonical(c->seg[7].base) ||
	    !canonical(c->kernel_gs_base) || !canonical(c->lstar) || !canonical(c->cstar))
		return bad(why, "a vCPU has a non-canonical address");
	return 0;
}

/* Segments in protected mode (not virtual-8086): CS a present code
 * segment (64-bit code: not also D), SS a writable data segment, the
 * data registers data or readable code, LDTR and TR system segments, each
 * unless not present (unusable). The DPLs are not compared with the CPL:
 * right after CR0.PE is set the caches still hold real mode's. */
static int cpu_segs_check(const struct hvm_save_cpu *c, const char **why)
{
	const struct hvm_save_seg *cs = &c->seg[1], *ss = &c->seg[2];

	if (!(c->cr0 & CR0_PE) || (c->rflags & RFLAGS_VM))
		return 0;
	if ((cs->attr & (SEG_P | SEG_S | SEG_CODE)) != (SEG_P | SEG_S | SEG_CODE) ||
	    ((cs->attr & SEG_L) && (cs->attr & SEG_DB)))
		return bad(why, "a vCPU's CS is not a present code segment");
	if ((ss->attr & SEG_P) && (ss->attr & (SEG_S | SEG_CODE | 0x2)) != (SEG_S | 0x2))
		return bad(why, "a vCPU's SS is not a writable data segment");
	for (int i = 0; i < 6; i++) {
		uint16_t a = c->seg[i].attr;

		if (i != 1 && i != 2 && (a & SEG_P) &&
		    (!(a & SEG_S) || (a & (SEG_CODE | 0x2)) == SEG_CODE))
			return bad(why, "a vCPU's data segment register holds no data segment");
	}
	if (((c->seg[6].attr & SEG_P) && (c->seg[6].attr & SEG_S)) ||
	    ((c->seg[7].attr & SEG_P) && (c->seg[7].attr & SEG_S)))
		return bad(why, "a vCPU's LDTR or TR is not a system segment");
	return 0;
}

/* The values of a section that index something or must be one of a few. */
static int body_check(uint16_t type, const void *p, uint32_t len, const char **why)
{
	const struct hvm_save_cpu *c = p;
	const struct hvm_save_pic *pic = p;
	const struct hvm_save_pit *pit = p;
	const struct hvm_save_rtc *rtc = p;
	const struct hvm_save_xenmap *xm = p;

	switch (type) {
	case HVM_SEC_CPU:
		if (c->replay_done > 4 || (c->flags & ~HVM_CPU_FLAGS) || c->cpl > 3)
			return bad(why, "a vCPU's state is out of range");
		return cpu_regs_check(c, why) < 0 ? -EINVAL : cpu_segs_check(c, why);
	case HVM_SEC_PIC:
		if (pic->init_step > 3 || pic->priority_add > 7)
			return bad(why, "a PIC's state is out of range");
		return 0;
	case HVM_SEC_PIT:
		if (pit->mode > 5 || pit->rw > 3 || pit->write_state > 1 || pit->read_state > 1)
			return bad(why, "a PIT channel's state is out of range");
		return 0;
	case HVM_SEC_RTC:
		return rtc->index < 128 ? 0 : bad(why, "the RTC index is out of range");
	case HVM_SEC_XENMAP:
		if (len < sizeof(*xm) || xm->nr > 64 || len != sizeof(*xm) + xm->nr * 8ull)
			return bad(why, "the hypervisor page map has the wrong size");
		return 0;
	default:
		return 0;
	}
}

int hvm_save_check(const void *blob, size_t len, uint32_t max_vcpus,
		   struct hvm_save_view *view, const char **why)
{
	const struct hvm_save_hdr *h = blob;
	size_t off = sizeof(*h);

	memset(view, 0, sizeof(*view));
	if (len < sizeof(*h) || len > HVM_SAVE_MAX)
		return bad(why, "the hvm context has an impossible size");
	if (h->magic != HVM_SAVE_MAGIC || h->version != HVM_SAVE_VERSION)
		return bad(why, "the hvm context has an unknown magic or version");
	if (h->len != len || h->nr_vcpus < 1 || h->nr_vcpus > max_vcpus || h->nr_vcpus > 32)
		return bad(why, "the hvm context's header does not match the domain");
	while (off < len) {
		struct hvm_save_sec s;
		const char *body;

		if (len - off < sizeof(s))
			return bad(why, "a section header is cut short");
		memcpy(&s, (const char *)blob + off, sizeof(s));
		body = (const char *)blob + off + sizeof(s);
		if (s.type == 0 || s.type >= HVM_SEC_MAX || s.version != 1)
			return bad(why, "a section of an unknown type or version");
		if (PAD8((uint64_t)s.len) > len - off - sizeof(s))
			return bad(why, "a section runs past the end");
		if (sec_shape[s.type].size && s.len != sec_shape[s.type].size)
			return bad(why, "a section has the wrong size");
		if (s.instance >= (sec_shape[s.type].instances ? sec_shape[s.type].instances
							      : h->nr_vcpus))
			return bad(why, "a section's instance is out of range");
		if (view->sec[s.type][s.instance])
			return bad(why, "a section comes twice");
		if (((uintptr_t)body & 7) != 0)
			return bad(why, "a section is misaligned");
		if (body_check(s.type, body, s.len, why) < 0)
			return -EINVAL;
		view->sec[s.type][s.instance] = body;
		off += sizeof(s) + PAD8(s.len);
	}
	if (!view->sec[HVM_SEC_PLATFORM][0])
		return bad(why, "the hvm context has no platform section");
	for (uint32_t v = 0; v < h->nr_vcpus; v++)
		if (!view->sec[HVM_SEC_CPU][v] || !view->sec[HVM_SEC_LAPIC][v])
			return bad(why, "the hvm context misses a vCPU");
	view->hdr = h;
	return 0;
}
