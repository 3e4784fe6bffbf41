/* xl vcpu-set of an hvm domain through its device model (vcpu_hvm.h). */
#include "xld/vcpu_hvm.h"

#include "xld/cdrom.h"
#include "xld/domain.h"
#include "xld/xld.h"
#include "common/log.h"
#include "vmctl/dmctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int vcpu_hvm_set(struct xld *xld, struct xld_domain *d, unsigned n, char *msg, size_t cap)
{
	struct dmctl_req req = { .magic = DMCTL_MAGIC, .op = DMCTL_VCPUS, .disk = n };
	int rc = dmctl_call(xld, d->domid, &req, -1);

	if (rc == -ENOENT || rc == -ECONNREFUSED)
		return 0;   /* no device model: the xenstore nodes only */
	if (rc == -ENODEV)
		snprintf(msg, cap, "the domain's device model has no ACPI (acpi=0): no CPU hotplug");
	else if (rc < 0)
		snprintf(msg, cap, "the device model refused %u vCPUs: %s", n, strerror(-rc));
	else
		log_info("d%u: %u vCPUs present (ACPI CPU hotplug)", d->domid, n);
	return rc;
}
