/* System-level test guest for the soft CPU, loaded at 0x8000 and started in
 * real mode at 0000:8000. It walks through real mode, 32-bit protected mode
 * with paging, long mode, ring 3, SYSCALL/SYSRET, compatibility mode and an
 * external interrupt, faulting on purpose along the way, and reports each
 * check on I/O ports: OUT 0xE0 = check AL passed, OUT 0xE1 = check AL
 * failed. It ends in a deliberate triple fault. tests/cpu/systest.c names
 * the checks and drives the run. */

#define PORT_PASS 0xe0
#define PORT_FAIL 0xe1

/* Report check \id: passed when ZF is set. */
.macro PASS_IF_E id
	jne 91f
	movb $\id, %al
	outb %al, $PORT_PASS
	jmp 92f
91:	movb $\id, %al
	outb %al, $PORT_FAIL
92:
.endm

/* Check that the last exception was \vec with error code \err. */
.macro EXPECT_EXC id, vec, err
	cmpl $\vec, exc_vec
	jne 93f
	cmpl $\err, exc_err
93:	PASS_IF_E \id
.endm

	.text
	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7000, %sp
	/* 1: a software interrupt through the real-mode IVT */
	movw $rm_int30, 0x30 * 4
	movw $0, 0x30 * 4 + 2
	movb $0, rm_flag
	int $0x30
	cmpb $1, rm_flag
	PASS_IF_E 1
	/* 2: REP STOSB/CMPSB in 16-bit code */
	movw $scratch, %di
	movb $0x5a, %al
	movw $16, %cx
	cld
	rep stosb
	movw $scratch, %si
	movw $scratch + 8, %di
	movw $8, %cx
	repe cmpsb
	cmpw $0, %cx
	PASS_IF_E 2
	/* into protected mode */
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $pm32

rm_int30:
	movb $1, rm_flag
	iret

	.code32
pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $0x7000, %esp
	/* 3: running with CS = 0x08 */
	movw %cs, %ax
	cmpw $0x08, %ax
	PASS_IF_E 3
	call idt32_setup
	lidt idt32_desc
	/* 4: a selector beyond the GDT limit: #GP(selector) */
	movl $1f, recover
	movw $0x1f8, %ax
	movw %ax, %ds
1:	EXPECT_EXC 4, 13, 0x1f8
	/* 5: UD2 */
	movl $1f, recover
	ud2
1:	EXPECT_EXC 5, 6, 0
	/* paging: 4 MiB PSE identity page, then 4 KiB pages at 4 MiB */
	movl $pd32, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x10, %eax                 /* PSE */
	movl %eax, %cr4
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	/* 6: write to a not-present page: #PF, error 2, CR2 */
	movl $1f, recover
	movl $0x12345678, 0x400000
1:	EXPECT_EXC 6, 14, 2
	cmpl $0x400000, exc_cr2
	PASS_IF_E 7
	/* 8: CR0.WP: a supervisor write to a read-only page faults (error 3) */
	movl %cr0, %eax
	orl $0x10000, %eax
	movl %eax, %cr0
	movl $1f, recover
	movl $1, 0x401000
1:	EXPECT_EXC 8, 14, 3
	/* 9: accessed and dirty bits: A after a read, D only after a write */
	movl 0x402000, %eax
	movl pt32 + 8, %ebx
	andl $0x60, %ebx
	movl $7, 0x402000
	movl pt32 + 8, %ecx
	andl $0x60, %ecx
	shll $8, %ebx
	orl %ecx, %ebx
	cmpl $0x2060, %ebx
	PASS_IF_E 9

	/* PAE paging: a 4-entry PDPT, 2 MiB user pages, 4 KiB pages at 4 MiB */
	movl %cr0, %eax
	andl $0x7fffffff, %eax
	movl %eax, %cr0
	movl %cr4, %eax
	orl $0x20, %eax
	movl %eax, %cr4
	movl $pdpt_pae, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	/* 22: PAE: #PF error 0 for a read of a not-present page, CR2 */
	movl $1f, recover
	movl 0x400000, %eax
