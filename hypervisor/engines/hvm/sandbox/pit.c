/* The 8254 PIT at 0x40-0x43 and port 0x61 (channel 2's gate and output,
 * the refresh toggle). Counters are computed from the host's monotonic
 * clock at 1.193182 MHz; channel 0 drives IRQ 0 (modes 2 and 3 periodic,
 * the others once at terminal count). Missed periods are dropped, not
 * replayed (Xen's "delay for missed ticks"). */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#define PIT_HZ 1193182ull
#define NS 1000000000ull

static uint64_t pit_reload(const struct pit_channel *c)
{
	return c->reload ? c->reload : 0x10000;
}

static uint64_t ticks_since(uint64_t start, uint64_t now)
{
	return now > start ? (now - start) * PIT_HZ / NS : 0;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return (ticks * NS + PIT_HZ - 1) / PIT_HZ;
}

static bool counting(const struct pit_channel *c)
{
	return c->gate && !c->null_count;
}

static uint16_t pit_count(const struct pit_channel *c, uint64_t now)
{
	uint64_t n = pit_reload(c), t;

	if (!counting(c))
		return (uint16_t)n;
	t = ticks_since(c->start_ns, now);
	switch (c->mode) {
	case 2:
	case 3:
		t %= n;
		return (uint16_t)(c->mode == 3 ? (n - t * 2 % n) : n - t);
	default:
		return (uint16_t)(n - t);   /* wraps after terminal count, as a real one */
	}
}

static bool pit_out(const struct pit_channel *c, uint64_t now)
{
	uint64_t n = pit_reload(c), t;

	if (!counting(c))
		return c->mode != 0;
	t = ticks_since(c->start_ns, now);
	switch (c->mode) {
	case 0:
		return t >= n;
	case 1:
		return t >= n;
	case 2:
		return t % n != n - 1;
	case 3:
		return t % n < (n + 1) / 2;
	default:
		return t != n;
	}
}

/* Channel 0's next interrupt after `now`. */
static void irq_schedule(struct pit_channel *c, uint64_t now)
{
	uint64_t n = pit_reload(c), t;

	c->next_irq_ns = 0;
	if (!counting(c))
		return;
	t = ticks_since(c->start_ns, now);
	if (c->mode == 2 || c->mode == 3)
		c->next_irq_ns = c->start_ns + ticks_to_ns((t / n + 1) * n);
	else if (t < n)
		c->next_irq_ns = c->start_ns + ticks_to_ns(n);
}

static void pit_load(struct hvm *h, int ch, uint64_t now)
{
	struct pit_channel *c = &h->pit[ch];

	c->null_count = false;
	c->start_ns = now;
	if (ch == 0)
		irq_schedule(c, now);
}

uint64_t pit_tick(struct hvm *h, uint64_t now)
{
	struct pit_channel *c = &h->pit[0];

	if (c->next_irq_ns && now >= c->next_irq_ns) {
		irq_isa_set(h, 0, true);
		irq_isa_set(h, 0, false);
		irq_schedule(c, now);
	}
	return c->next_irq_ns;
}

static void control_word(struct hvm *h, uint8_t val, uint64_t now)
{
	int ch = val >> 6;
	struct pit_channel *c;

	if (ch == 3) {                      /* read-back */
		for (int i = 0; i < 3; i++) {
			if (!(val & (2 << i)))
				continue;
			c = &h->pit[i];
			if (!(val & 0x20) && !c->latched) {
				c->latch = pit_count(c, now);
				c->latched = true;
				c->read_state = 0;
			}
			if (!(val & 0x10) && !c->status_latched) {
				c->status = (uint8_t)(pit_out(c, now) << 7 | c->null_count << 6 |
						      c->rw << 4 | c->mode << 1 | c->bcd);
				c->status_latched = true;
			}
		}
		return;
	}
	c = &h->pit[ch];
	if (!(val & 0x30)) {                /* counter latch */
		if (!c->latched) {
			c->latch = pit_count(c, now);
			c->latched = true;
			c->read_state = 0;
		}
		return;
	}
	c->rw = (val >> 4) & 3;
	c->mode = (val >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;                   /* 6, 7 are 2, 3 */
	c->bcd = val & 1;
	c->write_state = c->read_state = 0;
	c->latched = false;
	c->null_count = true;
	if (ch == 0)
		c->next_irq_ns = 0;
}

static void counter_write(struct hvm *h, int ch, uint8_t val, uint64_t now)
{
	struct pit_channel *c = &h->pit[ch];

	switch (c->rw) {
	case 1:
		c->reload = val;
		break;
	case 2:
		c->reload = (uint16_t)(val << 8);
		break;
	default:
		if (c->write_state == 0) {
			c->reload = (c->reload & 0xff00) | val;
			c->write_state = 1;
			return;
		}
		c->reload = (uint16_t)((c->reload & 0xff) | (val << 8));
		c->write_state = 0;
		break;
	}
	pit_load(h, ch, now);
}

static uint8_t counter_read(struct pit_channel *c, uint64_t now)
{
	uint16_t v;
	uint8_t out;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	v = c->latched ? c->latch : pit_count(c, now);
	switch (c->rw) {
	case 1:
		c->latched = false;
		return (uint8_t)v;
	case 2:
		c->latched = false;
		return (uint8_t)(v >> 8);
	default:
		out = c->read_state ? (uint8_t)(v >> 8) : (uint8_t)v;
		c->read_state ^= 1;
		if (!c->read_state)
			c->latched = false;
		return out;
	}
}

static uint32_t pit_read(struct hvm *h, uint16_t port, unsigned size)
{
	if (port == 0x43)
		return 0xff;
	return counter_read(&h->pit[port - 0x40], hvm_now());
}

static void pit_write(struct hvm *h, uint16_t port, unsigned size, uint32_t val)
{
	uint64_t now = hvm_now();

	if (port == 0x43)
		control_word(h, (uint8_t)val, now);
	else
		counter_write(h, port - 0x40, (uint8_t)val, now);
}

/* Port 0x61: bit 0 gate 2, bit 1 speaker, bit 4 refresh (toggles every
 * 15 us), bit 5 channel 2's output. */
static uint32_t port61_read(struct hvm *h, uint16_t port, unsigned size)
{
	uint64_t now = hvm_now();

	return (h->port61 & 0x0f) | (((now / 15085) & 1) << 4) |
	       ((uint32_t)pit_out(&h->pit[2], now) << 5);
}

static void port61_write(struct hvm *h, uint16_t port, unsigned size, uint32_t val)
{
	struct pit_channel *c = &h->pit[2];
	bool gate = val & 1;

	if (gate && !c->gate)
		c->start_ns = hvm_now();   /* a rising gate (re)starts channel 2 */
	c->gate = gate;
	h->port61 = (uint8_t)(val & 0x0f);
}

const struct hvm_pio_dev pit_dev = { "pit", 0x40, 0x43, pit_read, pit_write };
const struct hvm_pio_dev port61_dev = { "port61", 0x61, 0x61, port61_read, port61_write };

void pit_init(struct hvm *h)
{
	uint64_t now = hvm_now();

	for (int i = 0; i < 3; i++)
		h->pit[i] = (struct pit_channel){ .mode = 3, .rw = 3, .gate = i != 2,
						  .null_count = true };
	/* As the BIOS would leave it: channel 0 at 18.2 Hz, but silent until
	 * the guest programs it (IRQ 0 is masked at the PIC anyway). */
	h->pit[0].start_ns = now;
}
