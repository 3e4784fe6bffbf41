/* hello: the first pv guest. Prints what the builder gave it and shuts
 * down; words on its command line choose how:
 *   reboot / crash             shut down with that reason (default poweroff)
 *   suspend                    suspend, print what the call returned, power off
 *   fault                      touch page 0 (no trap table: the domain crashes)
 *   loop                       never stop (for destroy and pause tests)
 *   dirty                      keep writing 4 pages (dirty logging test)
 *   idle                       block forever (no event will come) */
#include "tg.h"

static void report_start_info(start_info_t *si, unsigned long boot_sp)
{
	tg_puts("magic: ");
	tg_puts(si->magic);
	tg_puts("\n");
	tg_report("nr_pages", (long)si->nr_pages);
	tg_puts("cmdline: ");
	tg_puts((const char *)si->cmd_line);
	tg_puts("\n");
	tg_report("start_info_in_flat_map",
		  (unsigned long)si >= 0x40000000ul &&
		  (unsigned long)si < 0x40000000ul + (si->nr_pages << 12));
	tg_report("boot_stack_above_start_info", boot_sp > (unsigned long)si);
}

static void report_version(void)
{
	long v = hypercall2(__HYPERVISOR_xen_version, XENVER_version, 0);

	tg_puts("xen_version: ");
	tg_put_dec(v >> 16);
	tg_puts(".");
	tg_put_dec(v & 0xffff);
	tg_puts("\n");
}

void guest_main(start_info_t *si, unsigned long boot_sp)
{
	const char *cmd = (const char *)si->cmd_line;

	tg_puts("Hello from a vmctl pv guest\n");
	tg_ring_puts(si, "Hello through the console ring\n");
	report_start_info(si, boot_sp);
	report_version();
	if (tg_has_word(cmd, "fault")) {
		/* Through a variable so the compiler cannot see a null store. */
		volatile unsigned long bad = 0x10;

		*(volatile int *)bad = 1;
	}
	if (tg_has_word(cmd, "dirty")) {
		static volatile char pages[4][4096] __attribute__((aligned(4096)));

		tg_report("dirty_pfn", (long)(((unsigned long)pages - 0x40000000ul) >> 12));
		for (unsigned long n = 0;; n++) {
			pages[n % 4][0] = (char)n;
			__asm__ volatile("pause");
		}
	}
	if (tg_has_word(cmd, "idle"))
		for (;;)
			hypercall2(__HYPERVISOR_sched_op, SCHEDOP_block, 0);
	if (tg_has_word(cmd, "loop"))
		for (;;)
			__asm__ volatile("pause");
	if (tg_has_word(cmd, "reboot"))
		tg_shutdown(SHUTDOWN_reboot);
	if (tg_has_word(cmd, "crash"))
		tg_shutdown(SHUTDOWN_crash);
	if (tg_has_word(cmd, "suspend")) {
		struct sched_shutdown s = { .reason = SHUTDOWN_suspend };

		/* Returns 1 if the toolstack cancels (resumes), 0 in a restored copy. */
		tg_report("suspend_returned",
			  hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &s));
	}
	tg_puts("bye\n");
	tg_shutdown(SHUTDOWN_poweroff);
}
