/* Address-space layout of the vmctl PV kernel, shared by C and assembly.
 *
 * The pv engine maps the domain's pseudo-physical memory flat at PHYS_BASE:
 * pseudo-physical address P is virtual address PHYS_BASE + P.  The kernel is
 * linked there too, so its image occupies the first pseudo-physical pages. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define PHYS_BASE     0x40000000
#define PAGE_SHIFT    12
#define PAGE_SIZE     4096

/* Every vCPU stack is STACK_SIZE bytes, aligned to STACK_SIZE, with the
 * vCPU's struct cpu at its lowest address: the current CPU is found from
 * %rsp alone, without TLS or segment registers (both unavailable here). */
#define STACK_SHIFT   14
#define STACK_SIZE    (1 << STACK_SHIFT)

/* Hypercall numbers the assembly needs (the C side uses xen.h). */
#define HCALL_IRET    23

#endif
