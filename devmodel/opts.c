/* The option table: each option is a name, whether it takes a value and
 * the small function that stores it. */
#include "devmodel/opts.h"

#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*opt_fn)(struct dm_opts *o, const char *v);

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 0);
	if (errno || end == v)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		*out <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		*out <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		*out <<= 30, end++;
	return *end ? -EINVAL : 0;
}

static int opt_domid(struct dm_opts *o, const char *v)
{
	uint64_t d;

	if (parse_u64(v, &d) < 0 || d == 0 || d >= 0x7ff0)
		return -EINVAL;
	o->domid = (uint32_t)d;
	o->have_domid = true;
	o->cfg.domid = o->domid;
	return 0;
}

static int opt_lowmem(struct dm_opts *o, const char *v)
{
	o->lowmem_set = true;
	return parse_u64(v, &o->cfg.lowmem);
}

static int opt_highmem(struct dm_opts *o, const char *v)
{
	return parse_u64(v, &o->cfg.highmem);
}

static int opt_vcpus(struct dm_opts *o, const char *v)
{
	uint64_t n;

	if (parse_u64(v, &n) < 0 || n == 0 || n > 128)
		return -EINVAL;
	o->cfg.vcpus = (unsigned)n;
	return 0;
}

/* --uuid xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, kept as its 16 bytes in
 * text order (libuuid's uuid_t). */
