/* The vCPUs present for an hvm guest (privcmd HVM_VCPUS, from the device
 * model's ACPI CPU hotplug; docs/hvm.md "CPU hotplug"): vmhv keeps the set
 * and gives it to the sandbox, at its start and whenever it changes. */
#ifndef VMHV_HVM_VCPUS_H
#define VMHV_HVM_VCPUS_H

#include <stddef.h>

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct hvm_domain;
struct privcmd_reply;
struct vmhv;

int op_HVM_VCPUS(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep);
/* At the sandbox's start, before HVM_CTL_START: the set as it is. */
int hvm_vcpus_replay(struct hvm_domain *h);
/* VCPUOP_down (hold) / VCPUOP_up (release) of vCPU `id` by another vCPU,
 * as Xen allows: a held vCPU stops at an instruction boundary, its state
 * kept, and runs on from there when released (Linux's resume takes every
 * other online vCPU down and up again). vmhv's online flag follows; 0 or
 * -errno. */
int hvm_vcpu_hold(struct domain *d, uint32_t id, bool hold);
/* Is vCPU `id` held? */
bool hvm_vcpu_held(struct domain *d, uint32_t id);

#endif
