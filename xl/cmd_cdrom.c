/* xl cd-insert / cd-eject: change the medium of an HVM domain's CD-ROM
 * drive, as Xen's xl does (xld's cdrom.insert / cdrom.eject). */
#include "xl/xl.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {"domain": D, "vdev": V[, "target": T]} */
static int cdrom_params(char *buf, size_t cap, const char *dom, const char *vdev,
			const char *target)
{
	size_t n;

	strcpy(buf, "{\"domain\":");
	n = strlen(buf);
	if (vmctl_json_quote(buf + n, cap - n, dom) < 0)
		return -1;
	strncat(buf, ",\"vdev\":", cap - strlen(buf) - 1);
	n = strlen(buf);
	if (vmctl_json_quote(buf + n, cap - n, vdev) < 0)
		return -1;
	if (target) {
		strncat(buf, ",\"target\":", cap - strlen(buf) - 1);
		n = strlen(buf);
		if (vmctl_json_quote(buf + n, cap - n, target) < 0)
			return -1;
	}
	n = strlen(buf);
	if (n + 2 > cap)
		return -1;
	strcat(buf, "}");
	return 0;
}

/* xl cd-insert <Domain> <VirtualDevice> <type:path>: "file:" or "raw:"
 * before the path is accepted; a relative path is xl's, made absolute. */
int cmd_cd_insert(struct xl *xl, int argc, char **argv)
{
	char params[PATH_MAX * 2 + 256], abs[PATH_MAX];
	const char *target;

	if (argc != 4 || strcmp(argv[1], "-h") == 0)
		return xl_usage("cd-insert");
	target = argv[3];
	if (!strncmp(target, "file:", 5) || !strncmp(target, "raw:", 4))
		target = strchr(target, ':') + 1;
	if (target[0] != '/' && realpath(target, abs))
		target = abs;
	if (cdrom_params(params, sizeof(params), argv[1], argv[2], target) < 0)
		return xl_usage("cd-insert");
	return xl_call(xl, "cdrom.insert", params, NULL) < 0 ? 1 : 0;
}

/* xl cd-eject <Domain> <VirtualDevice> */
int cmd_cd_eject(struct xl *xl, int argc, char **argv)
{
	char params[1024];

	if (argc != 3 || strcmp(argv[1], "-h") == 0 ||
	    cdrom_params(params, sizeof(params), argv[1], argv[2], NULL) < 0)
		return xl_usage("cd-eject");
	return xl_call(xl, "cdrom.eject", params, NULL) < 0 ? 1 : 0;
}
