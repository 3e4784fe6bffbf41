/* The local APIC (xAPIC, MMIO at 0xfee00000), one per vCPU: ID, TPR/PPR,
 * EOI (level-triggered vectors are passed on to the IOAPIC), logical
 * destinations (flat and cluster), spurious vector register, the LVTs, the
 * timer (one-shot and periodic, 1 GHz bus clock as Xen's), IPIs with
 * shorthands, INIT and SIPI. Registers are kept by offset >> 4. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#define R_ID     0x02
#define R_VER    0x03
#define R_TPR    0x08
#define R_PPR    0x0a
#define R_EOI    0x0b
#define R_LDR    0x0d
#define R_DFR    0x0e
#define R_SVR    0x0f
#define R_ISR    0x10
#define R_TMR    0x18
#define R_IRR    0x20
#define R_ESR    0x28
#define R_ICR_LO 0x30
#define R_ICR_HI 0x31
#define R_LVT_TIMER 0x32
#define R_LVT_LINT0 0x35
#define R_LVT_ERROR 0x37
#define R_TIMER_INIT 0x38
#define R_TIMER_CUR  0x39
#define R_TIMER_DIV  0x3e

#define LVT_MASKED  (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLED (1u << 8)
#define VERSION     0x00050014u   /* 6 LVT entries, version 0x14 */
#define MODE_FIXED_ 0

static bool test_bit(const uint32_t *map, unsigned v)
{
	return map[v >> 5] & (1u << (v & 31));
}

static void set_bit_(uint32_t *map, unsigned v, bool on)
{
	if (on)
		map[v >> 5] |= 1u << (v & 31);
	else
		map[v >> 5] &= ~(1u << (v & 31));
}

static int highest(const uint32_t *map)
{
	for (int i = 7; i >= 0; i--)
		if (map[i])
			return i * 32 + 31 - __builtin_clz(map[i]);
	return -1;
}

static bool sw_enabled(const struct lapic *a)
{
	return a->regs[R_SVR] & SVR_ENABLED;
}

static uint32_t ppr(const struct lapic *a)
{
	int isr = highest(a->isr);
	uint32_t tpr = a->regs[R_TPR] & 0xff;

	return isr >= 0 && (uint32_t)(isr & 0xf0) > (tpr & 0xf0) ? (uint32_t)isr & 0xf0 : tpr;
}

