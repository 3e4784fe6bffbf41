/* What m_defs.c offers other methods: domain.list's inactive entries. */
#ifndef VMCTL_XLD_RPC_M_DEFS_H
#define VMCTL_XLD_RPC_M_DEFS_H

#include <yajl/yajl_gen.h>

struct xld;

/* One domain.list entry per definition that does not run: {"domid": null,
 * "name", "uuid", "state": "------", "active": false, "persistent": true,
 * "autostart", "mem_kb", "max_mem_kb", "vcpus", "max_vcpus"}. */
void m_defs_list_inactive(struct xld *xld, yajl_gen g);

#endif
