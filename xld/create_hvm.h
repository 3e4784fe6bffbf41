/* domain.create's steps for type="hvm" (xld/create.c calls them): which
 * image boots (firmware_override=, a multiboot kernel=, or SeaBIOS), and
 * building it with libvmctl's HVM builder. docs/hvm.md "xl create". */
#ifndef VMCTL_XLD_CREATE_HVM_H
#define VMCTL_XLD_CREATE_HVM_H

#include <stddef.h>
#include <stdint.h>

struct hv;
struct domcfg_config;

#define CREATE_HVM_SEABIOS "/usr/share/seabios/bios.bin"
/* QEMU's option ROM that boots a bzImage kernel= from fw_cfg (Debian's
 * qemu-system-data). */
#define CREATE_HVM_LINUXBOOT "/usr/share/qemu/linuxboot_dma.bin"

/* Check the HVM parts of `cfg` and make its image paths absolute (relative
 * to `cwd`, the client's directory). 0, or -1 with *code (RPC_ERR_*) and a
 * message in msg[cap]. */
int create_hvm_check(struct domcfg_config *cfg, const char *cwd, int *code, char *msg,
		     size_t cap);

/* Load the image into domain `domid` (created with PRIVCMD_CREATE_HVM).
 * Same error convention. */
int create_hvm_build(struct hv *hv, uint32_t domid, const struct domcfg_config *cfg,
		     int *code, char *msg, size_t cap);

struct xld;
struct xld_domain;

/* Start the domain's device model (devmodel/vmctl-devmodel, or
 * $VMCTL_DEVMODEL) under supervision, wait until it serves ioreqs, and
 * serve its serial line as the domain's console (`xl console`). With no
 * device model installed the domain runs with vmhv's platform devices only
 * (0 returned). Same error convention; the device model is one of the
 * domain's devices (d->devs), stopped with them. */
int create_hvm_devmodel(struct xld *xld, struct xld_domain *d, const struct domcfg_config *cfg,
			int *code, char *msg, size_t cap);

/* After an xld restart (xld_domains_recover): an hvm domain's device
 * model that outlived the old xld is adopted again, its serial line is
 * the console again and its VNC server (vnc=1) is started again
 * (xld/hvm_dm.h). 0 or -errno. */
int create_hvm_recover(struct xld *xld, struct xld_domain *d);

#endif
