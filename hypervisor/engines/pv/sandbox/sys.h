/* Raw Linux system calls for the sandbox program, which has no libc: libc
 * would want TLS through %fs and the guest shares the thread with us. */
#ifndef VMHV_PV_SYS_H
#define VMHV_PV_SYS_H

#include <stddef.h>
#include <stdint.h>

static inline long sys6(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys3(nr, a, b, c) sys6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)

#define NR_read 0
#define NR_write 1
#define NR_close 3
#define NR_mmap 9
#define NR_mprotect 10
#define NR_munmap 11
#define NR_rt_sigaction 13
#define NR_rt_sigprocmask 14
#define NR_sched_yield 24
#define NR_getpid 39
#define NR_getppid 110
#define NR_sigaltstack 131
#define NR_exit 60
#define NR_kill 62
#define NR_geteuid 107
#define NR_setresuid 117
#define NR_setresgid 119
#define NR_setgroups 116
#define NR_prctl 157
#define NR_arch_prctl 158
#define NR_gettid 186
#define NR_futex 202
#define NR_exit_group 231
#define NR_tgkill 234
#define NR_perf_event_open 298
#define NR_seccomp 317
#define NR_pkey_mprotect 329
#define NR_pkey_alloc 330
#define SECCOMP_SET_MODE_FILTER 1

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define PR_SET_PDEATHSIG 1
#define PR_SET_DUMPABLE 4
#define PR_SET_NO_NEW_PRIVS 38
#define AT_PHDR 3
#define AT_PHNUM 5
#define AT_HWCAP2 26
#define HWCAP2_FSGSBASE (1u << 1)

static inline __attribute__((noreturn)) void sys_exit_group(int code)
{
	for (;;)
		sys3(NR_exit_group, code, 0, 0);
}

/* Write a message to stderr (fd 2 is closed in production: harmless). */
static inline void sys_puts(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	sys3(NR_write, 2, s, n);
}

/* The kernel's signal frame (x86-64 ucontext: gregs in sigcontext order,
 * then the saved FPU state) and sigaction. */
enum {
	G_R8, G_R9, G_R10, G_R11, G_R12, G_R13, G_R14, G_R15, G_RDI, G_RSI, G_RBP,
	G_RBX, G_RDX, G_RAX, G_RCX, G_RSP, G_RIP, G_EFL, G_CSGSFS, G_ERR, G_TRAPNO,
	G_OLDMASK, G_CR2, G_NR
};
struct kucontext {
	uint64_t flags, link;
	uint64_t ss_sp, ss_flags, ss_size;
	uint64_t gregs[G_NR];
	const uint8_t *fpregs;
};

struct ksigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_RESTORER 0x04000000

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#endif
