/* The pv engine's side in vmhv: spawning the sandbox, serving its channel,
 * pausing, and reaping it. */
#include "hypervisor/engines/pv/pv_engine.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/engines/pv/pv_dirty.h"
#include "hypervisor/host.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/reaper.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pv_domain {
	struct domain *d;
	pid_t pid;
	int pidfd;
	int chan;                 /* vmhv's end of the channel */
	struct ev_watch *chan_w;
	struct ev_watch *pid_w;
	clockid_t cpu_clock;
	bool in_call;             /* vCPU 0 waits for a channel reply */
	struct pv_dirty dirty;
	uint64_t cpu_ns;          /* last sample; final once stopped */
};

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
}

static void pv_channel_close(struct pv_domain *pv)
{
	struct evloop *loop = pv->d->hv->loop;

	if (pv->chan_w)
		evloop_unwatch(loop, pv->chan_w);
	pv->chan_w = NULL;
	if (pv->chan >= 0)
		close(pv->chan);
	pv->chan = -1;
}

/* Kill the process (if any) and hand it to a reaper. */
static void pv_process_end(struct pv_domain *pv)
{
	struct evloop *loop = pv->d->hv->loop;

	pv_channel_close(pv);
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

static const char *exit_reason(const siginfo_t *si, char *buf, size_t len)
{
	if (si->si_code == CLD_EXITED)
		snprintf(buf, len, "sandbox exited with status %d", si->si_status);
	else
		snprintf(buf, len, "sandbox killed by signal %d (%s)", si->si_status,
			 strsignal(si->si_status));
	return buf;
}

/* The process ended by itself: a guest that did not shut down crashed. */
static void pv_exited(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct pv_domain *pv = arg;
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
	pv_channel_close(pv);
	domain_crash(pv->d, exit_reason(&si, why, sizeof(why)));
}

static void pv_reply(struct pv_domain *pv, int64_t ret)
{
	struct pv_hcall_rep rep = { .ret = ret };

	pv->in_call = false;
	if (pv->chan >= 0 && send(pv->chan, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		domain_crash(pv->d, "channel reply failed");
}

/* The sandbox's crash report: a register dump in vmhv's console. */
static void pv_crash_report(struct pv_domain *pv, const struct pv_crash *c)
{
	const struct privcmd_vcpu_regs *r = &c->regs;
	struct dmesg *dm = &pv->d->hv->dmesg;
	uint32_t id = pv->d->domid;
	char why[96];

	dmesg_printf(dm, "(XEN) d%uv%u %s: trap %llu error %#llx cr2 %#llx\n", id, c->vcpu,
		     c->in_shim ? "fault in the pv shim" : "unhandled guest fault",
		     (unsigned long long)c->trapno, (unsigned long long)c->err,
		     (unsigned long long)c->cr2);
	dmesg_printf(dm, "(XEN)   rip %016llx rsp %016llx rflags %08llx\n",
		     (unsigned long long)r->rip, (unsigned long long)r->rsp,
		     (unsigned long long)r->rflags);
	dmesg_printf(dm, "(XEN)   rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
		     (unsigned long long)r->rax, (unsigned long long)r->rbx,
		     (unsigned long long)r->rcx, (unsigned long long)r->rdx);
	dmesg_printf(dm, "(XEN)   rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n",
		     (unsigned long long)r->rsi, (unsigned long long)r->rdi,
		     (unsigned long long)r->rbp, (unsigned long long)r->r8);
	dmesg_printf(dm, "(XEN)   r9  %016llx r10 %016llx r11 %016llx r12 %016llx\n",
		     (unsigned long long)r->r9, (unsigned long long)r->r10,
		     (unsigned long long)r->r11, (unsigned long long)r->r12);
	dmesg_printf(dm, "(XEN)   r13 %016llx r14 %016llx r15 %016llx\n",
		     (unsigned long long)r->r13, (unsigned long long)r->r14,
		     (unsigned long long)r->r15);
	snprintf(why, sizeof(why), "%s (trap %llu at %#llx)",
		 c->in_shim ? "fault in the pv shim" : "unhandled guest fault",
		 (unsigned long long)c->trapno, (unsigned long long)r->rip);
	domain_crash(pv->d, why);
}

static void pv_channel_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct pv_domain *pv = arg;
	union { struct pv_hcall_req req; struct pv_crash crash; } u;
	struct pv_hcall_req req;
	struct hcall c;
	ssize_t r;
	int64_t ret;

	r = recv(fd, &u, sizeof(u), MSG_DONTWAIT | MSG_TRUNC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r == (ssize_t)sizeof(u.crash) && u.crash.nr == PV_NR_CRASH) {
		pv_crash_report(pv, &u.crash);
		return;
	}
	req = u.req;
	if (r != (ssize_t)sizeof(req) || req.vcpu >= pv->d->max_vcpus) {
		/* EOF is the process dying; pv_exited tells why. */
		if (r == 0 || (events & (EPOLLHUP | EPOLLERR)))
			pv_channel_close(pv);
		else
			domain_crash(pv->d, "malformed hypercall packet");
		return;
	}
	pv->in_call = true;
	c = (struct hcall){ .d = pv->d, .vcpu = req.vcpu, .nr = req.nr };
	memcpy(c.arg, req.args, sizeof(c.arg));
	ret = hypercall_dispatch(&c);
	if (ret != HC_NO_REPLY)
		pv_reply(pv, ret);
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

/* The child gets exactly the channel (3) and the memory (4). Both sources
 * sit above 4 so that the dup2s cannot clobber each other. */
static int spawn_files(posix_spawn_file_actions_t *fa, int chan, int mem)
{
	posix_spawn_file_actions_init(fa);
	posix_spawn_file_actions_adddup2(fa, chan, PV_CHAN_FD);
	posix_spawn_file_actions_adddup2(fa, mem, PV_MEM_FD);
	for (int fd = 0; fd < PV_CHAN_FD; fd++)
		posix_spawn_file_actions_addclose(fa, fd);
	return posix_spawn_file_actions_addclosefrom_np(fa, PV_MEM_FD + 1);
}

static int pv_spawn(struct pv_domain *pv, int child_chan)
{
	struct vmhv *hv = pv->d->hv;
	char *const argv[] = { (char *)"vmhv-pv", NULL };
	char *const envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int mem = -1, chan = -1, r;

	mem = fcntl(pv->d->mem.fd, F_DUPFD_CLOEXEC, 10);
	chan = fcntl(child_chan, F_DUPFD_CLOEXEC, 10);
	if (mem < 0 || chan < 0) {
		r = errno;
		goto out;
	}
	spawn_attrs(&attr);
	spawn_files(&fa, chan, mem);
	r = posix_spawn(&pv->pid, hv->cfg.loader, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
out:
	if (mem >= 0)
		close(mem);
	if (chan >= 0)
		close(chan);
	return -r;
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
		.regs = d->boot_regs,
	};

	if (d->hypercall_gmfn != DOMAIN_NO_GMFN)
		b.hypercall_page = VMCTL_PV_FLAT_BASE + (d->hypercall_gmfn << MEM_PAGE_SHIFT);
	if (send(pv->chan, &b, sizeof(b), MSG_NOSIGNAL) < 0 ||
	    send(pv->chan, hv->pv_filter.bpf, hv->pv_filter.len, MSG_NOSIGNAL) < 0)
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
	pv->chan_w = evloop_watch(loop, pv->chan, EPOLLIN, pv_channel_readable, pv);
	if (!pv->pid_w || !pv->chan_w)
		return -ENOMEM;
	if (clock_getcpuclockid(pv->pid, &pv->cpu_clock) != 0)
		pv->cpu_clock = CLOCK_MONOTONIC; /* never happens for a live child */
	return 0;
}

static int pv_start(struct domain *d)
{
	struct pv_domain *pv;
	int sv[2] = { -1, -1 };
	int rc;

	pv = calloc(1, sizeof(*pv));
	if (!pv)
		return -ENOMEM;
	*pv = (struct pv_domain){ .d = d, .pid = -1, .pidfd = -1, .chan = -1 };
	pv->dirty.pagemap_fd = -1;
	d->engine_priv = pv;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		rc = -errno;
		goto out;
	}
	pv->chan = sv[0];
	pvclock_update(&d->hv->clock, d);
	rc = pv_spawn(pv, sv[1]);
	if (rc == 0)
		rc = pv_watch(pv);
	if (rc == 0)
		rc = pv_boot_send(pv);
out:
	if (sv[1] >= 0)
		close(sv[1]);
	if (rc < 0) {
		log_error("d%u: cannot start %s: %s", d->domid, d->hv->cfg.loader, strerror(-rc));
		if (pv->pid > 0 && pv->pidfd < 0)
			pv->pidfd = pidfd_open_(pv->pid);
		pv_process_end(pv);
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
}

static void pv_signal(struct domain *d, int sig);

static void pv_engine_reply(struct domain *d, uint32_t vcpu, int64_t ret)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && pv->in_call)
		pv_reply(pv, ret);
}

/* The sandbox checks for events on every return from a hypercall, so only
 * a vCPU running guest code needs the signal. */
static void pv_kick(struct domain *d, uint32_t vcpu)
{
	struct pv_domain *pv = d->engine_priv;

	if (pv && !pv->in_call)
		pv_signal(d, PV_UPCALL_SIGNAL);
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
	return pv->cpu_ns;
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

	return pv ? pv_dirty_read(&pv->dirty, first, nr, bitmap) : -EINVAL;
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
