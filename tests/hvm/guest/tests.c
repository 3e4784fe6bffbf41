/* The hvm test guest: one program, the test chosen by the multiboot
 * command line (firmware_override runs "hello"). Each test prints TAP
 * lines to port 0xe9 (the domain's log) and powers the domain off. */
#include "hg.h"
#include "cdrom.h"
#include "pvhvm.h"
#include "highmem.h"

#define LAPIC 0xfee00000u
#define IOAPIC 0xfec00000u

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void pic_eoi(uint8_t irq)
{
	if (irq >= 8)
		outb(0xa0, 0x20);
	outb(0x20, 0x20);
}

/* ---- hello, 0x402 ---- */

static void test_hello(bool multiboot)
{
	hg_printf("hvm guest: hello from %s\n", multiboot ? "multiboot" : "firmware");
	for (const char *s = "hvm guest: port 0x402 works\n"; *s; s++)
		outb(0x402, (uint8_t)*s);
	hg_ok(inb(0xe9) == 0xe9, "port 0xe9 reads back 0xe9");
	hg_ok(inl(0x1234) == 0xffffffffu, "an unclaimed port reads all ones");
	hg_ok(mmio_read(0xf0000000u) == 0xffffffffu, "unclaimed MMIO reads all ones");
}

/* ---- Xen: CPUID, hypercall page, ring 0 and ring 3 calls ---- */

static volatile long ring3_ret;

static void ring3_call(void)
{
	ring3_ret = hg_hypercall(17 /* xen_version */, 0, 0, 0);
}

static void test_xen(void)
{
	static const char msg[] = "hello through console_io\n";
	uint32_t base = hg_xen_base();

	hg_ok(base == 0x40000000, "Xen's CPUID leaves at 0x40000000");
	hg_ok(hg_hypercall_init(), "the hypercall MSR fills the page");
	hg_ok(hg_hypercall(17, 0, 0, 0) == ((4 << 16) | 17), "xen_version from ring 0: 4.17");
	hg_ok(hg_hypercall(18 /* console_io */, 0 /* write */, sizeof(msg) - 1, (uint32_t)msg) == 0,
	      "console_io write");
	hg_idt_init();
	hg_ring3(ring3_call);
	hg_ok(ring3_ret == -1, "a hypercall from ring 3 gets -EPERM");
	hg_ok(hg_hypercall(63, 0, 0, 0) == -38, "an unknown hypercall gets -ENOSYS");
}

/* ---- PIC + PIT ---- */

static volatile uint8_t isr_seen;

static void pit_irq(struct hg_frame *f)
{
	outb(0x20, 0x0b);             /* OCW3: read ISR */
	isr_seen = inb(0x20);
	outb(0x20, 0x0a);             /* back to IRR */
	pic_eoi(0);
}

