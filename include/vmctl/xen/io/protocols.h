/*
 * Values of a frontend's `protocol` xenstore node: which ABI (structure
 * layout) its rings use.  A missing node means the backend's native one.
 */
#ifndef VMCTL_XEN_IO_PROTOCOLS_H
#define VMCTL_XEN_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32 "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64 "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM    "arm-abi"
#define XEN_IO_PROTO_ABI_NATIVE XEN_IO_PROTO_ABI_X86_64

#endif
