/* Fuzz-style test: the libFuzzer body (fuzz_cfg.c) over deterministic
 * mutations of the example configs and both corpora, plus random bytes and
 * random token soup. Any invariant broken aborts (a failed test); memory
 * errors are caught by ASan in the sanitizer build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cfg/fuzz_cfg.c"

/* Pieces of xl.cfg that make mutations reach deeper than random bytes. */
static const char *const tokens[] = {
	"=", "+=", "[", "]", ",", ";", "\n", "#", "\"", "'", "\\", "\\x4", "\\123", " ",
	"name", "memory", "disk", "vif", "vfb", "vkb", "type", "hvm", "pv", "vnc", "maxmem",
	"vcpus", "maxvcpus", "cpus", "0x", "999999999999", "-", "target=", "xvda", "hdc:cdrom",
	"rate=", "mac=", "@", "Mb/s", "cmdline", "root", "extra", "builder", "on_crash",
	"\"/a,,xvda\"", "'vnc=1'", "\0",
};

#include "tests/cfg/fuzz_mutate.h"

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], buf[MAX_LEN];
	static const char *const builtin[] = {
		"name='a'\nmemory=64\ndisk=['/a,,xvda']\nvif=['rate=1Mb/s@1ms']\n",
		"type='hvm'\nvnc=1\nserial=['pty']\nboot='dc'\n",
		"x=[[[[1]]],[2,],]\n", "vfb=['vnc=1,vncdisplay=3']\nvkb=['width=1']\n",
	};
	unsigned runs = 0, failures = 0;

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		add_seed(builtin[i], strlen(builtin[i]));
	if (top) {
		static const char *const sub[] = { "docs/examples", "tests/cfg/golden", "tests/cfg/bad" };

		for (size_t i = 0; i < 3; i++) {
			snprintf(dir, sizeof(dir), "%s/%s", top, sub[i]);
			load_dir(dir);
		}
	}
	diag("%zu seeds", nseeds);
	ok(nseeds > 40 || !top, "seed corpus loaded");
	for (size_t i = 0; i < nseeds; i++, runs++)
		failures += !fuzz_config((uint8_t *)seeds[i], seed_len[i]);
	for (unsigned i = 0; i < 20000; i++, runs++) {
		size_t s = rnd((uint32_t)nseeds), n = mutate(seeds[s], seed_len[s], buf);

		if (!fuzz_config((uint8_t *)buf, n) || !fuzz_specs((uint8_t *)buf, n))
			failures++, show(buf, n);
	}
	for (unsigned i = 0; i < 5000; i++, runs++) {
		size_t n = rnd(200);

		for (size_t j = 0; j < n; j++)
			buf[j] = (char)rnd(256);
		if (!fuzz_config((uint8_t *)buf, n) || !fuzz_specs((uint8_t *)buf, n))
			failures++, show(buf, n);
	}
	is_int(failures, 0, "%u inputs: messages positioned, JSON round trips stable", runs);
	free_seeds();
	return tap_done();
}
