/* QEMU's firmware configuration device (fw_cfg) as SeaBIOS reads it:
 * selector 0x510 (16-bit write), data 0x511 (byte reads), DMA address
 * 0x514..0x51b (big-endian). Items are numbered keys or named files (the
 * file directory is key 0x19). */
#ifndef VMCTL_DEVMODEL_DEV_FW_CFG_H
#define VMCTL_DEVMODEL_DEV_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#define FW_CFG_SIGNATURE     0x00
#define FW_CFG_ID            0x01
#define FW_CFG_UUID          0x02
#define FW_CFG_RAM_SIZE      0x03
#define FW_CFG_NOGRAPHIC     0x04
#define FW_CFG_NB_CPUS       0x05
#define FW_CFG_KERNEL_ADDR   0x07
#define FW_CFG_KERNEL_SIZE   0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR   0x0a
#define FW_CFG_INITRD_SIZE   0x0b
#define FW_CFG_BOOT_DEVICE   0x0c
#define FW_CFG_NUMA          0x0d
#define FW_CFG_BOOT_MENU     0x0e
#define FW_CFG_MAX_CPUS      0x0f
#define FW_CFG_KERNEL_ENTRY  0x10
#define FW_CFG_KERNEL_DATA   0x11
#define FW_CFG_INITRD_DATA   0x12
#define FW_CFG_CMDLINE_ADDR  0x13
#define FW_CFG_CMDLINE_SIZE  0x14
#define FW_CFG_CMDLINE_DATA  0x15
#define FW_CFG_SETUP_ADDR    0x16
#define FW_CFG_SETUP_SIZE    0x17
#define FW_CFG_SETUP_DATA    0x18
#define FW_CFG_FILE_DIR      0x19
#define FW_CFG_FILE_FIRST    0x20
#define FW_CFG_FILE_NAME_MAX 56

#define FW_CFG_PORT_SEL      0x510
#define FW_CFG_PORT_DMA      0x514

#define FW_CFG_DMA_ERROR     0x01
#define FW_CFG_DMA_READ      0x02
#define FW_CFG_DMA_SKIP      0x04
#define FW_CFG_DMA_SELECT    0x08
#define FW_CFG_DMA_WRITE     0x10

struct fw_cfg;

/* Add (or replace) item `key` with a copy of data. 0 or -ENOMEM/-EINVAL. */
int fw_cfg_add(struct fw_cfg *fc, uint16_t key, const void *data, size_t len);
/* Add a named file with the next free key; -EEXIST for a name taken. */
int fw_cfg_add_file(struct fw_cfg *fc, const char *name, const void *data, size_t len);
/* Add the file `name` with the contents of the host file at `path`
 * (at most 64 MiB). */
int fw_cfg_add_host_file(struct fw_cfg *fc, const char *name, const char *path);

/* Direct Linux boot (fw_cfg_linux.c): split a bzImage into setup and
 * kernel, fill the setup header for the initrd and command line, and add
 * the KERNEL_/SETUP_/INITRD_/CMDLINE_ items that QEMU's linuxboot option
 * ROM reads. `lowmem` bounds where the initrd goes. */
int fw_cfg_linux(struct fw_cfg *fc, const char *kernel, const char *initrd,
		 const char *cmdline, uint64_t lowmem);

#endif
