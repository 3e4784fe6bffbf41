/* Thread creation for the two freestanding programs, the sandbox
 * (vmhv-pv: VCPUOP_up) and the user process (vmhv-pv-user: its runners). */

	.text
/* long pv_clone_thread(flags, stack_top, fn, arg): a new thread that runs
 * fn(arg) on stack_top (never returns); the parent gets the tid or -errno. */
	.globl pv_clone_thread
pv_clone_thread:
	pushq %r12
	pushq %r13
	movq %rdx, %r12
	movq %rcx, %r13
	xorl %edx, %edx
	xorl %r10d, %r10d
	xorl %r8d, %r8d
	movl $56, %eax             /* clone */
	syscall
	testq %rax, %rax
	jnz 1f
	movq %r13, %rdi
	call *%r12
	ud2
1:	popq %r13
	popq %r12
	ret

	.section .note.GNU-stack, "", @progbits
