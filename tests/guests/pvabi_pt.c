/* pvabi_pt: builds a 4-level page-table tree from scratch (only through
 * hypercalls: its table pages are read-only to it, as on Xen), switches
 * to it with NEW_BASEPTR, maps and unmaps pages in a region of its own,
 * faults on purpose and checks the error code and cr2 it receives, then
 * switches back. Linked at the flat base (the compat layout). Expected
 * output: tests/pvabi/pvabi_pt.expected. */
#include "pvabi_lib.h"

#define NEW_VA 0x200000000000ul /* L4 slot 64: empty in the boot tree */
#define P2M_VA 0x300000000000ul /* our INIT_P2M note */

/* Two more Xen notes for this guest: the p2m mapped at P2M_VA (INIT_P2M)
 * and mod_start given as a frame number (MOD_START_PFN). */
__asm__(".pushsection .note.Xen, \"a\", @note\n"
	".balign 4\n.long 4, 8, 15\n.asciz \"Xen\"\n.quad 0x300000000000\n"
	".balign 4\n.long 4, 8, 16\n.asciz \"Xen\"\n.quad 1\n"
	".popsection\n");

static unsigned char tables[4][4096] __attribute__((aligned(4096)));
static unsigned char data[4][4096] __attribute__((aligned(4096)));

static uint64_t frame_of(const void *p)
{
	return pvabi_va_frame(p);
}

static uint64_t ma(const void *table, unsigned idx)
{
	return (frame_of(table) << 12) + idx * 8;
}

/* L4' = the boot L4's entries (the kernel stays mapped) + slot 64 ->
 * L3' -> L2' -> L1' -> data[0..3]. Every write goes through mmu_update:
 * the tables are not typed yet, so these are plain writes as on Xen. */
static long tree_build(void)
{
	const volatile uint64_t *boot = pvabi_frame_va(pvabi_cr3);
	long rc = 0;

	for (unsigned i = 0; i < 512 && rc == 0; i++)
		if (boot[i] & PTE_P)
			rc = pvabi_mmu(ma(tables[0], i), boot[i]);
	if (rc == 0)
		rc = pvabi_mmu(ma(tables[0], 64), (frame_of(tables[1]) << 12) | 7);
	if (rc == 0)
		rc = pvabi_mmu(ma(tables[1], 0), (frame_of(tables[2]) << 12) | 7);
	if (rc == 0)
		rc = pvabi_mmu(ma(tables[2], 0), (frame_of(tables[3]) << 12) | 7);
	for (unsigned i = 0; i < 4 && rc == 0; i++)
		rc = pvabi_mmu(ma(tables[3], i), (frame_of(data[i]) << 12) | 7);
	return rc;
}

/* INIT_P2M and MOD_START_PFN as the builder honours them (the test
 * passes a ramdisk holding "PVABI-RAMDISK"). */
static void check_boot_notes(start_info_t *si)
{
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;
	const char *rd = (const char *)pvabi_frame_va(si->mod_start);
	int identity = 1;

	tg_report("init_p2m_mfn_list", si->mfn_list == P2M_VA);
	tg_report("init_p2m_frames", si->first_p2m_pfn != 0 &&
		  si->nr_p2m_frames == (si->nr_pages * 8 + PAGE - 1) / PAGE);
	for (unsigned long i = 0; i < si->nr_pages; i++)
		identity &= p2m[i] == i;
	tg_report("init_p2m_identity", identity);
	tg_report("mod_start_pfn_flag", si->flags & SIF_MOD_START_PFN);
	tg_report("mod_len", (long)si->mod_len);
	tg_report("mod_start_pfn_data", si->mod_len == 13 && rd[0] == 'P' && rd[6] == 'R' &&
		  rd[12] == 'K');
}

static int data_visible(void)
{
	int ok = 1;

	for (unsigned i = 0; i < 4; i++)
		ok &= *(volatile unsigned char *)(NEW_VA + i * PAGE) == 0x10 + i;
	return ok;
}

/* `lock cmpxchg %rcx, (%rdi)` (5 bytes): the flags after it. */
static uint64_t cmpxchg(volatile uint64_t *m, uint64_t *rax, uint64_t val)
{
	uint64_t fl;

	pv.skip = 5;
	__asm__ volatile("lock cmpxchgq %%rcx, (%%rdi)\n\tpushfq\n\tpopq %0"
			 : "=r"(fl), "+a"(*rax) : "D"(m), "c"(val) : "memory", "cc");
	pv.skip = 3;
	return fl;
}

/* The cmpxchg forms of a PTE write (Linux's pte updates): with the right
 * old value the entry is written and ZF set; with another, the entry
 * stays and rax gets it; cmpxchg8b (edx:eax vs the entry, ecx:ebx the new
 * one) the same; a refused value stays a #PF. l1[1] maps data1 now. */
static void check_ptwr_cmpxchg(volatile uint64_t *l1, uint64_t data1)
{
	uint64_t data2 = (frame_of(data[2]) << 12) | 7, rax = data1, fl;
	uint32_t eax = (uint32_t)data2, edx = (uint32_t)(data2 >> 32);
	unsigned long faults = pv.faults;

	fl = cmpxchg(&l1[1], &rax, data2);
	tg_report("ptwr_cmpxchg", (fl & 0x40) && l1[1] == data2 &&
		  *(volatile unsigned char *)(NEW_VA + PAGE) == 0x12);
	rax = 0;
	fl = cmpxchg(&l1[1], &rax, data1);
	tg_report("ptwr_cmpxchg_mismatch", !(fl & 0x40) && rax == data2 && l1[1] == data2);
	pv.skip = 4;
	__asm__ volatile("lock cmpxchg8b (%%rdi)\n\tpushfq\n\tpopq %0"
			 : "=r"(fl), "+a"(eax), "+d"(edx)
			 : "D"(&l1[1]), "b"((uint32_t)data1), "c"((uint32_t)(data1 >> 32))
			 : "memory", "cc");
	pv.skip = 3;
	tg_report("ptwr_cmpxchg8b", (fl & 0x40) && l1[1] == data1 &&
		  *(volatile unsigned char *)(NEW_VA + PAGE) == 0x11);
	rax = 0;
	cmpxchg(&l1[4], &rax, (frame_of(tables[2]) << 12) | 7);
	tg_report("ptwr_cmpxchg_refused_faults", pv.faults == faults + 1 && l1[4] == 0);
}

