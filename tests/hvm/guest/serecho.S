/* A boot sector for tests/hvm/readopt.sh: it says it is ready on COM1,
 * then echoes every byte COM1 receives as "serecho: got X" (polling the
 * 16550's line status register, no BIOS), forever. */
	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7c00, %sp
	movw $ready, %si
	call puts
1:	movw $0x3fd, %dx        /* LSR: data ready? */
	inb %dx, %al
	testb $1, %al
	jnz 2f
	pause
	jmp 1b
2:	movw $0x3f8, %dx
	inb %dx, %al
	movb %al, key
	movw $gotmsg, %si
	call puts
	jmp 1b

/* The string at DS:SI on COM1. */
puts:
	lodsb
	testb %al, %al
	jz 3f
	movw $0x3f8, %dx
	outb %al, %dx
	jmp puts
3:	ret

ready:
	.asciz "serecho: ready\r\n"
gotmsg:
	.ascii "serecho: got "
key:
	.asciz "?\r\n"
	.org 510
	.word 0xaa55
