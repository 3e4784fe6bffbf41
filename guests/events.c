/* Event channel upcalls and port management.
 *
 * Xen sets a port's bit in shared_info.evtchn_pending, then (if unmasked)
 * its word's bit in the vCPU's evtchn_pending_sel, then evtchn_upcall_pending,
 * and enters events_entry with events masked.  We walk the selector words,
 * clear each pending bit ourselves (Xen never does) and call the handler. */
#include "kernel.h"
#include "hypercall.h"
#include "vmctl/xen/callback.h"

extern char events_entry[], failsafe_entry[];

int events_init(struct kernel *k)
{
	struct callback_register ev = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)events_entry,
	};
	struct callback_register fs = {
		.type = CALLBACKTYPE_failsafe,
		.address = (unsigned long)failsafe_entry,
	};
	long rc;

	rc = hv_callback_op(CALLBACKOP_register, &ev);
	if (rc == 0)
		rc = hv_callback_op(CALLBACKOP_register, &fs);
	if (rc == -ENOSYS)	/* the older way to say the same */
		rc = hv_set_callbacks((unsigned long)events_entry,
				      (unsigned long)failsafe_entry, 0);
	return (int)rc;
}

static struct evtchn_slot *slot(struct kernel *k, evtchn_port_t port)
{
	return port < EVENTS_MAX_PORTS ? &k->ev.port[port] : NULL;
}

static int attach(struct kernel *k, evtchn_port_t port, unsigned int vcpu,
		  evtchn_handler_fn fn, void *arg)
{
	struct evtchn_slot *s = slot(k, port);

	if (!s)
		return -ENOSPC;
	s->arg = arg;
	s->vcpu = vcpu;
	__atomic_store_n(&s->fn, fn, __ATOMIC_RELEASE);
	events_unmask(k, port);
	return 0;
}

int events_bind(struct kernel *k, evtchn_port_t port, evtchn_handler_fn fn,
		void *arg)
{
	return attach(k, port, 0, fn, arg);
}

int events_bind_virq(struct kernel *k, unsigned int virq, unsigned int vcpu,
		     evtchn_handler_fn fn, void *arg, evtchn_port_t *port)
{
	struct evtchn_bind_virq op = { .virq = virq, .vcpu = vcpu };
	long rc = hv_evtchn_op(EVTCHNOP_bind_virq, &op);

	if (rc < 0)
		return (int)rc;
	*port = op.port;
	return attach(k, op.port, vcpu, fn, arg);
}

int events_bind_ipi(struct kernel *k, unsigned int vcpu, evtchn_handler_fn fn,
		    void *arg, evtchn_port_t *port)
{
	struct evtchn_bind_ipi op = { .vcpu = vcpu };
	long rc = hv_evtchn_op(EVTCHNOP_bind_ipi, &op);

	if (rc < 0)
		return (int)rc;
	*port = op.port;
	return attach(k, op.port, vcpu, fn, arg);
}

int events_alloc_unbound(struct kernel *k, domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = hv_evtchn_op(EVTCHNOP_alloc_unbound, &op);

	if (rc < 0)
		return (int)rc;
	*port = op.port;
	return 0;
}

void events_close(struct kernel *k, evtchn_port_t port)
{
	struct evtchn_slot *s = slot(k, port);
	struct evtchn_close op = { .port = port };

	if (!port)
		return;
	events_mask(k, port);
	if (s)
		s->fn = NULL;
	hv_evtchn_op(EVTCHNOP_close, &op);
	events_clear(k, port);
}

int events_notify(struct kernel *k, evtchn_port_t port)
{
	struct evtchn_send op = { .port = port };

	return (int)hv_evtchn_op(EVTCHNOP_send, &op);
}

void events_mask(struct kernel *k, evtchn_port_t port)
{
	__atomic_fetch_or(&k->shared->evtchn_mask[port / 64], 1UL << (port % 64),
			  __ATOMIC_SEQ_CST);
}

void events_unmask(struct kernel *k, evtchn_port_t port)
{
	/* The hypercall re-raises the upcall if the port became pending
	 * while masked, which clearing the bit by hand would not. */
	struct evtchn_unmask op = { .port = port };

	if (hv_evtchn_op(EVTCHNOP_unmask, &op) < 0)
		__atomic_fetch_and(&k->shared->evtchn_mask[port / 64],
				   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

void events_clear(struct kernel *k, evtchn_port_t port)
{
	__atomic_fetch_and(&k->shared->evtchn_pending[port / 64],
			   ~(1UL << (port % 64)), __ATOMIC_SEQ_CST);
}

bool events_pending(struct kernel *k, evtchn_port_t port)
{
	return (k->shared->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void events_reset(struct kernel *k)
{
	memset(k->ev.port, 0, sizeof(k->ev.port));
}

static void dispatch_port(struct kernel *k, struct cpu *cpu, evtchn_port_t port)
{
	struct evtchn_slot *s = slot(k, port);
	evtchn_handler_fn fn;

	if (s && s->vcpu != cpu->id)
		return;		/* another vCPU's port sharing this word */
	events_clear(k, port);
	fn = s ? __atomic_load_n(&s->fn, __ATOMIC_ACQUIRE) : NULL;
	if (!fn) {
		k->ev.spurious++;
		return;
	}
	s->count++;
	fn(k, port, s->arg);
	cpu->wake = true;
}

/* Handle everything pending for this vCPU; events are masked. */
static void dispatch_pending(struct kernel *k, struct cpu *cpu)
{
	struct vcpu_info *vi = cpu->vcpu_info;
	struct shared_info *sh = k->shared;

	while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
		vi->evtchn_upcall_pending = 0;
		unsigned long sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
							__ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int word = __builtin_ctzl(sel);
			unsigned long bits;

			sel &= sel - 1;
			bits = sh->evtchn_pending[word] & ~sh->evtchn_mask[word];
			while (bits) {
				unsigned int bit = __builtin_ctzl(bits);

				bits &= bits - 1;
				dispatch_port(k, cpu, word * 64 + bit);
			}
		}
	}
}

void events_upcall(void)
{
	struct cpu *cpu = cpu_self();

	cpu->upcalls++;
	cpu->k->ev.upcalls++;
	dispatch_pending(cpu->k, cpu);
}

unsigned long events_save(struct cpu *cpu)
{
	struct vcpu_info *vi = cpu->vcpu_info;
	unsigned long old;

	if (!vi)
		return 1;
	old = vi->evtchn_upcall_mask;
	vi->evtchn_upcall_mask = 1;
	barrier();
	return old;
}

void events_restore(struct cpu *cpu, unsigned long flags)
{
	struct vcpu_info *vi = cpu->vcpu_info;

	if (!vi || flags)
		return;
	barrier();
	vi->evtchn_upcall_mask = 0;
	mb();
	/* Something arrived while masked: deliver it now, as Xen would have. */
	while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
		vi->evtchn_upcall_mask = 1;
		barrier();
		events_upcall();
		barrier();
		vi->evtchn_upcall_mask = 0;
		mb();
	}
}
