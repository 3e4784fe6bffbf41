/*
 * abi.def measured on Xen's own public headers (Debian's libxen-dev, Xen
 * 4.17).  The NEWER_ and OURS_ items do not exist there: they are recorded
 * as absent without naming them, so this file compiles.
 */
#define __XEN_TOOLS__ 1		/* the toolstack view: all HVM params, XENMEM ops */
#include <stdint.h>
#include <xen/xen.h>
/*
 * HVMOP_set_pci_intx_level, _set_isa_irq_level and _set_pci_link_route
 * (2-4, listed by the reference) moved to dm_op in 4.9; 4.17's hvm_op.h
 * still defines them for callers of interface 4.8 and older.  Only this
 * header is read with that version (the others are already included and
 * guarded, and hvm/params.h includes it, so it comes first); its other
 * version tests only add further legacy ops.
 */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ 0x00040800
#include <xen/hvm/hvm_op.h>
#undef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/grant_table.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/elfnote.h>
#include <xen/physdev.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/io/ring.h>
#include <xen/io/console.h>
#include <xen/io/xenbus.h>
#include <xen/io/protocols.h>
#include <errno.h>		/* Xen's xs_wire.h names errno values */
#include <xen/io/xs_wire.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
/* Linux's default mode is only defined for kernels. */
#define __KERNEL__
#include <xen/io/fbif.h>
#undef __KERNEL__
#include <xen/io/kbdif.h>

#include "tests/abi/abi_table.h"

#define ABI_SIZE(t, n)        ABI_ITEM(ABI_IN_XEN, "sizeof(" #t ")", sizeof(t))
#define ABI_OFFSET(t, f, n)   ABI_ITEM(ABI_IN_XEN, "offsetof(" #t ", " #f ")", offsetof(t, f))
#define ABI_CONST(c, n)       ABI_ITEM(ABI_IN_XEN, #c, c)
#define ABI_STR(c, s)         ABI_ITEM_STR(ABI_IN_XEN, #c, c)
#define NEWER_SIZE(t, n)      ABI_ITEM_ABSENT(ABI_NEWER, "sizeof(" #t ")")
#define NEWER_OFFSET(t, f, n) ABI_ITEM_ABSENT(ABI_NEWER, "offsetof(" #t ", " #f ")")
#define NEWER_CONST(c, n)     ABI_ITEM_ABSENT(ABI_NEWER, #c)
#define OURS_SIZE(t, n)       ABI_ITEM_ABSENT(ABI_OURS, "sizeof(" #t ")")
#define OURS_OFFSET(t, f, n)  ABI_ITEM_ABSENT(ABI_OURS, "offsetof(" #t ", " #f ")")
#define OURS_CONST(c, n)      ABI_ITEM_ABSENT(ABI_OURS, #c)
#define OURS_STR(c, s)        ABI_ITEM_ABSENT(ABI_OURS, #c)
#define RETIRED_CONST(c, n)   ABI_ITEM_ABSENT(ABI_RETIRED, #c)

const struct abi_item abi_xen[] = {
#include "tests/abi/abi.def"
};
const size_t abi_xen_count = sizeof(abi_xen) / sizeof(abi_xen[0]);
