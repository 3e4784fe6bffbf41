/* Bridges through the classic bridge ioctls and sysfs. */
#include "xld/dev/bridge.h"

#include <errno.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int br_ioctl(unsigned long req, void *arg)
{
	int s = socket(AF_LOCAL, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (s < 0)
		return -errno;
	if (ioctl(s, req, arg) < 0)
		rc = -errno;
	close(s);
	return rc;
}

static int bring_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int rc;

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	rc = br_ioctl(SIOCGIFFLAGS, &ifr);
	if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		rc = br_ioctl(SIOCSIFFLAGS, &ifr);
	}
	return rc;
}

int bridge_ensure(const char *name)
{
	char ifname[IFNAMSIZ] = { 0 };
	int rc;

	if (!*name || strlen(name) >= IFNAMSIZ || strchr(name, '/'))
		return -EINVAL;
	/* Ask the kernel, not sysfs: sysfs may show another network namespace. */
	if (!if_nametoindex(name)) {
		strncpy(ifname, name, IFNAMSIZ - 1);
		rc = br_ioctl(SIOCBRADDBR, ifname);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return bring_up(name);
}

int bridge_add(const char *name, const char *ifname)
{
	struct ifreq ifr = { 0 };
	unsigned idx = if_nametoindex(ifname);
	int rc;

	if (!idx)
		return -errno;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_ifindex = (int)idx;
	rc = br_ioctl(SIOCBRADDIF, &ifr);
	/* Only a bridge knows this ioctl. */
	return rc == -EOPNOTSUPP || rc == -EINVAL ? -ENOTDIR : rc;
}
