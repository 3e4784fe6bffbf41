/* Logging for vmctl's daemons and tools.
 *
 * Each process calls log_open() once in main() with its name and an optional
 * file; messages go to that file (or stderr) with a timestamp and level.
 * The level threshold comes from log_open() and can be raised by VMCTL_DEBUG=1.
 */
#ifndef VMCTL_COMMON_LOG_H
#define VMCTL_COMMON_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_DEBUG, LOG_LVL_INFO, LOG_LVL_WARN, LOG_LVL_ERROR };

/* Direct messages to `path` (appended; NULL = stderr). Returns 0 or -errno. */
int log_open(const char *prog, const char *path);
void log_close(void);
void log_set_level(enum log_level lvl);

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)

#endif
