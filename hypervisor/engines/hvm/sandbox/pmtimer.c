/* The ACPI PM timer: a 24-bit counter at 3.579545 MHz, read at PM1 base + 8.
 * The PM1 base follows HVM_PARAM_ACPI_IOPORTS_LOCATION as on Xen (0: the
 * old block at 0x1f40, 1: 0xb000); vmctl also takes a port number there
 * (>= 0x100), which a device model sets when the guest programs its PIIX4
 * PM base (SeaBIOS puts it at 0x600). */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <vmctl/xen/hvm/params.h>

#define PM_HZ 3579545ull

static uint16_t pm_base(struct hvm *h)
{
	uint64_t loc = h->params[HVM_PARAM_ACPI_IOPORTS_LOCATION];

	if (loc >= 0x100 && loc <= 0xfff0)
		return (uint16_t)loc;
	return loc == 1 ? 0xb000 : 0x1f40;
}

bool pmtimer_claims(struct hvm *h, uint16_t port)
{
	return port == pm_base(h) + 8;
}

uint32_t pmtimer_read(struct hvm *h)
{
	uint64_t ns = hvm_now() - h->start_ns;

	/* ns * PM_HZ overflows after ~85 minutes: split it */
	return (uint32_t)(((ns / 1000000000ull) * PM_HZ +
			   (ns % 1000000000ull) * PM_HZ / 1000000000ull) & 0xffffff);
}
