/* pvabi: the PV ABI conformance guest, linked at virtual address 0 (as
 * Xen's Mini-OS is). Checks the builder's boot contract (start_info, the
 * bootstrap page tables and mappings) and the page-table hypercalls
 * (mmu_update, update_va_mapping, mmuext_op, vm_assist) with good and bad
 * arguments; prints "name: value" lines that tests/pvabi/pvabi_test.sh
 * compares with what Xen answers (tests/pvabi/pvabi.expected). Run it with
 * 32 MiB or more so the 4 MiB rounding of the bootstrap area shows. */
#include "pvabi_lib.h"

static unsigned char window[4096] __attribute__((aligned(4096)));
static unsigned char data_page[4096] __attribute__((aligned(4096)));
static unsigned char spare_page[4096] __attribute__((aligned(4096)));
static unsigned char table_page[4096] __attribute__((aligned(4096)));

static unsigned long vb(void)
{
	return (unsigned long)__virt_base;
}

static void check_boot(unsigned long boot_sp)
{
	start_info_t *si = pv.si;
	unsigned long si_pa = (unsigned long)si - vb(), pt_pa = si->pt_base - vb();
	unsigned long stack_pa = pt_pa + si->nr_pt_frames * PAGE;
	unsigned long end = (boot_sp - vb() + (512 << 10) + (4 << 20) - 1) & ~((4ul << 20) - 1);
	volatile uint64_t *e = pvabi_l1e(pvabi_cr3, si->pt_base);
	int ordered = si->mfn_list - vb() < si_pa && si->store_mfn == si_pa / PAGE + 1 &&
		      si->console.domU.mfn == si_pa / PAGE + 2 && pt_pa == si_pa + 3 * PAGE &&
		      boot_sp == vb() + stack_pa + PAGE;
	int p2m_ok = 1;

	tg_report("boot_magic", tg_strcmp(si->magic, "xen-3.0-x86_64") == 0);
	tg_report("boot_flags", si->flags);
	tg_report("boot_shared_info_is_address", (si->shared_info & 4095) == 0 &&
		  si->shared_info >= si->nr_pages * PAGE);
	tg_report("boot_pt_base_aligned", (si->pt_base & 4095) == 0);
	tg_report("boot_nr_pt_frames", si->nr_pt_frames >= 4);
	tg_report("boot_order", ordered);
	for (unsigned long i = 0; i < si->nr_pages; i++)
		p2m_ok &= ((unsigned long *)si->mfn_list)[i] == i;
	tg_report("boot_p2m_identity", p2m_ok);
	tg_report("boot_si_frame", pvabi_l1e(pvabi_cr3, (unsigned long)si) &&
		  PTE_FRAME(*pvabi_l1e(pvabi_cr3, (unsigned long)si)) == si_pa / PAGE);
	tg_report("boot_pt_read_only", e && !(*e & PTE_RW));
	tg_report("boot_pt_write_faults", pvabi_write_faults(si->pt_base, 0));
	tg_report("boot_pt_write_err", (long)pv.last_err);
	tg_report("boot_pt_write_cr2", pv.last_cr2 == si->pt_base);
	tg_report("boot_slack_mapped", !pvabi_read_faults(boot_sp + (512 << 10) - 8));
	tg_report("boot_end_mapped", !pvabi_read_faults(vb() + end - 8));
	tg_report("boot_past_end_faults", pvabi_read_faults(vb() + end));
	tg_report("boot_past_end_err", (long)pv.last_err);
	tg_report("boot_past_end_cr2", pv.last_cr2 == vb() + end);
	tg_report("boot_page0_mapped", !pvabi_read_faults(0));
}