static void test_pic_pit(void)
{
	uint8_t a, b;

	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	outb(0x21, 0x5a);
	hg_ok(inb(0x21) == 0x5a, "PIC mask register reads back");
	outb(0x21, 0xfe);             /* IRQ 0 only */
	hg_set_handler(0x20, pit_irq);
	hg_pit_periodic(1193);        /* 1 kHz */
	outb(0x43, 0x00);             /* latch channel 0 */
	a = inb(0x40), b = inb(0x40);
	hg_ok(((unsigned)b << 8 | a) <= 1193, "the latched count is within the reload value");
	hg_ok(hg_wait(&hg_count[0x20], 20, 100000), "20 timer interrupts through the PIC");
	hg_ok(isr_seen == 1, "ISR shows IRQ 0 in service in the handler");
	outb(0x20, 0x0b);
	hg_ok(inb(0x20) == 0, "ISR empty after EOI");
	outb(0x20, 0x0a);
	outb(0x21, 0xff);
	/* Channel 2 through port 0x61: one-shot mode 0, its output rises. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 0x10);
	outb(0x42, 0x00);
	for (unsigned i = 0; i < 1000000 && !(inb(0x61) & 0x20); i++)
		;
	hg_ok(inb(0x61) & 0x20, "PIT channel 2 output rises at terminal count (port 0x61)");
}

/* ---- RTC ---- */

static bool bcd_ok(uint8_t v, unsigned max)
{
	return (v & 15) < 10 && (v >> 4) < 10 && (unsigned)((v >> 4) * 10 + (v & 15)) <= max;
}

static uint8_t cmos(uint8_t r)
{
	outb(0x70, r);
	return inb(0x71);
}

static void rtc_irq(struct hg_frame *f)
{
	cmos(0x0c);                   /* reading C acknowledges */
	pic_eoi(8);
}

static void test_rtc(void)
{
	uint8_t sec = cmos(0), min = cmos(2), hour = cmos(4), year = cmos(9), cent = cmos(0x32);

	hg_ok(cmos(0x0d) & 0x80, "RTC register D: valid RAM and time");
	hg_ok(bcd_ok(sec, 59) && bcd_ok(min, 59) && bcd_ok(hour, 23), "time registers are BCD");
	hg_ok(cent == 0x20 && year >= 0x24, "the year is this century's and >= 2024");
	hg_ok(cmos(0x15) == 0x80 && cmos(0x16) == 0x02, "CMOS base memory 640 KiB");
	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	outb(0x21, 0xfb);             /* cascade */
	outb(0xa1, 0xfe);             /* IRQ 8 */
	hg_set_handler(0x28, rtc_irq);
	outb(0x70, 0x0a);
	outb(0x71, 0x26);             /* 1024 Hz */
	outb(0x70, 0x0b);
	outb(0x71, cmos(0x0b) | 0x40);   /* PIE */
	cmos(0x0c);
	hg_ok(hg_wait(&hg_count[0x28], 10, 100000), "10 periodic RTC interrupts on IRQ 8");
	outb(0x70, 0x0b);
	outb(0x71, 0x02);
}

/* ---- LAPIC timer ---- */

static void lapic_eoi_handler(struct hg_frame *f)
{
	mmio_write(LAPIC + 0xb0, 0);
}

static void test_lapic(void)
{
	uint32_t c1, c2;

	hg_idt_init();
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	hg_ok((mmio_read(LAPIC + 0x30) & 0xff) == 0x14, "LAPIC version 0x14");
	hg_ok(mmio_read(LAPIC + 0x20) == 0, "vCPU 0's APIC id is 0");
	mmio_write(LAPIC + 0xf0, 0x1ff);           /* enable, spurious 0xff */
	hg_set_handler(0x40, lapic_eoi_handler);
	mmio_write(LAPIC + 0x3e0, 0x3);            /* divide by 16 */
	mmio_write(LAPIC + 0x320, 0x20040);        /* periodic, vector 0x40 */
	mmio_write(LAPIC + 0x380, 200000);         /* 3.2 ms */
	c1 = mmio_read(LAPIC + 0x390);
	for (volatile int i = 0; i < 2000; i++)
		;
	c2 = mmio_read(LAPIC + 0x390);
	hg_ok(c1 <= 200000 && c2 <= c1, "the current count runs down");
	hg_ok(hg_wait(&hg_count[0x40], 5, 100000), "5 periodic LAPIC timer interrupts");
	mmio_write(LAPIC + 0x320, 0x10040);        /* masked */
	mmio_write(LAPIC + 0x380, 0);
	hg_ok(mmio_read(LAPIC + 0x390) == 0, "a zero initial count stops the timer");
	/* a self-IPI */
	mmio_write(LAPIC + 0x300, 0x40041);        /* self, fixed, vector 0x41 */
	hg_set_handler(0x41, lapic_eoi_handler);
	hg_ok(hg_wait(&hg_count[0x41], 1, 1000), "a self IPI arrives");
}

/* ---- IOAPIC routing ---- */

static void ioapic_set(unsigned pin, uint32_t lo, uint32_t hi)
{
	mmio_write(IOAPIC, 0x10 + 2 * pin + 1);
	mmio_write(IOAPIC + 0x10, hi);
	mmio_write(IOAPIC, 0x10 + 2 * pin);
	mmio_write(IOAPIC + 0x10, lo);
}

static void rtc_level_irq(struct hg_frame *f)
{
	cmos(0x0c);
	mmio_write(LAPIC + 0xb0, 0);
}

static void test_ioapic(void)
{
	hg_idt_init();
	hg_pic_init(0x20, 0x28);
	outb(0x21, 0xff);             /* the PIC is out of the way */
	outb(0xa1, 0xff);
	mmio_write(IOAPIC, 1);
	hg_ok(((mmio_read(IOAPIC + 0x10) >> 16) & 0xff) == 23, "IOAPIC has 24 pins");
	mmio_write(LAPIC + 0xf0, 0x1ff);
	hg_set_handler(0x50, lapic_eoi_handler);
	ioapic_set(2, 0x50, 0);       /* ISA IRQ 0 is pin 2: edge, vector 0x50, APIC 0 */
	hg_pit_periodic(1193);
	hg_ok(hg_wait(&hg_count[0x50], 10, 100000), "PIT interrupts through IOAPIC pin 2");
	ioapic_set(2, 0x10050, 0);    /* masked */
	hg_set_handler(0x51, rtc_level_irq);
	ioapic_set(8, 0x8051, 0);     /* RTC, level-triggered */
	outb(0x70, 0x0a);
	outb(0x71, 0x26);
	outb(0x70, 0x0b);
	outb(0x71, 0x42);
	cmos(0x0c);
	hg_ok(hg_wait(&hg_count[0x51], 5, 100000), "level-triggered RTC interrupts with EOI");
	outb(0x70, 0x0b);
	outb(0x71, 0x02);             /* no more: the line stays low */
	cmos(0x0c);
	sti();                        /* take one still pending, EOI it */
	for (volatile int i = 0; i < 1000; i++)
		;
	cli();
	mmio_write(IOAPIC, 0x10 + 16);
	hg_ok(!(mmio_read(IOAPIC + 0x10) & (1u << 14)), "remote IRR is clear after the EOIs");
}

/* ---- a guest hammering every port ---- */

static void test_hostile(void)
{
	uint32_t x = 12345;

	hg_idt_init();
	for (uint32_t port = 0; port < 0x10000; port++) {
		x = x * 1103515245u + 12345u;
		if (port == 0xcf9 || port == 0xe9 || port == 0x402 || port == 0x12)
			continue;     /* reset, and the log */
		outb((uint16_t)port, (uint8_t)(x >> 16));
		(void)inb((uint16_t)port);
		outw((uint16_t)port, (uint16_t)(x >> 8));
		(void)inw((uint16_t)port);
		outl((uint16_t)port, x);
		(void)inl((uint16_t)port);
	}
	for (uint32_t off = 0; off < 0x400; off += 4) {
		x = x * 1103515245u + 12345u;
		if (off != 0x300)     /* no IPIs: INIT would stop us */
			mmio_write(LAPIC + off, x);
		mmio_write(IOAPIC, off / 4);
		mmio_write(IOAPIC + 0x10, x);
	}
	cli();
	hg_ok(1, "survived every port and the APIC registers");
}

/* ---- ioreqs to a device model (tests/hvm/ioreq_test serves them) ---- */

static void test_ioreq(void)
{
	static uint8_t buf[64];
	volatile uint32_t *mmio = (volatile uint32_t *)0xe0000000u;
	const void *src;
	uint32_t v, cnt;

	hg_ok(inl(0x500) == 0x12345678, "IN from a device model's port");
	outl(0x504, 0xcafef00d);
	hg_ok(inl(0x504) == 0xcafef00d, "OUT then IN: the device model kept the value");
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	src = buf;
	cnt = sizeof(buf);
	__asm__ volatile("cld; rep outsb" : "+S"(src), "+c"(cnt) : "d"(0x508) : "memory");
	hg_ok(inl(0x508) == 64 + 63 * 64 / 2, "rep outsb: the device model got all 64 bytes");
	mmio[1] = 0xdeadbeef;
	hg_ok(mmio[1] == 0xdeadbeef, "MMIO write then read through the device model");
	outl(0xcf8, 0x80001800);      /* 00:03.0, register 0 */
	hg_ok(inl(0xcfc) == 0xabcd1234, "PCI config read of a claimed device");
	outl(0xcf8, 0x80002000);      /* 00:04.0: nobody */
	hg_ok(inl(0xcfc) == 0xffffffff, "PCI config read of an unclaimed device: all ones");
	hg_ok(inw(0x50a) == 0x4242, "a 2-byte IN");
	outb(0x50e, 1);
	hg_ok(inl(0x520) == 0x77, "a range claimed while serving a request is in force at once");
	hg_ok(inw(0x50c) == 0xffff, "a device model's nonsense answer reads as all ones");
	hg_ok(inl(0x500) == 0x12345678, "and the next request works again");
	v = 0;
	for (unsigned i = 0; i < 1000; i++)
		v += inl(0x500) == 0x12345678;
	hg_ok(v == 1000, "1000 round trips");
}

/* The benchmark's loop (bench/hvm_ioreq_bench times it from outside). */
static void test_ioreq_bench(void)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 20100; i++)
		v += inl(0x500) == 0x12345678;
	hg_ok(v == 20100, "20100 port reads from the device model");
}

