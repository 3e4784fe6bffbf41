/* The hvm test guest's small runtime: port I/O, output to the debug port,
 * the IDT, interrupt counters, Xen's hypercall page, ring 3. */
#ifndef VMCTL_TESTS_HVM_GUEST_HG_H
#define VMCTL_TESTS_HVM_GUEST_HG_H

#include <stdbool.h>
#include <stdint.h>

struct hg_frame {
	uint32_t es, ds;
	uint32_t edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	uint32_t vector, err;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;   /* only from ring 3 */
};

static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t mmio_read(uint32_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
/* Wait for an interrupt: sti;hlt has no window between them. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt; cli" ::: "memory"); }

/* Output to port 0xe9 (the domain's log). */
void hg_puts(const char *s);
void hg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The multiboot v1 command line (info's flag bit 2), "" without one. */
const char *hg_multiboot_cmdline(uint32_t magic, uint32_t info);
/* start.S's second-vCPU entry. hg.c's default parks the vCPU (cli; hlt)
 * for the guests that run on one; a guest that uses its APs defines
 * its own. */
void hg_ap_main(void);

/* "ok N - what" / "not ok N - what", TAP style. */
void hg_ok(bool cond, const char *what);
void hg_done(void) __attribute__((noreturn));

/* Interrupts: counts per vector; a handler may also be set. */
extern volatile uint32_t hg_count[256];
void hg_idt_init(void);
void hg_set_handler(uint8_t vec, void (*fn)(struct hg_frame *f));
bool hg_wait(volatile uint32_t *counter, uint32_t target, uint32_t max_halts);

/* Xen: the CPUID base (0 if none), the hypercall page. */
uint32_t hg_xen_base(void);
bool hg_hypercall_init(void);
long hg_hypercall(unsigned nr, uint32_t a1, uint32_t a2, uint32_t a3);
/* Run fn at CPL 3; it returns with hg_ring0 (int $0x80). */
void hg_ring3(void (*fn)(void));

void hg_pic_init(uint8_t base_master, uint8_t base_slave);
void hg_pit_periodic(uint16_t count);

#endif
