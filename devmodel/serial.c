#include "devmodel/serial.h"

#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

void serial_init(struct serial *s)
{
	s->fd = s->keep = -1;
	s->path_file = NULL;
}

static int serial_publish(struct serial *s, const char *rundir, uint32_t domid,
			  const char *pts)
{
	char name[64];
	int fd, rc;

	snprintf(name, sizeof(name), "devmodel.%u.serial", domid);
	s->path_file = path_join(rundir, name);
	if (!s->path_file)
		return -ENOMEM;
	fd = open(s->path_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, pts, strlen(pts));
	rc = rc ? rc : write_all(fd, "\n", 1);
	close(fd);
	return rc;
}

static int serial_pty(struct serial *s, const char *rundir, uint32_t domid)
{
	struct termios t;
	const char *pts;

	s->fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->fd < 0 || grantpt(s->fd) < 0 || unlockpt(s->fd) < 0 || !(pts = ptsname(s->fd)))
		return -errno;
	s->keep = open(pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s->keep < 0)
		return -errno;
	/* raw: the guest's bytes pass untouched, no echo back into it */
	if (tcgetattr(s->keep, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(s->keep, TCSANOW, &t);
	}
	fcntl(s->fd, F_SETFL, O_NONBLOCK);
	log_info("serial console on %s", pts);
	return serial_publish(s, rundir, domid, pts);
}

int serial_open(struct serial *s, const char *spec, const char *rundir, uint32_t domid)
{
	int rc = 0;

	if (strcmp(spec, "pty") == 0) {
		rc = serial_pty(s, rundir, domid);
	} else if (strncmp(spec, "fd:", 3) == 0) {
		s->fd = atoi(spec + 3);
		if (s->fd < 0 || fcntl(s->fd, F_GETFD) < 0)
			rc = -EBADF;
		else
			fcntl(s->fd, F_SETFL, O_NONBLOCK);
	} else if (strncmp(spec, "file:", 5) == 0) {
		s->fd = open(spec + 5, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		rc = s->fd < 0 ? -errno : 0;
	} else if (strcmp(spec, "none") != 0) {
		rc = -EINVAL;
	}
	if (rc < 0)
		log_error("serial %s: %s", spec, strerror(-rc));
	return rc;
}

void serial_close(struct serial *s)
{
	if (s->fd > STDERR_FILENO)
		close(s->fd);
	if (s->keep >= 0)
		close(s->keep);
	if (s->path_file) {
		unlink(s->path_file);
		free(s->path_file);
	}
	serial_init(s);
}