/* ---- SMP: INIT/SIPI, IPIs between vCPUs ---- */

extern char hg_ap_tramp[], hg_ap_tramp_end[];
static volatile uint32_t ap_started, ap_apic_id, ap_spin, ap_ticks;

void hg_ap_main(void)
{
	hg_idt_init();
	mmio_write(LAPIC + 0xf0, 0x1ff);
	ap_apic_id = mmio_read(LAPIC + 0x20) >> 24;
	ap_started = 1;
	for (;;) {
		if (ap_spin)
			ap_ticks++;   /* counts while it runs (the VCPUOP_down test) */
		else
			sti_hlt();
	}
}

static bool spin_until(volatile uint32_t *v, uint32_t want)
{
	for (uint32_t i = 0; i < 200000000u && *v < want; i++)
		__asm__ volatile("pause");
	return *v >= want;
}

#define HC_VCPU_OP     24
#define VCPUOP_up      1
#define VCPUOP_down    2
#define VCPUOP_is_up   3

/* ap_ticks no longer moves: the same value over `rounds` checks, each
 * after 500000 pause loops of this vCPU (bounded by iterations, not time; a
 * vCPU 1 that ran on would have to be starved by the host all along). */
static bool ticks_still(uint32_t rounds)
{
	uint32_t last = ap_ticks, same = 0;

	for (uint32_t i = 0; i < 100u && same < rounds; i++) {
		for (uint32_t j = 0; j < 500000u; j++)
			__asm__ volatile("pause");
		same = ap_ticks == last ? same + 1 : 0;
		last = ap_ticks;
	}
	return same >= rounds;
}

