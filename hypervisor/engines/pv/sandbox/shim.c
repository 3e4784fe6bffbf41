/* The hypercall shim: runs on the vCPU's own stack inside the sandbox for
 * every hypercall the guest makes. What it cannot serve from the guest's own
 * process goes to vmhv over the channel. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"
#include "hypervisor/engines/pv/sandbox/sys.h"

#define EXIT_CHANNEL 50

static long shim_forward(struct pv_vcpu *v, const struct pv_frame *f)
{
	struct pv_hcall_req req = { .vcpu = v->id, .nr = (uint32_t)f->nr };
	struct pv_hcall_rep rep;

	for (int i = 0; i < 5; i++)
		req.args[i] = f->arg[i];
	/* vmhv closes the channel when the domain stops: then we just end. */
	if (sys3(NR_write, PV_CHAN_FD, &req, sizeof(req)) != sizeof(req))
		sys_exit_group(EXIT_CHANNEL);
	if (sys3(NR_read, PV_CHAN_FD, &rep, sizeof(rep)) != sizeof(rep))
		sys_exit_group(EXIT_CHANNEL);
	return rep.ret;
}

long pv_shim_hypercall(struct pv_vcpu *v, struct pv_frame *f)
{
	/* Hypercall numbers are 32-bit in %eax; anything else is garbage. */
	if (f->nr >= 64)
		return -38; /* -ENOSYS */
	return shim_forward(v, f);
}
