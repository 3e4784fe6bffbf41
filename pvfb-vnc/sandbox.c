/* The seccomp filter built from sandbox.def. */
#include "pvfb-vnc/sandbox.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

enum rule_kind { RULE_ALLOW, RULE_NOEXEC, RULE_SELF, RULE_DENY };

static const struct rule {
	const char *name;
	enum rule_kind kind;
	unsigned arg;            /* RULE_NOEXEC: the prot argument */
	int err;                 /* RULE_DENY */
} rules[] = {
#define ALLOW(n) { #n, RULE_ALLOW, 0, 0 },
#define ALLOW_NOEXEC(n, a) { #n, RULE_NOEXEC, a, 0 },
#define ALLOW_SELF(n) { #n, RULE_SELF, 0, 0 },
#define DENY(n, e) { #n, RULE_DENY, 0, e },
#include "pvfb-vnc/sandbox.def"
#undef ALLOW
#undef ALLOW_NOEXEC
#undef ALLOW_SELF
#undef DENY
};

static int rule_add(scmp_filter_ctx ctx, const struct rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);

	if (nr == __NR_SCMP_ERROR)
		return 0; /* not on this architecture */
	switch (r->kind) {
	case RULE_NOEXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	case RULE_SELF:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
					SCMP_CMP(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0));
	case RULE_DENY:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)r->err), nr, 0);
	default:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
}

int sandbox_enter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(rules); i++) {
		rc = rule_add(ctx, &rules[i]);
		if (rc < 0)
			log_error("sandbox: rule for %s: %s", rules[i].name, strerror(-rc));
	}
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (rc < 0)
		log_error("cannot enter the sandbox: %s", strerror(-rc));
	seccomp_release(ctx);
	return rc;
}
