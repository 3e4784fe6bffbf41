/* privcmd PCI_LINK_ROUTE: see hvm_link.h. vmhv keeps no copy: the guest
 * programs the routes (PIIX3 PIRQx) while its sandbox runs, and a restored
 * device model replays its configuration space, routes included. */
#include "hypervisor/engines/hvm/hvm_link.h"

#include <errno.h>

#include "hypervisor/domain.h"
#include "hypervisor/engines/hvm/hvm_abi.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "vmctl/privcmd.h"

int op_PCI_LINK_ROUTE(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_pci_link_route *r = req;
	struct domain *d = domain_lookup(hv, r->domid);
	struct hvm_ctl m = { .type = HVM_CTL_LINK, .a = r->link, .b = r->irq };
	struct hvm_domain *h;

	(void)len;
	(void)rep;
	if (!d || d->dying)
		return -ESRCH;
	if (d->engine != &hvm_engine_ops || r->link > 3 || r->irq > 15 || r->pad)
		return -EINVAL;
	if (!(h = hvm_domain_get(d)))
		return -ENOMEM;
	return hvm_ctl_send(h, &m, NULL, 0);
}
