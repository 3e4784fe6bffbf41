/* The channels between vmhv and a pv sandbox: one SOCK_SEQPACKET pair per
 * vCPU, each carrying that vCPU's forwarded hypercalls (pv_abi.h). Every
 * packet is guest-controlled: anything malformed crashes the domain. */
#include "hypervisor/engines/pv/pv_domain.h"
#include "hypervisor/engines/pv/pv_uproc.h"

#include "hypervisor/domain.h"
#include "hypervisor/engines/pv/pv_abi.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/vcpu.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"

#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/xen.h>

int pv_channels_open(struct pv_domain *pv, int child[PRIVCMD_MAX_VCPUS])
{
	for (uint32_t v = 0; v < pv->d->max_vcpus; v++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			return -errno;
		pv->chan[v].pv = pv;
		pv->chan[v].fd = sv[0];
		child[v] = sv[1];
	}
	return 0;
}

static void chan_close(struct pv_domain *pv, struct pv_chan *ch)
{
	if (ch->w)
		evloop_unwatch(pv->d->hv->loop, ch->w);
	ch->w = NULL;
	if (ch->fd >= 0)
		close(ch->fd);
	ch->fd = -1;
	ch->in_call = false;
}

void pv_channels_close(struct pv_domain *pv)
{
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++)
		chan_close(pv, &pv->chan[v]);
}

/* Our CPU + 1 as the mailbox carries it (0 = unknown). */
static uint32_t cpu_tag(void)
{
	int cpu = sched_getcpu();

	return cpu < 0 ? 0 : (uint32_t)cpu + 1;
}

/* Answer through the mailbox; wake the vCPU only if it went to sleep. A
 * SCHEDOP_block that the sandbox already left (a dom0 backend raised an
 * event and woke it: EVTCHN_DIRECT) is answered while the vCPU runs guest
 * code, which then needs the signal for the event we answer for. */
void pv_channel_reply(struct pv_domain *pv, uint32_t vcpu, int64_t ret)
{
	struct pv_chan *ch = &pv->chan[vcpu];
	struct pv_mailbox *mb = &pv->mb[vcpu];
	uint32_t sleeping;

	if (!ch->in_call)
		return;
	ch->in_call = false;
	mb->ret = ret;
	mb->vmhv_cpu = cpu_tag();
	__atomic_store_n(&mb->rep_seq, ch->seq, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&mb->wake_seq, 1, __ATOMIC_SEQ_CST);
	sleeping = __atomic_load_n(&mb->sleeping, __ATOMIC_SEQ_CST);
	if (sleeping)
		syscall(SYS_futex, &mb->wake_seq, FUTEX_WAKE, 1, NULL, NULL, 0);
	else if (ch->blocks)
		pv_channel_kick(pv, vcpu);
}

/* The sandbox checks for events whenever a hypercall returns, so only a
 * vCPU running guest code needs the signal. */
void pv_channel_kick(struct pv_domain *pv, uint32_t vcpu)
{
	struct pv_chan *ch = &pv->chan[vcpu];

	if (pv->pid <= 0 || ch->in_call || !ch->tid)
		return;
	syscall(SYS_tgkill, pv->pid, ch->tid, PV_UPCALL_SIGNAL);
}

