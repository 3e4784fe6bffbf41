/* The seccomp filter is data (sandbox.def): one rule per system call. */
#include "devmodel/sandbox.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <grp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
/* LeakSanitizer's check at exit stops the world with clone and ptrace,
 * which the filter forbids: check for leaks of the set-up now instead. */
static void sandbox_sanitizers(void)
{
	__lsan_do_leak_check();
}
#else
static void sandbox_sanitizers(void)
{
}
#endif

enum rule_kind { RULE_ALLOW, RULE_NOEXEC, RULE_SELF, RULE_DENY };

static const struct sandbox_rule {
	const char *name;
	enum rule_kind kind;
	unsigned arg;
	int err;
} sandbox_rules[] = {
#define ALLOW(n) { #n, RULE_ALLOW, 0, 0 },
#define ALLOW_NOEXEC(n, a) { #n, RULE_NOEXEC, a, 0 },
#define ALLOW_SELF(n) { #n, RULE_SELF, 0, 0 },
#define DENY(n, e) { #n, RULE_DENY, 0, e },
#include "devmodel/sandbox.def"
#undef ALLOW
#undef ALLOW_NOEXEC
#undef ALLOW_SELF
#undef DENY
};

static int sandbox_rule_add(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);
	struct scmp_arg_cmp cmp;

	if (nr == __NR_SCMP_ERROR)
		return 0;   /* not on this architecture */
	if (r->kind == RULE_DENY)
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)r->err), nr, 0);
	if (r->kind == RULE_ALLOW)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	if (r->kind == RULE_NOEXEC)
		cmp = SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	else
		cmp = SCMP_CMP(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
}

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
	scmp_filter_ctx ctx = NULL;
	int rc = sandbox_drop_ids(uid, gid);

	if (rc == 0 && !(ctx = seccomp_init(SCMP_ACT_KILL_PROCESS)))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(sandbox_rules); i++)
		rc = sandbox_rule_add(ctx, &sandbox_rules[i]);
	if (rc == 0)
		sandbox_sanitizers();
	if (rc == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		rc = -errno;
	if (rc == 0)
		rc = seccomp_load(ctx);
	if (rc < 0)
		log_error("cannot enter the sandbox: %s", strerror(-rc));
	if (ctx)
		seccomp_release(ctx);
	return rc;
}