/* VCPUOP_down/up of another vCPU, as Linux's resume does them
 * (xen_vcpu_restore): the vCPU stops where it is and runs on after up. */
static void test_smp_down(void)
{
	uint32_t t;

	if (!hg_hypercall_init()) {
		hg_ok(false, "the hypercall page for VCPUOP");
		return;
	}
	ap_spin = 1;
	mmio_write(LAPIC + 0x300, 0xc0060);        /* out of its HLT */
	t = ap_ticks;
	hg_ok(spin_until(&ap_ticks, t + 100000), "vCPU 1 counts");
	hg_ok(hg_hypercall(HC_VCPU_OP, VCPUOP_is_up, 1, 0) == 1, "VCPUOP_is_up: vCPU 1 is up");
	hg_ok(hg_hypercall(HC_VCPU_OP, VCPUOP_down, 1, 0) == 0, "VCPUOP_down of vCPU 1 from vCPU 0");
	hg_ok(hg_hypercall(HC_VCPU_OP, VCPUOP_is_up, 1, 0) == 0, "VCPUOP_is_up: vCPU 1 is down");
	hg_ok(ticks_still(20), "the down vCPU stops counting");
	t = ap_ticks;
	hg_ok(hg_hypercall(HC_VCPU_OP, VCPUOP_up, 1, 0) == 0, "VCPUOP_up of vCPU 1");
	hg_ok(hg_hypercall(HC_VCPU_OP, VCPUOP_is_up, 1, 0) == 1, "VCPUOP_is_up: up again");
	hg_ok(spin_until(&ap_ticks, t + 100000), "it counts on from where it stopped");
	ap_spin = 0;
}

