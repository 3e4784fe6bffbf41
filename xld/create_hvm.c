/* The HVM steps of domain.create (see create_hvm.h). Boot image, in this
 * order: firmware_override= (an ELF entered in flat 32-bit mode, as Xen
 * starts hvmloader); kernel= (a multiboot kernel, ramdisk= its module,
 * cmdline= its command line); else the BIOS: bios_path_override= or
 * Debian's SeaBIOS. */
#include "xld/create_hvm.h"

#include "libvmctl/build_hvm.h"
#include "libvmctl/domcfg.h"
#include "xld/rpc/rpc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int create_hvm_check(struct domcfg_config *cfg, const char *cwd, int *code, char *msg,
		     size_t cap)
{
	struct domcfg_b_info *b = &cfg->b_info;

	if (absolute(&b->hvm.firmware, cwd) < 0 || absolute(&b->hvm.system_firmware, cwd) < 0)
		return fail(code, RPC_ERR_RESOURCE, msg, cap, "out of memory");
	if (b->hvm.firmware)
		return file_check("firmware_override", b->hvm.firmware, code, msg, cap);
	if (b->kernel) {
		if (file_check("kernel", b->kernel, code, msg, cap) < 0)
			return -1;
		return b->ramdisk ? file_check("ramdisk", b->ramdisk, code, msg, cap) : 0;
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

	if (b->hvm.firmware) {
		bh.firmware = b->hvm.firmware;
	} else if (b->kernel) {
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