static void check_mmu_update(void)
{
	uint64_t data = pvabi_va_frame(data_page), pt = pvabi_va_frame((void *)pv.si->pt_base);
	uint64_t l1 = (uint64_t)(unsigned long)pvabi_l1e(pvabi_cr3, (unsigned long)window);
	uint64_t l1_ma = (pvabi_va_frame((void *)(l1 & ~4095ul)) << 12) | (l1 & 4095);
	struct mmu_update batch[3] = {
		{ l1_ma, (data << 12) | 7 }, { l1_ma, (1ull << 40) | 7 }, { l1_ma, (data << 12) | 7 },
	};
	unsigned done = 99;

	data_page[0] = 0x5a;
	tg_report("mmu_plain_write", pvabi_mmu((pvabi_va_frame(spare_page) << 12) + 8, 0x1234));
	tg_report("mmu_plain_write_lands", ((volatile uint64_t *)spare_page)[1] == 0x1234);
	tg_report("mmu_l1_update", pvabi_mmu(l1_ma, (data << 12) | 7));
	tg_report("mmu_l1_alias", ((volatile unsigned char *)window)[0] == 0x5a);
	pvabi_mmu(l1_ma, (data << 12) | 7 | PTE_A | PTE_D);
	tg_report("mmu_preserve_ad", pvabi_mmu(l1_ma | MMU_PT_UPDATE_PRESERVE_AD, (data << 12) | 7));
	tg_report("mmu_preserve_ad_bits", (*(volatile uint64_t *)l1 & (PTE_A | PTE_D)) ==
		  (PTE_A | PTE_D));
	tg_report("mmu_bad_frame", pvabi_mmu(l1_ma, (1ull << 40) | 7));
	tg_report("mmu_table_writable", pvabi_mmu(l1_ma, (pt << 12) | 7));
	tg_report("mmu_table_readonly", pvabi_mmu(l1_ma, (pt << 12) | 5));
	tg_report("mmu_table_readonly_alias", *(volatile uint64_t *)window ==
		  *(volatile uint64_t *)pv.si->pt_base);
	tg_report("mmu_xen_l4_slot", pvabi_mmu((pvabi_cr3 << 12) + 256 * 8, (data << 12) | 7));
	tg_report("mmu_batch", hypercall5(__HYPERVISOR_mmu_update, (long)batch, 3, (long)&done,
					  DOMID_SELF, 0));
	tg_report("mmu_batch_done", done);
	tg_report("mmu_bad_cmd", pvabi_mmu(l1_ma | 3, 0));
	tg_report("mmu_misaligned", pvabi_mmu(l1_ma | 4, 0));
	tg_report("mmu_bad_list", hypercall5(__HYPERVISOR_mmu_update, UNMAPPED_VA, 1, 0,
					     DOMID_SELF, 0));
	tg_report("mmu_foreign_refused", hypercall5(__HYPERVISOR_mmu_update, (long)batch, 1, 0,
						    5, 0) < 0);
	tg_report("machphys_update", pvabi_mmu((data << 12) | MMU_MACHPHYS_UPDATE, 1234));
	/* Xen's read-only M2P: reads are emulated, writes fault. */
	tg_report("m2p_read_updated", (long)*(volatile uint64_t *)(MACH2PHYS_VIRT_START + data * 8));
	tg_report("m2p_read_identity", *(volatile uint64_t *)(MACH2PHYS_VIRT_START + pt * 8) == pt);
	tg_report("m2p_write_faults", pvabi_write_faults(MACH2PHYS_VIRT_START + data * 8, 1));
	tg_report("machphys_bad_frame", pvabi_mmu((1ull << 52) | MMU_MACHPHYS_UPDATE, 1));
	pvabi_mmu(l1_ma, (pvabi_va_frame(window) << 12) | 7);
}

static void check_update_va_mapping(void)
{
	unsigned long w = (unsigned long)window;
	uint64_t data = pvabi_va_frame(data_page);
	uint64_t mask = 1;

	data_page[1] = 0xa5;
	tg_report("uvm_map", pvabi_uvm(w, (data << 12) | 7, UVMF_INVLPG));
	tg_report("uvm_alias", ((volatile unsigned char *)window)[1] == 0xa5);
	tg_report("uvm_unmap", pvabi_uvm(w, 0, UVMF_INVLPG));
	tg_report("uvm_unmapped_faults", pvabi_read_faults(w));
	tg_report("uvm_unmapped_err", (long)pv.last_err);
	tg_report("uvm_unmapped_cr2", pv.last_cr2 == w);
	tg_report("uvm_readonly", pvabi_uvm(w, (data << 12) | 5, UVMF_TLB_FLUSH | UVMF_ALL));
	tg_report("uvm_readonly_write_faults", pvabi_write_faults(w, 1));
	tg_report("uvm_readonly_write_err", (long)pv.last_err);
	tg_report("uvm_low_bits_ignored", pvabi_uvm(w + 0x123, (data << 12) | 7, 0));
	tg_report("uvm_flush_mask", pvabi_uvm(w, (data << 12) | 7,
					      UVMF_TLB_FLUSH | (unsigned long)&mask));
	tg_report("uvm_flush_bad_mask", pvabi_uvm(w, (data << 12) | 7,
						  UVMF_INVLPG | UNMAPPED_VA));
	tg_report("uvm_no_l1", pvabi_uvm(UNMAPPED_VA, (data << 12) | 7, 0));
	tg_report("uvm_bad_frame", pvabi_uvm(w, (1ull << 40) | 7, 0));
	tg_report("uvm_otherdomain_self", hypercall5(__HYPERVISOR_update_va_mapping_otherdomain, w,
						     (long)((pvabi_va_frame(window) << 12) | 7), 0,
						     DOMID_SELF, 0));
	tg_report("uvm_own_frame_back", ((volatile unsigned char *)window)[1] == 0);
}

