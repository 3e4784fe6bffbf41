/* Guest user mode in a process of its own (vmhv-pv-user, "U"): the
 * contract between vmhv, the sandbox (vmhv-pv, "K") and U.
 *
 * U maps nothing of the guest but what the guest's user tables map, so a
 * user program that executes WRPKRU (or anything else) reaches only its
 * own pages. U is spawned only when the guest first enters user mode
 * (most kernels never do): K sends PV_NR_UPROC on its channel, vmhv
 * spawns U with
 *   U fd 3: a SEQPACKET socket to K (U's mapper thread only),
 *   U fd 4: the domain's memfd (PV_MEM_FD; mmap by the mapper only),
 *   U fd 5: the control memfd (laid out below),
 * and answers with a struct pv_uproc_answer carrying the other socket
 * end, the control memfd and U's pidfd (SCM_RIGHTS, in that order), which
 * K moves to PV_UPROC_SOCK_FD, _CTL_FD and _PIDFD. The control memfd: a part U maps read-only (written by
 * vmhv and K: U's filters, the mapper's records, each vCPU's "go") and a
 * part U writes (each vCPU's "exit").
 *
 * U's threads: one runner per vCPU, which runs that vCPU's user code
 * behind a filter that allows only futex wait/wake and unblocking
 * signals; and the mapper (its main thread), which alone may mmap the
 * memfd, takes its records only from the read-only part and reports only
 * over the socket, which the runners cannot use. User code can scribble
 * on U's writable memory, which only changes what it tells K about itself
 * (its own registers).
 *
 * A round trip: K writes the vCPU's registers, FS/GS bases and FPU state
 * into its go slot, bumps go.seq and wakes it (futex); the runner loads
 * them and irets to the user code. Every way out of user code is a
 * signal (seccomp's SIGSYS for a `syscall`, a fault, or K's preemption
 * signal PV_UPROC_SIG(v) when an event is due): the runner's handler
 * writes the registers, the FPU state and the reason into the exit slot,
 * bumps exit.seq and wakes K, which enters the guest kernel as before. */
#ifndef VMHV_PV_UPROC_H
#define VMHV_PV_UPROC_H

/* K's descriptors (above PV_EVFD_MAX: the eventfds land below). */
#define PV_UPROC_SOCK_FD 100
#define PV_UPROC_CTL_FD 101
#define PV_UPROC_PIDFD 102
/* U's descriptors. */
#define PV_UPROC_U_SOCK 3
#define PV_UPROC_U_MEM 4
#define PV_UPROC_U_CTL 5

/* K stops vCPU v's user code with this (real-time) signal. */
#define PV_UPROC_SIG(v) (32 + (int)(v))
#define PV_UPROC_MAX_VCPUS 32   /* 32..63: every vCPU has its own */

#define PV_UPROC_MAGIC 0x75707276u /* "vrpu" */
/* K -> vmhv on a vCPU's channel (a struct pv_hcall_req with this nr):
 * spawn U now. */
#define PV_NR_UPROC 0xfffbu

#ifndef __ASSEMBLER__
#include <stdint.h>

struct pv_uproc_hdr {
	uint32_t magic, nr_vcpus;
	uint32_t uid, gid;                   /* U drops to these */
	uint32_t runner_filter_len, mapper_filter_len;
	uint32_t map_n;                      /* records of the current batch */
	uint32_t xsave;                      /* 1: FPU state travels (XSAVE) */
};

/* vmhv -> K, the answer: rc 0 with the two descriptors, or -errno. */
struct pv_uproc_answer {
	uint32_t magic;                      /* PV_UPROC_MAGIC */
	int32_t rc;
};
#endif

/* A mapper record: op 1 = mmap(va, len, prot, MAP_SHARED|MAP_FIXED,
 * memfd, off), op 2 = munmap(va, len). */
#ifndef __ASSEMBLER__
struct pv_umap {
	uint32_t op, prot;
	uint64_t va, len, off;
};
#endif
#define PV_UMAP_MMAP 1
#define PV_UMAP_MUNMAP 2

/* The XSAVE area that travels: x87, SSE and AVX (XCR0 bits 0-2). */
#define PV_UPROC_XSAVE_BYTES 832
#define PV_UPROC_XSAVE_MASK 7

/* K -> runner (read-only to U). gpr[] is in the runner's pop order, then
 * the iretq frame. */
#define PV_UGO_SEQ 1024
#define PV_UGO_GPR 1048
#ifndef __ASSEMBLER__
struct pv_ugo {
	uint8_t xsave[1024];                 /* 64-byte aligned */
	uint32_t seq, pad;
	uint64_t fs_base, gs_base;
	uint64_t gpr[15];   /* r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax */
	uint64_t iret[5];   /* rip cs rflags rsp ss */
	uint8_t pad2[2048 - 1024 - 8 - 16 - 120 - 40];
};
_Static_assert(__builtin_offsetof(struct pv_ugo, seq) == PV_UGO_SEQ, "");
_Static_assert(__builtin_offsetof(struct pv_ugo, gpr) == PV_UGO_GPR, "");
_Static_assert(sizeof(struct pv_ugo) == 2048, "");
#endif

#ifndef __ASSEMBLER__
/* Why user code stopped. */
enum {
	PV_UEXIT_SYSCALL = 1,   /* a `syscall`: regs.rax is its number */
	PV_UEXIT_FAULT,         /* vec, err, cr2 as the host reported them */
	PV_UEXIT_PREEMPT,       /* K asked (an event is due) */
	PV_UEXIT_INT80,         /* `int $0x80` (a 32-bit system call) */
};

/* runner -> K (U writes it: untrusted, K checks what it uses). */
struct pv_uexit {
	uint8_t xsave[1024];                 /* 64-byte aligned */
	uint32_t seq, reason;
	uint64_t vec, err, cr2, fs_base, gs_base;
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags;
	uint8_t pad2[2048 - 1024 - 8 - 40 - 144];
};
_Static_assert(sizeof(struct pv_uexit) == 2048, "");
#endif

/* The control memfd. */
#define PV_UPROC_RUNNER_FILTER 0x1000ul
#define PV_UPROC_MAPPER_FILTER 0x3000ul
#define PV_UPROC_FILTER_MAX 0x2000ul
#define PV_UPROC_MAPS 0x5000
#define PV_UPROC_MAX_MAPS 2048
#define PV_UPROC_GO 0x15000ul
#define PV_UPROC_RO_BYTES 0x25000ul          /* U maps [0, here) read-only */
#define PV_UPROC_EXIT PV_UPROC_RO_BYTES
#define PV_UPROC_CTL_BYTES (PV_UPROC_EXIT + 2048ul * PV_UPROC_MAX_VCPUS)
#ifndef __ASSEMBLER__
_Static_assert(PV_UPROC_MAPS + sizeof(struct pv_umap) * PV_UPROC_MAX_MAPS <= PV_UPROC_GO, "");
_Static_assert(PV_UPROC_GO + sizeof(struct pv_ugo) * PV_UPROC_MAX_VCPUS <= PV_UPROC_RO_BYTES,
	       "");
#endif

#endif
