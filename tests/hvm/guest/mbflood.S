/* A multiboot v1 kernel for tests/hvm/serial_buffered.sh: COM1's data
 * register as vmhv buffers its writes (they go through the ioreq server's
 * buffered ring, not a round trip each). It prints its command line
 * 16 times numbered, without polling LSR (so the ring fills and writes
 * fall back to synchronous requests, which must keep their order), then
 * checks that the divisor latch written through the data port (a buffered
 * write) reads back (a synchronous read served after the ring), then
 * prints a last line and halts. Linked at 1 MiB as a 32-bit ELF. */
#include "mbhead.h"
#define COPIES 16

	testl $4, (%ebx)                /* flags bit 2: cmdline valid */
	jz halt
	movl 16(%ebx), %edi             /* the command line */
	xorl %ecx, %ecx
1:	movb $'a', %al                  /* copy N starts with letter a + N */
	addb %cl, %al
	call putc
	movl %edi, %esi
	call puts
	movl $eol, %esi
	call puts
	incl %ecx
	cmpl $COPIES, %ecx
	jne 1b

	movw $COM1 + 3, %dx             /* DLAB: the data port is DLL */
	movb $0x83, %al
	outb %al, %dx
	movw $COM1, %dx
	movb $0x5a, %al
	outb %al, %dx
	inb %dx, %al
	movb %al, %bl
	movw $COM1 + 3, %dx             /* back to 8N1 */
	movb $0x03, %al
	outb %al, %dx
	movl $bad, %esi
	cmpb $0x5a, %bl
	jne 2f
	movl $good, %esi
2:	call puts
halt:	hlt
	jmp halt

/* puts: the NUL-terminated string at %esi to COM1, no LSR poll. */
puts:
	lodsb
	testb %al, %al
	jz 3f
	call putc
	jmp puts
3:	ret

putc:
	movw $COM1, %dx
	outb %al, %dx
	ret

	.data
eol:	.asciz " :end\r\n"
good:	.asciz "mbflood: the divisor latch reads back\r\n"
bad:	.asciz "mbflood: the divisor latch is lost\r\n"
