/* A boot sector for the xl create test: SeaBIOS loads it at 0:7c00 from
 * the IDE disk the device model serves; it prints a line on COM1 (the
 * domain's serial console) and waits. */
	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw $msg, %si
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	hlt
	jmp 2b
msg:
	.asciz "hello from the boot sector\r\n"
	.org 510
	.word 0xaa55
