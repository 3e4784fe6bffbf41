/* The HVM (and PVH) steps of domain.create (see create_hvm.h). A PVH
 * domain boots its kernel= through Xen's PVH entry (ramdisk= as module 0).
 * An HVM domain's boot image, in this order: firmware_override= (an ELF entered in flat 32-bit mode, as Xen
 * starts hvmloader); kernel= (a multiboot kernel, ramdisk= its module,
 * cmdline= its command line; a Linux bzImage instead boots through
 * SeaBIOS and the device model's fw_cfg, as on QEMU); else the BIOS:
 * bios_path_override= or Debian's SeaBIOS. */
#include "xld/create_hvm.h"
#include "xld/create_hvm_nic.h"
#include "xld/create.h"

#include "libvmctl/build_hvm.h"
#include "libvmctl/domcfg.h"
#include "xld/console.h"
#include "xld/dev/dev.h"
#include "xld/dev/vfb.h"
#include "xld/domain.h"
#include "xld/hvm_dm.h"
#include "xld/rpc/rpc.h"
#include "xld/supervise.h"
#include "xld/xld.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <uuid/uuid.h>
#include <unistd.h>

#define DM_READY_WAIT_MS 10000   /* a device model that is not serving by then failed */

static int fail(int *code, int c, char *msg, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(int *code, int c, char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	*code = c;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return -1;
}

static int absolute(char **path, const char *cwd)
{
	char *abs;

	if (!*path || (*path)[0] == '/' || !cwd)
		return 0;
	if (asprintf(&abs, "%s/%s", cwd, *path) < 0)
		return -ENOMEM;
	free(*path);
	*path = abs;
	return 0;
}

static int file_check(const char *what, const char *path, int *code, char *msg, size_t cap)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return fail(code, RPC_ERR_CONFIG, msg, cap, "%s %s: %s", what, path,
			    errno ? strerror(errno) : "not a regular file");
	return 0;
}

static const char *bios_path(const struct domcfg_config *cfg)
{
	return cfg->b_info.hvm.system_firmware ? cfg->b_info.hvm.system_firmware
					       : CREATE_HVM_SEABIOS;
}

/* A Linux bzImage: the boot protocol's "HdrS" at 0x202. It boots like on
 * QEMU: SeaBIOS runs the linuxboot option ROM, which loads the kernel,
 * initrd and command line the device model offers in fw_cfg. */
static bool is_bzimage(const char *path)
{
	char magic[4];
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	bool yes = fd >= 0 && pread(fd, magic, 4, 0x202) == 4 && !memcmp(magic, "HdrS", 4);

	if (fd >= 0)
		close(fd);
	return yes;
}

static bool direct_linux(const struct domcfg_config *cfg)
{
	return !cfg->b_info.hvm.firmware && is_bzimage(cfg->b_info.kernel);
}

int create_hvm_check(struct domcfg_config *cfg, const char *cwd, int *code, char *msg,
		     size_t cap)
{
	struct domcfg_b_info *b = &cfg->b_info;

	if (cfg->c_info.type == DOMCFG_TYPE_PVH) {
		if (!b->kernel)
			return fail(code, RPC_ERR_CONFIG, msg, cap,
				    "a PVH domain needs a kernel (kernel=\"...\")");
		if (file_check("kernel", b->kernel, code, msg, cap) < 0)
			return -1;
		return b->ramdisk ? file_check("ramdisk", b->ramdisk, code, msg, cap) : 0;
	}
	if (absolute(&b->hvm.firmware, cwd) < 0 || absolute(&b->hvm.system_firmware, cwd) < 0)
		return fail(code, RPC_ERR_RESOURCE, msg, cap, "out of memory");
	if (b->hvm.firmware)
		return file_check("firmware_override", b->hvm.firmware, code, msg, cap);
	if (absolute(&b->kernel, cwd) < 0 || absolute(&b->ramdisk, cwd) < 0)
		return fail(code, RPC_ERR_RESOURCE, msg, cap, "out of memory");
	if (b->kernel) {
		if (file_check("kernel", b->kernel, code, msg, cap) < 0)
			return -1;
		if (b->ramdisk && file_check("ramdisk", b->ramdisk, code, msg, cap) < 0)
			return -1;
		if (!direct_linux(cfg))
			return 0;
		if (file_check("the linuxboot option ROM", CREATE_HVM_LINUXBOOT, code, msg,
			       cap) < 0) {
			snprintf(msg + strlen(msg), cap - strlen(msg),
				 " (a bzImage kernel= needs Debian's qemu-system-data)");
			return -1;
		}
	}
	if (file_check("BIOS", bios_path(cfg), code, msg, cap) < 0) {
		if (!b->hvm.system_firmware)
			snprintf(msg + strlen(msg), cap - strlen(msg),
				 " (install Debian's seabios, or give firmware_override=)");
		return -1;
	}
	return 0;
}