1:	EXPECT_EXC 22, 14, 0
	cmpl $0x400000, exc_cr2
	PASS_IF_E 23
	/* 24: PAE: the 4 KiB page at 4 MiB + 4 KiB maps physical 3 MiB */
	movl $0x600dcafe, 0x300000
	cmpl $0x600dcafe, 0x401000
	PASS_IF_E 24
	/* SYSEXIT to ring 3 (IOPL 3 so that it may report) and SYSENTER back */
	movl $0x174, %ecx               /* SYSENTER_CS */
	movl $0x08, %eax
	xorl %edx, %edx
	wrmsr
	movl $0x175, %ecx               /* SYSENTER_ESP */
	movl $kstack_top, %eax
	wrmsr
	movl $0x176, %ecx               /* SYSENTER_EIP */
	movl $sysenter_entry, %eax
	wrmsr
	pushfl
	orl $0x3000, (%esp)
	popfl
	movl $ring3_32, %edx
	movl $ustack_top, %ecx
	sysexit

	.code32
ring3_32:
	/* 25: SYSEXIT lands at CPL 3 with the user stack */
	movw %cs, %ax
	cmpw $0x1b, %ax
	jne 1f
	cmpl $ustack_top, %esp
1:	PASS_IF_E 25
	sysenter

sysenter_entry:
	/* 26: SYSENTER enters CPL 0 on SYSENTER_ESP */
	movw %cs, %ax
	cmpw $0x08, %ax
	jne 1f
	cmpl $kstack_top, %esp
1:	PASS_IF_E 26
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es

	/* into long mode: paging off, PAE + 4-level tables, EFER.LME, paging on */
	movl %cr0, %eax
	andl $0x7fffffff, %eax
	movl %eax, %cr0
	movl %cr4, %eax
	orl $0x20, %eax
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx
	rdmsr
	orl $0x901, %eax                /* SCE LME NXE */
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	ljmpl $0x18, $lm64

idt32_setup:
	movl $idt32, %edi
	movl $stubs32, %edx
	movl $32, %ecx
1:	movl %edx, %eax
	movw %ax, (%edi)
	movw $0x08, 2(%edi)
	movw $0x8e00, 4(%edi)
	shrl $16, %eax
	movw %ax, 6(%edi)
	addl $8, %edi
	addl $16, %edx
	loop 1b
	ret

/* One 16-byte stub per vector: push a zero error code where the CPU does
 * not, then the vector. */
	.balign 16
stubs32:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
	pushl $\v
	.else
	pushl $0
	pushl $\v
	.endif
	jmp common32
	.endr

common32:
	popl exc_vec
	popl exc_err
	pushl %eax
	movl %cr2, %eax
	movl %eax, exc_cr2
	movl recover, %eax
	movl %eax, 4(%esp)
	popl %eax
	iret

	.code64
lm64:
	movw $0x20, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movq $kstack_top, %rsp
	/* 10: EFER.LMA is set */
	movl $0xc0000080, %ecx
	rdmsr
	testl $0x400, %eax
	setnz %al
	cmpb $1, %al
	PASS_IF_E 10
	call idt64_setup
	lidt idt64_desc
	call tss_setup
	movw $0x40, %ax
	ltr %ax
	/* 11: read a not-present page: #PF error 0 */
	movq $1f, recover
	movq 0x400000, %rax
1:	EXPECT_EXC 11, 14, 0
	/* 12: divide by zero */
	movq $1f, recover
	xorl %ecx, %ecx
	divl %ecx
1:	EXPECT_EXC 12, 0, 0
	/* 13: INT 0x40 through a 64-bit interrupt gate */
	movb $0, flag40
	int $0x40
	cmpb $1, flag40
	PASS_IF_E 13
	/* 14: execute from a no-execute page: #PF error 0x11 */
	movq $1f, recover
	movb $0xc3, 0x401000
	movq $0x401000, %rax
	call *%rax
1:	EXPECT_EXC 14, 14, 0x11
	/* 15: SWAPGS exchanges GS base and KERNEL_GS_BASE */
	movl $0xc0000102, %ecx
	movl $0x1234000, %eax
	xorl %edx, %edx
	wrmsr
	swapgs
	movl $0xc0000101, %ecx
	rdmsr
	cmpl $0x1234000, %eax
	PASS_IF_E 15
	/* 16: compatibility mode and back */
	movb $0, compat_flag
	ljmpl *compat_ptr