static int opt_uuid(struct dm_opts *o, const char *v)
{
	static const char form[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	unsigned n = 0;

	if (strlen(v) != sizeof(form) - 1)
		return -EINVAL;
	for (size_t i = 0; form[i]; i++) {
		if (form[i] == '-') {
			if (v[i] != '-')
				return -EINVAL;
			continue;
		}
		if (!isxdigit((unsigned char)v[i]))
			return -EINVAL;
		unsigned nib = isdigit((unsigned char)v[i]) ? (unsigned)(v[i] - '0')
							    : (unsigned)(tolower((unsigned char)v[i]) - 'a' + 10);
		o->cfg.uuid[n / 2] = (uint8_t)(n % 2 ? o->cfg.uuid[n / 2] | nib : nib << 4);
		n++;
	}
	return 0;
}

static int opt_vcpus_online(struct dm_opts *o, const char *v)
{
	uint64_t n;

	if (parse_u64(v, &n) < 0 || n == 0 || n > 128)
		return -EINVAL;
	o->cfg.vcpus_online = (unsigned)n;
	return 0;
}

static int opt_boot(struct dm_opts *o, const char *v)
{
	if (strlen(v) >= sizeof(o->cfg.boot) || strspn(v, "acdn") != strlen(v))
		return -EINVAL;
	strcpy(o->cfg.boot, v);
	return 0;
}

/* --disk N:PATH[:cdrom][:ro] with N 0..3 (hda..hdd) */
static int opt_disk(struct dm_opts *o, const char *v)
{
	char *copy, *idx, *path, *flag, *save = NULL;
	struct dm_disk *d;

	if (v[0] < '0' || v[0] > '3' || v[1] != ':' || !v[2])
		return -EINVAL;
	d = &o->cfg.disk[v[0] - '0'];
	copy = strdup(v);   /* kept: the config points into it */
	if (!copy)
		return -ENOMEM;
	idx = strtok_r(copy, ":", &save);
	path = strtok_r(NULL, ":", &save);
	(void)idx;
	d->path = path;
	while ((flag = strtok_r(NULL, ":", &save))) {
		if (strcmp(flag, "cdrom") == 0)
			d->cdrom = d->readonly = true;
		else if (strcmp(flag, "ro") == 0)
			d->readonly = true;
		else
			return -EINVAL;
	}
	return path ? 0 : -EINVAL;
}

/* --nic model=e1000|rtl8139,mac=XX:XX:XX:XX:XX:XX,fd=N */
static int opt_nic(struct dm_opts *o, const char *v)
{
	char *copy, *kv, *save = NULL;
	struct dm_nic *n;
	uint64_t fd = 0;
	bool have_mac = false;

	if (o->cfg.nr_nics >= DM_MAX_NICS)
		return -E2BIG;
	n = &o->cfg.nic[o->cfg.nr_nics];
	copy = strdup(v);   /* kept: the config points into it */
	if (!copy)
		return -ENOMEM;
	for (kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		if (!strncmp(kv, "model=", 6))
			n->model = kv + 6;
		else if (!strncmp(kv, "mac=", 4))
			have_mac = sscanf(kv + 4, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &n->mac[0],
					  &n->mac[1], &n->mac[2], &n->mac[3], &n->mac[4],
					  &n->mac[5]) == 6;
		else if (strncmp(kv, "fd=", 3) || parse_u64(kv + 3, &fd) < 0)
			return -EINVAL;
	}
	if (!n->model || (strcmp(n->model, "e1000") && strcmp(n->model, "rtl8139")) ||
	    !have_mac || fd < 3 || fd > 1024)
		return -EINVAL;
	n->fd = (int)fd;
	o->cfg.nr_nics++;
	return 0;
}

static int opt_vram(struct dm_opts *o, const char *v)
{
	uint64_t n;

	if (parse_u64(v, &n) < 0 || n > 256 || (n & (n - 1)))
		return -EINVAL;
	o->cfg.vram_mb = (unsigned)n;
	return 0;
}

static int opt_ready_fd(struct dm_opts *o, const char *v)
{
	uint64_t fd;

	if (parse_u64(v, &fd) < 0 || fd < 3 || fd > 1024)
		return -EINVAL;
	o->ready_fd = (int)fd;
	return 0;
}

static int opt_user(struct dm_opts *o, const char *v)
{
	char *end;
	unsigned long uid = strtoul(v, &end, 10), gid = uid;

	if (end == v || (*end && *end != ':'))
		return -EINVAL;
	if (*end == ':') {
		const char *g = end + 1;

		gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return -EINVAL;
	}
	o->uid = (uid_t)uid;
	o->gid = (gid_t)gid;
	return 0;
}

#define OPT_STR(field)                                                  \
	static int opt_##field(struct dm_opts *o, const char *v)         \
	{                                                                \
		o->field = v;                                            \
		return 0;                                                \
	}
#define OPT_CFG_STR(field)                                              \
	static int opt_cfg_##field(struct dm_opts *o, const char *v)     \
	{                                                                \
		o->cfg.field = v;                                        \
		return 0;                                                \
	}
OPT_STR(rundir)
OPT_STR(log)
OPT_STR(serial)
OPT_STR(debug_log)
OPT_CFG_STR(kernel)
OPT_CFG_STR(initrd)
OPT_CFG_STR(cmdline)
OPT_CFG_STR(linuxboot_rom)
OPT_CFG_STR(vgabios)

static int opt_acpi(struct dm_opts *o, const char *v)
{
	(void)v;
	o->cfg.acpi = true;
	return 0;
}

static int opt_no_acpi(struct dm_opts *o, const char *v)
{
	(void)v;
	o->cfg.acpi = false;
	return 0;
}

static int opt_platform(struct dm_opts *o, const char *v)
{
	(void)v;
	o->cfg.platform_pci = true;
	return 0;
}

static int opt_no_platform(struct dm_opts *o, const char *v)
{
	(void)v;
	o->cfg.platform_pci = false;
	return 0;
}

static int opt_sercon(struct dm_opts *o, const char *v)
{
	(void)v;
	o->cfg.sercon = true;
	return 0;
}

static int opt_no_sandbox(struct dm_opts *o, const char *v)
{
	(void)v;
	o->sandbox = false;
	return 0;
}

static int opt_no_linger(struct dm_opts *o, const char *v)
{
	(void)v;
	o->linger = false;
	return 0;
}

static const struct {
	const char *name;
	int has_arg;
	opt_fn fn;
	const char *help;
} opt_table[] = {
	{ "domid", 1, opt_domid, "N          the HVM domain to serve (required)" },
	{ "rundir", 1, opt_rundir, "DIR       vmhv's run directory ($VMCTL_RUNDIR)" },
	{ "log", 1, opt_log, "FILE         our log (default stderr)" },
	{ "lowmem", 1, opt_lowmem, "BYTES     RAM below the PCI hole (default: all RAM up to 3G)" },
	{ "highmem", 1, opt_highmem, "BYTES    RAM from 4 GiB up" },
	{ "vcpus", 1, opt_vcpus, "N          vCPUs the firmware is told of" },
	{ "vcpus-online", 1, opt_vcpus_online, "N   of them, 0..N-1 start enabled (xl's vcpus=; default all)" },
	{ "uuid", 1, opt_uuid, "UUID        the domain's UUID (SMBIOS system information)" },
	{ "boot", 1, opt_boot, "ORDER       xl's boot=: c disk, d CD-ROM, n network" },
	{ "disk", 1, opt_disk, "N:PATH[:cdrom][:ro]  IDE drive N (0 hda .. 3 hdd)" },
	{ "serial", 1, opt_serial, "pty|none|fd:N|file:PATH  COM1's other end" },
	{ "debug-log", 1, opt_debug_log, "FILE  text written to ports 0xe9, 0x402, 0x12" },
	{ "kernel", 1, opt_cfg_kernel, "FILE      direct boot: a bzImage" },
	{ "initrd", 1, opt_cfg_initrd, "FILE      its initrd" },
	{ "cmdline", 1, opt_cfg_cmdline, "TEXT   its command line" },
	{ "linuxboot-rom", 1, opt_cfg_linuxboot_rom, "FILE  QEMU's linuxboot_dma.bin" },
	{ "nic", 1, opt_nic, "model=M,mac=MAC,fd=N  a NIC (rtl8139|e1000) on tap fd N" },
	{ "vram-mb", 1, opt_vram, "N        std-VGA with N MiB (0: no VGA)" },
	{ "vgabios", 1, opt_cfg_vgabios, "FILE  VGA option ROM (vgabios-stdvga.bin)" },
	{ "acpi", 0, opt_acpi, "               the PIIX4 power management function (default)" },
	{ "no-acpi", 0, opt_no_acpi, "            without it (xl's acpi=0)" },
	{ "platform", 0, opt_platform, "           the Xen platform PCI device (default)" },
	{ "no-platform", 0, opt_no_platform, "        without it (xl's xen_platform_pci=0)" },
	{ "sercon", 0, opt_sercon, "             SeaBIOS mirrors its screen on COM1" },
	{ "ready-fd", 1, opt_ready_fd, "N      write \"ready\" to fd N once serving" },
	{ "user", 1, opt_user, "UID[:GID]   ids to run as after set-up (root only; default 65534)" },
	{ "no-sandbox", 0, opt_no_sandbox, "         no seccomp filter (debugging)" },
	{ "no-linger", 0, opt_no_linger, "          sleep at once after each ioreq (default on 1 CPU)" },
};

static void opts_usage(void)
{
	fprintf(stderr, "usage: vmctl-devmodel --domid N [options]\n");
	for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++)
		fprintf(stderr, "  --%s %s\n", opt_table[i].name, opt_table[i].help);
}

