/* The seccomp filter is data (sandbox.def): one rule per system call. */
#include "devmodel/sandbox.h"

#include "common/log.h"
#include "common/sandbox_filter.h"
#include "common/util.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

static const struct sandbox_rule sandbox_rules[] = {
#define SANDBOX_RULES_DEF "devmodel/sandbox.def"
#include "common/sandbox_rules.inc"
};

static int sandbox_drop_ids(uid_t uid, gid_t gid)
{
	if (geteuid() != 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	return 0;
}

int sandbox_enter(uid_t uid, gid_t gid)
{
	int rc = sandbox_drop_ids(uid, gid);

	if (rc < 0) {
		log_error("cannot enter the sandbox: %s", strerror(-rc));
		return rc;
	}
	return sandbox_filter_load(sandbox_rules, ARRAY_SIZE(sandbox_rules));
}
