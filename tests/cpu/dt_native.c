/* The native side of the differential test: a child process maps the code
 * and data pages at the shared addresses, installs a seccomp filter (only
 * exit and write remain), then for each case loads every register with a
 * small assembly stub and jumps to the code. The sequence ends with INT3 or
 * an earlier fault; the signal handler (on an alternate stack, since RSP
 * points into the data page) records registers from the signal context and
 * resumes the runner. A case that kills the child is marked invalid and the next
 * child resumes after it. */
#include "tests/cpu/dt.h"

#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

_Static_assert(offsetof(struct dt_regs, rflags) == 128, "stub offsets");
_Static_assert(offsetof(struct dt_regs, xmm) == 144, "stub offsets");
_Static_assert(offsetof(struct dt_regs, fcw) == 400, "stub offsets");
_Static_assert(offsetof(struct dt_regs, mxcsr) == 404, "stub offsets");

void dt_enter(const struct dt_regs *r);
void dt_enter32(const struct dt_regs *r);
void dt_resume(void);

/* dt_enter saves the callee-saved registers and the stack pointer, loads
 * XMM, x87 control, RFLAGS and the GPRs (RDI last), then jumps to the code.
 * The signal handler ends the run by pointing the interrupted context at
 * dt_resume, which returns from dt_enter as if it were an ordinary call
 * (no longjmp: nothing for sanitizers to intercept). */
__asm__(".text\n"
	".globl dt_enter\n"
	".type dt_enter,@function\n"
	"dt_enter:\n"
	"  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
	"  mov %rsp, dt_saved_rsp(%rip)\n"
	"  movdqu 144(%rdi),%xmm0\n  movdqu 160(%rdi),%xmm1\n"
	"  movdqu 176(%rdi),%xmm2\n  movdqu 192(%rdi),%xmm3\n"
	"  movdqu 208(%rdi),%xmm4\n  movdqu 224(%rdi),%xmm5\n"
	"  movdqu 240(%rdi),%xmm6\n  movdqu 256(%rdi),%xmm7\n"
	"  movdqu 272(%rdi),%xmm8\n  movdqu 288(%rdi),%xmm9\n"
	"  movdqu 304(%rdi),%xmm10\n  movdqu 320(%rdi),%xmm11\n"
	"  movdqu 336(%rdi),%xmm12\n  movdqu 352(%rdi),%xmm13\n"
	"  movdqu 368(%rdi),%xmm14\n  movdqu 384(%rdi),%xmm15\n"
	"  fninit\n  fldcw 400(%rdi)\n  ldmxcsr 404(%rdi)\n"
	"  pushq 128(%rdi)\n  popfq\n"
	"  mov 0(%rdi),%rax\n  mov 8(%rdi),%rcx\n  mov 16(%rdi),%rdx\n  mov 24(%rdi),%rbx\n"
	"  mov 32(%rdi),%rsp\n  mov 40(%rdi),%rbp\n  mov 48(%rdi),%rsi\n"
	"  mov 64(%rdi),%r8\n  mov 72(%rdi),%r9\n  mov 80(%rdi),%r10\n  mov 88(%rdi),%r11\n"
	"  mov 96(%rdi),%r12\n  mov 104(%rdi),%r13\n  mov 112(%rdi),%r14\n  mov 120(%rdi),%r15\n"
	"  mov 56(%rdi),%rdi\n"
	"  jmp *dt_target(%rip)\n"
	".size dt_enter, .-dt_enter\n"
	".globl dt_resume\n"
	".type dt_resume,@function\n"
	"dt_resume:\n"
	"  mov dt_saved_rsp(%rip), %rsp\n"
	"  cld\n"
	"  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
	"  ret\n"
	".size dt_resume, .-dt_resume\n"
	".section .rodata\n"
	"dt_target: .quad 0x200000\n"
	".bss\n"
	".balign 8\n"
	"dt_saved_rsp: .quad 0\n"
	".text\n");

/* The same for 32-bit code: DS/ES get Linux's user data selector (a null
 * selector faults in compatibility mode), then a far jump to CS 0x23. */
__asm__(".text\n"
	".globl dt_enter32\n"
	".type dt_enter32,@function\n"
	"dt_enter32:\n"
	"  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
	"  mov %rsp, dt_saved_rsp(%rip)\n"
	"  mov $0x2b, %eax\n  mov %eax, %ds\n  mov %eax, %es\n"
	"  movdqu 144(%rdi),%xmm0\n  movdqu 160(%rdi),%xmm1\n"
	"  movdqu 176(%rdi),%xmm2\n  movdqu 192(%rdi),%xmm3\n"
	"  movdqu 208(%rdi),%xmm4\n  movdqu 224(%rdi),%xmm5\n"
	"  movdqu 240(%rdi),%xmm6\n  movdqu 256(%rdi),%xmm7\n"
	"  movdqu 272(%rdi),%xmm8\n  movdqu 288(%rdi),%xmm9\n"
	"  movdqu 304(%rdi),%xmm10\n  movdqu 320(%rdi),%xmm11\n"
	"  movdqu 336(%rdi),%xmm12\n  movdqu 352(%rdi),%xmm13\n"
	"  movdqu 368(%rdi),%xmm14\n  movdqu 384(%rdi),%xmm15\n"
	"  fninit\n  fldcw 400(%rdi)\n  ldmxcsr 404(%rdi)\n"
	"  pushq 128(%rdi)\n  popfq\n"
	"  mov 0(%rdi),%rax\n  mov 8(%rdi),%rcx\n  mov 16(%rdi),%rdx\n  mov 24(%rdi),%rbx\n"
	"  mov 32(%rdi),%rsp\n  mov 40(%rdi),%rbp\n  mov 48(%rdi),%rsi\n"
	"  mov 64(%rdi),%r8\n  mov 72(%rdi),%r9\n  mov 80(%rdi),%r10\n  mov 88(%rdi),%r11\n"
	"  mov 96(%rdi),%r12\n  mov 104(%rdi),%r13\n  mov 112(%rdi),%r14\n  mov 120(%rdi),%r15\n"
	"  mov 56(%rdi),%rdi\n"
	"  ljmpl *dt_far32(%rip)\n"
	".size dt_enter32, .-dt_enter32\n"
	".section .rodata\n"
	"dt_far32: .long 0x200000\n  .word 0x23\n"
	".text\n");

