/* The device model's confinement after set-up: an unprivileged uid and a
 * seccomp allow-list (sandbox.def). */
#ifndef VMCTL_DEVMODEL_SANDBOX_H
#define VMCTL_DEVMODEL_SANDBOX_H

#include <sys/types.h>

/* As root, drop to uid/gid (no supplementary groups); as anyone else keep
 * the ids. Then no_new_privs and the filter. 0 or -errno. */
int sandbox_enter(uid_t uid, gid_t gid);

#endif
