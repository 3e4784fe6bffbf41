/* Library self-tests (mode=test-lib). */
#include "kernel.h"
#include "net.h"
#include "selftest.h"

static char fail_buf[160];

static bool check_str(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return true;
	snprintf(fail_buf, sizeof(fail_buf), "%s: got '%s', want '%s'", what, got, want);
	return false;
}

static bool check_num(const char *what, unsigned long long got,
		      unsigned long long want)
{
	if (got == want)
		return true;
	snprintf(fail_buf, sizeof(fail_buf), "%s: got %llu, want %llu", what, got, want);
	return false;
}

static bool test_printf(void)
{
	char b[64];
	int n;

	snprintf(b, sizeof(b), "%d|%5d|%-5d|%05d", -42, 42, 42, -42);
	if (!check_str("printf %d", b, "-42|   42|42   |-0042"))
		return false;
	snprintf(b, sizeof(b), "%x|%lX|%08lx|%llu", 255u, 0xabcUL, 0x1fUL,
		 18446744073709551615ULL);
	if (!check_str("printf %x", b, "ff|ABC|0000001f|18446744073709551615"))
		return false;
	snprintf(b, sizeof(b), "%s|%.3s|%-4s|%c|%%|%p", "abc", "abcdef", "x", 'z',
		 (void *)0x10);
	if (!check_str("printf %s", b, "abc|abc|x   |z|%|0x10"))
		return false;
	n = snprintf(b, 4, "%s", "truncated");
	return check_num("snprintf length", (unsigned long long)n, 9) &&
	       check_str("snprintf truncation", b, "tru");
}

static bool test_parse(void)
{
	unsigned long long v;
	const char *end;

	if (!check_num("strtoull hex", strtoull("0x1F", NULL, 0), 31) ||
	    !check_num("strtoull octal", strtoull("017", NULL, 0), 15) ||
	    !check_num("strtoull base 10", strtoull("123abc", &end, 10), 123) ||
	    !check_str("strtoull end", end, "abc"))
		return false;
	if (!check_num("str_to_ull junk", (unsigned long long)-str_to_ull("12x", &v), EINVAL) ||
	    !check_num("str_to_ull empty", (unsigned long long)-str_to_ull("", &v), EINVAL))
		return false;
	return check_num("str_to_ull", (unsigned long long)str_to_ull("4096", &v), 0) &&
	       check_num("str_to_ull value", v, 4096);
}

static bool test_options(void)
{
	struct options o;
	char buf[64];
	char *w[4];

	options_parse(&o, "root=/dev/xvda1  mode=test-x flag mode=shell n=0x10");
	if (!check_str("option last wins", options_get(&o, "mode", "?"), "shell") ||
	    !check_str("bare option", options_get(&o, "flag", "?"), "1") ||
	    !check_str("missing option", options_get(&o, "nope", "def"), "def") ||
	    !check_num("numeric option", options_get_num(&o, "n", 0), 16))
		return false;
	strlcpy(buf, "  a bb\tccc ", sizeof(buf));
	return check_num("str_split count", (unsigned long long)str_split(buf, w, 4), 3) &&
	       check_str("str_split word", w[2], "ccc");
}

static bool test_checksums(void)
{
	uint32_t ip;
	char b[16];

	if (!check_num("crc32", crc32(0, "123456789", 9), 0xcbf43926))
		return false;
	if (!check_num("ip parse", (unsigned long long)net_parse_ip("10.1.2.3", &ip), 0) ||
	    !check_str("ip format", net_format_ip(ip, b), "10.1.2.3"))
		return false;
	return check_num("ip parse junk", (unsigned long long)-net_parse_ip("10.1.2", &ip), EINVAL) &&
	       check_num("ip parse range", (unsigned long long)-net_parse_ip("1.2.3.256", &ip), EINVAL);
}

static bool test_memory(struct kernel *k)
{
	uint8_t *a = mm_alloc_pages(k, 3, 4), *b;
	unsigned long before = k->mm.free_pages;

	if (!a || virt_to_pfn(a) % 4)
		return check_str("aligned allocation", "misaligned or none", "ok");
	memset(a, 0x5a, 3 * PAGE_SIZE);
	memmove(a + 1, a, 100);
	b = mm_alloc_pages(k, 1, 1);
	if (!b || (b >= a && b < a + 3 * PAGE_SIZE))
		return check_str("second allocation", "overlaps", "separate");
	mm_free_pages(k, b, 1);
	mm_free_pages(k, a, 3);
	return check_num("free count restored", k->mm.free_pages, before + 3) &&
	       check_num("p2m of frame 0", mm_pfn_to_mfn(k, 0), k->mm.p2m[0]);
}

const char *selftest_lib(struct kernel *k)
{
	static const struct { const char *name; bool (*fn)(void); } tests[] = {
		{ "printf", test_printf }, { "parse", test_parse },
		{ "options", test_options }, { "checksums", test_checksums },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		bool ok = tests[i].fn();

		printk("selftest %s: %s\n", tests[i].name, ok ? "ok" : fail_buf);
		if (!ok)
			return fail_buf;
	}
	if (!test_memory(k))
		return fail_buf;
	printk("selftest memory: ok\n");
	return NULL;
}
