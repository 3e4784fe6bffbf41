#include "common/sandbox_filter.h"
#include "common/log.h"

#include <errno.h>
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
static void before_filter(void)
{
	__lsan_do_leak_check();
}
#else
static void before_filter(void)
{
}
#endif

static int rule_add(scmp_filter_ctx ctx, const struct sandbox_rule *r)
{
	int nr = seccomp_syscall_resolve_name(r->name);
	struct scmp_arg_cmp cmp;

	if (nr == __NR_SCMP_ERROR)
		return 0;   /* not on this architecture */
	switch (r->kind) {
	case SANDBOX_DENY:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)r->err), nr, 0);
	case SANDBOX_ALLOW_NOEXEC:
		cmp = SCMP_CMP(r->arg, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
		break;
	case SANDBOX_ALLOW_SELF:
		cmp = SCMP_CMP(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
		break;
	default:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
}

int sandbox_filter_load(const struct sandbox_rule *rules, size_t n)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = rule_add(ctx, &rules[i]);
		if (rc < 0)
			log_error("sandbox: rule for %s: %s", rules[i].name, strerror(-rc));
	}
	if (rc == 0)
		before_filter();
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
