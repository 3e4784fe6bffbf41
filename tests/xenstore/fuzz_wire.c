/* Fuzz target for the wire protocol: the input is a byte stream from one
 * client (the first byte chooses dom0 or a guest), fed to a fresh store.
 * Built with -fsanitize=fuzzer and -DXS_LIBFUZZER it is a libFuzzer target;
 * otherwise main() runs the given files, or (make check) a few thousand
 * generated streams of plausible, then corrupted, requests (XS_FUZZ_N,
 * default 3000; XS_FUZZ_SEED). */
#include "xld/xenstore/xs.h"
#include "common/evloop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void drain(struct xs_conn *c)
{
	while (c->out_head)
		xs_conn_sent(c, c->out_head->len - c->out_head->off);
}

static const struct xs_transport_ops fuzz_ops = { .name = "fuzz", .flush = drain };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evloop *loop = evloop_new();
	struct xenstored *xs = xenstored_new(loop);
	struct xs_conn *c, *g;

	if (!xs || !size)
		goto out;
	xenstored_write(xs, "/local/domain/5/data/x", "1", 1);
	xenstored_set_perms(xs, "/local/domain/5/data", "n5");
	xenstored_domain_introduce(xs, 5);
	g = xs_conn_new(xs, &fuzz_ops, NULL, 5, false);
	c = data[0] & 1 ? g : xs_conn_new(xs, &fuzz_ops, NULL, 0, true);
	if (c) {
		xs_watch_add(c, "/", "all", false, -1, NULL, NULL, NULL);
		xs_conn_input(c, (const char *)data + 1, size - 1);
	}
	xenstored_domain_release(xs, 5);
	evloop_run_once(loop, 0);
out:
	xenstored_free(xs);
	evloop_free(loop);
	return 0;
}

#ifndef XS_LIBFUZZER
static unsigned seed = 2024;

static unsigned rnd(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static const char *const words[] = {
	"/", "/a", "/a/b", "data", "data/x", "/local/domain/5/data/y", "@introduceDomain",
	"@releaseDomain", "@releaseDomain/5", "5", "0", "1", "T", "F", "n0", "r5", "b5", "w7",
	"tok", "nodes", "watches", "outstanding", "print", "", "//", "/a/", "x y", "99999999999",
};

/* A message of a random type with 0-4 dictionary arguments. */
static size_t gen_msg(char *buf, size_t cap)
{
	struct xsd_sockmsg h = { rnd(XS_TYPE_COUNT + 2), rnd(100), rnd(4) ? 0 : rnd(4), 0 };
	size_t off = sizeof(h);
	unsigned n = rnd(5);

	for (unsigned i = 0; i < n; i++) {
		const char *w = words[rnd(sizeof(words) / sizeof(words[0]))];
		size_t l = strlen(w) + (rnd(8) ? 1 : 0); /* sometimes no NUL */
		if (off + l >= cap)
			break;
		memcpy(buf + off, w, l);
		off += l;
	}
	h.len = (uint32_t)(off - sizeof(h));
	if (!rnd(50))
		h.len = rnd(2) ? XENSTORE_PAYLOAD_MAX + 1 : h.len + 3; /* lie about it */
	memcpy(buf, &h, sizeof(h));
	return off;
}

static size_t gen_stream(uint8_t *buf, size_t cap)
{
	size_t off = 1;

	buf[0] = (uint8_t)rnd(2);
	for (unsigned i = 0, n = 1 + rnd(12); i < n && off + 512 < cap; i++)
		off += gen_msg((char *)buf + off, 512);
	for (unsigned i = 0, n = rnd(3); i < n; i++)
		buf[1 + rnd((unsigned)off - 1)] ^= (uint8_t)(1u << rnd(8)); /* corrupt */
	return off;
}

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 16];
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return LLVMFuzzerTestOneInput(buf, n);
}

/* Saved images with random bytes flipped: loaded or refused, no crash. */
static int fuzz_images(int n)
{
	char file[] = "/tmp/xsfuzzimg.XXXXXX";
	struct evloop *loop = evloop_new();
	struct xenstored *xs = xenstored_new(loop);
	static char img[1 << 16];
	size_t len;
	int fd = mkstemp(file), refused = 0;
	FILE *f;

	close(fd);
	xenstored_write(xs, "/a/b/c", "value", 5);
	xenstored_set_perms(xs, "/a/b", "n3 r4");
	xenstored_domain_introduce(xs, 3);
	xenstored_save(xs, file);
	f = fopen(file, "rb");
	len = fread(img, 1, sizeof(img), f);
	fclose(f);
	for (int i = 0; i < n; i++) {
		char copy[sizeof(img)];
		size_t l = rnd(4) ? len : rnd((unsigned)len);
		memcpy(copy, img, len);
		for (unsigned k = 0, m = 1 + rnd(4); k < m; k++)
			copy[rnd((unsigned)len)] = (char)rnd(256);
		f = fopen(file, "wb");
		fwrite(copy, 1, l, f);
		fclose(f);
		refused += xenstored_load(xs, file) < 0;
	}
	unlink(file);
	xenstored_free(xs);
	evloop_free(loop);
	return refused;
}

int main(int argc, char **argv)
{
	static uint8_t buf[8192];
	int n = getenv("XS_FUZZ_N") ? atoi(getenv("XS_FUZZ_N")) : 3000;

	if (getenv("XS_FUZZ_SEED"))
		seed = (unsigned)atoi(getenv("XS_FUZZ_SEED"));
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			if (run_file(argv[i]) < 0) {
				printf("not ok %d - %s\n", i, argv[i]);
				return 1;
			}
			printf("ok %d - %s\n", i, argv[i]);
		}
		printf("1..%d\n", argc - 1);
		return 0;
	}
	for (int i = 0; i < n; i++)
		LLVMFuzzerTestOneInput(buf, gen_stream(buf, sizeof(buf)));
	printf("ok 1 - %d generated request streams processed without a crash\n", n);
	printf("ok 2 - %d corrupted store images: %d refused, none crashed\n1..2\n", n / 10,
	       fuzz_images(n / 10));
	return 0;
}
#endif