int create_hvm_build(struct hv *hv, uint32_t domid, const struct domcfg_config *cfg,
		     int *code, char *msg, size_t cap)
{
	const struct domcfg_b_info *b = &cfg->b_info;
	struct build_hvm bh = { .domid = domid };
	int rc;

	if (cfg->c_info.type == DOMCFG_TYPE_PVH) {
		bh.kernel = b->kernel;
		bh.module = b->ramdisk;
		bh.cmdline = b->cmdline;
		bh.pvh = 1;
	} else if (b->hvm.firmware) {
		bh.firmware = b->hvm.firmware;
	} else if (b->kernel && !direct_linux(cfg)) {
		bh.kernel = b->kernel;
		bh.module = b->ramdisk;
		bh.cmdline = b->cmdline;
	} else {
		bh.bios = bios_path(cfg);
	}
	rc = build_hvm(hv, &bh);
	if (rc < 0)
		return fail(code, rc == -ENOMEM ? RPC_ERR_RESOURCE : RPC_ERR_CONFIG, msg, cap,
			    "cannot build the hvm domain: %s", bh.error);
	return 0;
}

/* ---- the device model ---- */

#define DM_ARGS_MAX (29 + 2 * 4 + 8)   /* + a bzImage's four options */
#define DM_VGABIOS "/usr/share/seabios/vgabios-stdvga.bin"

/* vnc= of an hvm domain: pvfb-vnc shows the device model's VGA. On by
 * default as with xl (domcfg_config_setdefault: vnclisten 127.0.0.1, the
 * first free display); vga="none" leaves no screen to show. */
static bool dm_vnc(const struct domcfg_b_info *b)
{
	return domcfg_defbool_val(b->hvm.vnc.enable, true) && b->hvm.vga.kind != DOMCFG_VGA_NONE;
}

/* videoram= in MiB as the device model takes it: a power of two, 16 by
 * default, 4 to 256. */
static unsigned dm_vram_mb(const struct domcfg_b_info *b)
{
	uint64_t want = b->video_memkb == (uint64_t)DOMCFG_MEMKB_DEFAULT ? 16 : b->video_memkb >> 10;
	unsigned mb = 4;

	while (mb < want && mb < 256)
		mb <<= 1;
	return mb;
}

