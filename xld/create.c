/* domain.create as a table of steps run in order; when one fails, the undo
 * of every step that completed runs in reverse order. Each step is small and
 * says what it makes; the op struct carries what later steps and undos need. */
#include "xld/create.h"
#include "xld/xld.h"
#include "xld/domain.h"
#include "xld/defs.h"
#include "xld/dom_xs.h"
#include "xld/monitor.h"
#include "xld/devices.h"
#include "xld/rpc/rpc.h"
#include "libvmctl/domcfg.h"
#include "libvmctl/hv.h"
#include "libvmctl/build_pv.h"
#include "xld/create_hvm.h"
#include "xld/create_hvm_pv.h"
#include "xld/save_hvm.h"
#include "xld/evtchn.h"
#include "xld/xenstore/xenstored.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct create_op {
	struct xld *xld;
	const struct create_args *args;
	struct domcfg_config cfg;
	char *cfg_json;
	uint32_t domid;
	uint64_t console_pfn, store_pfn;
	uint32_t console_port, store_port;
	struct xld_domain *dom;
	/* the error, when a step fails */
	int code;
	char *msg;
	size_t cap;
};

static int fail(struct create_op *op, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct create_op *op, int code, const char *fmt, ...)
{
	va_list ap;

	op->code = code;
	va_start(ap, fmt);
	vsnprintf(op->msg, op->cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* A path from the config, relative to the client's directory. */
static int absolutize(struct create_op *op, char **path)
{
	char *abs;

	if (!*path || (*path)[0] == '/' || !op->args->cwd)
		return 0;
	if (asprintf(&abs, "%s/%s", op->args->cwd, *path) < 0)
		return fail(op, RPC_ERR_RESOURCE, "out of memory");
	free(*path);
	*path = abs;
	return 0;
}

static int parse_config(struct create_op *op)
{
	const struct create_args *a = op->args;
	struct domcfg_msgs msgs;
	char *err = NULL;
	int rc;

	domcfg_msgs_init(&msgs);
	if (a->config_text)
		rc = domcfg_parse_buffer(&op->cfg, a->config_name ? a->config_name : "config",
					 a->config_text, strlen(a->config_text), a->overrides, &msgs);
	else
		rc = domcfg_config_from_json(&op->cfg, a->config_json, &err);
	for (size_t i = 0; i < msgs.num_warnings; i++)
		log_warn("%s", msgs.warnings[i]);
	if (rc < 0)
		fail(op, RPC_ERR_CONFIG, "%s", msgs.error ? msgs.error : err ? err : "invalid configuration");
	else if (domcfg_config_setdefault(&op->cfg, &err) < 0)
		rc = fail(op, RPC_ERR_CONFIG, "%s", err ? err : "invalid configuration");
	domcfg_msgs_dispose(&msgs);
	free(err);
	return rc < 0 ? -1 : 0;
}

static int step_config(struct create_op *op)
{
	struct domcfg_b_info *b = &op->cfg.b_info;

	if (parse_config(op) < 0)
		return -1;
	if (absolutize(op, &b->kernel) < 0 || absolutize(op, &b->ramdisk) < 0)
		return -1;
	for (int i = 0; i < op->cfg.num_disks; i++)
		if (absolutize(op, &op->cfg.disks[i].pdev_path) < 0)
			return -1;
	return 0;
}

static int step_check(struct create_op *op)
{
	struct domcfg_c_info *c = &op->cfg.c_info;
	struct domcfg_b_info *b = &op->cfg.b_info;
	struct privcmd_physinfo phys;
	struct stat st;

	if (!c->name || !xld_domain_name_valid(c->name))
		return fail(op, RPC_ERR_CONFIG, "invalid or missing domain name '%s'",
			    c->name ? c->name : "");
	if (xld_domain_by_name(op->xld, c->name) || strcmp(c->name, "Domain-0") == 0)
		return fail(op, RPC_ERR_EXISTS, "domain '%s' already exists", c->name);
	const struct xld_def *def = xld_def_by_name(op->xld, c->name);
	if (def && memcmp(def->uuid, c->uuid, 16) != 0) /* one name, one domain (defs.h) */
		return fail(op, RPC_ERR_EXISTS, "domain '%s' is defined with another uuid: start it (xl start) or undefine it first",
			    c->name);
	if ((c->type == DOMCFG_TYPE_HVM || c->type == DOMCFG_TYPE_PVH) && !op->args->adopt)
		return create_hvm_check(&op->cfg, op->args->cwd, &op->code, op->msg, op->cap);
	if (c->type == DOMCFG_TYPE_HVM && op->args->adopt)
		return 0;	/* restored (xld/save_hvm.h) */
	if (c->type != DOMCFG_TYPE_PV)
		return fail(op, RPC_ERR_UNSUPPORTED, "type \"%s\" is not supported yet: only PV domains run here",
			    domcfg_domain_type_to_string(c->type));
	if (op->args->adopt)
		return 0;	/* restored: memory comes from the stream, not a kernel */
	if (!b->kernel)
		return fail(op, RPC_ERR_CONFIG, "a PV domain needs a kernel (kernel=\"...\")");
	if (stat(b->kernel, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(op, RPC_ERR_CONFIG, "kernel %s: %s", b->kernel,
			    errno ? strerror(errno) : "not a regular file");
	if (b->ramdisk && stat(b->ramdisk, &st) < 0)
		return fail(op, RPC_ERR_CONFIG, "ramdisk %s: %s", b->ramdisk, strerror(errno));
	if (hv_physinfo(op->xld->hv, &phys) == 0 && b->max_memkb / 4 > phys.free_pages)
		return fail(op, RPC_ERR_RESOURCE,
			    "memory %llu MiB is larger than the host allows (%llu MiB free)",
			    (unsigned long long)(b->max_memkb >> 10),
			    (unsigned long long)(phys.free_pages >> 8));
	return 0;
}

static int step_domain(struct create_op *op)
{
	struct domcfg_b_info *b = &op->cfg.b_info;
	int rc;

	if (op->args->adopt) {
		op->domid = op->args->adopt->domid;
		return 0;
	}
	rc = hv_domain_create(op->xld->hv, op->cfg.c_info.uuid,
			      op->cfg.c_info.type != DOMCFG_TYPE_PV ? PRIVCMD_CREATE_HVM : 0,
			      (uint32_t)b->max_vcpus,
			      b->max_memkb / 4, &op->domid);
	if (rc < 0)
		return fail(op, rc == -ENOMEM ? RPC_ERR_RESOURCE : RPC_ERR_HYPERVISOR,
			    "vmhv cannot create the domain: %s", strerror(-rc));
	log_info("domain %u (%s) created", op->domid, op->cfg.c_info.name);
	return 0;
}

static void undo_domain(struct create_op *op)
{
	hv_domain_destroy(op->xld->hv, op->domid);
}

static int step_build(struct create_op *op)
{
	struct domcfg_b_info *b = &op->cfg.b_info;
	struct build_pv bp = {
		.domid = op->domid,
		.kernel = b->kernel,
		.ramdisk = b->ramdisk,
		.cmdline = b->cmdline,
		.nr_pages = b->target_memkb / 4,
	};
	int rc;

	if (op->args->adopt) {
		op->console_pfn = op->args->adopt->console_pfn;
		op->store_pfn = op->args->adopt->store_pfn;
		op->console_port = op->args->adopt->console_port;
		op->store_port = op->args->adopt->store_port;
		return 0;
	}
	if (op->cfg.c_info.type != DOMCFG_TYPE_PV) {
		struct create_hvm_rings r = { 0 };

		if (create_hvm_build(op->xld->hv, op->domid, &op->cfg, &op->code, op->msg, op->cap) < 0 ||
		    create_hvm_rings(op->xld, op->domid, &op->cfg, &r, &op->code, op->msg, op->cap) < 0)
			return -1;
		op->console_pfn = r.console_pfn;
		op->store_pfn = r.store_pfn;
		op->console_port = r.console_port;
		op->store_port = r.store_port;
		return 0;
	}
	if ((rc = xld_evtchn_alloc_unbound(op->xld, op->domid, &bp.console_evtchn)) < 0 ||
	    (rc = xld_evtchn_alloc_unbound(op->xld, op->domid, &bp.store_evtchn)) < 0)
		return fail(op, RPC_ERR_HYPERVISOR, "cannot allocate event channels: %s", strerror(-rc));
	rc = build_pv(op->xld->hv, &bp);
	if (rc < 0)
		return fail(op, rc == -ENOMEM ? RPC_ERR_RESOURCE : RPC_ERR_CONFIG,
			    "cannot load kernel %s: %s", b->kernel, bp.error);
	op->console_pfn = bp.console_pfn;
	op->store_pfn = bp.store_pfn;
	op->console_port = bp.console_evtchn;
	op->store_port = bp.store_evtchn;
	return 0;
}

/* As libxl writes cpu/<n>/availability. */
unsigned create_online_vcpus(const struct domcfg_b_info *b)
{
	unsigned n = 0;

	for (int i = 0; i < b->max_vcpus; i++)
		if (domcfg_bitmap_test(&b->avail_vcpus, (uint32_t)i))
			n = (unsigned)i + 1;
	return n ? n : (unsigned)b->max_vcpus;
}

static int step_xenstore(struct create_op *op)
{
	struct domcfg_c_info *c = &op->cfg.c_info;
	struct domcfg_b_info *b = &op->cfg.b_info;
	struct dom_xs_info info = {
		.domid = op->domid,
		.name = c->name,
		.uuid = c->uuid,
		.type = domcfg_domain_type_to_string(c->type),
		.max_vcpus = (unsigned)b->max_vcpus,
		.online_vcpus = create_online_vcpus(b),
		.max_kb = b->max_memkb,
		.target_kb = b->target_memkb,
		.store_gfn = op->store_pfn,
		.console_gfn = op->console_pfn,
		.store_port = op->store_port,
		.console_port = op->console_port,
		.kernel = b->kernel,
		.ramdisk = b->ramdisk,
		.cmdline = b->cmdline,
	};
	int rc = dom_xs_make(op->xld, &info);

	if (rc == 0)
		rc = xenstored_domain_introduce(op->xld->xs, op->domid);
	if (rc < 0)
		return fail(op, RPC_INTERNAL_ERROR, "cannot write the domain's xenstore nodes: %s",
			    strerror(-rc));
	return 0;
}

static void undo_xenstore(struct create_op *op)
{
	xenstored_domain_release(op->xld->xs, op->domid);
	dom_xs_remove(op->xld, op->domid, op->cfg.c_info.uuid);
}

/* The table entry, its state file, and the rings it serves. */
static int step_record(struct create_op *op)
{
	struct xld_domain *d;
	int rc;

	op->cfg_json = domcfg_config_to_json(&op->cfg);
	d = op->cfg_json ? xld_domain_new(op->domid, op->cfg.c_info.name, op->cfg.c_info.uuid,
					  op->cfg_json) : NULL;
	if (!d)
		return fail(op, RPC_ERR_RESOURCE, "out of memory");
	d->console_pfn = op->console_pfn;
	d->store_pfn = op->store_pfn;
	d->console_port = op->console_port;
	d->store_port = op->store_port;
	rc = xld_domain_insert(op->xld, d);
	if (rc < 0) {
		xld_domain_free(d);
		return fail(op, RPC_ERR_IO, "cannot write the domain's state file: %s", strerror(-rc));
	}
	op->dom = d;
	rc = xld_domain_attach(op->xld, d);
	if (rc < 0)
		return fail(op, RPC_INTERNAL_ERROR, "cannot serve the domain's console: %s",
			    strerror(-rc));
	return 0;
}

static void undo_record(struct create_op *op)
{
	if (op->dom)
		xld_domain_remove(op->xld, op->dom);
	op->dom = NULL;
}

static int step_devices(struct create_op *op)
{
	char err[512];
	int rc = xld_devices_create(op->xld, op->dom, &op->cfg, err, sizeof(err));

	if (rc < 0)
		return fail(op, rc == -ENOSYS ? RPC_ERR_UNSUPPORTED : RPC_ERR_CONFIG, "%s", err);
	return 0;
}

static void undo_devices(struct create_op *op)
{
	xld_devices_destroy(op->xld, op->dom);
}

/* An hvm domain's device model (xld/create_hvm.c); undone with the devices. */
static int step_devmodel(struct create_op *op)
{
	if (op->cfg.c_info.type != DOMCFG_TYPE_HVM)
		return 0;
	if (create_hvm_devmodel(op->xld, op->dom, &op->cfg, &op->code, op->msg, op->cap) < 0)
		return -1;
	return op->args->adopt ? restore_hvm_devmodel(op->xld, op->dom, op->args->adopt, &op->code,
						      op->msg, op->cap) : 0;
}

static int step_start(struct create_op *op)
{
	int rc;

	if (op->args->paused)
		return 0;
	rc = hv_domain_unpause(op->xld->hv, op->domid);
	if (rc < 0)
		return fail(op, RPC_ERR_HYPERVISOR, "cannot start the domain: %s", strerror(-rc));
	return 0;
}

struct create_step {
	const char *name;
	int (*run)(struct create_op *op);
	void (*undo)(struct create_op *op);
};

/* In the order they run; a failure undoes the completed ones backwards. */
static const struct create_step create_steps[] = {
	{ "config", step_config, NULL },
	{ "check", step_check, NULL },
	{ "domain", step_domain, undo_domain },
	{ "build", step_build, NULL },          /* memory goes with the domain */
	{ "xenstore", step_xenstore, undo_xenstore },
	{ "record", step_record, undo_record },
	{ "devices", step_devices, undo_devices },
	{ "devmodel", step_devmodel, NULL },
	{ "start", step_start, NULL },
};

static void op_init(struct create_op *op, struct xld *xld, const struct create_args *args,
		    int *code, char *msg, size_t cap)
{
	memset(op, 0, sizeof(*op));
	op->xld = xld;
	op->args = args;
	op->msg = msg;
	op->cap = cap;
	domcfg_config_init(&op->cfg);
	(void)code;
}

int xld_create(struct xld *xld, const struct create_args *args, uint32_t *domid,
	       int *code, char *msg, size_t cap)
{
	struct create_op op;
	size_t done = 0;
	int rc = 0;

	op_init(&op, xld, args, code, msg, cap);
	for (; done < ARRAY_SIZE(create_steps); done++) {
		if (create_steps[done].run(&op) < 0) {
			log_warn("create %s: step %s failed: %s", op.cfg.c_info.name ? op.cfg.c_info.name : "?",
				 create_steps[done].name, msg);
			rc = -1;
			break;
		}
	}
	if (rc < 0) {
		while (done-- > 0)
			if (create_steps[done].undo)
				create_steps[done].undo(&op);
		*code = op.code;
	} else {
		*domid = op.domid;
		xld_event(xld, "created", op.dom);
	}
	domcfg_config_dispose(&op.cfg);
	free(op.cfg_json);
	return rc;
}

int xld_create_config(struct xld *xld, const struct create_args *args,
		      struct domcfg_config *cfg, int *code, char *msg, size_t cap)
{
	struct create_op op;
	int rc;

	op_init(&op, xld, args, code, msg, cap);
	rc = step_config(&op);
	if (rc < 0)
		*code = op.code;
	*cfg = op.cfg; /* the caller disposes */
	return rc;
}
