/* CPU-bound kernels that the soft-CPU benchmark runs natively and as guest
 * code. They live in one section (softcpu_kernels), call nothing and touch
 * only their arguments, so their bytes run unchanged at any address. */
#ifndef VMCTL_BENCH_CPU_KERNELS_H
#define VMCTL_BENCH_CPU_KERNELS_H

#include <stdint.h>

/* A mixing integer loop (multiply, shifts, adds, a data-dependent branch). */
uint64_t kern_intloop(uint8_t *buf, uint64_t len, uint64_t iters);
/* Copy the first half of buf to the second half, 8 bytes at a time. */
uint64_t kern_memcpy(uint8_t *buf, uint64_t len, uint64_t reps);
/* Run-length encode the first half of buf into the second half. */
uint64_t kern_rle(uint8_t *buf, uint64_t len, uint64_t reps);

extern const uint8_t __start_softcpu_kernels[], __stop_softcpu_kernels[];

#endif
