/* The hvm engine's side in vmhv: spawning the sandbox (vmhv-hvm) that runs
 * a domain's vCPUs on the soft CPU, pausing, stopping and reaping it. */
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/engines/hvm/hvm_context.h"
#include "hypervisor/engines/hvm/hvm_dirty.h"
#include "hypervisor/engines/hvm/hvm_vram.h"
#include "hypervisor/engines/hvm/hvm_vcpus.h"

#include "hypervisor/domain.h"
#include "hypervisor/reaper.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"
#include "common/log.h"

#include <errno.h>
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
#include <unistd.h>

#define HVM_LOADER_NAME "vmhv-hvm"

struct hvm_domain *hvm_domain_get(struct domain *d)
{
	struct hvm_domain *h = d->engine_priv;

	if (h)
		return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->d = d;
	h->pid = -1;
	h->pidfd = -1;
	h->ctl_fd = -1;
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		h->chan[v].fd = -1;
	for (uint32_t i = 0; i < PRIVCMD_IOREQ_MAX_SERVERS; i++)
		h->servers[i].memfd = -1;
	hvm_physmap_init(h);
	d->engine_priv = h;
	return h;
}

/* $VMHV_HVM_LOADER; else engines/hvm/vmhv-hvm next to the vmhv binary (a
 * build tree); else vmhv-hvm beside the pv loader (the installed
 * pkglibexecdir). */
