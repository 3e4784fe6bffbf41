/* The vCPUs present for an hvm guest (privcmd HVM_VCPUS, from the device
 * model's ACPI CPU hotplug; docs/hvm.md "CPU hotplug"): vmhv keeps the set
 * and gives it to the sandbox, at its start and whenever it changes. */
#ifndef VMHV_HVM_VCPUS_H
#define VMHV_HVM_VCPUS_H

#include <stddef.h>

struct hvm_domain;
struct privcmd_reply;
struct vmhv;

int op_HVM_VCPUS(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);
/* At the sandbox's start, before HVM_CTL_START: the set as it is. */
int hvm_vcpus_replay(struct hvm_domain *h);

#endif
