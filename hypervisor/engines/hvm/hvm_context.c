/* An hvm domain's context (hvm_save.h) in vmhv: GET freezes the sandbox's
 * vCPUs (HVM_CTL_SAVE; they stay frozen until the domain is unpaused) and
 * returns their state and the platform's, with vmhv's own placement of its
 * pages appended; SET vets a blob for a domain that has not run yet, keeps
 * it, and hands it to the sandbox right after the boot packet.
 *
 * GET waits for the sandbox in place (milliseconds: the vCPUs stop at
 * their next instruction boundary), serving that domain's hypercalls
 * meanwhile; vmhv's event loop waits with it, for SAVE_WAIT_MS at most. */
#include "hypervisor/engines/hvm/hvm_context.h"
#include "hypervisor/engines/hvm/hvm_domain.h"
#include "hypervisor/engines/hvm/hvm_save.h"

#include "hypervisor/domain.h"
#include "hypervisor/privcmd_server.h"
#include "hypervisor/vmhv.h"
#include "common/log.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <vmctl/xen/xen.h>

#define SAVE_WAIT_MS 4000

static struct hvm_domain *hvm_of(struct vmhv *hv, uint32_t domid, int *rc)
{
	struct domain *d = domain_lookup(hv, domid);

	*rc = -ESRCH;
	if (!d)
		return NULL;
	*rc = -EINVAL;
	/* a domain suspended for a save is the one exception to "shut down" */
	if (d->engine != &hvm_engine_ops || d->dying || (d->shutdown && !d->suspended))
		return NULL;
	*rc = -ENOMEM;
	return hvm_domain_get(d);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Hypercalls that vCPUs made before they saw the freeze: served, so that
 * they reach their freeze point (a call that blocks stays unanswered and
 * makes the save fail). 1 when the control channel has a packet. */
static int save_poll(struct hvm_domain *h, int ms)
{
	struct pollfd p[1 + PRIVCMD_MAX_VCPUS];
	uint32_t n = h->d->max_vcpus;

	p[0] = (struct pollfd){ .fd = h->ctl_fd, .events = POLLIN };
	for (uint32_t v = 0; v < n; v++)
		p[1 + v] = (struct pollfd){ .fd = h->chan[v].fd, .events = POLLIN };
	if (poll(p, 1 + n, ms) <= 0)
		return 0;
	for (uint32_t v = 0; v < n; v++)
		if (p[1 + v].revents)
			hvm_vcpu_serve(h, v);
	return p[0].revents != 0;
}

/* Wait for the sandbox's answer to HVM_CTL_SAVE on the control channel;
 * notes that come first (log lines) go their usual way. The answer is
 * written to buf (cap bytes): its length, or -errno. */
static int save_wait(struct hvm_domain *h, uint8_t *buf, size_t cap)
{
	uint64_t deadline = now_ms() + SAVE_WAIT_MS;

	while (h->ctl_fd >= 0) {
		uint64_t now = now_ms();
		struct hvm_ctx_reply rep;
		ssize_t r;

		if (now >= deadline)
			return -ETIMEDOUT;
		if (!save_poll(h, (int)(deadline - now)) || h->ctl_fd < 0)
			continue;
		r = recv(h->ctl_fd, buf, cap, MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC);
		if (r < (ssize_t)sizeof(rep)) {
			if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
				return -EPIPE;
			continue;
		}
		memcpy(&rep, buf, sizeof(rep));
		if (rep.type != HVM_NOTE_CONTEXT) {
			hvm_ctl_note(h);    /* one note, or the channel closed */
			continue;
		}
		r = recv(h->ctl_fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC);
		if (r < (ssize_t)sizeof(rep) || (size_t)r > cap ||
		    rep.len != (size_t)r - sizeof(rep))
			return -EPROTO;
		return rep.rc < 0 ? rep.rc : (int)r;
	}
	return -EPIPE;
}

static void hdr_set_len(uint8_t *blob, size_t len)
{
	struct hvm_save_hdr hdr;

	memcpy(&hdr, blob, sizeof(hdr));
	hdr.len = (uint32_t)len;
	memcpy(blob, &hdr, sizeof(hdr));
}

/* Each vCPU's vcpu_info placement. */
static int vcpuinfo_put(struct hvm_domain *h, uint8_t *blob, size_t cap, size_t *len)
{
	int rc = 0;

	for (uint32_t v = 0; rc == 0 && v < h->d->max_vcpus; v++) {
		struct hvm_save_vcpuinfo vi = { .paddr = h->d->vcpus[v].vcpu_info_paddr };

		rc = hvm_save_put(blob, cap, len, HVM_SEC_VCPUINFO, v, &vi, sizeof(vi));
	}
	hdr_set_len(blob, *len);
	return rc;
}

/* The restored domain's vcpu_info placements (before it runs): the
 * default (shared_info's slot) or a place in RAM that holds one. */
static int vcpuinfo_set(struct hvm_domain *h, const struct hvm_save_view *vw)
{
	struct domain *d = h->d;

	for (uint32_t v = 0; v < d->max_vcpus; v++) {
		const struct hvm_save_vcpuinfo *vi = vw->sec[HVM_SEC_VCPUINFO][v];

		if (!vi || vi->paddr == d->vcpus[v].vcpu_info_paddr)
			continue;
		if ((vi->paddr >> 12) >= d->mem.ram_frames ||
		    (vi->paddr & 4095) > 4096 - sizeof(struct vcpu_info) ||
		    !memory_phys(&d->mem, vi->paddr, sizeof(struct vcpu_info)))
			return -EINVAL;
	}
	for (uint32_t v = 0; v < d->max_vcpus; v++)
		if (vw->sec[HVM_SEC_VCPUINFO][v])
			d->vcpus[v].vcpu_info_paddr =
				((const struct hvm_save_vcpuinfo *)vw->sec[HVM_SEC_VCPUINFO][v])->paddr;
	return 0;
}

/* vmhv's part: where each of its pages is shown. */
static int xenmap_put(struct hvm_domain *h, uint8_t *blob, size_t cap, size_t *len)
{
	struct hvm_save_xenmap x = { .nr = HVM_XEN_FRAMES };
	uint8_t m[sizeof(x) + sizeof(h->map)];
	int rc;

	memcpy(m, &x, sizeof(x));
	memcpy(m + sizeof(x), h->map, sizeof(h->map));
	rc = hvm_save_put(blob, cap, len, HVM_SEC_XENMAP, 0, m, sizeof(m));
	hdr_set_len(blob, *len);
	return rc;
}

int op_HVM_CONTEXT_GET(struct vmhv *hv, const void *req, size_t len,
		       struct privcmd_reply *rep)
{
	const struct privcmd_domid *r = req;
	struct hvm_ctl m = { .type = HVM_CTL_SAVE };
	uint8_t *buf = NULL;
	size_t cap = sizeof(struct hvm_ctx_reply) + HVM_SAVE_MAX, blen;
	struct hvm_save_view vw;
	const char *why;
	bool stopped;
	int rc, got, susp;
	struct hvm_domain *h = hvm_of(hv, r->domid, &rc);

