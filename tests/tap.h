/* A tiny TAP producer for C unit tests (run by automake's tap-driver.sh).
 *
 *   int main(void) {
 *           ok(1 + 1 == 2, "addition");
 *           is_int(parse("x"), -EINVAL, "bad input rejected");
 *           return tap_done();
 *   }
 *
 * The plan is printed at the end, so tests need not count their checks.
 */
#ifndef VMCTL_TESTS_TAP_H
#define VMCTL_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline __attribute__((format(printf, 2, 3))) int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, ...) do {                                           \
	long long g_ = (long long)(got), w_ = (long long)(want);              \
	if (!ok(g_ == w_, __VA_ARGS__))                                        \
		printf("#   got %lld, want %lld\n", g_, w_);                 \
} while (0)

#define is_str(got, want, ...) do {                                           \
	const char *g_ = (got), *w_ = (want);                                 \
	if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__))                 \
		printf("#   got \"%s\", want \"%s\"\n", g_ ? g_ : "(null)", w_); \
} while (0)

static inline __attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void skip_all(const char *why)
{
	printf("1..0 # SKIP %s\n", why);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
