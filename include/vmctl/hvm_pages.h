/* The hypervisor pages an hvm domain sees in its physical address space
 * (docs/hvm.md "PV-on-HVM"). A domain's memfd holds its RAM frames, then
 * VMCTL_HVM_XEN_FRAMES frames of vmhv's own (shared_info, the grant table,
 * ...). Two of those are the guest's xenstore and console rings, shown at
 * fixed guest frames in the hole below the IOAPIC, as Xen puts its special
 * pages at the top of the 4 GiB hole: xld serves them (a foreign mapping of
 * memfd frame ram_frames + VMCTL_HVM_*_XFRAME) and the builder gives the
 * guest the frame numbers in HVM_PARAM_STORE_PFN / HVM_PARAM_CONSOLE_PFN. */
#ifndef VMCTL_HVM_PAGES_H
#define VMCTL_HVM_PAGES_H

#define VMCTL_HVM_XEN_FRAMES    16u       /* frames after RAM in the memfd */
#define VMCTL_HVM_STORE_XFRAME   6u       /* memfd frame ram_frames + 6 */
#define VMCTL_HVM_CONSOLE_XFRAME 7u       /* memfd frame ram_frames + 7 */
#define VMCTL_HVM_STORE_GPFN    0xfeff0ull /* where the guest sees them */
#define VMCTL_HVM_CONSOLE_GPFN  0xfeff1ull

#endif