back64:
	cmpb $1, compat_flag
	PASS_IF_E 16
	/* SYSCALL setup: STAR, LSTAR, SFMASK */
	movl $0xc0000081, %ecx
	xorl %eax, %eax
	movl $0x00280018, %edx
	wrmsr
	movl $0xc0000082, %ecx
	movq $syscall_entry, %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	movl $0xc0000084, %ecx
	movl $0x200, %eax
	xorl %edx, %edx
	wrmsr
	/* to ring 3 through IRETQ, with IOPL 3 so that it may report */
	pushq $0x33
	pushq $ustack_top
	pushq $0x3002
	pushq $0x3b
	pushq $ring3
	iretq

ring3:
	/* 17: CPL 3 */
	movw %cs, %ax
	andw $3, %ax
	cmpw $3, %ax
	PASS_IF_E 17
	/* 18: HLT at CPL 3: #GP(0), handled on the TSS RSP0 stack */
	movq $1f, recover
	hlt
1:	EXPECT_EXC 18, 13, 0
	movq exc_rsp, %rax
	cmpq $kstack0_top - 7 * 8, %rax
	PASS_IF_E 19
	/* 20: SYSCALL to ring 0 and SYSRET back */
	movb $0, sys_flag
	syscall
	cmpb $1, sys_flag
	jne 1f
	movw %cs, %ax
	cmpw $0x3b, %ax
1:	PASS_IF_E 20
	/* 29: an external interrupt at CPL 3 goes through the DPL 0 gate of
	 * 0x41 (only INT n is checked against a gate's DPL; Linux's timer
	 * interrupt in user mode): the harness injects the vector written to
	 * port 0xe2, a wrong #GP lands at 1f */
	movq $1f, recover
	movb $0, flag41
	movb $0x41, %al
	outb %al, $0xe2
	sti
	nop
	nop
1:	cli
	cmpb $1, flag41
	PASS_IF_E 29
	/* back to ring 0 through a DPL-3 gate */
	int $0x42

kernel_again:
	movq $kstack_top, %rsp
	/* 21: an external interrupt wakes HLT (the harness injects 0x41) */
	movb $0, flag41
	sti
	hlt
	cli
	cmpb $1, flag41
	PASS_IF_E 21
	/* 27: self-modifying code: a store patches an instruction further
	 * down the same straight-line run, which must then run patched */
	movb $7, smc_patch + 1
smc_patch:
	movl $3, %ebx
	cmpl $7, %ebx
	PASS_IF_E 27
	/* 28: and again, now that the run is cached */
	movb $9, smc_patch2 + 1
	movl $smc_loop_done, %ecx
	jmp smc_patch2
smc_patch2:
	movl $3, %ebx
	cmpl $9, %ebx
	PASS_IF_E 28
smc_loop_done:
	/* the end: an empty IDT turns INT3 into a triple fault */
	lidt null_idt_desc
	int3
	hlt

syscall_entry:
	movb $1, sys_flag
	sysretq

	.code32
compat32:
	movl $0x11111111, %eax
	addl %eax, %eax
	cmpl $0x22222222, %eax
	jne 1f
	movb $1, compat_flag
1:	ljmpl $0x18, $back64
	.code64

idt64_setup:
	movq $idt64, %rdi
	movq $stubs64, %rdx
	movl $32, %ecx
1:	call gate64
	addq $16, %rdi
	addq $16, %rdx
	loop 1b
	movq $idt64 + 0x40 * 16, %rdi
	movq $isr40, %rdx
	call gate64
	movq $isr41, %rdx
	addq $16, %rdi
	call gate64
	addq $16, %rdi
	movq $isr42, %rdx
	call gate64
	orb $0x60, 5(%rdi)              /* DPL 3 */
	ret

/* Write a 64-bit interrupt gate for handler %rdx at %rdi. */
gate64:
	movq %rdx, %rax
	movw %ax, (%rdi)
	movw $0x18, 2(%rdi)
	movw $0x8e00, 4(%rdi)
	shrq $16, %rax
	movw %ax, 6(%rdi)
	shrq $16, %rax
	movl %eax, 8(%rdi)
	movl $0, 12(%rdi)
	ret

