/* The CPU loop timed by the guest's bench mode and, as its reference, by
 * the host (bench_native.c): the same code on both sides of the ratio. */
#ifndef GUEST_BENCH_LOOP_H
#define GUEST_BENCH_LOOP_H

#include <stdint.h>

#define BENCH_LOOP_ITERS 200000000ULL

/* One 64-bit LCG step per iteration; the empty asm keeps every step. */
static inline uint64_t bench_loop(uint64_t iters)
{
	uint64_t x = 1;

	for (uint64_t i = 0; i < iters; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

#endif
