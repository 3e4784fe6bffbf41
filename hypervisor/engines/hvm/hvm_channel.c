/* The channels between vmhv and an hvm sandbox: the control channel
 * (vmhv's messages out, the sandbox's notes in) and one SOCK_SEQPACKET
 * pair per vCPU carrying its forwarded hypercalls (hvm_abi.h). Every
 * packet from the sandbox is guest-driven: anything malformed crashes the
 * domain, never vmhv. */
#include "hypervisor/engines/hvm/hvm_domain.h"

#include "hypervisor/domain.h"
#include "hypervisor/hypercall.h"
#include "hypervisor/vmhv.h"
#include "common/evloop.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vmctl/xen/hvm/params.h>
#include <vmctl/xen/sched.h>
#include <vmctl/xen/xen.h>

static int pair(int *ours, int *theirs)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	*ours = sv[0];
	*theirs = sv[1];
	return 0;
}

int hvm_channels_open(struct hvm_domain *h, int *ctl_child, int child[PRIVCMD_MAX_VCPUS])
{
	int rc = pair(&h->ctl_fd, ctl_child);

	for (uint32_t v = 0; rc == 0 && v < h->d->max_vcpus; v++) {
		h->chan[v].h = h;
		rc = pair(&h->chan[v].fd, &child[v]);
	}
	return rc;
}

static void watch_close(struct hvm_domain *h, struct ev_watch **w, int *fd)
{
	if (*w)
		evloop_unwatch(h->d->hv->loop, *w);
	*w = NULL;
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void hvm_channels_close(struct hvm_domain *h)
{
	watch_close(h, &h->ctl_w, &h->ctl_fd);
	for (uint32_t v = 0; v < PRIVCMD_MAX_VCPUS; v++) {
		watch_close(h, &h->chan[v].w, &h->chan[v].fd);
		h->chan[v].in_call = false;
	}
}

void hvm_channel_reply(struct hvm_domain *h, uint32_t vcpu, int64_t ret)
{
	struct hvm_chan *ch = &h->chan[vcpu];
	struct hvm_hcall_rep rep = { .ret = ret };

	if (!ch->in_call || ch->fd < 0)
		return;
	ch->in_call = false;
	/* A full socket means a sandbox that does not read: it is stuck or
	 * hostile, and only hurts its own vCPU. */
	send(ch->fd, &rep, sizeof(rep), MSG_DONTWAIT | MSG_NOSIGNAL);
}

int hvm_ctl_send(struct hvm_domain *h, const struct hvm_ctl *m, const int *fds, int n_fds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * (PRIVCMD_MAX_VCPUS + 2))];
	struct iovec iov = { .iov_base = (void *)m, .iov_len = sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (h->ctl_fd < 0 || h->pid <= 0)
		return 0;
	if (n_fds > PRIVCMD_MAX_VCPUS + 2)
		return -EINVAL;
	if (n_fds > 0) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n_fds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n_fds);
	}
	if (sendmsg(h->ctl_fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

static void ctl_readable(struct evloop *loop, int fd, uint32_t events, void *arg);

/* Notes the sandbox sent before now (log lines) come first: a hypercall,
 * or a shutdown from elsewhere (the device model's S5), may close the
 * control channel, and the guest's last debug lines must not go with it.
 * A context reply that a save waits for stays for hvm_context.c. */
void hvm_ctl_drain(struct hvm_domain *h)
{
	for (int i = 0; i < 1024 && h->ctl_fd >= 0; i++) {
		struct hvm_note n;

		if (recv(h->ctl_fd, &n, sizeof(n), MSG_DONTWAIT | MSG_PEEK) <= 0)
			return;
		if (n.type == HVM_NOTE_CONTEXT && h->saving)
			return;
		ctl_readable(h->d->hv->loop, h->ctl_fd, EPOLLIN, h);
	}
}

static void vcpu_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct hvm_chan *ch = arg;
	struct hvm_domain *h = ch->h;
	uint32_t vcpu = (uint32_t)(ch - h->chan);
	struct hvm_hcall_req req;
	struct hcall c = { .d = h->d, .vcpu = vcpu };
	ssize_t r = recv(fd, &req, sizeof(req), MSG_DONTWAIT | MSG_TRUNC);
	int64_t ret;

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r != (ssize_t)sizeof(req) || req.vcpu != vcpu || ch->in_call) {
		/* EOF is the process dying: hvm_exited says why. */
		if (r == 0 || (events & (EPOLLHUP | EPOLLERR)))
			watch_close(h, &ch->w, &ch->fd);
		else
			domain_crash(h->d, "malformed hvm hypercall packet");
		return;
	}
	hvm_ctl_drain(h);
	if (ch->fd < 0 || h->d->shutdown)
		return;
	ch->req = req;
	ch->in_call = true;
	c.nr = req.nr;
	memcpy(c.arg, req.args, sizeof(c.arg));
	h->serving = ch;
	ret = hypercall_dispatch(&c);
	h->serving = NULL;
	if (ret != HC_NO_REPLY)
		hvm_channel_reply(h, vcpu, ret);
}

