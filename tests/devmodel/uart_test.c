/* The 16550 UART at 0x3f8: transmit to the console descriptor, receive
 * from it, interrupts on IRQ 4 gated by OUT2, loopback as Linux probes it. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#define COM1 0x3f8

int main(void)
{
	struct dmt t;
	int sv[2];
	char buf[16];

	if (dmt_init(&t, 1 << 16) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0) {
		skip_all("no memfd or socketpair");
		return 0;
	}
	t.cfg.serial_fd = sv[0];
	is_int(dmt_start(&t), 0, "devices created");
	/* divisor latch */
	dmt_out(&t, COM1 + 3, 1, 0x80);
	dmt_out(&t, COM1 + 0, 1, 0x01);
	dmt_out(&t, COM1 + 1, 1, 0x00);
	is_int(dmt_in(&t, COM1 + 0, 1), 1, "DLL (115200 baud)");
	dmt_out(&t, COM1 + 3, 1, 0x03);
	is_int(dmt_in(&t, COM1 + 3, 1), 3, "LCR 8N1");
	/* loopback probe as Linux's 8250 driver does it */
	dmt_out(&t, COM1 + 4, 1, 0x1a);
	is_int(dmt_in(&t, COM1 + 6, 1) & 0xf0, 0x90, "loopback: MSR mirrors RTS and OUT2");
	dmt_out(&t, COM1 + 0, 1, 'L');
	ok(dmt_in(&t, COM1 + 5, 1) & 1, "loopback: the byte came back");
	is_int(dmt_in(&t, COM1 + 0, 1), 'L', "and reads back");
	is_int(read(sv[1], buf, 1), -1, "nothing went out on the wire");
	dmt_out(&t, COM1 + 4, 1, 0x0b);   /* DTR, RTS, OUT2 */
	is_int(dmt_in(&t, COM1 + 6, 1), 0xb0, "MSR: carrier, DSR, CTS");
	/* transmit */
	for (const char *s = "hi\n"; *s; s++)
		dmt_out(&t, COM1, 1, (uint8_t)*s);
	is_int(read(sv[1], buf, sizeof(buf)), 3, "three bytes on the console");
	ok(buf[0] == 'h' && buf[1] == 'i', "the guest's text");
	is_int(dmt_in(&t, COM1 + 5, 1) & 0x60, 0x60, "THR empty");
	is_int(dmt_in(&t, COM1 + 2, 1), 0x01, "no interrupt pending");
	/* THRE interrupt */
	dmt_out(&t, COM1 + 1, 1, 0x02);
	is_int(t.rec.isa[4], 1, "enabling THRE raises IRQ 4");
	is_int(dmt_in(&t, COM1 + 2, 1), 0x02, "IIR says THRE");
	is_int(t.rec.isa[4], 0, "reading the IIR acknowledges it");
	dmt_out(&t, COM1, 1, 'x');
	is_int(t.rec.isa[4], 1, "a transmitted byte empties THR again");
	dmt_out(&t, COM1 + 4, 1, 0x03);
	is_int(t.rec.isa[4], 0, "OUT2 off gates the line");
	dmt_out(&t, COM1 + 4, 1, 0x0b);
	dmt_out(&t, COM1 + 1, 1, 0x00);
	is_int(t.rec.isa[4], 0, "IER 0: quiet");
	if (read(sv[1], buf, sizeof(buf)) < 0)
		diag("nothing to drain");
	/* receive with the FIFO */
	dmt_out(&t, COM1 + 2, 1, 0x07);
	dmt_out(&t, COM1 + 1, 1, 0x01);
	is_int(write(sv[1], "abc", 3), 3, "the console types abc");
	dmt_poll(&t);
	is_int(t.rec.isa[4], 1, "received data raises IRQ 4");
	is_int(dmt_in(&t, COM1 + 2, 1), 0xc4, "IIR: FIFO on, data available");
	ok(dmt_in(&t, COM1 + 0, 1) == 'a' && dmt_in(&t, COM1 + 0, 1) == 'b' && dmt_in(&t, COM1 + 0, 1) == 'c',
	   "abc received in order");
	is_int(dmt_in(&t, COM1 + 5, 1) & 1, 0, "FIFO empty");
	is_int(t.rec.isa[4], 0, "IRQ 4 lowered");
	/* more than the FIFO holds waits in the socket */
	is_int(write(sv[1], "0123456789abcdefXYZ", 19), 19, "19 bytes typed");
	dmt_poll(&t);
	int n = 0;
	while ((dmt_in(&t, COM1 + 5, 1) & 1) && n < 40) {
		dmt_in(&t, COM1, 1);
		n++;
		dmt_poll(&t);
	}
	is_int(n, 19, "all 19 arrive, none lost to overrun");
	dmt_fini(&t);
	close(sv[0]);
	close(sv[1]);
	return tap_done();
}