/* ucontext greg index of each GPR in encoding order */
static const int greg_of[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
				 REG_RSI, REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11,
				 REG_R12, REG_R13, REG_R14, REG_R15 };

/* child-process state for the signal handler */
static struct dt_result *dt_cur;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	mcontext_t *mc = &uc->uc_mcontext;

	for (int i = 0; i < 16; i++)
		dt_cur->out.gpr[i] = mc->gregs[greg_of[i]];
	dt_cur->out.rflags = mc->gregs[REG_EFL];
	dt_cur->out.rip = mc->gregs[REG_RIP];
	dt_cur->vector = mc->gregs[REG_TRAPNO];
	for (int i = 0; i < 16; i++)
		memcpy(dt_cur->out.xmm[i], mc->fpregs->_xmm[i].element, 16);
	dt_cur->out.fcw = mc->fpregs->cwd;
	dt_cur->out.fsw = mc->fpregs->swd;
	dt_cur->out.mxcsr = mc->fpregs->mxcsr;
	mc->gregs[REG_RIP] = (greg_t)(uintptr_t)dt_resume;
	/* back to 64-bit code: CS is the low 16 bits of CSGSFS */
	mc->gregs[REG_CSGSFS] = (mc->gregs[REG_CSGSFS] & ~0xffffll) | 0x33;
	mc->gregs[REG_EFL] = 0x202;
}

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
/* ASan's runtime (its allocator, stack bookkeeping) needs memory calls */
static const int san_calls[] = { SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(madvise),
				 SCMP_SYS(mprotect), SCMP_SYS(getpid), SCMP_SYS(gettid) };
#else
static const int san_calls[] = { SCMP_SYS(exit) };
#endif

static int seccomp_load_extra(scmp_filter_ctx f)
{
	for (size_t i = 0; i < sizeof(san_calls) / sizeof(san_calls[0]); i++)
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, san_calls[i], 0))
			return -1;
	return seccomp_load(f);
}

static int child_setup(void)
{
	static uint8_t altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	struct rlimit cpu = { 30, 30 };
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP };
	void *p = mmap((void *)DT_CODE, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	scmp_filter_ctx f;

	if (p != (void *)DT_CODE || sigaltstack(&ss, NULL))
		return -1;
	setrlimit(RLIMIT_CPU, &cpu);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	f = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!f || seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(exit), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(write), 0) ||
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigreturn), 0) ||
	    /* sanitizer runtimes check the alternate stack */
	    seccomp_rule_add(f, SCMP_ACT_ALLOW, SCMP_SYS(sigaltstack), 0) ||
	    seccomp_load_extra(f))
		return -1;
	seccomp_release(f);
	return 0;
}

static __attribute__((noinline)) void child_one(const struct dt_case *c, struct dt_result *r)
{
	uint8_t *code = (uint8_t *)DT_CODE, *data = (uint8_t *)DT_DATA;

	dt_cur = r;
	dt_fill_data(c, data);
	memcpy(code, c->code, c->len);
	code[c->len] = 0xcc;
	if (c->mode == 32)
		dt_enter32(&c->in);
	else
		dt_enter(&c->in);
	dt_cur->data_hash = dt_hash(data, DT_DATA_SIZE);
	dt_cur->valid = true;
}

static void child_run(const struct dt_case *cases, struct dt_result *res, int from, int n,
		      volatile int *progress)
{
	for (int i = from; i < n; i++) {
		*progress = i;
		child_one(&cases[i], &res[i]);
	}
}

int dt_native_run(const struct dt_case *cases, struct dt_result *results, int n)
{
	size_t sz = sizeof(*results) * n + 64;
	struct dt_result *sh = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *progress;
	int from = 0, rc = 0;

	if (sh == MAP_FAILED)
		return -1;
	progress = (volatile int *)(sh + n);
	while (from < n) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			rc = -1;
			break;
		}
		if (pid == 0) {
			if (child_setup())
				_exit(99);
			child_run(cases, sh, from, n, progress);
			_exit(0);
		}
		*progress = from;
		if (waitpid(pid, &status, 0) < 0) {
			rc = -1;
			break;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			break;
		/* set-up failure, or the sandbox refused a call: no case is to blame */
		if ((WIFEXITED(status) && WEXITSTATUS(status) == 99) ||
		    (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)) {
			rc = -1;
			break;
		}
		from = *progress + 1;    /* the case at *progress killed the child */
	}
	memcpy(results, sh, sizeof(*results) * n);
	munmap(sh, sz);
	return rc;
}
