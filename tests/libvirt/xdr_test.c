/* xld/libvirt/xdr.c: the layouts libvirt's rpcgen code produces, and the
 * reader's refusals (short input, oversized or NUL-holding strings, bad
 * optional markers), which are what keep a hostile client harmless. */
#include "tests/tap.h"
#include "xld/libvirt/xdr.h"

#include <stdlib.h>
#include <string.h>

static void test_layout(void)
{
	struct xdr_out o;
	static const uint8_t want[] = {
		0x00, 0x00, 0x00, 0x2a,                         /* u32 42 */
		0xff, 0xff, 0xff, 0xff,                         /* i32 -1 */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, /* u64 */
		0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c', 0x00,    /* string, padded */
		0x00, 0x00, 0x00, 0x00,                         /* absent optional */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 'w', 'x', 'y', 'z',
	};

	xdr_out_init(&o, 1024);
	xdr_put_u32(&o, 42);
	xdr_put_i32(&o, -1);
	xdr_put_u64(&o, 0x100000002ull);
	xdr_put_string(&o, "abc");
	xdr_put_opt_string(&o, NULL);
	xdr_put_opt_string(&o, "wxyz");
	is_int(o.err, 0, "the writer has no error");
	ok(o.len == sizeof(want) && memcmp(o.buf, want, sizeof(want)) == 0,
	   "u32, i32, u64, padded string and both optional forms are laid out as rpcgen does");

	struct xdr_in in;
	uint32_t u;
	int32_t i;
	uint64_t h;
	char *s = NULL, *none = NULL, *opt = NULL;
	xdr_in_init(&in, o.buf, o.len);
	xdr_get_u32(&in, &u);
	xdr_get_i32(&in, &i);
	xdr_get_u64(&in, &h);
	xdr_get_string(&in, &s, 100);
	xdr_get_opt_string(&in, &none, 100);
	xdr_get_opt_string(&in, &opt, 100);
	ok(xdr_in_end(&in), "reading it back consumes every byte");
	ok(u == 42 && i == -1 && h == 0x100000002ull, "numbers read back");
	ok(s && strcmp(s, "abc") == 0 && !none && opt && strcmp(opt, "wxyz") == 0, "strings read back");
	free(s);
	free(opt);

	xdr_patch_u32(&o, 0, 7);
	ok(o.buf[3] == 7, "patch rewrites a word in place");
	xdr_out_dispose(&o);
}

static void test_refusals(void)
{
	static const uint8_t long_len[] = { 0x00, 0x00, 0x01, 0x00, 'a', 'b', 'c', 'd' };
	static const uint8_t nul_in[] = { 0x00, 0x00, 0x00, 0x02, 'a', 0x00, 0x00, 0x00 };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd' };
	static const uint8_t badopt[] = { 0x00, 0x00, 0x00, 0x02 };
	static const uint8_t short_pad[] = { 0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c' };
	struct xdr_in in;
	char *s;
	uint32_t u;
	uint64_t h;
	uint8_t uuid[16];

	xdr_in_init(&in, long_len, sizeof(long_len));
	ok(xdr_get_string(&in, &s, 1000) < 0 && !s, "a string longer than the bytes left is refused");
	ok(xdr_get_u32(&in, &u) < 0, "and the reader stays bad afterwards");
	xdr_in_init(&in, long_len, sizeof(long_len));
	ok(xdr_get_string(&in, &s, 16) < 0, "a string over its maximum is refused");
	xdr_in_init(&in, nul_in, sizeof(nul_in));
	ok(xdr_get_string(&in, &s, 16) < 0, "a string holding a NUL byte is refused");
	xdr_in_init(&in, huge, sizeof(huge));
	ok(xdr_get_string(&in, &s, (size_t)-1) < 0, "a 4 GiB length with no maximum does not overflow");
	xdr_in_init(&in, badopt, sizeof(badopt));
	ok(xdr_get_opt_string(&in, &s, 16) < 0, "an optional marker other than 0 or 1 is refused");
	xdr_in_init(&in, short_pad, sizeof(short_pad));
	ok(xdr_get_string(&in, &s, 16) < 0, "a string whose padding is missing is refused");
	xdr_in_init(&in, badopt, sizeof(badopt));
	ok(xdr_get_u64(&in, &h) < 0, "a hyper from 4 bytes is refused");
	xdr_in_init(&in, badopt, sizeof(badopt));
	ok(xdr_get_opaque(&in, uuid, 16) < 0, "a uuid from 4 bytes is refused");
	xdr_in_init(&in, badopt, sizeof(badopt));
	xdr_get_u32(&in, &u);
	ok(xdr_in_end(&in), "a fully read buffer is at its end");
	xdr_in_init(&in, long_len, sizeof(long_len));
	xdr_get_u32(&in, &u);
	ok(!xdr_in_end(&in), "bytes left over are not the end");

	struct xdr_out o;
	xdr_out_init(&o, 8);
	xdr_put_u64(&o, 1);
	is_int(o.err, 0, "the writer fills up to its limit");
	xdr_put_u32(&o, 1);
	ok(o.err < 0 && o.len == 8, "and refuses a byte more");
	xdr_out_reset(&o);
	is_int(o.err, 0, "reset forgets the failure");
	xdr_out_dispose(&o);
}

/* Random bytes read as random field sequences: the reader stays inside its
 * buffer (ASan/UBSan builds check every access) and a bad reader stays bad. */
static void test_random(void)
{
	uint64_t rng = 0x2545f4914f6cdd1dull;
	uint8_t buf[64];
	int stuck_bad = 1;

	for (int round = 0; round < 20000; round++) {
		size_t len = 0;
		struct xdr_in in;
		bool was_bad = false;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		len = rng % sizeof(buf);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)(rng >> (i % 56)) & (i % 4 == 0 ? 0x00 : 0xff);
		xdr_in_init(&in, buf, len);
		for (int f = 0; f < 8; f++) {
			char *s = NULL;
			uint64_t h;
			uint8_t u16[16];
			switch ((rng >> (f * 3)) % 4) {
			case 0: xdr_get_string(&in, &s, 32); break;
			case 1: xdr_get_opt_string(&in, &s, 32); break;
			case 2: xdr_get_u64(&in, &h); break;
			default: xdr_get_opaque(&in, u16, sizeof(u16)); break;
			}
			free(s);
			if (was_bad && !in.bad)
				stuck_bad = 0;
			was_bad = in.bad;
			if (in.off > in.len)
				stuck_bad = 0;
		}
	}
	ok(stuck_bad, "20000 random buffers: never past the end, and a bad reader stays bad");
}

int main(void)
{
	test_layout();
	test_refusals();
	test_random();
	return tap_done();
}
