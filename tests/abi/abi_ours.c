/* abi.def measured on vmctl's headers (include/vmctl/xen/). */
#include <vmctl/xen/xen.h>
#include <vmctl/xen/errno.h>
#include <vmctl/xen/event_channel.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/vcpu.h>
#include <vmctl/xen/memory.h>
#include <vmctl/xen/callback.h>
#include <vmctl/xen/grant_table.h>
#include <vmctl/xen/version.h>
#include <vmctl/xen/features.h>
#include <vmctl/xen/elfnote.h>
#include <vmctl/xen/physdev.h>
#include <vmctl/xen/arch-x86/cpuid.h>
#include <vmctl/xen/hvm/hvm_vcpu.h>
#include <vmctl/xen/hvm/params.h>
#include <vmctl/xen/hvm/hvm_op.h>
#include <vmctl/xen/hvm/start_info.h>
#include <vmctl/xen/hvm/platform_pci.h>
#include <vmctl/xen/io/ring.h>
#include <vmctl/xen/io/console.h>
#include <vmctl/xen/io/xenbus.h>
#include <vmctl/xen/io/protocols.h>
#include <vmctl/xen/io/xs_wire.h>
#include <vmctl/xen/io/blkif.h>
#include <vmctl/xen/io/netif.h>
#include <vmctl/xen/io/fbif.h>
#include <vmctl/xen/io/kbdif.h>

#include "tests/abi/abi_table.h"

#define ABI_SIZE(t, n)        ABI_ITEM(ABI_IN_XEN, "sizeof(" #t ")", sizeof(t))
#define ABI_OFFSET(t, f, n)   ABI_ITEM(ABI_IN_XEN, "offsetof(" #t ", " #f ")", offsetof(t, f))
#define ABI_CONST(c, n)       ABI_ITEM(ABI_IN_XEN, #c, c)
#define ABI_STR(c, s)         ABI_ITEM_STR(ABI_IN_XEN, #c, c)
#define NEWER_SIZE(t, n)      ABI_ITEM(ABI_NEWER, "sizeof(" #t ")", sizeof(t))
#define NEWER_OFFSET(t, f, n) ABI_ITEM(ABI_NEWER, "offsetof(" #t ", " #f ")", offsetof(t, f))
#define NEWER_CONST(c, n)     ABI_ITEM(ABI_NEWER, #c, c)
#define OURS_SIZE(t, n)       ABI_ITEM(ABI_OURS, "sizeof(" #t ")", sizeof(t))
#define OURS_OFFSET(t, f, n)  ABI_ITEM(ABI_OURS, "offsetof(" #t ", " #f ")", offsetof(t, f))
#define OURS_CONST(c, n)      ABI_ITEM(ABI_OURS, #c, c)
#define OURS_STR(c, s)        ABI_ITEM_STR(ABI_OURS, #c, c)
#define RETIRED_CONST(c, n)   ABI_ITEM(ABI_RETIRED, #c, c)

const struct abi_item abi_ours[] = {
#include "tests/abi/abi.def"
};
const size_t abi_ours_count = sizeof(abi_ours) / sizeof(abi_ours[0]);