	(void)len;
	if (!h)
		return rc;
	if (h->pid <= 0 || h->ctl_fd < 0)
		return -EINVAL;           /* never started, or gone */
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	stopped = h->d->pause_count > 0;
	rc = hvm_ctl_send(h, &m, NULL, 0);
	/* A domain that suspended itself (SCHEDOP_shutdown(SHUTDOWN_suspend),
	 * a PV-on-HVM guest asked through xenstore) is saved with that vCPU
	 * parked in the call (the sandbox counts it frozen there, RIP past the
	 * VMCALL): in the blob the call returns 0, a guest that resumes on the
	 * restored domain and sets up its Xen state again; this domain, if it
	 * goes on, gets 1 from domain_resume (a cancelled suspend). */
	susp = h->d->suspended ? (int)h->d->suspend_vcpu : -1;
	if (rc == 0 && stopped)   /* the vCPUs reach their freeze point running */
		syscall(SYS_pidfd_send_signal, h->pidfd, SIGCONT, NULL, 0);
	h->saving = true;
	got = rc < 0 ? rc : save_wait(h, buf, cap);
	h->saving = false;
	if (stopped && h->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, h->pidfd, SIGSTOP, NULL, 0);
	if (got < 0) {
		rc = got;
		log_warn("d%u: the hvm context could not be taken: %s", r->domid, strerror(-rc));
		goto out;
	}
	blen = (size_t)got - sizeof(struct hvm_ctx_reply);
	memmove(buf, buf + sizeof(struct hvm_ctx_reply), blen);
	rc = xenmap_put(h, buf, HVM_SAVE_MAX, &blen);
	if (rc == 0)
		rc = vcpuinfo_put(h, buf, HVM_SAVE_MAX, &blen);
	/* what the sandbox sent is checked as anything it sends */
	if (rc == 0 && hvm_save_check(buf, blen, h->d->max_vcpus, &vw, &why) < 0) {
		log_warn("d%u: the sandbox's hvm context is malformed: %s", r->domid, why);
		rc = -EPROTO;
	}
	if (rc == 0 && susp >= 0 && vw.sec[HVM_SEC_CPU][susp]) {
		struct hvm_save_cpu *c = (struct hvm_save_cpu *)vw.sec[HVM_SEC_CPU][susp];

		c->gpr[0] = 0;   /* rax: SCHEDOP_shutdown(SHUTDOWN_suspend) returns 0 */
	}
	if (rc == 0)
		rc = blen <= rep->cap - rep->len ? 0 : -E2BIG;
	if (rc == 0) {
		memcpy((char *)rep->buf + rep->len, buf, blen);
		rep->len += blen;
	}
out:
	free(buf);
	return rc;
}

/* The restored domain's event channels start masked, as a Linux guest
 * left every port it had not enabled when it suspended (xen_init_IRQ masks
 * them all at boot; its resume does not): a port bound after the restore
 * (a vCPU's spinlock kick IPI, which Linux never enables and only polls)
 * would otherwise deliver an upcall its handler BUG()s on. A guest unmasks
 * each port it enables (EVTCHNOP_unmask or the bit). */
static void restored_events_mask(struct domain *d)
{
	struct shared_info *sh = memory_phys(&d->mem,
					     memory_shared_info_pfn(&d->mem) << MEM_PAGE_SHIFT,
					     sizeof(*sh));

	if (sh)
		memset(sh->evtchn_mask, 0xff, sizeof(sh->evtchn_mask));
}

int op_HVM_CONTEXT_SET(struct vmhv *hv, const void *req, size_t len,
		       struct privcmd_reply *rep)
{
	const struct privcmd_hvm_context *r = req;
	size_t blen = len - sizeof(*r);
	struct hvm_domain *h;
	struct hvm_save_view vw;
	const struct hvm_save_xenmap *xm;
	const char *why;
	void *copy;
	int rc;

