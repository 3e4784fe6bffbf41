#include "hypervisor/engines/pv/pv_seccomp.h"

#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_uproc.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define CLONE_THREAD_FLAGS 0x50f00 /* VM|FS|FILES|SIGHAND|THREAD|SYSVSEM */

/* The allow-list: a system call, and optionally one argument that must
 * compare with a value. Every descriptor the sandbox has is its own
 * (channels, its memory, its userfaultfd), so read/write on any of them
 * is harmless. */
static const struct {
	const char *name;
	int arg;          /* the checked argument, or -1 for none */
	enum scmp_compare op;
	scmp_datum_t value, value2;   /* value2: what a masked compare wants */
} allowed[] = {
	{ "read", 0, SCMP_CMP_LE, PV_FD_MAX, 0 },      /* channel replies */
	{ "write", 0, SCMP_CMP_LE, PV_EVFD_MAX, 0 },   /* channel requests, event sends (PV_RET_EVFD) */
	{ "recvmsg", 0, SCMP_CMP_LE, PV_FD_MAX, 0 },   /* an eventfd vmhv hands over */
	{ "close", -1, 0, 0, 0 },                      /* ... and takes back */
	{ "mmap", 4, SCMP_CMP_EQ, PV_MEM_FD, 0 },      /* update_va_mapping: the memfd only */
	{ "clone", 0, SCMP_CMP_EQ, CLONE_THREAD_FLAGS, 0 }, /* VCPUOP_up: a thread, nothing else */
	{ "gettid", -1, 0, 0, 0 },                     /* a new vCPU thread tells vmhv its id */
	{ "prctl", 0, SCMP_CMP_EQ, 59, 0 },            /* ... sets up syscall user dispatch */
	{ "sigaltstack", -1, 0, 0, 0 },                /* ... and sets its signal stack */
	{ "munmap", -1, 0, 0, 0 },                     /* the guest unmapping its own pages */
	{ "mprotect", 0, SCMP_CMP_LT, PV_PHYSMAP_END, 0 }, /* user mode: guest pages, physmap */
	{ "pkey_mprotect", 0, SCMP_CMP_LT, PV_GUEST_VA_TOP, 0 }, /* user mode: kernel pages' key */
	{ "rt_sigreturn", -1, 0, 0, 0 },               /* upcalls and traps return through it */
	{ "sched_yield", -1, 0, 0, 0 },                /* SCHEDOP_yield */
	{ "futex", -1, 0, 0, 0 },                      /* waiting on shared memory */
	{ "read", 0, SCMP_CMP_EQ, PV_UPROC_SOCK_FD, 0 }, /* the user process's mapper */
	{ "write", 0, SCMP_CMP_EQ, PV_UPROC_SOCK_FD, 0 },
	{ "pidfd_send_signal", 0, SCMP_CMP_EQ, PV_UPROC_PIDFD, 0 }, /* stop its user code */
	{ "dup3", 1, SCMP_CMP_EQ, PV_UPROC_SOCK_FD, 0 }, /* its three fds from vmhv ... */
	{ "dup3", 1, SCMP_CMP_EQ, PV_UPROC_CTL_FD, 0 },
	{ "dup3", 1, SCMP_CMP_EQ, PV_UPROC_PIDFD, 0 },   /* ... to their numbers */
	{ "mmap", 4, SCMP_CMP_EQ, PV_UPROC_CTL_FD, 0 },  /* ... and its control memory */
	{ "exit", -1, 0, 0, 0 },
	{ "exit_group", -1, 0, 0, 0 },
};

/* set_debugreg (sandbox/desc.c): a breakpoint event of the calling
 * thread only (pid 0, any CPU, no group, close-on-exec). The attr is in
 * memory the filter cannot read: any user-space-only event of the thread
 * could be opened, which perf_event_paranoid 2 lets any process do. */
static int perf_rule_add(scmp_filter_ctx ctx)
{
	/* Designated initializers: libseccomp's SCMP_An() macros leave
	 * datum_b out, which clang's -Wmissing-field-initializers rejects. */
	const struct scmp_arg_cmp cmp[] = {
		{ .arg = 1, .op = SCMP_CMP_EQ, .datum_a = 0 },
		{ .arg = 2, .op = SCMP_CMP_MASKED_EQ,
		  .datum_a = 0xffffffffu, .datum_b = 0xffffffffu },
		{ .arg = 3, .op = SCMP_CMP_MASKED_EQ,
		  .datum_a = 0xffffffffu, .datum_b = 0xffffffffu },
		{ .arg = 4, .op = SCMP_CMP_EQ, .datum_a = PERF_FLAG_FD_CLOEXEC },
	};

	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(perf_event_open),
				      sizeof(cmp) / sizeof(cmp[0]), cmp);
}

