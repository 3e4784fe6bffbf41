/*
 * Our ABI headers against Xen 4.17's own (Debian's libxen-dev): the same
 * names must have the same sizes, offsets and values.  Items newer than
 * 4.17, vmctl's additions and names 4.17 retired are reported as skipped.
 */
#include "tests/abi/abi_table.h"

int main(void)
{
	static const char *const why[ABI_NR_ORIGINS] = {
		[ABI_NEWER] = "newer than Xen 4.17 (reference section 0)",
		[ABI_OURS] = "vmctl addition, not in Xen's headers",
		[ABI_RETIRED] = "deprecated, no longer defined by Xen 4.17",
	};

	return abi_compare(abi_ours, abi_ours_count, abi_xen, abi_xen_count,
		    			   (1u << ABI_NEWER) | (1u << ABI_OURS) | (1u << ABI_RETIRED), why);
}