/* argv for vmctl-devmodel; strings in `own` are freed by the caller. */
static void dm_argv(struct xld *xld, const struct domcfg_config *cfg, uint32_t domid,
		    char *prog, char **argv, char **own)
{
	const struct domcfg_b_info *b = &cfg->b_info;
	int n = 0, o = 0;

	argv[n++] = prog;
	argv[n++] = "--domid";
	if (asprintf(&own[o], "%u", domid) > 0)
		argv[n++] = own[o++];
	argv[n++] = "--rundir";
	argv[n++] = (char *)xld->opt.rundir;
	argv[n++] = "--vcpus";
	if (asprintf(&own[o], "%d", b->max_vcpus) > 0)
		argv[n++] = own[o++];
	argv[n++] = "--vcpus-online";
	if (asprintf(&own[o], "%u", create_online_vcpus(b)) > 0)
		argv[n++] = own[o++];
	argv[n++] = "--serial";
	argv[n++] = "pty";
	if ((own[o] = malloc(37))) {
		uuid_unparse_lower(cfg->c_info.uuid, own[o]);
		argv[n++] = "--uuid";
		argv[n++] = own[o++];
	}
	if (domcfg_defbool_val(b->acpi, true))
		argv[n++] = "--acpi";
	if (b->hvm.boot) {
		argv[n++] = "--boot";
		argv[n++] = b->hvm.boot;
	}
	/* The Xen platform device (the device model's default) unless
	 * xen_platform_pci=0: PV drivers find it and unplug the emulated disks
	 * and NICs (docs/hvm.md "PV-on-HVM"). */
	if (!domcfg_defbool_val(b->hvm.xen_platform_pci, true))
		argv[n++] = "--no-platform";
	/* std-VGA (the only model: "cirrus" gets it too) with a VNC screen or
	 * when asked for (vga="stdvga", stdvga=1); none with vga="none". */
	if ((b->hvm.vga.kind == DOMCFG_VGA_STD || dm_vnc(b)) &&
	    asprintf(&own[o], "%u", dm_vram_mb(b)) > 0) {
		argv[n++] = "--vram-mb";
		argv[n++] = own[o++];
		if (access(DM_VGABIOS, R_OK) == 0) {
			argv[n++] = "--vgabios";
			argv[n++] = DM_VGABIOS;
		}
	}
	for (int i = 0; i < cfg->num_disks && i < 4; i++) {
		const struct domcfg_disk *dk = &cfg->disks[i];

		if (!dk->pdev_path || asprintf(&own[o], "%d:%s%s%s", i, dk->pdev_path,
					       dk->is_cdrom ? ":cdrom" : "",
					       dk->readwrite ? "" : ":ro") < 0)
			continue;
		argv[n++] = "--disk";
		argv[n++] = own[o++];
	}
	if (direct_linux(cfg)) {
		argv[n++] = "--kernel";
		argv[n++] = b->kernel;
		if (b->ramdisk) {
			argv[n++] = "--initrd";
			argv[n++] = b->ramdisk;
		}
		argv[n++] = "--cmdline";
		argv[n++] = b->cmdline ? b->cmdline : "";
		argv[n++] = "--linuxboot-rom";
		argv[n++] = CREATE_HVM_LINUXBOOT;
	}
	argv[n] = NULL;
}

/* ---- its VNC server ---- */

static void vnc_detach(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	vfb_hvm_stop(xld, dev->priv, 0);
	dev->priv = NULL;
}

/* xld stops, the domain stays: keep the nodes (the device model stops too). */
static void vnc_release(struct xld *xld, struct xld_domain *d, struct xld_dev *dev)
{
	vfb_hvm_stop(xld, dev->priv, 1);
	dev->priv = NULL;
}

/* Not in kinds.def either: started after the device model, and stopped
 * before it (the device list is last in, first out). */
static const struct dev_ops dm_vnc_ops = {
	.kind = "vnc",
	.detach = vnc_detach,
	.release = vnc_release,
};

static int dm_vnc_start(struct xld *xld, struct xld_domain *d, const struct domcfg_config *cfg,
			int *code, char *msg, size_t cap)
{
	struct xld_dev *dev = calloc(1, sizeof(*dev));
	struct vfb *f = NULL;

	if (!dev)
		return fail(code, RPC_ERR_RESOURCE, msg, cap, "out of memory");
	if (vfb_hvm_start(xld, d->domid, &cfg->b_info.hvm, &f, msg, cap) < 0) {
		free(dev);
		*code = RPC_ERR_RESOURCE;
		return -1;
	}
	dev->ops = &dm_vnc_ops;
	dev->domid = d->domid;
	dev->priv = f;
	dev->next = d->devs;
	d->devs = dev;
	return 0;
}

/* The device model logs "domain N: serving" once it serves ioreqs (its
 * --ready-fd wants a descriptor >= 3, which supervise_start does not pass):
 * only then may the domain run. */