int opts_parse(struct dm_opts *o, int argc, char **argv)
{
	struct option lo[ARRAY_SIZE(opt_table) + 1];
	int c, idx;

	memset(o, 0, sizeof(*o));
	dm_config_init(&o->cfg);
	o->rundir = getenv("VMCTL_RUNDIR") ? getenv("VMCTL_RUNDIR") : "/run/vmctl";
	o->serial = "pty";
	o->uid = o->gid = 65534;
	o->sandbox = true;
	o->ready_fd = -1;
	o->cfg.acpi = true;          /* xl's defaults for an HVM guest */
	o->cfg.platform_pci = true;
	o->linger = sysconf(_SC_NPROCESSORS_ONLN) > 1;
	for (size_t i = 0; i < ARRAY_SIZE(opt_table); i++)
		lo[i] = (struct option){ opt_table[i].name, opt_table[i].has_arg, NULL, (int)i };
	memset(&lo[ARRAY_SIZE(opt_table)], 0, sizeof(lo[0]));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, &idx)) != -1) {
		if (c < 0 || (size_t)c >= ARRAY_SIZE(opt_table) ||
		    opt_table[c].fn(o, optarg) < 0) {
			if (c >= 0 && (size_t)c < ARRAY_SIZE(opt_table))
				fprintf(stderr, "vmctl-devmodel: bad --%s\n", opt_table[c].name);
			opts_usage();
			return -EINVAL;
		}
	}
	if (!o->have_domid || optind != argc) {
		opts_usage();
		return -EINVAL;
	}
	return 0;
}
