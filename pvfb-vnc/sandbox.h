/* pvfb-vnc's sandbox, entered once start-up is done (log open, sockets to
 * xenstored and vmhv connected, the VNC port bound, the guest's memory file
 * received): no new privileges, and a seccomp filter that allows only the
 * calls in sandbox.def. The file system and new sockets are refused with an
 * error; anything not listed (exec, fork, ptrace, ...) kills the process,
 * and xld's supervision starts a fresh one. */
#ifndef VMCTL_PVFB_VNC_SANDBOX_H
#define VMCTL_PVFB_VNC_SANDBOX_H

/* 0 or -errno (logged). */
int sandbox_enter(void);

#endif
