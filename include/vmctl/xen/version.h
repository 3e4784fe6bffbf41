/*
 * HYPERVISOR_xen_version(cmd, arg) with XENVER_*: the hypervisor's version,
 * build strings, capabilities and the feature bitmap (XENFEAT_* from
 * features.h, which this header includes).
 */
#ifndef VMCTL_XEN_VERSION_H
#define VMCTL_XEN_VERSION_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>
#include <vmctl/xen/features.h>

#define XENVER_version             0	/* arg NULL; returns (major << 16) | minor */
#define XENVER_extraversion        1	/* xen_extraversion_t */
#define XENVER_compile_info        2	/* struct xen_compile_info */
#define XENVER_capabilities        3	/* xen_capabilities_info_t */
#define XENVER_changeset           4	/* xen_changeset_info_t */
#define XENVER_platform_parameters 5	/* struct xen_platform_parameters */
#define XENVER_get_features        6	/* struct xen_feature_info */
#define XENVER_pagesize            7	/* arg NULL; returns the page size */
#define XENVER_guest_handle        8	/* xen_domain_handle_t (the domain's UUID) */
#define XENVER_commandline         9	/* xen_commandline_t */
#define XENVER_build_id           10	/* struct xen_build_id */
#define XENVER_extraversion2      11	/* newer than Xen 4.17 */
#define XENVER_capabilities2      12	/* newer than Xen 4.17 */
#define XENVER_changeset2         13	/* newer than Xen 4.17 */
#define XENVER_commandline2       14	/* newer than Xen 4.17 */

typedef char xen_extraversion_t[16];		/* e.g. ".0" */
#define XEN_EXTRAVERSION_LEN (sizeof(xen_extraversion_t))

typedef char xen_capabilities_info_t[1024];	/* e.g. "xen-3.0-x86_64 hvm-3.0-x86_64" */
#define XEN_CAPABILITIES_INFO_LEN (sizeof(xen_capabilities_info_t))

typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN (sizeof(xen_changeset_info_t))

typedef char xen_commandline_t[1024];

/* Who built the hypervisor, and when. */
struct xen_compile_info {
	char compiler[64];
	char compile_by[16];
	char compile_domain[32];
	char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
XEN_ABI_SIZE(struct xen_compile_info, 144);
XEN_ABI_OFFSET(struct xen_compile_info, compiler, 0);
XEN_ABI_OFFSET(struct xen_compile_info, compile_by, 64);
XEN_ABI_OFFSET(struct xen_compile_info, compile_domain, 80);
XEN_ABI_OFFSET(struct xen_compile_info, compile_date, 112);

/* Start of the hypervisor's virtual range (HYPERVISOR_VIRT_START for PV). */
struct xen_platform_parameters {
	xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
XEN_ABI_SIZE(struct xen_platform_parameters, 8);
XEN_ABI_OFFSET(struct xen_platform_parameters, virt_start, 0);

/* One 32-bit word of the XENFEAT_* bitmap. */
struct xen_feature_info {
	unsigned int submap_idx;	/* IN: which word */
	uint32_t submap;		/* OUT */
};
typedef struct xen_feature_info xen_feature_info_t;
XEN_ABI_SIZE(struct xen_feature_info, 8);
XEN_ABI_OFFSET(struct xen_feature_info, submap_idx, 0);
XEN_ABI_OFFSET(struct xen_feature_info, submap, 4);

/* The build id note of the hypervisor: len bytes follow. */
struct xen_build_id {
	uint32_t len;			/* IN: room in buf; OUT: bytes written */
	unsigned char buf[];
};
typedef struct xen_build_id xen_build_id_t;
XEN_ABI_SIZE(struct xen_build_id, 4);
XEN_ABI_OFFSET(struct xen_build_id, len, 0);
XEN_ABI_OFFSET(struct xen_build_id, buf, 4);

#endif
