/* fuzz_mutate: the deterministic mutation engine of the fuzz-style tests
 * (tests/cfg/test_cfg_fuzz.c, tests/domxml/test_domxml_fuzz.c): a seed
 * corpus read from directories, a fixed-seed PRNG, mutations that flip,
 * delete, insert tokens of the includer's grammar, truncate and repeat.
 * The includer defines `static const char *const tokens[]` before
 * including this file. Test-only code: everything is static. */
#ifndef VMCTL_TESTS_FUZZ_MUTATE_H
#define VMCTL_TESTS_FUZZ_MUTATE_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"

#define MAX_SEEDS 256
#define MAX_LEN   8192

static char *seeds[MAX_SEEDS];
static size_t seed_len[MAX_SEEDS], nseeds;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void add_seed(const char *text, size_t len)
{
	if (nseeds < MAX_SEEDS && len < MAX_LEN && (seeds[nseeds] = malloc(len + 1))) {
		memcpy(seeds[nseeds], text, len);
		seed_len[nseeds++] = len;
	}
}

static void load_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[8192], buf[MAX_LEN];

	while (d && (e = readdir(d))) {
		FILE *f;
		size_t n;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		f = fopen(path, "r");
		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		add_seed(buf, n);
	}
	if (d)
		closedir(d);
}

static size_t mutate(const char *in, size_t len, char *out)
{
	size_t n = len, k = 1 + rnd(8);

	memcpy(out, in, len);
	while (k--) {
		size_t at = n ? rnd((uint32_t)n + 1) : 0;
		const char *t = tokens[rnd(sizeof(tokens) / sizeof(tokens[0]))];
		size_t tl = t[0] ? strlen(t) : 1;

		switch (rnd(5)) {
		case 0: if (at < n) out[at] = (char)rnd(256); break;            /* flip */
		case 1: if (at < n) memmove(out + at, out + at + 1, n - at - 1), n--; break;
		case 2: if (n + tl < MAX_LEN) {                                  /* insert */
				memmove(out + at + tl, out + at, n - at);
				memcpy(out + at, t, tl);
				n += tl;
			}
			break;
		case 3: n = at; break;                                          /* truncate */
		default: if (n && n < MAX_LEN / 2) {                            /* repeat */
				size_t from = rnd((uint32_t)n), l = rnd((uint32_t)(n - from) + 1);
				char piece[MAX_LEN / 2];

				memcpy(piece, out + from, l);
				memmove(out + at + l, out + at, n - at);
				memcpy(out + at, piece, l);
				n += l;
			}
		}
	}
	return n;
}

/* A failing input, escaped, so it can be turned into a corpus file. */
static void show(const char *buf, size_t n)
{
	char out[4 * 256 + 1];
	size_t o = 0;

	for (size_t i = 0; i < n && i < 256; i++) {
		unsigned char c = (unsigned char)buf[i];

		o += (size_t)snprintf(out + o, sizeof(out) - o, c >= 0x20 && c < 0x7f && c != '\\'
				      ? "%c" : "\\x%02x", c);
	}
	diag("failing input (%zu bytes): %s", n, out);
	if (getenv("FUZZ_DUMP")) {  /* a directory for failing inputs */
		static unsigned seq;
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/fail-%u", getenv("FUZZ_DUMP"), seq++);
		f = fopen(path, "w");
		if (f) {
			fwrite(buf, 1, n, f);
			fclose(f);
		}
	}
}

static void free_seeds(void)
{
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i]);
}

#endif
