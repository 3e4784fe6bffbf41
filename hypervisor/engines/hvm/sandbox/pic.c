/* The dual 8259A PIC: master at 0x20, slave at 0xa0 cascaded on IR2, and
 * the ELCR (0x4d0/0x4d1) choosing level or edge per line. Initialisation
 * words, masks, EOI (specific, non-specific, rotating), priority rotation,
 * IRR/ISR reads, poll mode, special mask, auto-EOI. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#define ELCR_MASK_MASTER 0xf8 /* IRQ 0-2 are always edge */
#define ELCR_MASK_SLAVE  0xde /* IRQ 8 and 13 too */

/* Priority (0 = highest) of the best line in `bits`, 8 if none. */
static int prio_best(uint8_t bits, uint8_t add)
{
	for (int p = 0; p < 8; p++)
		if (bits & (1u << ((p + add) & 7)))
			return p;
	return 8;
}

/* The line this chip would interrupt with now, or -1. */
static int chip_pending(const struct pic_chip *c)
{
	int want = prio_best(c->irr & ~c->imr, c->priority_add);
	uint8_t busy = c->special_mask ? c->isr & ~c->imr : c->isr;

	if (want == 8 || want >= prio_best(busy, c->priority_add))
		return -1;
	return (want + c->priority_add) & 7;
}

static void chip_line(struct pic_chip *c, unsigned line, bool level)
{
	uint8_t bit = (uint8_t)(1u << line);

	if (c->elcr & bit) {
		c->irr = level ? c->irr | bit : c->irr & ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;   /* rising edge */
	}
	c->lines = level ? c->lines | bit : c->lines & ~bit;
}

/* The slave's output is the master's IR2; then tell the CPU side. */
static void pic_update(struct hvm *h)
{
	chip_line(&h->pic[0], 2, chip_pending(&h->pic[1]) >= 0);
	irq_pic_update(h);
}

void pic_set_irq(struct hvm *h, unsigned irq, bool level)
{
	chip_line(&h->pic[irq >> 3], irq & 7, level);
	pic_update(h);
}

bool pic_output(struct hvm *h)
{
	return chip_pending(&h->pic[0]) >= 0;
}

/* Interrupt acknowledge on one chip: IRR to ISR (unless auto-EOI). */
static void chip_ack(struct pic_chip *c, int line)
{
	uint8_t bit = (uint8_t)(1u << line);

	if (!c->auto_eoi)
		c->isr |= bit;
	if (!(c->elcr & bit))
		c->irr &= ~bit;
}

int pic_ack(struct hvm *h)
{
	struct pic_chip *m = &h->pic[0], *s = &h->pic[1];
	int line = chip_pending(m), vec;

	if (line < 0)
		return m->vector_base | 7;   /* spurious */
	chip_ack(m, line);
	if (line != 2) {
		vec = m->vector_base | line;
	} else {
		int sl = chip_pending(s);

		if (sl < 0) {
			vec = s->vector_base | 7;
		} else {
			chip_ack(s, sl);
			vec = s->vector_base | sl;
		}
	}
	pic_update(h);
	return vec;
}

static void chip_eoi(struct pic_chip *c, uint8_t ocw2)
{
	int line;

	switch (ocw2 >> 5) {
	case 1: /* non-specific */
	case 5: /* rotate on non-specific */
		line = prio_best(c->isr, c->priority_add);
		if (line == 8)
			return;
		line = (line + c->priority_add) & 7;
		c->isr &= ~(1u << line);
		if (ocw2 >> 5 == 5)
			c->priority_add = (uint8_t)((line + 1) & 7);
		break;
	case 3: /* specific */
	case 7: /* rotate on specific */
		c->isr &= ~(1u << (ocw2 & 7));
		if (ocw2 >> 5 == 7)
			c->priority_add = (uint8_t)(((ocw2 & 7) + 1) & 7);
		break;
	case 6: /* set priority */
		c->priority_add = (uint8_t)(((ocw2 & 7) + 1) & 7);
		break;
	default:
		break;
	}
}

static void chip_command(struct pic_chip *c, uint8_t val)
{
	if (val & 0x10) {                   /* ICW1 */
		c->imr = c->isr = c->irr = 0;
		c->priority_add = 0;
		c->init_step = 1;
		c->icw4 = val & 1;
		c->single = val & 2;
		c->auto_eoi = c->read_isr = c->special_mask = c->poll = false;
	} else if (val & 0x08) {            /* OCW3 */
		c->poll = val & 4;
		if (val & 2)
			c->read_isr = val & 1;
		if (val & 0x40)
			c->special_mask = val & 0x20;
	} else {                            /* OCW2 */
		chip_eoi(c, val);
	}
}

static void chip_data(struct pic_chip *c, uint8_t val)
{
	switch (c->init_step) {
	case 1:
		c->vector_base = val & 0xf8;
		c->init_step = c->single ? (c->icw4 ? 3 : 0) : 2;
		break;
	case 2:
		c->init_step = c->icw4 ? 3 : 0;  /* ICW3: the cascade wiring is fixed */
		break;
	case 3:
		c->auto_eoi = val & 2;
		c->init_step = 0;
		break;
	default:
		c->imr = val;
		break;
	}
}

static struct pic_chip *port_chip(struct hvm *h, uint16_t port)
{
	return &h->pic[port >= 0xa0];
}

static uint32_t pic_read(struct hvm *h, uint16_t port, unsigned size)
{
	struct pic_chip *c = port_chip(h, port);

	if (c->poll) {
		int line = chip_pending(c);

		c->poll = false;
		if (line < 0)
			return 0;
		chip_ack(c, line);
		pic_update(h);
		return 0x80u | (uint32_t)line;
	}
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

static void pic_write(struct hvm *h, uint16_t port, unsigned size, uint32_t val)
{
	struct pic_chip *c = port_chip(h, port);

	if (port & 1)
		chip_data(c, (uint8_t)val);
	else
		chip_command(c, (uint8_t)val);
	pic_update(h);
}

static uint32_t elcr_read(struct hvm *h, uint16_t port, unsigned size)
{
	return h->pic[port & 1].elcr;
}

static void elcr_write(struct hvm *h, uint16_t port, unsigned size, uint32_t val)
{
	h->pic[port & 1].elcr = (uint8_t)val & (port & 1 ? ELCR_MASK_SLAVE : ELCR_MASK_MASTER);
	pic_update(h);
}

const struct hvm_pio_dev pic_master_dev = { "pic-master", 0x20, 0x21, pic_read, pic_write };
const struct hvm_pio_dev pic_slave_dev = { "pic-slave", 0xa0, 0xa1, pic_read, pic_write };
const struct hvm_pio_dev pic_elcr_dev = { "elcr", 0x4d0, 0x4d1, elcr_read, elcr_write };

void pic_init(struct hvm *h)
{
	for (int i = 0; i < 2; i++) {
		h->pic[i] = (struct pic_chip){ .imr = 0xff };
	}
	h->pic[0].vector_base = 0x08;
	h->pic[1].vector_base = 0x70;
}