static int dm_wait_ready(struct xld_child *c, const char *logpath, uint32_t domid)
{
	char want[48];

	snprintf(want, sizeof(want), "domain %u: serving", domid);
	for (int ms = 0; ms < DM_READY_WAIT_MS; ms += 20) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		char buf[16384];
		int fd = open(logpath, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			if (strstr(buf, want))
				return 0;
		}
		if (ms > 1000 && !supervise_pid(c))
			return -ECHILD;   /* it died (and waits to be restarted) */
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

int create_hvm_devmodel(struct xld *xld, struct xld_domain *d, const struct domcfg_config *cfg,
			int *code, char *msg, size_t cap)
{
	char *prog = supervise_program("VMCTL_DEVMODEL", "devmodel", "vmctl-devmodel");
	char *argv[DM_ARGS_MAX + 2 * HVM_NICS_MAX], *own[10] = { 0 }, *logpath = NULL;
	char *logdir = NULL;
	struct hvm_nics nics = { .n = 0 };
	struct xld_child *child;
	char label[96];
	int rc = 0;

	if (!prog || access(prog, X_OK) < 0) {
		log_info("domain %u: no device model (%s): platform devices only", d->domid,
			 prog ? prog : "?");
		free(prog);
		return 0;
	}
	dm_argv(xld, cfg, d->domid, prog, argv, own);
	if (hvm_nics_open(&nics, d->domid, cfg, msg, cap) < 0) {
		*code = RPC_ERR_CONFIG;
		rc = -1;
		goto out;
	}
	hvm_nics_argv(&nics, argv, sizeof(argv) / sizeof(argv[0]));
	logdir = path_join(xld->opt.logdir, "devmodel");
	if (!logdir || mkdir_p(logdir, 0750) < 0 || asprintf(&logpath, "%s/%s.log", logdir,
							      d->name) < 0) {
		rc = fail(code, RPC_ERR_RESOURCE, msg, cap, "cannot make the device model's log");
		goto out;
	}
	unlink(logpath);        /* "serving" must be this run's */
	snprintf(label, sizeof(label), "devmodel %s", d->name);
	child = supervise_start_fds(xld, label, argv, logpath, nics.fd, nics.n);
	if (!child || hvm_dm_add(xld, d, child) < 0) {
		rc = fail(code, RPC_ERR_RESOURCE, msg, cap, "cannot start %s", prog);
		goto out;
	}
	/* stopped with the devices from now on */
	if (dm_wait_ready(child, logpath, d->domid) < 0) {
		rc = fail(code, RPC_ERR_RESOURCE, msg, cap,
			  "the device model did not start serving (see %s)", logpath);
		goto out;
	}
	/* The serial line is `xl console` of an hvm domain, as on Xen; the
	 * PV console ring (create_hvm_pv.h) xld opened at record time stays
	 * for `xl console -t pv`. */
	hvm_dm_serial(xld, d);
	if (dm_vnc(&cfg->b_info))
		rc = dm_vnc_start(xld, d, cfg, code, msg, cap);
out:
	hvm_nics_close(&nics);   /* the device model's supervisor keeps its copies */
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		free(own[i]);
	free(logdir);
	free(logpath);
	free(prog);
	return rc;
}

int create_hvm_recover(struct xld *xld, struct xld_domain *d)
{
	struct domcfg_config cfg;
	char *perr = NULL, msg[256];
	int rc, code;

	domcfg_config_init(&cfg);
	rc = domcfg_config_from_json(&cfg, d->config_json, &perr);
	if (rc == 0 && cfg.c_info.type == DOMCFG_TYPE_HVM)
		rc = hvm_dm_recover(xld, d);
	else
		rc = 0;
	/* its VNC server died with the old xld: start it again */
	if (rc == 1 && dm_vnc(&cfg.b_info) && dm_vnc_start(xld, d, &cfg, &code, msg, sizeof(msg)) < 0)
		log_error("domain %u: %s", d->domid, msg);
	domcfg_config_dispose(&cfg);
	free(perr);
	return rc < 0 ? rc : 0;
}
