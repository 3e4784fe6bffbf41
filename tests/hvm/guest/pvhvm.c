/* PV-on-HVM from the test guest, as Linux's Xen HVM set-up does it: Xen's
 * CPUID leaves and the hypercall page, the feature bits, shared_info and a
 * grant frame put at guest frames with XENMEM_add_to_physmap, the callback
 * vector (HVM_PARAM_CALLBACK_IRQ type 2), an event channel whose upcall
 * arrives, and (with a toolstack: pvhvm_xenstore) a xenstore read through
 * the ring and event channel the HVM params name. vmhv's structures use
 * the 64-bit layout: a 32-bit guest reads them as pairs of words. */
#include "hg.h"
#include "pvhvm.h"

#define HC_MEMORY_OP  12
#define HC_XEN_VERSION 17
#define HC_EVTCHN_OP  32
#define HC_HVM_OP     34
#define HC_VCPU_OP    24
#define VCPUOP_register_vcpu_info 10
#define XENVER_get_features 6
#define XENMEM_add_to_physmap 7
#define EVTCHNOP_send 4
#define EVTCHNOP_bind_ipi 7
#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define CALLBACK_VECTOR 0xf3
#define SPIN_MAX 20000000u
#define GSI_VECTOR 0x61
#define INTX_VECTOR 0x62
#define PLATFORM_SLOT 3     /* the device model's Xen platform device, 00:03.0 */
#define LAPIC_EOI 0xfee000b0u
#define LAPIC_SVR 0xfee000f0u
#define IOAPIC 0xfec00000u

struct add_to_physmap {
	uint16_t domid, size;
	uint32_t space;
	uint64_t idx, gpfn;
};

struct hvm_param {
	uint16_t domid, pad;
	uint32_t index;
	uint64_t value;
};

static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static uint8_t vcpu_info_page[4096] __attribute__((aligned(4096)));
static volatile uint8_t *vcpu0 = shinfo_page;   /* vCPU 0's vcpu_info */
static uint8_t gnt_page[4096] __attribute__((aligned(4096)));
static volatile uint32_t upcalls;

long pvhvm_add_to_physmap(uint32_t space, uint32_t idx, uint32_t gpfn)
{
	struct add_to_physmap x = { .domid = 0x7ff0, .space = space, .idx = idx, .gpfn = gpfn };

	return hg_hypercall(HC_MEMORY_OP, XENMEM_add_to_physmap, (uint32_t)&x, 0);
}

long pvhvm_param(bool set, uint32_t index, uint64_t *value)
{
	struct hvm_param p = { .domid = 0x7ff0, .index = index, .value = *value };
	long rc = hg_hypercall(HC_HVM_OP, set ? HVMOP_set_param : HVMOP_get_param, (uint32_t)&p, 0);

	*value = p.value;
	return rc;
}

long pvhvm_send(uint32_t port)
{
	return hg_hypercall(HC_EVTCHN_OP, EVTCHNOP_send, (uint32_t)&port, 0);
}

static uint32_t upcall_sel, upcall_word0;   /* what the last upcall found */

/* The callback, as Linux's 2-level handler: clear the flag, take the
 * selector, consume the pending words it names (ports < 64 here: the
 * first word); no EOI. A selector left set would stop later upcalls. */
static void upcall(struct hg_frame *f)
{
	volatile uint32_t *w = (volatile uint32_t *)shinfo_page;
	uint32_t sel;

	vcpu0[0] = 0;                              /* evtchn_upcall_pending */
	sel = __atomic_exchange_n((volatile uint32_t *)(vcpu0 + 8), 0, __ATOMIC_SEQ_CST);
						   /* evtchn_pending_sel */
	upcall_sel = sel;
	if (sel & 1)
		upcall_word0 = __atomic_exchange_n(&w[512], 0, __ATOMIC_SEQ_CST);
	upcalls++;
}

/* The GSI callback (level-triggered through the IOAPIC): the same, then
 * the EOI. */
static void upcall_gsi(struct hg_frame *f)
{
	upcall(f);
	mmio_write(LAPIC_EOI, 0);
}

static void ioapic_route(unsigned pin, uint32_t lo)
{
	mmio_write(IOAPIC, 0x10 + 2 * pin + 1);
	mmio_write(IOAPIC + 0x10, 0);              /* destination: APIC id 0 */
	mmio_write(IOAPIC, 0x10 + 2 * pin);
	mmio_write(IOAPIC + 0x10, lo);
}

