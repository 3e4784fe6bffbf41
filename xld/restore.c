/* The receiver: a stream into a new domain (xld/restore.h,
 * docs/migration-stream.md). The worker reads and checks the whole stream
 * into a paused domain of its own; only then do xld's create steps adopt
 * the domain on the main loop (xenstore, table, rings, devices, start). */
#include "xld/restore.h"
#include "xld/save.h"
#include "xld/save_pvstate.h"
#include "xld/save_hvm.h"
#include "xld/save_worker.h"
#include "xld/create.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/build_hvm.h"
#include "libvmctl/hv.h"
#include "libvmctl/stream.h"
#include "common/log.h"
#include "common/util.h"
#include <vmctl/xen/grant_table.h>
#include <vmctl/xen/shared_info.h>
#include <vmctl/xen/start_info.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE STREAM_PAGE_SIZE

struct restore_op {
	struct save_worker w;
	struct xld *xld;
	int fd;
	struct restore_opts opts;
	/* worker state */
	struct hv *hv;
	struct stream_reader in;
	struct stream_domain sd;
	char *config_json;
	char name[XLD_NAME_MAX];
	uint32_t domid;           /* ours to destroy until create adopts it */
	bool have_domain;
	uint8_t *mem;             /* every frame of the new domain */
	uint64_t nr_frames;
	uint64_t *seen;           /* frames written so far */
	struct stream_pv_info pv;
	struct privcmd_vcpu_regs vcpu_regs[PRIVCMD_MAX_VCPUS];
	uint32_t vcpu_mask;       /* bit per vCPU with a VCPU record */
	bool have_pv;
	struct save_hvm hs;       /* hvm: the context and the emulator state */
	struct create_adopt adopt;
	uint64_t t_end, t_state, t_adopted; /* END read, state set, create steps done */
	/* shared with the main loop */
	bool abort;               /* atomic */
	int rc, code;
	char msg[320];
};

