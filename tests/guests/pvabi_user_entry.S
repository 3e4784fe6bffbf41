/* pvabi_user's assembly: the kernel's syscall callback, the jump to user
 * mode, and the user program (copied to its own page, position
 * independent: the kernel hands it its addresses in registers). */
#define HYPERCALL_IRET (hypercall_page + 23 * 32)
#define VGCF_IN_SYSCALL 0x100
/* The iret stub where the user tables map the hypercall page (USER_VA +
 * 2 pages, pvabi_user.c). */
#define USER_IRET_STUB (0x100000000000 + 2 * 4096 + 23 * 32)

	.text
/* Xen enters it on the kernel stack (stack_switch) with
 * { RCX, R11, RIP, CS, RFLAGS, RSP, SS }; it returns sysret-style. */
	.globl pvabi_syscall_entry
pvabi_syscall_entry:
	popq %rcx
	popq %r11
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	movq %rax, %rdi
	leaq 9*8(%rsp), %rsi            /* { rip, cs, rflags, rsp, ss } */
	movq 7*8(%rsp), %rdx            /* rcx as the callback got it */
	movq 4*8(%rsp), %rcx            /* the user's rdi */
	movq 5*8(%rsp), %r8             /* the user's rsi */
	movq 6*8(%rsp), %r9             /* the user's rdx */
	call pvabi_syscall
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	pushq $VGCF_IN_SYSCALL
	jmp HYPERCALL_IRET

/* void pvabi_enter_user(rip, rsp, rbx, r12, r14, r15): iret to CS.RPL 3
 * with those registers for the user program. */
	.globl pvabi_enter_user
pvabi_enter_user:
	movq %rdx, %rbx
	movq %rcx, %r12
	movq %r8, %r14
	movq %r9, %r15
	movq $USER_IRET_STUB, %r13
	pushq $0xe02b                   /* ss */
	pushq %rsi                      /* rsp */
	pushq $0x202                    /* rflags */
	pushq $0xe033                   /* cs: user mode */
	pushq %rdi                      /* rip */
	pushq $0                        /* flags */
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %r11d, %r11d
	jmp HYPERCALL_IRET

/* The user program: %r12 system calls (1), then syscall 2; then, as a
 * hostile program would, it opens every memory protection key with WRPKRU
 * where the CPU has them (CPUID.7.0:ECX.OSPKE; the kernel turns the
 * WRPKRU into NOPs for a run that is not "hostile"), then a read of
 * kernel memory at %rbx into %rdx (0 before) and one of the sandbox's
 * physmap at %r14 (both must fault; each access is 3 bytes), a write into the sandbox's own data
 * at %r15 (faults with memory protection keys), a call of the iret stub
 * at %r13 (a system call from user mode, as on Xen), then syscall 3 with its
 * GS base in %rsi and what it read of the kernel in %rdx (the kernel
 * reports and powers off). Data below %rsp (the red zone a user
 * program may use) must survive the system calls. */
	.globl pvabi_user_code, pvabi_user_code_end
pvabi_user_code:
	movq $0x2ed2011e, %rbp
	movq %rbp, -8(%rsp)
1:	movl $1, %eax
	syscall
	decq %r12
	jnz 1b
	movl $2, %eax
	syscall
	movq %rbx, %r8
	movl $7, %eax
	xorl %ecx, %ecx
	cpuid
	movq %r8, %rbx
	testl $0x10, %ecx
	jz 2f
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	.globl pvabi_user_wrpkru
pvabi_user_wrpkru:
	wrpkru
2:	xorl %edx, %edx
	movq (%rbx), %rdx
	movq (%r14), %rax
	movq %rax, (%r15)
	leaq -128(%rsp), %rsp           /* past the red zone */
	movl $23, %eax
	call *%r13                      /* the iret stub: a system call */
	leaq 128(%rsp), %rsp
	movq -8(%rsp), %rdi
	rdgsbase %rsi
	movl $3, %eax
	syscall
	ud2