/* VCPUOP_register_vcpu_info: vCPU 0's vcpu_info moves to guest frame
 * `gfn` (offset 64), seen by the guest at `page`, its contents with it;
 * upcalls use it there. */
bool pvhvm_move_vcpu_info(uint64_t gfn, volatile uint8_t *page, uint32_t port)
{
	struct { uint64_t mfn; uint32_t offset, rsvd; } r = { gfn, 64, 0 };
	uint64_t cb = (2ull << 56) | CALLBACK_VECTOR;
	uint32_t seen;

	pvhvm_param(true, 0, &cb);                 /* the vector again */
	if (hg_hypercall(HC_VCPU_OP, VCPUOP_register_vcpu_info, 0, (uint32_t)&r) != 0)
		return false;
	vcpu0 = page + 64;
	seen = upcalls;
	pvhvm_send(port);
	return pvhvm_wait_upcall(seen) && (upcall_sel & 1) && (upcall_word0 & (1u << port));
}

/* HVM_PARAM_CALLBACK_IRQ type 0: GSI 20, level, vector 0x61. */
static void test_gsi(uint32_t port)
{
	uint64_t cb = 20;
	uint32_t seen;

	mmio_write(LAPIC_SVR, 0x1ff);
	hg_set_handler(GSI_VECTOR, upcall_gsi);
	ioapic_route(20, GSI_VECTOR | (1u << 15));
	hg_ok(pvhvm_param(true, 0, &cb) == 0, "callback via GSI 20");
	seen = upcalls;
	hg_count[GSI_VECTOR] = 0;
	pvhvm_send(port);
	hg_ok(pvhvm_wait_upcall(seen), "the event arrives through the IOAPIC");
	seen = upcalls;
	hg_ok(!pvhvm_wait_upcall(seen) && hg_count[GSI_VECTOR] == 1,
	      "once: the line went down when the guest cleared its flag");
	ioapic_route(20, 1u << 16);                /* masked again */
}

/* PIIX3 (00:01.0) register 0x60 + link: PIRQA-D's ISA IRQ (0x80: off). */
static void pirq_route(unsigned link, uint8_t irq)
{
	outl(0xcf8, 0x80000000u | (1u << 11) | 0x60);
	outb((uint16_t)(0xcfc + link), irq);
}

/* HVM_PARAM_CALLBACK_IRQ type 1: the platform device's INTA, which the
 * device model's swizzle puts on link (3 + 0) & 3 = PIRQD; the callback
 * rides whatever ISA IRQ the guest routes that link to (IOAPIC pin 10,
 * level). */
static void test_intx(uint32_t port)
{
	uint64_t cb = (1ull << 56) | ((uint64_t)(PLATFORM_SLOT << 3) << 8), bad;
	unsigned link = (PLATFORM_SLOT + 0) & 3;
	uint32_t seen;

	bad = cb | (1ull << 16);
	hg_ok(pvhvm_param(true, 0, &bad) == -22, "callback via PCI INTx on bus 1: -EINVAL");
	hg_set_handler(INTX_VECTOR, upcall_gsi);
	ioapic_route(10, INTX_VECTOR | (1u << 15));
	pirq_route(link, 0x80);
	hg_ok(pvhvm_param(true, 0, &cb) == 0, "callback via PCI INTx (00:03.0 INTA)");
	seen = upcalls;
	hg_count[INTX_VECTOR] = 0;
	pvhvm_send(port);
	hg_ok(!pvhvm_wait_upcall(seen), "no upcall while its PCI link is not routed");
	pirq_route(link, 10);
	hg_ok(pvhvm_wait_upcall(seen), "routed to IRQ 10, the pending event arrives there");
	seen = upcalls;
	hg_ok(!pvhvm_wait_upcall(seen) && hg_count[INTX_VECTOR] == 1,
	      "once: INTx went down when the guest cleared its flag");
	pirq_route(link, 0x80);
	ioapic_route(10, 1u << 16);
}

bool pvhvm_wait_upcall(uint32_t seen)
{
	sti();
	for (uint32_t i = 0; i < SPIN_MAX && upcalls == seen; i++)
		__asm__ volatile("pause");
	cli();
	return upcalls != seen;
}

uint32_t pvhvm_upcalls(void)
{
	return upcalls;
}

/* Set up what every PV-on-HVM test needs: hypercalls, shared_info over a
 * RAM page, the callback vector. */
