/* Writing and removing a domain's XenStore nodes. */
#include "xld/dom_xs.h"
#include "xld/xld.h"
#include "xld/xenstore/xenstored.h"
#include "common/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

struct xs_batch {
	struct xld *xld;
	int rc;                 /* first error; later writes are skipped */
};

/* One node: a value (value != NULL) or a directory with permissions. */
static void node(struct xs_batch *b, const char *value, const char *perm,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static void node(struct xs_batch *b, const char *value, const char *perm,
		 const char *fmt, va_list ap)
{
	char path[256];

	if (b->rc < 0)
		return;
	vsnprintf(path, sizeof(path), fmt, ap);
	if (value) {
		b->rc = xenstored_write(b->xld->xs, path, value, strlen(value));
		return;
	}
	b->rc = xenstored_mkdir(b->xld->xs, path);
	if (b->rc == 0)
		b->rc = xenstored_set_perms(b->xld->xs, path, perm);
}

static void put(struct xs_batch *b, const char *value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put(struct xs_batch *b, const char *value, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	node(b, value, NULL, fmt, ap);
	va_end(ap);
}

static void perms(struct xs_batch *b, const char *perm, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void perms(struct xs_batch *b, const char *perm, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	node(b, NULL, perm, fmt, ap);
	va_end(ap);
}

static const char *num(char *buf, uint64_t v)
{
	sprintf(buf, "%" PRIu64, v);
	return buf;
}

/* The nodes under /local/domain/<id> the guest may write (libxl's list). */
static const char *const guest_writable[] = {
	"control/shutdown", "control/feature-poweroff", "control/feature-reboot",
	"control/feature-suspend", "control/sysrq", "data", "drivers", "feature",
	"attr", "error", "device/suspend/event-channel",
};

static void make_local(struct xs_batch *b, const struct dom_xs_info *i, const char *uuid)
{
	const char *dp = "/local/domain";
	char n[64], own[32];
	uint32_t id = i->domid;

	snprintf(own, sizeof(own), "n0 r%u", id);
	perms(b, own, "%s/%u", dp, id);
	snprintf(n, sizeof(n), "/vm/%s", uuid);
	put(b, n, "%s/%u/vm", dp, id);
	put(b, i->name, "%s/%u/name", dp, id);
	put(b, num(n, id), "%s/%u/domid", dp, id);
	for (unsigned c = 0; c < i->max_vcpus; c++)
		put(b, c < i->online_vcpus ? "online" : "offline", "%s/%u/cpu/%u/availability", dp, id, c);
	put(b, num(n, i->max_kb), "%s/%u/memory/static-max", dp, id);
	put(b, num(n, i->target_kb), "%s/%u/memory/target", dp, id);
	put(b, "0", "%s/%u/memory/videoram", dp, id);
	put(b, num(n, i->store_port), "%s/%u/store/port", dp, id);
	put(b, num(n, i->store_gfn), "%s/%u/store/ring-ref", dp, id);
	put(b, "", "%s/%u/control/shutdown", dp, id);
	put(b, "1", "%s/%u/control/platform-feature-multiprocessor-suspend", dp, id);
	put(b, "1", "%s/%u/control/platform-feature-xs_reset_watches", dp, id);
	for (size_t w = 0; w < sizeof(guest_writable) / sizeof(guest_writable[0]); w++) {
		snprintf(own, sizeof(own), "n%u", id);
		perms(b, own, "%s/%u/%s", dp, id, guest_writable[w]);
	}
	snprintf(own, sizeof(own), "n0 r%u", id);
	perms(b, own, "%s/%u/device", dp, id);
}

/* console 0: the frontend dir is the backend's, the guest may only read it. */
static void make_console(struct xs_batch *b, const struct dom_xs_info *i)
{
	const char *dp = "/local/domain";
	char n[64], perm[32];
	uint32_t id = i->domid;

	snprintf(perm, sizeof(perm), "n0 r%u", id);
	perms(b, perm, "%s/%u/console", dp, id);
	snprintf(n, sizeof(n), "/local/domain/0/backend/console/%u/0", id);
	put(b, n, "%s/%u/console/backend", dp, id);
	put(b, "0", "%s/%u/console/backend-id", dp, id);
	put(b, "1048576", "%s/%u/console/limit", dp, id);
	put(b, "xenconsoled", "%s/%u/console/type", dp, id);
	put(b, "pty", "%s/%u/console/output", dp, id);
	put(b, num(n, i->console_port), "%s/%u/console/port", dp, id);
	put(b, num(n, i->console_gfn), "%s/%u/console/ring-ref", dp, id);
	put(b, "1", "%s/%u/console/state", dp, id);
	put(b, "vt100", "%s/%u/console/protocol", dp, id);
}

static void make_vm(struct xs_batch *b, const struct dom_xs_info *i, const char *uuid)
{
	char n[32];

	perms(b, "n0", "/vm/%s", uuid);
	put(b, uuid, "/vm/%s/uuid", uuid);
	put(b, i->name, "/vm/%s/name", uuid);
	put(b, num(n, (uint64_t)time(NULL)), "/vm/%s/start_time", uuid);
	put(b, strcmp(i->type, "hvm") == 0 ? "hvm" : "linux", "/vm/%s/image/ostype", uuid);
	put(b, i->kernel ? i->kernel : "", "/vm/%s/image/kernel", uuid);
	put(b, i->ramdisk ? i->ramdisk : "", "/vm/%s/image/ramdisk", uuid);
	put(b, i->cmdline ? i->cmdline : "", "/vm/%s/image/cmdline", uuid);
	put(b, "0", "/vm/%s/rtc/timeoffset", uuid);
	perms(b, "n0", "/libxl/%u", i->domid);
	put(b, i->type, "/libxl/%u/type", i->domid);
}

int dom_xs_make(struct xld *xld, const struct dom_xs_info *info)
{
	struct xs_batch b = { .xld = xld };
	char uuid[37];

	uuid_unparse_lower(info->uuid, uuid);
	make_local(&b, info, uuid);
	make_console(&b, info);
	make_vm(&b, info, uuid);
	if (b.rc < 0) {
		log_error("domain %u: cannot write its xenstore nodes: %s", info->domid, strerror(-b.rc));
		dom_xs_remove(xld, info->domid, info->uuid);
	}
	return b.rc;
}

void dom_xs_remove(struct xld *xld, uint32_t domid, const uint8_t uuid[16])
{
	char path[96], us[37];

	uuid_unparse_lower(uuid, us);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	xenstored_rm(xld->xs, path);
	snprintf(path, sizeof(path), "/vm/%s", us);
	xenstored_rm(xld->xs, path);
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	xenstored_rm(xld->xs, path);
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u", domid);
	xenstored_rm(xld->xs, path);
}

int dom_xs_dom0(struct xld *xld)
{
	struct xs_batch b = { .xld = xld };

	put(&b, "Domain-0", "/local/domain/0/name");
	put(&b, "0", "/local/domain/0/domid");
	return b.rc;
}
