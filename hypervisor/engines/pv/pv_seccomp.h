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
	/* The user process's (pv_uproc.h): its runner threads' (futex
	 * wait/wake and unblocking signals; any other call traps, which is
	 * a system call of the guest's user program) and its mapper's (the
	 * socket to the sandbox, mmap of the guest's memory below
	 * PV_GUEST_VA_TOP, munmap there; anything else kills). */
	void *runner_bpf, *mapper_bpf;
	size_t runner_len, mapper_len;
};

/* Build the filters. 0 or -errno. */
int pv_seccomp_build(struct pv_seccomp *f);
void pv_seccomp_dispose(struct pv_seccomp *f);

#endif
