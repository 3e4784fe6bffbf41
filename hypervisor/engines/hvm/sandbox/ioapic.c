/* The IOAPIC at 0xfec00000: 24 pins, redirection entries (vector,
 * delivery mode, logical/physical destination, edge/level with remote IRR,
 * mask), EOI from the LAPICs for level-triggered pins. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#define IOAPIC_PINS 24
#define RTE_MASKED   (1ull << 16)
#define RTE_LEVEL    (1ull << 15)
#define RTE_REMOTE   (1ull << 14)
#define RTE_LOGICAL  (1ull << 11)
#define RTE_RO_BITS  (RTE_REMOTE | (1ull << 12))

static void pin_deliver(struct hvm *h, unsigned pin)
{
	uint64_t e = h->ioapic.redir[pin];

	if (e & RTE_MASKED)
		return;
	if (e & RTE_LEVEL) {
		if (e & RTE_REMOTE)
			return;         /* the last one is not EOIed yet */
		h->ioapic.redir[pin] |= RTE_REMOTE;
	}
	irq_deliver(h, (uint32_t)(e >> 56), e & RTE_LOGICAL, (uint32_t)(e >> 8) & 7,
		    (uint8_t)e, e & RTE_LEVEL);
}

void ioapic_set_irq(struct hvm *h, unsigned pin, bool level)
{
	struct ioapic *a = &h->ioapic;
	uint32_t bit = 1u << pin;
	bool was = a->lines & bit;

	if (pin >= IOAPIC_PINS)
		return;
	a->lines = level ? a->lines | bit : a->lines & ~bit;
	if (level && ((a->redir[pin] & RTE_LEVEL) || !was))
		pin_deliver(h, pin);
}

void ioapic_eoi(struct hvm *h, uint8_t vector)
{
	struct ioapic *a = &h->ioapic;

	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t e = a->redir[pin];

		if ((uint8_t)e != vector || !(e & RTE_LEVEL) || !(e & RTE_REMOTE))
			continue;
		a->redir[pin] &= ~RTE_REMOTE;
		if (a->lines & (1u << pin))
			pin_deliver(h, pin);
	}
}

static uint32_t reg_read(struct ioapic *a, uint32_t idx)
{
	if (idx == 0)
		return a->id << 24;
	if (idx == 1)
		return 0x11 | ((IOAPIC_PINS - 1) << 16);
	if (idx == 2)
		return a->id << 24;
	if (idx >= 0x10 && idx < 0x10 + 2 * IOAPIC_PINS) {
		uint64_t e = a->redir[(idx - 0x10) / 2];

		return idx & 1 ? (uint32_t)(e >> 32) : (uint32_t)e;
	}
	return 0xffffffff;
}

static void reg_write(struct hvm *h, uint32_t idx, uint32_t val)
{
	struct ioapic *a = &h->ioapic;
	unsigned pin;
	uint64_t *e;

	if (idx == 0) {
		a->id = (val >> 24) & 0xf;
		return;
	}
	if (idx < 0x10 || idx >= 0x10 + 2 * IOAPIC_PINS)
		return;
	pin = (idx - 0x10) / 2;
	e = &a->redir[pin];
	if (idx & 1)
		*e = (*e & 0xffffffffull) | ((uint64_t)val << 32);
	else
		*e = (*e & (0xffffffff00000000ull | RTE_RO_BITS)) | (val & ~(uint32_t)RTE_RO_BITS);
	if (!(*e & RTE_LEVEL))
		*e &= ~RTE_REMOTE;
	/* Unmasking a level pin that is asserted delivers it now. */
	if ((*e & RTE_LEVEL) && (a->lines & (1u << pin)))
		pin_deliver(h, pin);
}

uint32_t ioapic_read(struct hvm *h, uint64_t off)
{
	if (off == 0)
		return h->ioapic.index;
	if (off == 0x10)
		return reg_read(&h->ioapic, h->ioapic.index);
	return 0xffffffff;
}

void ioapic_write(struct hvm *h, uint64_t off, uint32_t val)
{
	if (off == 0)
		h->ioapic.index = val & 0xff;
	else if (off == 0x10)
		reg_write(h, h->ioapic.index, val);
	else if (off == 0x40)
		ioapic_eoi(h, (uint8_t)val);
}

void ioapic_init(struct hvm *h)
{
	h->ioapic.id = (uint32_t)h->boot.max_vcpus;  /* after the LAPIC ids */
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		h->ioapic.redir[pin] = RTE_MASKED;
}
