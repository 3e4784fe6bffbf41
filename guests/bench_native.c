/* Host references for the guest's bench mode: the same CPU loop run
 * natively, and the host's cheapest system call.  Prints
 *   <figure> <value>
 * lines for guests/bench_kernel.sh. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "guests/bench_loop.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int main(void)
{
	const unsigned int calls = 1000000;
	uint64_t t0 = now_ns(), ns;

	bench_loop(BENCH_LOOP_ITERS);
	ns = now_ns() - t0;
	printf("cpu-loop %llu\n", (unsigned long long)(BENCH_LOOP_ITERS * 1000 / ns));
	t0 = now_ns();
	for (unsigned int i = 0; i < calls; i++)
		syscall(SYS_getppid);
	printf("syscall %llu\n", (unsigned long long)((now_ns() - t0) / calls));
	return 0;
}
