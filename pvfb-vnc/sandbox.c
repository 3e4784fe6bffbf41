/* The seccomp filter built from sandbox.def. */
#include "pvfb-vnc/sandbox.h"
#include "common/sandbox_filter.h"
#include "common/util.h"

static const struct sandbox_rule rules[] = {
#define SANDBOX_RULES_DEF "pvfb-vnc/sandbox.def"
#include "common/sandbox_rules.inc"
};

int sandbox_enter(void)
{
	return sandbox_filter_load(rules, ARRAY_SIZE(rules));
}
