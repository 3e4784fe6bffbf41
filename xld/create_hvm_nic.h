/* The emulated NICs of an hvm domain (xl's vif with model=rtl8139|e1000;
 * every vif of an hvm domain with nictype ioemu, Xen's default, and
 * rtl8139 when no model is given, as with Xen). For each one xld makes a
 * tap named vif<domid>.<devid>-emu, as Xen names it, on the vif's bridge
 * (xenbr0 by default), and gives its descriptor to the device model with
 * a --nic option; the device model's supervisor holds the taps from then
 * on, so they go when the device model is stopped (destroy, or a create
 * that fails later). */
#ifndef VMCTL_XLD_CREATE_HVM_NIC_H
#define VMCTL_XLD_CREATE_HVM_NIC_H

#include <stddef.h>
#include <stdint.h>

struct domcfg_config;

#define HVM_NICS_MAX 4   /* the device model's DM_MAX_NICS */

struct hvm_nics {
	int fd[HVM_NICS_MAX];
	char *arg[HVM_NICS_MAX];   /* the --nic values, fd=3.. in order */
	unsigned n;
};

/* Make the taps. 0, or -errno with the reason in msg (nothing is left). */
int hvm_nics_open(struct hvm_nics *n, uint32_t domid, const struct domcfg_config *cfg,
		  char *msg, size_t cap);
/* Append "--nic ARG" pairs to argv (NULL-terminated, `max` entries). */
void hvm_nics_argv(const struct hvm_nics *n, char **argv, size_t max);
/* Close our descriptors (the supervisor keeps copies) and free. */
void hvm_nics_close(struct hvm_nics *n);

#endif
