/* The hvm test guest's runtime (see hg.h). */
#include "hg.h"

#include <stdarg.h>

volatile uint32_t hg_count[256];
static void (*handlers[256])(struct hg_frame *f);
static uint64_t idt[256];
static unsigned n_tests, n_failed;
static uint8_t hcall_page[4096] __attribute__((aligned(4096)));
static uint32_t tss[26];
extern uint64_t hg_gdt[];
extern char hg_stubs[];

void hg_puts(const char *s)
{
	while (*s)
		outb(0xe9, (uint8_t)*s++);
}

static void put_num(uint32_t v, unsigned base, int width)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width)
		buf[n++] = '0';
	while (n)
		outb(0xe9, (uint8_t)buf[--n]);
}

void hg_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int width = 0;

		if (*fmt != '%') {
			outb(0xe9, (uint8_t)*fmt);
			continue;
		}
		fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		switch (*fmt) {
		case 'd': {
			int v = va_arg(ap, int);

			if (v < 0) {
				outb(0xe9, '-');
				v = -v;
			}
			put_num((unsigned)v, 10, width);
			break;
		}
		case 'u': put_num(va_arg(ap, unsigned), 10, width); break;
		case 'x': put_num(va_arg(ap, unsigned), 16, width); break;
		case 's': hg_puts(va_arg(ap, const char *)); break;
		default: outb(0xe9, (uint8_t)*fmt); break;
		}
	}
	va_end(ap);
}

void hg_ok(bool cond, const char *what)
{
	n_tests++;
	if (!cond)
		n_failed++;
	hg_printf("%sok %u - %s\n", cond ? "" : "not ", n_tests, what);
}

/* Power off through Xen's SCHEDOP_shutdown if the hypercall page works,
 * else stop with a triple fault (a reboot). */
void hg_done(void)
{
	uint32_t reason = 0;   /* SHUTDOWN_poweroff */

	hg_printf("1..%u\n", n_tests);
	hg_printf("hvm guest: %s\n", n_failed || !n_tests ? "FAILED" : "PASSED");
	if (hg_hypercall_init())
		hg_hypercall(29, 2 /* SCHEDOP_shutdown */, (uint32_t)&reason, 0);
	cli();
	for (;;)
		__asm__ volatile("lidt %0; int3" :: "m"(hg_count[0]));
}

void hg_trap(struct hg_frame *f)
{
	hg_count[f->vector & 0xff]++;
	if (handlers[f->vector & 0xff])
		handlers[f->vector & 0xff](f);
	else if (f->vector < 32)
		hg_printf("hvm guest: exception %u at %x err %x\n", f->vector, f->eip, f->err);
}

void hg_set_handler(uint8_t vec, void (*fn)(struct hg_frame *f))
{
	handlers[vec] = fn;
}

void hg_idt_init(void)
{
	struct { uint16_t limit; uint32_t base; } __attribute__((packed)) d = {
		sizeof(idt) - 1, (uint32_t)idt,
	};

	for (int i = 0; i < 256; i++) {
		uint32_t a = (uint32_t)(hg_stubs + 16 * i);
		/* 32-bit interrupt gates; 0x80 may be called from ring 3 */
		uint64_t dpl = i == 0x80 ? 3 : 0;

		idt[i] = (a & 0xffff) | (0x08ull << 16) | ((0x8eull | dpl << 5) << 40) |
			 ((uint64_t)(a >> 16) << 48);
	}
	__asm__ volatile("lidt %0" :: "m"(d));
}

bool hg_wait(volatile uint32_t *counter, uint32_t target, uint32_t max_halts)
{
	for (uint32_t i = 0; i < max_halts && *counter < target; i++)
		sti_hlt();
	return *counter >= target;
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

uint32_t hg_xen_base(void)
{
	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		uint32_t r[4];

		cpuid(base, r);
		if (r[1] == 0x566e6558 && r[2] == 0x65584d4d && r[3] == 0x4d4d566e)
			return base;
	}
	return 0;
}

bool hg_hypercall_init(void)
{
	uint32_t base = hg_xen_base(), r[4];

	if (!base)
		return false;
	cpuid(base + 2, r);
	__asm__ volatile("wrmsr" :: "c"(r[1]), "a"((uint32_t)hcall_page), "d"(0));
	return hcall_page[0] == 0xb8;
}

long hg_hypercall(unsigned nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	long ret;
	void *stub = hcall_page + nr * 32;

	__asm__ volatile("call *%1" : "=a"(ret) : "r"(stub), "b"(a1), "c"(a2), "d"(a3) : "memory");
	return ret;
}

/* ---- ring 3 ---- */

extern void hg_ring3_enter(void (*fn)(void), uint32_t *esp0);
extern char hg_ring0_return[];

/* int $0x80 from ring 3: resume hg_ring3_enter's caller in ring 0. */
static void back_to_ring0(struct hg_frame *f)
{
	f->eip = (uint32_t)hg_ring0_return;
	f->cs = 0x08;
}

void hg_ring3(void (*fn)(void))
{
	uint64_t base = (uint32_t)tss;

	tss[2] = 0x10;                  /* ss0; esp0 is set on entry */
	tss[25] = sizeof(tss) << 16;    /* I/O bitmap beyond the limit: none */
	hg_gdt[5] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
		    ((base >> 24) << 56);
	__asm__ volatile("ltr %w0" :: "r"(0x28));
	hg_set_handler(0x80, back_to_ring0);
	hg_ring3_enter(fn, &tss[1]);
}

void hg_pic_init(uint8_t base_master, uint8_t base_slave)
{
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, base_master);
	outb(0xa1, base_slave);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void hg_pit_periodic(uint16_t count)
{
	outb(0x43, 0x34);             /* channel 0, lo/hi, mode 2 */
	outb(0x40, (uint8_t)count);
	outb(0x40, (uint8_t)(count >> 8));
}

const char *hg_multiboot_cmdline(uint32_t magic, uint32_t info)
{
	if (magic != 0x2badb002 || !(*(uint32_t *)info & 4))
		return "";
	return (const char *)*(uint32_t *)(info + 16);
}

__attribute__((weak)) void hg_ap_main(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
