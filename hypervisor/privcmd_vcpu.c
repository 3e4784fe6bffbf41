/* privcmd VCPU_LIST: what each vCPU of a domain is doing.
 *
 * Online and blocked are the core's own state (struct vcpu). Running, the
 * host CPU and the CPU time belong to the host thread that runs the vCPU:
 * for the pv engine, the sandbox's thread of that vCPU, read from
 * /proc/<pid>/task/<tid>/{stat,schedstat} (ns of CPU time, the CPU it is on
 * or last ran on, its scheduler state). Another engine (or a vCPU whose
 * thread is not known yet) gets the domain's CPU time on vCPU 0 and no CPU.
 *
 * The pv engine's state is read here, not through an engine op, because
 * engines/pv is another engineer's work in progress; an engine op
 * `vcpu_thread(d, vcpu)` is the place for it once that settles. */
#include "hypervisor/privcmd_vcpu.h"
#include "hypervisor/domain.h"
#include "hypervisor/engines/engine.h"
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/privcmd_server.h"
#include "vmctl/privcmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The host thread of a vCPU (0 = unknown) and its process. */
static pid_t vcpu_thread(struct domain *d, uint32_t vcpu, pid_t *pid)
{
	const struct pv_domain *pv = d->engine == &pv_engine_ops ? d->engine_priv : NULL;

	if (!pv || pv->pid <= 0 || vcpu >= PRIVCMD_MAX_VCPUS)
		return 0;
	*pid = pv->pid;
	return pv->chan[vcpu].tid;
}

static int read_small(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n ? 0 : -EIO;
}

/* From /proc/<pid>/task/<tid>/stat: the state letter (field 3) and the CPU
 * (field 39). The command name (field 2) may hold anything: start after
 * its last ')'. */
static int thread_sched(pid_t pid, pid_t tid, char *state, int *cpu)
{
	char path[64], buf[1024], *p, *tok, *save = NULL;
	int field = 3, rc;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	rc = read_small(path, buf, sizeof(buf));
	if (rc < 0)
		return rc;
	p = strrchr(buf, ')');
	if (!p)
		return -EIO;
	for (tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
		if (field == 3)
			*state = tok[0];
		if (field == 39) {
			*cpu = atoi(tok);
			return 0;
		}
	}
	return -EIO;
}

/* From /proc/<pid>/task/<tid>/schedstat: ns spent on a CPU. */
static uint64_t thread_cpu_ns(pid_t pid, pid_t tid)
{
	char path[64], buf[128];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	return read_small(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 10) : 0;
}

static void vcpu_fill(struct domain *d, uint32_t i, struct privcmd_vcpu_info *out)
{
	const struct vcpu *v = &d->vcpus[i];
	pid_t pid = 0, tid = vcpu_thread(d, i, &pid);
	char state = '?';
	int cpu = -1;

	memset(out, 0, sizeof(*out));
	out->vcpu = i;
	out->cpu = -1;
	if (!d->started || d->shutdown || !v->online)
		return;
	out->flags = PRIVCMD_VCPU_ONLINE;
	if (v->blocked)
		out->flags |= PRIVCMD_VCPU_BLOCKED;
	if (tid > 0 && thread_sched(pid, tid, &state, &cpu) == 0) {
		out->cpu = cpu;
		out->cpu_time_ns = thread_cpu_ns(pid, tid);
		/* A paused domain's threads are stopped ('t'/'T'). */
		if (state == 'R' && !v->blocked)
			out->flags |= PRIVCMD_VCPU_RUNNING;
	} else if (i == 0) {
		out->cpu_time_ns = d->engine->cpu_time(d);
	}
}

int op_VCPU_LIST(struct vmhv *hv, const void *req, size_t len, struct privcmd_reply *rep)
{
	const struct privcmd_domid *r = req;
	struct domain *d = domain_lookup(hv, r->domid);
	struct privcmd_vcpu_info info;

	if (!d)
		return -ESRCH;
	for (uint32_t i = 0; i < d->max_vcpus; i++) {
		if (sizeof(info) > rep->cap - rep->len)
			return -E2BIG;
		vcpu_fill(d, i, &info);
		memcpy((char *)rep->buf + rep->len, &info, sizeof(info));
		rep->len += sizeof(info);
	}
	return 0;
}
