/* The device guest's CPU hotplug view (vcpuhp.c): what a firmware and an
 * OS read of the present vCPUs, before and after xl vcpu-set, save,
 * restore and a reboot (tests/hvm/vcpu_save.sh). */
#ifndef VMCTL_TESTS_HVM_GUEST_VCPUHP_H
#define VMCTL_TESTS_HVM_GUEST_VCPUHP_H

/* Prints "vcpus: madt E/N nb_cpus C max_cpus M cmos K bitmap BB gpe SSSS"
 * on port 0xe9 at the start, then again whenever the bitmap at 0xaf00
 * changes or a 'p' comes in on COM1; an 'r' on COM1 resets the machine
 * (0xcf9), a 'q' ends the test. Never returns otherwise. */
void vcpuhp_test(void);

#endif
