/* The XenStore nodes of a domain, as libxl writes them (reference §3.7):
 * /local/domain/<id> with name, vm, domid, cpu, memory, store, console and
 * control, /vm/<uuid>, /libxl/<id>. The guest may write only what libxl
 * lets it write (control/shutdown, data, device/..., ...). */
#ifndef VMCTL_XLD_DOM_XS_H
#define VMCTL_XLD_DOM_XS_H

#include <stdint.h>

struct xld;

struct dom_xs_info {
	uint32_t domid;
	const char *name;
	const uint8_t *uuid;          /* 16 bytes */
	const char *type;             /* "pv", "hvm", "pvh" */
	unsigned max_vcpus, online_vcpus;
	uint64_t max_kb, target_kb;
	uint64_t store_gfn, console_gfn;
	uint32_t store_port, console_port;
	const char *kernel, *ramdisk, *cmdline;
};

/* Write every node; returns 0 or -errno (then nothing of the domain is left). */
int dom_xs_make(struct xld *xld, const struct dom_xs_info *info);
/* Remove the domain's nodes: /local/domain/<id>, /vm/<uuid>, /libxl/<id>. */
void dom_xs_remove(struct xld *xld, uint32_t domid, const uint8_t uuid[16]);
/* Write dom0's own nodes (/local/domain/0/name = Domain-0, domid = 0). */
int dom_xs_dom0(struct xld *xld);

#endif
