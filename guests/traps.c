/* Exceptions.  Xen delivers them through the virtual IDT we give it with
 * set_trap_table; this kernel never expects one, so each is reported with
 * the registers and a short stack dump, and the domain crashes. */
#include "kernel.h"
#include "hypercall.h"
#include "schedop.h"

/* What boot.S's trap_common leaves on the stack, lowest address first. */
struct trap_frame {
	unsigned long r15, r14, r13, r12, r11, r10, r9, r8;
	unsigned long rbp, rdi, rsi, rdx, rcx, rbx, rax;
	unsigned long vector, error;
	unsigned long rip, cs, rflags, rsp, ss;
};

#define TRAP_ENTRY(v) extern char trap_entry_##v[];
#define TRAP_LIST(X) X(0) X(1) X(3) X(4) X(5) X(6) X(7) X(8) X(10) X(11) \
	X(12) X(13) X(14) X(16) X(17) X(18) X(19)
TRAP_LIST(TRAP_ENTRY)

static const char *const trap_names[] = {
	[0] = "divide error", [1] = "debug", [3] = "breakpoint",
	[4] = "overflow", [5] = "bound range", [6] = "invalid opcode",
	[7] = "device not available", [8] = "double fault",
	[10] = "invalid TSS", [11] = "segment not present",
	[12] = "stack fault", [13] = "general protection",
	[14] = "page fault", [16] = "x87 error", [17] = "alignment check",
	[18] = "machine check", [19] = "SIMD error",
};

#define TRAP_INFO(v) { .vector = v, .flags = 0, .cs = FLAT_KERNEL_CS, \
		       .address = (unsigned long)trap_entry_##v },
static const struct trap_info trap_table[] = {
	TRAP_LIST(TRAP_INFO)
	{ 0 }	/* address 0 ends the table */
};
#undef TRAP_INFO

void traps_fill(struct trap_info ctxt[256])
{
	for (const struct trap_info *t = trap_table; t->address; t++)
		ctxt[t->vector] = *t;
}

void traps_init(struct kernel *k)
{
	long rc = hv_set_trap_table(trap_table);

	if (rc < 0)
		printk("traps: set_trap_table failed (%ld); faults will be "
		       "reported by the hypervisor only\n", rc);
}

static void dump_stack(unsigned long rsp)
{
	unsigned long *sp = (unsigned long *)rsp;
	unsigned long top = (rsp | (STACK_SIZE - 1)) + 1;

	printk("stack:");
	for (int i = 0; i < 16 && (unsigned long)(sp + i) < top; i++)
		printk("%s %016lx", i % 4 ? "" : "\n ", sp[i]);
	printk("\n");
}

void traps_handle(struct trap_frame *f)
{
	struct cpu *cpu = cpu_self();
	const char *name = "failsafe callback";

	if (f->vector < ARRAY_SIZE(trap_names) && trap_names[f->vector])
		name = trap_names[f->vector];
	else if (f->vector != 256)
		name = "unknown";
	printk("\n*** vCPU %u: %s (vector %lu, error 0x%lx) at rip %016lx\n",
	       cpu->id, name, f->vector, f->error, f->rip);
	if (f->vector == 14 && cpu->vcpu_info)
		printk("    fault address %016lx\n", cpu->vcpu_info->arch.cr2);
	printk("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
	       f->rax, f->rbx, f->rcx, f->rdx);
	printk("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n",
	       f->rsi, f->rdi, f->rbp, f->rsp);
	printk("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n",
	       f->r8, f->r9, f->r10, f->r11);
	printk("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n",
	       f->r12, f->r13, f->r14, f->r15);
	printk("cs %04lx ss %04lx rflags %08lx\n", f->cs & 0xffff, f->ss,
	       f->rflags);
	dump_stack(f->rsp);
	sched_shutdown(cpu->k, SHUTDOWN_crash);
}

void panic(const char *fmt, ...)
{
	struct cpu *cpu = cpu_self();
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\n*** panic: %s\n", buf);
	sched_shutdown(cpu->k, SHUTDOWN_crash);
}