static void test_smp(void)
{
	uint32_t r[4];
	uint8_t *dst = (uint8_t *)0x8000;

	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(1), "c"(0));
	hg_ok(((r[1] >> 16) & 0xff) == 2, "CPUID leaf 1 counts 2 logical CPUs");
	hg_idt_init();
	hg_set_handler(0x60, lapic_eoi_handler);
	mmio_write(LAPIC + 0xf0, 0x1ff);
	for (char *p = hg_ap_tramp; p < hg_ap_tramp_end; p++)
		*dst++ = (uint8_t)*p;
	mmio_write(LAPIC + 0x310, 1u << 24);
	mmio_write(LAPIC + 0x300, 0x4500);         /* INIT, assert */
	mmio_write(LAPIC + 0x310, 1u << 24);
	mmio_write(LAPIC + 0x300, 0x4608);         /* SIPI, vector 8: 0x8000 */
	hg_ok(spin_until(&ap_started, 1), "INIT and SIPI start vCPU 1 at the trampoline");
	hg_ok(ap_apic_id == 1, "vCPU 1's APIC id is 1");
	mmio_write(LAPIC + 0x310, 1u << 24);
	mmio_write(LAPIC + 0x300, 0x60);           /* fixed IPI to APIC 1 */
	hg_ok(spin_until(&hg_count[0x60], 1), "a fixed IPI from vCPU 0 reaches vCPU 1");
	mmio_write(LAPIC + 0x300, 0xc0060);        /* all but self */
	hg_ok(spin_until(&hg_count[0x60], 2), "an all-but-self IPI reaches it too");
	test_smp_down();
}

/* A triple fault: no IDT, then an exception (the domain reboots). */
static void test_triple_fault(void)
{
	static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) none = { 0, 0 };

	hg_puts("hvm guest: triple fault next\n");
	__asm__ volatile("lidt %0; int3" :: "m"(none));
}

#define PVH_MAGIC 0x336ec578

/* Under PVH (type="pvh"): EBX points at Xen's hvm_start_info. */
static bool is_pvh(uint32_t info)
{
	return info >= 0x1000 && info < 0x40000000 && *(volatile uint32_t *)info == PVH_MAGIC;
}

static void test_pvh(uint32_t info)
{
	const uint32_t *si = (const uint32_t *)info;
	const uint64_t *map = (const uint64_t *)si[10];   /* memmap_paddr (low half) */
	uint32_t n = si[12];

	hg_ok(si[1] == 1, "hvm_start_info version 1");
	hg_ok(n >= 2 && map[0] == 0 && (uint32_t)map[2] == 1, "a memory map with RAM at 0");
	hg_ok(si[3] == 0, "no modules");
	hg_puts("hvm guest: hello from pvh\n");
}

static const char *mb_cmdline(uint32_t magic, uint32_t info)
{
	if (is_pvh(info))
		return (const char *)((const uint32_t *)info)[6];   /* cmdline_paddr */
	return hg_multiboot_cmdline(magic, info);
}

void hg_main(uint32_t magic, uint32_t info);

void hg_main(uint32_t magic, uint32_t info)
{
	const char *cmd = mb_cmdline(magic, info);

	if (!*cmd || streq(cmd, "hello"))
		test_hello(magic == 0x2badb002);
	else if (streq(cmd, "xen"))
		test_xen();
	else if (streq(cmd, "pic"))
		test_pic_pit();
	else if (streq(cmd, "rtc"))
		test_rtc();
	else if (streq(cmd, "lapic"))
		test_lapic();
	else if (streq(cmd, "ioapic"))
		test_ioapic();
	else if (streq(cmd, "ioreq"))
		test_ioreq();
	else if (streq(cmd, "pvh") && is_pvh(info))
		test_pvh(info);
	else if (streq(cmd, "smp"))
		test_smp();
	else if (streq(cmd, "ioreqbench"))
		test_ioreq_bench();
	else if (streq(cmd, "triplefault"))
		test_triple_fault();
	else if (streq(cmd, "hostile"))
		test_hostile();
	else if (streq(cmd, "cdrom"))
		cdrom_test();
	else if (streq(cmd, "pvhvm"))
		pvhvm_test();
	else if (streq(cmd, "highmem") && magic == 0x2badb002)
		highmem_test(info);
	else if (pvhvm_xenstore_arg(cmd))
		pvhvm_xenstore_test(pvhvm_xenstore_arg(cmd));
	else
		hg_printf("hvm guest: unknown test '%s'\n", cmd);
	hg_done();
}
