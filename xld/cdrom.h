/* xl cd-insert / cd-eject of an HVM domain: the device model's ATAPI
 * drive gets the new medium (xld opens the file and passes it over the
 * device model's control socket, include/vmctl/dmctl.h), the disk's
 * xenstore nodes and the stored configuration follow, as libxl keeps them. */
#ifndef VMCTL_XLD_CDROM_H
#define VMCTL_XLD_CDROM_H

#include <stddef.h>
#include <stdint.h>

struct dmctl_req;
struct xld;
struct xld_domain;

/* One request to domain `domid`'s device model control socket (with the
 * descriptor `fd` when >= 0); its answer's rc, or -errno (-ENOENT: no
 * device model runs). */
int dmctl_call(struct xld *xld, uint32_t domid, const struct dmctl_req *req, int fd);

/* Put `target` (NULL or "": eject) in the CD-ROM drive `vdev` of domain d.
 * 0, or a negative errno with msg set; *code is the RPC error code. */
int cdrom_change(struct xld *xld, struct xld_domain *d, const char *vdev, const char *target,
		 int *code, char *msg, size_t cap);

#endif
