/* The expected numbers of abi.def, with no header involved. */
#include "tests/abi/abi_table.h"

#define ABI_SIZE(t, n)        ABI_ITEM(ABI_IN_XEN, "sizeof(" #t ")", n)
#define ABI_OFFSET(t, f, n)   ABI_ITEM(ABI_IN_XEN, "offsetof(" #t ", " #f ")", n)
#define ABI_CONST(c, n)       ABI_ITEM(ABI_IN_XEN, #c, n)
#define ABI_STR(c, s)         ABI_ITEM_STR(ABI_IN_XEN, #c, s)
#define NEWER_SIZE(t, n)      ABI_ITEM(ABI_NEWER, "sizeof(" #t ")", n)
#define NEWER_OFFSET(t, f, n) ABI_ITEM(ABI_NEWER, "offsetof(" #t ", " #f ")", n)
#define NEWER_CONST(c, n)     ABI_ITEM(ABI_NEWER, #c, n)
#define OURS_SIZE(t, n)       ABI_ITEM(ABI_OURS, "sizeof(" #t ")", n)
#define OURS_OFFSET(t, f, n)  ABI_ITEM(ABI_OURS, "offsetof(" #t ", " #f ")", n)
#define OURS_CONST(c, n)      ABI_ITEM(ABI_OURS, #c, n)
#define OURS_STR(c, s)        ABI_ITEM_STR(ABI_OURS, #c, s)
#define RETIRED_CONST(c, n)   ABI_ITEM(ABI_RETIRED, #c, n)

const struct abi_item abi_expected[] = {
#include "tests/abi/abi.def"
};
const size_t abi_expected_count = sizeof(abi_expected) / sizeof(abi_expected[0]);
