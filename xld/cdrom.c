/* Media changes of an HVM domain's CD-ROM drives (see cdrom.h). */
#include "xld/cdrom.h"

#include "libvmctl/domcfg.h"
#include "xld/dev/dev_xs.h"
#include "xld/domain.h"
#include "xld/hvm_dm.h"
#include "xld/rpc/rpc.h"
#include "xld/xld.h"
#include "common/log.h"
#include "common/util.h"
#include "vmctl/dmctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DMCTL_WAIT_MS 5000   /* the device model answers from its event loop */

static int fail(int *code, int c, int rc, char *msg, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int fail(int *code, int c, int rc, char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	*code = c;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
	return rc;
}

int dmctl_call(struct xld *xld, uint32_t domid, const struct dmctl_req *req, int fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)req, sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct pollfd p = { .events = POLLIN };
	struct dmctl_rep rep;
	int s, rc = 0;

	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/devmodel.%u.ctl",
			     xld->opt.rundir, domid) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (fd >= 0) {
		struct cmsghdr *cm;

		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	p.fd = s;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    sendmsg(s, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(*req))
		rc = -errno;
	else if (poll(&p, 1, DMCTL_WAIT_MS) != 1)
		rc = -ETIMEDOUT;
	else if (recv(s, &rep, sizeof(rep), 0) != (ssize_t)sizeof(rep))
		rc = -EPROTO;
	else
		rc = rep.rc;
	close(s);
	return rc;
}

/* The disk `vdev` of the stored configuration: its index there (the
 * device model's IDE drive: xld passes disks 0..3 as hda..hdd in order). */
static int disk_find(const struct domcfg_config *cfg, const char *vdev)
{
	for (int i = 0; i < cfg->num_disks; i++)
		if (cfg->disks[i].vdev && strcmp(cfg->disks[i].vdev, vdev) == 0)
			return i;
	return -1;
}

/* What libxl updates: the backend's and /libxl's params, and the domain's
 * stored configuration (xl list -l shows the new medium). */
static void record(struct xld *xld, struct xld_domain *d, struct domcfg_config *cfg, int i,
		   const char *target)
{
	struct domcfg_disk *dk = &cfg->disks[i];
	int devid = domcfg_vdev_to_devid(dk->vdev, NULL, NULL);
	char *json;

	if (devid >= 0) {
		struct dev_xs x;

		dev_xs_init(&x, xld, d->domid, "vbd", devid);
		dev_xs_be(&x, "params", "%s", target);
		dev_xs_lx(&x, "params", "%s", target);
		if (x.rc < 0)
			log_warn("domain %u: %s's params in xenstore: %s", d->domid, dk->vdev,
				 strerror(-x.rc));
	}
	if (*target)
		hvm_dm_cd_arg(d, (unsigned)i, target);
	free(dk->pdev_path);
	dk->pdev_path = *target ? strdup(target) : NULL;
	dk->format = *target ? DOMCFG_DISK_FORMAT_RAW : DOMCFG_DISK_FORMAT_EMPTY;
	json = domcfg_config_to_json(cfg);
	if (json) {
		free(d->config_json);
		d->config_json = json;
		xld_domain_save(xld, d);
	}
}

static int open_medium(const char *target, int *code, char *msg, size_t cap)
{
	struct stat st;
	int fd = open(target, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(code, RPC_ERR_CONFIG, -errno, msg, cap, "%s: %s", target, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(code, RPC_ERR_CONFIG, -EINVAL, msg, cap, "%s: not a regular file (an ISO image)",
			    target);
	}
	return fd;
}

int cdrom_change(struct xld *xld, struct xld_domain *d, const char *vdev, const char *target,
		 int *code, char *msg, size_t cap)
{
	struct domcfg_config cfg;
	struct dmctl_req req = { .magic = DMCTL_MAGIC };
	char *perr = NULL;
	int i, fd = -1, rc;

	domcfg_config_init(&cfg);
	rc = domcfg_config_from_json(&cfg, d->config_json, &perr);
	if (rc < 0) {
		rc = fail(code, RPC_ERR_STATE, rc, msg, cap, "domain %s: stored configuration unreadable",
			  d->name);
		goto out;
	}
	i = disk_find(&cfg, vdev);
	if (cfg.c_info.type != DOMCFG_TYPE_HVM) {
		rc = fail(code, RPC_ERR_UNSUPPORTED, -EOPNOTSUPP, msg, cap,
			  "domain %s is not an HVM domain: no emulated CD-ROM", d->name);
		goto out;
	}
	if (i < 0 || !cfg.disks[i].is_cdrom || i > 3) {
		rc = fail(code, RPC_ERR_CONFIG, -ENODEV, msg, cap, "domain %s: %s is not a CD-ROM drive",
			  d->name, vdev);
		goto out;
	}
	if (target && *target) {
		fd = open_medium(target, code, msg, cap);
		if (fd < 0) {
			rc = fd;
			goto out;
		}
	}
	req.op = fd >= 0 ? DMCTL_CD_INSERT : DMCTL_CD_EJECT;
	req.disk = (uint32_t)i;
	rc = dmctl_call(xld, d->domid, &req, fd);
	if (rc < 0) {
		rc = fail(code, RPC_ERR_STATE, rc, msg, cap, "domain %s: the device model refused %s: %s",
			  d->name, fd >= 0 ? "the medium" : "the eject", strerror(-rc));
		goto out;
	}
	log_info("domain %u: %s %s%s", d->domid, vdev, fd >= 0 ? "now holds " : "ejected",
		 fd >= 0 ? target : "");
	record(xld, d, &cfg, i, fd >= 0 ? target : "");
out:
	if (fd >= 0)
		close(fd);
	domcfg_config_dispose(&cfg);
	free(perr);
	return rc;
}
