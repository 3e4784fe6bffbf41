/*
 * Xen's CPUID leaves.  A guest finds Xen by scanning 0x40000000 upwards in
 * steps of 0x100 (Xen moves to 0x40000100 when it also offers Viridian)
 * for the signature "XenVMMXenVMM" in ebx:ecx:edx of leaf base+0.
 *
 *   base+0  eax = base + max leaf index; ebx/ecx/edx = signature
 *   base+1  eax = (major << 16) | minor
 *   base+2  eax = number of hypercall pages (1); ebx = MSR that installs the
 *           hypercall page (wrmsr with its guest physical address);
 *           ecx = XEN_CPUID_FEAT1_* bits
 *   base+3  time: subleaf 0 eax = XEN_CPUID_TSC_* flags, ebx = tsc mode,
 *           ecx = tsc kHz, edx = incarnation; subleaf 1 offset/mul/shift;
 *           subleaf 2 host cpu kHz
 *   base+4  HVM: eax = XEN_HVM_CPUID_* flags, ebx = vcpu id, ecx = domid
 *   base+5  PV: ebx[7:0] = machine address width
 *
 * The layout is the same for 32- and 64-bit code.
 */
#ifndef VMCTL_XEN_ARCH_X86_CPUID_H
#define VMCTL_XEN_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF 0x40000000
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))
#define XEN_CPUID_MAX_NUM_LEAVES 5

#define XEN_CPUID_SIGNATURE_EBX 0x566e6558	/* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d	/* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e	/* "nVMM" */

/* Our own: the hypercall-page MSR Xen reports in leaf 2 ebx (no Viridian). */
#define XEN_CPUID_HYPERCALL_MSR 0x40000000

/* Leaf 2 ecx. */
#define _XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD 0
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD  (1u << 0)

/* Leaf 3, subleaf 0: eax flags and ebx tsc modes (newer than Xen 4.17's header). */
#define XEN_CPUID_TSC_EMULATED       (1u << 0)
#define XEN_CPUID_HOST_TSC_RELIABLE  (1u << 1)
#define XEN_CPUID_RDTSCP_INSTR_AVAIL (1u << 2)
#define XEN_CPUID_TSC_MODE_DEFAULT          0
#define XEN_CPUID_TSC_MODE_ALWAYS_EMULATE   1
#define XEN_CPUID_TSC_MODE_NEVER_EMULATE    2
#define XEN_CPUID_TSC_MODE_PVRDTSCP         3

/* Leaf 4 eax (HVM guests). */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3)	/* ebx = vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4)	/* ecx = domid */
#define XEN_HVM_CPUID_EXT_DEST_ID      (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)	/* HVMOP_set_evtchn_upcall_vector works */

/* Leaf 5 ebx (PV guests). */
#define XEN_CPUID_MACHINE_ADDRESS_WIDTH_MASK (0xffu << 0)

#endif
