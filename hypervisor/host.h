/* What vmhv tells dom0 about itself and the machine (`xl info`). */
#ifndef VMHV_HOST_H
#define VMHV_HOST_H

#include "vmctl/privcmd.h"

struct vmhv;

/* The Xen version vmhv presents to guests and tools: 4.17. */
#define VMHV_XEN_MAJOR 4
#define VMHV_XEN_MINOR 17
#define VMHV_XEN_EXTRA ".0-vmctl"
#define VMHV_XEN_CAPS "xen-3.0-x86_64"

void host_version(struct vmhv *hv, struct privcmd_version *v);

/* Fill from sysconf and /proc/cpuinfo; free memory is the host's available
 * memory (guest memory is host memory here). 0 or -errno. */
int host_physinfo(struct vmhv *hv, struct privcmd_physinfo *p);

#endif
