/* tap devices through /dev/net/tun and interface ioctls. */
#include "xld/dev/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* An interface ioctl on a throwaway socket. */
static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		rc = -errno;
	close(s);
	return rc;
}

static int if_up(const char *name, unsigned mtu)
{
	struct ifreq ifr = { 0 };
	int rc;

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		rc = if_ioctl(SIOCSIFMTU, &ifr);
		if (rc < 0)
			return rc;
	}
	rc = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (rc < 0)
		return rc;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(SIOCSIFFLAGS, &ifr);
}

int tap_open(const char *name, unsigned mtu)
{
	struct ifreq ifr = { 0 };
	int fd, rc;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	/* Refuse to take over an existing interface (TUNSETIFF would attach
	 * to a persistent tap of that name). */
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (if_ioctl(SIOCGIFINDEX, &ifr) == 0)
		return -EBUSY;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	rc = ioctl(fd, TUNSETIFF, &ifr) < 0 ? -errno : 0;
	if (rc == 0)
		rc = if_up(name, mtu);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

int tap_set_mac(const char *name, const uint8_t mac[6])
{
	struct ifreq ifr = { 0 };

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	return if_ioctl(SIOCSIFHWADDR, &ifr);
}
