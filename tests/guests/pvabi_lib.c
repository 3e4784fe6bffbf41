#include "pvabi_lib.h"

#include <vmctl/xen/io/xs_wire.h>

void tg_trap_0(void);
void tg_trap_3(void);
void tg_trap_6(void);
void tg_trap_13(void);
void tg_trap_14(void);
void tg_trap_32(void);

struct pvabi pv;
uint64_t pvabi_cr3;
static unsigned char shared_page[4096] __attribute__((aligned(4096)));

struct trap_frame { unsigned long rip, cs, rflags, rsp, ss; };

void tg_event_handler(void)
{
	if (pv.event_hook)
		pv.event_hook();
}

void tg_trap_handler(unsigned long vec, unsigned long err, struct trap_frame *f)
{
	pv.faults++;
	pv.last_vec = vec;
	pv.last_err = err;
	pv.last_rip = f->rip;
	pv.last_cs = f->cs;
	if (pv.shared)
		pv.last_mask = pv.shared->vcpu_info[0].evtchn_upcall_mask;
	if (vec == 14)
		pv.last_cr2 = pv.shared ? pv.shared->vcpu_info[0].arch.cr2 : ~0ul;
	if (pv.faults <= 4) {
		pv.err[pv.faults - 1] = err;
		pv.cr2[pv.faults - 1] = pv.last_cr2;
		pv.cs[pv.faults - 1] = f->cs;
	}
	if (vec != 3 && vec != 32)
		f->rip += pv.skip;
	pv.skip = 3;
}

volatile uint64_t *pvabi_l1e(uint64_t l4, unsigned long va)
{
	uint64_t frame = l4;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t e = ((volatile uint64_t *)pvabi_frame_va(frame))[(va >> shift) & 511];

		if (!(e & PTE_P))
			return NULL;
		frame = PTE_FRAME(e);
	}
	return (volatile uint64_t *)pvabi_frame_va(frame) + ((va >> 12) & 511);
}

void pvabi_init(start_info_t *si)
{
	static struct trap_info traps[] = {
		{ 0, 0, 0xe033, (unsigned long)tg_trap_0 },
		{ 3, 3, 0xe033, (unsigned long)tg_trap_3 },
		{ 6, 0, 0xe033, (unsigned long)tg_trap_6 },
		{ 13, 4, 0xe033, (unsigned long)tg_trap_13 },  /* masks events */
		{ 14, 0, 0xe033, (unsigned long)tg_trap_14 },
		{ 32, 3, 0xe033, (unsigned long)tg_trap_32 },  /* int $32 allowed */
		{ 0, 0, 0, 0 },
	};

	pv.si = si;
	pv.skip = 3;
	pvabi_cr3 = pvabi_va_frame((void *)si->pt_base);
	hypercall2(__HYPERVISOR_set_trap_table, traps, 0);
	if (pvabi_uvm((unsigned long)shared_page, si->shared_info | 7, UVMF_INVLPG) == 0)
		pv.shared = (struct shared_info *)shared_page;
}

int pvabi_read_faults(unsigned long va)
{
	unsigned long before = pv.faults;

	__asm__ volatile("movq (%%rdi), %%rax" : : "D"(va) : "rax", "memory");
	return pv.faults != before;
}

int pvabi_write_faults(unsigned long va, uint64_t value)
{
	unsigned long before = pv.faults;

	__asm__ volatile("movq %%rax, (%%rdi)" : : "D"(va), "a"(value) : "memory");
	return pv.faults != before;
}

static void xs_put(struct xenstore_domain_interface *xs, const void *src, uint32_t len)
{
	const char *p = src;

	for (uint32_t i = 0; i < len; i++)
		xs->req[MASK_XENSTORE_IDX(xs->req_prod + i)] = p[i];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	xs->req_prod += len;
}

long pvabi_xs_write(const char *path, const char *val)
{
	struct xenstore_domain_interface *xs = pvabi_frame_va(pv.si->store_mfn);
	uint32_t plen = (uint32_t)tg_strlen(path) + 1, vlen = (uint32_t)tg_strlen(val);
	struct xsd_sockmsg m = { .type = XS_WRITE, .req_id = 0x5a, .len = plen + vlen };
	struct evtchn_send send = { .port = pv.si->store_evtchn };
	struct xsd_sockmsg r;

	xs_put(xs, &m, sizeof(m));
	xs_put(xs, path, plen);
	xs_put(xs, val, vlen);
	hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, &send);
	for (;;) {
		while (xs->rsp_prod - xs->rsp_cons < sizeof(r))
			hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
		for (uint32_t i = 0; i < sizeof(r); i++)
			((char *)&r)[i] = xs->rsp[MASK_XENSTORE_IDX(xs->rsp_cons + i)];
		while (xs->rsp_prod - xs->rsp_cons < sizeof(r) + r.len)
			hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
		xs->rsp_cons += sizeof(r) + r.len;
		if (r.req_id == m.req_id)      /* not a watch event */
			return r.type == XS_ERROR ? -1 : 0;
	}
}

long pvabi_mmu(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = { ptr, val };

	return hypercall5(__HYPERVISOR_mmu_update, (long)&u, 1, 0, DOMID_SELF, 0);
}

long pvabi_uvm(unsigned long va, uint64_t pte, unsigned long flags)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

long pvabi_ext(unsigned cmd, uint64_t arg1, uint64_t arg2)
{
	struct mmuext_op op = { .cmd = cmd };

	op.arg1.mfn = arg1;
	op.arg2.src_mfn = arg2;
	return hypercall5(__HYPERVISOR_mmuext_op, (long)&op, 1, 0, DOMID_SELF, 0);
}
