/* PCI interrupt link routes from the device model (privcmd PCI_LINK_ROUTE,
 * Xen's dm_op set_pci_link_route): passed on to the sandbox, whose PCI
 * INTx event callback rides the line a link is routed to. */
#ifndef VMHV_HVM_LINK_H
#define VMHV_HVM_LINK_H

#include <stddef.h>

struct vmhv;
struct privcmd_reply;

int op_PCI_LINK_ROUTE(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);

#endif
