/* The CPU-bound loop the pv benchmark runs in a guest and natively: the
 * same instructions either way (inline asm, so no compiler flag can make
 * the two differ). A dependent multiply-add chain: n iterations. */
#ifndef TESTS_GUESTS_BENCH_LOOP_H
#define TESTS_GUESTS_BENCH_LOOP_H

static inline unsigned long bench_loop(unsigned long n)
{
	unsigned long x = 1, k = 0x9e3779b97f4a7c15ul;

	__asm__ volatile("1:\n\t"
			 "imulq %2, %0\n\t"
			 "addq $1, %0\n\t"
			 "decq %1\n\t"
			 "jnz 1b"
			 : "+r"(x), "+r"(n)
			 : "r"(k)
			 : "cc");
	return x;
}

#endif
