/* The pv sandbox's system-call filter, built once by vmhv with libseccomp
 * and sent to each sandbox, which installs it after dropping privileges.
 *
 * Allowed: what the sandbox itself needs on a running guest and nothing
 * more (the table in pv_seccomp.c, listed in docs/pv-engine.md). Every
 * other x86-64 system call traps (SIGSYS) into the sandbox, which treats a
 * guest's raw `syscall` as a hypercall, as a PV kernel's `syscall` is on
 * Xen. Any other architecture (`int $0x80` is a live i386 system call in a
 * 64-bit process) kills the process. */
#ifndef VMHV_PV_SECCOMP_H
#define VMHV_PV_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

struct pv_seccomp {
	void *bpf;        /* struct sock_filter[] */
	size_t len;       /* bytes */
};

/* Build the filter. 0 or -errno. */
int pv_seccomp_build(struct pv_seccomp *f);
void pv_seccomp_dispose(struct pv_seccomp *f);

#endif
