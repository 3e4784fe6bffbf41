/* The tiny runtime of the test guests: hypercalls through the hypercall
 * page, console output through console_io, and a few string helpers.
 * Freestanding (GUEST_CFLAGS), against the Xen ABI headers only. */
#ifndef TESTS_GUESTS_TG_H
#define TESTS_GUESTS_TG_H

#include <stddef.h>
#include <stdint.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/start_info.h>
#include <vmctl/xen/version.h>
#include <vmctl/xen/event_channel.h>
#include <vmctl/xen/io/console.h>

extern char hypercall_page[];
/* VIRT_BASE (from the link map): pseudo-physical P is virtual
 * __virt_base + P in the bootstrap area. */
extern char __virt_base[];

/* Xen's x86-64 PV convention: rdi, rsi, rdx, r10, r8; result in rax. */
static inline long hypercall5(unsigned nr, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	long ret;

	__asm__ volatile("call *%[fn]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [fn] "r"(hypercall_page + nr * 32)
			 : "memory", "rcx", "r11");
	return ret;
}

#define hypercall2(nr, a, b) hypercall5((nr), (long)(a), (long)(b), 0, 0, 0)
#define hypercall3(nr, a, b, c) hypercall5((nr), (long)(a), (long)(b), (long)(c), 0, 0)

void tg_puts(const char *s);
/* Write to the PV console ring (start_info.console) and notify dom0. */
void tg_ring_puts(start_info_t *si, const char *s);
void tg_put_dec(long v);
void tg_put_hex(unsigned long v);
/* "name: value\n" lines, the format the tests grep. */
void tg_report(const char *name, long value);

/* Xen system time in ns from a vcpu_time_info (pvclock: rdtsc scaled). */
uint64_t tg_system_time(const volatile struct vcpu_time_info *t);

size_t tg_strlen(const char *s);
int tg_strcmp(const char *a, const char *b);
/* Is `word` one of the space-separated words of `s`? */
int tg_has_word(const char *s, const char *word);

__attribute__((noreturn)) void tg_shutdown(unsigned reason);

void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

/* Each guest defines this. */
void guest_main(start_info_t *si, unsigned long boot_sp);

#endif
