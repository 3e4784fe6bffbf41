/* hostile: a guest that attacks its sandbox. The first word of the command
 * line picks the attack; the test checks each one is contained and vmhv
 * keeps serving other domains:
 *   syscalls   raw host system calls (openat, execve, socket, ptrace, mmap,
 *              kill, getuid): each comes back as the hypercall of that
 *              number (mmap = 9 = get_debugreg), never as the host's call
 *   int80      an i386 system call through int $0x80: the sandbox dies
 *   wild       writes far outside its memory: the domain crashes
 *   flood      100000 hypercalls with garbage numbers and pointers
 *   spin       never yields, never stops (destroyed from outside) */
#include "tg.h"

static long raw_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static void attack_syscalls(void)
{
	static const struct { const char *name; long nr, a, b, c, d, e, f; } calls[] = {
		{ "openat", 257, -100, (long)"/etc/passwd", 0, 0, 0, 0 },
		{ "execve", 59, (long)"/bin/sh", 0, 0, 0, 0, 0 },
		{ "socket", 41, 2, 1, 0, 0, 0, 0 },
		{ "ptrace", 101, 16, 1, 0, 0, 0, 0 },
		{ "mmap_anon", 9, 0, 4096, 3, 0x22, -1, 0 },
		{ "mmap_fd0", 9, 0, 4096, 3, 0x01, 0, 0 },
		{ "kill", 62, 1, 9, 0, 0, 0, 0 },
		{ "getuid", 102, 0, 0, 0, 0, 0, 0 },
	};

	for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		tg_report(calls[i].name, raw_syscall6(calls[i].nr, calls[i].a, calls[i].b,
						      calls[i].c, calls[i].d, calls[i].e, calls[i].f));
}

static unsigned long rng = 88172645463325252ul;

static unsigned long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Garbage everywhere except the calls that would just end this guest
 * (shutdown) or re-point its own handlers and pages at garbage. */
static void attack_flood(void)
{
	unsigned long done = 0;

	for (int i = 0; i < 100000; i++) {
		unsigned nr = (unsigned)(next() % 64);

		if (nr == __HYPERVISOR_sched_op || nr == __HYPERVISOR_set_trap_table ||
		    nr == __HYPERVISOR_update_va_mapping || nr == __HYPERVISOR_set_callbacks ||
		    nr == __HYPERVISOR_callback_op || nr == __HYPERVISOR_iret ||
		    nr == __HYPERVISOR_vcpu_op)
			continue;
		hypercall5(nr, (long)(next() % 16), (long)next(), (long)next(), (long)next(),
			   (long)next());
		done++;
	}
	tg_report("flood_calls", done > 0);
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	const char *cmd = (const char *)si->cmd_line;

	tg_puts("hostile guest\n");
	if (tg_has_word(cmd, "syscalls"))
		attack_syscalls();
	if (tg_has_word(cmd, "int80")) {
		long ret;

		__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
		tg_report("int80_survived", ret);
	}
	if (tg_has_word(cmd, "wild")) {
		volatile char *far = (volatile char *)(0x40000000ul + (si->nr_pages << 12) +
						       (64ul << 20));
		*far = 1;
		tg_puts("wild write survived\n");
	}
	if (tg_has_word(cmd, "flood"))
		attack_flood();
	if (tg_has_word(cmd, "spin"))
		for (;;)
			;
	tg_puts("still here\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