/* One line of the guest's debug-port output, as console_io shows it. */
static void note_log(struct hvm_domain *h, const struct hvm_note *n)
{
	char line[HVM_NOTE_TEXT + 1];
	uint32_t len = n->len > HVM_NOTE_TEXT ? HVM_NOTE_TEXT : n->len;

	for (uint32_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)n->text[i];

		line[i] = (ch < 0x20 && ch != '\t') || ch >= 0x7f ? '?' : (char)ch;
	}
	line[len] = 0;
	dmesg_printf(&h->d->hv->dmesg, "(d%u) %s\n", h->d->domid, line);
}

static void note_handle(struct hvm_domain *h, const struct hvm_note *n)
{
	struct domain *d = h->d;
	char why[HVM_NOTE_TEXT + 64];
	uint64_t reason;

	switch (n->type) {
	case HVM_NOTE_LOG:
		note_log(h, n);
		break;
	case HVM_NOTE_TRIPLE_FAULT:
	case HVM_NOTE_RESET:
		/* Xen: a triple fault shuts down with HVM_PARAM_TRIPLE_FAULT_REASON
		 * (default reboot); a reset request reboots. */
		reason = d->hvm_params[HVM_PARAM_TRIPLE_FAULT_REASON];
		if (n->type == HVM_NOTE_RESET || reason == 0)
			reason = SHUTDOWN_reboot;
		dmesg_printf(&d->hv->dmesg, "(XEN) d%uv%u %s at rip %#llx\n", d->domid, n->vcpu,
			     n->type == HVM_NOTE_RESET ? "reset request" : "triple fault",
			     (unsigned long long)n->rip);
		domain_shutdown(d, (uint32_t)reason);
		break;
	case HVM_NOTE_CRASH:
		snprintf(why, sizeof(why), "vCPU %u at rip %#llx: %.*s", n->vcpu,
			 (unsigned long long)n->rip,
			 (int)(n->len > HVM_NOTE_TEXT ? HVM_NOTE_TEXT : n->len), n->text);
		domain_crash(d, why);
		break;
	case HVM_NOTE_VCPU_UP:
	case HVM_NOTE_VCPU_DOWN:
		/* an AP the guest started or stopped: `xl list`'s vCPU count */
		if (n->vcpu == 0 || n->vcpu >= d->max_vcpus) {
			domain_crash(d, "malformed hvm vCPU state note");
			break;
		}
		d->vcpus[n->vcpu].online = n->type == HVM_NOTE_VCPU_UP;
		break;
	default:
		domain_crash(d, "malformed hvm control packet");
	}
}

static void ctl_readable(struct evloop *loop, int fd, uint32_t events, void *arg)
{
	struct hvm_domain *h = arg;
	struct hvm_note n;
	ssize_t r = recv(fd, &n, sizeof(n), MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);

	if (r >= (ssize_t)sizeof(struct hvm_ctx_reply) && n.type == HVM_NOTE_CONTEXT) {
		/* hvm_context.c reads it; or it answers a save that gave up */
		if (!h->saving)
			recv(fd, &n, sizeof(n), MSG_DONTWAIT | MSG_TRUNC);
		return;
	}
	r = recv(fd, &n, sizeof(n), MSG_DONTWAIT | MSG_TRUNC);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r != (ssize_t)sizeof(n)) {
		if (r == 0 || (events & (EPOLLHUP | EPOLLERR)))
			watch_close(h, &h->ctl_w, &h->ctl_fd);
		else
			domain_crash(h->d, "malformed hvm control packet");
		return;
	}
	note_handle(h, &n);
}

void hvm_ctl_note(struct hvm_domain *h)
{
	if (h->ctl_fd >= 0)
		ctl_readable(h->d->hv->loop, h->ctl_fd, EPOLLIN, h);
}

void hvm_vcpu_serve(struct hvm_domain *h, uint32_t vcpu)
{
	if (vcpu < PRIVCMD_MAX_VCPUS && h->chan[vcpu].fd >= 0)
		vcpu_readable(h->d->hv->loop, h->chan[vcpu].fd, EPOLLIN, &h->chan[vcpu]);
}

int hvm_channels_watch(struct hvm_domain *h)
{
	struct evloop *loop = h->d->hv->loop;

	h->ctl_w = evloop_watch(loop, h->ctl_fd, EPOLLIN, ctl_readable, h);
	if (!h->ctl_w)
		return -ENOMEM;
	for (uint32_t v = 0; v < h->d->max_vcpus; v++) {
		h->chan[v].w = evloop_watch(loop, h->chan[v].fd, EPOLLIN, vcpu_readable, &h->chan[v]);
		if (!h->chan[v].w)
			return -ENOMEM;
	}
	return 0;
}
