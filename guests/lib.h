/* The small C library of the vmctl PV kernel: strings, memory, formatted
 * output and number parsing.  Freestanding: nothing here touches Xen. */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ROUND_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

/* The compiler may emit calls to these four itself (struct copies). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* True when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);

/* Parse an unsigned number (base 0: 0x hex, 0 octal, else decimal).  *end
 * (if given) points past the digits; no digits leaves *end == s. */
unsigned long long strtoull(const char *s, const char **end, int base);
/* Parse a whole string as a number; -EINVAL when anything else is in it. */
int str_to_ull(const char *s, unsigned long long *out);

/* printf family: %d %i %u %x %X %o %c %s %p %%, flags '-' '0', a field
 * width (or *), a precision for %s, the l/ll/z length modifiers.  No
 * floating point. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Split `line` in place at blanks into at most max words; returns count. */
int str_split(char *line, char **words, int max);

/* CRC-32 (IEEE, reflected) of a buffer, continuing from crc (start 0). */
uint32_t crc32(uint32_t crc, const void *buf, size_t len);

#endif
