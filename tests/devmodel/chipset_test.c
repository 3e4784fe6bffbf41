/* The PC chipset devices: i440FX, PIIX3 (PIRQ routing, reset control), PIIX4 ACPI, the Xen platform device, the debug ports. */
#include "tests/devmodel/dmtest.h"
#include "tests/tap.h"

#include "vmctl/xen/hvm/platform_pci.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define PIIX3 (1 << 3)
#define ACPI  (1 << 3 | 3)
#define XENP  (3 << 3)

static void test_bridges(struct dmt *t)
{
	is_int(dmt_cfg_read(t, 0, 0, 4), 0x12378086, "00:00.0 is the i440FX");
	is_int(dmt_cfg_read(t, 0, 0x0a, 2), 0x0600, "a host bridge");
	is_int(dmt_cfg_read(t, PIIX3, 0, 4), 0x70008086, "00:01.0 is the PIIX3");
	ok(dmt_cfg_read(t, PIIX3, 0x0e, 1) & 0x80, "multi-function");
	is_int(dmt_cfg_read(t, PIIX3, 0x60, 4), 0x80808080, "PIRQs disabled at reset");
	dmt_cfg_write(t, PIIX3, 0x60, 4, 0x0b0a0b0a);
	ok(t->rec.route[0] == 10 && t->rec.route[1] == 11 && t->rec.route[2] == 10 &&
	   t->rec.route[3] == 11, "PIRQA..D routed to 10, 11, 10, 11");
	dmt_cfg_write(t, PIIX3, 0x62, 1, 0x80);
	is_int(t->rec.route[2], 0, "PIRQC disabled again");
	ok(!bus_find(&t->dm.bus, BUS_PIO, 0x4d0), "the ELCR is left to vmhv's PIC");
	dmt_cfg_write(t, 0, 0x59, 1, 0x30);
	is_int(dmt_cfg_read(t, 0, 0x59, 1), 0x30, "PAM0 keeps what the BIOS writes");
	dmt_cfg_write(t, 0, 0x00, 4, 0);
	is_int(dmt_cfg_read(t, 0, 0, 4), 0x12378086, "ids are read-only");
	dmt_out(t, 0xcf9, 1, 0x06);
	ok(t->rec.shutdowns == 1 && t->rec.last_shutdown == DM_SHUTDOWN_REBOOT, "0xcf9 bit 2 reboots");
}

static void test_acpi(struct dmt *t)
{
	is_int(dmt_cfg_read(t, ACPI, 0, 4), 0x71138086, "00:01.3 is the PIIX4 PM");
	dmt_cfg_write(t, ACPI, 0x40, 4, 0xb001);
	ok(!bus_find(&t->dm.bus, BUS_PIO, 0xb004), "PM block not decoded until PMREGMISC");
	dmt_cfg_write(t, ACPI, 0x80, 1, 1);
	ok(bus_find(&t->dm.bus, BUS_PIO, 0xb004) != NULL, "PM1a_CNT at PMBA+4");
	is_int(t->rec.pm_base, 0xb000, "vmhv told where the PM block is");
	ok(bus_find(&t->dm.bus, BUS_PIO, 0xb000) && !bus_find(&t->dm.bus, BUS_PIO, 0xb008),
	   "PM1a_EVT here, the PM timer left to vmhv");
	dmt_out(t, 0xb002, 2, 0x0121);
	is_int(dmt_in(t, 0xb000, 4), 0x01210000, "PM1 enable kept, status clear");
	dmt_out(t, 0xb004, 2, 1);
	is_int(dmt_in(t, 0xb004, 2), 1, "SCI_EN set");
	dmt_out(t, 0xb004, 2, 0x2000 | 1 << 10);
	is_int(t->rec.shutdowns, 1, "sleep type 1 (not S5) does nothing");
	dmt_out(t, 0xb004, 2, 0x2000);
	ok(t->rec.shutdowns == 2 && t->rec.last_shutdown == DM_SHUTDOWN_POWEROFF, "S5 powers off");
	dmt_cfg_write(t, ACPI, 0x40, 4, 0x6001);
	ok(bus_find(&t->dm.bus, BUS_PIO, 0x6004) && !bus_find(&t->dm.bus, BUS_PIO, 0xb004),
	   "PM block moved with PMBA");
	is_int(t->rec.pm_base, 0x6000, "and vmhv told again");
}

static void test_platform(struct dmt *t, int rd)
{
	char buf[256];
	ssize_t n;

	is_int(dmt_cfg_read(t, XENP, 0, 4), XEN_PLATFORM_DEVICE_ID << 16 | XEN_PLATFORM_VENDOR_ID,
	       "00:03.0 is the Xen platform device");
	is_int(dmt_cfg_read(t, XENP, 0x0a, 2), XEN_PLATFORM_CLASS, "its class");
	dmt_cfg_write(t, XENP, 0x14, 4, 0xffffffff);
	is_int(dmt_cfg_read(t, XENP, 0x14, 4), 0xff000008, "BAR1: 16 MiB prefetchable");
	is_int(dmt_in(t, 0x10, 2), XEN_IOPORT_MAGIC_VAL, "magic");
	is_int(dmt_in(t, 0x12, 1), 1, "protocol version");
	dmt_out(t, 0x12, 2, XEN_PLATFORM_PRODUCT_LINUX);
	dmt_out(t, 0x10, 4, 1);
	is_int(dmt_in(t, 0x10, 2), XEN_IOPORT_MAGIC_VAL, "not blacklisted");
	dmt_out(t, 0x10, 2, XEN_UNPLUG_ALL_IDE_DISKS | XEN_UNPLUG_ALL_NICS);
	for (const char *s = "hello from 0x12\n"; *s; s++)
		dmt_out(t, 0x12, 1, (uint8_t)*s);
	for (const char *s = "SeaBIOS (version test)\r\n"; *s; s++)
		dmt_out(t, 0x402, 1, (uint8_t)*s);
	dmt_out(t, 0xe9, 1, 'x');
	dmt_out(t, 0xe9, 1, '\n');
	is_int(dmt_in(t, 0xe9, 1), 0xe9, "0xe9 reads back 0xe9");
	n = read(rd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	is_str(buf, "hello from 0x12\nSeaBIOS (version test)\nx\n", "debug ports reach the debug log line by line");
}

int main(void)
{
	struct dmt t;
	int p[2];

	if (dmt_init(&t, 1 << 20) < 0 || pipe2(p, O_NONBLOCK) < 0) {
		skip_all("no memfd");
		return 0;
	}
	t.cfg.acpi = true;
	t.cfg.platform_pci = true;
	t.cfg.debug_fd = p[1];
	is_int(dmt_start(&t), 0, "devices created");
	test_bridges(&t);
	test_acpi(&t);
	test_platform(&t, p[0]);
	dm_reset(&t.dm);
	is_int(dmt_cfg_read(&t, PIIX3, 0x60, 4), 0x80808080, "reset disables the PIRQs");
	dmt_fini(&t);
	close(p[0]);
	close(p[1]);
	return tap_done();
}
