/* console_io: the guest writes to vmhv's console (`xl dmesg`), line by line
 * with a "(dN) " prefix as a Xen debug build shows it. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <vmctl/xen/xen.h>

#define CONSOLE_WRITE_MAX 16384 /* bytes taken per call; the rest is dropped */

static void console_flush(struct domain *d)
{
	if (!d->con_len)
		return;
	dmesg_printf(&d->hv->dmesg, "(d%u) %.*s\n", d->domid, (int)d->con_len, d->con_line);
	d->con_len = 0;
}

static void console_put(struct domain *d, char ch)
{
	if (ch == '\n') {
		console_flush(d);
		return;
	}
	if (ch == '\r')
		return;
	/* Control characters would garble the host's log. */
	d->con_line[d->con_len++] = (ch < 0x20 && ch != '\t') ? '?' : ch;
	if (d->con_len == sizeof(d->con_line))
		console_flush(d);
}

static int64_t console_write(struct hcall *c)
{
	char buf[512];
	uint64_t count = c->arg[1], va = c->arg[2];

	if (count > CONSOLE_WRITE_MAX)
		count = CONSOLE_WRITE_MAX;
	for (uint64_t done = 0; done < count;) {
		size_t n = count - done > sizeof(buf) ? sizeof(buf) : count - done;

		if (guest_copy_from(c->d, va + done, buf, n) < 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			console_put(c->d, buf[i]);
		done += n;
	}
	return 0;
}

int64_t hc_console_io(struct hcall *c)
{
	switch (c->arg[0]) {
	case CONSOLEIO_write:
		return console_write(c);
	case CONSOLEIO_read:
		return -EPERM; /* only dom0 reads the hypervisor console */
	default:
		return -ENOSYS;
	}
}
