/* A seccomp allow-list as data, for the daemons' sandboxed helpers
 * (vmctl-devmodel, pvfb-vnc).  Each keeps its list in a .def file of
 *   ALLOW(name)              any arguments
 *   ALLOW_NOEXEC(name, arg)  only if argument `arg` (a prot) lacks PROT_EXEC
 *   ALLOW_SELF(name)         only if argument 0 is the caller's own pid
 *   DENY(name, errno)        fails with errno instead of killing
 * and turns it into a table with common/sandbox_rules.inc:
 *
 *   static const struct sandbox_rule rules[] = {
 *   #define SANDBOX_RULES_DEF "pvfb-vnc/sandbox.def"
 *   #include "common/sandbox_rules.inc"
 *   };
 *
 * Not part of libcommon (it needs libseccomp): a program that uses it lists
 * common/sandbox_filter.c in its sources and links $(SECCOMP_LIBS). */
#ifndef VMCTL_COMMON_SANDBOX_FILTER_H
#define VMCTL_COMMON_SANDBOX_FILTER_H

#include <errno.h>   /* the .def files name errno values */
#include <stddef.h>

enum sandbox_rule_kind { SANDBOX_ALLOW, SANDBOX_ALLOW_NOEXEC, SANDBOX_ALLOW_SELF, SANDBOX_DENY };

struct sandbox_rule {
	const char *name;
	enum sandbox_rule_kind kind;
	unsigned arg;            /* SANDBOX_ALLOW_NOEXEC: the prot argument */
	int err;                 /* SANDBOX_DENY */
};

/* Set no_new_privs and load a filter that kills the process on any system
 * call not in `rules` (names unknown on this architecture are skipped).
 * Under ASan, LeakSanitizer's exit check (which needs ptrace) runs first.
 * 0 or -errno, logged. */
int sandbox_filter_load(const struct sandbox_rule *rules, size_t n);

#endif