/* vm_assist(writable_pagetables): direct writes of our (read-only) L1
 * entries are checked and made as mmu_update would; a refused one is a
 * #PF; without the assist every one is. */
static void check_ptwr(void)
{
	volatile uint64_t *l1 = (volatile uint64_t *)tables[3];
	uint64_t data1 = (frame_of(data[1]) << 12) | 7;

	tg_report("ptwr_without_assist_faults", pvabi_write_faults((unsigned long)&l1[1], data1));
	tg_report("ptwr_assist", hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
					    VMASST_TYPE_writable_pagetables));
	tg_report("ptwr_map_faults", pvabi_write_faults((unsigned long)&l1[1], data1));
	tg_report("ptwr_map_visible", *(volatile unsigned char *)(NEW_VA + PAGE) == 0x11);
	tg_report("ptwr_table_writable_faults",
		  pvabi_write_faults((unsigned long)&l1[4], (frame_of(tables[2]) << 12) | 7));
	tg_report("ptwr_table_writable_not_written", l1[4] == 0);
	check_ptwr_cmpxchg(l1, data1);
	__asm__ volatile("movq $0, %0" : "=m"(l1[1]));
	tg_report("ptwr_clear_unmaps", pvabi_read_faults(NEW_VA + PAGE));
	hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	uint64_t boot_l4;
	long rc = 0;

	pvabi_init(si);
	check_boot_notes(si);
	boot_l4 = pvabi_cr3;
	for (unsigned i = 0; i < 4; i++) {
		data[i][0] = (unsigned char)(0x10 + i);
		rc |= pvabi_uvm((unsigned long)tables[i], (frame_of(tables[i]) << 12) | 5,
				UVMF_INVLPG);
	}
	tg_report("tables_read_only", rc);
	tg_report("tables_write_faults", pvabi_write_faults((unsigned long)tables[0], 1));
	tg_report("new_va_unmapped_before", pvabi_read_faults(NEW_VA));
	tg_report("tree_build", tree_build());
	tg_report("pin_l4", pvabi_ext(MMUEXT_PIN_L4_TABLE, frame_of(tables[0]), 0));
	tg_report("new_baseptr", pvabi_ext(MMUEXT_NEW_BASEPTR, frame_of(tables[0]), 0));
	pvabi_cr3 = frame_of(tables[0]);
	tg_report("data_visible", data_visible());
	*(volatile unsigned char *)(NEW_VA + 1) = 0x99;
	tg_report("write_through_new_va", data[0][1] == 0x99);
	tg_report("unmap_l1e", pvabi_mmu(ma(tables[3], 1), 0));
	tg_report("unmapped_faults", pvabi_read_faults(NEW_VA + PAGE));
	tg_report("unmapped_err", (long)pv.last_err);
	tg_report("unmapped_cr2", pv.last_cr2 == NEW_VA + PAGE);
	tg_report("read_only_l1e", pvabi_mmu(ma(tables[3], 2), (frame_of(data[2]) << 12) | 5));
	tg_report("read_only_read", !pvabi_read_faults(NEW_VA + 2 * PAGE));
	tg_report("read_only_write_faults", pvabi_write_faults(NEW_VA + 2 * PAGE, 0));
	tg_report("read_only_err", (long)pv.last_err);
	tg_report("read_only_cr2", pv.last_cr2 == NEW_VA + 2 * PAGE);
	tg_report("map_table_writable", pvabi_mmu(ma(tables[3], 3), (frame_of(tables[3]) << 12) | 7));
	tg_report("map_table_read_only", pvabi_mmu(ma(tables[3], 3), (frame_of(tables[3]) << 12) | 5));
	tg_report("table_through_itself",
		  PTE_FRAME(*(volatile uint64_t *)(NEW_VA + 3 * PAGE)) == frame_of(data[0]));
	tg_report("l3e_to_an_l1", pvabi_mmu(ma(tables[1], 1), (frame_of(tables[3]) << 12) | 7));
	tg_report("unmap_l4e", pvabi_mmu(ma(tables[0], 64), 0));
	tg_report("region_gone", pvabi_read_faults(NEW_VA));
	tg_report("remap_l4e", pvabi_mmu(ma(tables[0], 64), (frame_of(tables[1]) << 12) | 7));
	tg_report("region_back", !pvabi_read_faults(NEW_VA));
	check_ptwr();
	tg_report("unpin_current", pvabi_ext(MMUEXT_UNPIN_TABLE, frame_of(tables[0]), 0));
	tg_report("back_to_boot_tree", pvabi_ext(MMUEXT_NEW_BASEPTR, boot_l4, 0));
	pvabi_cr3 = boot_l4;
	tg_report("new_va_gone", pvabi_read_faults(NEW_VA));
	tg_report("unpin_again", pvabi_ext(MMUEXT_UNPIN_TABLE, frame_of(tables[0]), 0));
	tg_report("tables_writable_again", pvabi_uvm((unsigned long)tables[0],
						     (frame_of(tables[0]) << 12) | 7, 0));
	tg_puts("pvabi_pt done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
