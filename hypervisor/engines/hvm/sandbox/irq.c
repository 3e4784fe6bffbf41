/* Interrupt lines and their routes: an ISA IRQ goes to the PIC and to the
 * IOAPIC (IRQ 0 on pin 2, as the MP/ACPI override says), a GSI to the
 * IOAPIC only; the IOAPIC and MSIs reach LAPICs by destination; the PIC
 * reaches vCPU 0 through LINT0 in ExtINT mode (or directly while its LAPIC
 * is disabled). irq_inta() is the CPU's interrupt acknowledge. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#define MODE_FIXED  0
#define MODE_LOWEST 1
#define MODE_INIT   5

static bool src_update(uint8_t *mask, enum irq_src src, bool level)
{
	if (level)
		*mask |= (uint8_t)(1u << src);
	else
		*mask &= (uint8_t)~(1u << src);
	return *mask != 0;
}

void irq_isa_src(struct hvm *h, unsigned irq, enum irq_src src, bool level)
{
	bool line = src_update(&h->isa_src[irq & 15], src, level);

	pic_set_irq(h, irq, line);
	ioapic_set_irq(h, irq == 0 ? 2 : irq, line);
}

void irq_gsi_src(struct hvm *h, unsigned gsi, enum irq_src src, bool level)
{
	ioapic_set_irq(h, gsi, src_update(&h->gsi_src[gsi % 24], src, level));
}

void irq_isa_set(struct hvm *h, unsigned irq, bool level)
{
	irq_isa_src(h, irq, IRQ_SRC_DEV, level);
}

void irq_gsi_set(struct hvm *h, unsigned gsi, bool level)
{
	irq_gsi_src(h, gsi, IRQ_SRC_DEV, level);
}

void irq_pic_update(struct hvm *h)
{
	struct hvm_vcpu *v = &h->vcpus[0];

	if (v->cpu && lapic_takes_pic(v) && pic_output(h)) {
		cpu_intr_request(v->cpu);
		hvm_wake(v);
	}
}

void irq_deliver(struct hvm *h, uint32_t dest, bool logical, uint32_t mode, uint8_t vector,
		 bool level)
{
	for (uint32_t i = 0; i < h->boot.max_vcpus; i++) {
		struct hvm_vcpu *v = &h->vcpus[i];

		if (!lapic_match(v, dest, logical))
			continue;
		if (mode == MODE_INIT) {
			lapic_init_ipi(v);
			continue;
		}
		if (mode != MODE_FIXED && mode != MODE_LOWEST)
			continue;       /* SMI, NMI, ExtINT through the IOAPIC: not modelled */
		lapic_accept(v, mode, vector, level);
		if (mode == MODE_LOWEST)
			break;          /* the first match takes it */
	}
}

void irq_msi(struct hvm *h, uint64_t addr, uint32_t data)
{
	irq_deliver(h, (uint32_t)(addr >> 12) & 0xff, addr & 4, (data >> 8) & 7, (uint8_t)data,
		    data & 0x8000);
}

int irq_inta(void *opaque, struct cpu *cpu)
{
	struct hvm_vcpu *v = opaque;
	struct hvm *h = v->h;
	int vec;

	pthread_mutex_lock(&h->lock);
	vec = pvhvm_inta(v);         /* Xen's callback vector comes first */
	if (vec < 0)
		vec = lapic_ack(v);
	if (vec < 0 && lapic_takes_pic(v) && pic_output(h))
		vec = pic_ack(h);
	/* More waiting: ask again once this one is taken. */
	if (lapic_ack_pending(v) || (lapic_takes_pic(v) && pic_output(h)))
		cpu_intr_request(cpu);
	pthread_mutex_unlock(&h->lock);
	return vec;
}