static const char *hvm_loader(struct vmhv *hv, char *buf, size_t len)
{
	const char *env = getenv("VMHV_HVM_LOADER");
	const char *pv = hv->cfg.loader, *slash = strrchr(pv, '/');
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", buf, len - 64);
	if (n > 0) {
		char *end;

		buf[n] = 0;
		end = strrchr(buf, '/');
		if (end) {
			strcpy(end + 1, "engines/hvm/" HVM_LOADER_NAME);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, len, "%.*s%s" HVM_LOADER_NAME, slash ? (int)(slash - pv) : 0, pv,
		 slash ? "/" : "");
	return buf;
}

static void hvm_cpu_sample(struct hvm_domain *h)
{
	struct timespec ts;

	if (h->pid > 0 && clock_gettime(h->cpu_clock, &ts) == 0)
		h->cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void hvm_process_end(struct hvm_domain *h)
{
	hvm_channels_close(h);
	if (h->pidfd < 0)
		return;
	hvm_cpu_sample(h);
	if (h->pid_w)
		evloop_unwatch(h->d->hv->loop, h->pid_w);
	h->pid_w = NULL;
	syscall(SYS_pidfd_send_signal, h->pidfd, SIGKILL, NULL, 0);
	reaper_add(h->d->hv, h->pidfd);
	h->pidfd = -1;
	h->pid = -1;
}

/* The process ended by itself: the emulator died (a bug or the seccomp
 * filter): the domain crashed. */
static void hvm_exited(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct hvm_domain *h = arg;
	siginfo_t si;
	char why[96];

	memset(&si, 0, sizeof(si));
	if (waitid((idtype_t)P_PIDFD, (id_t)fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return;
	evloop_unwatch(loop, h->pid_w);
	h->pid_w = NULL;
	close(h->pidfd);
	h->pidfd = -1;
	h->pid = -1;
	hvm_channels_close(h);
	if (si.si_code == CLD_EXITED)
		snprintf(why, sizeof(why), "hvm sandbox exited with status %d", si.si_status);
	else
		snprintf(why, sizeof(why), "hvm sandbox killed by signal %d (%s)", si.si_status,
			 strsignal(si.si_status));
	domain_crash(h->d, why);
}

/* The sandbox's environment is empty but for the soft CPU's settings
 * (VMCTL_CPU_JIT, read by cpu_create(): a threshold or "off";
 * VMCTL_PERF_MAP: write /tmp/perf-PID.map for perf, jit.h;
 * VMCTL_CPU_STATS: write the slow-path and run-loop counters, stats.h),
 * passed on from vmhv's own environment so that they reach real guests.
 * Fills envp (room for HVM_CPU_ENV + 1) and ends it with NULL. */
#define HVM_CPU_ENV 3
static void hvm_jit_env(char **envp, char (*buf)[32])
{
	static const char *const names[HVM_CPU_ENV] = { "VMCTL_CPU_JIT", "VMCTL_PERF_MAP",
							"VMCTL_CPU_STATS" };
	int n = 0;

	for (int i = 0; i < HVM_CPU_ENV; i++) {
		const char *v = getenv(names[i]);

		if (v && *v) {
			snprintf(buf[n], sizeof(buf[n]), "%s=%s", names[i], v);
			envp[n] = buf[n];
			n++;
		}
	}
	envp[n] = NULL;
}

/* The child gets its channels and the memory at the numbers hvm_abi.h
 * gives; sources are first moved above HVM_FD_MAX so no dup2 clobbers
 * another's source. */
static int hvm_spawn(struct hvm_domain *h, int ctl, const int *child)
{
	struct domain *d = h->d;
	uint32_t n = d->max_vcpus;
	char path[4096];
	char *const argv[] = { (char *)HVM_LOADER_NAME, NULL };
	char jit[HVM_CPU_ENV][32];
	char *envp[HVM_CPU_ENV + 1];
	int high[PRIVCMD_MAX_VCPUS + 2] = { 0 };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int r = 0;

	hvm_jit_env(envp, jit);
	for (uint32_t i = 0; i < n + 2; i++) {
		int src = i == 0 ? ctl : i == 1 ? d->mem.fd : child[i - 2];

		high[i] = fcntl(src, F_DUPFD_CLOEXEC, HVM_FD_MAX + 1);
		if (high[i] < 0 && !r)
			r = errno;
	}
	if (r == 0) {
		sigemptyset(&none);
		sigfillset(&all);
		posix_spawnattr_init(&attr);
		posix_spawnattr_setsigmask(&attr, &none);
		posix_spawnattr_setsigdefault(&attr, &all);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					 POSIX_SPAWN_SETSID);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, high[0], HVM_CTL_FD);
		posix_spawn_file_actions_adddup2(&fa, high[1], HVM_MEM_FD);
		for (uint32_t v = 0; v < n; v++)
			posix_spawn_file_actions_adddup2(&fa, high[v + 2], HVM_VCPU_FD(v));
		for (int fd = 0; fd < HVM_CTL_FD; fd++)
			posix_spawn_file_actions_addclose(&fa, fd);
		posix_spawn_file_actions_addclosefrom_np(&fa, HVM_VCPU_FD(n));
		r = posix_spawn(&h->pid, hvm_loader(d->hv, path, sizeof(path)), &fa, &attr, argv,
				envp);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&attr);
	}
	for (uint32_t i = 0; i < n + 2; i++)
		if (high[i] >= 0)
			close(high[i]);
	return -r;
}

static int hvm_boot_send(struct hvm_domain *h)
{
	struct domain *d = h->d;
	struct hvm_boot b = {
		.magic = HVM_BOOT_MAGIC, .version = HVM_ABI_VERSION,
		.domid = d->domid, .max_vcpus = d->max_vcpus,
		.ram_frames = d->mem.ram_frames,
		.uid = d->hv->cfg.guest_uid, .gid = d->hv->cfg.guest_gid,
		.flat32 = d->ctx_set,
		.context = h->context != NULL,
		.regs = d->boot_regs,
	};

	memcpy(b.params, d->hvm_params, sizeof(b.params));
	if (send(h->ctl_fd, &b, sizeof(b), MSG_NOSIGNAL) < 0)
		return -errno;
	return hvm_context_boot(h);
}

static int hvm_watch(struct hvm_domain *h)
{
	h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
	if (h->pidfd < 0)
		return -errno;
	h->pid_w = evloop_watch(h->d->hv->loop, h->pidfd, EPOLLIN, hvm_exited, h);
	if (!h->pid_w)
		return -ENOMEM;
	if (clock_getcpuclockid(h->pid, &h->cpu_clock) != 0)
		h->cpu_clock = CLOCK_MONOTONIC;
	return hvm_channels_watch(h);
}

static int hvm_start(struct domain *d)
{
	struct hvm_domain *h = hvm_domain_get(d);
	int child[PRIVCMD_MAX_VCPUS], ctl = -1, rc;

	if (!h)
		return -ENOMEM;
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		child[v] = -1;
	rc = hvm_channels_open(h, &ctl, child);
	if (rc == 0)
		rc = hvm_spawn(h, ctl, child);
	if (rc == 0)
		rc = hvm_watch(h);
	if (rc == 0)
		rc = hvm_boot_send(h);
	if (rc == 0)
		rc = hvm_servers_replay(h);
	if (rc == 0)
		rc = hvm_physmap_replay(h);
	if (rc == 0)
		rc = hvm_vram_replay(h);
	if (rc == 0)
		rc = hvm_vcpus_replay(h);
	if (rc == 0) {
		struct hvm_ctl go = { .type = HVM_CTL_START };

		rc = hvm_ctl_send(h, &go, NULL, 0);
	}
	if (ctl >= 0)
		close(ctl);
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		if (child[v] >= 0)
			close(child[v]);
	if (rc < 0) {
		log_error("d%u: cannot start the hvm sandbox: %s", d->domid, strerror(-rc));
		if (h->pid > 0 && h->pidfd < 0)
			h->pidfd = (int)syscall(SYS_pidfd_open, h->pid, 0);
		hvm_process_end(h);
	}
	return rc;
}

static void hvm_signal(struct domain *d, int sig)
{
	struct hvm_domain *h = d->engine_priv;

	if (h && h->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, h->pidfd, sig, NULL, 0);
}

static void hvm_pause(struct domain *d)
{
	hvm_signal(d, SIGSTOP);
}

/* A save froze the vCPUs (hvm_context.c): they run again with the domain. */
static void hvm_unpause(struct domain *d)
{
	struct hvm_ctl thaw = { .type = HVM_CTL_THAW };

	hvm_signal(d, SIGCONT);
	if (d->engine_priv)
		hvm_ctl_send(d->engine_priv, &thaw, NULL, 0);
}

static void hvm_stop(struct domain *d)
{
	struct hvm_domain *h = d->engine_priv;

	if (!h)
		return;
	hvm_dirty_disable(d);
	if (!d->dying)
		hvm_ctl_drain(h);  /* the guest's last debug lines, before the end */
	hvm_process_end(h);
	if (d->dying) {
		hvm_servers_dispose(h);
		hvm_vram_dispose(h);
		free(h->context);
		free(h);
		d->engine_priv = NULL;
	}
}

static void hvm_reply(struct domain *d, uint32_t vcpu, int64_t ret)
{
	struct hvm_domain *h = d->engine_priv;

	if (h && vcpu < PRIVCMD_MAX_VCPUS)
		hvm_channel_reply(h, vcpu, ret);
}

/* An event channel became pending: the sandbox raises the callback once
 * the vCPU's evtchn_upcall_pending (its vcpu_info, wherever the guest
 * registered it) says so. */
static void hvm_kick(struct domain *d, uint32_t vcpu)
{
	struct hvm_domain *h = d->engine_priv;
	struct hvm_ctl m = { .type = HVM_CTL_UPCALL, .a = vcpu };

	if (!h || vcpu >= d->max_vcpus)
		return;
	m.addr = (uint64_t)((uint8_t *)vcpu_info_of(&d->vcpus[vcpu]) - d->mem.base);
	hvm_ctl_send(h, &m, NULL, 0);
}

static unsigned long long hvm_cpu_time(struct domain *d)
{
	struct hvm_domain *h = d->engine_priv;

	if (!h)
		return 0;
	hvm_cpu_sample(h);
	return h->cpu_ns;
}

const struct engine_ops hvm_engine_ops = {
	.name = "hvm",
	.start = hvm_start,
	.pause = hvm_pause,
	.unpause = hvm_unpause,
	.stop = hvm_stop,
	.reply = hvm_reply,
	.kick = hvm_kick,
	.cpu_time = hvm_cpu_time,
	.guest_ptr = hvm_aspace_guest_ptr,
	.dirty_enable = hvm_dirty_enable,
	.dirty_read = hvm_dirty_read,
	.dirty_disable = hvm_dirty_disable,
	.dirty_mark = hvm_dirty_mark,
};
