/*
 * A flat table of ABI facts (sizes, offsets, constant values), filled from
 * abi.def by three translation units that must not see each other's
 * headers: our expected numbers, our headers, Xen's headers.
 */
#ifndef VMCTL_TESTS_ABI_TABLE_H
#define VMCTL_TESTS_ABI_TABLE_H

#include <stddef.h>

enum abi_origin {
	ABI_IN_XEN,	/* also in Xen 4.17's public headers */
	ABI_NEWER,	/* newer than Xen 4.17 */
	ABI_OURS,	/* vmctl's own addition */
	ABI_RETIRED,	/* no longer defined by Xen 4.17 */
	ABI_NR_ORIGINS
};

struct abi_item {
	const char *key;		/* "sizeof(struct x)", "offsetof(...)", "NAME" */
	enum abi_origin origin;
	int measured;			/* 0: not available in this table */
	unsigned long long value;
	const char *str;		/* string constants; NULL otherwise */
};

extern const struct abi_item abi_expected[];
extern const struct abi_item abi_ours[];
extern const struct abi_item abi_xen[];
extern const size_t abi_expected_count, abi_ours_count, abi_xen_count;

/*
 * Print one TAP line per item comparing `got` with `want` (same order);
 * items whose origin is in skip_mask (1 << origin) are reported as skipped
 * with `why[origin]`.  Ends the TAP stream (plan line); returns the test's
 * exit status.
 */
int abi_compare(const struct abi_item *got, size_t ngot, const struct abi_item *want,
		size_t nwant, unsigned int skip_mask, const char *const why[ABI_NR_ORIGINS]);

/*
 * Table-filling helpers for abi.def.  Each TU's ABI_CONST etc. must build
 * the key itself (with #), from the unexpanded argument, so that the key
 * spells a constant's name and not its value.
 */
#define ABI_ITEM(origin, key, v)     { key, origin, 1, (unsigned long long)(v), NULL },
#define ABI_ITEM_STR(origin, key, s) { key, origin, 1, 0, s },
#define ABI_ITEM_ABSENT(origin, key) { key, origin, 0, 0, NULL },

#endif
