/* Domains: the objects vmhv exists for.
 *
 * A domain is created paused (pause count 1, as on Xen) with its memory
 * (memory.h) and nothing running; the builder fills its memory and vCPU 0's
 * registers through privcmd, and the first unpause starts its engine.
 * A shut-down domain keeps its memory until it is destroyed (the toolstack
 * reads the reason, may save it, then destroys it).
 */
#ifndef VMHV_DOMAIN_H
#define VMHV_DOMAIN_H

#include "hypervisor/memory.h"
#include "hypervisor/vcpu.h"
#include "vmctl/privcmd.h"

#include <stdbool.h>
#include <stdint.h>

#define DOMAIN_NO_GMFN UINT64_MAX

struct vmhv;
struct engine_ops;
struct evtchn;

struct domain {
	struct vmhv *hv;
	uint32_t domid;
	uint8_t handle[16];
	bool hvm;
	uint32_t max_vcpus;
	uint64_t max_pages, tot_pages;
	uint32_t pause_count;
	bool started;             /* the engine was started */
	bool ctx_set;             /* the builder gave vCPU 0 its registers */
	bool shutdown;
	bool dying;
	bool suspended;           /* shut down for suspend, vCPUs kept */
	uint32_t shutdown_reason;
	uint32_t shutdown_code;   /* SCHEDOP_shutdown_code: reason for a later crash */
	uint64_t create_ns;
	struct domain_mem mem;
	struct privcmd_vcpu_regs boot_regs;   /* vCPU 0 at start */
	struct privcmd_vcpu_regs vcpu_regs[PRIVCMD_MAX_VCPUS]; /* saved at suspend */
	uint32_t vcpu_regs_valid;             /* bit per vCPU in vcpu_regs */
	uint32_t vcpu_regs_boot;              /* bit per vCPU > 0 set before start:
					       * vcpu_regs is where up resumes it */
	uint32_t suspend_vcpu;                /* the vCPU parked in the suspend call */
	uint64_t hypercall_gmfn;              /* DOMAIN_NO_GMFN = none */
	struct vcpu vcpus[PRIVCMD_MAX_VCPUS];
	struct evtchn *evtchn;    /* EVTCHN_NR_PORTS entries */
	uint16_t *gnt_pins;       /* gnttab.c: map counts per ref, lazily */
	int64_t time_offset_s;    /* SETTIMEOFFSET: added to the wall clock */
	uint64_t hvm_params[PRIVCMD_HVM_NR_PARAMS];
	char con_line[256];       /* console_io text up to the next newline */
	size_t con_len;
	const struct engine_ops *engine;
	void *engine_priv;
};

/* Create a domain from a validated request; *out set on success. 0 or -errno
 * (-EINVAL for bad sizes, -ENOSPC when no domid is free). */
int domain_create(struct vmhv *hv, const struct privcmd_domain_create *req,
		  struct domain **out);

/* Stop everything the domain runs and free it. */
void domain_destroy(struct domain *d);

/* The domain with `domid`, or NULL (dom0 is not a vmhv domain). */
struct domain *domain_lookup(struct vmhv *hv, uint32_t domid);

/* Pause count up / down. Unpausing a never-started domain starts it.
 * -EINVAL when the count is already 0, or for a dying domain. */
int domain_pause(struct domain *d);
int domain_unpause(struct domain *d);

/* Mark the domain shut down with a SHUTDOWN_* reason and stop its vCPUs.
 * The first reason wins, as on Xen. */
void domain_shutdown(struct domain *d, uint32_t reason);

/* SCHEDOP_shutdown(suspend) from vCPU `vcpu`: the domain counts as shut
 * down (reason suspend) but keeps its vCPUs, stopped, so that it can be
 * saved and then destroyed, or resumed (domain_resume). */
void domain_suspend(struct domain *d, uint32_t vcpu);

/* Cancel a suspend (XEN_DOMCTL_resumedomain): the suspend hypercall
 * returns 1 and the vCPUs run on. -EINVAL unless suspended and alive. */
int domain_resume(struct domain *d);

/* Shut the domain down as crashed, logging why in vmhv's console. */
void domain_crash(struct domain *d, const char *why);

void domain_getinfo(struct domain *d, struct privcmd_dominfo *info);

#endif
