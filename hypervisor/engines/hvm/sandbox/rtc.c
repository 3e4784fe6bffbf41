/* The MC146818 RTC and its CMOS memory at 0x70/0x71: the clock (BCD or
 * binary, 12 or 24 hour), UIP, the periodic, update-ended and alarm
 * interrupts on IRQ 8 (register C clears them), and the CMOS bytes a BIOS
 * reads: memory sizes and the CPU count. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <time.h>

#define REG_A 0x0a
#define REG_B 0x0b
#define REG_C 0x0c
#define REG_D 0x0d
#define B_SET  0x80
#define B_PIE  0x40
#define B_AIE  0x20
#define B_UIE  0x10
#define B_BIN  0x04
#define B_24H  0x02
#define C_IRQF 0x80
#define C_PF   0x40
#define C_AF   0x20
#define C_UF   0x10
#define NS 1000000000ull

static const uint8_t time_regs[] = { 0, 2, 4, 6, 7, 8, 9, 0x32 };

static uint8_t to_bcd(struct rtc *r, unsigned v)
{
	return (r->cmos[REG_B] & B_BIN) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned from_bcd(struct rtc *r, uint8_t v)
{
	return (r->cmos[REG_B] & B_BIN) ? v : (unsigned)((v >> 4) * 10 + (v & 15));
}

/* Days since 1970-01-01 of a civil date, and back (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t guest_seconds(struct rtc *r)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec + r->offset_s;
}

static uint64_t subsecond_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_nsec;
}

/* Refresh the time registers from the clock (not while SET is on). */
static void rtc_read_clock(struct rtc *r)
{
	int64_t s = guest_seconds(r), y;
	int64_t days = s / 86400, sod = s % 86400;
	unsigned m, d, hour = (unsigned)(sod / 3600);

	if (r->cmos[REG_B] & B_SET)
		return;
	civil_from_days(days, &y, &m, &d);
	r->cmos[0] = to_bcd(r, (unsigned)(sod % 60));
	r->cmos[2] = to_bcd(r, (unsigned)(sod / 60 % 60));
	if (r->cmos[REG_B] & B_24H)
		r->cmos[4] = to_bcd(r, hour);
	else
		r->cmos[4] = (uint8_t)(to_bcd(r, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? 0x80 : 0));
	r->cmos[6] = to_bcd(r, (unsigned)((days + 4) % 7) + 1);
	r->cmos[7] = to_bcd(r, d);
	r->cmos[8] = to_bcd(r, m);
	r->cmos[9] = to_bcd(r, (unsigned)(y % 100));
	r->cmos[0x32] = to_bcd(r, (unsigned)(y / 100));
}

/* The guest set the clock: keep the difference to the host's. */
static void rtc_write_clock(struct rtc *r)
{
	struct timespec ts;
	unsigned hour = from_bcd(r, r->cmos[4] & 0x7f);
	int64_t y = from_bcd(r, r->cmos[0x32]) * 100 + from_bcd(r, r->cmos[9]), s;

	if (!(r->cmos[REG_B] & B_24H))
		hour = hour % 12 + ((r->cmos[4] & 0x80) ? 12 : 0);
	s = days_from_civil(y, from_bcd(r, r->cmos[8]), from_bcd(r, r->cmos[7])) * 86400 +
	    hour * 3600 + from_bcd(r, r->cmos[2]) * 60 + from_bcd(r, r->cmos[0]);
	clock_gettime(CLOCK_REALTIME, &ts);
	r->offset_s = s - (int64_t)ts.tv_sec;
}

static void rtc_irq(struct hvm *h)
{
	struct rtc *r = &h->rtc;
	uint8_t en = r->cmos[REG_B] & (B_PIE | B_AIE | B_UIE);
	bool line = (r->cmos[REG_C] & en & (C_PF | C_AF | C_UF)) != 0;

	if (line)
		r->cmos[REG_C] |= C_IRQF;
	if (line != r->irq_line) {
		r->irq_line = line;
		irq_isa_set(h, 8, line);
	}
}

static uint64_t periodic_ns(struct rtc *r)
{
	unsigned rate = r->cmos[REG_A] & 15;

	if (!rate)
		return 0;
	if (rate <= 2)
		rate += 7;
	return NS * (1ull << (rate - 1)) / 32768;
}

static bool alarm_hit(struct rtc *r)
{
	static const uint8_t pairs[][2] = { { 1, 0 }, { 3, 2 }, { 5, 4 } };

	for (size_t i = 0; i < 3; i++) {
		uint8_t a = r->cmos[pairs[i][0]];

		if ((a & 0xc0) != 0xc0 && a != r->cmos[pairs[i][1]])
			return false;
	}
	return true;
}

