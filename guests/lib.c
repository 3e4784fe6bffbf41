/* String, memory and formatting helpers for a kernel without libc. */
#include "lib.h"
#include "xerrno.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	/* rep movsb is fast on current CPUs and needs no SSE. */
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = MIN(len, size - 1);
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

unsigned long long strtoull(const char *s, const char **end, int base)
{
	unsigned long long v = 0;
	const char *p = s;

	if (base == 0) {
		base = 10;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
		    digit_value(p[2]) < 16) {
			base = 16;
			p += 2;
		} else if (p[0] == '0') {
			base = 8;
		}
	} else if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
	}
	const char *digits = p;
	for (; digit_value(*p) < base; p++)
		v = v * base + digit_value(*p);
	if (end)
		*end = p == digits ? s : p;
	return v;
}

int str_to_ull(const char *s, unsigned long long *out)
{
	const char *end;

	*out = strtoull(s, &end, 0);
	return (end == s || *end) ? -EINVAL : 0;
}

int str_split(char *line, char **words, int max)
{
	int n = 0;

	while (*line && n < max) {
		while (*line == ' ' || *line == '\t')
			*line++ = '\0';
		if (!*line)
			break;
		words[n++] = line;
		while (*line && *line != ' ' && *line != '\t')
			line++;
	}
	if (*line)	/* more words than room: cut the last one off */
		*line = '\0';
	return n;
}

uint32_t crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* --- formatted output ------------------------------------------------- */

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;	/* bytes that would have been written */
};

struct fmt_spec {
	bool left, zero;
	int width;
	int prec;	/* strings only; -1 = none */
	int longs;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_padded(struct fmt_out *o, const struct fmt_spec *sp,
		       const char *s, size_t n, bool numeric_neg)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;
	char fill = sp->zero && !sp->left ? '0' : ' ';

	if (numeric_neg && fill == '0') {	/* sign goes before zeros */
		out_char(o, *s++);
		n--;
	}
	if (!sp->left)
		while (pad--)
			out_char(o, fill);
	while (n--)
		out_char(o, *s++);
	if (sp->left)
		while (pad-- > 0)
			out_char(o, ' ');
}

static void out_number(struct fmt_out *o, const struct fmt_spec *sp,
		       unsigned long long v, bool neg, int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		tmp[--i] = '-';
	out_padded(o, sp, tmp + i, sizeof(tmp) - i, neg);
}

static unsigned long long arg_unsigned(va_list *ap, int longs)
{
	if (longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(va_list *ap, int longs)
{
	if (longs >= 2)
		return va_arg(*ap, long long);
	if (longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static const char *parse_spec(const char *f, struct fmt_spec *sp, va_list *ap)
{
	*sp = (struct fmt_spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp->prec = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	while (*f == 'l' || *f == 'z') {
		sp->longs++;
		f++;
	}
	return f;
}

static void out_conversion(struct fmt_out *o, char c, struct fmt_spec *sp,
			   va_list *ap)
{
	switch (c) {
	case 'd': case 'i': {
		long long v = arg_signed(ap, sp->longs);
		out_number(o, sp, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
			   v < 0, 10, false);
		break;
	}
	case 'u': out_number(o, sp, arg_unsigned(ap, sp->longs), false, 10, false); break;
	case 'x': out_number(o, sp, arg_unsigned(ap, sp->longs), false, 16, false); break;
	case 'X': out_number(o, sp, arg_unsigned(ap, sp->longs), false, 16, true); break;
	case 'o': out_number(o, sp, arg_unsigned(ap, sp->longs), false, 8, false); break;
	case 'p':
		out_char(o, '0');
		out_char(o, 'x');
		out_number(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false);
		break;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		out_padded(o, sp, &ch, 1, false);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		out_padded(o, sp, s, sp->prec >= 0 ? strnlen(s, sp->prec) : strlen(s),
			   false);
		break;
	}
	default:	/* '%' and anything unknown is printed as is */
		out_char(o, c);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = { buf, size, 0 };
	struct fmt_spec sp;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		if (!*f)
			break;
		out_conversion(&o, *f, &sp, &aq);
	}
	va_end(aq);
	if (size)
		buf[MIN(o.len, size - 1)] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
