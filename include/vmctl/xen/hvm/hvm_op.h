/*
 * HYPERVISOR_hvm_op(cmd, arg) with HVMOP_*: HVM parameters, interrupt lines
 * driven by a device model, and the per-vCPU upcall vector.
 */
#ifndef VMCTL_XEN_HVM_HVM_OP_H
#define VMCTL_XEN_HVM_HVM_OP_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>
#include <vmctl/xen/xen.h>

#define HVMOP_set_param                 0	/* struct xen_hvm_param */
#define HVMOP_get_param                 1	/* struct xen_hvm_param */
#define HVMOP_set_pci_intx_level        2
#define HVMOP_set_isa_irq_level         3
#define HVMOP_set_pci_link_route        4
#define HVMOP_flush_tlbs                5	/* arg NULL */
#define HVMOP_pagetable_dying           9
#define HVMOP_get_time                 10
#define HVMOP_xentrace                 11
#define HVMOP_set_mem_access           12
#define HVMOP_get_mem_access           13
#define HVMOP_get_mem_type             15
#define HVMOP_set_evtchn_upcall_vector 23
#define HVMOP_guest_request_vm_event   24
#define HVMOP_altp2m                   25

/* Read or write HVM_PARAM_* `index` of `domid`. */
struct xen_hvm_param {
	domid_t domid;
	uint16_t pad;
	uint32_t index;			/* HVM_PARAM_* */
	uint64_t value;			/* IN (set) or OUT (get) */
};
typedef struct xen_hvm_param xen_hvm_param_t;
DEFINE_XEN_GUEST_HANDLE(xen_hvm_param_t);
XEN_ABI_SIZE(struct xen_hvm_param, 16);
XEN_ABI_OFFSET(struct xen_hvm_param, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_param, index, 4);
XEN_ABI_OFFSET(struct xen_hvm_param, value, 8);

/* Set the level of a PCI device's INTx line (device model). */
struct xen_hvm_set_pci_intx_level {
	domid_t domid;
	uint8_t domain, bus, device, intx;
	uint8_t level;			/* 0 or 1 */
};
typedef struct xen_hvm_set_pci_intx_level xen_hvm_set_pci_intx_level_t;
XEN_ABI_SIZE(struct xen_hvm_set_pci_intx_level, 8);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, domain, 2);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, bus, 3);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, device, 4);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, intx, 5);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_intx_level, level, 6);

/* Set the level of an ISA IRQ line (device model). */
struct xen_hvm_set_isa_irq_level {
	domid_t domid;
	uint8_t isa_irq;
	uint8_t level;
};
typedef struct xen_hvm_set_isa_irq_level xen_hvm_set_isa_irq_level_t;
XEN_ABI_SIZE(struct xen_hvm_set_isa_irq_level, 4);
XEN_ABI_OFFSET(struct xen_hvm_set_isa_irq_level, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_set_isa_irq_level, isa_irq, 2);
XEN_ABI_OFFSET(struct xen_hvm_set_isa_irq_level, level, 3);

/* Route PCI link `link` (0-3) to ISA IRQ isa_irq (0 = none). */
struct xen_hvm_set_pci_link_route {
	domid_t domid;
	uint8_t link;
	uint8_t isa_irq;
};
typedef struct xen_hvm_set_pci_link_route xen_hvm_set_pci_link_route_t;
XEN_ABI_SIZE(struct xen_hvm_set_pci_link_route, 4);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_link_route, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_link_route, link, 2);
XEN_ABI_OFFSET(struct xen_hvm_set_pci_link_route, isa_irq, 3);

/* The guest is about to free the page table at gpa. */
struct xen_hvm_pagetable_dying {
	domid_t domid;
	uint16_t pad[3];
	uint64_t gpa;
};
typedef struct xen_hvm_pagetable_dying xen_hvm_pagetable_dying_t;
XEN_ABI_SIZE(struct xen_hvm_pagetable_dying, 16);
XEN_ABI_OFFSET(struct xen_hvm_pagetable_dying, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_pagetable_dying, gpa, 8);

/* Current system time in ns. */
struct xen_hvm_get_time {
	uint64_t now;			/* OUT */
};
typedef struct xen_hvm_get_time xen_hvm_get_time_t;
XEN_ABI_SIZE(struct xen_hvm_get_time, 8);
XEN_ABI_OFFSET(struct xen_hvm_get_time, now, 0);

/* Memory types of guest frames (xen_hvm_get_mem_type.mem_type). */
typedef enum {
	HVMMEM_ram_rw,			/* ordinary RAM */
	HVMMEM_ram_ro,			/* writes are dropped */
	HVMMEM_mmio_dm,			/* all accesses go to the device model */
	HVMMEM_unused,
	HVMMEM_ioreq_server,		/* writes go to an ioreq server */
} hvmmem_type_t;

struct xen_hvm_get_mem_type {
	domid_t domid;
	uint16_t mem_type;		/* OUT: HVMMEM_* */
	uint16_t pad[2];
	uint64_t pfn;
};
typedef struct xen_hvm_get_mem_type xen_hvm_get_mem_type_t;
XEN_ABI_SIZE(struct xen_hvm_get_mem_type, 16);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, domid, 0);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, mem_type, 2);
XEN_ABI_OFFSET(struct xen_hvm_get_mem_type, pfn, 8);

/* Deliver event upcalls to `vcpu` through LAPIC vector `vector`. */
struct xen_hvm_evtchn_upcall_vector {
	uint32_t vcpu;
	uint8_t vector;
};
typedef struct xen_hvm_evtchn_upcall_vector xen_hvm_evtchn_upcall_vector_t;
XEN_ABI_SIZE(struct xen_hvm_evtchn_upcall_vector, 8);
XEN_ABI_OFFSET(struct xen_hvm_evtchn_upcall_vector, vcpu, 0);
XEN_ABI_OFFSET(struct xen_hvm_evtchn_upcall_vector, vector, 4);

#endif
