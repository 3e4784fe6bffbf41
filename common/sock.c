#include "common/sock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define SUN_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

/* Bind to `tmp`, set the permissions, listen, and only then rename it to
 * `path`: a client that sees the socket file can connect at once (tests
 * and scripts wait for the file to appear). */
static int bind_path(int fd, const char *tmp, const char *path, mode_t mode, gid_t gid)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int rc = 0;

	strcpy(sa.sun_path, tmp);
	unlink(tmp);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	if (chmod(tmp, mode ? mode : 0600) < 0 ||
	    (gid != (gid_t)-1 && chown(tmp, (uid_t)-1, gid) < 0) || listen(fd, 64) < 0 ||
	    (strcmp(tmp, path) != 0 && rename(tmp, path) < 0))
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	return rc;
}

int unix_listen(const char *path, mode_t mode, gid_t gid)
{
	char tmp[SUN_PATH_MAX];
	int fd, rc;

	if (strlen(path) >= SUN_PATH_MAX)
		return -ENAMETOOLONG;
	/* A path too long for the temporary name is bound directly. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		strcpy(tmp, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	rc = bind_path(fd, tmp, path, mode, gid);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}
