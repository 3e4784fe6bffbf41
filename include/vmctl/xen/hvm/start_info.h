/*
 * The PVH boot ABI: a kernel with an XEN_ELFNOTE_PHYS32_ENTRY note is
 * entered in 32-bit protected mode, paging off, with ebx = physical address
 * of a struct hvm_start_info.  Every address below is physical; 0 means
 * absent.  The layout is the same for 32- and 64-bit code.
 */
#ifndef VMCTL_XEN_HVM_START_INFO_H
#define VMCTL_XEN_HVM_START_INFO_H

#include <stdint.h>
#include <vmctl/xen/abi-check.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578	/* "xEn3" with 0x80 on 'E' */

struct hvm_start_info {
	uint32_t magic;			/* XEN_HVM_START_MAGIC_VALUE */
	uint32_t version;		/* 1: memmap fields valid */
	uint32_t flags;			/* SIF_* */
	uint32_t nr_modules;
	uint64_t modlist_paddr;		/* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;		/* NUL-terminated */
	uint64_t rsdp_paddr;		/* ACPI RSDP */
	uint64_t memmap_paddr;		/* struct hvm_memmap_table_entry[] (v1) */
	uint32_t memmap_entries;	/* (v1) */
	uint32_t reserved;
};
XEN_ABI_SIZE(struct hvm_start_info, 56);
XEN_ABI_OFFSET(struct hvm_start_info, magic, 0);
XEN_ABI_OFFSET(struct hvm_start_info, version, 4);
XEN_ABI_OFFSET(struct hvm_start_info, flags, 8);
XEN_ABI_OFFSET(struct hvm_start_info, nr_modules, 12);
XEN_ABI_OFFSET(struct hvm_start_info, modlist_paddr, 16);
XEN_ABI_OFFSET(struct hvm_start_info, cmdline_paddr, 24);
XEN_ABI_OFFSET(struct hvm_start_info, rsdp_paddr, 32);
XEN_ABI_OFFSET(struct hvm_start_info, memmap_paddr, 40);
XEN_ABI_OFFSET(struct hvm_start_info, memmap_entries, 48);
XEN_ABI_OFFSET(struct hvm_start_info, reserved, 52);

/* A boot module (initrd), with an optional command line. */
struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};
XEN_ABI_SIZE(struct hvm_modlist_entry, 32);
XEN_ABI_OFFSET(struct hvm_modlist_entry, paddr, 0);
XEN_ABI_OFFSET(struct hvm_modlist_entry, size, 8);
XEN_ABI_OFFSET(struct hvm_modlist_entry, cmdline_paddr, 16);
XEN_ABI_OFFSET(struct hvm_modlist_entry, reserved, 24);

/* One range of the guest's memory map, e820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM       1
#define XEN_HVM_MEMMAP_TYPE_RESERVED  2
#define XEN_HVM_MEMMAP_TYPE_ACPI      3
#define XEN_HVM_MEMMAP_TYPE_NVS       4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE  5
#define XEN_HVM_MEMMAP_TYPE_DISABLED  6
#define XEN_HVM_MEMMAP_TYPE_PMEM      7

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;			/* XEN_HVM_MEMMAP_TYPE_* */
	uint32_t reserved;
};
XEN_ABI_SIZE(struct hvm_memmap_table_entry, 24);
XEN_ABI_OFFSET(struct hvm_memmap_table_entry, addr, 0);
XEN_ABI_OFFSET(struct hvm_memmap_table_entry, size, 8);
XEN_ABI_OFFSET(struct hvm_memmap_table_entry, type, 16);
XEN_ABI_OFFSET(struct hvm_memmap_table_entry, reserved, 20);

#endif
