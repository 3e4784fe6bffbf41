/* Blocking xenstore client for the test backends. */
#include "tests/kernel/testback/xs.h"
#include "vmctl/xen/io/xs_wire.h"
#include "common/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int xs_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("XENSTORED_PATH");
	int fd;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* One request (payload = the parts, concatenated) and its reply. */
static int request(int fd, uint32_t type, const char *payload, size_t len,
		   char *out, size_t size)
{
	static uint32_t req_id;
	struct xsd_sockmsg h = { .type = type, .req_id = ++req_id, .len = (uint32_t)len };
	char body[XENSTORE_PAYLOAD_MAX + 1];

	if (write_all(fd, &h, sizeof(h)) < 0 || write_all(fd, payload, len) < 0)
		return -1;
	if (read_all(fd, &h, sizeof(h)) < 0 || h.len > XENSTORE_PAYLOAD_MAX ||
	    read_all(fd, body, h.len) < 0)
		return -1;
	body[h.len] = '\0';
	if (h.type == XS_ERROR)
		return -1;
	if (out && size) {
		size_t n = h.len < size - 1 ? h.len : size - 1;
		memcpy(out, body, n);
		out[n] = '\0';
	}
	return (int)h.len;
}

int xs_read(int fd, const char *path, char *buf, size_t size)
{
	return request(fd, XS_READ, path, strlen(path) + 1, buf, size);
}

long long xs_read_num(int fd, const char *path)
{
	char buf[32], *end;
	long long v;

	if (xs_read(fd, path, buf, sizeof(buf)) <= 0)
		return -1;
	v = strtoll(buf, &end, 10);
	return *end ? -1 : v;
}

int xs_write(int fd, const char *path, const char *value)
{
	char msg[XENSTORE_PAYLOAD_MAX];
	size_t pl = strlen(path) + 1, vl = strlen(value);

	if (pl + vl > sizeof(msg))
		return -1;
	memcpy(msg, path, pl);
	memcpy(msg + pl, value, vl);
	return request(fd, XS_WRITE, msg, pl + vl, NULL, 0) < 0 ? -1 : 0;
}

int xs_set_perms(int fd, const char *path, const char *perm0, const char *perm1)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "%s%c%s%c%s", path, 0, perm0, 0, perm1);

	if (n < 0 || (size_t)n + 1 > sizeof(msg))
		return -1;
	return request(fd, XS_SET_PERMS, msg, (size_t)n + 1, NULL, 0) < 0 ? -1 : 0;
}

int xs_printf(int fd, const char *perm0, const char *perm1, const char *dir,
	      const char *node, const char *fmt, ...)
{
	char path[256], value[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, node);
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (xs_write(fd, path, value) < 0)
		return -1;
	return perm0 ? xs_set_perms(fd, path, perm0, perm1) : 0;
}

long long xs_wait_num(int fd, const char *path, long long want, int timeout_ms)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		long long v = xs_read_num(fd, path);

		if (v >= want)
			return v;
		nanosleep(&tick, NULL);
	}
	return -1;
}
