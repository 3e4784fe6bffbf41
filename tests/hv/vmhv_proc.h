/* Test helper: run a private vmhv in a fresh temporary run directory.
 *
 * vmhv_proc_start() spawns `vmhv --foreground --exit-with-parent --rundir DIR
 * --log DIR/vmhv.log`
 * (the binary from $top_builddir, or $VMHV), waits until privcmd answers and
 * returns a connected client. vmhv_proc_stop() sends SIGTERM, reaps it and
 * removes the directory; its exit status is returned. */
#ifndef VMCTL_TESTS_HV_VMHV_PROC_H
#define VMCTL_TESTS_HV_VMHV_PROC_H

#include <sys/types.h>

struct hv;

struct vmhv_proc {
	char dir[64];
	pid_t pid;
	struct hv *hv;
};

/* `extra` is a NULL-terminated list of more vmhv arguments (or NULL). */
int vmhv_proc_start(struct vmhv_proc *p, const char *const *extra);
/* SIGTERM vmhv and reap it, keeping the directory: its exit status
 * (0 = clean, 128+N = killed by signal N) or -errno. */
int vmhv_proc_term(struct vmhv_proc *p);
/* vmhv_proc_term() (if still running), then remove the directory. */
int vmhv_proc_stop(struct vmhv_proc *p);

/* Path of a file in the run directory (static buffer). */
const char *vmhv_proc_path(struct vmhv_proc *p, const char *name);

/* The build tree's path of `rel` (e.g. "hypervisor/vmhv"), static buffer. */
const char *vmhv_proc_build_path(const char *rel);

#endif
