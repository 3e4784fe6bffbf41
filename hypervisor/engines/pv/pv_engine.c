/* The pv engine's side in vmhv: spawning the sandbox, serving its channel,
 * pausing, and reaping it. */
#include "hypervisor/engines/pv/pv_engine.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_dirty.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/engines/pv/pv_uproc.h"
#include "hypervisor/gnttab.h"
#include "hypervisor/host.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/reaper.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static void pv_cpu_sample(struct pv_domain *pv)
{
	struct timespec ts;

	if (pv->pid > 0 && clock_gettime(pv->cpu_clock, &ts) == 0)
		pv->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (pv->upid > 0 && clock_gettime(pv->ucpu_clock, &ts) == 0)
		pv->ucpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Kill the process (if any) and hand it to a reaper. */
static void uproc_end(struct pv_domain *pv);

static void pv_process_end(struct pv_domain *pv)
{
	struct evloop *loop = pv->d->hv->loop;

	uproc_end(pv);
	pv_channels_close(pv);
	pv_dirty_disable(&pv->dirty);
	if (pv->pidfd < 0)
		return;
	pv_cpu_sample(pv);
	if (pv->pid_w)
		evloop_unwatch(loop, pv->pid_w);
	pv->pid_w = NULL;
	pidfd_signal(pv->pidfd, SIGKILL);
	reaper_add(pv->d->hv, pv->pidfd);
	pv->pidfd = -1;
	pv->pid = -1;
}

/* No user process now: its CPU time stays the domain's. */
static void uproc_forget(struct pv_domain *pv)
{
	pv->ucpu_past_ns += pv->ucpu_ns;
	pv->ucpu_ns = 0;
	pv->upidfd = -1;
	pv->upid = 0;
}

/* The user process goes with the sandbox. */
static void uproc_end(struct pv_domain *pv)
{
	if (pv->usock >= 0)
		close(pv->usock);
	if (pv->uctl >= 0)
		close(pv->uctl);
	pv->usock = pv->uctl = -1;
	if (pv->upid_w)
		evloop_unwatch(pv->d->hv->loop, pv->upid_w);
	pv->upid_w = NULL;
	if (pv->upidfd >= 0) {
		pv_cpu_sample(pv);
		pidfd_signal(pv->upidfd, SIGKILL);
		reaper_add(pv->d->hv, pv->upidfd);
	}
	uproc_forget(pv);
}

static const char *exit_reason(const siginfo_t *si, char *buf, size_t len)
{
	if (si->si_code == CLD_EXITED)
		snprintf(buf, len, "sandbox exited with status %d", si->si_status);
	else
		snprintf(buf, len, "sandbox killed by signal %d (%s)", si->si_status,
			 strsignal(si->si_status));
	return buf;
}

/* The process ended by itself: a guest that did not shut down crashed. The
 * sandbox sends its crash report and exits at once, and epoll may hand us
 * the exit first: the report still waiting in its channel is read before
 * the channels close, so dmesg says why (its crash ends the domain). */
static void pv_exited(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct pv_domain *pv = arg;
	struct domain *d = pv->d;
	siginfo_t si;
	char why[96];

	memset(&si, 0, sizeof(si));
	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	evloop_unwatch(loop, pv->pid_w);
	pv->pid_w = NULL;
	close(pv->pidfd);
	pv->pidfd = -1;
	pv->pid = -1;
	pv_channels_drain(pv);
	if (d->shutdown && !d->suspended)
		return;
	pv_channels_close(pv);
	domain_crash(d, exit_reason(&si, why, sizeof(why)));
}

static int spawn_attrs(posix_spawnattr_t *attr)
{
	sigset_t none, all;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(attr);
	posix_spawnattr_setsigmask(attr, &none);
	posix_spawnattr_setsigdefault(attr, &all);
	return posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETSID);
}

/* The child gets exactly its channels and the memory, at the numbers
 * pv_abi.h gives. */
static int spawn_files(posix_spawn_file_actions_t *fa, const int *chan, uint32_t n, int mem)
{
	posix_spawn_file_actions_init(fa);
	for (uint32_t v = 0; v < n; v++)
		posix_spawn_file_actions_adddup2(fa, chan[v], PV_CHAN_FD_OF(v));
	posix_spawn_file_actions_adddup2(fa, mem, PV_MEM_FD);
	for (int fd = 0; fd < PV_CHAN_FD; fd++)
		posix_spawn_file_actions_addclose(fa, fd);
	posix_spawn_file_actions_addclose(fa, 5); /* the sandbox's userfaultfd goes there */
	return posix_spawn_file_actions_addclosefrom_np(fa, PV_CHAN_FD_OF(n > 1 ? n - 1 : 1) + 1);
}

