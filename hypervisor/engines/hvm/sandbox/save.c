/* The hvm context in the sandbox (hvm_save.h): freezing the vCPUs at an
 * instruction boundary, writing every vCPU's soft CPU and LAPIC and the
 * platform devices into a blob for vmhv (HVM_CTL_SAVE), and loading such a
 * blob before the vCPUs first run (a restored domain).
 *
 * Freezing: the main thread sets `freeze` and kicks every vCPU; a vCPU
 * parks at the top of its run loop, where the I/O it exited for has been
 * answered (the answer is in the CPU's replay state) and it holds no lock.
 * The vCPUs stay parked until HVM_CTL_THAW: vmhv sends it when the domain
 * is unpaused (a save that continues, or failed). */
#include "hypervisor/engines/hvm/sandbox/hvm.h"
#include "hypervisor/engines/hvm/hvm_save.h"
#include "hypervisor/cpu/cpu_state.h"

#include <errno.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FREEZE_TIMEOUT_NS 3000000000ull

static void futex_wake_all(atomic_uint *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

void hvm_freeze_point(struct hvm_vcpu *v)
{
	struct hvm *h = v->h;

	if (!atomic_load(&h->freeze))
		return;
	atomic_fetch_add(&h->parked, 1);
	futex_wake_all(&h->parked);
	while (atomic_load(&h->freeze))
		syscall(SYS_futex, &h->freeze, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0);
	atomic_fetch_sub(&h->parked, 1);
}

void hvm_park_begin(struct hvm_vcpu *v)
{
	atomic_fetch_add(&v->h->parked, 1);
	futex_wake_all(&v->h->parked);
}

void hvm_park_end(struct hvm_vcpu *v)
{
	atomic_fetch_sub(&v->h->parked, 1);
	hvm_freeze_point(v);
}

void hvm_thaw(struct hvm *h)
{
	atomic_store(&h->freeze, 0);
	futex_wake_all(&h->freeze);
}

/* Stop every vCPU at its freeze point: 0, or -EBUSY when one does not come
 * (it waits in a hypercall that vmhv does not answer meanwhile). */
static int freeze_all(struct hvm *h)
{
	uint64_t deadline = hvm_now() + FREEZE_TIMEOUT_NS;
	unsigned n;

	atomic_store(&h->freeze, 1);
	for (uint32_t i = 0; i < h->boot.max_vcpus; i++) {
		cpu_kick(h->vcpus[i].cpu);
		hvm_wake(&h->vcpus[i]);
	}
	while ((n = atomic_load(&h->parked)) < h->boot.max_vcpus) {
		uint64_t now = hvm_now();
		struct timespec ts = { 0, 10000000 };

		if (now >= deadline)
			return -EBUSY;
		syscall(SYS_futex, &h->parked, FUTEX_WAIT_PRIVATE, n, &ts, NULL, 0);
	}
	return 0;
}

/* ---- each piece into its wire form and back ---- */

static void seg_out(struct hvm_save_seg *o, const struct cpu_seg *s)
{
	*o = (struct hvm_save_seg){ s->base, s->limit, s->sel, s->attr };
}

static void seg_in(struct cpu_seg *s, const struct hvm_save_seg *o)
{
	*s = (struct cpu_seg){ o->base, o->limit, o->sel, o->attr };
}

static void cpu_out(struct hvm_vcpu *v, struct hvm_save_cpu *o)
{
	struct cpu_state s;
	struct cpu_hidden x;

	cpu_get_state(v->cpu, &s);
	cpu_hidden_get(v->cpu, &x);
	memset(o, 0, sizeof(*o));
	memcpy(o->gpr, s.gpr, sizeof(o->gpr));
	o->rip = s.rip;
	o->rflags = s.rflags;
	for (int i = 0; i < SEG_COUNT; i++)
		seg_out(&o->seg[i], &s.seg[i]);
	o->gdtr_base = s.gdtr.base; o->gdtr_limit = s.gdtr.limit;
	o->idtr_base = s.idtr.base; o->idtr_limit = s.idtr.limit;
	o->cr0 = s.cr0; o->cr2 = s.cr2; o->cr3 = s.cr3; o->cr4 = s.cr4; o->cr8 = s.cr8;
	o->efer = s.efer;
	o->star = s.star; o->lstar = s.lstar; o->cstar = s.cstar; o->sfmask = s.sfmask;
	o->kernel_gs_base = s.kernel_gs_base;
	o->sysenter_cs = s.sysenter_cs; o->sysenter_esp = s.sysenter_esp;
	o->sysenter_eip = s.sysenter_eip;
	o->apic_base = s.apic_base; o->pat = s.pat; o->tsc_aux = s.tsc_aux;
	memcpy(o->xmm, s.xmm, sizeof(o->xmm));
	o->mxcsr = s.mxcsr; o->fcw = s.fcw; o->fsw = s.fsw; o->ftw = s.ftw; o->cpl = s.cpl;
	memcpy(o->st, x.st, sizeof(o->st));
	memcpy(o->dr, x.dr, sizeof(o->dr));
	o->mtrr_def = x.mtrr_def;
	memcpy(o->mtrr_var, x.mtrr_var, sizeof(o->mtrr_var));
	memcpy(o->mtrr_fixed, x.mtrr_fixed, sizeof(o->mtrr_fixed));
	o->tsc = x.tsc;
	memcpy(o->irq_pending, x.irq_pending, sizeof(o->irq_pending));
	memcpy(o->replay_data, x.replay_data, sizeof(o->replay_data));
	o->replay_done = x.replay_done;
	o->flags = (x.halted ? HVM_CPU_HALTED : 0) | (x.interrupt_shadow ? HVM_CPU_SHADOW : 0) |
		   (x.intr_req ? HVM_CPU_INTR_REQ : 0) |
		   (atomic_load(&v->state) == VCPU_WAIT_SIPI ? HVM_CPU_WAIT_SIPI : 0);
}

static void cpu_in(struct hvm_vcpu *v, const struct hvm_save_cpu *o)
{
	struct cpu_state s;
	struct cpu_hidden x;

	memset(&s, 0, sizeof(s));
	memcpy(s.gpr, o->gpr, sizeof(s.gpr));
	s.rip = o->rip;
	s.rflags = o->rflags;
	for (int i = 0; i < SEG_COUNT; i++)
		seg_in(&s.seg[i], &o->seg[i]);
	s.gdtr = (struct cpu_dtable){ o->gdtr_base, o->gdtr_limit };
	s.idtr = (struct cpu_dtable){ o->idtr_base, o->idtr_limit };
	s.cr0 = o->cr0; s.cr2 = o->cr2; s.cr3 = o->cr3; s.cr4 = o->cr4; s.cr8 = o->cr8;
	s.efer = o->efer;
	s.star = o->star; s.lstar = o->lstar; s.cstar = o->cstar; s.sfmask = o->sfmask;
	s.kernel_gs_base = o->kernel_gs_base;
	s.sysenter_cs = o->sysenter_cs; s.sysenter_esp = o->sysenter_esp;
	s.sysenter_eip = o->sysenter_eip;
	s.apic_base = o->apic_base; s.pat = o->pat; s.tsc_aux = o->tsc_aux;
	memcpy(s.xmm, o->xmm, sizeof(s.xmm));
	s.mxcsr = o->mxcsr; s.fcw = o->fcw; s.fsw = o->fsw; s.ftw = o->ftw; s.cpl = o->cpl;
	cpu_set_state(v->cpu, &s);
	memset(&x, 0, sizeof(x));
	memcpy(x.st, o->st, sizeof(x.st));
	memcpy(x.dr, o->dr, sizeof(x.dr));
	x.mtrr_def = o->mtrr_def;
	memcpy(x.mtrr_var, o->mtrr_var, sizeof(x.mtrr_var));
	memcpy(x.mtrr_fixed, o->mtrr_fixed, sizeof(x.mtrr_fixed));
	x.tsc = o->tsc;
	memcpy(x.irq_pending, o->irq_pending, sizeof(x.irq_pending));
	memcpy(x.replay_data, o->replay_data, sizeof(x.replay_data));
	x.replay_done = o->replay_done;
	x.halted = o->flags & HVM_CPU_HALTED;
	x.interrupt_shadow = o->flags & HVM_CPU_SHADOW;
	x.intr_req = o->flags & HVM_CPU_INTR_REQ;
	cpu_hidden_set(v->cpu, &x);
	atomic_store(&v->state, (o->flags & HVM_CPU_WAIT_SIPI) ? VCPU_WAIT_SIPI : VCPU_RUNNING);
}

static void lapic_out(const struct lapic *a, struct hvm_save_lapic *o)
{
	memset(o, 0, sizeof(*o));
	o->id = a->id;
	o->hw_enabled = a->hw_enabled;
	memcpy(o->regs, a->regs, sizeof(o->regs));
	memcpy(o->irr, a->irr, sizeof(o->irr));
	memcpy(o->isr, a->isr, sizeof(o->isr));
	memcpy(o->tmr, a->tmr, sizeof(o->tmr));
	o->timer_start_ns = a->timer_start_ns;
	o->timer_deadline_ns = a->timer_deadline_ns;
	o->timer_initial = a->timer_initial;
}

/* `delta`: this host's now minus the saver's (deadlines move by it). */
static void lapic_in(struct lapic *a, const struct hvm_save_lapic *o, uint64_t delta)
{
	a->id = o->id;
	a->hw_enabled = o->hw_enabled != 0;
	memcpy(a->regs, o->regs, sizeof(a->regs));
	memcpy(a->irr, o->irr, sizeof(a->irr));
	memcpy(a->isr, o->isr, sizeof(a->isr));
	memcpy(a->tmr, o->tmr, sizeof(a->tmr));
	a->timer_start_ns = o->timer_start_ns + delta;
	a->timer_deadline_ns = o->timer_deadline_ns ? o->timer_deadline_ns + delta : 0;
	a->timer_initial = o->timer_initial;
}

static void pic_out(const struct pic_chip *p, struct hvm_save_pic *o)
{
	*o = (struct hvm_save_pic){
		.irr = p->irr, .imr = p->imr, .isr = p->isr, .elcr = p->elcr, .lines = p->lines,
		.vector_base = p->vector_base, .init_step = p->init_step,
		.priority_add = p->priority_add,
		.flags = (p->icw4 ? HVM_PIC_ICW4 : 0) | (p->single ? HVM_PIC_SINGLE : 0) |
			 (p->auto_eoi ? HVM_PIC_AUTO_EOI : 0) | (p->read_isr ? HVM_PIC_READ_ISR : 0) |
			 (p->special_mask ? HVM_PIC_SPECIAL_MASK : 0) | (p->poll ? HVM_PIC_POLL : 0),
	};
}

static void pic_in(struct pic_chip *p, const struct hvm_save_pic *o)
{
	*p = (struct pic_chip){
		.irr = o->irr, .imr = o->imr, .isr = o->isr, .elcr = o->elcr, .lines = o->lines,
		.vector_base = o->vector_base, .init_step = o->init_step,
		.priority_add = o->priority_add,
		.icw4 = o->flags & HVM_PIC_ICW4, .single = o->flags & HVM_PIC_SINGLE,
		.auto_eoi = o->flags & HVM_PIC_AUTO_EOI, .read_isr = o->flags & HVM_PIC_READ_ISR,
		.special_mask = o->flags & HVM_PIC_SPECIAL_MASK, .poll = o->flags & HVM_PIC_POLL,
	};
}

static void pit_out(const struct pit_channel *c, struct hvm_save_pit *o)
{
	*o = (struct hvm_save_pit){
		.reload = c->reload, .latch = c->latch, .mode = c->mode, .rw = c->rw,
		.bcd = c->bcd, .write_state = c->write_state, .read_state = c->read_state,
		.status = c->status, .start_ns = c->start_ns, .next_irq_ns = c->next_irq_ns,
		.flags = (c->latched ? HVM_PIT_LATCHED : 0) |
			 (c->status_latched ? HVM_PIT_STATUS_LATCHED : 0) |
			 (c->null_count ? HVM_PIT_NULL_COUNT : 0) | (c->gate ? HVM_PIT_GATE : 0) |
			 (c->out_high_irq ? HVM_PIT_OUT_HIGH : 0),
	};
}

static void pit_in(struct pit_channel *c, const struct hvm_save_pit *o, uint64_t delta)
{
	*c = (struct pit_channel){
		.reload = o->reload, .latch = o->latch, .mode = o->mode, .rw = o->rw,
		.bcd = o->bcd & 1, .write_state = o->write_state, .read_state = o->read_state,
		.status = o->status, .start_ns = o->start_ns + delta,
		.next_irq_ns = o->next_irq_ns ? o->next_irq_ns + delta : 0,
		.latched = o->flags & HVM_PIT_LATCHED,
		.status_latched = o->flags & HVM_PIT_STATUS_LATCHED,
		.null_count = o->flags & HVM_PIT_NULL_COUNT, .gate = o->flags & HVM_PIT_GATE,
		.out_high_irq = o->flags & HVM_PIT_OUT_HIGH,
	};
}

static void rtc_out(const struct rtc *r, struct hvm_save_rtc *o)
{
	memset(o, 0, sizeof(*o));
	o->index = r->index;
	o->irq_line = r->irq_line;
	o->offset_s = r->offset_s;
	o->next_periodic_ns = r->next_periodic_ns;
	o->next_update_ns = r->next_update_ns;
	memcpy(o->cmos, r->cmos, sizeof(o->cmos));
}

static void rtc_in(struct rtc *r, const struct hvm_save_rtc *o, uint64_t delta)
{
	r->index = o->index & 0x7f;
	r->irq_line = o->irq_line != 0;
	r->offset_s = o->offset_s;
	r->next_periodic_ns = o->next_periodic_ns ? o->next_periodic_ns + delta : 0;
	r->next_update_ns = o->next_update_ns ? o->next_update_ns + delta : 0;
	memcpy(r->cmos, o->cmos, sizeof(r->cmos));
}

static void ioapic_out(const struct ioapic *a, struct hvm_save_ioapic *o)
{
	memset(o, 0, sizeof(*o));
	o->index = a->index;
	o->id = a->id;
	memcpy(o->redir, a->redir, sizeof(o->redir));
	o->lines = a->lines;
}

static void ioapic_in(struct ioapic *a, const struct hvm_save_ioapic *o)
{
	a->index = o->index & 0xff;
	a->id = o->id;
	memcpy(a->redir, o->redir, sizeof(a->redir));
	a->lines = o->lines & 0xffffff;
}

/* ---- the blob ---- */

/* Every piece, with the lock held and the vCPUs frozen. */
static int blob_write(struct hvm *h, uint8_t *buf, size_t cap, size_t *len)
{
	struct hvm_save_hdr hdr = { HVM_SAVE_MAGIC, HVM_SAVE_VERSION, h->boot.max_vcpus, 0 };
	struct hvm_save_platform pf = {
		.saved_ns = hvm_now(), .pm_start_ns = h->start_ns, .pci_cf8 = h->pci_cf8,
		.port61 = h->port61, .callback_level = h->callback_level,
	};
	struct hvm_save_cpu cpu;
	struct hvm_save_lapic la;
	struct hvm_save_ioapic io;
	struct hvm_save_pic pic;
	struct hvm_save_pit pit;
	struct hvm_save_rtc rtc;
	int rc;

	*len = sizeof(hdr);
	rc = hvm_save_put(buf, cap, len, HVM_SEC_PLATFORM, 0, &pf, sizeof(pf));
	for (uint32_t i = 0; rc == 0 && i < h->boot.max_vcpus; i++) {
		cpu_out(&h->vcpus[i], &cpu);
		lapic_out(&h->vcpus[i].apic, &la);
		rc = hvm_save_put(buf, cap, len, HVM_SEC_CPU, i, &cpu, sizeof(cpu));
		if (rc == 0)
			rc = hvm_save_put(buf, cap, len, HVM_SEC_LAPIC, i, &la, sizeof(la));
	}
	ioapic_out(&h->ioapic, &io);
	if (rc == 0)
		rc = hvm_save_put(buf, cap, len, HVM_SEC_IOAPIC, 0, &io, sizeof(io));
	for (uint32_t i = 0; rc == 0 && i < 2; i++) {
		pic_out(&h->pic[i], &pic);
		rc = hvm_save_put(buf, cap, len, HVM_SEC_PIC, i, &pic, sizeof(pic));
	}
	for (uint32_t i = 0; rc == 0 && i < 3; i++) {
		pit_out(&h->pit[i], &pit);
		rc = hvm_save_put(buf, cap, len, HVM_SEC_PIT, i, &pit, sizeof(pit));
	}
	rtc_out(&h->rtc, &rtc);
	if (rc == 0)
		rc = hvm_save_put(buf, cap, len, HVM_SEC_RTC, 0, &rtc, sizeof(rtc));
	hdr.len = (uint32_t)*len;
	memcpy(buf, &hdr, sizeof(hdr));
	return rc;
}

void hvm_save_send(struct hvm *h)
{
	static uint8_t buf[sizeof(struct hvm_ctx_reply) + HVM_SAVE_MAX] __attribute__((aligned(8)));
	struct hvm_ctx_reply *rep = (struct hvm_ctx_reply *)buf;
	size_t len = 0;
	int rc = freeze_all(h);

	if (rc == 0) {
		pthread_mutex_lock(&h->lock);
		rc = blob_write(h, buf + sizeof(*rep), HVM_SAVE_MAX, &len);
		pthread_mutex_unlock(&h->lock);
	}
	*rep = (struct hvm_ctx_reply){ .type = HVM_NOTE_CONTEXT, .rc = rc,
				       .len = rc == 0 ? (uint32_t)len : 0 };
	send(HVM_CTL_FD, buf, sizeof(*rep) + rep->len, MSG_NOSIGNAL);
}

/* Apply a checked blob (before the vCPUs run: their threads wait at the
 * gate). */
static void blob_load(struct hvm *h, const struct hvm_save_view *vw)
{
	const struct hvm_save_platform *pf = vw->sec[HVM_SEC_PLATFORM][0];
	uint64_t delta = hvm_now() - pf->saved_ns;

	h->start_ns = pf->pm_start_ns + delta;
	h->pci_cf8 = pf->pci_cf8;
	h->port61 = pf->port61;
	h->callback_level = pf->callback_level != 0;
	for (uint32_t i = 0; i < vw->hdr->nr_vcpus; i++) {
		cpu_in(&h->vcpus[i], vw->sec[HVM_SEC_CPU][i]);
		lapic_in(&h->vcpus[i].apic, vw->sec[HVM_SEC_LAPIC][i], delta);
	}
	if (vw->sec[HVM_SEC_IOAPIC][0])
		ioapic_in(&h->ioapic, vw->sec[HVM_SEC_IOAPIC][0]);
	for (uint32_t i = 0; i < 2; i++)
		if (vw->sec[HVM_SEC_PIC][i])
			pic_in(&h->pic[i], vw->sec[HVM_SEC_PIC][i]);
	for (uint32_t i = 0; i < 3; i++)
		if (vw->sec[HVM_SEC_PIT][i])
			pit_in(&h->pit[i], vw->sec[HVM_SEC_PIT][i], delta);
	if (vw->sec[HVM_SEC_RTC][0])
		rtc_in(&h->rtc, vw->sec[HVM_SEC_RTC][0], delta);
}

int hvm_load_recv(struct hvm *h)
{
	static uint8_t buf[HVM_SAVE_MAX] __attribute__((aligned(8)));
	struct hvm_save_view vw;
	const char *why = NULL;
	ssize_t r = recv(HVM_CTL_FD, buf, sizeof(buf), 0);

	if (r <= 0 || hvm_save_check(buf, (size_t)r, h->boot.max_vcpus, &vw, &why) < 0 ||
	    vw.hdr->nr_vcpus != h->boot.max_vcpus)
		return -EINVAL;
	blob_load(h, &vw);
	return 0;
}