	(void)rep;
	h = hvm_of(hv, r->domid, &rc);
	if (!h)
		return rc;
	if (h->d->started)
		return -EBUSY;
	copy = malloc(blen ? blen : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, r + 1, blen);     /* aligned for the check */
	if (hvm_save_check(copy, blen, h->d->max_vcpus, &vw, &why) < 0 ||
	    vw.hdr->nr_vcpus != h->d->max_vcpus) {
		log_warn("d%u: hvm context refused: %s", r->domid,
			 vw.hdr ? "its vCPU count is not the domain's" : why);
		free(copy);
		return -EINVAL;
	}
	xm = vw.sec[HVM_SEC_XENMAP][0];
	for (uint32_t i = 0; xm && i < xm->nr && i < HVM_XEN_FRAMES; i++)
		if (xm->gpfn[i] == HVM_MAP_NONE || xm->gpfn[i] <= HVM_MAP_MAX_GPFN)
			h->map[i] = xm->gpfn[i];
	if (vcpuinfo_set(h, &vw) < 0) {
		log_warn("d%u: hvm context refused: a vcpu_info outside RAM", r->domid);
		free(copy);
		return -EINVAL;
	}
	restored_events_mask(h->d);
	free(h->context);
	h->context = copy;
	h->context_len = blen;
	return 0;
}

int hvm_context_boot(struct hvm_domain *h)
{
	int rc = 0;

	if (!h->context)
		return 0;
	if (send(h->ctl_fd, h->context, h->context_len, MSG_NOSIGNAL) < 0)
		rc = -errno;
	free(h->context);
	h->context = NULL;
	h->context_len = 0;
	return rc;
}
