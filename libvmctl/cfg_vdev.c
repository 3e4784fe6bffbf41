/* cfg_vdev: virtual disk names -> xenstore device numbers, with libxl's
 * numbering (reference §2.4): xvd and dNpM share major 202 with an
 * extended form beyond 16 disks or 16 partitions, hd and sd use the Linux
 * IDE and SCSI majors, plain numbers are taken as they are. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libvmctl/domcfg.h"

#define XVD_MAJOR 202
#define XVD_EXT   (1 << 28)

/* Bijective base 26: a=0 .. z=25, aa=26, ... Returns the letters used. */
static size_t letters_decode(const char *s, long *out)
{
	long n = -1;
	size_t i = 0;

	while (s[i] >= 'a' && s[i] <= 'z' && i < 5) {
		n = (n + 1) * 26 + (s[i] - 'a');
		i++;
	}
	*out = n;
	return i;
}

/* Decimal digits without sign or leading zero to the end; -1 if none. */
static long digits_decode(const char *s, long max)
{
	long n = 0;

	if (!*s)
		return 0;
	if (s[0] == '0' && s[1])
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n <= max ? n : -1;
}

static int xvd_devid(long disk, long part)
{
	if (disk < 0 || part < 0 || disk >= (1 << 20) || part > 255)
		return -EINVAL;
	if (disk <= 15 && part <= 15)
		return (XVD_MAJOR << 8) | (int)(disk << 4) | (int)part;
	return XVD_EXT | (int)(disk << 8) | (int)part;
}

static int hd_devid(long disk, long part)
{
	if (disk < 0 || disk > 3 || part < 0 || part > 63)
		return -EINVAL;
	return ((disk < 2 ? 3 : 22) << 8) | (int)((disk & 1) << 6) | (int)part;
}

static int sd_devid(long disk, long part)
{
	if (disk < 0 || disk > 15 || part < 0 || part > 15)
		return -EINVAL;
	return (8 << 8) | (int)(disk << 4) | (int)part;
}

/* "dNpM" (or "dN"). */
static int dp_devid(const char *s, long *disk, long *part)
{
	const char *p = strchr(s, 'p');
	char num[16];

	if (!p)
		p = s + strlen(s);
	if (p == s || (size_t)(p - s) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, (size_t)(p - s));
	num[p - s] = '\0';
	*disk = digits_decode(num, 1 << 20);
	*part = *p ? digits_decode(p + 1, 255) : 0;
	if (*p && !p[1])
		return -EINVAL;
	return xvd_devid(*disk, *part);
}

static const struct {
	const char *prefix;
	int (*devid)(long disk, long part);
} vdev_kinds[] = {
	{ "xvd", xvd_devid }, { "hd", hd_devid }, { "sd", sd_devid },
};

int domcfg_vdev_to_devid(const char *vdev, int *disk_out, int *part_out)
{
	long disk = 0, part = 0;
	int devid = -EINVAL;
	size_t n;

	if (!vdev || !*vdev)
		return -EINVAL;
	if (vdev[0] >= '0' && vdev[0] <= '9') {
		part = 0;
		disk = digits_decode(vdev, 0x7fffffff);
		devid = disk < 0 ? -EINVAL : (int)disk;
		disk = 0;
	} else if (vdev[0] == 'd' && vdev[1] >= '0' && vdev[1] <= '9') {
		devid = dp_devid(vdev + 1, &disk, &part);
	}
	for (size_t i = 0; devid == -EINVAL && i < sizeof(vdev_kinds) / sizeof(vdev_kinds[0]); i++) {
		size_t plen = strlen(vdev_kinds[i].prefix);

		if (strncmp(vdev, vdev_kinds[i].prefix, plen) != 0)
			continue;
		n = letters_decode(vdev + plen, &disk);
		if (n == 0)
			break;
		part = digits_decode(vdev + plen + n, 255);
		devid = vdev_kinds[i].devid(disk, part);
		break;
	}
	if (devid >= 0 && disk_out)
		*disk_out = (int)disk;
	if (devid >= 0 && part_out)
		*part_out = (int)part;
	return devid;
}
