/* The one piece of process-wide state in common/: a process logs to one place. */
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	int fd;
	enum log_level level;
	char prog[32];
} logger = { .fd = 2, .level = LOG_LVL_INFO, .prog = "vmctl" };

static const char *const level_names[] = { "debug", "info", "warn", "error" };

int log_open(const char *prog, const char *path)
{
	const char *dbg = getenv("VMCTL_DEBUG");

	snprintf(logger.prog, sizeof(logger.prog), "%s", prog);
	if (dbg && *dbg && strcmp(dbg, "0") != 0)
		logger.level = LOG_LVL_DEBUG;
	if (!path)
		return 0;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	log_close();
	logger.fd = fd;
	return 0;
}

void log_close(void)
{
	if (logger.fd > 2)
		close(logger.fd);
	logger.fd = 2;
}

void log_set_level(enum log_level lvl)
{
	logger.level = lvl;
}

void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char buf[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	if (lvl < logger.level)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s[%d] %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, logger.prog,
		     (int)getpid(), level_names[lvl]);
	if (n < 0)
		return;
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	if (buf[n - 1] != '\n')
		buf[n++] = '\n';
	/* One write() per line so concurrent writers never interleave a line. */
	ssize_t r = write(logger.fd, buf, (size_t)n);
	(void)r;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}