uint64_t rtc_tick(struct hvm *h, uint64_t now)
{
	struct rtc *r = &h->rtc;
	uint64_t p = periodic_ns(r), next = 0;

	if (p && (r->cmos[REG_B] & B_PIE)) {
		if (!r->next_periodic_ns || r->next_periodic_ns > now + p)
			r->next_periodic_ns = now + p;
		if (now >= r->next_periodic_ns) {
			r->cmos[REG_C] |= C_PF;
			r->next_periodic_ns = now + p;
		}
		next = r->next_periodic_ns;
	} else {
		r->next_periodic_ns = 0;
	}
	if (r->cmos[REG_B] & (B_UIE | B_AIE)) {
		if (now >= r->next_update_ns) {
			rtc_read_clock(r);
			if (r->next_update_ns)
				r->cmos[REG_C] |= C_UF | (alarm_hit(r) ? C_AF : 0);
			r->next_update_ns = (now / NS + 1) * NS;
		}
		if (!next || r->next_update_ns < next)
			next = r->next_update_ns;
	}
	rtc_irq(h);
	return next;
}

static uint32_t rtc_read(struct hvm *h, uint16_t port, unsigned size)
{
	struct rtc *r = &h->rtc;
	uint8_t v;

	if (port == 0x70)
		return 0xff;
	switch (r->index) {
	case REG_A:
		/* UIP in the last 244 us before the second changes */
		return (uint32_t)(r->cmos[REG_A] & 0x7f) | (subsecond_ns() >= NS - 244000 ? 0x80 : 0);
	case REG_C:
		v = r->cmos[REG_C];
		r->cmos[REG_C] = 0;
		rtc_irq(h);
		return v;
	default:
		if (r->index <= 9 || r->index == 0x32)
			rtc_read_clock(r);
		return r->cmos[r->index];
	}
}

static void rtc_write(struct hvm *h, uint16_t port, unsigned size, uint32_t val)
{
	struct rtc *r = &h->rtc;
	uint8_t old;

	if (port == 0x70) {
		r->index = val & 0x7f;   /* bit 7 masks NMIs: none here */
		return;
	}
	switch (r->index) {
	case REG_C:
	case REG_D:
		return;                  /* read-only */
	case REG_A:
		r->cmos[REG_A] = (uint8_t)(val & 0x7f);
		return;
	case REG_B:
		old = r->cmos[REG_B];
		r->cmos[REG_B] = (uint8_t)val;
		if ((old & B_SET) && !(val & B_SET))
			rtc_write_clock(r);
		rtc_irq(h);
		return;
	default:
		r->cmos[r->index] = (uint8_t)val;
		for (size_t i = 0; i < sizeof(time_regs); i++)
			if (r->index == time_regs[i] && !(r->cmos[REG_B] & B_SET))
				rtc_write_clock(r);
	}
}

const struct hvm_pio_dev rtc_dev = { "rtc", 0x70, 0x71, rtc_read, rtc_write };

/* The CMOS bytes a BIOS reads for the memory size (QEMU's layout, which
 * SeaBIOS uses when fw_cfg has no e820 table) and the CPU count. */
void rtc_init(struct hvm *h)
{
	struct rtc *r = &h->rtc;
	uint64_t low = h->ram_bytes < VMCTL_HVM_LOW_END ? h->ram_bytes : VMCTL_HVM_LOW_END;
	uint64_t ext = low > (1 << 20) ? (low - (1 << 20)) >> 10 : 0;
	uint64_t above16 = low > (16 << 20) ? (low - (16 << 20)) >> 16 : 0;
	uint64_t high = (h->ram_bytes - low) >> 16;

	r->cmos[REG_A] = 0x26;
	r->cmos[REG_B] = B_24H;
	r->cmos[REG_D] = 0x80;
	r->cmos[0x14] = 0x06;       /* a math coprocessor, a VGA */
	r->cmos[0x15] = 640 & 0xff;
	r->cmos[0x16] = 640 >> 8;
	if (ext > 0xffff)
		ext = 0xffff;
	if (above16 > 0xffff)
		above16 = 0xffff;
	r->cmos[0x17] = r->cmos[0x30] = (uint8_t)ext;
	r->cmos[0x18] = r->cmos[0x31] = (uint8_t)(ext >> 8);
	r->cmos[0x34] = (uint8_t)above16;
	r->cmos[0x35] = (uint8_t)(above16 >> 8);
	r->cmos[0x5b] = (uint8_t)high;
	r->cmos[0x5c] = (uint8_t)(high >> 8);
	r->cmos[0x5d] = (uint8_t)(high >> 16);
	r->cmos[0x5f] = (uint8_t)(h->boot.max_vcpus - 1);
	rtc_read_clock(r);
}
