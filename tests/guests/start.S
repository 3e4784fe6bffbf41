/* Start of day for the test guests: Xen ELF notes, the entry point and the
 * hypercall page. Xen's x86-64 PV entry: %rsi = start_info, %rsp in the
 * bootstrap area; we move to our own stack and call guest_main(start_info). */

/* One Xen ELF note: name "Xen", type, then the value (string or quad). */
.macro XEN_NOTE_BEGIN type
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long \type
1:	.asciz "Xen"
2:	.balign 4
3:
.endm
.macro XEN_NOTE_END
4:	.balign 4
.endm
.macro XEN_NOTE_STR type, str
	XEN_NOTE_BEGIN \type
	.asciz "\str"
	XEN_NOTE_END
.endm
.macro XEN_NOTE_QUAD type, value
	XEN_NOTE_BEGIN \type
	.quad \value
	XEN_NOTE_END
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE_STR 6, vmctl-test              /* GUEST_OS */
	XEN_NOTE_STR 5, xen-3.0                 /* XEN_VERSION */
	XEN_NOTE_STR 8, generic                 /* LOADER */
	XEN_NOTE_QUAD 3, __virt_base            /* VIRT_BASE (the link map's) */
	XEN_NOTE_QUAD 4, __virt_base            /* PADDR_OFFSET: p_paddr = p_vaddr */
	XEN_NOTE_QUAD 1, _start                 /* ENTRY */
	XEN_NOTE_QUAD 2, hypercall_page         /* HYPERCALL_PAGE */

	.section .text.boot, "ax"
	.globl _start
_start:
	cld
	movq %rsi, %rdi
	movq %rsp, %rsi
	leaq guest_stack_top(%rip), %rsp
	call guest_main
	ud2

	.text
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.bss
	.balign 16
	.globl guest_stack
guest_stack:
	.skip 65536
guest_stack_top:

	.section .note.GNU-stack, "", @progbits
