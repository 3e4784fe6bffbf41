/* What makes an hvm guest find Xen (reference xen-abi §4.2): the
 * hypervisor CPUID leaves at 0x40000000, the hypercall-page MSR, and the
 * hypercalls themselves (VMCALL), forwarded to vmhv's dispatcher. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <vmctl/xen/arch-x86/cpuid.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/xen.h>

#define XEN_MAJOR 4    /* as vmhv's XENVER_version (host.h) */
#define XEN_MINOR 17
#define HCALL_STUB 32  /* bytes per hypercall in the page */

void xen_cpuid(void *opaque, struct cpu *cpu, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	struct hvm_vcpu *v = opaque;

	if (leaf == 1) {
		r[1] = (r[1] & 0x00ffffff) | (v->apic.id << 24);
		r[1] = (r[1] & 0xff00ffff) | (v->h->boot.max_vcpus << 16);
		return;
	}
	if (leaf < XEN_CPUID_FIRST_LEAF || leaf > XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES)) {
		if ((leaf >> 16) == 0x4000)
			memset(r, 0, 16);   /* no other hypervisor ranges */
		return;
	}
	memset(r, 0, 16);
	switch (leaf - XEN_CPUID_FIRST_LEAF) {
	case 0:
		r[0] = XEN_CPUID_LEAF(XEN_CPUID_MAX_NUM_LEAVES);
		r[1] = XEN_CPUID_SIGNATURE_EBX;
		r[2] = XEN_CPUID_SIGNATURE_ECX;
		r[3] = XEN_CPUID_SIGNATURE_EDX;
		break;
	case 1:
		r[0] = (XEN_MAJOR << 16) | XEN_MINOR;
		break;
	case 2:
		r[0] = 1;                          /* one hypercall page */
		r[1] = XEN_CPUID_HYPERCALL_MSR;
		break;
	case 3:
		if (sub == 0)
			r[1] = XEN_CPUID_TSC_MODE_DEFAULT;
		break;
	case 4:
		r[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
		r[1] = v->id;
		r[2] = v->h->boot.domid;
		break;
	default:
		break;
	}
}

/* Fill the page at `gpa` with one stub per hypercall: mov $nr, %eax;
 * vmcall; ret (iret, 23, is not a hypercall for hvm guests: ud2). */
static int hypercall_page(struct hvm_vcpu *v, uint64_t gpa)
{
	uint8_t *p = hvm_gpa(v->h, gpa, 4096);

	if (!p || (gpa & 0xfff))
		return -1;
	memset(p, 0xcc, 4096);
	for (unsigned nr = 0; nr < 4096 / HCALL_STUB; nr++) {
		uint8_t *s = p + nr * HCALL_STUB;

		if (nr == 23) {
			s[0] = 0x0f;
			s[1] = 0x0b;
			continue;
		}
		s[0] = 0xb8;
		memcpy(s + 1, &nr, 4);
		s[5] = 0x0f;
		s[6] = 0x01;
		s[7] = 0xc1;
		s[8] = 0xc3;
	}
	/* Other vCPUs run code from it only after their own first call into
	 * it; their caches never held that page's old contents as code. */
	cpu_invalidate_code(v->cpu, gpa, 4096);
	return 0;
}

int xen_msr(void *opaque, struct cpu *cpu, uint32_t idx, bool write, uint64_t *val)
{
	struct hvm_vcpu *v = opaque;

	if (idx != XEN_CPUID_HYPERCALL_MSR)
		return -1;
	if (!write) {
		*val = 0;
		return 0;
	}
	return hypercall_page(v, *val);
}

/* Forward the call to vmhv and wait for its answer (the channel is this
 * vCPU's own). CPL > 0 gets -EPERM as on Xen. */
void xen_hypercall(struct hvm_vcpu *v)
{
	struct cpu_state st;
	struct hvm_hcall_req req = { .vcpu = v->id };
	struct hvm_hcall_rep rep;
	bool lm, park;

	cpu_get_state(v->cpu, &st);
	lm = (st.efer & (1u << 10)) && (st.seg[SEG_CS].attr & SEG_ATTR_L);
	if (st.cpl) {
		st.gpr[RAX] = (uint64_t)-EPERM;
		cpu_set_state(v->cpu, &st);
		return;
	}
	req.nr = (uint32_t)st.gpr[RAX];
	if (lm) {
		static const int regs[6] = { RDI, RSI, RDX, R10, R8, R9 };

		for (int i = 0; i < 6; i++)
			req.args[i] = st.gpr[regs[i]];
	} else {
		static const int regs[6] = { RBX, RCX, RDX, RSI, RDI, RBP };

		for (int i = 0; i < 6; i++)
			req.args[i] = (uint32_t)st.gpr[regs[i]];
	}
	req.cr0 = st.cr0;
	req.cr3 = st.cr3;
	req.cr4 = st.cr4;
	req.efer = st.efer;
	req.long_mode = lm;
	park = req.nr == __HYPERVISOR_sched_op && req.args[0] == SCHEDOP_shutdown;
	if (park)
		hvm_park_begin(v);   /* a suspend waits for its save (save.c) */
	if (send(v->fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req) ||
	    recv(v->fd, &rep, sizeof(rep), 0) != (ssize_t)sizeof(rep))
		rep.ret = -ENOSYS;   /* vmhv is stopping this domain */
	if (park)
		hvm_park_end(v);
	/* What the call changed in the sandbox (a page add_to_physmap put at a
	 * guest frame, the callback) was sent before the answer: apply it
	 * before the guest goes on. */
	hvm_ctl_drain(v->h);
	/* A 32-bit guest sees the low half (a negative errno stays negative). */
	st.gpr[RAX] = lm ? (uint64_t)rep.ret : (uint32_t)rep.ret;
	cpu_set_state(v->cpu, &st);
}
