/* xen_version: the same answers `xl info` gets through privcmd VERSION. */
#include "hypervisor/hypercall.h"

#include "hypervisor/domain.h"
#include "hypervisor/host.h"
#include "hypervisor/vmhv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/features.h>
#include <vmctl/xen/version.h>

typedef int64_t (*version_handler)(struct hcall *c, const struct privcmd_version *v);

/* Copy a NUL-padded string field of exactly `size` bytes to the guest. */
static int64_t put_string(struct hcall *c, const char *s, size_t size)
{
	char buf[1024] = { 0 };

	snprintf(buf, sizeof(buf), "%s", s);
	return guest_copy_to(c->d, c->arg[1], buf, size);
}

static int64_t ver_version(struct hcall *c, const struct privcmd_version *v)
{
	return (int64_t)((v->major << 16) | v->minor);
}

static int64_t ver_extraversion(struct hcall *c, const struct privcmd_version *v)
{
	return put_string(c, v->extra, sizeof(xen_extraversion_t));
}

static int64_t ver_compile_info(struct hcall *c, const struct privcmd_version *v)
{
	struct xen_compile_info ci = { 0 };

	snprintf(ci.compiler, sizeof(ci.compiler), "%s", v->compiler);
	snprintf(ci.compile_by, sizeof(ci.compile_by), "vmctl");
	snprintf(ci.compile_domain, sizeof(ci.compile_domain), "localdomain");
	snprintf(ci.compile_date, sizeof(ci.compile_date), "%s", v->compile_date);
	return guest_copy_to(c->d, c->arg[1], &ci, sizeof(ci));
}

static int64_t ver_capabilities(struct hcall *c, const struct privcmd_version *v)
{
	return put_string(c, v->capabilities, sizeof(xen_capabilities_info_t));
}

static int64_t ver_changeset(struct hcall *c, const struct privcmd_version *v)
{
	return put_string(c, v->changeset, sizeof(xen_changeset_info_t));
}

static int64_t ver_platform_parameters(struct hcall *c, const struct privcmd_version *v)
{
	struct xen_platform_parameters p = { .virt_start = v->virt_start };

	return guest_copy_to(c->d, c->arg[1], &p, sizeof(p));
}

/* What a pv guest on vmhv may rely on: writable descriptor tables are
 * recorded, not loaded (docs/pv-engine.md), and mmu_update keeps the A/D
 * bits with MMU_PT_UPDATE_PRESERVE_AD. As on Xen, a pv guest's writable
 * page tables are the vm_assist, not this feature bit. An hvm guest's frames are its
 * own (auto-translated) and events reach it through a callback vector
 * (docs/hvm.md "PV-on-HVM"). */
static int64_t ver_get_features(struct hcall *c, const struct privcmd_version *v)
{
	struct xen_feature_info fi;

	if (guest_copy_from(c->d, c->arg[1], &fi, sizeof(fi)) < 0)
		return -EFAULT;
	fi.submap = 0;
	if (fi.submap_idx == 0 && c->d->hvm)
		fi.submap = (1u << XENFEAT_auto_translated_physmap) |
			    (1u << XENFEAT_hvm_callback_vector);
	else if (fi.submap_idx == 0)
		fi.submap = (1u << XENFEAT_writable_descriptor_tables) |
			    (1u << XENFEAT_pae_pgdir_above_4gb) |
			    (1u << XENFEAT_mmu_pt_update_preserve_ad);
	return guest_copy_to(c->d, c->arg[1], &fi, sizeof(fi));
}

static int64_t ver_pagesize(struct hcall *c, const struct privcmd_version *v)
{
	return 4096;
}

static int64_t ver_guest_handle(struct hcall *c, const struct privcmd_version *v)
{
	return guest_copy_to(c->d, c->arg[1], c->d->handle, sizeof(c->d->handle));
}

static int64_t ver_commandline(struct hcall *c, const struct privcmd_version *v)
{
	return put_string(c, v->commandline, sizeof(xen_commandline_t));
}

static const version_handler version_ops[] = {
	[XENVER_version] = ver_version,
	[XENVER_extraversion] = ver_extraversion,
	[XENVER_compile_info] = ver_compile_info,
	[XENVER_capabilities] = ver_capabilities,
	[XENVER_changeset] = ver_changeset,
	[XENVER_platform_parameters] = ver_platform_parameters,
	[XENVER_get_features] = ver_get_features,
	[XENVER_pagesize] = ver_pagesize,
	[XENVER_guest_handle] = ver_guest_handle,
	[XENVER_commandline] = ver_commandline,
};

int64_t hc_xen_version(struct hcall *c)
{
	struct privcmd_version v;
	uint64_t cmd = c->arg[0];

	if (cmd >= sizeof(version_ops) / sizeof(version_ops[0]) || !version_ops[cmd])
		return -ENOSYS;
	host_version(c->d->hv, &v);
	return version_ops[cmd](c, &v);
}