/* 64-bit TSS descriptor at GDT 0x40, RSP0 = kstack0_top */
tss_setup:
	movq $kstack0_top, %rax
	movq %rax, tss + 4
	movq $tss, %rax
	movw $103, gdt + 0x40
	movw %ax, gdt + 0x42
	shrq $16, %rax
	movb %al, gdt + 0x44
	movb $0x89, gdt + 0x45
	movb $0, gdt + 0x46
	movb %ah, gdt + 0x47
	shrq $16, %rax
	movl %eax, gdt + 0x48
	movl $0, gdt + 0x4c
	ret

	.balign 16
stubs64:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	.if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
	pushq $\v
	.else
	pushq $0
	pushq $\v
	.endif
	jmp common64
	.endr

common64:
	movq %rsp, exc_rsp
	popq exc_vec
	popq exc_err
	pushq %rax
	movq %cr2, %rax
	movq %rax, exc_cr2
	movq recover, %rax
	movq %rax, 8(%rsp)
	popq %rax
	iretq

isr40:
	movb $1, flag40
	iretq
isr41:
	movb $1, flag41
	iretq
isr42:
	jmp kernel_again

	.data
	.balign 8
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08 code32 */
	.quad 0x00cf92000000ffff        /* 0x10 data */
	.quad 0x00af9a000000ffff        /* 0x18 code64 */
	.quad 0x00cf92000000ffff        /* 0x20 data (SYSCALL SS) */
	.quad 0x00cffa000000ffff        /* 0x28 user code32 */
	.quad 0x00cff2000000ffff        /* 0x30 user data */
	.quad 0x00affa000000ffff        /* 0x38 user code64 */
	.quad 0, 0                      /* 0x40 TSS (filled in) */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt
idt32_desc:
	.word 32 * 8 - 1
	.long idt32
idt64_desc:
	.word 0x43 * 16 - 1
	.quad idt64
null_idt_desc:
	.word 0
	.quad 0
compat_ptr:
	.long compat32
	.word 0x08

recover: .quad 0
exc_vec: .quad 0
exc_err: .quad 0
exc_cr2: .quad 0
exc_rsp: .quad 0
rm_flag: .byte 0
flag40: .byte 0
flag41: .byte 0
sys_flag: .byte 0
compat_flag: .byte 0
	.balign 16
scratch: .fill 32, 1, 0

	.balign 16
tss: .fill 104, 1, 0

	.balign 4096
idt32: .fill 32 * 8, 1, 0
	.balign 4096
idt64: .fill 0x43 * 16, 1, 0

/* 32-bit paging: 4 MiB identity, then 4 KiB pages: 4M absent, 4M+4K
 * read-only (phys 3M), 4M+8K writable (phys 3M+4K) */
	.balign 4096
pd32:
	.long 0x00000083
	.long pt32 + 3
	.fill 1022, 4, 0
pt32:
	.long 0
	.long 0x300001
	.long 0x301003
	.fill 1021, 4, 0

/* PAE paging: 0-4 MiB identity with 2 MiB user pages; 4 MiB: 4 KiB pages,
 * the first absent, the second mapping physical 3 MiB */
	.balign 4096
pdpt_pae:
	.quad pd_pae + 1
	.quad 0, 0, 0
	.balign 4096
pd_pae:
	.quad 0x000087
	.quad 0x200087
	.quad pt_pae + 7
	.fill 509, 8, 0
pt_pae:
	.quad 0
	.quad 0x300003
	.fill 510, 8, 0

/* 4-level paging: 0-4 MiB identity with 2 MiB user pages; 4 MiB: 4 KiB
 * pages, the first absent, the second no-execute (phys 3M) */
	.balign 4096
pml4:
	.quad pdpt + 7
	.fill 511, 8, 0
pdpt:
	.quad pd64 + 7
	.fill 511, 8, 0
pd64:
	.quad 0x000087
	.quad 0x200087
	.quad pt64 + 7
	.fill 509, 8, 0
pt64:
	.quad 0
	.quad 0x8000000000300003
	.fill 510, 8, 0

	.balign 4096
	.fill 4096, 1, 0
kstack_top:
	.fill 4096, 1, 0
kstack0_top:
	.fill 4096, 1, 0
ustack_top:
