/* A boot sector for tests/hvm/vnc.sh: it says it is ready, then waits for
 * keys through the BIOS (INT 16h: SeaBIOS's PS/2 keyboard handler, fed by
 * the device model's i8042) and echoes each as "key X" on the screen
 * (INT 10h) and on COM1 (the domain's console). */
	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7c00, %sp
	sti
	movw $ready, %si
	call puts
1:	xorb %ah, %ah
	int $0x16               /* wait for a key: AL = its character */
	movb %al, key
	movw $keymsg, %si
	call puts
	jmp 1b

/* Print the string at DS:SI on COM1 and on the screen. */
puts:
	lodsb
	testb %al, %al
	jz 2f
	movw $0x3f8, %dx
	outb %al, %dx
	movb $0x0e, %ah
	movw $7, %bx
	int $0x10
	jmp puts
2:	ret

ready:
	.asciz "echo guest ready\r\n"
keymsg:
	.ascii "key "
key:
	.asciz "?\r\n"
	.org 510
	.word 0xaa55
