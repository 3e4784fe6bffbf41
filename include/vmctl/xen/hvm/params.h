/*
 * HVM parameters: per-domain 64-bit values set by the toolstack and read by
 * the guest with HVMOP_get_param (hvm/hvm_op.h).  An HVM or PVH guest finds
 * its xenstore and console rings here.
 */
#ifndef VMCTL_XEN_HVM_PARAMS_H
#define VMCTL_XEN_HVM_PARAMS_H

/*
 * How events reach an HVM guest: bits 63:56 hold the type, the rest its
 * argument; 0 disables the callback.
 *   GSI:      bits 55:0 = the GSI
 *   PCI_INTX: bits 47:32 PCI domain, 31:16 bus, 15:8 devfn, 1:0 INTx pin
 *   VECTOR:   bits 7:0 = the vector (needs XENFEAT_hvm_callback_vector)
 */
#define HVM_PARAM_CALLBACK_IRQ            0
#define HVM_PARAM_CALLBACK_IRQ_TYPE_MASK  0xFF00000000000000ULL
#define HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT 56	/* our own name for the shift */
#define HVM_PARAM_CALLBACK_TYPE_GSI       0
#define HVM_PARAM_CALLBACK_TYPE_PCI_INTX  1
#define HVM_PARAM_CALLBACK_TYPE_VECTOR    2

#define HVM_PARAM_STORE_PFN               1	/* xenstore ring frame */
#define HVM_PARAM_STORE_EVTCHN            2	/* xenstore event channel */
#define HVM_PARAM_PAE_ENABLED             4
#define HVM_PARAM_IOREQ_PFN               5	/* default ioreq server page */
#define HVM_PARAM_BUFIOREQ_PFN            6	/* buffered ioreq page */
#define HVM_PARAM_VIRIDIAN                9	/* Hyper-V enlightenment mask */
#define HVM_PARAM_TIMER_MODE             10	/* HVMPTM_* */
#define HVM_PARAM_HPET_ENABLED           11
#define HVM_PARAM_IDENT_PT               12	/* identity page table (VMX real mode) */
#define HVM_PARAM_DM_DOMAIN              13	/* domain running the device model */
#define HVM_PARAM_ACPI_S_STATE           14
#define HVM_PARAM_VM86_TSS               15
#define HVM_PARAM_VPT_ALIGN              16
#define HVM_PARAM_CONSOLE_PFN            17	/* console ring frame */
#define HVM_PARAM_CONSOLE_EVTCHN         18	/* console event channel */
#define HVM_PARAM_ACPI_IOPORTS_LOCATION  19	/* 0: old PM1a block, 1: new */
#define HVM_PARAM_NESTEDHVM              24
#define HVM_PARAM_BUFIOREQ_EVTCHN        26
#define HVM_PARAM_PAGING_RING_PFN        27
#define HVM_PARAM_MONITOR_RING_PFN       28
#define HVM_PARAM_SHARING_RING_PFN       29
#define HVM_PARAM_TRIPLE_FAULT_REASON    31	/* SHUTDOWN_* to use on triple fault */
#define HVM_PARAM_IOREQ_SERVER_PFN       32
#define HVM_PARAM_NR_IOREQ_SERVER_PAGES  33
#define HVM_PARAM_VM_GENERATION_ID_ADDR  34
#define HVM_PARAM_ALTP2M                 35
#define HVM_PARAM_X87_FIP_WIDTH          36
#define HVM_PARAM_VM86_TSS_SIZED         37
#define HVM_PARAM_MCA_CAP                38
#define HVM_NR_PARAMS                    39

/* HVM_PARAM_TIMER_MODE values. */
#define HVMPTM_delay_for_missed_ticks    0
#define HVMPTM_no_delay_for_missed_ticks 1
#define HVMPTM_no_missed_ticks_pending   2
#define HVMPTM_one_missed_tick_pending   3

/* HVM_PARAM_ALTP2M values. */
#define XEN_ALTP2M_disabled 0
#define XEN_ALTP2M_mixed    1
#define XEN_ALTP2M_external 2
#define XEN_ALTP2M_limited  3

/* HVM_PARAM_MCA_CAP bits. */
#define XEN_HVM_MCA_CAP_LMCE (1ULL << 0)
#define XEN_HVM_MCA_CAP_MASK XEN_HVM_MCA_CAP_LMCE

#endif
