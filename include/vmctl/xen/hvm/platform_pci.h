/*
 * Our own: the Xen platform PCI device of an HVM guest, as the device
 * model emulates it and PV-on-HVM drivers probe it.  Xen's public headers
 * do not describe it (its definition lives in QEMU and in the guests); the
 * values are from reference/xen-abi.md §4.12.
 *
 * Protocol on the fixed ports (XEN_PLATFORM_IOPORT, 16 bytes):
 *   read16  XEN_IOPORT_MAGIC     -> XEN_IOPORT_MAGIC_VAL if the device is there
 *   read8   XEN_IOPORT_PROTOVER  -> protocol version (1)
 *   write16 XEN_IOPORT_PRODNUM   <- the driver's product number (below)
 *   write32 XEN_IOPORT_DRVVER    <- its build number; then the driver
 *           re-reads the magic: XEN_IOPORT_MAGIC_BLACKLISTED means "do not
 *           use PV drivers"
 *   write16 XEN_IOPORT_UNPLUG    <- XEN_UNPLUG_* mask of emulated devices
 *           the guest's PV drivers replace
 *   write8  XEN_IOPORT_LOG       <- log text, one line at a time
 * A Linux PVHVM guest that does not find the magic uses no PV disks or NICs.
 */
#ifndef VMCTL_XEN_HVM_PLATFORM_PCI_H
#define VMCTL_XEN_HVM_PLATFORM_PCI_H

/* PCI identity and BARs. */
#define XEN_PLATFORM_VENDOR_ID     0x5853
#define XEN_PLATFORM_DEVICE_ID     0x0001
#define XEN_PLATFORM_DEVICE_ID_XS61 0x0002	/* XenServer 6.1 variant */
#define XEN_PLATFORM_SUBSYS_VENDOR 0x5853
#define XEN_PLATFORM_SUBSYS_ID     0x0001
#define XEN_PLATFORM_REVISION      1
#define XEN_PLATFORM_CLASS         0xff80	/* "other" device, subclass 0x80 */
#define XEN_PLATFORM_BAR0_IO_SIZE  0x100	/* BAR0: I/O ports */
#define XEN_PLATFORM_BAR1_MEM_SIZE 0x1000000	/* BAR1: 16 MiB prefetchable, for
						   shared_info and grant frames */

/* The fixed I/O ports and the registers at them. */
#define XEN_PLATFORM_IOPORT        0x10
#define XEN_PLATFORM_IOPORT_SIZE   16
#define XEN_IOPORT_MAGIC           (XEN_PLATFORM_IOPORT + 0)	/* read16 */
#define XEN_IOPORT_UNPLUG          (XEN_PLATFORM_IOPORT + 0)	/* write16 */
#define XEN_IOPORT_DRVVER          (XEN_PLATFORM_IOPORT + 0)	/* write32 */
#define XEN_IOPORT_PROTOVER        (XEN_PLATFORM_IOPORT + 2)	/* read8 */
#define XEN_IOPORT_PRODNUM         (XEN_PLATFORM_IOPORT + 2)	/* write16 */
#define XEN_IOPORT_LOG             (XEN_PLATFORM_IOPORT + 2)	/* write8 */

#define XEN_IOPORT_MAGIC_VAL         0x49d2
#define XEN_IOPORT_MAGIC_BLACKLISTED 0xd249
#define XEN_IOPORT_PROTOVER_VAL      1

/* Unplug mask bits. */
#define XEN_UNPLUG_ALL_IDE_DISKS   (1 << 0)	/* all IDE and SCSI disks, not CD-ROMs */
#define XEN_UNPLUG_ALL_NICS        (1 << 1)
#define XEN_UNPLUG_AUX_IDE_DISKS   (1 << 2)	/* all IDE disks but the primary master */
#define XEN_UNPLUG_NVME_DISKS      (1 << 3)

/* Product numbers written to XEN_IOPORT_PRODNUM (Xen's hvm/pvdrivers.h list). */
#define XEN_PLATFORM_PRODUCT_XENSOURCE_WINDOWS      0x0001
#define XEN_PLATFORM_PRODUCT_GPLPV_WINDOWS          0x0002
#define XEN_PLATFORM_PRODUCT_LINUX                  0x0003
#define XEN_PLATFORM_PRODUCT_XENSERVER_WINDOWS_7_0  0x0004
#define XEN_PLATFORM_PRODUCT_XENSERVER_WINDOWS_7_2  0x0005
#define XEN_PLATFORM_PRODUCT_EXPERIMENTAL           0xffff

#endif
