/* Event and exception entry points for the test guests, Xen x86-64 PV
 * style. The hypervisor enters them on the guest stack with a bounce frame
 * { RCX, R11, [error code,] RIP, CS, RFLAGS, RSP, SS } (lowest first) and
 * they return with the iret hypercall. */

#define HYPERCALL_IRET (hypercall_page + 23 * 32)

.macro SAVE_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro RESTORE_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

	.text
/* Event upcall: tg_event_handler() runs with events masked. */
	.globl tg_event_entry
tg_event_entry:
	popq %rcx
	popq %r11
	SAVE_REGS
	movq %rsp, %rbp
	andq $-16, %rsp
	call tg_event_handler
	movq %rbp, %rsp
	RESTORE_REGS
	pushq $0                        /* iret flags */
	jmp HYPERCALL_IRET

/* Exceptions: tg_trap_handler(vector, error, frame) may move frame->rip. */
.macro TRAP vec, has_err
	.globl tg_trap_\vec
tg_trap_\vec:
	popq %rcx
	popq %r11
	.if \has_err == 0
	pushq $0
	.endif
	SAVE_REGS
	movq $\vec, %rdi
	movq 15*8(%rsp), %rsi           /* error code */
	leaq 16*8(%rsp), %rdx           /* { rip, cs, rflags, rsp, ss } */
	movq %rsp, %rbp
	andq $-16, %rsp
	call tg_trap_handler
	movq %rbp, %rsp
	RESTORE_REGS
	addq $8, %rsp                   /* the error code */
	pushq $0
	jmp HYPERCALL_IRET
.endm

	TRAP 0, 0
	TRAP 1, 0
	TRAP 3, 0
	TRAP 6, 0
	TRAP 13, 1
	TRAP 14, 1
	TRAP 32, 0

	.section .note.GNU-stack, "", @progbits
