/* xl vcpu-set of an hvm domain through its device model (vcpu_hvm.h). */
#include "xld/vcpu_hvm.h"

#include "xld/cdrom.h"
#include "xld/domain.h"
#include "xld/hvm_dm.h"
#include "xld/xld.h"
#include "libvmctl/domcfg.h"
#include "common/log.h"
#include "vmctl/dmctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The stored configuration's vcpus (avail_vcpus) becomes 0..n-1, as
 * libxl's retrieve_domain_configuration makes it: a reboot recreates the
 * domain from it (the new device model's MADT, CFxx, fw_cfg NB_CPUS and
 * the CMOS count then have the present set), and a save carries it in
 * the stream's CONFIG, so the restored device model starts with it. */
static void record(struct xld *xld, struct xld_domain *d, unsigned n)
{
	struct domcfg_config cfg;
	struct domcfg_bitmap *bm = &cfg.b_info.avail_vcpus;
	char *perr = NULL, *json = NULL;
	int rc;

	domcfg_config_init(&cfg);
	rc = domcfg_config_from_json(&cfg, d->config_json, &perr);
	if (rc == 0 && bm->map)
		memset(bm->map, 0, bm->size / 8);
	for (unsigned i = 0; rc == 0 && i < n; i++)
		rc = domcfg_bitmap_set(bm, i);
	if (rc == 0 && !(json = domcfg_config_to_json(&cfg)))
		rc = -ENOMEM;
	if (rc == 0) {
		free(d->config_json);
		d->config_json = json;
		xld_domain_save(xld, d);
	} else {
		log_warn("d%u: the stored configuration keeps its vcpus: %s", d->domid,
			 perr ? perr : strerror(-rc));
	}
	free(perr);
	domcfg_config_dispose(&cfg);
}

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
	else {
		log_info("d%u: %u vCPUs present (ACPI CPU hotplug)", d->domid, n);
		record(xld, d, n);
		hvm_dm_vcpus_arg(d, n);   /* and a device model restarted after a crash */
	}
	return rc;
}
