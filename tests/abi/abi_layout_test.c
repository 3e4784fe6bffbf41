/*
 * Our ABI headers against the expected numbers of abi.def (from the
 * reference): every size, offset and constant.
 */
#include "tests/abi/abi_table.h"

int main(void)
{
	static const char *const why[ABI_NR_ORIGINS] = { 0 };

	return abi_compare(abi_ours, abi_ours_count, abi_expected, abi_expected_count, 0, why);
}
