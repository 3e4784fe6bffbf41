/* PV-on-HVM in the sandbox: vmhv's pages shown at the guest frames vmhv
 * says (XENMEM_add_to_physmap's shared_info and grant frames, the xenstore
 * and console rings), and the event channel callback
 * (HVM_PARAM_CALLBACK_IRQ).
 *
 * A page shown over RAM replaces that RAM page in the soft CPU's view: the
 * memfd's hypervisor frame is mapped MAP_FIXED over it (the host address
 * stays, so the CPU's TLB stays valid), and the RAM page comes back when
 * the frame moves away. A page in a hole is served here as MMIO.
 *
 * The callback: vmhv sends HVM_CTL_UPCALL with where the vCPU's vcpu_info
 * is; the vCPU takes the callback while its evtchn_upcall_pending is set,
 * as on Xen: the vector type is injected directly at the next interrupt
 * acknowledge (no LAPIC state, no EOI: the guest clears the flag), the GSI
 * type drives that GSI's level from vCPU 0's flag. */
#include "hypervisor/engines/hvm/sandbox/hvm.h"

#include <string.h>
#include <sys/mman.h>
#include <vmctl/xen/hvm/params.h>

#define PAGE 4096ull

void pvhvm_init(struct hvm *h)
{
	for (unsigned i = 0; i < HVM_XEN_FRAMES; i++)
		h->map[i] = HVM_MAP_NONE;
}

static bool remap(struct hvm *h, uint64_t gpfn, uint64_t memfd_off)
{
	void *p = hvm_gpa(h, gpfn * PAGE, PAGE);

	if (!p)
		return true;        /* not RAM: pvhvm_mmio serves it */
	return mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, HVM_MEM_FD,
		    (off_t)memfd_off) != MAP_FAILED;
}

void pvhvm_map(struct hvm *h, uint32_t frame, uint64_t gpfn)
{
	uint64_t old;
	bool ok = true;

	if (frame >= HVM_XEN_FRAMES || (gpfn != HVM_MAP_NONE && gpfn > HVM_MAP_MAX_GPFN))
		return;
	old = h->map[frame];
	if (old == gpfn)
		return;
	if (old != HVM_MAP_NONE) {
		void *p = hvm_gpa(h, old * PAGE, PAGE);

		/* the RAM page that was under it comes back */
		ok = !p || remap(h, old, (uint64_t)((uint8_t *)p - h->ram));
	}
	h->map[frame] = gpfn;
	if (ok && gpfn != HVM_MAP_NONE)
		ok = remap(h, gpfn, h->ram_bytes + frame * PAGE);
	if (!ok)
		hvm_note(h, HVM_NOTE_CRASH, 0, 0, "cannot map a hypervisor page", 28);
}

/* Lock held. */
bool pvhvm_mmio(struct hvm *h, struct cpu_mmio *m)
{
	uint64_t gpfn = m->gpa / PAGE, off = m->gpa % PAGE;

	if (off + m->size > PAGE)
		return false;
	for (unsigned i = 0; i < HVM_XEN_FRAMES; i++) {
		uint8_t *p = h->xen_pages + i * PAGE + off;

		if (h->map[i] != gpfn)
			continue;
		if (m->write)
			memcpy(p, &m->data, m->size);
		else {
			m->data = 0;
			memcpy(&m->data, p, m->size);
		}
		return true;
	}
	return false;
}

static uint64_t callback_type(const struct hvm *h)
{
	return h->params[HVM_PARAM_CALLBACK_IRQ] >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
}

static bool upcall_pending(const struct hvm_vcpu *v)
{
	const uint8_t *vi = atomic_load(&v->vcpu_info);

	/* struct vcpu_info starts with evtchn_upcall_pending */
	return vi && __atomic_load_n(vi, __ATOMIC_SEQ_CST);
}

/* The line the GSI or PCI INTx callback drives: a GSI (< 16: that ISA
 * IRQ, through the PIC too), the ISA IRQ the device's PCI link is routed
 * to (the device model's swizzle: slot s, INTx i on link (s + i) & 3), or
 * -1 (another type, no route yet). */
