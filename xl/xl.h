/* xl: the xl-compatible command line. Every command is a small function in
 * the cmd_<group>.c file of its group, listed once in cmdtable.def. */
#ifndef VMCTL_XL_H
#define VMCTL_XL_H

#include <stdbool.h>
#include "libvmctl/libvmctl.h"
#include <yajl/yajl_gen.h>

struct xl {
	int verbose;             /* -v */
	bool dry_run;            /* -N */
	bool force;              /* -f */
	struct vmctl *vm;        /* opened on first use by xl_conn() */
};

struct xl_cmd {
	const char *name;
	int (*fn)(struct xl *xl, int argc, char **argv);
	const char *usage;
	const char *help;
};

#define XL_CMD(name, fn, usage, help) int fn(struct xl *xl, int argc, char **argv);
#include "xl/cmdtable.def"
#undef XL_CMD

/* The connection to xld; exits with a message if xld cannot be reached. */
struct vmctl *xl_conn(struct xl *xl);

/* Call a method; on error print "xl: <message>" and return -1. */
int xl_call(struct xl *xl, const char *method, const char *params, yajl_val *result);

/* Print a command's usage to stderr and return 2 (for `return xl_usage(...)`). */
int xl_usage(const char *cmd);

/* Scalar JSON values as text ("" for null/absent). */
const char *xl_json_text(yajl_val v, char *buf, size_t cap);

#endif
