/* The device model's control socket: what xld asks of a running
 * vmctl-devmodel (xl cd-insert / cd-eject, the state for xl save and
 * restore).
 *
 * xld connects to $rundir/devmodel.<domid>.ctl (SOCK_STREAM, mode 0600),
 * sends one struct dmctl_req (with the new medium's descriptor as
 * SCM_RIGHTS for DMCTL_CD_INSERT: xld opens the file, the sandboxed
 * device model cannot) and reads one struct dmctl_rep; then either side
 * closes. All fields are little-endian, sizes fixed.
 */
#ifndef VMCTL_DMCTL_H
#define VMCTL_DMCTL_H

#include <stddef.h>
#include <stdint.h>

#define DMCTL_MAGIC 0x43444d56u         /* "VMDC" */

enum dmctl_op {
	DMCTL_CD_INSERT = 1,            /* disk: IDE index 0..3 (hda..hdd); an fd */
	DMCTL_CD_EJECT = 2,             /* disk: IDE index; the drive stays, empty */
	DMCTL_SAVE = 3,                 /* the reply's len bytes of state follow it
					   (devmodel/dm_save.h); the guest's vCPUs
					   must be frozen */
	DMCTL_LOAD = 4,                 /* len bytes of state follow the request;
					   before the guest runs: -EINVAL when the
					   state is malformed or for another machine */
	DMCTL_VCPUS = 5,                /* disk: the number of vCPUs present (xl
					   vcpu-set): the ACPI CPU hotplug bitmap and
					   GPE (docs/hvm.md "CPU hotplug"); -EINVAL
					   outside 1..the domain's vCPUs, -ENODEV
					   without ACPI */
};

#define DMCTL_STATE_MAX (256u << 20)

struct dmctl_req {
	uint32_t magic;                 /* DMCTL_MAGIC */
	uint32_t op;                    /* enum dmctl_op */
	uint32_t disk;
	uint32_t len;                   /* DMCTL_LOAD: bytes that follow */
};
_Static_assert(sizeof(struct dmctl_req) == 16, "dmctl_req size");

struct dmctl_rep {
	int32_t rc;                     /* 0 or -errno: -ENODEV (no CD-ROM there), -EINVAL */
	uint32_t len;                   /* DMCTL_SAVE: bytes that follow */
};
_Static_assert(sizeof(struct dmctl_rep) == 8, "dmctl_rep size");
_Static_assert(offsetof(struct dmctl_rep, rc) == 0, "dmctl_rep rc offset");

#endif
