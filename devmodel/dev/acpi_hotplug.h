/* The ACPI hotplug registers (acpi_hotplug.c): what the control socket
 * (xl vcpu-set, DMCTL_VCPUS) changes. */
#ifndef VMCTL_DEVMODEL_DEV_ACPI_HOTPLUG_H
#define VMCTL_DEVMODEL_DEV_ACPI_HOTPLUG_H

struct acpi_hotplug;

/* vCPUs 0..n-1 present, the rest not (1 <= n <= the domain's vCPUs):
 * the bits that change raise GPE 2, whose DSDT method tells the OS
 * (Device Check for a new vCPU, Eject Request for one going). 0 or
 * -EINVAL. */
int acpi_hotplug_set_vcpus(struct acpi_hotplug *h, unsigned n);

#endif
