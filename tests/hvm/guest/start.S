/* Entry of the hvm test guest, 32-bit protected mode, paging off (from the
 * multiboot loader or as firmware_override): our own GDT (with ring 3
 * segments and a TSS), a stack, then hg_main(eax, ebx). Interrupt and
 * exception stubs push their vector and call hg_trap(). */
	.section .multiboot, "a"
	.align 4
	.long 0x1badb002
	.long 0x00000003            /* page-aligned modules, memory info */
	.long -(0x1badb002 + 0x00000003)

/* Xen's PVH entry note (type 18, PHYS32_ENTRY): the same entry point. */
	.section .note.Xen, "a", @note
	.align 4
	.long 4, 4, 18
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	cli
	movl %eax, %esi
	movl %ebx, %edi
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $stack_top, %esp
	pushl %edi
	pushl %esi
	call hg_main
2:	hlt
	jmp 2b

	.altmacro
/* Vectors 0-255: push a dummy error code where the CPU does not, then the
 * vector, then the common path. */
	.macro stub n
	.align 16
	.if (\n == 8 || (\n >= 10 && \n <= 14) || \n == 17)
	pushl $\n
	.else
	pushl $0
	pushl $\n
	.endif
	jmp trap_common
	.endm

	.align 16
	.globl hg_stubs
hg_stubs:
	.set i, 0
	.rept 256
	stub %i
	.set i, i + 1
	.endr

trap_common:
	pushal
	pushl %ds
	pushl %es
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	pushl %esp
	call hg_trap
	addl $4, %esp
	popl %es
	popl %ds
	popal
	addl $8, %esp
	iret

/* void hg_ring3_enter(void (*fn)(void), uint32_t *esp0): run fn at CPL 3
 * on its own stack; it comes back with int $0x80, whose handler resumes at
 * hg_ring0_return. */
	.globl hg_ring3_enter, hg_ring0_return
hg_ring3_enter:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	movl 24(%esp), %ecx
	movl %esp, ring0_saved
	movl %esp, (%ecx)
	pushl $0x23
	pushl $user_stack_top
	pushl $0x2
	pushl $0x1b
	pushl $ring3_tramp
	movw $0x23, %cx
	movw %cx, %ds
	movw %cx, %es
	iret
ring3_tramp:
	call *%eax
	int $0x80
hg_ring0_return:
	movl ring0_saved, %esp
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

/* The AP trampoline, copied to 0x8000 by the SMP test: a SIPI starts an
 * AP in real mode at 0800:0000; it loads our GDT, enters protected mode and
 * calls hg_ap_main() on its own stack. */
	.code16
	.globl hg_ap_tramp, hg_ap_tramp_end
hg_ap_tramp:
	cli
	movw %cs, %ax
	movw %ax, %ds
	lgdtl (ap_gdt_desc - hg_ap_tramp)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ap_pm32
	.align 4
ap_gdt_desc:
	.word 6 * 8 - 1
	.long hg_gdt
hg_ap_tramp_end:
	.code32
ap_pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $ap_stack_top, %esp
	call hg_ap_main
3:	cli
	hlt
	jmp 3b

	.data
ring0_saved:
	.long 0
	.align 16
	.globl hg_gdt
hg_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff     /* 0x08 ring 0 code */
	.quad 0x00cf92000000ffff     /* 0x10 ring 0 data */
	.quad 0x00cffa000000ffff     /* 0x1b ring 3 code */
	.quad 0x00cff2000000ffff     /* 0x23 ring 3 data */
	.quad 0                      /* 0x28 TSS, filled by hg_ring3_setup */
gdt_desc:
	.word gdt_desc - hg_gdt - 1
	.long hg_gdt

	.bss
	.align 16
	.space 16384
stack_top:
	.space 4096
user_stack_top:
	.space 8192
ap_stack_top:
