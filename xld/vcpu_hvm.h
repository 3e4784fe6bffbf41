/* xl vcpu-set of an hvm domain: the device model's ACPI CPU hotplug
 * (docs/hvm.md "CPU hotplug"). The guest's OS brings a new vCPU up with
 * INIT/SIPI (the sandbox's vCPU thread waits for it) and ejects one that
 * xl takes away; vmhv counts a vCPU online from its SIPI on. */
#ifndef VMCTL_XLD_VCPU_HVM_H
#define VMCTL_XLD_VCPU_HVM_H

#include <stddef.h>

struct xld;
struct xld_domain;

/* Tell d's device model that vCPUs 0..n-1 are present. 0 when done or
 * when d has no device model (a PVH domain, or an hvm domain without
 * one: the xenstore nodes are all it gets); else -errno with msg set
 * (-ENODEV: its device model has no ACPI, acpi=0). */
int vcpu_hvm_set(struct xld *xld, struct xld_domain *d, unsigned n, char *msg, size_t cap);

#endif