/* The vector the CPU would take now, or -1. */
static int deliverable(const struct lapic *a)
{
	int irr = highest(a->irr);

	if (irr < 0 || (uint32_t)(irr & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return irr;
}

bool lapic_ack_pending(struct hvm_vcpu *v)
{
	return deliverable(&v->apic) >= 0;
}

static void lapic_update(struct hvm_vcpu *v)
{
	if (deliverable(&v->apic) >= 0 || (lapic_takes_pic(v) && pic_output(v->h))) {
		cpu_intr_request(v->cpu);
		hvm_wake(v);
	}
}

void lapic_accept(struct hvm_vcpu *v, uint32_t mode, uint8_t vector, bool level)
{
	struct lapic *a = &v->apic;

	if (vector < 16) {
		a->regs[R_ESR] |= 0x40;     /* illegal vector received */
		return;
	}
	set_bit_(a->irr, vector, true);
	set_bit_(a->tmr, vector, level);
	lapic_update(v);
}

int lapic_ack(struct hvm_vcpu *v)
{
	struct lapic *a = &v->apic;
	int vec = deliverable(a);

	if (vec < 0)
		return -1;
	set_bit_(a->irr, (unsigned)vec, false);
	set_bit_(a->isr, (unsigned)vec, true);
	return vec;
}

bool lapic_takes_pic(struct hvm_vcpu *v)
{
	const struct lapic *a = &v->apic;
	uint32_t lint0 = a->regs[R_LVT_LINT0];

	if (v->id != 0)
		return false;
	return !sw_enabled(a) || (!(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == 7);
}

bool lapic_match(struct hvm_vcpu *v, uint32_t dest, bool logical)
{
	const struct lapic *a = &v->apic;
	uint32_t ldr = a->regs[R_LDR] >> 24;

	if (!logical)
		return dest == 0xff || dest == a->id;
	if ((a->regs[R_DFR] >> 28) == 0xf)          /* flat */
		return (ldr & dest) != 0;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);  /* cluster */
}

static void eoi(struct hvm_vcpu *v)
{
	struct lapic *a = &v->apic;
	int vec = highest(a->isr);

	if (vec < 0)
		return;
	set_bit_(a->isr, (unsigned)vec, false);
	if (test_bit(a->tmr, (unsigned)vec)) {
		pvhvm_eoi(v->h);    /* a GSI callback the guest served goes down first */
		ioapic_eoi(v->h, (uint8_t)vec);
	}
	lapic_update(v);
}

static uint64_t timer_divisor(const struct lapic *a)
{
	uint32_t d = a->regs[R_TIMER_DIV];
	uint32_t val = (d & 3) | ((d >> 1) & 4);

	return val == 7 ? 1 : 2ull << val;
}

static uint64_t timer_period(const struct lapic *a)
{
	return (uint64_t)a->timer_initial * timer_divisor(a);
}

static uint32_t timer_current(const struct lapic *a, uint64_t now)
{
	uint64_t period = timer_period(a), elapsed;

	if (!a->timer_deadline_ns || !period)
		return 0;
	elapsed = now - a->timer_start_ns;
	if (a->regs[R_LVT_TIMER] & LVT_PERIODIC)
		elapsed %= period;
	else if (elapsed >= period)
		return 0;
	return (uint32_t)((period - elapsed) / timer_divisor(a));
}

uint64_t lapic_tick(struct hvm_vcpu *v, uint64_t now)
{
	struct lapic *a = &v->apic;
	uint32_t lvt = a->regs[R_LVT_TIMER];
	uint64_t period = timer_period(a);

	if (!a->timer_deadline_ns || now < a->timer_deadline_ns)
		return a->timer_deadline_ns;
	if (!(lvt & LVT_MASKED))
		lapic_accept(v, MODE_FIXED_, (uint8_t)lvt, false);
	if ((lvt & LVT_PERIODIC) && period) {
		/* the next period after now; missed ones are dropped */
		uint64_t k = (now - a->timer_start_ns) / period + 1;

		a->timer_deadline_ns = a->timer_start_ns + k * period;
	} else {
		a->timer_deadline_ns = 0;
	}
	return a->timer_deadline_ns;
}

/* INIT to vCPU `t` (lock held): its thread resets it at its next look. */
void lapic_init_ipi(struct hvm_vcpu *t)
{
	atomic_store(&t->init_pending, true);
	cpu_kick(t->cpu);
	hvm_wake(t);
}

/* SIPI (lock held): only an AP waiting for it, or with an INIT on its way,
 * keeps it; one that runs ignores it, so a later INIT cannot find a stale
 * vector (Linux sends two SIPIs, the AP may already run at the second). */
static void lapic_sipi(struct hvm_vcpu *t, uint8_t vector)
{
	if (!atomic_load(&t->init_pending) && atomic_load(&t->state) != VCPU_WAIT_SIPI)
		return;
	atomic_store(&t->sipi_vector, vector);
	hvm_wake(t);
}

/* An IPI from this LAPIC (ICR low written). */
static void ipi(struct hvm_vcpu *v, uint32_t lo)
{
	struct hvm *h = v->h;
	uint32_t mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3;
	uint32_t dest = v->apic.regs[R_ICR_HI] >> 24;

	for (uint32_t i = 0; i < h->boot.max_vcpus; i++) {
		struct hvm_vcpu *t = &h->vcpus[i];
		bool hit = shorthand == 1 ? t == v : shorthand == 2 ? true :
			   shorthand == 3 ? t != v : lapic_match(t, dest, lo & (1u << 11));

		if (!hit)
			continue;
		switch (mode) {
		case 0:
		case 1:
			lapic_accept(t, mode, (uint8_t)lo, false);
			break;
		case 5:   /* INIT; the level de-assert form does nothing */
			if ((lo & (1u << 14)) || !(lo & (1u << 15)))
				lapic_init_ipi(t);
			break;
		case 6:
			lapic_sipi(t, (uint8_t)lo);
			break;
		default:  /* SMI, NMI: not modelled */
			break;
		}
	}
}

uint32_t lapic_read(struct hvm_vcpu *v, uint32_t off)
{
	struct lapic *a = &v->apic;
	uint32_t r = off >> 4;

	if (off >= 0x400)
		return 0;
	switch (r) {
	case R_ID:
		return a->id << 24;
	case R_VER:
		return VERSION;
	case R_PPR:
		return ppr(a);
	case R_TIMER_CUR:
		return timer_current(a, hvm_now());
	default:
		if (r >= R_ISR && r < R_ISR + 8)
			return a->isr[r - R_ISR];
		if (r >= R_TMR && r < R_TMR + 8)
			return a->tmr[r - R_TMR];
		if (r >= R_IRR && r < R_IRR + 8)
			return a->irr[r - R_IRR];
		return a->regs[r];
	}
}

static void lvt_write(struct lapic *a, uint32_t r, uint32_t val)
{
	if (!sw_enabled(a))
		val |= LVT_MASKED;    /* a disabled APIC keeps its LVTs masked */
	a->regs[r] = val;
}

void lapic_write(struct hvm_vcpu *v, uint32_t off, uint32_t val)
{
	struct lapic *a = &v->apic;
	uint32_t r = off >> 4;

	if (off >= 0x400)
		return;
	switch (r) {
	case R_ID:
		a->id = val >> 24;
		break;
	case R_TPR:
		a->regs[R_TPR] = val & 0xff;
		lapic_update(v);
		break;
	case R_EOI:
		eoi(v);
		break;
	case R_LDR:
		a->regs[R_LDR] = val & 0xff000000u;
		break;
	case R_DFR:
		a->regs[R_DFR] = val | 0x0fffffffu;
		break;
	case R_SVR:
		a->regs[R_SVR] = val & 0x3ff;
		if (!sw_enabled(a))
			for (uint32_t l = R_LVT_TIMER; l <= R_LVT_ERROR; l++)
				a->regs[l] |= LVT_MASKED;
		lapic_update(v);
		break;
	case R_ESR:
		a->regs[R_ESR] = 0;
		break;
	case R_ICR_LO:
		a->regs[R_ICR_LO] = val & ~(1u << 12);
		ipi(v, val);
		break;
	case R_ICR_HI:
		a->regs[R_ICR_HI] = val & 0xff000000u;
		break;
	case R_TIMER_INIT:
		a->timer_initial = val;
		a->regs[R_TIMER_INIT] = val;
		a->timer_start_ns = hvm_now();
		a->timer_deadline_ns = val ? a->timer_start_ns + timer_period(a) : 0;
		hvm_wake(v);          /* a halted vCPU must sleep less */
		break;
	case R_TIMER_DIV:
		a->regs[R_TIMER_DIV] = val & 0xb;
		break;
	default:
		if (r >= R_LVT_TIMER && r <= R_LVT_ERROR)
			lvt_write(a, r, val);
		break;
	}
}

void lapic_init(struct hvm_vcpu *v)
{
	struct lapic *a = &v->apic;

	*a = (struct lapic){ .id = v->id, .hw_enabled = true };
	a->regs[R_SVR] = 0xff;
	a->regs[R_DFR] = 0xffffffffu;
	for (uint32_t l = R_LVT_TIMER; l <= R_LVT_ERROR; l++)
		a->regs[l] = LVT_MASKED;
}
