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
/* Spin (interrupts on) until the upcall count moves past `seen`. */
bool pvhvm_wait_upcall(uint32_t seen);

/* The tests: "pvhvm" (any vmhv) and "xenstore NAME" (xl create of a
 * domain called NAME: xld's store). */
void pvhvm_test(void);
void pvhvm_xenstore_test(const char *want);
/* NAME when the command line is "xenstore NAME", else NULL. */
const char *pvhvm_xenstore_arg(const char *cmd);

#endif
