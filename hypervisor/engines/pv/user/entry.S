/* vmhv-pv-user's assembly (docs/pv-engine.md, "User mode"; pv_uproc.h):
 * process entry, the jump into guest user code and the
 * mapper's loop, which keeps everything in registers: user code shares
 * the address space and can write any memory the mapper could use. */
#include "hypervisor/engines/pv/pv_uproc.h"

#define HDR_MAP_N 24
#define UGO_FS (PV_UGO_SEQ + 8)
#define UGO_GS (PV_UGO_SEQ + 16)

	.text
	.globl _start
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	call uproc_main
	ud2

/* void uproc_enter(const struct pv_ugo *go, int xsave): the FPU state,
 * FS and GS bases, then every register from the (read-only) go slot and
 * an iretq into user code. */
	.globl uproc_enter
uproc_enter:
	testl %esi, %esi
	jz 1f
	movl $PV_UPROC_XSAVE_MASK, %eax
	xorl %edx, %edx
	xrstor64 (%rdi)
1:	movq UGO_FS(%rdi), %rax
	wrfsbase %rax
	movq UGO_GS(%rdi), %rax
	wrgsbase %rax
	leaq PV_UGO_GPR(%rdi), %rsp
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
	iretq

/* void uproc_mapper(const struct pv_uproc_hdr *ctl): for each doorbell
 * from K on the socket, run the batch of records in the read-only part,
 * then answer with the number that failed. Never returns; ends the
 * process when K is gone. */
	.globl uproc_mapper
uproc_mapper:
	movq %rdi, %r14
1:	xorl %eax, %eax            /* read(sock, scratch, 8) */
	movl $PV_UPROC_U_SOCK, %edi
	leaq mapper_scratch(%rip), %rsi
	movl $8, %edx
	syscall
	testq %rax, %rax
	jle 9f
	movl HDR_MAP_N(%r14), %r12d
	cmpl $PV_UPROC_MAX_MAPS, %r12d
	jbe 2f
	movl $PV_UPROC_MAX_MAPS, %r12d
2:	leaq PV_UPROC_MAPS(%r14), %rbx
	xorl %r13d, %r13d
3:	testl %r12d, %r12d
	jz 6f
	movl (%rbx), %eax
	cmpl $PV_UMAP_MMAP, %eax
	jne 4f
	movq 8(%rbx), %rdi
	movq 16(%rbx), %rsi
	movl 4(%rbx), %edx
	movl $0x11, %r10d          /* MAP_SHARED | MAP_FIXED */
	movl $PV_UPROC_U_MEM, %r8d
	movq 24(%rbx), %r9
	movl $9, %eax              /* mmap */
	syscall
	jmp 5f
4:	cmpl $PV_UMAP_MUNMAP, %eax
	jne 5f
	movq 8(%rbx), %rdi
	movq 16(%rbx), %rsi
	movl $11, %eax             /* munmap */
	syscall
5:	cmpq $-4096, %rax
	jbe 7f
	incq %r13
7:	addq $32, %rbx
	decl %r12d
	jmp 3b
6:	movq %r13, mapper_scratch(%rip)
	movl $1, %eax              /* write(sock, scratch, 8) */
	movl $PV_UPROC_U_SOCK, %edi
	leaq mapper_scratch(%rip), %rsi
	movl $8, %edx
	syscall
	jmp 1b
9:	movl $231, %eax            /* exit_group(0) */
	xorl %edi, %edi
	syscall
	ud2

/* The signal handlers' sa_restorer: never used (they do not return). */
	.globl uproc_sigreturn
uproc_sigreturn:
	ud2

	.bss
	.align 8
mapper_scratch:
	.quad 0

	.section .note.GNU-stack, "", @progbits
