/* Comparison of two ABI tables as TAP lines. */
#include <stdio.h>
#include <string.h>

#include "tests/tap.h"
#include "tests/abi/abi_table.h"

static int abi_item_equal(const struct abi_item *a, const struct abi_item *b)
{
	if (!a->measured || !b->measured)
		return 0;
	if (a->str || b->str)
		return a->str && b->str && strcmp(a->str, b->str) == 0;
	return a->value == b->value;
}

static void abi_item_show(const char *label, const struct abi_item *it)
{
	if (!it->measured)
		diag("  %s: absent", label);
	else if (it->str)
		diag("  %s: \"%s\"", label, it->str);
	else
		diag("  %s: %lld (%#llx)", label, (long long)it->value, it->value);
}

int abi_compare(const struct abi_item *got, size_t ngot, const struct abi_item *want,
		size_t nwant, unsigned int skip_mask, const char *const why[ABI_NR_ORIGINS])
{
	size_t i;

	/* Both tables come from abi.def: a mismatch here is a broken build. */
	if (!ok(ngot == nwant, "tables have the same length (%zu, %zu)", ngot, nwant))
		return tap_done();
	for (i = 0; i < ngot; i++) {
		const struct abi_item *g = &got[i], *w = &want[i];

		if (strcmp(g->key, w->key) != 0) {
			ok(0, "entry %zu is %s in both tables (other: %s)", i, g->key, w->key);
			return tap_done();
		}
		if (skip_mask & (1u << g->origin)) {
			printf("ok %d - %s # SKIP %s\n", ++tap_count, g->key, why[g->origin]);
			continue;
		}
		if (!ok(abi_item_equal(g, w), "%s", g->key)) {
			abi_item_show("ours", g);
			abi_item_show("want", w);
		}
	}
	return tap_done();
}
