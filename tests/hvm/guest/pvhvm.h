/* PV-on-HVM helpers of the test guest (pvhvm.c, pvhvm_xs.c). */
#ifndef VMCTL_TESTS_HVM_GUEST_PVHVM_H
#define VMCTL_TESTS_HVM_GUEST_PVHVM_H

#include <stdbool.h>
#include <stdint.h>

/* Hypercall page, shared_info over a RAM page, callback vector 0xf3. */
bool pvhvm_setup(void);
long pvhvm_param(bool set, uint32_t index, uint64_t *value);
long pvhvm_send(uint32_t port);
uint32_t pvhvm_upcalls(void);
/* XENMEM_add_to_physmap of shared_info (space 0) or a grant frame (1). */
long pvhvm_add_to_physmap(uint32_t space, uint32_t idx, uint32_t gpfn);
/* VCPUOP_register_vcpu_info at guest frame gfn (offset 64), which the
 * guest sees at `page`; an event sent to `port` (< 32) then raises an
 * upcall whose flag and selector are found there. */
bool pvhvm_move_vcpu_info(uint64_t gfn, volatile uint8_t *page, uint32_t port);
/* Spin (interrupts on) until the upcall count moves past `seen`. */
bool pvhvm_wait_upcall(uint32_t seen);

/* The tests: "pvhvm" (any vmhv) and "xenstore NAME" (xl create of a
 * domain called NAME: xld's store). */
void pvhvm_test(void);
void pvhvm_xenstore_test(const char *want);
/* NAME when the command line is "xenstore NAME", else NULL. */
const char *pvhvm_xenstore_arg(const char *cmd);

#endif
