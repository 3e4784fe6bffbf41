/* The sandbox's assembly: process entry, entering the guest, and the
 * hypercall entry that every hypercall-page stub jumps to.
 *
 * GS base points at the running vCPU's struct pv_vcpu (sandbox.h) while
 * guest code runs: the guest gets no TLS under our contract, and this lets
 * the entry find its vCPU without touching the guest's stack beyond what
 * Xen's own stubs do (they push %rcx and %r11 there too). */
#include "hypervisor/engines/pv/sandbox/sandbox.h"

	.text
	.globl _start
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi            /* argc, argv, envp, auxv */
	andq $-16, %rsp
	call sandbox_main
	ud2

/* void pv_enter(const struct privcmd_vcpu_regs *r): never returns. */
	.globl pv_enter
pv_enter:
	movq 128(%rdi), %rax       /* rip */
	movq %rax, pv_enter_rip(%rip)
	movq 0(%rdi), %rax
	movq 8(%rdi), %rbx
	movq 16(%rdi), %rcx
	movq 24(%rdi), %rdx
	movq 32(%rdi), %rsi
	movq 48(%rdi), %rbp
	movq 56(%rdi), %rsp
	movq 64(%rdi), %r8
	movq 72(%rdi), %r9
	movq 80(%rdi), %r10
	movq 88(%rdi), %r11
	movq 96(%rdi), %r12
	movq 104(%rdi), %r13
	movq 112(%rdi), %r14
	movq 120(%rdi), %r15
	movq 40(%rdi), %rdi
	jmp *pv_enter_rip(%rip)

/* Hypercall entry. The guest did `call hypercall_page + nr*32`; the stub
 * loaded %eax = nr and jumped here. Everything but %rax is preserved. */
	.globl pv_hypercall_entry
pv_hypercall_entry:
	pushq %r11
	pushq %rcx
	rdgsbase %r11
	movq %rsp, PV_VCPU_GUEST_RSP(%r11)
	movq PV_VCPU_SHIM_STACK(%r11), %rsp
	pushq %r9
	pushq %r9                  /* keeps the frame 16-byte aligned */
	pushq %r8
	pushq %r10
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rax                 /* struct pv_frame: nr, a1..a5 */
	movq %r11, %rdi
	movq %rsp, %rsi
	call pv_shim_hypercall
	addq $8, %rsp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %r10
	popq %r8
	popq %r9
	popq %r9
	rdgsbase %r11
	movq PV_VCPU_GUEST_RSP(%r11), %rsp
	popq %rcx
	popq %r11
	ret

	.data
	.balign 8
pv_enter_rip:
	.quad 0

	.section .note.GNU-stack, "", @progbits
