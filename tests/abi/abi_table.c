/*
 * Comparison of two ABI tables as TAP lines.  (Written without tests/tap.h:
 * its diag() has no format attribute, which clang -Wformat=2 rejects.)
 */
#include <stdio.h>
#include <string.h>

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
		printf("#   %s: absent\n", label);
	else if (it->str)
		printf("#   %s: \"%s\"\n", label, it->str);
	else
		printf("#   %s: %lld (%#llx)\n", label, (long long)it->value, it->value);
}

int abi_compare(const struct abi_item *got, size_t ngot, const struct abi_item *want,
		size_t nwant, unsigned int skip_mask, const char *const why[ABI_NR_ORIGINS])
{
	size_t i, n = 0, failed = 0;

	/* Both tables come from abi.def: a mismatch here is a broken build. */
	if (ngot != nwant) {
		printf("not ok 1 - tables have the same length (%zu, %zu)\n1..1\n", ngot, nwant);
		return 1;
	}
	for (i = 0; i < ngot; i++) {
		const struct abi_item *g = &got[i], *w = &want[i];

		if (strcmp(g->key, w->key) != 0) {
			printf("not ok %zu - entry %zu is %s in both tables (other: %s)\n",
			       ++n, i, g->key, w->key);
			failed++;
			break;
		}
		if (skip_mask & (1u << g->origin)) {
			printf("ok %zu - %s # SKIP %s\n", ++n, g->key, why[g->origin]);
			continue;
		}
		if (abi_item_equal(g, w)) {
			printf("ok %zu - %s\n", ++n, g->key);
			continue;
		}
		printf("not ok %zu - %s\n", ++n, g->key);
		abi_item_show("ours", g);
		abi_item_show("want", w);
		failed++;
	}
	printf("1..%zu\n", n);
	return failed ? 1 : 0;
}