static void fds_close(int *fds, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* Sources of the children's descriptors are first moved here, above every
 * number a child gets, so that no dup2 clobbers another's source. */
#define SPAWN_HIGH_FD 256

/* posix_spawn the sandbox with the sandbox ends of the channels. */
static int pv_spawn(struct pv_domain *pv, const int *child)
{
	struct vmhv *hv = pv->d->hv;
	uint32_t n = pv->d->max_vcpus;
	char *const argv[] = { (char *)"vmhv-pv", NULL };
	char *const envp[] = { NULL };
	int high[PRIVCMD_MAX_VCPUS + 1];
	uint32_t nfd = n + 1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int r = 0;

	for (uint32_t i = 0; i < nfd; i++) {
		int src = i < n ? child[i] : pv->d->mem.fd;

		high[i] = fcntl(src, F_DUPFD_CLOEXEC, SPAWN_HIGH_FD);
		if (high[i] < 0 && !r)
			r = errno;
	}
	if (r == 0) {
		spawn_attrs(&attr);
		spawn_files(&fa, high, n, high[n]);
		r = posix_spawn(&pv->pid, hv->cfg.loader, &fa, &attr, argv, envp);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	fds_close(high, nfd);
	return -r;
}

/* How guest user mode is kept out of its kernel (docs/pv-engine.md, "User
 * mode"): by default in a process of its own (PV_BOOT_UPROC, a domain with
 * page tables: only those have a user mode; spawned at the first entry). VMCTL_PV_USER=keys (opt-in:
 * a user program that executes WRPKRU reaches its kernel) runs it in the
 * sandbox behind memory protection keys, =mprotect (or the older
 * VMCTL_PV_PKEYS=0) behind mprotect; keys need Linux 6.12, which writes a
 * signal frame with the interrupted code's key rights (the sandbox's
 * signal stack is keyed), and the CPU's PKU (the sandbox finds out). */
static uint32_t pv_boot_flags(const struct pv_domain *pv)
{
	const char *env = getenv("VMCTL_PV_USER"), *pk = getenv("VMCTL_PV_PKEYS");
	struct utsname u;
	unsigned major = 0, minor = 0;

	if (!env || (strcmp(env, "keys") != 0 && strcmp(env, "mprotect") != 0))
		return pv->has_cr3 ? PV_BOOT_UPROC : 0;
	if (strcmp(env, "mprotect") == 0 || (pk && strcmp(pk, "0") == 0))
		return 0;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major > 6 || (major == 6 && minor >= 12) ? PV_BOOT_PKEYS : 0;
}

/* Halt polling (shim.c): how long a SCHEDOP_block may look for an upcall
 * before it sleeps, in us: VMCTL_HALT_POLL_US in vmhv's environment, 0 =
 * never (the block sleeps at once), at most 1000. Off by default: on the
 * loaded 2-CPU host it was measured on, the looking vCPU kept a CPU from
 * the backend it waited for (docs/devices.md, "Halt polling"). */
#define HALT_POLL_US_DEFAULT 0
#define HALT_POLL_US_MAX 1000

static uint32_t halt_poll_us(void)
{
	return (uint32_t)env_ulong("VMCTL_HALT_POLL_US", HALT_POLL_US_DEFAULT, HALT_POLL_US_MAX);
}

static bool uproc_wanted(const struct pv_domain *pv)
{
	const char *env = getenv("VMCTL_PV_USER");

	return pv->has_cr3 && (!env || (strcmp(env, "keys") != 0 && strcmp(env, "mprotect") != 0));
}

/* vmhv-pv-user, next to the sandbox's program. */
static int uproc_path(const struct vmhv *hv, char *buf, size_t len)
{
	const char *slash = strrchr(hv->cfg.loader, '/');
	int n = slash ? (int)(slash - hv->cfg.loader) + 1 : 0;

	return snprintf(buf, len, "%.*svmhv-pv-user", n, hv->cfg.loader) < (int)len ? 0
										       : -ENAMETOOLONG;
}

/* The control memory as U starts with it: the header and its filters. */
static int uproc_ctl_make(struct pv_domain *pv)
{
	struct vmhv *hv = pv->d->hv;
	struct pv_uproc_hdr h = {
		.magic = PV_UPROC_MAGIC, .nr_vcpus = pv->d->max_vcpus,
		.uid = hv->cfg.guest_uid, .gid = hv->cfg.guest_gid,
		.runner_filter_len = (uint32_t)hv->pv_filter.runner_len,
		.mapper_filter_len = (uint32_t)hv->pv_filter.mapper_len,
		.xsave = 1,
	};
	int fd = memfd_create("vmctl-uproc", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	pv->uctl = fd;
	if (h.runner_filter_len > PV_UPROC_FILTER_MAX || h.mapper_filter_len > PV_UPROC_FILTER_MAX)
		return -E2BIG;
	if (ftruncate(fd, PV_UPROC_CTL_BYTES) < 0 ||
	    pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    pwrite(fd, hv->pv_filter.runner_bpf, h.runner_filter_len, PV_UPROC_RUNNER_FILTER) !=
		    (ssize_t)h.runner_filter_len ||
	    pwrite(fd, hv->pv_filter.mapper_bpf, h.mapper_filter_len, PV_UPROC_MAPPER_FILTER) !=
		    (ssize_t)h.mapper_filter_len)
		return -EIO;
	return 0;
}

static void uproc_exited(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct pv_domain *pv = arg;
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	pv_cpu_sample(pv);        /* (its clock goes with the reaping) */
	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	evloop_unwatch(loop, pv->upid_w);
	pv->upid_w = NULL;
	close(pv->upidfd);
	uproc_forget(pv);
	/* Its user code can break it (scribbling on its own memory): the
	 * sandbox sees it gone (its pidfd takes no more signals), gives the
	 * program a #GP and asks for a fresh one (docs/pv-engine.md). */
	log_info("d%u: the user-mode process ended (status %d)", pv->d->domid, si.si_status);
}

/* Spawn U with fds 3-5 (pv_uproc.h); the sandbox's ends wait in pv. */
static int uproc_spawn(struct pv_domain *pv)
{
	char path[4096];
	char *const argv[] = { (char *)"vmhv-pv-user", NULL };
	char *const envp[] = { NULL };
	int sp[2] = { -1, -1 }, high[3] = { -1, -1, -1 }, r;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;

	r = uproc_wanted(pv) ? uproc_path(pv->d->hv, path, sizeof(path)) : -EPERM;
	if (r == 0)
		r = uproc_ctl_make(pv);
	if (r == 0 && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		r = -errno;
	if (r < 0)
		return r;
	pv->usock = sp[0];
	high[0] = fcntl(sp[1], F_DUPFD_CLOEXEC, SPAWN_HIGH_FD);
	high[1] = fcntl(pv->d->mem.fd, F_DUPFD_CLOEXEC, SPAWN_HIGH_FD);
	high[2] = fcntl(pv->uctl, F_DUPFD_CLOEXEC, SPAWN_HIGH_FD);
	close(sp[1]);
	if (high[0] < 0 || high[1] < 0 || high[2] < 0) {
		fds_close(high, 3);
		return -EMFILE;
	}
	spawn_attrs(&attr);
	posix_spawn_file_actions_init(&fa);
	for (int i = 0; i < 3; i++)
		posix_spawn_file_actions_adddup2(&fa, high[i], PV_UPROC_U_SOCK + i);
	for (int fd = 0; fd < PV_UPROC_U_SOCK; fd++)
		posix_spawn_file_actions_addclose(&fa, fd);
	posix_spawn_file_actions_addclosefrom_np(&fa, PV_UPROC_U_CTL + 1);
	r = -posix_spawn(&pv->upid, path, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	fds_close(high, 3);
	if (r < 0) {
		pv->upid = 0;
		return r;
	}
	pv->upidfd = pidfd_open_(pv->upid);
	if (pv->upidfd < 0)
		return -errno;
	if (clock_getcpuclockid(pv->upid, &pv->ucpu_clock) != 0)
		pv->ucpu_clock = CLOCK_MONOTONIC; /* never happens for a live child */
	pv->upid_w = evloop_watch(pv->d->hv->loop, pv->upidfd, EPOLLIN, uproc_exited, pv);
	return pv->upid_w ? 0 : -ENOMEM;
}

/* The answer to PV_NR_UPROC, with the sandbox's socket end, the control
 * memfd and U's pidfd. */
static int uproc_answer(struct pv_domain *pv, uint32_t vcpu, int rc)
{
	struct pv_uproc_answer a = { .magic = PV_UPROC_MAGIC, .rc = rc };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} cm;
	struct iovec iov = { &a, sizeof(a) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int fds[3] = { pv->usock, pv->uctl, pv->upidfd };  /* PV_UPROC_*_FD's order */

	memset(&cm, 0, sizeof(cm));
	if (rc == 0) {
		m.msg_control = cm.buf;
		m.msg_controllen = sizeof(cm.buf);
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN(sizeof(fds));
		memcpy(CMSG_DATA(&cm.h), fds, sizeof(fds));
	}
	return sendmsg(pv->chan[vcpu].fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* The sandbox's PV_NR_UPROC: its guest enters user mode for the first
 * time, or the sandbox found its user process broken (dead, or deaf to
 * a preemption) and killed it. Spawn U, ending one that may still be
 * there (not reaped yet), and hand the sandbox its ends. */
void pv_uproc_start(struct pv_domain *pv, uint32_t vcpu)
{
	int rc;

	uproc_end(pv);
	rc = uproc_spawn(pv);
	if (rc < 0)
		log_error("d%u: cannot start %s-user: %s", pv->d->domid, pv->d->hv->cfg.loader,
			  strerror(-rc));
	if (uproc_answer(pv, vcpu, rc) < 0)
		domain_crash(pv->d, "cannot answer the sandbox");
	if (pv->usock >= 0)       /* the sandbox has them now */
		close(pv->usock);
	if (pv->uctl >= 0)
		close(pv->uctl);
	pv->usock = pv->uctl = -1;
}

static int pv_boot_send(struct pv_domain *pv)
{
	struct domain *d = pv->d;
	struct vmhv *hv = d->hv;
	struct pv_boot b = {
		.magic = PV_BOOT_MAGIC, .version = PV_ABI_VERSION,
		.domid = d->domid, .max_vcpus = d->max_vcpus,
		.mem_bytes = d->mem.nr_frames << MEM_PAGE_SHIFT,
		.flat_base = VMCTL_PV_FLAT_BASE,
		.uid = hv->cfg.guest_uid, .gid = hv->cfg.guest_gid,
		.shared_info_pfn = memory_shared_info_pfn(&d->mem),
		.xen_version = (VMHV_XEN_MAJOR << 16) | VMHV_XEN_MINOR,
		.spin = hv->cfg.spin,
		.mailbox_pfn = memory_mailbox_pfn(&d->mem),
		.regs = d->boot_regs,
		.cr3 = pv->boot_cr3, .has_cr3 = pv->has_cr3,
		.flags = pv_boot_flags(pv),
	};

	b.hypercall_frame = d->hypercall_gmfn == DOMAIN_NO_GMFN ? PV_NO_FRAME : d->hypercall_gmfn;
	b.resume_mask = d->vcpu_regs_boot;
	b.halt_poll_us = halt_poll_us();
	memcpy(b.vcpu_regs, d->vcpu_regs, sizeof(b.vcpu_regs));
	if (pv->state_in)
		b.flags |= PV_BOOT_STATE;
	if (send(pv->chan[0].fd, &b, sizeof(b), MSG_NOSIGNAL) < 0 ||
	    send(pv->chan[0].fd, hv->pv_filter.bpf, hv->pv_filter.len, MSG_NOSIGNAL) < 0 ||
	    (pv->state_in && send(pv->chan[0].fd, pv->state_in, pv->state_in_len, MSG_NOSIGNAL) < 0))
		return -errno;
	return 0;
}

static int pv_watch(struct pv_domain *pv)
{
	struct evloop *loop = pv->d->hv->loop;

	pv->pidfd = pidfd_open_(pv->pid);
	if (pv->pidfd < 0)
		return -errno;
	pv->pid_w = evloop_watch(loop, pv->pidfd, EPOLLIN, pv_exited, pv);
	if (!pv->pid_w)
		return -ENOMEM;
	pv->chan[0].tid = pv->pid; /* vCPU 0 is the main thread */
	if (clock_getcpuclockid(pv->pid, &pv->cpu_clock) != 0)
		pv->cpu_clock = CLOCK_MONOTONIC; /* never happens for a live child */
	return pv_channels_watch(pv);
}

static struct pv_domain *pv_alloc(struct domain *d)
{
	struct pv_domain *pv = calloc(1, sizeof(*pv));

	if (!pv)
		return NULL;
	pv->d = d;
	pv->pid = -1;
	pv->pidfd = -1;
	pv->upidfd = -1;
	pv->usock = -1;
	pv->uctl = -1;
	pv->dirty.pagemap_fd = -1;
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		pv->chan[v].fd = -1;
	return pv;
}

struct pv_domain *pv_domain_get(struct domain *d)
{
	if (!d->engine_priv)
		d->engine_priv = pv_alloc(d);
	return d->engine_priv;
}

static int pv_start(struct domain *d)
{
	int child[PRIVCMD_MAX_VCPUS];
	struct pv_domain *pv;
	int rc;

	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		child[v] = -1;
	pv = pv_domain_get(d);
	if (!pv)
		return -ENOMEM;
	pv->cr3 = pv->boot_cr3;
	rc = pv_channels_open(pv, child);
	pvclock_update(&d->hv->clock, d);
	if (rc == 0)
		rc = pv_spawn(pv, child);
	if (rc == 0)
		rc = pv_watch(pv);
	if (rc == 0)
		rc = pv_boot_send(pv);
	fds_close(child, PRIVCMD_MAX_VCPUS);
	if (rc < 0) {
		log_error("d%u: cannot start %s: %s", d->domid, d->hv->cfg.loader, strerror(-rc));
		if (pv->pid > 0 && pv->pidfd < 0)
			pv->pidfd = pidfd_open_(pv->pid);
		pv_process_end(pv);
		pv_state_free(pv);
		free(pv);
		d->engine_priv = NULL;
	}
	return rc;
}

static void pv_signal(struct domain *d, int sig)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && pv->pidfd >= 0)
		pidfd_signal(pv->pidfd, sig);
	if (pv && pv->upidfd >= 0)
		pidfd_signal(pv->upidfd, sig);
}

static void pv_engine_reply(struct domain *d, uint32_t vcpu, int64_t ret)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && vcpu < PRIVCMD_MAX_VCPUS)
		pv_channel_reply(pv, vcpu, ret);
}

static void pv_kick(struct domain *d, uint32_t vcpu)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && vcpu < PRIVCMD_MAX_VCPUS)
		pv_channel_kick(pv, vcpu);
}

static void pv_pause(struct domain *d)
{
	pv_signal(d, SIGSTOP);
}

static void pv_unpause(struct domain *d)
{
	pv_signal(d, SIGCONT);
}

/* Shut down: the process goes, the accounting stays until destroy. */
static void pv_stop(struct domain *d)
{
	struct pv_domain *pv = d->engine_priv;

	if (!pv)
		return;
	pv_process_end(pv);
	if (d->dying) {
		pv_state_free(pv);
		free(pv);
		d->engine_priv = NULL;
	}
}

static unsigned long long pv_cpu_time(struct domain *d)
{
	struct pv_domain *pv = d->engine_priv;

	if (!pv)
		return 0;
	pv_cpu_sample(pv);
	return pv->cpu_ns + pv->ucpu_past_ns + pv->ucpu_ns;
}

static int pv_dirty_on(struct domain *d)
{
	struct pv_domain *pv = d->engine_priv;

	if (!pv || pv->pid <= 0)
		return -EINVAL; /* only a running domain has pages to track */
	return pv_dirty_enable(&pv->dirty, pv->pid, VMCTL_PV_FLAT_BASE, d->mem.ram_frames);
}

static int pv_dirty_get(struct domain *d, uint64_t first, uint64_t nr, uint64_t *bitmap)
{
	struct pv_domain *pv = d->engine_priv;

	if (!pv)
		return -EINVAL;
	gnttab_dirty_mapped(d, first, nr);   /* xld's backends write behind us */
	return pv_dirty_read(&pv->dirty, first, nr, bitmap,
			     pv->mb && __atomic_load_n(&pv->mb[0].untracked, __ATOMIC_RELAXED));
}

static void pv_dirty_off(struct domain *d)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv)
		pv_dirty_disable(&pv->dirty);
}

static void pv_dirty_note(struct domain *d, uint64_t paddr, uint64_t len)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && paddr < (d->mem.ram_frames << MEM_PAGE_SHIFT))
		pv_dirty_mark(&pv->dirty, paddr, len);
}

const struct engine_ops pv_engine_ops = {
	.name = "pv",
	.start = pv_start,
	.pause = pv_pause,
	.unpause = pv_unpause,
	.stop = pv_stop,
	.reply = pv_engine_reply,
	.kick = pv_kick,
	.cpu_time = pv_cpu_time,
	.guest_ptr = pv_aspace_guest_ptr,
	.dirty_enable = pv_dirty_on,
	.dirty_read = pv_dirty_get,
	.dirty_disable = pv_dirty_off,
	.dirty_mark = pv_dirty_note,
};