static void check_mmuext(void)
{
	unsigned long t = (unsigned long)table_page;
	uint64_t tf = pvabi_va_frame(table_page), df = pvabi_va_frame(data_page);
	uint64_t pt = pvabi_va_frame((void *)pv.si->pt_base), mask = 1;
	struct mmuext_op batch[3] = { { .cmd = MMUEXT_TLB_FLUSH_LOCAL },
				      { .cmd = MMUEXT_TLB_FLUSH_ALL }, { .cmd = 99 } };
	unsigned done = 99;

	tg_report("pin_writable_l1", pvabi_ext(MMUEXT_PIN_L1_TABLE, tf, 0));
	pvabi_uvm(t, (tf << 12) | 5, UVMF_INVLPG);
	tg_report("pin_l1", pvabi_ext(MMUEXT_PIN_L1_TABLE, tf, 0));
	tg_report("pin_again", pvabi_ext(MMUEXT_PIN_L1_TABLE, tf, 0));
	tg_report("pin_as_l2_too", pvabi_ext(MMUEXT_PIN_L2_TABLE, tf, 0));
	tg_report("map_pinned_writable", pvabi_uvm(t, (tf << 12) | 7, 0));
	tg_report("new_baseptr_l1", pvabi_ext(MMUEXT_NEW_BASEPTR, tf, 0));
	tg_report("new_baseptr_bad_frame", pvabi_ext(MMUEXT_NEW_BASEPTR, 1ull << 40, 0));
	tg_report("new_baseptr_same", pvabi_ext(MMUEXT_NEW_BASEPTR, pvabi_cr3, 0));
	tg_report("unpin", pvabi_ext(MMUEXT_UNPIN_TABLE, tf, 0));
	tg_report("unpin_again", pvabi_ext(MMUEXT_UNPIN_TABLE, tf, 0));
	tg_report("unpin_bad_frame", pvabi_ext(MMUEXT_UNPIN_TABLE, 1ull << 40, 0));
	tg_report("tlb_flush_local", pvabi_ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0));
	tg_report("invlpg_local", pvabi_ext(MMUEXT_INVLPG_LOCAL, t, 0));
	tg_report("tlb_flush_all", pvabi_ext(MMUEXT_TLB_FLUSH_ALL, 0, 0));
	tg_report("invlpg_all", pvabi_ext(MMUEXT_INVLPG_ALL, t, 0));
	tg_report("tlb_flush_multi", pvabi_ext(MMUEXT_TLB_FLUSH_MULTI, 0, (unsigned long)&mask));
	tg_report("invlpg_multi_bad_mask", pvabi_ext(MMUEXT_INVLPG_MULTI, t, UNMAPPED_VA));
	tg_report("flush_cache", pvabi_ext(MMUEXT_FLUSH_CACHE, 0, 0));
	tg_report("set_ldt", pvabi_ext(MMUEXT_SET_LDT, (unsigned long)data_page, 16));
	tg_report("set_ldt_unaligned", pvabi_ext(MMUEXT_SET_LDT, (unsigned long)data_page + 8, 16));
	tg_report("set_ldt_too_big", pvabi_ext(MMUEXT_SET_LDT, (unsigned long)data_page, 8193));
	tg_report("set_ldt_none", pvabi_ext(MMUEXT_SET_LDT, 0, 0));
	data_page[7] = 0x77;
	tg_report("copy_page", pvabi_ext(MMUEXT_COPY_PAGE, pvabi_va_frame(spare_page), df));
	tg_report("copy_page_copied", ((volatile unsigned char *)spare_page)[7] == 0x77);
	tg_report("copy_page_to_table", pvabi_ext(MMUEXT_COPY_PAGE, pt, df));
	tg_report("clear_page", pvabi_ext(MMUEXT_CLEAR_PAGE, pvabi_va_frame(spare_page), 0));
	tg_report("clear_page_cleared", ((volatile unsigned char *)spare_page)[7] == 0);
	tg_report("clear_page_table", pvabi_ext(MMUEXT_CLEAR_PAGE, pt, 0));
	tg_report("new_user_baseptr_none", pvabi_ext(MMUEXT_NEW_USER_BASEPTR, 0, 0));
	tg_report("mmuext_bad_cmd", pvabi_ext(99, 0, 0));
	tg_report("mmuext_batch", hypercall5(__HYPERVISOR_mmuext_op, (long)batch, 3, (long)&done,
					     DOMID_SELF, 0));
	tg_report("mmuext_batch_done", done);
	pvabi_uvm(t, (tf << 12) | 7, 0);
}

static void check_vm_assist(void)
{
	tg_report("vm_assist_enable", hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
						 VMASST_TYPE_writable_pagetables));
	tg_report("vm_assist_disable", hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_disable,
						  VMASST_TYPE_writable_pagetables));
	tg_report("vm_assist_bad_type", hypercall2(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 6));
	tg_report("vm_assist_bad_cmd", hypercall2(__HYPERVISOR_vm_assist, 7,
						  VMASST_TYPE_writable_pagetables));
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	pvabi_init(si);
	tg_report("shared_info_mapped", pv.shared != NULL);
	check_boot(boot_sp);
	check_mmu_update();
	check_update_va_mapping();
	check_mmuext();
	check_vm_assist();
	tg_puts("pvabi done\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
