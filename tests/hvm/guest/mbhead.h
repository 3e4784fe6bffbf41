/* The start of the tests' tiny multiboot v1 kernels (mbserial.S,
 * mbflood.S; linked at 1 MiB as 32-bit ELFs by tests/hvm/bootloaders.mk):
 * the header, a 1 KiB stack, and _start, which goes on after this only
 * when a multiboot loader entered it (EAX the magic, EBX the info) and
 * else jumps to the including file's `halt`. */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003             /* page-aligned modules, memory info */
#define COM1 0x3f8

	.bss
	.align 16
	.space 1024
stack_top:

	.text
	.code32
	.globl _start
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

_start:
	cli
	movl $stack_top, %esp
	cmpl $0x2badb002, %eax          /* entered by a multiboot loader? */
	jne halt