pvabi_user_code_end:

/* "smp" mode's user program, on both vCPUs at once: %r12 system calls 5
 * with its vCPU's id (%rbx) in %rdi, then system call 6; if that returns
 * (vCPU 1), it reads the word at %r14 for ever, never entering its kernel
 * unless the read faults (each fault skips the 3-byte read). */
	.globl pvabi_user_smp, pvabi_user_smp_end
pvabi_user_smp:
1:	movq %rbx, %rdi
	movl $5, %eax
	syscall
	decq %r12
	jnz 1b
	movq %rbx, %rdi
	movl $6, %eax
	syscall
2:	movq (%r14), %rax
	jmp 2b
pvabi_user_smp_end:

/* "harm" mode's hostile programs (pvabi_user.c), each entered with its
 * stack at the top of the user stack page, whose bottom holds the
 * parameters: [0, 8) the user process's writable range, [16, 24) its
 * runners' stacks, 32: a far pointer with a bad selector, 48: where its
 * pointer to the exit records is. A fault resumes
 * 3 bytes on (pvabi_lib's handler): each faulting instruction is padded
 * to 3 bytes before a spin. */
#define HARM_PARAM (0x100000000000 + 4096)
	.globl pvabi_user_harm, pvabi_user_harm_end
	.globl harm_spin, harm_rsp0, harm_rspnc, harm_ud2, harm_int3, harm_hlt, harm_ljmp
	.globl harm_crash, harm_hang
pvabi_user_harm:
harm_spin:                              /* no system call, ever */
	jmp harm_spin
harm_rsp0:                              /* no stack for a signal */
	xorl %esp, %esp
1:	jmp 1b
harm_rspnc:                             /* a non-canonical stack */
	movabsq $0x8000000000001000, %rsp
1:	jmp 1b
harm_ud2:
	ud2
	nop
1:	jmp 1b
harm_int3:
	int3
1:	jmp 1b
harm_hlt:                               /* privileged: #GP */
	hlt
	nop
	nop
1:	jmp 1b
harm_ljmp:                              /* a far jump to a bad selector: #GP */
	movabsq $HARM_PARAM + 32, %rax
	ljmpl *(%rax)
	nop
1:	jmp 1b
/* Garbage over every writable byte of the user process. */
harm_crash:
	movabsq $HARM_PARAM, %rbx
	movq 0(%rbx), %rdi
	movq 8(%rbx), %rsi
	movabsq $0xdeadbeefdeadbeef, %rax
1:	cmpq %rsi, %rdi
	jae 2f
	movq %rax, (%rdi)
	addq $8, %rdi
	jmp 1b
2:	jmp 2b
/* The runner's pointer to its exit records made to point into its own
 * stacks (the address at 48 in the parameters): its reports go where
 * the sandbox never looks, and its vCPU waits for an answer that never
 * comes. */
harm_hang:
	movabsq $HARM_PARAM, %rbx
	movq 48(%rbx), %rdi
	movq 16(%rbx), %rdx
	movq %rdx, (%rdi)
1:	jmp 1b
pvabi_user_harm_end:

/* vCPU 1's first instructions (VCPUOP_initialise): a C call. */
	.globl pvabi_smp_entry
pvabi_smp_entry:
	call pvabi_smp_main
	ud2

/* "save" mode's user program: counts in the word at %r12 for ever; every
 * 2^20 counts a read of kernel memory at %rbx (a #PF, skipped) and
 * system call 4 with the count in %rdi. */
	.globl pvabi_user_count, pvabi_user_count_end
pvabi_user_count:
1:	incq (%r12)
	testl $0xfffff, (%r12)
	jnz 1b
	movq (%rbx), %rax
	movq (%r12), %rdi
	movl $4, %eax
	syscall
	jmp 1b
pvabi_user_count_end:

	.section .note.GNU-stack, "", @progbits