static int failf(struct restore_op *op, int code, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int failf(struct restore_op *op, int code, int rc, const char *fmt, ...)
{
	va_list ap;

	if (op->msg[0])
		return rc;
	op->code = code;
	va_start(ap, fmt);
	vsnprintf(op->msg, sizeof(op->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static int stream_fail(struct restore_op *op, int rc)
{
	return failf(op, rc == -EBADMSG || rc == -ENODATA || rc == -EPROTONOSUPPORT
		     ? RPC_ERR_CONFIG : RPC_ERR_IO, rc, "%s", op->in.error);
}

static int corrupt(struct restore_op *op, const char *what)
{
	return failf(op, RPC_ERR_CONFIG, -EBADMSG, "the stream is corrupt: %s (record %u, byte %llu)",
		     what, op->in.records, (unsigned long long)op->in.bytes);
}

/* The next record, which must be of type `want`. */
static int expect(struct restore_op *op, uint32_t want, const void **body, size_t *len)
{
	uint32_t type;
	int rc = stream_read_record(&op->in, &type, body, len);

	if (rc < 0)
		return stream_fail(op, rc);
	if (type != want) {
		char what[96];

		snprintf(what, sizeof(what), "a %s record where %s was expected",
			 stream_rec_name(type), stream_rec_name(want));
		return corrupt(op, what);
	}
	return 0;
}

/* ---- the head: what domain to make ------------------------------------ */

static int read_config(struct restore_op *op, const void *body, size_t len)
{
	struct domcfg_config cfg;
	char *err = NULL;
	int rc;

	if (len == 0 || len > STREAM_CONFIG_MAX || memchr(body, 0, len))
		return corrupt(op, "the config record is not JSON text");
	op->config_json = strndup(body, len);
	if (!op->config_json)
		return failf(op, RPC_ERR_RESOURCE, -ENOMEM, "out of memory");
	domcfg_config_init(&cfg);
	rc = domcfg_config_from_json(&cfg, op->config_json, &err);
	if (rc == 0 && (!cfg.c_info.name || !xld_domain_name_valid(cfg.c_info.name)))
		rc = -EINVAL;
	if (rc == 0)
		snprintf(op->name, sizeof(op->name), "%s", cfg.c_info.name);
	else
		failf(op, RPC_ERR_CONFIG, -EINVAL, "the stream's domain config is not valid: %s",
		      err ? err : "no valid name");
	free(err);
	domcfg_config_dispose(&cfg);
	return rc < 0 ? -EINVAL : 0;
}

static int read_head(struct restore_op *op)
{
	const void *body;
	size_t len;
	int rc = stream_read_header(&op->in);

	if (rc < 0)
		return stream_fail(op, rc);
	if ((rc = expect(op, STREAM_REC_DOMAIN, &body, &len)) < 0)
		return rc;
	if (len != sizeof(op->sd))
		return corrupt(op, "the domain record has the wrong size");
	memcpy(&op->sd, body, sizeof(op->sd));
	if (op->sd.max_vcpus < 1 || op->sd.max_vcpus > PRIVCMD_MAX_VCPUS ||
	    op->sd.ram_frames < 1 || op->sd.ram_frames > op->sd.max_pages ||
	    op->sd.max_pages > PRIVCMD_MAX_PAGES ||
	    (op->sd.flags != 0 && op->sd.flags != PRIVCMD_CREATE_HVM))
		return corrupt(op, "impossible domain sizes");
	if ((rc = expect(op, STREAM_REC_CONFIG, &body, &len)) < 0)
		return rc;
	return read_config(op, body, len);
}

static int main_name_free(void *arg)
{
	struct restore_op *op = arg;

	return xld_domain_by_name(op->xld, op->name) ? -EEXIST : 0;
}

static int make_domain(struct restore_op *op)
{
	struct privcmd_foreign_map info;
	int memfd = -1;
	int rc = save_worker_call(&op->w, main_name_free, op);

	if (rc < 0)
		return failf(op, RPC_ERR_EXISTS, rc, "domain '%s' already exists", op->name);
	rc = hv_domain_create(op->hv, op->sd.uuid, op->sd.flags, op->sd.max_vcpus, op->sd.max_pages,
			      &op->domid);
	if (rc < 0)
		return failf(op, rc == -ENOMEM ? RPC_ERR_RESOURCE : RPC_ERR_HYPERVISOR, rc,
			     "vmhv cannot create the domain: %s", strerror(-rc));
	op->have_domain = true;
	rc = hv_foreign_map(op->hv, op->domid, &memfd, &info);
	if (rc < 0)
		return failf(op, RPC_ERR_HYPERVISOR, rc, "cannot map the new domain: %s", strerror(-rc));
	if (info.ram_frames != op->sd.ram_frames || info.nr_frames < info.ram_frames + 2) {
		close(memfd);
		return failf(op, RPC_ERR_HYPERVISOR, -EINVAL,
			     "the new domain has %llu RAM frames, the stream %llu",
			     (unsigned long long)info.ram_frames, (unsigned long long)op->sd.ram_frames);
	}
	op->nr_frames = info.nr_frames;
	op->mem = mmap(NULL, info.nr_frames * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	rc = op->mem == MAP_FAILED ? -errno : 0;
	close(memfd);
	op->seen = calloc((op->sd.ram_frames + 63) / 64, sizeof(uint64_t));
	if (rc == 0 && !op->seen)
		rc = -ENOMEM;
	if (rc < 0) {
		op->mem = op->mem == MAP_FAILED ? NULL : op->mem;
		return failf(op, RPC_ERR_RESOURCE, rc, "not enough memory for the domain: cannot map its %llu MiB: %s",
			     (unsigned long long)(info.nr_frames * PAGE >> 20), strerror(-rc));
	}
	return 0;
}

/* ---- the body: pages and state ---------------------------------------- */

/* Allocate the batch's frames in one call rather than one page fault each
 * (a batch is usually a run of frames; half the restore time otherwise). */
static void populate(struct restore_op *op, const uint64_t *ents, uint32_t n)
{
#ifdef MADV_POPULATE_WRITE
	uint64_t lo = UINT64_MAX, hi = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t pfn = ents[i] & STREAM_PFN_MASK;

		if (ents[i] & STREAM_PFN_ZERO)
			continue;
		lo = pfn < lo ? pfn : lo;
		hi = pfn > hi ? pfn : hi;
	}
	if (lo <= hi && hi < op->sd.ram_frames && hi - lo < 2 * (uint64_t)n)
		madvise(op->mem + lo * PAGE, (hi - lo + 1) * PAGE, MADV_POPULATE_WRITE);
#else
	(void)op, (void)ents, (void)n;
#endif
}

static int load_pages(struct restore_op *op, const void *body, size_t len)
{
	const uint64_t *ents;
	const uint8_t *data;
	uint32_t n;
	int rc = stream_pages_parse(&op->in, body, len, &n, &ents, &data);

	if (rc < 0)
		return stream_fail(op, rc);
	populate(op, ents, n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pfn = ents[i] & STREAM_PFN_MASK;
		uint64_t bit = 1ull << (pfn % 64);

		if (pfn >= op->sd.ram_frames || (ents[i] & ~(STREAM_PFN_MASK | STREAM_PFN_ZERO)))
			return corrupt(op, "a page outside the domain's RAM");
		if (!(ents[i] & STREAM_PFN_ZERO)) {
			memcpy(op->mem + pfn * PAGE, data, PAGE);
			data += PAGE;
		} else if (op->seen[pfn / 64] & bit) {
			memset(op->mem + pfn * PAGE, 0, PAGE);	/* else still zero */
		}
		op->seen[pfn / 64] |= bit;
	}
	return 0;
}

static int load_fixed(struct restore_op *op, void *dst, size_t size, const void *body,
		      size_t len, bool *have)
{
	if (len != size || *have)
		return corrupt(op, "a state record of the wrong size, or twice");
	memcpy(dst, body, size);
	*have = true;
	return 0;
}

/* One record per vCPU carried: vCPU 0 (the suspending one) first, then the
 * secondaries parked in VCPUOP_down, each once and within max_vcpus. */
static int load_vcpu(struct restore_op *op, const void *body, size_t len)
{
	struct stream_vcpu v;

	if (len != sizeof(v))
		return corrupt(op, "a vCPU record of the wrong size");
	memcpy(&v, body, sizeof(v));
	if (v.vcpu >= op->sd.max_vcpus || (op->vcpu_mask & (1u << v.vcpu)) ||
	    (v.vcpu != 0 && !(op->vcpu_mask & 1u)))
		return corrupt(op, "a vCPU record out of range, out of order or twice");
	op->vcpu_regs[v.vcpu] = v.regs;
	op->vcpu_mask |= 1u << v.vcpu;
	return 0;
}

static int load_params(struct restore_op *op, const void *body, size_t len)
{
	const struct stream_hvm_param *p = body;

	if (len % sizeof(*p))
		return corrupt(op, "a partial HVM parameter");
	for (size_t i = 0; i < len / sizeof(*p); i++) {
		int rc = p[i].index < PRIVCMD_HVM_NR_PARAMS
			? hv_hvm_param_set(op->hv, op->domid, p[i].index, p[i].value) : -EINVAL;

		if (rc < 0)
			return failf(op, RPC_ERR_HYPERVISOR, rc, "HVM parameter %u: %s", p[i].index,
				     strerror(-rc));
	}
	return 0;
}

static bool is_hvm(const struct restore_op *op)
{
	return op->sd.flags & PRIVCMD_CREATE_HVM;
}

/* HVM_CONTEXT (once) and EMULATOR (any number, concatenated): hvm only. */
static int load_hvm(struct restore_op *op, uint32_t type, const void *body, size_t len)
{
	if (!is_hvm(op))
		return corrupt(op, "hvm state in the stream of a pv domain");
	if (type == STREAM_REC_EMULATOR)
		return save_hvm_add_emulator(&op->hs, body, len) < 0
			? corrupt(op, "the device model's state is too large") : 0;
	if (op->hs.ctx || len == 0 || len > STREAM_HVM_CONTEXT_MAX - 8)
		return corrupt(op, "an hvm context record twice or of an impossible size");
	op->hs.ctx = malloc(len);
	if (!op->hs.ctx)
		return failf(op, RPC_ERR_RESOURCE, -ENOMEM, "out of memory");
	memcpy(op->hs.ctx, body, len);
	op->hs.ctx_len = len;
	return 0;
}

static int body_complete(struct restore_op *op)
{
	if (is_hvm(op))
		return op->hs.ctx ? 0 : corrupt(op, "the stream ends without the hvm context");
	return op->have_pv && (op->vcpu_mask & 1u) ? 0
		: corrupt(op, "the stream ends without the vCPU state");
}

static int read_body(struct restore_op *op)
{
	for (;;) {
		const void *body;
		size_t len;
		uint32_t type;
		int rc = stream_read_record(&op->in, &type, &body, &len);

		if (rc < 0)
			return stream_fail(op, rc);
		if (__atomic_load_n(&op->abort, __ATOMIC_RELAXED))
			return failf(op, RPC_ERR_IO, -ECANCELED, "cancelled");
		switch (type) {
		case STREAM_REC_PAGES: rc = load_pages(op, body, len); break;
		case STREAM_REC_ROUND: break;
		case STREAM_REC_PV_INFO:
			rc = load_fixed(op, &op->pv, sizeof(op->pv), body, len, &op->have_pv);
			break;
		case STREAM_REC_VCPU: rc = load_vcpu(op, body, len); break;
		case STREAM_REC_PV_STATE:
			rc = pvstate_load(op->hv, op->domid, body, len);
			if (rc < 0)
				rc = rc == -EINVAL ? corrupt(op, "a pv state vmhv refuses")
						   : failf(op, RPC_ERR_HYPERVISOR, rc, "cannot set the pv state: %s",
							   strerror(-rc));
			break;
		case STREAM_REC_HVM_PARAMS: rc = load_params(op, body, len); break;
		case STREAM_REC_HVM_CONTEXT:
		case STREAM_REC_EMULATOR: rc = load_hvm(op, type, body, len); break;
		case STREAM_REC_END: return body_complete(op);
		default: rc = corrupt(op, "a record out of order"); break;
		}
		if (rc < 0)
			return rc;
	}
}

/* ---- fixing the new domain up (Xen's restore does the same) ----------- */

static int fix_start_info(struct restore_op *op)
{
	struct start_info *si;
	uint64_t frames = op->sd.ram_frames;
	int rc;

	if (op->pv.start_info_pfn >= frames || op->pv.store_pfn >= frames ||
	    op->pv.console_pfn >= frames)
		return corrupt(op, "the pv state names frames outside RAM");
	si = (struct start_info *)(op->mem + op->pv.start_info_pfn * PAGE);
	if (strncmp(si->magic, "xen-", 4) != 0)
		return corrupt(op, "no start_info where the guest said it was");
	op->adopt = (struct create_adopt){ .domid = op->domid, .console_pfn = op->pv.console_pfn,
					   .store_pfn = op->pv.store_pfn };
	rc = hv_evtchn_alloc_unbound(op->hv, op->domid, 0, &op->adopt.console_port);
	if (rc == 0)
		rc = hv_evtchn_alloc_unbound(op->hv, op->domid, 0, &op->adopt.store_port);
	if (rc < 0)
		return failf(op, RPC_ERR_HYPERVISOR, rc, "cannot allocate event channels: %s",
			     strerror(-rc));
	si->store_mfn = op->pv.store_pfn;
	si->store_evtchn = op->adopt.store_port;
	si->console.domU.mfn = op->pv.console_pfn;
	si->console.domU.evtchn = op->adopt.console_port;
	si->shared_info = frames * PAGE;
	return 0;
}

/* shared_info starts with every upcall masked; dom0's backends find the
 * rings through grant refs 0 and 1, as the builder leaves them. */
static void seed_hypervisor_frames(struct restore_op *op)
{
	shared_info_t *sh = (shared_info_t *)(op->mem + op->sd.ram_frames * PAGE);
	grant_entry_v1_t *g = (grant_entry_v1_t *)(op->mem + (op->sd.ram_frames + 1) * PAGE);

	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
		sh->vcpu_info[i].evtchn_upcall_mask = 1;
	g[GNTTAB_RESERVED_CONSOLE] = (grant_entry_v1_t){
		.flags = GTF_permit_access, .domid = 0, .frame = (uint32_t)op->pv.console_pfn };
	g[GNTTAB_RESERVED_XENSTORE] = (grant_entry_v1_t){
		.flags = GTF_permit_access, .domid = 0, .frame = (uint32_t)op->pv.store_pfn };
}

/* An hvm domain: its context (vmhv checks it: a corrupt one is refused
 * here, before anything runs), new xenstore and console event channels
 * and rings as xl create makes them, the emulator state for the device
 * model the create steps start. */
static int set_state_hvm(struct restore_op *op)
{
	struct build_hvm_rings r = { 0 };
	int rc = save_hvm_set_context(op->hv, op->domid, op->hs.ctx, op->hs.ctx_len);

	if (rc < 0)
		return failf(op, rc == -EINVAL ? RPC_ERR_CONFIG : RPC_ERR_HYPERVISOR, rc,
			     "vmhv refuses the stream's hvm context: %s%s", strerror(-rc),
			     rc == -EINVAL ? " (corrupt, or for another vCPU count)" : "");
	rc = hv_evtchn_alloc_unbound(op->hv, op->domid, 0, &r.store_evtchn);
	if (rc == 0)
		rc = hv_evtchn_alloc_unbound(op->hv, op->domid, 0, &r.console_evtchn);
	if (rc == 0)
		rc = build_hvm_rings(op->hv, op->domid, &r);
	if (rc < 0)
		return failf(op, RPC_ERR_HYPERVISOR, rc, "cannot give the domain its rings: %s",
			     strerror(-rc));
	op->adopt = (struct create_adopt){
		.domid = op->domid, .console_pfn = r.console_frame, .store_pfn = r.store_frame,
		.console_port = r.console_evtchn, .store_port = r.store_evtchn,
		.dm_state = op->hs.dm, .dm_state_len = op->hs.dm_len,
	};
	return 0;
}

static int set_state(struct restore_op *op)
{
	int rc;

	if (is_hvm(op))
		return set_state_hvm(op);
	rc = fix_start_info(op);

	if (rc < 0)
		return rc;
	seed_hypervisor_frames(op);
	if (op->pv.time_offset_s && (rc = hv_settimeoffset(op->hv, op->domid, op->pv.time_offset_s)) < 0)
		return failf(op, RPC_ERR_HYPERVISOR, rc, "cannot set the wall clock: %s", strerror(-rc));
	for (uint32_t i = 0; i < op->sd.max_vcpus; i++) {
		if (!(op->vcpu_mask & (1u << i)))
			continue;
		rc = hv_setvcpucontext(op->hv, op->domid, i, &op->vcpu_regs[i]);
		if (rc < 0)
			return failf(op, RPC_ERR_HYPERVISOR, rc, "cannot set vCPU %u: %s", i,
				     strerror(-rc));
	}
	return 0;
}

/* ---- handing over ----------------------------------------------------- */

static int main_report(void *arg);

/* On success the result is reported here, in the same turn of the main
 * loop: a migration's READY leaves without another thread switch. */
static int main_adopt(void *arg)
{
	struct restore_op *op = arg;
	struct create_args args = {
		.config_json = op->config_json, .config_name = op->name,
		.paused = op->opts.paused, .adopt = &op->adopt,
	};
	uint32_t domid;
	int code = 0;
	int rc = xld_create(op->xld, &args, &domid, &code, op->msg, sizeof(op->msg));

	op->t_adopted = now_ns();
	if (rc < 0) {
		op->code = code;
		return rc;
	}
	op->rc = 0;
	return main_report(op);
}

static void restore_body(struct save_worker *w)
{
	struct restore_op *op = w->owner;
	int rc = hv_open(op->xld->opt.rundir, &op->hv);

	if (rc < 0)
		failf(op, RPC_ERR_HYPERVISOR, rc, "cannot reach vmhv: %s", strerror(-rc));
	if (rc == 0)
		rc = read_head(op);
	if (rc == 0)
		rc = make_domain(op);
	if (rc == 0)
		rc = read_body(op);
	op->t_end = now_ns();
	if (rc == 0)
		rc = set_state(op);
	op->t_state = now_ns();
	if (rc == 0) {
		rc = save_worker_call(&op->w, main_adopt, op);
		/* A failed create undoes what it made; a domain it never
		 * adopted (e.g. the name was taken meanwhile) is still ours. */
		if (rc < 0 && !op->msg[0])
			failf(op, RPC_INTERNAL_ERROR, -EIO, "the domain could not be set up");
	}
	if (rc < 0) {
		if (op->have_domain)
			hv_domain_destroy(op->hv, op->domid);
		op->rc = rc;
		save_worker_call(&op->w, main_report, op);
	}
	/* Unmapped only after the report: it takes milliseconds that a
	 * migration counts as downtime. */
	if (op->mem)
		munmap(op->mem, op->nr_frames * PAGE);
	op->mem = NULL;
	hv_close(op->hv);
}

static void restore_tick(struct save_worker *w)
{
	struct restore_op *op = w->owner;
	struct save_progress p = { .total = op->opts.total_hint };

	if (!op->opts.progress)
		return;
	p.bytes = __atomic_load_n(&op->in.bytes, __ATOMIC_RELAXED);
	op->opts.progress(op->opts.arg, &p);
}

/* On the main loop, once the domain runs (or paused) or the restore failed. */
static int main_report(void *arg)
{
	struct restore_op *op = arg;

	if (op->rc < 0)
		log_warn("restore failed: %s", op->msg);
	else
		log_info("domain %u (%s) restored from %llu bytes; after its end: state %.1f ms, "
			 "devices %.1f ms", op->domid, op->name, (unsigned long long)op->in.bytes,
			 (op->t_state - op->t_end) / 1e6, (op->t_adopted - op->t_state) / 1e6);
	if (op->opts.done)
		op->opts.done(op->opts.arg, op->rc, op->code, op->msg, op->domid);
	/* opts.arg may be gone now; the worker is still cleaning up. */
	op->opts.done = NULL;
	op->opts.progress = NULL;
	return 0;
}

static void restore_finish(struct save_worker *w)
{
	struct restore_op *op = w->owner;

	stream_reader_dispose(&op->in);
	save_hvm_dispose(&op->hs);
	free(op->seen);
	free(op->config_json);
	free(op);
}

int restore_domain_from_fd(struct xld *xld, int fd, const struct restore_opts *opts,
			   struct restore_op **out)
{
	struct restore_op *op = calloc(1, sizeof(*op));
	int rc;

	if (!op)
		return -ENOMEM;
	op->xld = xld;
	op->fd = fd;
	op->opts = *opts;
	stream_reader_init(&op->in, fd);
	op->w = (struct save_worker){ .body = restore_body, .finish = restore_finish,
				      .tick = restore_tick, .owner = op };
	rc = save_worker_start(&op->w, xld);
	if (rc < 0) {
		free(op);
		return rc;
	}
	if (out)
		*out = op;
	return 0;
}

void restore_abort(struct restore_op *op)
{
	__atomic_store_n(&op->abort, true, __ATOMIC_RELAXED);
}
