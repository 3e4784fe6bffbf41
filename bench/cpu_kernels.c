/* The benchmark kernels (see cpu_kernels.h). Built without sanitizers,
 * vectorization or loop-to-libcall rewriting, so the code is plain integer
 * x86-64 that both the host and the soft CPU run. */
#include "bench/cpu_kernels.h"

#define KERN __attribute__((section("softcpu_kernels"), noinline, used))

KERN uint64_t kern_intloop(uint8_t *buf, uint64_t len, uint64_t iters)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;

	for (uint64_t i = 0; i < iters; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		x ^= x >> 29;
		if (x & 0x100)
			acc += x >> 7;
		else
			acc ^= x << 3;
	}
	return acc + len + (buf ? 1 : 0);
}

KERN uint64_t kern_memcpy(uint8_t *buf, uint64_t len, uint64_t reps)
{
	uint64_t half = len / 2 / 8, sum = 0;
	uint64_t *src = (uint64_t *)buf, *dst = (uint64_t *)(buf + len / 2);

	for (uint64_t r = 0; r < reps; r++) {
		for (uint64_t i = 0; i < half; i++)
			dst[i] = src[i] + r;
		sum += dst[r % half];
	}
	return sum;
}

KERN uint64_t kern_rle(uint8_t *buf, uint64_t len, uint64_t reps)
{
	uint64_t half = len / 2, out = 0;
	uint8_t *in = buf, *o = buf + half;

	for (uint64_t r = 0; r < reps; r++) {
		uint64_t i = 0;

		out = 0;
		while (i < half && out + 2 <= half) {
			uint8_t v = in[i];
			uint64_t run = 1;

			while (i + run < half && in[i + run] == v && run < 255)
				run++;
			o[out++] = v;
			o[out++] = (uint8_t)run;
			i += run;
		}
	}
	return out;
}