/* The sandbox's crash report: a register dump in vmhv's console. */
static void crash_report(struct pv_domain *pv, const struct pv_crash *c)
{
	const struct privcmd_vcpu_regs *r = &c->regs;
	struct dmesg *dm = &pv->d->hv->dmesg;
	const char *what = c->in_shim ? "fault in the pv shim" : "unhandled guest fault";
	uint32_t id = pv->d->domid;
	char why[96];

	dmesg_printf(dm, "(XEN) d%uv%u %s: trap %llu error %#llx cr2 %#llx\n", id, c->vcpu, what,
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
	snprintf(why, sizeof(why), "%s (trap %llu at %#llx)", what,
		 (unsigned long long)c->trapno, (unsigned long long)r->rip);
	domain_crash(pv->d, why);
}

/* A new vCPU thread says who it is; it must be one of the sandbox's. */
static void hello(struct pv_domain *pv, uint32_t vcpu, pid_t tid)
{
	if (tid <= 0 || syscall(SYS_tgkill, pv->pid, tid, 0) < 0) {
		domain_crash(pv->d, "bad vCPU thread id");
		return;
	}
	pv->chan[vcpu].tid = tid;
}

/* A new request while the vCPU's SCHEDOP_block is unanswered: the sandbox
 * left the block (an upcall became pending: see pv_channel_reply), so the
 * vCPU no longer waits here. True if that was the case (then it is over). */
static bool block_left(struct pv_domain *pv, uint32_t vcpu)
{
	struct pv_chan *ch = &pv->chan[vcpu];
	struct vcpu *v = &pv->d->vcpus[vcpu];

	if (!ch->blocks || !v->blocked)
		return false;
	v->blocked = false;
	v->poll_deadline_ns = 0;
	ch->in_call = false;
	return true;
}

/* Serve the request in vCPU `vcpu`'s mailbox if it is a new one. Returns
 * true if one was served and answered at once. */
static bool mailbox_serve(struct pv_domain *pv, uint32_t vcpu)
{
	struct pv_chan *ch = &pv->chan[vcpu];
	struct pv_mailbox *mb = &pv->mb[vcpu];
	uint32_t seq = __atomic_load_n(&mb->req_seq, __ATOMIC_SEQ_CST);
	struct hcall c = { .d = pv->d, .vcpu = vcpu };
	struct pv_hcall_req req;
	int64_t ret;

	if (seq == ch->seq)
		return false;             /* nothing new */
	if (ch->in_call && !block_left(pv, vcpu))
		return false;             /* still waiting for its last answer */
	memcpy(&req, (const void *)&mb->req, sizeof(req)); /* the guest may change it */
	/* Pointer arguments are guest virtual addresses in the vCPU's current
	 * page tables (any value is safe: walks stay in the domain's memory). */
	pv->cr3 = __atomic_load_n(&mb->cr3, __ATOMIC_SEQ_CST);
	ch->seq = seq;
	ch->in_call = true;
	ch->blocks = req.nr == __HYPERVISOR_sched_op && req.args[0] == SCHEDOP_block;
	c.nr = req.nr;
	memcpy(c.arg, req.args, sizeof(c.arg));
	ret = hypercall_dispatch(&c);
	if (ret == HC_NO_REPLY)
		return false;
	pv_channel_reply(pv, vcpu, ret);
	return true;
}

#define SERVE_BURST 64 /* requests one vCPU may have served in a row */

/* After an answer, watch the mailbox for the vCPU's next request for a
 * little while, but only if it runs on another CPU: then it needs no
 * doorbell and no wakeup of ours. */
static void mailbox_poll(struct pv_domain *pv, uint32_t vcpu)
{
	struct pv_mailbox *mb = &pv->mb[vcpu];
	uint32_t spin = pv->d->hv->cfg.spin;
	int served = 0;

	if (!spin || !mb->guest_cpu || mb->guest_cpu == cpu_tag())
		return;
	while (served < SERVE_BURST && pv->pid > 0) {
		uint32_t i;

		__atomic_store_n(&mb->polling, 1, __ATOMIC_SEQ_CST);
		for (i = 0; i < spin; i++) {
			if (__atomic_load_n(&mb->req_seq, __ATOMIC_SEQ_CST) != pv->chan[vcpu].seq)
				break;
			__builtin_ia32_pause();
		}
		/* Stop polling, then look once more: a request posted just as we
		 * stopped has no doorbell (the sandbox saw us polling). */
		__atomic_store_n(&mb->polling, 0, __ATOMIC_SEQ_CST);
		if (!mailbox_serve(pv, vcpu))
			return;
		served++;
	}
}

static void serve_doorbell(struct pv_domain *pv, uint32_t vcpu)
{
	if (mailbox_serve(pv, vcpu))
		mailbox_poll(pv, vcpu);
}

static void chan_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct pv_chan *ch = arg;
	struct pv_domain *pv = ch->pv;
	uint32_t vcpu = (uint32_t)(ch - pv->chan);
	union {
		struct pv_hcall_req req; struct pv_crash crash; struct pv_doorbell bell;
		struct pv_state_msg state; uint8_t state_max[PV_STATE_MSG_MAX];
	} u;
	ssize_t r;

	r = recv(fd, &u, sizeof(u), MSG_DONTWAIT | MSG_TRUNC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r >= (ssize_t)sizeof(u.state) && u.state.nr == PV_NR_STATE && u.state.vcpu == vcpu) {
		pv_state_take(pv, &u.state, (size_t)r);
		return;
	}
	if (r == (ssize_t)sizeof(u.crash) && u.crash.nr == PV_NR_CRASH) {
		crash_report(pv, &u.crash);
		return;
	}
	if (r == (ssize_t)sizeof(u.crash) && u.crash.nr == PV_NR_REGS && u.crash.vcpu == vcpu) {
		pv->d->vcpu_regs[vcpu] = u.crash.regs;
		pv->d->vcpu_regs_valid |= 1u << vcpu;
		return;
	}
	if (r == (ssize_t)sizeof(u.bell) && u.bell.vcpu == vcpu) {
		serve_doorbell(pv, vcpu);
		return;
	}
	if (r == (ssize_t)sizeof(u.req) && u.req.vcpu == vcpu && u.req.nr == PV_NR_UPROC) {
		pv_uproc_start(pv, vcpu);
		return;
	}
	/* A packet names its vCPU, but the channel it came on decides. */
	if (r != (ssize_t)sizeof(u.req) || u.req.vcpu != vcpu || u.req.nr != PV_NR_HELLO) {
		/* EOF is the process dying; pv_exited tells why. */
		if (r == 0 || (events & (EPOLLHUP | EPOLLERR)))
			chan_close(pv, ch);
		else
			domain_crash(pv->d, "malformed hypercall packet");
		return;
	}
	hello(pv, vcpu, (pid_t)u.req.args[0]);
}

void pv_channels_drain(struct pv_domain *pv)
{
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++) {
		struct pv_chan *ch = &pv->chan[v];
		struct pollfd p = { .fd = ch->fd, .events = POLLIN };

		while (ch->fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN))
			chan_readable(pv->d->hv->loop, ch->fd, 0, ch);
	}
}

int pv_channels_watch(struct pv_domain *pv)
{
	struct domain *d = pv->d;

	pv->mb = memory_phys(&d->mem, memory_mailbox_pfn(&d->mem) << MEM_PAGE_SHIFT,
			     PRIVCMD_MAX_VCPUS * sizeof(struct pv_mailbox));
	if (!pv->mb)
		return -EINVAL;
	memset((void *)pv->mb, 0, PRIVCMD_MAX_VCPUS * sizeof(struct pv_mailbox));
	for (uint32_t v = 0; v < pv->d->max_vcpus; v++) {
		pv->chan[v].w = evloop_watch(pv->d->hv->loop, pv->chan[v].fd, EPOLLIN,
					     chan_readable, &pv->chan[v]);
		if (!pv->chan[v].w)
			return -ENOMEM;
	}
	return 0;
}
