/* A multiboot image for QEMU (TCG) that runs one benchmark kernel: the
 * bench copies this stub to the start of the image (loaded at 1 MiB), the
 * kernels section at +4 KiB and the input buffer at +64 KiB, patches the
 * kernel offset and argument, and QEMU runs it with -kernel. The stub enters
 * long mode (identity map of 1 GiB in 2 MiB pages), calls the kernel like
 * the soft CPU does, and leaves through isa-debug-exit (port 0xf4). All
 * addresses are written relative to the load address, so the code can live
 * in the bench binary as plain bytes. */
#define LOAD 0x100000
#define A(x) ((x) - qstub_start + LOAD)

	.section softcpu_qemu_stub, "a"
	.globl qstub_start, qstub_end, qstub_kernel_off, qstub_arg
	.code32
qstub_start:
	.long 0x1badb002                   /* multiboot magic */
	.long 0x00010000                   /* flags: the address fields are valid */
	.long -(0x1badb002 + 0x00010000)
	.long LOAD                         /* header_addr */
	.long LOAD                         /* load_addr */
	.long 0                            /* load_end_addr: the whole file */
	.long 0                            /* bss_end_addr */
	.long A(entry32)                   /* entry_addr */
entry32:
	cli
	movl $0x80000, %esp
	/* page tables at 0x70000: PML4, PDPT, one PD of 2 MiB pages */
	movl $0x70000, %edi
	movl $0x3000 / 4, %ecx
	xorl %eax, %eax
	rep stosl
	movl $0x71003, 0x70000
	movl $0x72003, 0x71000
	movl $0x72000, %edi
	movl $0x83, %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b
	movl $0x70000, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x620, %eax                   /* PAE OSFXSR OSXMMEXCPT */
	movl %eax, %cr4
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x100, %eax                   /* LME */
	wrmsr
	lgdt A(gdt_desc)
	movl %cr0, %eax
	orl $0x80000001, %eax
	movl %eax, %cr0
	ljmp $0x08, $A(entry64)

	.code64
entry64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $0x80000, %rsp
	movq $LOAD + 0x10000, %rdi         /* the buffer */
	movq $0x10000, %rsi
	movq A(qstub_arg), %rdx
	movq A(qstub_kernel_off), %rax
	addq $LOAD + 0x1000, %rax
	call *%rax
	movb $0, %al
	outb %al, $0xf4
	hlt

	.balign 8
qstub_kernel_off: .quad 0
qstub_arg: .quad 0
gdt:
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
gdt_desc:
	.word 23
	.long A(gdt)
qstub_end:
	.section .note.GNU-stack, "", @progbits
