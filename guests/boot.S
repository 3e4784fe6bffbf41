/* Entry points of the vmctl PV kernel: the Xen ELF notes, the start of day,
 * the event upcall, the failsafe callback and the exception stubs.
 *
 * Xen's x86-64 PV conventions apply throughout: the kernel starts with
 * %rsi = start_info; an event or exception arrives on the current stack as a
 * "bounce frame" { RCX, R11, [error code,] RIP, CS, RFLAGS, RSP, SS } (lowest
 * address first) with events masked; and the way back is the iret hypercall,
 * which restores RAX, R11, RCX and the interrupted context and re-enables
 * events according to the saved RFLAGS.IF. */
#include "layout.h"

/* One Xen ELF note: name "Xen", a type number, and a value made by `emit`
 * (a directive and its operand). */
.macro XEN_NOTE type, emit:vararg
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:	\emit
4:	.balign 4
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE 6,  .asciz "vmctl"                 /* GUEST_OS */
	XEN_NOTE 7,  .asciz "1.0"                   /* GUEST_VERSION */
	XEN_NOTE 5,  .asciz "xen-3.0"               /* XEN_VERSION */
	XEN_NOTE 8,  .asciz "generic"               /* LOADER */
	XEN_NOTE 3,  .quad PHYS_BASE                /* VIRT_BASE */
	XEN_NOTE 4,  .quad PHYS_BASE                /* PADDR_OFFSET */
	XEN_NOTE 1,  .quad _start                   /* ENTRY */
	XEN_NOTE 2,  .quad hypercall_page           /* HYPERCALL_PAGE */
	XEN_NOTE 9,  .asciz "yes"                   /* PAE_MODE */
	XEN_NOTE 10, .asciz "pae_pgdir_above_4gb"   /* FEATURES */
	XEN_NOTE 14, .long 1                        /* SUSPEND_CANCEL */

/* The hypercall page: the domain builder fills it with 128 stubs of 32 bytes;
 * hypercall N is `call hypercall_page + N*32`. */
	.section .text.hypercall, "ax"
	.balign PAGE_SIZE
	.globl hypercall_page
hypercall_page:
	.fill PAGE_SIZE, 1, 0xcc

	.section .text.boot, "ax"
	.globl _start
_start:
	cld
	movq %rsi, %rbx                 /* start_info, kept in a callee-saved reg */
	movq %rsp, %r12                 /* the builder's stack, to keep it */
	leaq __bss_start(%rip), %rdi    /* the loader zeroes .bss; be sure anyway */
	leaq _end(%rip), %rcx
	subq %rdi, %rcx
	xorl %eax, %eax
	rep stosb
	leaq boot_stack + STACK_SIZE(%rip), %rsp
	movq %rbx, %rdi
	movq %r12, %rsi
	call start_kernel
	ud2

/* Secondary vCPUs start here (VCPUOP_initialise sets %rsp to the top of the
 * CPU's own stack). */
	.globl smp_entry
smp_entry:
	cld
	andq $-16, %rsp
	call smp_secondary_main
	ud2

/* Return to the context described by the bounce frame at %rsp (+16 for the
 * RCX/R11 pair, which the iret hypercall takes from registers). */
.macro RETURN_VIA_IRET
	movq 0(%rsp), %rcx
	movq 8(%rsp), %r11
	addq $16, %rsp
	pushq $0                        /* iret flags: not returning from syscall */
	jmp hypercall_page + HCALL_IRET * 32
.endm

/* Event upcall, registered as CALLBACKTYPE_event.  Xen already saved RCX
 * and R11 in the frame; save the other caller-saved registers, call C on a
 * 16-byte aligned stack, restore and return through iret. */
	.globl events_entry
events_entry:
	pushq %rax
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %rbx
	movq %rsp, %rbx
	andq $-16, %rsp
	call events_upcall
	movq %rbx, %rsp
	popq %rbx
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rax
	RETURN_VIA_IRET

/* Exceptions: turn the bounce frame into { regs, vector, error, RIP, CS,
 * RFLAGS, RSP, SS } and hand it to traps_handle(), which reports and stops.
 * The failsafe callback (bad segment on return) is reported as vector 256. */
.macro TRAP_NOERR vec
	.globl trap_entry_\vec
trap_entry_\vec:
	movq 0(%rsp), %rcx
	movq 8(%rsp), %r11
	addq $16, %rsp
	pushq $0
	pushq $\vec
	jmp trap_common
.endm

.macro TRAP_ERR vec
	.globl trap_entry_\vec
trap_entry_\vec:
	movq 0(%rsp), %rcx
	movq 8(%rsp), %r11
	addq $16, %rsp
	pushq $\vec
	jmp trap_common
.endm

	TRAP_NOERR 0
	TRAP_NOERR 1
	TRAP_NOERR 3
	TRAP_NOERR 4
	TRAP_NOERR 5
	TRAP_NOERR 6
	TRAP_NOERR 7
	TRAP_ERR   8
	TRAP_ERR   10
	TRAP_ERR   11
	TRAP_ERR   12
	TRAP_ERR   13
	TRAP_ERR   14
	TRAP_NOERR 16
	TRAP_ERR   17
	TRAP_NOERR 18
	TRAP_NOERR 19
	TRAP_NOERR 256

	.globl failsafe_entry
failsafe_entry:
	jmp trap_entry_256

trap_common:
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
	movq %rsp, %rdi
	andq $-16, %rsp
	call traps_handle
	ud2

	.section .note.GNU-stack, "", @progbits
