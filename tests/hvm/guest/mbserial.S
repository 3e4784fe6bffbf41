/* A tiny multiboot v1 kernel for the boot-loader tests (grub.sh,
 * syslinux.sh): a boot loader loads it, it prints one line with the
 * command line the loader gave it on COM1 (the domain's serial console)
 * and halts. Linked at 1 MiB as a 32-bit ELF. */
#include "mbhead.h"

	movl %ebx, %edi                 /* the multiboot info */
	movl $hello, %esi
	call puts
	testl $4, (%edi)                /* flags bit 2: cmdline valid */
	jz 1f
	movl 16(%edi), %esi
	call puts
1:	movl $eol, %esi
	call puts
halt:	hlt
	jmp halt

/* puts: the NUL-terminated string at %esi to COM1, waiting for THRE. */
puts:
	movw $COM1 + 5, %dx
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	lodsb
	testb %al, %al
	jz 3f
	movw $COM1, %dx
	outb %al, %dx
	jmp puts
3:	ret

	.data
hello:	.asciz "mbserial: multiboot kernel running, cmdline: "
eol:	.asciz " :end\r\n"