static int callback_line(const struct hvm *h)
{
	uint64_t v = h->params[HVM_PARAM_CALLBACK_IRQ];
	unsigned slot = (unsigned)(v >> 11) & 0x1f, intx = (unsigned)v & 3;

	if (!v)
		return -1;
	if (callback_type(h) == HVM_PARAM_CALLBACK_TYPE_GSI)
		return (v & 0xff) < 24 ? (int)(v & 0xff) : -1;
	if (callback_type(h) == HVM_PARAM_CALLBACK_TYPE_PCI_INTX)
		return h->pci_link[(slot + intx) & 3] ? h->pci_link[(slot + intx) & 3] : -1;
	return -1;
}

static void line_set(struct hvm *h, int line, bool level)
{
	if (line >= 0 && line < 16)
		irq_isa_src(h, (unsigned)line, IRQ_SRC_CALLBACK, level);
	else if (line >= 16 && line < 24)
		irq_gsi_src(h, (unsigned)line, IRQ_SRC_CALLBACK, level);
}

/* GSI and PCI INTx types: the line follows vCPU 0's flag (lock held); a
 * line that moved (new param, new route) goes down first. */
static void line_update(struct hvm *h)
{
	int line = callback_line(h);
	/* after a restore the line is not known: the current one was it */
	int old = h->callback_line ? (int)h->callback_line - 1 : line;
	bool level = line >= 0 && upcall_pending(&h->vcpus[0]);

	if (line == old && level == h->callback_level)
		return;
	if (h->callback_level)
		line_set(h, old, false);
	h->callback_line = (uint8_t)(line + 1);
	h->callback_level = level;
	if (level)
		line_set(h, line, true);
}

static bool callback_by_line(const struct hvm *h)
{
	return h->params[HVM_PARAM_CALLBACK_IRQ] &&
	       (callback_type(h) == HVM_PARAM_CALLBACK_TYPE_GSI ||
		callback_type(h) == HVM_PARAM_CALLBACK_TYPE_PCI_INTX);
}

static void raise(struct hvm *h, struct hvm_vcpu *v)
{
	if (!h->params[HVM_PARAM_CALLBACK_IRQ] || !upcall_pending(v))
		return;
	if (callback_type(h) == HVM_PARAM_CALLBACK_TYPE_VECTOR) {
		cpu_intr_request(v->cpu);
		hvm_wake(v);
	} else if (callback_by_line(h) && v->id == 0) {
		line_update(h);
	}
}

void pvhvm_upcall(struct hvm *h, uint32_t vcpu, uint64_t vcpu_info_off)
{
	struct hvm_vcpu *v;

	if (vcpu >= h->boot.max_vcpus || vcpu_info_off > h->memfd_bytes - 64)
		return;
	v = &h->vcpus[vcpu];
	atomic_store(&v->vcpu_info, h->memfd_map + vcpu_info_off);
	raise(h, v);
}

void pvhvm_param(struct hvm *h, uint32_t index, uint64_t value)
{
	if (index >= PRIVCMD_HVM_NR_PARAMS)
		return;
	h->params[index] = value;
	if (index != HVM_PARAM_CALLBACK_IRQ)
		return;
	line_update(h);   /* the old line goes down, another type has none */
	for (uint32_t i = 0; i < h->boot.max_vcpus; i++)
		raise(h, &h->vcpus[i]);
}

void pvhvm_link(struct hvm *h, unsigned link, unsigned irq)
{
	h->pci_link[link & 3] = (uint8_t)(irq & 15);
	line_update(h);
}

int pvhvm_inta(struct hvm_vcpu *v)
{
	struct hvm *h = v->h;

	if (callback_type(h) != HVM_PARAM_CALLBACK_TYPE_VECTOR || !h->params[HVM_PARAM_CALLBACK_IRQ] ||
	    !upcall_pending(v))
		return -1;
	return (int)(h->params[HVM_PARAM_CALLBACK_IRQ] & 0xff);
}

void pvhvm_poll(struct hvm_vcpu *v)
{
	struct hvm *h = v->h;

	if (v->id != 0 || !callback_by_line(h) || upcall_pending(v) == h->callback_level)
		return;
	pthread_mutex_lock(&h->lock);
	line_update(h);
	pthread_mutex_unlock(&h->lock);
}

void pvhvm_eoi(struct hvm *h)
{
	if (callback_by_line(h))
		line_update(h);
}