static int rules_add(scmp_filter_ctx ctx)
{
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i].name);
		int rc;

		if (nr == __NR_SCMP_ERROR)
			return -EINVAL;
		struct scmp_arg_cmp cmp = {
			.arg = (unsigned)allowed[i].arg, .op = allowed[i].op,
			.datum_a = allowed[i].value, .datum_b = allowed[i].value2,
		};

		if (allowed[i].arg < 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		else
			rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* libseccomp writes the program to an fd; read it back from a memfd. */
static int export_raw(scmp_filter_ctx ctx, void **bpf, size_t *bytes)
{
	int fd = memfd_create("pv-seccomp", MFD_CLOEXEC);
	off_t len;
	int rc = 0;

	if (fd < 0)
		return -errno;
	rc = seccomp_export_bpf(ctx, fd);
	len = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc == 0 && len <= 0)
		rc = -EIO;
	if (rc == 0) {
		*bpf = malloc((size_t)len);
		*bytes = (size_t)len;
		if (!*bpf || pread(fd, *bpf, (size_t)len, 0) != len)
			rc = -EIO;
	}
	close(fd);
	return rc;
}

static int export_bpf(scmp_filter_ctx ctx, struct pv_seccomp *f)
{
	return export_raw(ctx, &f->bpf, &f->len);
}

/* The user process's runners: only what the runner needs; every other
 * call (any architecture) traps, and the runner reports it to the
 * sandbox as the user program's system call. No rt_sigreturn and no
 * blocking of signals: user code cannot stop its own preemption. */
static int runner_rules(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp wait = { .arg = 1, .op = SCMP_CMP_MASKED_EQ,
					   .datum_a = 0x7f, .datum_b = 0 };  /* FUTEX_WAIT */
	const struct scmp_arg_cmp wake = { .arg = 1, .op = SCMP_CMP_MASKED_EQ,
					   .datum_a = 0x7f, .datum_b = 1 };  /* FUTEX_WAKE */
	const struct scmp_arg_cmp unblock = { .arg = 0, .op = SCMP_CMP_EQ, .datum_a = 1 };
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP);

	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1, &wait);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(futex), 1, &wake);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigprocmask), 1,
					    &unblock);
	return rc;
}

/* The mapper: its socket, mappings of the guest's memory in the guest's
 * part of the address space, and its end. */
static int mapper_rules(scmp_filter_ctx ctx)
{
	const struct scmp_arg_cmp sock = { .arg = 0, .op = SCMP_CMP_EQ,
					   .datum_a = PV_UPROC_U_SOCK };
	const struct scmp_arg_cmp map[] = {
		{ .arg = 0, .op = SCMP_CMP_LT, .datum_a = PV_GUEST_VA_TOP },
		{ .arg = 4, .op = SCMP_CMP_EQ, .datum_a = PV_UPROC_U_MEM },
	};
	const struct scmp_arg_cmp below = { .arg = 0, .op = SCMP_CMP_LT,
					    .datum_a = PV_GUEST_VA_TOP };
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);

	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(read), 1, &sock);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, &sock);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2, map);
	if (rc == 0)
		rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(munmap), 1, &below);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
	return rc;
}

static int build_one(uint32_t dflt, int (*rules)(scmp_filter_ctx), void **bpf, size_t *len)
{
	scmp_filter_ctx ctx = seccomp_init(dflt);
	int rc;

	if (!ctx)
		return -ENOMEM;
	rc = rules(ctx);
	if (rc == 0)
		rc = export_raw(ctx, bpf, len);
	seccomp_release(ctx);
	return rc;
}

int pv_seccomp_build(struct pv_seccomp *f)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int rc;

	*f = (struct pv_seccomp){ 0 };
	if (!ctx)
		return -ENOMEM;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = rules_add(ctx);
	if (rc == 0)
		rc = perf_rule_add(ctx);
	if (rc == 0)
		rc = export_bpf(ctx, f);
	seccomp_release(ctx);
	if (rc == 0)
		rc = build_one(SCMP_ACT_TRAP, runner_rules, &f->runner_bpf, &f->runner_len);
	if (rc == 0)
		rc = build_one(SCMP_ACT_KILL_PROCESS, mapper_rules, &f->mapper_bpf, &f->mapper_len);
	if (rc < 0)
		pv_seccomp_dispose(f);
	return rc;
}

void pv_seccomp_dispose(struct pv_seccomp *f)
{
	free(f->bpf);
	free(f->runner_bpf);
	free(f->mapper_bpf);
	*f = (struct pv_seccomp){ 0 };
}