bool pvhvm_setup(void)
{
	uint64_t cb = (2ull << 56) | CALLBACK_VECTOR;
	volatile uint32_t *w = (volatile uint32_t *)shinfo_page;

	if (!hg_xen_base() || !hg_hypercall_init())
		return false;
	hg_idt_init();
	hg_set_handler(CALLBACK_VECTOR, upcall);
	w[1000] = 0xa5a5a5a5;
	if (pvhvm_add_to_physmap(0 /* shared_info */, 0, (uint32_t)shinfo_page >> 12) != 0 ||
	    w[1000] == 0xa5a5a5a5)
		return false;
	return pvhvm_param(true, 0 /* CALLBACK_IRQ */, &cb) == 0;
}

void pvhvm_test(void)
{
	struct { uint32_t idx, submap; } fi = { 0, 0 };
	volatile uint32_t *hole = (volatile uint32_t *)0xf0000000u;
	struct { uint32_t vcpu, port; } ipi = { 0, 0 };
	uint64_t v = 0, bad;
	uint32_t seen;

	hg_ok(pvhvm_setup(), "add_to_physmap(shared_info) over a RAM page, callback vector 0xf3");
	hg_ok(hg_hypercall(HC_XEN_VERSION, XENVER_get_features, (uint32_t)&fi, 0) == 0 &&
	      (fi.submap & (1u << 2)) && (fi.submap & (1u << 8)),
	      "XENVER_get_features: auto_translated_physmap and hvm_callback_vector");
	hg_ok(pvhvm_add_to_physmap(0, 1, 0x1000) == -22, "shared_info index 1: -EINVAL");
	hg_ok(pvhvm_add_to_physmap(2 /* gmfn */, 5, 0x1000) == -95, "moving RAM frames: -EOPNOTSUPP");
	hg_ok(pvhvm_add_to_physmap(1, 0, 0xfee00) == -22, "a grant frame over the LAPIC: -EINVAL");
	bad = 0xf3;
	hg_ok(pvhvm_param(true, 1 /* STORE_PFN */, &bad) == -1, "the guest may not set STORE_PFN");
	bad = (2ull << 56) | 5;
	hg_ok(pvhvm_param(true, 0, &bad) == -22, "callback vector 5: -EINVAL");
	hg_ok(pvhvm_param(false, 0, &v) == 0 && v == ((2ull << 56) | CALLBACK_VECTOR),
	      "HVMOP_get_param reads the callback back");

	/* an event to ourselves: bind_ipi, send, the upcall */
	hg_ok(hg_hypercall(HC_EVTCHN_OP, EVTCHNOP_bind_ipi, (uint32_t)&ipi, 0) == 0 && ipi.port,
	      "EVTCHNOP_bind_ipi");
	seen = upcalls;
	hg_ok(pvhvm_send(ipi.port) == 0, "EVTCHNOP_send on it");
	hg_ok(pvhvm_wait_upcall(seen), "the callback vector arrives");
	hg_ok(ipi.port < 32 && (upcall_word0 & (1u << ipi.port)) && (upcall_sel & 1),
	      "its pending bit and selector were in the mapped shared_info");
	hg_ok(hg_count[CALLBACK_VECTOR] == upcalls, "one interrupt per upcall");
	seen = upcalls;
	hg_ok(!pvhvm_wait_upcall(seen), "no second upcall once the flag is clear");

	/* a grant frame in a hole (Linux: the platform device's BAR), then moved */
	hg_ok(pvhvm_add_to_physmap(1 /* grant_table */, 0, 0xf0000) == 0,
	      "add_to_physmap(grant_table 0) in the PCI hole");
	hole[3] = 0x1234abcd;
	hg_ok(hole[3] == 0x1234abcd, "the grant frame is memory there");
	hg_ok(pvhvm_add_to_physmap(1, 0, (uint32_t)gnt_page >> 12) == 0 &&
	      ((volatile uint32_t *)gnt_page)[3] == 0x1234abcd,
	      "moved over a RAM page, it keeps its contents");
	hg_ok(hole[3] == 0xffffffffu, "and the hole is empty again");
	test_gsi(ipi.port);
	test_intx(ipi.port);
	hg_ok(pvhvm_move_vcpu_info((uint32_t)vcpu_info_page >> 12, vcpu_info_page, ipi.port),
	      "VCPUOP_register_vcpu_info on a RAM page: the upcall comes with the flag and "
	      "selector at the new place");
}
